"""Run triage again: for one case, or for every case still waiting to be accepted."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jubao.cases.models import Case, CaseState, Report
from jubao.cases.numbers import normalise
from jubao.triage.pipeline import triage_report


class Command(BaseCommand):
    help = "Re-run triage on registered cases (proposals nobody decided on are replaced; decisions are kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all-registered", action="store_true", help="every case in state registered")
        parser.add_argument("--case", action="append", default=[], metavar="NUMBER", help="one case (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        numbers = [normalise(n) for n in options["case"]]
        if not numbers and not options["all_registered"]:
            raise CommandError("give --case NUMBER or --all-registered")
        cases = Case.objects.none()
        if numbers:
            cases = Case.objects.filter(number__in=numbers)
            missing = set(numbers) - set(cases.values_list("number", flat=True))
            if missing:
                raise CommandError(f"no such case: {', '.join(sorted(missing))}")
        if options["all_registered"]:
            cases = cases | Case.objects.filter(state=CaseState.REGISTERED)
        reports = Report.objects.filter(case__in=cases).order_by("created_at").values_list("pk", flat=True)
        count = 0
        for report_id in reports.iterator():
            triage_report(report_id)
            count += 1
        self.stdout.write(f"triaged {count} report(s)")
