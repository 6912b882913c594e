# ruff: noqa: F811  (pytest fixtures imported from the support modules are redefined as parameters)
"""The routing pages and API: the explain tool, the catalogue list, the queue, the case-page suggestion, access."""

from __future__ import annotations

import pytest

from jubao.cases.models import CaseState
from tests.helpers import EAST_VILLAGE, WEST_VILLAGE, drive, token_for

from .routing_support import CITY, EAST, MUNICIPAL, leaf, module_org, org, rule  # noqa: F401

pytestmark = pytest.mark.django_db
ROUTING_ROLES = ["dispatcher", "supervisor", "leader", "admin"]
OTHERS = ["clerk", "handler", "head", "auditor", "custodian"]


@pytest.fixture
def rules(org):  # type: ignore[no-untyped-def]
    return {"city": rule(org, "chengguan", category=MUNICIPAL, region=CITY, note="市政管理"),
            "east": rule(org, "dc-chengguan", category=MUNICIPAL, region=EAST, co=("zhujian",))}


def login(client, org, who: str):  # type: ignore[no-untyped-def]
    client.force_login(org.users[who])
    return client


@pytest.mark.parametrize("who", ROUTING_ROLES)
def test_the_explain_tool_shows_the_winner_and_the_shadowed_rule(client, org, rules, who):
    response = login(client, org, who).get("/staff/routing/explain/", {
        "category": leaf("城管执法").pk, "region": EAST_VILLAGE, "kind": "complaint", "date": "2026-03-02"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"#{rules['east'].pk}" in html and "东城区城市管理局" in html and "住房和城乡建设局" in html
    assert f"#{rules['city'].pk}" in html and "示范市" in html  # the shadowed city rule, with why


@pytest.mark.parametrize("who", OTHERS)
def test_other_roles_may_not_use_the_routing_pages_or_api(client, org, rules, who):
    login(client, org, who)
    for url in ("/staff/routing/", "/staff/routing/explain/", "/staff/routing/queue/", "/api/v1/routing/explain"):
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_the_login(client, org):
    response = client.get("/staff/routing/explain/")
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get("/api/v1/routing/explain").status_code == 401


def test_a_rejected_form_keeps_the_input_and_says_what_is_wrong_in_the_readers_language(client, org, rules):
    login(client, org, "dispatcher")
    response = client.get("/staff/routing/explain/", {"region": "不存在的地方", "date": "2026-13-45"},
                          HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="不存在的地方"' in html and 'value="2026-13-45"' in html
    assert html.count('class="error"') == 2
    assert "有效的日期" in html  # Django's own message, translated
    english = client.get("/staff/routing/explain/", {"region": "不存在的地方"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "No region with this code or name was found." in english.content.decode()


def test_a_case_number_explains_that_case_and_an_invisible_case_is_not_found(client, org, rules):
    case = drive(org, CaseState.ACCEPTED, region=WEST_VILLAGE)
    login(client, org, "dispatcher")
    response = client.get("/staff/routing/explain/", {"case": case.number})
    assert response.status_code == 200
    assert case.number in response.content.decode() and "示范市城市管理局" in response.content.decode()
    client.force_login(org.users["supervisor_east"])  # jurisdiction 东城区: the 西城区 case is not theirs
    response = client.get("/staff/routing/explain/", {"case": case.number})
    assert response.status_code == 400 and case.number in response.content.decode()
    assert client.get(f"/api/v1/cases/{case.number}/routing").status_code == 404


def test_the_api_explains_input_and_cases(client, org, rules):
    secret = token_for(org.users["dispatcher"])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    body = client.get("/api/v1/routing/explain", {"category": leaf("城管执法").pk, "region": EAST_VILLAGE,
                                                  "date": "2026-03-02"}, **headers).json()
    assert body["rule"] == rules["east"].pk and body["lead_department"]["code"] == "dc-chengguan"
    assert [c["rule"] for c in body["candidates"]] == [rules["east"].pk, rules["city"].pk]
    assert body["candidates"][1]["reason"] and not body["ambiguous"]
    assert client.get("/api/v1/routing/explain", {"region": "nowhere"}, **headers).status_code == 400

    case = drive(org, CaseState.ACCEPTED)
    body = client.get(f"/api/v1/cases/{case.number}/routing", **headers).json()
    assert body["case"] == case.number and body["rule"] == rules["east"].pk
    assert body["auto_dispatch_allowed"] is False and body["blockers"]
    handler = {"HTTP_AUTHORIZATION": f"Bearer {token_for(org.users['handler'])}"}
    assert client.get(f"/api/v1/cases/{case.number}/routing", **handler).status_code == 403


def test_the_catalogue_list_filters(client, org, rules):
    login(client, org, "admin")
    shown = client.get("/staff/routing/", {"region": EAST}).context["page"].object_list
    assert [r.pk for r in shown] == [rules["east"].pk]
    shown = client.get("/staff/routing/", {"department": "zhujian"}).context["page"].object_list
    assert [r.pk for r in shown] == [rules["east"].pk]  # a co-handling department counts
    shown = client.get("/staff/routing/", {"q": "市政管理"}).context["page"].object_list
    assert {r.pk for r in shown} == {rules["east"].pk, rules["city"].pk}
    assert client.get("/staff/routing/", {"status": "expired"}).context["page"].paginator.count == 0
    assert client.get("/staff/routing/", {"category": leaf("城管执法").pk}).context["page"].paginator.count == 0
    assert client.get("/staff/routing/").context["page"].paginator.count == 2


def test_the_django_admin_edits_the_catalogue(client, org, rules):
    login(client, org, "admin")
    assert client.get("/admin/routing/dispatchrule/").status_code == 200
    assert client.get(f"/admin/routing/dispatchrule/{rules['east'].pk}/change/").status_code == 200


def test_the_case_page_suggests_and_prefills_and_one_click_dispatches(client, org, rules):
    case = drive(org, CaseState.ACCEPTED)
    login(client, org, "dispatcher")
    response = client.get(f"/staff/cases/{case.number}/")
    html = response.content.decode()
    assert 'id="routing"' in html and "东城区城市管理局" in html
    form = next(f for f in response.context["action_forms"] if f.transition.name == "dispatch")
    assert form.initial["department"] == "dc-chengguan" and form.initial["co_departments"] == ["zhujian"]
    panel = response.context["routing"]
    assert panel.may_dispatch
    data = {"dispatch-version": case.version, "dispatch-department": "dc-chengguan",
            "dispatch-co_departments": ["zhujian"], "dispatch-reason": ""}
    response = client.post(f"/staff/cases/{case.number}/act/dispatch/", data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.DISPATCHED and case.lead_department.code == "dc-chengguan"


def test_the_queue_lists_cases_waiting_for_dispatch_with_the_suggestion(client, org, rules):
    case = drive(org, CaseState.ACCEPTED)
    html = login(client, org, "dispatcher").get("/staff/routing/queue/").content.decode()
    assert case.number in html and "东城区城市管理局" in html
