"""GeoReport v2 output: the same data as JSON or as schemaless XML (the Spark convention:
a JSON list is an XML element holding one child per item, named after the item).

XML is only ever written here (xml.etree.ElementTree); nothing in this app parses XML."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET  # only to build XML, never to parse it
from collections.abc import Mapping
from typing import Any

from django.http import HttpResponse

FORMATS = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
MEDIA_TYPES = ["text/xml", "application/json"]

# The element name of each item of a list, by the list's own element name.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
# Characters XML 1.0 cannot carry at all (C0 controls other than tab/newline/return, lone surrogates, U+FFFE/F).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _XML_INVALID.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list | tuple):
        item_name = ITEM_NAMES[element.tag]
        for item in value:
            _fill(ET.SubElement(element, item_name), item)
    else:
        element.text = _text(value)


def to_xml(root: str, data: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, data)
    return XML_DECLARATION + ET.tostring(element, encoding="unicode").encode("utf-8")


def to_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def respond(fmt: str, root: str, data: Any, *, status: int = 200) -> HttpResponse:
    """`root` names the XML document element; JSON gets `data` as it is (a list or an object)."""
    body = to_json(data) if fmt == "json" else to_xml(root, data)
    return HttpResponse(body, status=status, content_type=FORMATS.get(fmt, FORMATS["xml"]))


def error_response(fmt: str, status: int, description: str, *, headers: Mapping[str, str] | None = None
                   ) -> HttpResponse:
    """[{"code": 400, "description": "…"}] or <errors><error><code>400</code>…</error></errors>."""
    response = respond(fmt if fmt in FORMATS else "xml", "errors",
                       [{"code": status, "description": description}], status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
