"""Where evidence files live, and how an upload becomes one.

Evidence files are sealed with the attachments' envelope scheme (the identity vault's primitives and master
keys, one fresh data key per file, AAD = the item's public_id) but kept in their own storage: the attachments
garbage collector removes every file no Attachment row names, so evidence must never share its directory.

Unlike a reporter's attachment, evidence is stored exactly as it was collected: its metadata (a site photo's
time and place) is part of what it proves, and the SHA-256 recorded when it was collected must match the bytes
handed out later. The type and size checks are the attachments' own (`attachment_check`).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.translation import gettext as _

from jubao.attachments import storage as sealed
from jubao.attachments.checks import attachment_check, attachment_limits, extension_for
from jubao.attachments.errors import AttachmentRejected
from jubao.cases.errors import TransitionRejected

STORAGE_ALIAS = "evidence"
GC_GRACE = timedelta(hours=1)


def get_storage() -> Storage:
    if STORAGE_ALIAS in settings.STORAGES:
        return storages[STORAGE_ALIAS]
    return FileSystemStorage(
        location=os.path.join(settings.MEDIA_ROOT, "evidence"), base_url=None,
        file_permissions_mode=0o600, directory_permissions_mode=0o700,
    )


@dataclass(frozen=True)
class EvidenceFile:
    name: str
    content_type: str
    data: bytes = field(repr=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data)


def evidence_file_from_upload(upload: Any, *, field_name: str = "file") -> EvidenceFile:
    """Recognise and size-check an upload as the attachments app does, keeping the bytes exactly as uploaded."""
    try:
        checked = attachment_check(upload)
    except AttachmentRejected as exc:
        raise TransitionRejected(exc.message, field=field_name) from exc
    upload.seek(0)
    data = upload.read(attachment_limits()[checked.kind] + 1)
    if hashlib.sha256(data).hexdigest() != checked.original_sha256:  # the file changed while we read it
        raise TransitionRejected(_("The file could not be read completely; please send it again."), field=field_name)
    return EvidenceFile(name=checked.original_name, content_type=checked.content_type, data=data)


def store(item: Any, evidence: EvidenceFile) -> None:
    """Seal and write the file; sets the envelope fields on the (unsaved) item."""
    item.algorithm, item.key_id, item.wrapped_key, ciphertext = sealed.seal_file(item.public_id, evidence.data)
    item.storage_name = sealed.write(get_storage(), ciphertext)
    item.file_name, item.content_type = evidence.name, evidence.content_type
    item.size, item.sha256 = evidence.size, evidence.sha256


def discard(item: Any) -> None:
    if item.storage_name:
        get_storage().delete(item.storage_name)


def open_file(item: Any) -> bytes:
    """The plaintext, checked against the SHA-256 recorded when the evidence was collected."""
    from jubao.attachments.errors import AttachmentUnavailable

    data = sealed.open_file(item, sealed.read(get_storage(), item.storage_name, item.public_id))
    if hashlib.sha256(data).hexdigest() != item.sha256:
        raise AttachmentUnavailable(f"evidence {item.public_id}: decrypted file does not match its hash")
    return data


def download_name(item: Any) -> str:
    stem, dot, _ext = item.file_name.rpartition(".")
    stem = stem if dot and stem else (item.file_name or "evidence")
    return f"{stem}.{extension_for(item.content_type)}"


def _walk(backend: Storage, path: str = ""):  # type: ignore[no-untyped-def]
    try:
        directories, files = backend.listdir(path)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{path}/{name}" if path else name
    for directory in directories:
        yield from _walk(backend, f"{path}/{directory}" if path else directory)


def evidence_files_gc(*, older_than: timedelta = GC_GRACE, dry_run: bool = False) -> list[str]:
    """Remove stored files no EvidenceItem names and older than `older_than` (younger ones may belong to a
    transaction still in progress): what a rolled-back recording left behind. Returns the names removed."""
    from django.utils import timezone

    from .models import EvidenceItem

    backend = get_storage()
    cutoff = timezone.now() - older_than
    names = list(_walk(backend))
    removed: list[str] = []
    for start in range(0, len(names), 500):
        batch = names[start:start + 500]
        known = set(EvidenceItem.objects.filter(storage_name__in=batch).values_list("storage_name", flat=True))
        for name in batch:
            if name not in known and backend.get_modified_time(name) < cutoff:
                if not dry_run:
                    backend.delete(name)
                removed.append(name)
    return removed
