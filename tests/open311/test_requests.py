"""GET requests and GET a request: what the public sees, the status mapping, the filters."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from jubao.cases.models import Case, CaseState, Report
from jubao.open311 import services
from jubao.open311.services import open311_status, request_create, state_description, w3c
from jubao.taxonomy.models import Category
from tests.helpers import PATHS, REDIRECT_NOTICE, fire, register

from . import spec
from .conftest import BASE, post_form
from .test_post import DESCRIPTION, PERSON, params


def submit(client, key, **overrides) -> Report:
    response = post_form(client, "json", params(key, **overrides))
    assert response.status_code == 200, response.content
    return Report.objects.select_related("case").get(tracking_number=response.json()[0]["service_request_id"])


def drive_to(org, report: Report, state: str) -> Case:
    case = report.case
    for step in PATHS[state]:
        case = fire(org, case, step)
    assert case.state == state
    return case


def get_one(client, number: str, fmt: str = "json", **query):
    response = client.get(f"{BASE}/requests/{number}.{fmt}", query)
    assert response.status_code == 200, response.content
    if fmt == "xml":
        root, data = spec.read_xml(response.content)
        assert root == "service_requests"
    else:
        data = response.json()
    spec.check_requests(data)
    assert len(data) == 1
    return data[0]


def get_list(client, fmt: str = "json", **query) -> list[dict]:
    response = client.get(f"{BASE}/requests.{fmt}", query)
    assert response.status_code == 200, response.content
    if fmt == "xml":
        root, data = spec.read_xml(response.content)
        assert root == "service_requests"
    else:
        data = response.json()
    spec.check_requests(data)
    return data


def ids(items: list[dict]) -> list[str]:
    return [item["service_request_id"] for item in items]


# --- one request -----------------------------------------------------------------------------------
def test_a_request_reads_back_with_every_spec_field(org, client, api_key):
    report = submit(client, api_key, address_string="东华路与花园街交叉口", address_id="ADDR-7",
                    media_url="https://img.example.cn/a.jpg")
    item = get_one(client, report.tracking_number)
    assert item == {
        "service_request_id": report.tracking_number,
        "status": "open",
        "status_notes": state_description("registered"),
        "service_name": "市政道路",
        "service_code": f"c{Category.objects.get(name='市政道路').pk}",
        "description": DESCRIPTION,  # the report text without the media line
        "agency_responsible": None,
        "service_notice": None,
        "requested_datetime": w3c(report.created_at),
        "updated_datetime": w3c(report.case.state_changed_at),
        "expected_datetime": w3c(report.case.next_due_at),
        "address": "东华路与花园街交叉口",
        "address_id": "ADDR-7",
        "zipcode": None,
        "lat": 30.123456,
        "long": 120.654321,
        "media_url": None,
    }
    assert item["requested_datetime"].endswith("+08:00")
    assert report.case.next_due_at is not None


def test_the_xml_request_has_exactly_the_spec_elements(org, client, api_key):
    from xml.etree import ElementTree as ET

    report = submit(client, api_key)
    root = ET.fromstring(client.get(f"{BASE}/requests/{report.tracking_number}.xml").content)
    assert root.tag == "service_requests" and [c.tag for c in root] == ["request"]
    assert [c.tag for c in root[0]] == [
        "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
        "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
        "address", "address_id", "zipcode", "lat", "long", "media_url",
    ]
    item = get_one(client, report.tracking_number, "xml")
    assert item["status"] == "open" and item["lat"] == "30.123456" and item["zipcode"] is None


def test_the_number_may_be_typed_as_people_do(org, client, api_key):
    number = submit(client, api_key).tracking_number
    spaced = f"{number[:2]}-{number[2:8]}-{number[8:15]}-{number[15:]}".lower()
    assert get_one(client, spaced)["service_request_id"] == number


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_request_is_a_spec_404(org, client, fmt):
    response = client.get(f"{BASE}/requests/JB26030200000000.{fmt}")
    assert response.status_code == 404
    data = response.json() if fmt == "json" else spec.read_xml(response.content)[1]
    spec.check_errors(data, 404)


def test_reports_from_other_channels_are_not_published(org, client, api_key):
    web = register(org).reports.get()
    assert client.get(f"{BASE}/requests/{web.tracking_number}.json").status_code == 404
    assert web.tracking_number not in ids(get_list(client, service_request_id=web.tracking_number))


def test_a_request_outside_the_jurisdiction_named_is_not_found(org, client, api_key, settings):
    number = submit(client, api_key).tracking_number  # filed under 990100
    settings.JUBAO_OPEN311_JURISDICTIONS = {"city": "990100", "west": "990103"}
    assert client.get(f"{BASE}/requests/{number}.json", {"jurisdiction_id": "city"}).status_code == 200
    assert client.get(f"{BASE}/requests/{number}.json", {"jurisdiction_id": "west"}).status_code == 404
    assert client.get(f"{BASE}/requests/{number}.json", {"jurisdiction_id": "mars"}).status_code == 404
    assert ids(get_list(client, jurisdiction_id="west")) == []
    assert ids(get_list(client, jurisdiction_id="city")) == [number]


# --- privacy ---------------------------------------------------------------------------------------
def test_identity_and_pseudonym_never_appear_in_public_reads(org, client, api_key):
    report = submit(client, api_key, **PERSON)
    assert report.identity_id is not None
    fire(org, report.case, "request_info")
    secrets_ = [*PERSON.values(), report.reporter_pseudonym, report.identity.pseudonym, "欧阳", "zhangsan"]
    for fmt in ("json", "xml"):
        for url, query in ((f"requests/{report.tracking_number}.{fmt}", {}), (f"requests.{fmt}", {}),
                           (f"requests.{fmt}", {"service_request_id": report.tracking_number})):
            response = client.get(f"{BASE}/{url}", query)
            assert response.status_code == 200
            text = response.content.decode()
            assert report.tracking_number in text
            for secret in secrets_:
                assert secret not in text, (url, secret)


def test_confidential_kinds_show_only_their_status(org, client, api_key):
    report = submit(client, api_key, address_string="某局办公楼", **{"attribute[kind]": "accusation"})
    item = get_one(client, report.tracking_number)
    assert item["status"] == "open" and item["status_notes"] == state_description("registered")
    assert (item["description"], item["address"], item["address_id"], item["lat"], item["long"]) == (None,) * 5
    assert report.tracking_number not in ids(get_list(client))
    # Asked for by number, it is there, with the same redactions.
    [listed] = get_list(client, service_request_id=report.tracking_number)
    assert listed == item


# --- status ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("state", CaseState.values)
def test_status_mapping(state):
    closed = {"closed", "archived", "refused", "merged"}
    assert open311_status(state) == ("closed" if state in closed else "open")
    assert state_description(state)


@pytest.mark.parametrize("state", ["in_progress", "closed", "archived"])
def test_status_follows_the_case(org, client, api_key, state):
    report = submit(client, api_key)
    case = drive_to(org, report, state)
    item = get_one(client, report.tracking_number)
    assert item["status"] == open311_status(state)
    assert item["updated_datetime"] == w3c(case.state_changed_at)
    assert item["agency_responsible"] == "示范市城市管理局"
    if item["status"] == "closed":
        assert item["expected_datetime"] is None
    else:
        assert item["expected_datetime"] == w3c(Case.objects.get(pk=case.pk).next_due_at)
    assert item["status_notes"] == state_description(state)  # close/archive/start carry no reason


def test_status_notes_show_what_staff_told_the_reporter(org, client, api_key):
    asked = submit(client, api_key)
    fire(org, asked.case, "request_info", reason="请补充井盖缺失的具体位置（门牌号或参照物）。")
    assert get_one(client, asked.tracking_number)["status_notes"] == "请补充井盖缺失的具体位置（门牌号或参照物）。"

    refused = submit(client, api_key)
    fire(org, refused.case, "refuse", reason="内部意见：与辖区另案重复，属民事纠纷。")
    item = get_one(client, refused.tracking_number)
    assert item["status"] == "closed"
    assert item["status_notes"] == f"{state_description('refused')} {REDIRECT_NOTICE}"  # not the reason

    extended = submit(client, api_key)
    case = drive_to(org, extended, "in_progress")
    fire(org, case, "extend", reason="需要会同住建部门联合核查，依规延期。")
    assert get_one(client, extended.tracking_number)["status_notes"] == "需要会同住建部门联合核查，依规延期。"


def test_status_notes_never_quote_the_reporter_or_other_reasons(org, client, api_key):
    report = submit(client, api_key)
    case = drive_to(org, report, "answered")
    fire(org, case, "rate", data={"satisfaction": "dissatisfied"}, reason="处理太慢，我的邻居王五也这么认为")
    item = get_one(client, report.tracking_number)
    assert item["status_notes"] == state_description("rated")
    assert "王五" not in str(item)
    case = fire(org, Case.objects.get(pk=case.pk), "close", who="supervisor")
    fire(org, case, "reopen", reason="督办意见：承办人李四核查不实，重新办理。")
    item = get_one(client, report.tracking_number)
    assert item["status_notes"] == state_description("reopened") and "李四" not in str(item)


def test_a_merged_report_shows_the_status_of_the_case_it_joined(org, client, api_key):
    first, second = submit(client, api_key), submit(client, api_key)
    fire(org, second.case, "merge", data={"target": first.case.number})
    item = get_one(client, second.tracking_number)
    assert item["status"] == "open"  # the case it joined is still open
    assert item["status_notes"] == state_description("registered")
    drive_to(org, Report.objects.get(pk=first.pk), "closed")
    assert get_one(client, second.tracking_number)["status"] == "closed"


def test_a_report_still_on_a_merged_case_follows_merged_into(org, client, api_key):
    first, second = submit(client, api_key), submit(client, api_key)
    old_case = second.case
    fire(org, old_case, "merge", data={"target": first.case.number})
    Report.objects.filter(pk=second.pk).update(case=old_case)  # as if the reports had not moved
    item = get_one(client, second.tracking_number)
    assert (item["status"], item["status_notes"]) == ("open", state_description("registered"))


# --- the list and its filters ----------------------------------------------------------------------
def test_the_list_is_newest_first_and_covers_the_last_90_days(org, client, api_key):
    old = request_create(params=params(api_key), now=timezone.now() - timedelta(days=100)).report
    recent = [submit(client, api_key) for _ in range(3)]
    items = get_list(client)
    assert ids(items) == [r.tracking_number for r in reversed(recent)]
    xml_items = get_list(client, "xml")
    assert ids(xml_items) == ids(items)
    start = w3c(old.created_at - timedelta(days=1))
    assert ids(get_list(client, start_date=start)) == [old.tracking_number]
    end = w3c(old.created_at + timedelta(days=1))
    assert ids(get_list(client, end_date=end)) == [old.tracking_number]
    utc = (old.created_at - timedelta(hours=1)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(get_list(client, start_date=utc, end_date=end)) == [old.tracking_number]
    # An offset written into the URL by hand arrives with its "+" decoded to a space.
    raw = client.get(f"{BASE}/requests.json?start_date={start}&end_date={end}")
    assert "+08:00" in start and ids(raw.json()) == [old.tracking_number]


def test_status_and_service_code_filters(org, client, api_key):
    open_one = submit(client, api_key)
    closed_one = submit(client, api_key, service_code=f"c{Category.objects.get(name='城管执法').pk}")
    drive_to(org, closed_one, "closed")
    assert ids(get_list(client, status="open")) == [open_one.tracking_number]
    assert ids(get_list(client, status="closed")) == [closed_one.tracking_number]
    assert set(ids(get_list(client, status="open,closed"))) == {open_one.tracking_number, closed_one.tracking_number}
    road = f"c{Category.objects.get(name='市政道路').pk}"
    assert ids(get_list(client, service_code=road)) == [open_one.tracking_number]
    both = f"{road},c{Category.objects.get(name='城管执法').pk}"
    assert len(get_list(client, service_code=both)) == 2
    assert get_list(client, service_code="nonsense") == []


def test_service_request_id_overrides_the_other_filters(org, client, api_key):
    old = request_create(params=params(api_key), now=timezone.now() - timedelta(days=200)).report
    new = submit(client, api_key)
    asked = f"{old.tracking_number}, {new.tracking_number},JB00000000000000"
    assert set(ids(get_list(client, service_request_id=asked, status="closed"))) == {
        old.tracking_number, new.tracking_number}


@pytest.mark.parametrize("query", [
    {"status": "pending"}, {"start_date": "yesterday"}, {"end_date": "2026-13-01T00:00:00Z"},
    {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
    {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"},
])
def test_invalid_filters_are_a_spec_400(org, client, query):
    response = client.get(f"{BASE}/requests.json", query)
    assert response.status_code == 400
    spec.check_errors(response.json(), 400)
    xml = client.get(f"{BASE}/requests.xml", query)
    assert xml.status_code == 400 and spec.read_xml(xml.content)[0] == "errors"


def test_an_unknown_jurisdiction_is_a_spec_404(org, client):
    response = client.get(f"{BASE}/requests.json", {"jurisdiction_id": "sfgov.org"})
    assert response.status_code == 404
    spec.check_errors(response.json(), 404)


def test_the_list_is_capped(org, client, api_key, monkeypatch):
    monkeypatch.setattr(services, "MAX_RESULTS", 2)
    reports = [submit(client, api_key) for _ in range(3)]
    assert ids(get_list(client)) == [reports[2].tracking_number, reports[1].tracking_number]


def test_the_list_costs_a_fixed_number_of_queries(org, client, api_key, django_assert_max_num_queries):
    for _ in range(5):
        fire(org, submit(client, api_key).case, "request_info")
    with django_assert_max_num_queries(4):
        assert len(get_list(client)) == 5


def test_an_empty_list_is_an_empty_envelope(org, client):
    assert get_list(client) == []
    assert client.get(f"{BASE}/requests.xml").content.endswith(b"<service_requests />")
