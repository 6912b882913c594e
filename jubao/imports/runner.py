"""Running an import: stream the rows, register each valid one as a case, record every rejected row.

Each row is one transaction that also advances the batch's counters, conditional on the row
count it started from. A worker that dies therefore leaves the batch exactly at a row boundary,
and the next attempt skips the rows already counted; a second worker that took over a lease
finds its conditional update refused and stops. The (channel, external_id) constraint on
reports is the last line of defence: a report is never created twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DataError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.cases.errors import CaseError
from jubao.cases.models import Case, Report
from jubao.cases.services import case_register
from jubao.protection.keys import load_keys
from jubao.protection.vault import identity_store

from .fields import IDENTITY_FIELDS
from .models import ImportBatch, ImportRowError, ImportStatus
from .readers import ImportFileError, iter_data_rows
from .validation import CheckedRow, RowValidator

logger = logging.getLogger("jubao.imports")

PROGRESS_EVERY = 50
ProgressCallback = Callable[[dict[str, Any]], bool]

CREATED, DUPLICATE, REJECTED = "created_count", "duplicate_count", "rejected_count"


class Superseded(Exception):
    """Someone else moved the batch on (another worker after a lease takeover): stop quietly."""


def vault_problem(batch: ImportBatch) -> str:
    """Why the reporter columns cannot be imported, or "" if the vault is usable."""
    if not IDENTITY_FIELDS & set(batch.mapping):
        return ""
    try:
        load_keys()
    except ImproperlyConfigured:
        return _("The identity vault is not configured, so reporter names, phone numbers and ID numbers "
                 "cannot be imported. Ask an administrator, or leave those columns out.")
    return ""


def import_batch_fail(*, batch: ImportBatch, message: str) -> None:
    now = timezone.now()
    ImportBatch.objects.filter(pk=batch.pk).exclude(status=ImportStatus.DONE).update(
        status=ImportStatus.FAILED, error=message, finished_at=now)
    batch.status, batch.error, batch.finished_at = ImportStatus.FAILED, message, now
    logger.warning("import %s failed", batch.public_id)


class _Run:
    def __init__(self, actor: Actor, batch: ImportBatch, on_progress: ProgressCallback | None):
        self.actor, self.batch, self.on_progress = actor, batch, on_progress
        self.validator = RowValidator(batch)
        # External ids already taken by an earlier row of this file: a repeat is rejected, not merged.
        self.seen: dict[str, int] = {}

    def run(self) -> None:
        batch = self.batch
        if batch.total_rows is None:
            batch.total_rows = sum(1 for _row in iter_data_rows(batch))
            ImportBatch.objects.filter(pk=batch.pk).update(total_rows=batch.total_rows)
            if not self.report_progress():  # counting a large workbook takes a while: renew the lease
                raise Superseded
        rejected_before = set(batch.row_errors.values_list("row_number", flat=True))
        pending: list[tuple[int, list[Any]]] = []
        position = 0
        for row_number, cells in iter_data_rows(batch):
            position += 1
            if position <= batch.processed_rows:
                # Counted in an earlier attempt; only remember which external ids it used.
                external_id = self.validator.external_id(cells)
                if external_id and row_number not in rejected_before:
                    self.seen.setdefault(external_id, row_number)
                continue
            pending.append((row_number, cells))
            if len(pending) >= PROGRESS_EVERY:
                self.process(pending)
                pending = []
                if not self.report_progress():
                    raise Superseded
        self.process(pending)
        self.report_progress()

    def report_progress(self) -> bool:
        if self.on_progress is None:
            return True
        return self.on_progress({"processed": self.batch.processed_rows, "total": self.batch.total_rows})

    def process(self, rows: list[tuple[int, list[Any]]]) -> None:
        checked = [(number, self.validator.check(cells)) for number, cells in rows]
        wanted = {row.external_id for _n, row in checked if row.report is not None}
        # One query per chunk instead of one per row; the unique constraint still guards races.
        existing = set(Report.objects.filter(channel=self.batch.channel, external_id__in=wanted)
                       .values_list("external_id", flat=True)) if wanted else set()
        for number, row in checked:
            self.process_row(number, row, existing)

    def process_row(self, number: int, row: CheckedRow, existing: set[str]) -> None:
        batch = self.batch
        with transaction.atomic():
            outcome = self.outcome(number, row, existing)
            if outcome == REJECTED:
                ImportRowError.objects.create(batch=batch, row_number=number, external_id=row.external_id[:255],
                                              reasons=row.reasons, raw=row.raw)
            updated = ImportBatch.objects.filter(
                pk=batch.pk, status=ImportStatus.RUNNING, processed_rows=batch.processed_rows,
            ).update(processed_rows=F("processed_rows") + 1, **{outcome: F(outcome) + 1})
            if not updated:
                raise Superseded
        batch.processed_rows += 1
        setattr(batch, outcome, getattr(batch, outcome) + 1)
        if outcome != REJECTED:
            self.seen.setdefault(row.external_id, number)

    def outcome(self, number: int, row: CheckedRow, existing: set[str]) -> str:
        if row.report is None:
            return REJECTED
        first = self.seen.get(row.external_id)
        if first is not None:
            row.reasons.append(_("The external id %(id)s is already used on row %(row)d of this file.") % {
                "id": row.external_id, "row": first})
            return REJECTED
        if row.external_id in existing:
            return DUPLICATE
        try:
            with transaction.atomic():
                self.register(row)
        except CaseError as exc:
            if exc.field == "external_id":  # created by someone else since the chunk was checked
                return DUPLICATE
            row.reasons.append(exc.message)
            return REJECTED
        except DataError:
            row.reasons.append(_("A value does not fit its field in the database."))
            return REJECTED
        return CREATED

    def register(self, row: CheckedRow) -> None:
        assert row.report is not None
        report = row.report
        if row.identity:
            identity = identity_store(actor=self.actor, name=row.identity["name"], phone=row.identity["phone"],
                                      id_number=row.identity["id_number"])
            report = replace(report, identity_id=identity.pk)
        created = case_register(actor=self.actor, report=report, now=row.received_at or timezone.now())
        if row.category_id:
            # Pre-classified exports: accepting the case later starts from this category.
            Case.objects.filter(pk=created.case_id).update(category_id=row.category_id)


def import_batch_run(*, actor: Actor, batch: ImportBatch, on_progress: ProgressCallback | None = None) -> ImportBatch:
    """Process a running batch from where it stopped; returns it done, failed, or (if superseded) as is."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch.pk)
    if batch.status != ImportStatus.RUNNING:
        return batch
    with translation.override(batch.language or settings.LANGUAGE_CODE):
        problem = vault_problem(batch)
        if problem:
            import_batch_fail(batch=batch, message=problem)
            return batch
        try:
            _Run(actor, batch, on_progress).run()
        except ImportFileError as exc:
            import_batch_fail(batch=batch, message=exc.message)
            return batch
        except Superseded:
            logger.info("import %s: superseded, stopping", batch.public_id)
            return batch
    finished = timezone.now()
    if ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.RUNNING).update(
            status=ImportStatus.DONE, finished_at=finished, error=""):
        batch.status, batch.finished_at, batch.error = ImportStatus.DONE, finished, ""
        _discard_file(batch)
    logger.info("import %s done: %d rows, %d created, %d already imported, %d rejected", batch.public_id,
                batch.processed_rows, batch.created_count, batch.duplicate_count, batch.rejected_count)
    return batch


def _discard_file(batch: ImportBatch) -> None:
    """Every row now lives in a report, the vault or a row error: the file (with its phone numbers) can go."""
    if not batch.file:
        return
    try:
        batch.file.delete(save=False)
    except OSError:
        logger.warning("import %s: could not delete the uploaded file", batch.public_id)
        return
    ImportBatch.objects.filter(pk=batch.pk).update(file="")
