"""Word, Excel and PowerPoint (OOXML) files: the zip is rewritten without its author data.

- docProps/core.xml (creator, lastModifiedBy, dates, title…), docProps/app.xml (company,
  manager, template, application) and docProps/custom.xml become empty property sets; the parts
  stay, so the package's relationships remain valid and Office opens the file without repair.
- Names of comment and tracked-change authors (w:author, Excel's <author>, PowerPoint's comment
  authors, and the account ids in people/persons parts) become "Author 1", "Author 2"…:
  who wrote what stays distinguishable, who they are does not.
- Photos in the media/ folders are stripped like uploaded photos (a photo pasted into Word keeps
  its GPS position otherwise).
- Zip entry timestamps and the archive comment are dropped.

Body text is not touched: what the document says is the evidence. Not reached: SharePoint data in
customXml/, revision-session ids (w:rsid) and metadata of embedded OLE objects.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile

from django.utils.translation import gettext as _

from .errors import AttachmentRejected
from .strip import Stripped

_XML = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
_VT = b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"'
_EMPTY_PARTS = {
    "docProps/core.xml": _XML + b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
    b'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/'
    b'terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    b"/>",
    "docProps/app.xml": _XML + b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties" ' + _VT + b"/>",
    "docProps/custom.xml": _XML + b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'custom-properties" ' + _VT + b"/>",
}
# Elements with content, e.g. <dc:creator>Zhang San</dc:creator> -> "creator" (the name, not the value).
_FILLED_ELEMENT = re.compile(rb"<(?:([\w.-]+):)?([\w.-]+)(?:\s[^>]*)?>[^<]+</")
_PROPERTY_NAME = re.compile(rb'<property\s[^>]*?\bname="([^"]*)"')  # custom.xml
_PERSON_ATTR = re.compile(rb'(\s(?:[\w]+:)?(author|initials|userId|providerId|displayName)=")([^"]*)(")')
_AUTHOR_ELEMENT = re.compile(rb"(<author>)([^<]*)(</author>)")  # Excel's legacy comments
_NAME_ATTR = re.compile(rb'(\s(name)=")([^"]*)(")')  # PowerPoint's commentAuthors.xml and authors.xml
_PPT_AUTHOR_PARTS = {"ppt/commentAuthors.xml", "ppt/authors.xml"}
_IMAGE_MAGIC = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG": "image/png", b"GIF8": "image/gif"}
_EPOCH = (1980, 1, 1, 0, 0, 0)


class _Authors:
    """Replaces each distinct person in the document by a stable numbered stand-in."""

    def __init__(self) -> None:
        self.people: dict[bytes, int] = {}
        self.initials: dict[bytes, int] = {}
        self.changed = False

    @staticmethod
    def _number(table: dict[bytes, int], value: bytes) -> int:
        return table.setdefault(value, len(table) + 1)

    def replace(self, match: re.Match[bytes]) -> bytes:
        prefix, attribute, value, suffix = match.group(1), match.group(2), match.group(3), match.group(4)
        if not value.strip():
            return match.group(0)
        self.changed = True
        if attribute in {b"userId", b"providerId"}:
            stand_in = b""
        elif attribute == b"initials":
            stand_in = b"A%d" % self._number(self.initials, value)
        else:
            stand_in = b"Author %d" % self._number(self.people, value)
        return prefix + stand_in + suffix

    def replace_element(self, match: re.Match[bytes]) -> bytes:
        if not match.group(2).strip():
            return match.group(0)
        self.changed = True
        return match.group(1) + b"Author %d" % self._number(self.people, match.group(2)) + match.group(3)


def _format(names: set[str]) -> str:
    for folder, name in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
        if any(n.startswith(folder) for n in names):
            return name
    return "ooxml"


def _rewrite_part(name: str, content: bytes, fmt: str, authors: _Authors, removed: list[str]) -> bytes:
    if name in _EMPTY_PARTS:
        part = name.removeprefix("docProps/").removesuffix(".xml")
        if part == "custom":
            found = _PROPERTY_NAME.findall(content)
        else:  # vt: elements are the values inside a property, not properties themselves
            found = [local for prefix, local in _FILLED_ELEMENT.findall(content) if prefix != b"vt"]
        removed += [f"{fmt}:{part}:{element.decode('utf-8', 'replace')[:60]}" for element in found]
        return _EMPTY_PARTS[name]
    if name.endswith(".xml") and name.split("/")[0] in {"word", "xl", "ppt"}:
        content = _PERSON_ATTR.sub(authors.replace, content)
        content = _AUTHOR_ELEMENT.sub(authors.replace_element, content)
        if name in _PPT_AUTHOR_PARTS:
            content = _NAME_ATTR.sub(authors.replace, content)
        return content
    if "/media/" in name:
        content_type = next((t for magic, t in _IMAGE_MAGIC.items() if content.startswith(magic)), None)
        if content_type:
            from .strip_image import strip_image

            try:
                stripped = strip_image(content_type, content)
            except AttachmentRejected:
                return content  # Office could not show it either; nothing more we can do
            removed += [f"{fmt}:media:{n}" for n in stripped.removed]
            return stripped.data
    return content


def _is_rewritten(name: str) -> bool:
    return name in _EMPTY_PARTS or name.endswith(".xml") or "/media/" in name


def strip_ooxml(data: bytes) -> Stripped:
    removed: list[str] = []
    authors = _Authors()
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
            infos = source.infolist()
            fmt = _format({i.filename for i in infos})
            if source.comment:
                removed.append("zip:comment")
            if any(i.date_time != _EPOCH for i in infos):
                removed.append("zip:timestamps")
            for info in infos:
                clean = zipfile.ZipInfo(info.filename, date_time=_EPOCH)
                clean.compress_type = zipfile.ZIP_STORED if info.compress_type == zipfile.ZIP_STORED \
                    else zipfile.ZIP_DEFLATED
                if info.is_dir():
                    target.writestr(clean, b"")
                elif _is_rewritten(info.filename):
                    content = _rewrite_part(info.filename, source.read(info), fmt, authors, removed)
                    target.writestr(clean, content)
                else:
                    with source.open(info) as src, target.open(clean, "w") as dst:
                        shutil.copyfileobj(src, dst, 1024 * 1024)
    except AttachmentRejected:
        raise
    except Exception:  # any failure of the zip reader on hostile input (bad CRC, zlib, zip encryption…)
        raise AttachmentRejected(_("This document could not be read; it may be damaged.")) from None
    if authors.changed:
        removed.append(f"{fmt}:authors")
    return Stripped(out.getvalue(), removed)
