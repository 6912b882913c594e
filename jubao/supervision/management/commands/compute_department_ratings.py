from django.core.management.base import BaseCommand, CommandError

from jubao.accounts.actors import Actor
from jubao.quality.periods import parse_quarter, previous_quarter, quarter_label
from jubao.supervision.services import department_ratings_compute


class Command(BaseCommand):
    help = "Rate departments green / yellow / red for a quarter (on-time, satisfaction and repeat rates)."

    def add_arguments(self, parser):
        parser.add_argument("--quarter", help="YYYY-Qn, e.g. 2026-Q1 (default: the previous quarter)")
        parser.add_argument("--recompute", action="store_true", help="replace a quarter already computed")

    def handle(self, *args, **options):
        quarter = parse_quarter(options["quarter"]) if options["quarter"] else previous_quarter()
        if quarter is None:
            raise CommandError("--quarter must look like 2026-Q1")
        rows = department_ratings_compute(actor=Actor.system("compute_department_ratings"), quarter=quarter,
                                          recompute=options["recompute"])
        if not rows and not options["recompute"]:
            self.stdout.write(f"{quarter_label(quarter)} was already computed (use --recompute to replace it)")
            return
        for row in rows:
            self.stdout.write(f"{row.rank:3d} {row.colour:6s} {row.department.code}")
        self.stdout.write(f"{quarter_label(quarter)}: {len(rows)} department(s) rated")
