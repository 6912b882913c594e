from django.core.management.base import BaseCommand, CommandError

from jubao.accounts.actors import Actor
from jubao.quality.periods import month_label, parse_month, previous_month
from jubao.quality.services import retrospective_samples_draw


class Command(BaseCommand):
    help = ("Draw the retrospective sample (20 % per jurisdiction) of the cases answered or closed in a month. "
            "Jurisdictions already drawn for that month are left alone, so running it twice adds nothing.")

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: the previous calendar month)")
        parser.add_argument("--seed", type=int, help="use this seed (to reproduce a draw); default: a random one")

    def handle(self, *args, **options):
        month = parse_month(options["month"]) if options["month"] else previous_month()
        if month is None:
            raise CommandError("--month must look like 2026-03")
        samples = retrospective_samples_draw(actor=Actor.system("draw_retrospective_sample"), month=month,
                                             seed=options["seed"])
        for sample in samples:
            self.stdout.write(f"{month_label(month)} {sample.jurisdiction.code} {sample.jurisdiction.name}: "
                              f"{sample.size} of {sample.population} (seed {sample.seed})")
        self.stdout.write(f"{len(samples)} new sample(s) for {month_label(month)}")
