"""Writes and reads for bulk imports. Views call these and nothing else; the worker runs `runner.py`."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.accounts.models import Role, User
from jubao.audit.models import ActorKind
from jubao.cases.models import Channel
from jubao.jobs.models import ACTIVE_STATUSES, Job
from jubao.jobs.services import job_enqueue
from jubao.taxonomy.models import Kind

from .errors import ImportForbidden, ImportNotFound, ImportProblem
from .fields import FIELDS_BY_NAME, REQUIRED_FIELDS, suggest_mapping
from .models import ImportBatch, ImportFormat, ImportStatus
from .readers import ImportFileError, inspect
from .runner import vault_problem
from .validation import find_region

logger = logging.getLogger("jubao.imports")

JOB_KIND = "imports.run"
IMPORT_ROLES = frozenset({Role.CLERK, Role.DISPATCHER, Role.ADMIN})
DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAPPABLE = (ImportStatus.UPLOADED, ImportStatus.MAPPED)


def max_upload_bytes() -> int:
    return int(getattr(settings, "JUBAO_IMPORT_MAX_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def can_import(actor: Actor) -> bool:
    return actor.kind == ActorKind.STAFF and actor.user is not None and actor.role in IMPORT_ROLES


def _require_importer(actor: Actor) -> None:
    if not can_import(actor):
        raise ImportForbidden(_("Only intake clerks, dispatchers and administrators may import reports."))


def _require_owner(actor: Actor, batch: ImportBatch) -> None:
    _require_importer(actor)
    if actor.role != Role.ADMIN and batch.created_by_id != actor.user_id:
        raise ImportNotFound(_("No import with that reference was found."))


# --- reads ------------------------------------------------------------------------------------
def import_batch_list_for(user: User) -> QuerySet[ImportBatch]:
    """Imports the user may see: their own; administrators see everyone's."""
    batches = ImportBatch.objects.select_related("created_by")
    if Actor.staff(user).role == Role.ADMIN:
        return batches
    return batches.filter(created_by=user)


def import_batch_get_for(user: User, public_id: Any) -> ImportBatch:
    batch = import_batch_list_for(user).filter(public_id=public_id).first()
    if batch is None:
        raise ImportNotFound(_("No import with that reference was found."))
    return batch


def import_batch_is_stalled(batch: ImportBatch) -> bool:
    """Running, but no job is queued or running for it: the worker gave up without reaching the handler
    (e.g. it crashed on every attempt), so the batch can only move on if someone starts it again."""
    if batch.status != ImportStatus.RUNNING:
        return False
    return not Job.objects.filter(dedupe_key=_dedupe_key(batch), status__in=ACTIVE_STATUSES).exists()


def _dedupe_key(batch: ImportBatch) -> str:
    return f"{JOB_KIND}:{batch.public_id}"


# --- writes -------------------------------------------------------------------------------------
def import_batch_create(*, actor: Actor, upload: UploadedFile, channel: str = Channel.IMPORT,
                        language: str = "") -> ImportBatch:
    """Store an uploaded file and find its header row. An unreadable file gives a *failed* batch
    (so the attempt is on record) and its content is not kept."""
    _require_importer(actor)
    if channel not in Channel.values:
        raise ImportProblem(_("Unknown channel."), field="channel")
    if upload.size is None or upload.size > max_upload_bytes():
        raise ImportProblem(_("The file is larger than %(mb)d MB. Split it into smaller files.") % {
            "mb": max_upload_bytes() // (1024 * 1024)}, field="file")
    name = PurePath(upload.name or "").name[:255] or "upload"
    batch = ImportBatch(created_by=actor.user, original_name=name, channel=channel,
                        language=language or translation.get_language() or settings.LANGUAGE_CODE)
    try:
        if upload.file is None:
            raise ImportFileError(_("The file is empty."))
        info = inspect(upload.file, name)
    except ImportFileError as exc:
        batch.format = ImportFormat.XLSX if PurePath(name).suffix.lower() == ".xlsx" else ImportFormat.CSV
        batch.status, batch.error, batch.finished_at = ImportStatus.FAILED, exc.message, timezone.now()
        batch.save()
        logger.info("import %s rejected at upload", batch.public_id)
        return batch
    batch.format, batch.encoding, batch.delimiter = info.format, info.encoding, info.delimiter
    batch.sheet_name, batch.header_row, batch.headers = info.sheet_name, info.header_row, info.headers
    batch.mapping = suggest_mapping(info.headers)
    upload.seek(0)
    batch.file.save(f"upload.{info.format}", upload, save=False)
    batch.save()
    return batch


def _check_defaults(defaults: Mapping[str, str]) -> dict[str, str]:
    clean: dict[str, str] = {}
    kind = (defaults.get("kind") or "").strip()
    if kind:
        if not Kind.objects.filter(code=kind, is_active=True).exists():
            raise ImportProblem(_("Choose a kind from the list."), field="default_kind")
        clean["kind"] = kind
    region = (defaults.get("region") or "").strip()
    if region:
        result = find_region(region)
        if isinstance(result, str):
            raise ImportProblem(result, field="default_region")
        clean["region"] = result.code
    return clean


@transaction.atomic
def import_batch_map(*, actor: Actor, batch: ImportBatch, mapping: Mapping[str, str],
                     defaults: Mapping[str, str] | None = None) -> ImportBatch:
    """Save which column feeds which field ({field: header}; "" or absent = not imported)."""
    _require_owner(actor, batch)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in MAPPABLE:
        raise ImportProblem(_("This import has already started; its columns can no longer be changed."))
    clean: dict[str, str] = {}
    for name, header in mapping.items():
        if not header:
            continue
        if name not in FIELDS_BY_NAME:
            raise ImportProblem(_("Unknown field."), field=name)
        if header not in batch.headers:
            raise ImportProblem(_("The file has no column with that name."), field=name)
        clean[name] = header
    for name in REQUIRED_FIELDS:
        if name not in clean:
            raise ImportProblem(_("Choose the column that holds the %(field)s.") % {
                "field": FIELDS_BY_NAME[name].label}, field=name)
    clean_defaults = _check_defaults(defaults or {})
    if "kind" not in clean and "kind" not in clean_defaults:
        raise ImportProblem(_("Choose the column that holds the kind, or a kind for every row."), field="kind")
    if "region" not in clean and "region" not in clean_defaults:
        raise ImportProblem(_("Choose the column that holds the region, or a region for every row."),
                            field="region")
    batch.mapping, batch.defaults, batch.status = clean, clean_defaults, ImportStatus.MAPPED
    problem = vault_problem(batch)
    if problem:
        raise ImportProblem(problem)
    batch.save(update_fields=["mapping", "defaults", "status"])
    return batch


@transaction.atomic
def import_batch_start(*, actor: Actor, batch: ImportBatch) -> ImportBatch:
    """Queue the import. A failed batch whose file is still there may be started again: it continues
    after the last row it counted."""
    _require_owner(actor, batch)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    restartable = (batch.status == ImportStatus.FAILED or import_batch_is_stalled(batch)) and bool(
        batch.file) and bool(batch.mapping)
    if batch.status != ImportStatus.MAPPED and not restartable:
        raise ImportProblem(_("This import cannot be started in its current state."))
    problem = vault_problem(batch)
    if problem:
        raise ImportProblem(problem)
    now = timezone.now()
    batch.status, batch.error, batch.finished_at = ImportStatus.RUNNING, "", None
    batch.started_at = batch.started_at or now
    batch.save(update_fields=["status", "error", "finished_at", "started_at"])
    # Only the reference travels in the job: the rows stay in the stored file.
    job_enqueue(kind=JOB_KIND, payload={"batch": str(batch.public_id)}, dedupe_key=_dedupe_key(batch))
    return batch
