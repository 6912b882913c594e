"""Extensions requested with a reason and approved at the pack's level; conclusions with facts, measures and legal
basis, approved by the department head for complex and major cases; malicious-accusation findings kept apart."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from jubao.cases.errors import TransitionForbidden, TransitionRejected
from jubao.cases.models import CaseState
from jubao.deadlines.models import CaseDeadline, Stage
from jubao.handling.models import ConclusionDraft, ExtensionRequest, MaliciousAccusationFinding, RequestStatus
from jubao.handling.services import conclusion_decide, conclusion_submit, extension_decide, extension_request
from jubao.notifications.models import OutboxMessage
from tests.helpers import T0, fire, later, token_for

from .support import in_progress, reported_case

pytestmark = pytest.mark.django_db

FACTS = "经执法队员两次现场核查，该烧烤店确实在人行道上摆放桌椅经营，夜间噪声超标。"
MEASURES = "已责令其当日清理占道桌椅，并处罚款二百元。"
LEGAL = "《城市市容和环境卫生管理条例》第十七条"


def _conclude(org, case, who="handler", **kw):  # type: ignore[no-untyped-def]
    values = {"finding": "substantiated", "facts": FACTS, "measures": MEASURES, "legal_basis": LEGAL, **kw}
    return conclusion_submit(actor=org.actor(who), number=case.number, now=later(case), **values)


def test_an_extension_is_requested_with_a_reason_and_approved_by_the_head(org):
    case = in_progress(org, reported_case(org), grade="complex")
    due_before = CaseDeadline.objects.get(case=case, stage=Stage.CONCLUSION).due_at
    with pytest.raises(TransitionRejected):
        extension_request(actor=org.actor("handler"), number=case.number, reason="太忙")
    extension_request(actor=org.actor("handler"), number=case.number, reason="需要等待噪声检测机构出具报告。",
                      now=later(case))
    assert OutboxMessage.objects.filter(topic="case.approval_awaited", audience__department_id=case.lead_department_id)
    with pytest.raises(TransitionForbidden):
        extension_decide(actor=org.actor("handler"), number=case.number, approve=True)
    extension_decide(actor=org.actor("head"), number=case.number, approve=True, now=later(case))
    case.refresh_from_db()
    assert case.state == CaseState.EXTENDED
    assert CaseDeadline.objects.get(case=case, stage=Stage.CONCLUSION).due_at > due_before
    request = ExtensionRequest.objects.get(case=case)
    assert request.status == RequestStatus.APPROVED and request.department.code == "chengguan"


def test_refusing_an_extension_needs_a_note_and_leaves_the_deadline(org):
    case = in_progress(org, reported_case(org))
    extension_request(actor=org.actor("handler"), number=case.number, reason="需要等待噪声检测机构出具报告。")
    with pytest.raises(TransitionRejected):
        extension_decide(actor=org.actor("head"), number=case.number, approve=False)
    extension_decide(actor=org.actor("head"), number=case.number, approve=False, note="检测可在期限内完成。")
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS
    assert ExtensionRequest.objects.get(case=case).status == RequestStatus.REJECTED


def test_a_discipline_case_extension_is_approved_by_a_supervisor_not_the_head(org):
    case = in_progress(org, reported_case(org, policy_pack_code="jijian-2020"))
    extension_request(actor=org.actor("handler"), number=case.number, reason="需要调取银行流水，时间较长。")
    with pytest.raises(TransitionForbidden):
        extension_decide(actor=org.actor("head"), number=case.number, approve=True)
    extension_decide(actor=org.actor("supervisor"), number=case.number, approve=True)
    case.refresh_from_db()
    assert case.state == CaseState.EXTENDED


def test_a_direct_extension_is_still_counted_for_the_department(org):
    case = in_progress(org, reported_case(org))
    fire(org, case, "extend", who="head", reason="需要等待检测报告。")
    assert ExtensionRequest.objects.get(case=case).status == RequestStatus.APPROVED


def test_a_simple_case_is_concluded_at_once_with_the_composed_text(org):
    case = in_progress(org, reported_case(org))
    _conclude(org, case)
    case.refresh_from_db()
    assert case.state == CaseState.CONCLUDED and case.finding == "substantiated"
    assert FACTS in case.conclusion_text and MEASURES in case.conclusion_text and LEGAL in case.conclusion_text


def test_a_complex_case_waits_for_the_heads_approval(org):
    case = in_progress(org, reported_case(org), grade="complex")
    _conclude(org, case)
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS
    assert OutboxMessage.objects.filter(topic="case.approval_awaited").exists()
    with pytest.raises(TransitionRejected):
        conclusion_decide(actor=org.actor("head"), number=case.number, approve=False)
    conclusion_decide(actor=org.actor("head"), number=case.number, approve=False, note="请补充检测数据。")
    assert ConclusionDraft.objects.get(case=case).status == RequestStatus.REJECTED
    _conclude(org, case, measures=MEASURES + "已委托检测机构出具噪声检测报告。")
    conclusion_decide(actor=org.actor("head"), number=case.number, approve=True)
    case.refresh_from_db()
    assert case.state == CaseState.CONCLUDED


def test_the_handler_cannot_conclude_a_complex_case_directly_through_the_api(client, org):
    case = in_progress(org, reported_case(org), grade="complex")
    response = client.post(
        f"/api/v1/cases/{case.number}/transitions",
        json.dumps({"transition": "conclude", "data": {"finding": "substantiated", "conclusion_text": FACTS}}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token_for(org.users['handler'])}")
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS


def test_a_malicious_accusation_is_recorded_apart_and_needs_the_unsubstantiated_finding(org):
    case = in_progress(org, reported_case(org))
    with pytest.raises(TransitionRejected) as error:
        _conclude(org, case, malicious=True, malicious_basis="举报人与店主有经济纠纷，故意捏造事实。" * 2)
    assert error.value.field == "malicious"
    _conclude(org, case, finding="unsubstantiated", malicious=True,
              malicious_basis="举报人与店主有经济纠纷，经查其提供的照片系伪造，故意捏造事实。")
    case.refresh_from_db()
    record = MaliciousAccusationFinding.objects.get(case=case)
    assert "伪造" in record.basis and "伪造" not in case.conclusion_text


def test_conclusion_form_errors_keep_what_was_typed(client, org):
    case = in_progress(org, reported_case(org))
    client.force_login(org.users["handler"])
    response = client.post(f"/staff/handling/cases/{case.number}/conclusion/", {
        "finding": "substantiated", "facts": "太短", "measures": MEASURES, "legal_basis": LEGAL})
    assert response.status_code == 400
    html = response.content.decode()
    assert MEASURES in html and LEGAL in html and 'class="error"' in html


def test_the_approvals_page_lists_what_waits_for_the_head(client, org, django_assert_max_num_queries):
    for i in range(3):
        case = in_progress(org, reported_case(org, now=T0 + timedelta(hours=i)), grade="major")
        _conclude(org, case)
    client.force_login(org.users["head"])
    with django_assert_max_num_queries(12):
        response = client.get("/staff/handling/approvals/")
    assert response.status_code == 200 and response.content.decode().count("/staff/cases/") >= 3


def test_the_case_page_shows_the_handling_forms_by_role(client, org):
    case = in_progress(org, reported_case(org), co=("zhujian",))
    client.force_login(org.users["handler"])
    html = client.get(f"/staff/cases/{case.number}/").content.decode()
    assert "/conclusion/" in html and "/extension/" in html
    client.force_login(org.users["head"])
    assert "/assign/" in client.get(f"/staff/cases/{case.number}/").content.decode()
    client.force_login(org.users["handler_zj"])
    assert "/report/" in client.get(f"/staff/cases/{case.number}/").content.decode()
    client.force_login(org.users["supervisor"])
    assert "/release/" in client.get(f"/staff/cases/{case.number}/").content.decode()


def test_the_department_page_counts_returns_and_extensions(client, org, django_assert_max_num_queries):
    case = in_progress(org, reported_case(org))
    fire(org, case, "extend", who="head", reason="需要等待检测报告。")
    client.force_login(org.users["supervisor"])
    with django_assert_max_num_queries(8):
        response = client.get("/staff/handling/departments/")
    assert response.status_code == 200 and "城市管理局" in response.content.decode()
