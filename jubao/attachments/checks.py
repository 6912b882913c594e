"""Deciding what an upload really is, from its bytes, before anything is written.

The name and the browser's Content-Type are the reporter's (or an attacker's) claim; only the
content counts. `attachment_check` reads the upload once, recognises it, applies the size limit of
its kind, strips its metadata (jubao.attachments.strip) and hands back a `CheckedUpload` ready
for `attachment_save`. Every refusal is an `AttachmentRejected` with one translated sentence that
a frightened, non-technical reporter can act on.

Callers with several files check them all first (so one bad file refuses the submission before
anything is written), then save them one by one. A CheckedUpload holds the file in memory.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import filetype
from django.conf import settings
from django.utils.translation import gettext as _

from .errors import AttachmentRejected
from .models import AttachmentKind
from .strip import strip_metadata

__all__ = ["AttachmentRejected", "CheckedUpload", "attachment_check", "attachment_count_check"]

MB = 1024 * 1024
DEFAULT_LIMITS = {
    AttachmentKind.IMAGE: 20 * MB, AttachmentKind.VIDEO: 200 * MB, AttachmentKind.AUDIO: 50 * MB,
    AttachmentKind.PDF: 30 * MB, AttachmentKind.DOCUMENT: 20 * MB,
}
DEFAULT_MAX_PER_REPORT = 10
HEAD_BYTES = 64 * 1024
MAX_NAME = 200
# A 20 MB office file may legitimately unpack to a few hundred MB of XML; more is a zip bomb.
MAX_ZIP_UNPACKED = 512 * MB
MAX_ZIP_ENTRIES = 20_000

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK\x03\x04"

# filetype's answer -> (kind, content type we serve, extension we give the download).
_BY_MIME: dict[str, tuple[str, str, str]] = {
    "image/jpeg": (AttachmentKind.IMAGE, "image/jpeg", "jpg"),
    "image/png": (AttachmentKind.IMAGE, "image/png", "png"),
    "image/apng": (AttachmentKind.IMAGE, "image/png", "png"),  # an animated PNG is still a PNG
    "image/webp": (AttachmentKind.IMAGE, "image/webp", "webp"),
    "image/gif": (AttachmentKind.IMAGE, "image/gif", "gif"),
    "image/heic": (AttachmentKind.IMAGE, "image/heic", "heic"),
    "video/mp4": (AttachmentKind.VIDEO, "video/mp4", "mp4"),
    "video/quicktime": (AttachmentKind.VIDEO, "video/quicktime", "mov"),
    "video/webm": (AttachmentKind.VIDEO, "video/webm", "webm"),
    "audio/mpeg": (AttachmentKind.AUDIO, "audio/mpeg", "mp3"),
    "audio/mp4": (AttachmentKind.AUDIO, "audio/mp4", "m4a"),
    "audio/x-wav": (AttachmentKind.AUDIO, "audio/wav", "wav"),
    "audio/ogg": (AttachmentKind.AUDIO, "audio/ogg", "ogg"),
    "audio/amr": (AttachmentKind.AUDIO, "audio/amr", "amr"),
    "application/pdf": (AttachmentKind.PDF, "application/pdf", "pdf"),
}
_OOXML = {  # the folder inside the zip that makes it a Word, Excel or PowerPoint file
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
}
_OLE2 = [  # stream names (UTF-16LE in the OLE directory) that make it a Word or Excel 97-2003 file
    ("WordDocument", "application/msword", "doc"),
    ("Workbook", "application/vnd.ms-excel", "xls"),
    ("Book", "application/vnd.ms-excel", "xls"),
]
# C0 controls other than tab, newline, vertical tab, form feed and carriage return mean "binary".
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    content_type: str
    extension: str
    original_name: str
    original_sha256: str  # of the bytes exactly as uploaded: the evidence hash
    data: bytes = field(repr=False)  # what will be stored: the bytes with their metadata stripped
    metadata_removed: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def stored_sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def extension_for(content_type: str) -> str:
    """The extension a file of `content_type` (as stored on an Attachment) is given on download."""
    base = content_type.split(";")[0].strip()
    if base == "text/plain":
        return "txt"
    known = {ct: ext for _kind, ct, ext in _BY_MIME.values()}
    known.update({ct: ext for ct, ext in _OOXML.values()})
    known.update({ct: ext for _stream, ct, ext in _OLE2})
    return known.get(base, "bin")


def attachment_limits() -> dict[str, int]:
    configured = getattr(settings, "JUBAO_ATTACHMENT_LIMITS", {}) or {}
    return {**{str(k): v for k, v in DEFAULT_LIMITS.items()}, **configured}


def max_per_report() -> int:
    return int(getattr(settings, "JUBAO_ATTACHMENT_MAX_PER_REPORT", DEFAULT_MAX_PER_REPORT))


def attachment_count_check(report: Any = None, adding: int = 1) -> None:
    """Refuse when `adding` more files would take `report` (None for one not saved yet) over the limit."""
    limit = max_per_report()
    existing = report.attachments.count() if report is not None and report.pk else 0
    if existing + adding > limit:
        raise AttachmentRejected(
            _("A report can have at most %(limit)d files; this would make %(total)d.")
            % {"limit": limit, "total": existing + adding}
        )


def not_accepted() -> AttachmentRejected:
    return AttachmentRejected(_("This file is not a photo, video, audio recording, PDF or office document, "
                                "whatever its name says."))


def _human_size(size: int, *, limit: bool) -> str:
    if size < 1024:
        return f"{size} B"
    unit, name = (MB, "MB") if size >= MB else (1024, "KB")
    if limit and size % unit == 0:
        return f"{size // unit} {name}"
    # Rounded up, so a file just over the limit never reads as "20.0 MB" against "at most 20 MB".
    return f"{math.ceil(size * 10 / unit) / 10:.1f} {name}"


def _too_large(kind: str, size: int, limit: int) -> AttachmentRejected:
    values = {"limit": _human_size(limit, limit=True), "size": _human_size(size, limit=False)}
    messages: dict[str, Callable[[], str]] = {
        AttachmentKind.IMAGE: lambda: _("Photos can be at most %(limit)s; this one is %(size)s."),
        AttachmentKind.VIDEO: lambda: _("Videos can be at most %(limit)s; this one is %(size)s."),
        AttachmentKind.AUDIO: lambda: _("Audio recordings can be at most %(limit)s; this one is %(size)s."),
        AttachmentKind.PDF: lambda: _("PDFs can be at most %(limit)s; this one is %(size)s."),
        AttachmentKind.DOCUMENT: lambda: _("Documents can be at most %(limit)s; this one is %(size)s."),
    }
    return AttachmentRejected(messages[kind]() % values)


def sanitise_name(name: str, extension: str) -> str:
    """The basename without control, format (bidi override) or path characters, at most MAX_NAME long."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] not in {"C"} and c not in '<>:"|?*')
    name = " ".join(name.split()).strip(" .")
    if not name:
        name = f"attachment.{extension}"
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        ext = ext if dot and 0 < len(ext) <= 10 else ""
        name = stem[: MAX_NAME - len(ext) - 1] + "." + ext if ext else name[:MAX_NAME]
    return name


def _candidate(head: bytes) -> tuple[str, str, str] | None:
    """(kind, content type, extension) as far as the first bytes tell; None if not acceptable."""
    if head.startswith(ZIP_MAGIC) or head.startswith(OLE2_MAGIC):
        return AttachmentKind.DOCUMENT, "", ""  # which office format is decided on the whole file
    guess = filetype.guess(head)
    if guess is not None:
        return _BY_MIME.get(guess.mime)
    if _looks_like_text(head, final=False):
        return AttachmentKind.DOCUMENT, "text/plain", "txt"
    return None


def _text_encoding(data: bytes, *, final: bool) -> str | None:
    if _CONTROL.search(data):
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(data, final=final)
        except UnicodeDecodeError:
            continue
        return "utf-8" if encoding == "utf-8-sig" else encoding
    return None


def _looks_like_text(data: bytes, *, final: bool) -> bool:
    return bool(data) and _text_encoding(data, final=final) is not None


def _office_zip(data: bytes) -> tuple[str, str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names:
                raise not_accepted()
            if len(infos) > MAX_ZIP_ENTRIES or sum(info.file_size for info in infos) > MAX_ZIP_UNPACKED:
                raise AttachmentRejected(_("This document could not be read; it may be damaged."))
            if archive.getinfo("[Content_Types].xml").file_size > MB:
                raise not_accepted()
            content_types = archive.read("[Content_Types].xml")
    except AttachmentRejected:
        raise
    except Exception:  # any failure of the zip reader on hostile input (bad CRC, zlib, zip encryption…)
        raise not_accepted() from None
    # Macros run on staff computers; a reporter never needs them to show what happened.
    if b"macroenabled" in content_types.lower() or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _macros()
    for folder, (content_type, extension) in _OOXML.items():
        if any(n.startswith(folder) for n in names):
            return content_type, extension
    raise not_accepted()


def _macros() -> AttachmentRejected:
    return AttachmentRejected(_("This document contains macros, which we do not accept. Save it as an ordinary "
                                "document (.docx, .xlsx) and send it again."))


def _ole2(data: bytes) -> tuple[str, str]:
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise AttachmentRejected(_("This document is protected by a password. Remove the password and send it "
                                   "again."))
    if "_VBA_PROJECT".encode("utf-16-le") in data:
        raise _macros()
    for stream, content_type, extension in _OLE2:
        if stream.encode("utf-16-le") + b"\x00\x00" in data:
            return content_type, extension
    raise not_accepted()  # PowerPoint 97-2003, installers (.msi) and other OLE2 files


def _refine(kind: str, content_type: str, extension: str, data: bytes) -> tuple[str, str, str]:
    """Decide what the whole file is, where the first bytes could not tell."""
    if data.startswith(ZIP_MAGIC):
        return (kind, *_office_zip(data))
    if data.startswith(OLE2_MAGIC):
        return (kind, *_ole2(data))
    if content_type == "text/plain":
        encoding = _text_encoding(data, final=True)
        if encoding is None:
            raise not_accepted()
        return kind, f"text/plain; charset={encoding}", extension
    if content_type == "video/mp4":
        from .strip_media import isobmff_has_video

        if not isobmff_has_video(data):  # a phone's voice recorder often writes audio-only .mp4/.m4a
            return AttachmentKind.AUDIO, "audio/mp4", "m4a"
    return kind, content_type, extension


def attachment_check(upload: Any) -> CheckedUpload:
    """Recognise, size-check and strip one uploaded file (a Django UploadedFile or any file-like
    object with `.name` and `.read`). Raises AttachmentRejected with a message for the reporter."""
    if hasattr(upload, "seek"):
        upload.seek(0)
    head = upload.read(HEAD_BYTES)
    if not head:
        raise AttachmentRejected(_("This file is empty."))
    candidate = _candidate(head)
    if candidate is None:
        raise not_accepted()
    kind, content_type, extension = candidate
    limits = attachment_limits()
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limits[kind]:
        raise _too_large(kind, declared, limits[kind])
    # Never read more than one byte past the limit, whatever size the upload claims.
    rest = upload.read(max(0, limits[kind] + 1 - len(head))) if len(head) == HEAD_BYTES else b""
    data = head + rest
    if len(data) > limits[kind]:  # the declared size lied, or there was none
        raise _too_large(kind, max(declared or 0, len(data)), limits[kind])
    kind, content_type, extension = _refine(kind, content_type, extension, data)
    if len(data) > limits[kind]:  # refined into a kind with a smaller limit (audio-only .mp4)
        raise _too_large(kind, len(data), limits[kind])
    original_sha256 = hashlib.sha256(data).hexdigest()
    stripped = strip_metadata(content_type, data)
    return CheckedUpload(
        kind=str(kind), content_type=content_type, extension=extension,
        original_name=sanitise_name(getattr(upload, "name", ""), extension), original_sha256=original_sha256,
        data=stripped.data, metadata_removed=tuple(stripped.removed),
    )
