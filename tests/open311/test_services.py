"""GET services, GET a service definition and discovery, in JSON and in XML."""

from __future__ import annotations

import pytest

from jubao.open311.services import services_available
from jubao.taxonomy.models import Category, Kind

from . import spec
from .conftest import BASE


def leaf(name: str) -> Category:
    return Category.objects.get(name=name)


def code(name: str) -> str:
    return f"c{leaf(name).pk}"


# --- the service list ------------------------------------------------------------------------------
def test_services_json_has_one_service_per_active_leaf(org, client):
    response = client.get(f"{BASE}/services.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = response.json()
    spec.check_services(data)
    parents = set(Category.objects.exclude(parent=None).values_list("parent_id", flat=True))
    leaves = Category.objects.exclude(pk__in=parents)
    assert sorted(s["service_code"] for s in data) == sorted(f"c{pk}" for pk in leaves.values_list("pk", flat=True))
    road = next(s for s in data if s["service_code"] == code("市政道路"))
    assert road == {
        "service_code": code("市政道路"), "service_name": "市政道路",
        "description": "城乡建设 / 城市建设和市政管理 / 市政道路", "metadata": True, "type": "realtime",
        "keywords": "城乡建设, 城市建设和市政管理", "group": "城乡建设",
    }


def test_services_xml_has_the_spec_element_names(org, client):
    response = client.get(f"{BASE}/services.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root, data = spec.read_xml(response.content)
    assert root == "services"
    spec.check_services(data)
    road = next(s for s in data if s["service_code"] == code("市政道路"))
    assert road["group"] == "城乡建设" and road["metadata"] == "true" and road["type"] == "realtime"
    assert len(data) == len(client.get(f"{BASE}/services.json").json())


def test_inactive_categories_are_not_offered_and_a_parent_without_active_children_becomes_a_service(org, client):
    Category.objects.filter(name="油烟").update(is_active=False)
    Category.objects.filter(name="噪声污染").update(is_active=False)  # its children go with it
    Category.objects.filter(name__in=["违章建筑", "规划方案"]).update(is_active=False)
    codes = {s["service_code"] for s in client.get(f"{BASE}/services.json").json()}
    assert code("油烟") not in codes and code("扬尘") in codes
    assert code("施工噪声") not in codes and code("噪声污染") not in codes
    assert code("城乡规划") in codes  # every child is inactive: the parent is now a leaf
    assert client.get(f"{BASE}/services/{code('油烟')}.json").status_code == 404


def test_services_come_in_tree_order(org):
    names = [s.category.full_name for s in services_available()]
    assert names.index("城乡建设 / 城市建设和市政管理 / 市政道路") < names.index("环境保护 / 大气污染 / 工业废气")
    assert names[0].startswith("城乡建设")


# --- the service definition ------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_definition_offers_jubao_extra_fields(org, client, fmt):
    response = client.get(f"{BASE}/services/{code('城管执法')}.{fmt}")
    assert response.status_code == 200
    if fmt == "xml":
        root, data = spec.read_xml(response.content)
        assert root == "service_definition"
    else:
        data = response.json()
    spec.check_definition(data)
    assert data["service_code"] == code("城管执法")
    attributes = {a["code"]: a for a in data["attributes"]}
    assert list(attributes) == ["kind", "reported_subject", "occurred_on", "anonymous"]
    assert {a["code"]: a["datatype"] for a in data["attributes"]} == {
        "kind": "singlevaluelist", "reported_subject": "string", "occurred_on": "datetime",
        "anonymous": "singlevaluelist",
    }
    kinds = [{"key": k.code, "name": k.name} for k in Kind.objects.filter(is_active=True)]
    assert attributes["kind"]["values"] == kinds
    assert [v["key"] for v in attributes["anonymous"]["values"]] == ["true", "false"]
    assert {str(a["required"]) for a in data["attributes"]} <= {"False", "false"}


def test_the_xml_definition_nests_attributes_and_values_as_the_spec_shows(org, client):
    from xml.etree import ElementTree as ET

    root = ET.fromstring(client.get(f"{BASE}/services/{code('城管执法')}.xml").content)
    assert [child.tag for child in root] == ["service_code", "attributes"]
    first = root.find("attributes/attribute")
    assert [child.tag for child in first] == [
        "variable", "code", "datatype", "required", "datatype_description", "order", "description", "values",
    ]
    assert [child.tag for child in first.find("values/value")] == ["key", "name"]
    assert root.find("attributes/attribute[2]/values") is None  # a string attribute has no values


@pytest.mark.parametrize("service_code", ["c999999", "abc", "12", "c", "c01", "parent"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_code_is_a_spec_404(org, client, service_code, fmt):
    if service_code == "parent":
        service_code = code("城乡建设")  # not a leaf: not a service
    response = client.get(f"{BASE}/services/{service_code}.{fmt}")
    assert response.status_code == 404
    data = response.json() if fmt == "json" else spec.read_xml(response.content)[1]
    if fmt == "xml":
        assert spec.read_xml(response.content)[0] == "errors"
    spec.check_errors(data, 404)


# --- jurisdictions, formats, methods ---------------------------------------------------------------
def test_jurisdiction_defaults_to_the_city_level_regions(org, client):
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "990100"}).status_code == 200
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": ""}).status_code == 200  # empty = absent
    for unknown in ("990102", "sfgov.org"):
        response = client.get(f"{BASE}/services.json", {"jurisdiction_id": unknown})
        assert response.status_code == 404
        spec.check_errors(response.json(), 404)
    response = client.get(f"{BASE}/services/{code('城管执法')}.xml", {"jurisdiction_id": "nowhere"})
    assert response.status_code == 404
    assert spec.read_xml(response.content)[0] == "errors"


def test_jurisdictions_can_be_configured_as_ids_mapped_to_region_codes(org, client, settings):
    settings.JUBAO_OPEN311_JURISDICTIONS = {"shifan.gov.cn": "990100"}
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "shifan.gov.cn"}).status_code == 200
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "990100"}).status_code == 404
    settings.JUBAO_OPEN311_JURISDICTIONS = ["990102", "990103"]
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "990103"}).status_code == 200
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "990100"}).status_code == 404


def test_an_unknown_format_is_a_spec_error_in_xml(org, client):
    response = client.get(f"{BASE}/services.csv")
    assert response.status_code == 404
    root, data = spec.read_xml(response.content)
    assert root == "errors"
    spec.check_errors(data, 404)
    assert client.get(f"{BASE}/services.JSON").status_code == 200


def test_other_methods_are_refused_in_the_spec_format(org, client):
    response = client.post(f"{BASE}/services.json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    spec.check_errors(response.json(), 405)
    assert client.delete(f"{BASE}/requests.json").status_code == 405


# --- discovery -------------------------------------------------------------------------------------
def test_discovery_json(org, client):
    response = client.get(f"{BASE}/discovery.json")
    assert response.status_code == 200
    data = response.json()
    spec.check_discovery(data)
    [endpoint] = data["endpoints"]
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["type"] == "production"


def test_discovery_xml(org, client):
    root, data = spec.read_xml(client.get(f"{BASE}/discovery.xml").content)
    assert root == "discovery"
    spec.check_discovery(data)
    assert data["endpoints"][0]["formats"] == ["text/xml", "application/json"]
