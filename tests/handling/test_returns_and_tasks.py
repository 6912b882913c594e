"""Returns with per-department counts and the supervisor's decision from the third on; joint handling tasks;
report-back deadlines for cases assigned down a level."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jubao.cases.errors import TransitionForbidden, TransitionRejected
from jubao.cases.models import CaseState
from jubao.handling.models import CaseReturn, HandlingTask, ReturnDecision, TaskKind, TaskStatus
from jubao.handling.services import task_release, task_report, tasks_sweep
from jubao.notifications.models import OutboxMessage
from tests.helpers import CONCLUSION_TEXT, fire, later

from .support import dispatched, in_progress, reported_case

pytestmark = pytest.mark.django_db


def _return(org, case, who="handler"):  # type: ignore[no-untyped-def]
    return fire(org, case, "return", who=who, reason="该事项属于其他部门职责，请重新分办。")


def test_each_return_is_recorded_for_the_department_and_the_redispatch_decision(org):
    case = _return(org, dispatched(org, reported_case(org)))
    row = CaseReturn.objects.get(case=case)
    assert (row.department.code, row.sequence, row.decision) == ("chengguan", 1, ReturnDecision.PENDING)
    case = fire(org, case, "dispatch", data={"department": "zhujian"})
    row.refresh_from_db()
    assert row.decision == ReturnDecision.REDISPATCHED and row.redispatched_to.code == "zhujian"


def test_after_the_dispatcher_insists_the_department_cannot_return_again(org):
    case = _return(org, dispatched(org, reported_case(org)))
    case = fire(org, case, "dispatch", reason="经核实属于城管职责，坚持派单。", data={"department": "chengguan"})
    assert CaseReturn.objects.get(case=case).decision == ReturnDecision.INSISTED
    with pytest.raises(TransitionRejected):
        _return(org, case)
    assert fire(org, case, "start", who="handler").state == CaseState.IN_PROGRESS


def test_the_third_return_needs_a_supervisors_decision(org):
    case = dispatched(org, reported_case(org))
    for department, handler in (("zhujian", "handler_zj"), ("chengguan", "handler")):
        case = _return(org, case, who="handler" if case.lead_department.code == "chengguan" else "handler_zj")
        case = fire(org, case, "dispatch", data={"department": department})
    case = _return(org, case, who=handler)
    assert case.bounce_count == 3
    assert OutboxMessage.objects.filter(topic="case.returned_supervisor").exists()
    with pytest.raises(TransitionRejected):
        fire(org, case, "dispatch", who="dispatcher", data={"department": "zhujian"})
    case.refresh_from_db()
    assert case.state == CaseState.RETURNED
    case = fire(org, case, "dispatch", who="supervisor", reason="督办决定由住建局主办。", data={"department": "zhujian"})
    assert case.state == CaseState.DISPATCHED
    last = CaseReturn.objects.filter(case=case).order_by("-sequence").first()
    assert last.decision == ReturnDecision.SUPERVISOR and last.decided_by == org.users["supervisor"]
    counts = {r.department.code for r in CaseReturn.objects.filter(case=case)}
    assert counts == {"chengguan", "zhujian"}


def test_co_handlers_get_their_own_task_and_the_lead_cannot_conclude_while_it_is_open(org):
    case = in_progress(org, reported_case(org), co=("zhujian",))
    task = HandlingTask.objects.get(case=case)
    assert (task.department.code, task.kind, task.status) == ("zhujian", TaskKind.CO_HANDLING, TaskStatus.OPEN)
    assert task.due_at > case.state_changed_at
    with pytest.raises(TransitionRejected):
        fire(org, case, "conclude", who="handler")
    with pytest.raises(TransitionForbidden):  # only the co-handling department reports on its task
        task_report(actor=org.actor("handler"), number=case.number, task_id=str(task.public_id),
                    text="城管已核查，住建部分无需处理。")
    task_report(actor=org.actor("handler_zj"), number=case.number, task_id=str(task.public_id),
                text="住建局已核查该烧烤店所在房屋的用途，属于商业用房，不存在违规改建。", now=later(case))
    assert OutboxMessage.objects.filter(topic="case.co_report").exists()
    assert fire(org, case, "conclude", who="handler").state == CaseState.CONCLUDED


def test_a_supervisor_can_release_an_open_co_task(org):
    case = in_progress(org, reported_case(org), co=("zhujian",))
    task = HandlingTask.objects.get(case=case)
    with pytest.raises(TransitionForbidden):
        task_release(actor=org.actor("head"), number=case.number, task_id=str(task.public_id), reason="不需要了")
    task_release(actor=org.actor("supervisor"), number=case.number, task_id=str(task.public_id),
                 reason="住建局职责部分已另案办理。")
    task.refresh_from_db()
    assert task.status == TaskStatus.RELEASED
    assert fire(org, case, "conclude", who="handler").state == CaseState.CONCLUDED


def test_a_return_cancels_the_tasks_of_that_dispatch(org):
    case = dispatched(org, reported_case(org), co=("zhujian",))
    _return(org, case)
    assert HandlingTask.objects.get(case=case).status == TaskStatus.CANCELLED


def test_assignment_down_with_a_report_back_deadline(org):
    case = dispatched(org, reported_case(org), report_back_days=5)
    task = HandlingTask.objects.get(case=case, kind=TaskKind.REPORT_BACK)
    assert task.department.code == "chengguan"
    # 2026-03-02 is a Monday: five working days later is the next Monday, end of day.
    assert task.due_at.astimezone(case.created_at.tzinfo).date().isoformat() == "2026-03-09"
    with pytest.raises(TransitionRejected) as error:
        dispatched(org, reported_case(org, now=later(case)), report_back_days=99)
    assert error.value.field == "report_back_days"


def test_overdue_tasks_are_flagged_once_and_their_department_told(org):
    case = in_progress(org, reported_case(org), co=("zhujian",))
    task = HandlingTask.objects.get(case=case)
    assert tasks_sweep(now=task.due_at - timedelta(minutes=1)) == 0
    assert tasks_sweep(now=task.due_at + timedelta(minutes=1)) == 1
    assert tasks_sweep(now=task.due_at + timedelta(days=1)) == 0
    task.refresh_from_db()
    assert task.overdue
    assert OutboxMessage.objects.filter(topic="case.task_overdue").count() == 1


def test_the_conclusion_text_check_still_applies(org):
    case = in_progress(org, reported_case(org))
    with pytest.raises(TransitionRejected):
        fire(org, case, "conclude", who="handler", data={"finding": "substantiated", "conclusion_text": "属实"})
    assert fire(org, case, "conclude", who="handler",
                data={"finding": "substantiated", "conclusion_text": CONCLUSION_TEXT}).state == CaseState.CONCLUDED
