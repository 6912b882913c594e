"""Saving, opening and handing out attachments; the only code that writes Attachment rows.

Adding and downloading are both recorded in the audit chain. The "added" event carries the
SHA-256 of the original upload, so the evidence hash is itself protected by the chain: editing it
in the database afterwards breaks `verify_audit`. Events name attachments by public_id and hash,
never by file name (a name like "张三的材料.pdf" can identify the reporter) and never by content.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from datetime import timedelta

from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone

from jubao.accounts.actors import Actor
from jubao.audit.chain import EventDraft, append_event
from jubao.audit.models import ActorKind
from jubao.cases.models import Report
from jubao.protection.keys import load_keys

from . import storage as store
from .checks import CheckedUpload, attachment_count_check, extension_for
from .errors import AttachmentUnavailable
from .models import Attachment

logger = logging.getLogger(__name__)

GC_GRACE = timedelta(hours=1)


def _event(actor: Actor, event: str, attachment: Attachment, report: Report, **payload: object) -> None:
    append_event(EventDraft(
        kind=event, case_id=report.case_id, actor_kind=actor.kind, actor_id=actor.user_id, actor_label=actor.label,
        payload={"attachment": str(attachment.public_id), "report": report.tracking_number, **payload},
    ))


def attachment_save(*, actor: Actor, report: Report, checked: CheckedUpload) -> Attachment:
    """Encrypt and store a checked upload and record it, inside the caller's transaction.

    The ciphertext is written before the row; if the caller's transaction later rolls back, the
    file stays behind without a row and `manage.py attachments_gc` removes it."""
    with transaction.atomic():
        # Lock the report so two concurrent uploads cannot both pass the per-report limit.
        list(Report.objects.select_for_update().filter(pk=report.pk).values_list("pk", flat=True))
        attachment_count_check(report, 1)
        attachment = Attachment(
            report=report, kind=checked.kind, content_type=checked.content_type,
            original_name=checked.original_name, size=checked.size, original_sha256=checked.original_sha256,
            stored_sha256=checked.stored_sha256, metadata_removed=list(checked.metadata_removed),
            uploaded_by_kind=actor.kind if actor.kind in ActorKind.values else ActorKind.SYSTEM,
            uploaded_by=actor.user if actor.kind == ActorKind.STAFF else None,
        )
        attachment.algorithm, attachment.key_id, attachment.wrapped_key, ciphertext = store.seal_file(
            attachment.public_id, checked.data)
        backend = store.get_storage()
        attachment.storage_name = store.write(backend, ciphertext)
        try:
            attachment.save(force_insert=True)
            _event(actor, "attachment.added", attachment, report, type=attachment.kind, size=attachment.size,
                   original_sha256=attachment.original_sha256, stored_sha256=attachment.stored_sha256,
                   metadata_removed=attachment.metadata_removed)
        except BaseException:
            backend.delete(attachment.storage_name)
            raise
    logger.info("attachment %s stored (%s, %d bytes)", attachment.public_id, attachment.kind, attachment.size)
    return attachment


def attachment_open(attachment: Attachment) -> bytes:
    """The stored (metadata-stripped) plaintext. Callers authorise; use attachment_download for staff."""
    ciphertext = store.read(store.get_storage(), attachment.storage_name, attachment.public_id)
    data = store.open_file(attachment, ciphertext)
    if hashlib.sha256(data).hexdigest() != attachment.stored_sha256:
        raise AttachmentUnavailable(f"attachment {attachment.public_id}: decrypted file does not match its hash")
    return data


def download_name(attachment: Attachment) -> str:
    """The reporter's name with the extension of what the file really is, so the staff computer
    opens it with the right program whatever extension the upload had."""
    stem, dot, _ext = attachment.original_name.rpartition(".")
    stem = stem if dot and stem else attachment.original_name
    return f"{stem}.{extension_for(attachment.content_type)}"


def attachment_download(*, actor: Actor, attachment: Attachment) -> tuple[bytes, str, str]:
    """(data, content type, download name) for someone already allowed to see the case; audited."""
    data = attachment_open(attachment)
    report = attachment.report
    _event(actor, "attachment.downloaded", attachment, report, sha256=attachment.stored_sha256)
    return data, attachment.content_type, download_name(attachment)


def attachments_rotate(*, batch_size: int = 500) -> int:
    """Re-wrap every data key not wrapped by the active master key (after `vault_init_keys
    --new-active`); returns how many. Batches commit on their own, so a run can be repeated."""
    ring = load_keys()
    rotated, last_pk = 0, 0
    while True:
        with transaction.atomic():
            batch = list(Attachment.objects.select_for_update().filter(pk__gt=last_pk).exclude(key_id=ring.active)
                         .only("pk", "public_id", "algorithm", "key_id", "wrapped_key").order_by("pk")[:batch_size])
            if not batch:
                break
            for attachment in batch:
                data_key = store.unwrap_key(ring, attachment)
                attachment.key_id, attachment.wrapped_key = store.wrap_key(ring, attachment.public_id, data_key)
                attachment.save(update_fields=["key_id", "wrapped_key"])
        last_pk = batch[-1].pk
        rotated += len(batch)
    return rotated


def _walk(backend: Storage, path: str = "") -> Iterator[str]:
    try:
        directories, files = backend.listdir(path)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{path}/{name}" if path else name
    for directory in directories:
        yield from _walk(backend, f"{path}/{directory}" if path else directory)


def attachments_gc(*, older_than: timedelta = GC_GRACE, dry_run: bool = False, batch_size: int = 500) -> list[str]:
    """Delete stored files that no Attachment row names and that are older than `older_than`
    (younger ones may belong to a transaction still in progress). Returns the names removed."""
    backend = store.get_storage()
    cutoff = timezone.now() - older_than
    removed: list[str] = []

    def sweep(names: list[str]) -> None:
        known = set(Attachment.objects.filter(storage_name__in=names).values_list("storage_name", flat=True))
        for name in names:
            if name not in known and backend.get_modified_time(name) < cutoff:
                if not dry_run:
                    backend.delete(name)
                removed.append(name)

    batch: list[str] = []
    for name in _walk(backend):
        batch.append(name)
        if len(batch) >= batch_size:
            sweep(batch)
            batch = []
    if batch:
        sweep(batch)
    return removed
