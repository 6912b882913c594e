"""Case ownership (包案): a named leader, a plan, periodic progress with a stored due date, a reminder once per due
date when it passes, and an end with a result when the case closes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from jubao.cases.errors import TransitionForbidden, TransitionRejected
from jubao.investigation.models import CaseOwnership
from jubao.investigation.services import (
    ownership_assign,
    ownership_end,
    ownership_progress_add,
    ownership_remind_overdue,
    ownership_transfer,
)
from jubao.jobs.registry import get_periodic_tasks
from jubao.notifications.models import OutboxMessage
from tests.helpers import SHANGHAI, events_of, fire

from .conftest import answered_case, handled_case
from .support import at

PLAN = "由分管领导牵头，每周联合城管、住建现场督查一次，一个月内彻底解决占道经营反弹问题。"
PROGRESS = "本周已联合执法两次，涉事商户已签订整改承诺书，货架已清理完毕。"
RESULT = "占道经营问题已彻底整改，连续三周复查无反弹，举报人表示满意。"


def assign(org, case, who="leader", leader="leader", **kw):
    return ownership_assign(actor=org.actor(who), number=case.number, leader=leader, reason="repeated", plan=PLAN,
                            now=at(case), **kw)


def reminders(case):
    return OutboxMessage.objects.filter(topic="investigation.ownership_overdue", payload__case=case.number)


def test_assigned_by_supervisors_and_leadership_only(org):
    case = handled_case(org)
    for who in ("handler", "head", "dispatcher", "clerk"):
        with pytest.raises(TransitionForbidden):
            assign(org, case, who=who)
    ownership = assign(org, case, who="supervisor", leader="head")
    assert ownership.leader == org.users["head"] and ownership.interval_days == 14
    with pytest.raises(TransitionRejected):  # one leader at a time
        assign(org, case)
    with pytest.raises(TransitionRejected) as info:
        assign(org, handled_case(org), leader="handler")  # a handler does not own cases
    assert info.value.field == "leader"
    with pytest.raises(TransitionRejected) as info:
        assign(org, handled_case(org), leader="head_zj")  # cannot see this case
    assert info.value.field == "leader"
    with pytest.raises(TransitionRejected) as info:
        assign(org, handled_case(org), interval_days=0)
    assert info.value.field == "interval_days"


def test_the_next_progress_date_is_stored_and_moves_with_each_entry(org):
    case = handled_case(org)
    ownership = assign(org, case, interval_days=7)
    due = timezone.localtime(ownership.next_progress_due_at, SHANGHAI)
    assert (due.date() - timezone.localtime(at(case), SHANGHAI).date()).days >= 7
    assert (due.hour, due.minute) == (23, 59)
    entry_at = at(case, 24 * 5)
    ownership_progress_add(actor=org.actor("leader"), ownership_id=str(ownership.public_id), body=PROGRESS,
                           now=entry_at)
    ownership.refresh_from_db()
    moved = timezone.localtime(ownership.next_progress_due_at, SHANGHAI)
    assert (moved.date() - timezone.localtime(entry_at, SHANGHAI).date()).days >= 7 and moved > due
    with pytest.raises(TransitionForbidden):
        ownership_progress_add(actor=org.actor("dispatcher"), ownership_id=str(ownership.public_id), body=PROGRESS)
    ownership_progress_add(actor=org.actor("handler"), ownership_id=str(ownership.public_id), body=PROGRESS,
                           now=at(case, 24 * 6))  # the handling department reports for the leader


def test_the_overdue_reminder_fires_once_per_due_date(org):
    case = handled_case(org)
    ownership = assign(org, case)  # every 14 days
    due = ownership.next_progress_due_at
    assert ownership_remind_overdue(now=due - timedelta(minutes=1)) == 0
    assert ownership_remind_overdue(now=due + timedelta(hours=1)) == 1
    [message] = reminders(case)
    assert message.recipient_user == org.users["leader"] and message.channel == "inbox"
    # Again later, or after a worker restart: nothing more for this due date.
    assert ownership_remind_overdue(now=due + timedelta(days=3)) == 0
    assert reminders(case).count() == 1
    assert len(events_of(case, "investigation.ownership_overdue")) == 1

    ownership_progress_add(actor=org.actor("leader"), ownership_id=str(ownership.public_id), body=PROGRESS,
                           now=due + timedelta(days=4))
    ownership.refresh_from_db()
    assert ownership.overdue_reminded_at is None
    assert ownership_remind_overdue(now=ownership.next_progress_due_at + timedelta(minutes=5)) == 1
    assert reminders(case).count() == 2


def test_a_crash_before_commit_sends_nothing_and_the_rerun_sends_once(org, monkeypatch):
    case = handled_case(org)
    ownership = assign(org, case)
    from jubao.investigation.services import ownership as module

    real = module.audit

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(module, "audit", crash)
    with pytest.raises(RuntimeError):
        ownership_remind_overdue(now=ownership.next_progress_due_at + timedelta(hours=1))
    assert reminders(case).count() == 0
    monkeypatch.setattr(module, "audit", real)
    assert ownership_remind_overdue(now=ownership.next_progress_due_at + timedelta(hours=1)) == 1
    assert ownership_remind_overdue(now=ownership.next_progress_due_at + timedelta(hours=2)) == 0
    assert reminders(case).count() == 1


def test_the_periodic_job_is_registered_and_runs(org):
    spec = {s.name: s for s in get_periodic_tasks()}["investigation-ownership-reminders"]
    case = handled_case(org)
    ownership = assign(org, case)
    CaseOwnership.objects.filter(pk=ownership.pk).update(next_progress_due_at=timezone.now() - timedelta(days=1))
    spec.fn()
    spec.fn()
    assert reminders(case).count() == 1


def test_ownership_ends_with_a_result_when_the_case_closes(org):
    case = answered_case(org)
    ownership = assign(org, case)
    with pytest.raises(TransitionRejected):
        ownership_end(actor=org.actor("leader"), ownership_id=str(ownership.public_id), result=RESULT)
    case = fire(org, case, "close")
    assert OutboxMessage.objects.filter(topic="investigation.ownership_result_due", payload__case=case.number,
                                        recipient_user=org.users["leader"]).count() == 1
    assert ownership_remind_overdue(now=ownership.next_progress_due_at + timedelta(days=1)) == 0  # closed: quiet
    with pytest.raises(TransitionForbidden):
        ownership_end(actor=org.actor("handler"), ownership_id=str(ownership.public_id), result=RESULT)
    with pytest.raises(TransitionRejected) as info:
        ownership_end(actor=org.actor("leader"), ownership_id=str(ownership.public_id), result="好")
    assert info.value.field == "result"
    ended = ownership_end(actor=org.actor("leader"), ownership_id=str(ownership.public_id), result=RESULT)
    assert ended.ended_at is not None and ended.result == RESULT
    with pytest.raises(TransitionRejected):
        ownership_progress_add(actor=org.actor("leader"), ownership_id=str(ownership.public_id), body=PROGRESS)


def test_a_supervisor_hands_the_case_to_another_leader(org):
    case = handled_case(org)
    ownership = assign(org, case)
    with pytest.raises(TransitionForbidden):
        ownership_transfer(actor=org.actor("head"), ownership_id=str(ownership.public_id), leader="head",
                           reason="岗位调整")
    ownership = ownership_transfer(actor=org.actor("supervisor"), ownership_id=str(ownership.public_id),
                                   leader="head", reason="原包案领导岗位调整")
    assert ownership.leader == org.users["head"]
    assert events_of(case, "investigation.ownership_transferred")[0].payload == {
        "ownership": str(ownership.public_id), "from": "leader", "to": "head"}
