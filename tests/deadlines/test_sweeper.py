"""The sweeper turns lights yellow → orange → red, marks deadlines overdue, and tells people."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jubao.audit.models import AuditEvent
from jubao.cases.models import Case
from jubao.deadlines.models import CaseDeadline, DeadlineStatus, Stage
from jubao.deadlines.sweeper import sweep_lights
from jubao.notifications.models import OutboxMessage
from tests.helpers import T0, category, fire, register

H = timedelta(hours=1)


def triage(case: Case) -> CaseDeadline:
    return CaseDeadline.objects.get(case=case, stage=Stage.TRIAGE)


def case_summary(case: Case) -> tuple[str, bool]:
    fresh = Case.objects.get(pk=case.pk)
    return fresh.light, fresh.overdue


def kinds(case: Case) -> list[str]:
    return list(AuditEvent.objects.filter(case=case, kind__startswith="deadline.").order_by("seq")
                .values_list("kind", flat=True))


def messages(case: Case, topic: str = "deadline.") -> list[OutboxMessage]:
    """Outbox messages about this case (a message may name one case or list several)."""
    found = []
    for message in OutboxMessage.objects.filter(topic__startswith=topic).order_by("pk"):
        payload = message.payload
        if payload.get("case") == case.number or case.number in payload.get("cases", []):
            found.append(message)
    return found


def topics(case: Case) -> list[str]:
    return [m.topic for m in messages(case)]


def assert_goes_to_supervision(message: OutboxMessage, case: Case) -> None:
    """Red and overdue (and orange before dispatch) go to the supervisors covering the case's region."""
    assert message.audience.get("role") == "supervisor"
    assert case.region_path in message.audience.values()


@pytest.fixture
def case(org):
    return register(org, now=T0)  # triage: 24 hours; acceptance: 3 working days


def test_a_fresh_case_is_green_and_a_sweep_before_half_time_changes_nothing(case):
    result = sweep_lights(now=T0 + 11 * H)
    assert result.examined == 0
    assert triage(case).light == "green"
    assert case_summary(case) == ("green", False)


def test_after_half_the_time_the_light_turns_yellow_quietly(case):
    sweep_lights(now=T0 + 13 * H)
    assert triage(case).light == "yellow"
    assert case_summary(case) == ("yellow", False)
    assert kinds(case) == []  # yellow is shown, not announced
    assert topics(case) == []


def test_after_three_quarters_the_light_turns_orange_with_an_event_and_a_message(case):
    sweep_lights(now=T0 + 13 * H)
    sweep_lights(now=T0 + 19 * H)
    assert triage(case).light == "orange"
    assert case_summary(case) == ("orange", False)
    assert kinds(case) == ["deadline.orange"]
    event = AuditEvent.objects.get(case=case, kind="deadline.orange")
    assert event.payload["stage"] == Stage.TRIAGE
    assert event.actor_kind == "system"
    [message] = messages(case, "deadline.orange")
    assert case.number in message.subject
    # Not yet held by a department: the supervisors of the region are told.
    assert_goes_to_supervision(message, case)


def test_at_ninety_percent_the_light_turns_red(case):
    for hours in (13, 19, 22):
        sweep_lights(now=T0 + hours * H)
    assert triage(case).light == "red"
    assert not triage(case).overdue
    assert case_summary(case) == ("red", False)
    assert kinds(case) == ["deadline.orange", "deadline.red"]
    assert topics(case) == ["deadline.orange", "deadline.red"]


def test_after_the_due_time_the_deadline_is_overdue_and_supervision_is_told(case):
    for hours in (13, 19, 22):
        sweep_lights(now=T0 + hours * H)
    result = sweep_lights(now=T0 + 24 * H + timedelta(minutes=1))
    assert result.newly_overdue == 1
    assert triage(case).overdue
    assert triage(case).next_light_at is None
    assert case_summary(case) == ("red", True)
    assert kinds(case)[-1] == "deadline.overdue"
    [message] = messages(case, "deadline.overdue")
    assert_goes_to_supervision(message, case)
    [red] = messages(case, "deadline.red")
    assert_goes_to_supervision(red, case)


def test_a_late_first_sweep_records_the_current_light_and_overdue_once(case):
    sweep_lights(now=T0 + 30 * H)
    assert case_summary(case) == ("red", True)
    assert kinds(case) == ["deadline.red", "deadline.overdue"]
    assert topics(case) == ["deadline.red", "deadline.overdue"]


def test_sweeping_again_at_the_same_time_changes_nothing(case):
    sweep_lights(now=T0 + 25 * H)
    events, messages = AuditEvent.objects.count(), OutboxMessage.objects.count()
    state = CaseDeadline.objects.filter(case=case).values_list("stage", "light", "overdue", "next_light_at")
    before = (list(state), case_summary(case))

    result = sweep_lights(now=T0 + 25 * H)

    assert result.examined == 0
    assert result.newly_overdue == 0
    assert (AuditEvent.objects.count(), OutboxMessage.objects.count()) == (events, messages)
    assert (list(state), case_summary(case)) == before


def test_paused_deadlines_are_not_swept(org, case):
    fire(org, case, "request_info", now=T0 + H, reason="请补充照片")
    sweep_lights(now=T0 + 30 * H)
    paused = triage(case)
    assert paused.status == DeadlineStatus.PAUSED
    assert (paused.light, paused.overdue) == ("green", False)
    assert kinds(case) == []
    assert case_summary(case) == ("green", False)


def test_orange_on_a_dispatched_case_goes_to_the_lead_department(org, case):
    fire(org, case, "accept", now=T0 + H)
    fire(org, case, "dispatch", now=T0 + 2 * H)  # normal urgency: start within 48 hours
    sweep_lights(now=T0 + 2 * H + 37 * H)
    [message] = messages(case, "deadline.orange")
    assert message.audience == {"department_id": org.departments["chengguan"].pk}
    assert AuditEvent.objects.get(case=case, kind="deadline.orange").payload["stage"] == Stage.RESPONSE


def test_the_case_shows_its_worst_open_light(org, case):
    fire(org, case, "accept", now=T0 + H,
         data={"category": category().pk, "grade": "simple", "urgency": "critical"})
    fire(org, case, "dispatch", now=T0 + 2 * H)  # critical: start within 2 hours
    sweep_lights(now=T0 + 3 * H + timedelta(minutes=50))  # response at 92%; conclusion barely started
    lights = dict(CaseDeadline.objects.filter(case=case, status="running").values_list("stage", "light"))
    assert lights == {Stage.RESPONSE: "red", Stage.CONCLUSION: "green"}
    assert case_summary(case) == ("red", False)

    fire(org, case, "start", now=T0 + 4 * H)  # the red clock is met: the case is green again
    assert case_summary(case) == ("green", False)


def test_a_sweep_handles_more_rows_than_one_batch(org):
    cases = [register(org, now=T0 + timedelta(minutes=i)) for i in range(5)]
    result = sweep_lights(now=T0 + 20 * H, batch_size=2)
    assert result.examined == 5
    assert result.batches >= 3
    assert all(case_summary(c) == ("orange", False) for c in cases)
