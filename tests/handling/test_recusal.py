"""Recusal is enforced, not suggested: through the services, the staff pages and the API alike."""

from __future__ import annotations

import json

import pytest

from jubao.cases.errors import TransitionForbidden, TransitionRejected
from jubao.cases.models import CaseAssignment, CaseState
from jubao.handling.models import CaseRecusal, HandlerProfile
from jubao.handling.recusal import person_name, recusal_reasons
from jubao.handling.services import case_recuse, conflict_declare, handler_assign, handler_suggestions
from tests.helpers import fire, later, token_for

from .support import dispatched, reported_case

pytestmark = pytest.mark.django_db


def test_a_handler_named_by_the_reporter_must_recuse(org):
    case = reported_case(org, body="城管队员张伟收了烧烤店老板的好处，对占道经营视而不见。")
    assert person_name(org.users["handler"]) == "张伟"
    assert recusal_reasons(org.users["handler"], case)
    assert recusal_reasons(org.users["handler2"], case) == []


def test_a_member_of_the_accused_unit_must_recuse(org):
    case = reported_case(org, subject="城市管理局东城中队", kind="accusation",
                         body="城管东城中队执法人员收取商户好处费，放任占道经营。")
    assert recusal_reasons(org.users["handler"], case)  # 城市管理局
    assert recusal_reasons(org.users["handler_zj"], case) == []


def test_a_complaint_about_a_units_service_is_answered_by_that_unit(org):
    case = reported_case(org, subject="城市管理局东城中队", body="城管东城中队对占道经营的投诉一直没有回音。")
    assert recusal_reasons(org.users["handler"], case) == []


def test_a_declared_link_makes_the_handler_recuse(org):
    conflict_declare(actor=org.actor("handler2"), subject="老王烧烤", relation="店主是我的表兄")
    case = reported_case(org, subject="老王烧烤店")
    assert any("老王烧烤" in r for r in recusal_reasons(org.users["handler2"], case))


def test_a_recused_handler_cannot_start_the_case_through_the_service(org):
    case = dispatched(org, reported_case(org, body="城管队员张伟对占道经营视而不见，还在店里吃饭不付钱。"))
    with pytest.raises(TransitionForbidden):
        fire(org, case, "start", who="handler")
    case.refresh_from_db()
    assert case.state == CaseState.DISPATCHED
    assert fire(org, case, "start", who="handler2").state == CaseState.IN_PROGRESS


def test_a_recused_handler_cannot_act_through_the_staff_page(client, org):
    case = dispatched(org, reported_case(org, body="城管队员张伟对占道经营视而不见。"))
    client.force_login(org.users["handler"])
    page = client.get(f"/staff/cases/{case.number}/")
    assert page.status_code == 200 and 'role="alert"' in page.content.decode()
    response = client.post(f"/staff/cases/{case.number}/act/start/", {"start-version": case.version})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == CaseState.DISPATCHED


def test_a_recused_handler_cannot_act_through_the_api(client, org):
    case = dispatched(org, reported_case(org, body="城管队员张伟对占道经营视而不见。"))
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(org.users['handler'])}"}
    response = client.post(f"/api/v1/cases/{case.number}/transitions", json.dumps({"transition": "start"}),
                           content_type="application/json", **headers)
    assert response.status_code == 403
    summary = client.get(f"/api/v1/handling/cases/{case.number}", **headers).json()
    assert summary["you_must_recuse"]
    case.refresh_from_db()
    assert case.state == CaseState.DISPATCHED


def test_the_head_cannot_assign_a_recused_handler_even_with_a_reason(client, org):
    case = dispatched(org, reported_case(org, body="城管队员张伟对占道经营视而不见。"))
    with pytest.raises(TransitionRejected):
        handler_assign(actor=org.actor("head"), number=case.number, username="handler", reason="他最熟悉这片区域")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(org.users['head'])}"}
    response = client.post(f"/api/v1/handling/cases/{case.number}/handler",
                           json.dumps({"handler": "handler", "reason": "他最熟悉这片区域"}),
                           content_type="application/json", **headers)
    assert response.status_code == 400 and response.json()["field"] == "handler"
    client.force_login(org.users["head"])
    response = client.post(f"/staff/handling/cases/{case.number}/assign/",
                           {"handler": "handler", "reason": "他最熟悉这片区域"})
    assert response.status_code == 400 and "他最熟悉这片区域" in response.content.decode()
    assert CaseAssignment.objects.get(case=case, is_active=True).handler is None


def test_suggestions_weigh_capabilities_and_load_and_put_the_recused_last(org):
    HandlerProfile.objects.create(user=org.users["handler2"], capability_tags="城管执法, 噪声")
    case = dispatched(org, reported_case(org))
    names = [s.user.username for s in handler_suggestions(case, org.departments["chengguan"].pk)]
    assert names[0] == "handler2"
    other = dispatched(org, reported_case(org, body="城管队员陈静对占道经营视而不见。", now=later(case)))
    suggestions = handler_suggestions(other, org.departments["chengguan"].pk)
    assert suggestions[-1].user.username == "handler2" and not suggestions[-1].eligible


def test_choosing_someone_other_than_the_suggestion_needs_a_reason(org):
    HandlerProfile.objects.create(user=org.users["handler2"], capability_tags="城管执法")
    case = dispatched(org, reported_case(org))
    with pytest.raises(TransitionRejected) as error:
        handler_assign(actor=org.actor("head"), number=case.number, username="handler")
    assert error.value.field == "reason"
    assignment = handler_assign(actor=org.actor("head"), number=case.number, username="handler",
                                reason="陈静本周外出培训")
    assert assignment.handler == org.users["handler"]


def test_self_recusal_takes_the_case_away_and_cannot_be_undone_by_acting(org):
    case = fire(org, dispatched(org, reported_case(org)), "start", who="handler")
    assert CaseAssignment.objects.get(case=case, is_active=True).handler == org.users["handler"]
    case_recuse(actor=org.actor("handler"), number=case.number, reason="烧烤店店主是我的邻居")
    assert CaseRecusal.objects.filter(case=case, user=org.users["handler"]).exists()
    assert CaseAssignment.objects.get(case=case, is_active=True).handler is None
    with pytest.raises(TransitionForbidden):
        fire(org, case, "escalate", who="handler")
