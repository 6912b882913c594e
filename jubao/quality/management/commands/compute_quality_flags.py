from django.core.management.base import BaseCommand, CommandError

from jubao.accounts.actors import Actor
from jubao.quality.periods import month_label, parse_month, previous_month
from jubao.quality.services import department_flags_compute


class Command(BaseCommand):
    help = "Compute the monthly 两低一高 department flags (low verification, low satisfaction, high repeat rate)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: the previous calendar month)")
        parser.add_argument("--recompute", action="store_true", help="replace a month already computed")

    def handle(self, *args, **options):
        month = parse_month(options["month"]) if options["month"] else previous_month()
        if month is None:
            raise CommandError("--month must look like 2026-03")
        rows = department_flags_compute(actor=Actor.system("compute_quality_flags"), month=month,
                                        recompute=options["recompute"])
        if not rows and not options["recompute"]:
            self.stdout.write(f"{month_label(month)} was already computed (use --recompute to replace it)")
            return
        flagged = [row for row in rows if row.two_low_one_high]
        self.stdout.write(f"{month_label(month)}: {len(rows)} department(s), {len(flagged)} with two lows, one high")
