"""PDFs: rewrite with pypdf without the document information, XMP and private application data.

Writing the document anew also drops earlier incremental revisions (an "updated" PDF keeps every
previous version of its text, and of its /Info, after the current one). Not reached: metadata
inside embedded files and inside images' own data (a JPEG placed in a PDF may keep its EXIF).
"""

from __future__ import annotations

import io
import logging

from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import DictionaryObject, NameObject

from .errors import AttachmentRejected
from .strip import Stripped

logger = logging.getLogger(__name__)

# Keys of the catalogue, of pages and of image/form XObjects that carry authoring data, not content.
_PRIVATE_KEYS = ("/Metadata", "/PieceInfo")


def _drop_private(obj: DictionaryObject, where: str, removed: list[str]) -> None:
    for key in _PRIVATE_KEYS:
        if key in obj:
            del obj[NameObject(key)]
            removed.append(f"pdf:{where}{'XMP' if key == '/Metadata' else key}")


def _xobjects(page: DictionaryObject) -> list[DictionaryObject]:
    try:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        if xobjects is None:
            return []
        return [ref.get_object() for ref in xobjects.get_object().values()]
    except (AttributeError, PyPdfError, KeyError, TypeError):
        return []


def strip_pdf(data: bytes) -> Stripped:
    removed: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise AttachmentRejected(_("This PDF is protected by a password. Remove the password and send it again."))
        info = reader.trailer.get("/Info")
        if info is not None:
            removed += [f"pdf:{key}" for key in info.get_object() if str(key).startswith("/")]
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None  # no /Info dictionary at all, not even pypdf's own /Producer
        _drop_private(writer.root_object, "", removed)
        for page in writer.pages:
            _drop_private(page, "page:", removed)
            for xobject in _xobjects(page):
                if isinstance(xobject, DictionaryObject):
                    _drop_private(xobject, "image:", removed)
        if reader.trailer.get("/ID") is not None:
            # The file identifier is derived from the original file's path and time on the
            # author's computer; it would tie this copy to the author's original.
            writer._ID = None
            removed.append("pdf:/ID")
        # Removing a reference leaves the object itself in the writer; drop everything unreachable
        # so the old /Info and XMP streams are not written out as orphans.
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        out = io.BytesIO()
        writer.write(out)
    except AttachmentRejected:
        raise
    except Exception as exc:  # whatever pypdf raises on a hostile or broken file, it is unreadable to us
        logger.info("PDF refused as unreadable (%s)", type(exc).__name__)
        raise AttachmentRejected(_("This PDF could not be read; it may be damaged.")) from None
    return Stripped(out.getvalue(), removed)
