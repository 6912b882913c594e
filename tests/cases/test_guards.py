"""What must be true before a transition may happen, and what the transition records."""

from __future__ import annotations

import pytest

from jubao.audit.models import AuditEvent
from jubao.cases.errors import CaseNotFound, TransitionForbidden, TransitionRejected
from jubao.cases.models import AssignmentRole, Case, CaseAssignment, CaseState, Report
from jubao.cases.selectors import case_get_for
from jubao.cases.timeline import case_timeline
from jubao.deadlines.models import CaseDeadline, DeadlineStatus, Stage
from jubao.handling.models import HandlingTask
from jubao.handling.services import task_report
from tests.helpers import (
    FEEDBACK_TEXT,
    REDIRECT_NOTICE,
    category,
    drive,
    events_of,
    fire,
    later,
    register,
    snapshot,
)


def rejected(org, case, name, *, field, **kw):
    before = snapshot(case)
    with pytest.raises(TransitionRejected) as info:
        fire(org, case, name, **kw)
    assert info.value.field == field
    assert snapshot(case) == before
    return info.value


# --- refuse ------------------------------------------------------------------------------------
def test_refusal_needs_a_reason(org):
    case = drive(org, CaseState.REGISTERED)
    rejected(org, case, "refuse", field="reason", reason="   ",
             data={"refusal_reason": "civil_dispute", "redirect_notice": REDIRECT_NOTICE})


def test_refusal_needs_a_reason_code_from_the_list(org):
    case = drive(org, CaseState.REGISTERED)
    rejected(org, case, "refuse", field="refusal_reason", data={"redirect_notice": REDIRECT_NOTICE})
    rejected(org, case, "refuse", field="refusal_reason",
             data={"refusal_reason": "because", "redirect_notice": REDIRECT_NOTICE})


def test_refusal_needs_a_redirect_notice(org):
    case = drive(org, CaseState.REGISTERED)
    rejected(org, case, "refuse", field="redirect_notice", data={"refusal_reason": "civil_dispute"})
    rejected(org, case, "refuse", field="redirect_notice",
             data={"refusal_reason": "civil_dispute", "redirect_notice": "去法院"})


def test_refusal_records_the_reason_code_and_the_redirect_notice(org):
    case = fire(org, drive(org, CaseState.REGISTERED), "refuse")
    case.refresh_from_db()
    assert (case.state, case.refusal_reason, case.redirect_notice) == ("refused", "civil_dispute", REDIRECT_NOTICE)
    assert not CaseDeadline.objects.filter(case=case, status__in=["running", "paused"]).exists()


# --- accept ------------------------------------------------------------------------------------
def test_acceptance_needs_category_grade_and_urgency(org):
    case = drive(org, CaseState.REGISTERED)
    rejected(org, case, "accept", field="category", data={"grade": "simple", "urgency": "normal"})
    rejected(org, case, "accept", field="category", data={"category": "999999", "grade": "simple"})
    category_id = category().pk
    rejected(org, case, "accept", field="grade", data={"category": category_id, "urgency": "normal"})
    rejected(org, case, "accept", field="grade", data={"category": category_id, "grade": "huge"})


# --- answer ------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["已转办", "已转办。", "  已 转 办！ ", "已处理"])
def test_a_bare_transferred_is_not_an_answer(org, text):
    case = drive(org, CaseState.CONCLUDED)
    rejected(org, case, "answer", field="feedback_text", data={"feedback_text": text})


def test_a_short_answer_is_refused_and_a_substantive_one_accepted(org):
    case = drive(org, CaseState.CONCLUDED)
    rejected(org, case, "answer", field="feedback_text", data={"feedback_text": "问题已解决，谢谢您的反映。"})
    case = fire(org, case, "answer")
    case.refresh_from_db()
    assert (case.state, case.feedback_text) == (CaseState.ANSWERED, FEEDBACK_TEXT)


def test_a_conclusion_needs_a_finding_and_a_description(org):
    case = drive(org, CaseState.IN_PROGRESS)
    rejected(org, case, "conclude", field="finding", data={"conclusion_text": "x" * 30})
    rejected(org, case, "conclude", field="conclusion_text", data={"finding": "partly", "conclusion_text": "属实"})


# --- rate / close ------------------------------------------------------------------------------
def test_a_dissatisfied_rating_needs_a_reason(org):
    case = drive(org, CaseState.ANSWERED)
    rejected(org, case, "rate", field="reason", data={"satisfaction": "dissatisfied"})
    case = fire(org, case, "rate", data={"satisfaction": "dissatisfied"}, reason="问题没有解决，商户仍在占道")
    case.refresh_from_db()
    assert (case.state, case.satisfaction) == (CaseState.RATED, "dissatisfied")


def test_a_rating_must_be_one_of_the_listed_values(org):
    case = drive(org, CaseState.ANSWERED)
    rejected(org, case, "rate", field="satisfaction", data={})
    rejected(org, case, "rate", field="satisfaction", data={"satisfaction": "meh"})


@pytest.fixture
def dissatisfied(org):
    case = drive(org, CaseState.ANSWERED)
    return fire(org, case, "rate", data={"satisfaction": "dissatisfied"}, reason="处理结果不满意")


def test_a_dispatcher_cannot_close_a_case_the_reporter_is_dissatisfied_with(org, dissatisfied):
    before = snapshot(dissatisfied)
    with pytest.raises(TransitionRejected):
        fire(org, dissatisfied, "close", who="dispatcher")
    assert snapshot(dissatisfied) == before


def test_a_supervisor_may_close_a_case_the_reporter_is_dissatisfied_with(org, dissatisfied):
    case = fire(org, dissatisfied, "close", who="supervisor")
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    assert case.closed_at is not None


def test_a_dispatcher_may_close_a_case_the_reporter_is_satisfied_with(org):
    case = fire(org, drive(org, CaseState.RATED), "close", who="dispatcher")
    assert case.state == CaseState.CLOSED


# --- merge -------------------------------------------------------------------------------------
def test_a_case_cannot_be_merged_into_itself(org):
    case = drive(org, CaseState.REGISTERED)
    rejected(org, case, "merge", field="target", data={"target": case.number})
    rejected(org, case, "merge", field="target", data={"target": case.number.lower()})


def test_a_case_cannot_be_merged_into_an_unknown_case(org):
    case = drive(org, CaseState.REGISTERED)
    rejected(org, case, "merge", field="target", data={"target": "AJ26030200000000"})
    rejected(org, case, "merge", field="target", data={"target": ""})


def test_a_case_cannot_be_merged_into_a_closed_case(org):
    closed = drive(org, CaseState.CLOSED)
    case = drive(org, CaseState.REGISTERED)
    rejected(org, case, "merge", field="target", data={"target": closed.number})


def test_merging_moves_the_reports_to_the_target_and_tells_its_timeline(org):
    target = drive(org, CaseState.ACCEPTED)
    case = drive(org, CaseState.REGISTERED, title="同一商户又占道")
    moved = list(case.reports.values_list("tracking_number", flat=True))
    target_reports = list(target.reports.values_list("tracking_number", flat=True))

    fire(org, case, "merge", data={"target": target.number})

    case.refresh_from_db()
    assert case.state == CaseState.MERGED
    assert case.merged_into_id == target.pk
    assert not Report.objects.filter(case=case).exists()
    assert set(Report.objects.filter(case=target).values_list("tracking_number", flat=True)) == {
        *moved, *target_reports}
    [attached] = events_of(target, "case.reports_attached")
    assert attached.payload == {"merged_from": case.number, "reports": moved}
    timeline = case_timeline(target)
    assert any(entry.payload.get("merged_from") == case.number for entry in timeline)


# --- dispatch ----------------------------------------------------------------------------------
def test_dispatch_needs_an_existing_lead_department_distinct_from_co_departments(org):
    case = drive(org, CaseState.ACCEPTED)
    rejected(org, case, "dispatch", field="department", data={})
    rejected(org, case, "dispatch", field="department", data={"department": "nope"})
    rejected(org, case, "dispatch", field="co_departments", data={"department": "chengguan",
                                                                  "co_departments": ["nope"]})
    rejected(org, case, "dispatch", field="co_departments", data={"department": "chengguan",
                                                                  "co_departments": ["chengguan"]})


@pytest.fixture
def co_handled(org):
    case = drive(org, CaseState.ACCEPTED)
    return fire(org, case, "dispatch", data={"department": "chengguan", "co_departments": ["zhujian"]})


def test_dispatch_with_co_departments_creates_lead_and_co_assignments(org, co_handled):
    active = {(a.department.code, a.role) for a in
              CaseAssignment.objects.filter(case=co_handled, is_active=True).select_related("department")}
    assert active == {("chengguan", AssignmentRole.LEAD), ("zhujian", AssignmentRole.CO)}
    co_handled.refresh_from_db()
    assert co_handled.lead_department.code == "chengguan"


def test_a_co_handling_department_sees_the_case_but_cannot_conclude_it(org, co_handled):
    assert case_get_for(org.users["handler_zj"], co_handled.number).pk == co_handled.pk
    case = fire(org, co_handled, "start", who="handler")
    before = snapshot(case)
    for who in ("handler_zj", "head_zj"):
        with pytest.raises(TransitionForbidden):
            fire(org, case, "conclude", who=who)
    assert snapshot(case) == before
    # The lead concludes once the co-handling department has reported on its own task.
    task = HandlingTask.objects.get(case=case, department__code="zhujian")
    task_report(actor=org.actor("handler_zj"), number=case.number, task_id=str(task.public_id),
                text="住建局已核查该小区物业维修资金使用情况，未发现违规。", now=later(case))
    assert fire(org, case, "conclude", who="handler").state == CaseState.CONCLUDED


def test_a_co_handling_department_cannot_start_or_return_the_case(org, co_handled):
    before = snapshot(co_handled)
    for name in ("start", "return", "escalate"):
        with pytest.raises(TransitionForbidden):
            fire(org, co_handled, name, who="handler_zj")
    assert snapshot(co_handled) == before


# --- return ------------------------------------------------------------------------------------
def test_return_counts_the_bounce_and_takes_the_case_away_from_the_department(org):
    case = drive(org, CaseState.DISPATCHED)
    assert case.bounce_count == 0
    case = fire(org, case, "return", reason="不属于本部门职责，应由住建局办理")
    case.refresh_from_db()
    assert (case.state, case.bounce_count, case.lead_department_id) == (CaseState.RETURNED, 1, None)
    assert not CaseAssignment.objects.filter(case=case, is_active=True).exists()
    for who in ("handler", "head"):
        with pytest.raises(CaseNotFound):
            case_get_for(org.users[who], case.number)

    case = fire(org, case, "dispatch", data={"department": "zhujian"})
    case = fire(org, case, "return", who="handler_zj", reason="也不属于住建局职责")
    case.refresh_from_db()
    assert case.bounce_count == 2


def test_return_needs_a_reason(org):
    case = drive(org, CaseState.DISPATCHED)
    rejected(org, case, "return", field="reason", reason="")


# --- extension ---------------------------------------------------------------------------------
def test_an_extension_is_granted_only_once(org):
    case = drive(org, CaseState.IN_PROGRESS)
    original = CaseDeadline.objects.get(case=case, stage=Stage.CONCLUSION, status=DeadlineStatus.RUNNING)
    case = fire(org, case, "extend", who="head", reason="需要调取监控，申请延期")
    extended = CaseDeadline.objects.get(pk=original.pk)
    assert extended.due_at > original.due_at
    assert extended.extended_at is not None

    case = fire(org, case, "escalate", who="head", reason="涉及多部门，请求协调")
    case = fire(org, case, "resume", who="supervisor", reason="已协调，继续办理")
    assert case.state == CaseState.IN_PROGRESS
    before = snapshot(case)
    with pytest.raises(TransitionRejected):
        fire(org, case, "extend", who="head", reason="再次申请延期")
    assert snapshot(case) == before
    assert CaseDeadline.objects.get(pk=original.pk).due_at == extended.due_at


def test_only_the_department_head_approves_an_extension(org):
    case = drive(org, CaseState.IN_PROGRESS)
    with pytest.raises(TransitionForbidden):
        fire(org, case, "extend", who="handler", reason="想延期")


# --- everything that is refused leaves no trace --------------------------------------------------
def test_a_rejected_transition_writes_no_audit_event(org):
    case = drive(org, CaseState.REGISTERED)
    count = AuditEvent.objects.count()
    with pytest.raises(TransitionRejected):
        fire(org, case, "accept", data={})
    assert AuditEvent.objects.count() == count
    assert Case.objects.get(pk=case.pk).category_id is None


def test_reconsidering_a_refusal_clears_it_and_restarts_the_intake_clocks(org):
    case = fire(org, drive(org, CaseState.REGISTERED), "refuse")
    case = fire(org, case, "reconsider", who="supervisor", reason="拒绝理由不成立")
    case.refresh_from_db()
    assert (case.state, case.refusal_reason, case.redirect_notice) == (CaseState.REGISTERED, "", "")
    running = set(CaseDeadline.objects.filter(case=case, status="running").values_list("stage", flat=True))
    assert running == {Stage.TRIAGE, Stage.ACCEPTANCE}


def test_registering_needs_a_title_and_a_body(org):
    with pytest.raises(TransitionRejected):
        register(org, title="   ")


def test_a_dispatcher_may_close_once_the_dissatisfaction_has_been_reviewed(org, dissatisfied):
    case = fire(org, dissatisfied, "request_review", reason="举报人不满意，启动复查")
    case = fire(org, case, "conclude", who="handler2")  # a review is concluded by someone other than the first handler
    case = fire(org, case, "answer")
    assert fire(org, case, "close", who="dispatcher").state == CaseState.CLOSED
