"""Bulk imports of reports from CSV/XLSX files (e.g. a 12345 hotline export) and the rows they rejected."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jubao.cases.models import Channel


class ImportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel workbook (XLSX)")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    MAPPED = "mapped", _("Columns mapped")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def import_file_name(instance: ImportBatch, filename: str) -> str:
    # The uploaded file may hold reporters' phone and ID numbers: never reuse its name, which
    # staff choose freely and which may itself name a person; keep it unguessable.
    return f"imports/{secrets.token_hex(16)}.{instance.format or 'bin'}"


class ImportBatch(models.Model):
    """One uploaded file and the state of its import. Counters move in the same transaction as each row."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="import_batches")
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    original_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("file"), upload_to=import_file_name, max_length=255, blank=True)
    format = models.CharField(_("format"), max_length=10, choices=ImportFormat.choices)
    # How to read the file again in the worker, found once when it was uploaded.
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=1, blank=True)
    sheet_name = models.CharField(max_length=100, blank=True)
    header_row = models.PositiveIntegerField(default=1)
    headers = models.JSONField(default=list, blank=True)
    # Row errors are written in the language of the person who uploaded the file.
    language = models.CharField(max_length=10, blank=True)
    channel = models.CharField(_("channel"), max_length=15, choices=Channel.choices, default=Channel.IMPORT)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)  # {target field: column header}
    defaults = models.JSONField(default=dict, blank=True)  # {"kind": code, "region": division code}
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices,
                              default=ImportStatus.UPLOADED)
    total_rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)  # null until the worker counted
    processed_rows = models.PositiveIntegerField(_("processed rows"), default=0)
    created_count = models.PositiveIntegerField(_("reports created"), default=0)
    duplicate_count = models.PositiveIntegerField(_("already imported"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected rows"), default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ImportStatus.values), name="import_status_valid"),
            models.CheckConstraint(condition=models.Q(format__in=ImportFormat.values), name="import_format_valid"),
            models.CheckConstraint(condition=models.Q(channel__in=Channel.values), name="import_channel_valid"),
            models.CheckConstraint(
                condition=models.Q(processed_rows=models.F("created_count") + models.F("duplicate_count")
                                   + models.F("rejected_count")),
                name="import_counts_add_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.public_id})"

    @property
    def is_active(self) -> bool:
        return self.status == ImportStatus.RUNNING

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, self.processed_rows * 100 // self.total_rows)


class ImportRowError(models.Model):
    """A rejected row with every reason and its mapped values, never the reporter's identity columns."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="row_errors")
    row_number = models.PositiveIntegerField(_("row"))
    external_id = models.CharField(_("external id"), max_length=255, blank=True)
    reasons = models.JSONField(default=list)
    raw = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["batch", "row_number"]
        verbose_name = _("rejected row")
        verbose_name_plural = _("rejected rows")
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="import_row_error_once"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number}"
