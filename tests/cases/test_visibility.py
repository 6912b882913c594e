"""Who can see which case, through the services, the staff pages and the API; and the queue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jubao.cases.errors import CaseNotFound
from jubao.cases.models import Case, CaseState
from jubao.cases.selectors import QueueFilters, case_get_for, case_queue
from jubao.deadlines.sweeper import sweep_lights
from tests.helpers import (
    T0,
    WEST_VILLAGE,
    api_post,
    bearer,
    category,
    drive,
    fire,
    register,
    snapshot,
    token_for,
)

API = "/api/v1/cases"


def detail_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.number])


def act_url(case: Case, name: str) -> str:
    return reverse("cases:act", args=[case.number, name])


@pytest.fixture
def chengguan_case(org):
    return drive(org, CaseState.DISPATCHED)


# --- another department's case does not exist for you ------------------------------------------
def test_another_departments_handler_gets_not_found_from_the_services(org, chengguan_case):
    before = snapshot(chengguan_case)
    with pytest.raises(CaseNotFound):
        case_get_for(org.users["handler_zj"], chengguan_case.number)
    with pytest.raises(CaseNotFound):
        fire(org, chengguan_case, "start", who="handler_zj")
    assert snapshot(chengguan_case) == before


def test_another_departments_handler_gets_404_from_the_staff_pages(org, client, chengguan_case):
    client.force_login(org.users["handler_zj"])
    before = snapshot(chengguan_case)
    assert client.get(detail_url(chengguan_case)).status_code == 404
    response = client.post(act_url(chengguan_case, "start"), {"start-version": chengguan_case.version})
    assert response.status_code == 404
    assert snapshot(chengguan_case) == before


def test_another_departments_handler_gets_404_from_the_api(org, client, chengguan_case):
    auth = bearer(token_for(org.users["handler_zj"]))
    before = snapshot(chengguan_case)
    response = client.get(f"{API}/{chengguan_case.number}", **auth)
    assert response.status_code == 404
    assert "detail" in response.json()
    response = api_post(client, f"{API}/{chengguan_case.number}/transitions", {"transition": "start"}, **auth)
    assert response.status_code == 404
    assert "detail" in response.json()
    assert client.get(f"{API}/{chengguan_case.number}/events", **auth).status_code == 404
    assert snapshot(chengguan_case) == before


def test_the_lead_departments_handler_sees_and_acts_on_the_case(org, client, chengguan_case):
    assert case_get_for(org.users["handler"], chengguan_case.number).pk == chengguan_case.pk
    client.force_login(org.users["handler"])
    response = client.get(detail_url(chengguan_case))
    assert response.status_code == 200
    assert chengguan_case.number in response.content.decode()

    auth = bearer(token_for(org.users["handler"]))
    assert [i["number"] for i in client.get(API, **auth).json()["items"]] == [chengguan_case.number]
    detail = client.get(f"{API}/{chengguan_case.number}", **auth)
    assert detail.status_code == 200
    assert detail.json()["number"] == chengguan_case.number
    events = client.get(f"{API}/{chengguan_case.number}/events", **auth)
    assert events.status_code == 200
    assert len(events.json()) == 3  # registered, accepted, dispatched

    response = client.post(act_url(chengguan_case, "start"), {"start-version": chengguan_case.version})
    assert response.status_code == 302
    assert Case.objects.get(pk=chengguan_case.pk).state == CaseState.IN_PROGRESS


def test_department_staff_do_not_see_cases_before_dispatch(org, client):
    case = drive(org, CaseState.ACCEPTED)
    for who in ("handler", "head", "handler_zj"):
        with pytest.raises(CaseNotFound):
            case_get_for(org.users[who], case.number)
    client.force_login(org.users["handler"])
    assert client.get(detail_url(case)).status_code == 404


def test_the_custodian_sees_no_case_files(org, client, chengguan_case):
    with pytest.raises(CaseNotFound):
        case_get_for(org.users["custodian"], chengguan_case.number)
    client.force_login(org.users["custodian"])
    assert client.get(detail_url(chengguan_case)).status_code == 404
    assert chengguan_case.number not in client.get(reverse("cases:queue")).content.decode()


# --- queue -------------------------------------------------------------------------------------
def test_the_queue_lists_only_visible_cases(org, client, chengguan_case):
    undispatched = drive(org, CaseState.ACCEPTED)
    zhujian = drive(org, CaseState.ACCEPTED)
    fire(org, zhujian, "dispatch", data={"department": "zhujian"})

    for who, visible, hidden in [
        ("handler", {chengguan_case}, {undispatched, zhujian}),
        ("handler_zj", {zhujian}, {undispatched, chengguan_case}),
        ("dispatcher", {chengguan_case, undispatched, zhujian}, set()),
    ]:
        client.force_login(org.users[who])
        page = client.get(reverse("cases:queue")).content.decode()
        assert all(c.number in page for c in visible), who
        assert not any(c.number in page for c in hidden), who
        items = client.get(API, **bearer(token_for(org.users[who]))).json()["items"]
        assert {i["number"] for i in items} == {c.number for c in visible}, who


def test_a_district_supervisor_sees_only_cases_of_the_district(org, client):
    east = register(org)
    west = register(org, region=WEST_VILLAGE, title="西城区某小区违建")
    user = org.users["supervisor_east"]

    assert case_get_for(user, east.number).pk == east.pk
    with pytest.raises(CaseNotFound):
        case_get_for(user, west.number)
    assert set(case_queue(user, QueueFilters())) == {east}

    client.force_login(user)
    page = client.get(reverse("cases:queue")).content.decode()
    assert east.number in page
    assert west.number not in page
    assert client.get(detail_url(west)).status_code == 404
    assert client.get(detail_url(east)).status_code == 200
    auth = bearer(token_for(user))
    assert client.get(f"{API}/{west.number}", **auth).status_code == 404
    assert [i["number"] for i in client.get(API, **auth).json()["items"]] == [east.number]

    city = org.users["supervisor"]
    assert set(case_queue(city, QueueFilters())) == {east, west}


def _make_cases(org, count: int, start: int) -> None:
    departments = ["chengguan", "zhujian"]
    for i in range(start, start + count):
        case = register(org, now=T0 + timedelta(minutes=i), title=f"批量案件 {i}")
        if i % 3 == 0:
            fire(org, case, "accept")
            fire(org, case, "dispatch", data={"department": departments[i % 2]})


def test_the_queue_page_query_count_does_not_grow_with_the_number_of_cases(org, client,
                                                                           django_assert_max_num_queries):
    client.force_login(org.users["dispatcher"])
    url = reverse("cases:queue")
    _make_cases(org, 5, 0)
    client.get(url)  # warm up per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert response.content.decode().count('<tr class="row-') == 5
    bound = len(small.captured_queries)

    _make_cases(org, 25, 5)
    with django_assert_max_num_queries(bound):
        response = client.get(url)
    assert response.content.decode().count('<tr class="row-') == 25  # one full page of 30

    with django_assert_max_num_queries(bound):
        client.get(url, {"state": "dispatched", "department": "chengguan"})


def test_the_api_list_query_count_does_not_grow_with_the_number_of_cases(org, client,
                                                                         django_assert_max_num_queries):
    auth = bearer(token_for(org.users["dispatcher"]))
    _make_cases(org, 5, 0)
    client.get(API, **auth)
    with CaptureQueriesContext(connection) as small:
        assert client.get(API, **auth).json()["count"] == 5
    _make_cases(org, 25, 5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = client.get(API, **auth).json()
    assert body["count"] == 30
    assert len(body["items"]) == 30


# --- queue filters -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def filter_cases(module_org, django_db_blocker):
    """Four cases that differ in state, light, lead department, category and urgency (module-wide)."""
    org = module_org
    with django_db_blocker.unblock():
        yellow = register(org, now=T0 - timedelta(hours=12), title="井盖缺失无人修")
        accepted = register(org, title="商户占道经营")
        fire(org, accepted, "accept",
             data={"category": category("城管执法").pk, "grade": "simple", "urgency": "urgent"})
        noisy = register(org, title="夜间施工噪声扰民")
        fire(org, noisy, "accept", data={"category": category("施工噪声").pk, "grade": "complex", "urgency": "normal"})
        fire(org, noisy, "dispatch", data={"department": "chengguan"})
        illegal = register(org, title="小区楼顶违章搭建")
        fire(org, illegal, "accept",
             data={"category": category("违章建筑").pk, "grade": "major", "urgency": "critical"})
        fire(org, illegal, "dispatch", data={"department": "zhujian"})
        sweep_lights(now=T0 + timedelta(minutes=30))
        return {"yellow": yellow.number, "accepted": accepted.number, "noisy": noisy.number,
                "illegal": illegal.number}


def _category_id(name: str) -> str:
    return str(category(name).pk)


FILTERS = [
    ({"state": "registered"}, {"yellow"}),
    ({"state": "dispatched"}, {"noisy", "illegal"}),
    ({"light": "yellow"}, {"yellow"}),
    ({"light": "green"}, {"accepted", "noisy", "illegal"}),
    ({"department": "chengguan"}, {"noisy"}),
    ({"department": "zhujian"}, {"illegal"}),
    ({"category": "城乡建设"}, {"accepted", "illegal"}),
    ({"category": "城市建设和市政管理"}, {"accepted"}),
    ({"category": "环境保护"}, {"noisy"}),
    ({"urgency": "urgent"}, {"accepted"}),
    ({"urgency": "critical"}, {"illegal"}),
    ({"q": "井盖"}, {"yellow"}),
    ({"q": "number-of:illegal"}, {"illegal"}),
    ({"state": "dispatched", "urgency": "critical"}, {"illegal"}),
    ({}, {"yellow", "accepted", "noisy", "illegal"}),
]
FILTER_IDS = ["&".join(f"{k}={v}" for k, v in f.items()) or "none" for f, _ in FILTERS]


def _query(filters: dict[str, str], numbers: dict[str, str]) -> dict[str, str]:
    query = dict(filters)
    if "category" in query:
        query["category"] = _category_id(query["category"])
    if query.get("q", "").startswith("number-of:"):
        number = numbers[query["q"].removeprefix("number-of:")]
        query["q"] = f"{number[:2]}-{number[2:8]}-{number[8:]}".lower()  # as read out on the phone
    return query


@pytest.mark.parametrize(("filters", "expected"), FILTERS, ids=FILTER_IDS)
def test_a_queue_filter_on_the_page_narrows_the_list(org, client, filter_cases, filters, expected):
    client.force_login(org.users["dispatcher"])
    response = client.get(reverse("cases:queue"), _query(filters, filter_cases))
    assert response.status_code == 200
    page = response.content.decode()
    shown = {name for name, number in filter_cases.items() if number in page}
    assert shown == expected


@pytest.mark.parametrize(("filters", "expected"), FILTERS, ids=FILTER_IDS)
def test_a_queue_filter_in_the_api_narrows_the_list(org, client, filter_cases, filters, expected):
    response = client.get(API, _query(filters, filter_cases), **bearer(token_for(org.users["dispatcher"])))
    assert response.status_code == 200
    body = response.json()
    by_number = {number: name for name, number in filter_cases.items()}
    assert {by_number[item["number"]] for item in body["items"]} == expected
    assert body["count"] == len(expected)


def test_the_queue_puts_the_earliest_deadline_first_and_overdue_cases_before_all(org, filter_cases):
    # Next deadlines: the critical dispatch must start within 2 h (T0+4h), the yellow case's triage
    # ends at T0+12h, the noisy case must start within 48 h, the accepted one concludes in 3 working days.
    order = ["illegal", "yellow", "noisy", "accepted"]
    numbers = [c.number for c in case_queue(org.users["dispatcher"], QueueFilters())]
    assert numbers == [filter_cases[name] for name in order]

    sweep_lights(now=T0 + timedelta(days=2))  # every triage and the critical start are now overdue
    overdue = [c.number for c in case_queue(org.users["dispatcher"], QueueFilters(overdue=True))]
    assert overdue == [filter_cases["illegal"], filter_cases["yellow"]]
    numbers = [c.number for c in case_queue(org.users["dispatcher"], QueueFilters())]
    assert numbers[:2] == overdue


def test_a_reporter_can_act_only_on_the_case_that_holds_their_own_report(org):
    from jubao.accounts.actors import Actor
    from jubao.cases.errors import CaseNotFound
    from jubao.cases.services import case_transition

    case = drive(org, CaseState.ANSWERED)
    stranger = Actor.reporter("匿名-OTHER1")
    with pytest.raises(CaseNotFound):
        case_transition(actor=stranger, number=case.number, transition="rate", data={"satisfaction": "satisfied"})
    case.refresh_from_db()
    assert case.state == CaseState.ANSWERED
