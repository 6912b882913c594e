"""The GeoReport v2 response shapes (wiki.open311.org/GeoReport_v2 and Service Discovery), and a
reader for the XML side that turns it into the same data as the JSON side (Spark convention)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

SERVICE = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
DEFINITION = {"service_code", "attributes"}
ATTRIBUTE = {"variable", "code", "datatype", "required", "datatype_description", "order", "description"}
ATTRIBUTE_OPTIONAL = {"values"}
VALUE = {"key", "name"}
CREATED = {"service_request_id", "service_notice", "account_id"}  # `token` only for batch services
REQUEST = {
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
}
ERROR = {"code", "description"}
DISCOVERY = {"changeset", "contact", "key_service", "endpoints"}
ENDPOINT = {"specification", "url", "changeset", "type", "formats"}

DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
LISTS = {"services": "service", "service_requests": "request", "attributes": "attribute", "values": "value",
         "errors": "error", "endpoints": "endpoint", "formats": "format"}


def keys_exactly(item: dict, required: set[str], optional: set[str] = frozenset()) -> None:
    assert isinstance(item, dict), item
    missing, unknown = required - item.keys(), item.keys() - required - optional
    assert not missing, f"missing {sorted(missing)}"
    assert not unknown, f"unknown {sorted(unknown)}"


def _bool(value: Any) -> bool:
    return value is True or value is False or value in ("true", "false")


def check_services(data: Any) -> None:
    assert isinstance(data, list)
    for service in data:
        keys_exactly(service, SERVICE)
        assert _bool(service["metadata"])
        assert service["type"] in ("realtime", "batch", "blackbox")
        assert service["service_code"] and service["service_name"]


def check_definition(data: Any) -> None:
    keys_exactly(data, DEFINITION)
    orders = []
    for attribute in data["attributes"]:
        keys_exactly(attribute, ATTRIBUTE, ATTRIBUTE_OPTIONAL)
        assert attribute["datatype"] in DATATYPES
        assert _bool(attribute["variable"]) and _bool(attribute["required"])
        orders.append(int(attribute["order"]))
        if attribute["datatype"].endswith("valuelist"):
            assert attribute["values"], attribute["code"]
            for value in attribute["values"]:
                keys_exactly(value, VALUE)
    assert len(set(orders)) == len(orders) and min(orders) >= 1


def check_created(data: Any) -> None:
    assert isinstance(data, list) and len(data) == 1
    keys_exactly(data[0], CREATED)


def check_requests(data: Any) -> None:
    assert isinstance(data, list)
    for request in data:
        keys_exactly(request, REQUEST)
        assert request["status"] in ("open", "closed")
        assert W3C.match(request["requested_datetime"]), request["requested_datetime"]
        for name in ("updated_datetime", "expected_datetime"):
            assert request[name] in (None, "") or W3C.match(request[name]), request[name]


def check_errors(data: Any, code: int) -> None:
    assert isinstance(data, list) and len(data) == 1
    keys_exactly(data[0], ERROR)
    assert int(data[0]["code"]) == code
    assert data[0]["description"]


def check_discovery(data: Any) -> None:
    keys_exactly(data, DISCOVERY)
    for endpoint in data["endpoints"]:
        keys_exactly(endpoint, ENDPOINT)
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert set(endpoint["formats"]) == {"text/xml", "application/json"}


def read_xml(content: bytes) -> tuple[str, Any]:
    """(root element name, data) from our own XML responses; test code only."""
    assert content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(content)  # our own output, in a test
    return root.tag, _element(root)


def _element(element: ET.Element) -> Any:
    if element.tag in LISTS:
        children = list(element)
        assert all(child.tag == LISTS[element.tag] for child in children), [c.tag for c in children]
        return [_element(child) for child in children]
    if len(element):
        tags = [child.tag for child in element]
        assert len(tags) == len(set(tags)), f"repeated elements in <{element.tag}>: {tags}"
        return {child.tag: _element(child) for child in element}
    return element.text
