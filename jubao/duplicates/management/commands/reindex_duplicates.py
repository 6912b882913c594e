"""Rebuild the duplicate index from the reports, in batches, resumably.

    python manage.py reindex_duplicates                 # every report
    python manage.py reindex_duplicates --missing-only  # only reports not indexed with this version
    python manage.py reindex_duplicates --after 120000  # resume after the last report id printed

Each batch is one transaction, so an interrupted run loses at most one batch and can resume.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jubao.cases.models import Report
from jubao.duplicates.models import ReportSignature
from jubao.duplicates.services import index_entries_write, index_entry
from jubao.duplicates.signature import SIGNATURE_VERSION
from jubao.triage.steps import TriageInput


def _inputs(reports: Sequence[Mapping[str, Any]]) -> list[TriageInput]:
    return [
        TriageInput(
            title=r["title"], body=r["body"], kind_code=r["kind_id"], region_path=r["region__path"] or "",
            received_at=r["created_at"], report_id=r["id"], case_id=r["case_id"], address=r["address"],
            reported_subject=r["reported_subject"],
            reporter_keys=tuple(k for k in (r["identity__phone_hmac"], r["identity__id_number_hmac"]) if k),
        )
        for r in reports
    ]


class Command(BaseCommand):
    help = "Rebuild the duplicate index (MinHash signatures and lookup keys) for existing reports."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=1000, help="reports per transaction (default 1000)")
        parser.add_argument("--after", type=int, default=0, help="start after this report id (to resume)")
        parser.add_argument("--missing-only", action="store_true",
                            help="skip reports already indexed with the current signature version")

    def handle(self, *args: Any, **options: Any) -> None:
        batch, last_id = int(options["batch"]), int(options["after"])
        total = Report.objects.filter(pk__gt=last_id).count()
        done = 0
        started = time.perf_counter()
        self.stdout.write(f"indexing {total:,} reports after id {last_id} ({SIGNATURE_VERSION})")
        while True:
            reports = list(
                Report.objects.filter(pk__gt=last_id).order_by("pk").values(
                    "id", "title", "body", "kind_id", "region__path", "created_at", "case_id", "address",
                    "reported_subject", "identity__phone_hmac", "identity__id_number_hmac",
                )[:batch]
            )
            if not reports:
                break
            last_id = reports[-1]["id"]
            if options["missing_only"]:
                indexed = set(ReportSignature.objects.filter(
                    report_id__in=[r["id"] for r in reports], version=SIGNATURE_VERSION,
                ).values_list("report_id", flat=True))
                reports = [r for r in reports if r["id"] not in indexed]
            index_entries_write([index_entry(inp) for inp in _inputs(reports)])
            done += len(reports)
            rate = done / max(time.perf_counter() - started, 1e-6)
            self.stdout.write(f"indexed {done:,} ({rate:,.0f}/s); resume with --after {last_id}")
        self.stdout.write(self.style.SUCCESS(f"done: {done:,} reports indexed"))
