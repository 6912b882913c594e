"""The deadlines a case is held to as it moves through the workflow."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest

from jubao.cases.errors import TransitionRejected
from jubao.cases.models import Case, CaseState
from jubao.deadlines.models import CaseDeadline, DeadlineStatus, Stage
from tests.helpers import SHANGHAI, T0, category, end_of, fire, nth_workday_after, register, snapshot

VERSION = re.compile(r"^2026\.v\d+$")


def deadline(case: Case, stage: str, *statuses: str) -> CaseDeadline:
    qs = CaseDeadline.objects.filter(case=case, stage=stage)
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs.select_related("policy").latest("started_at")


def open_stages(case: Case) -> dict[str, str]:
    return dict(CaseDeadline.objects.filter(case=case, status__in=["running", "paused"])
                .values_list("stage", "status"))


def test_registering_a_case_starts_triage_and_acceptance_with_rule_and_calendar_version(org):
    case = register(org, now=T0)  # Monday 2026-03-02 09:00

    triage = deadline(case, Stage.TRIAGE)
    acceptance = deadline(case, Stage.ACCEPTANCE)
    assert open_stages(case) == {Stage.TRIAGE: "running", Stage.ACCEPTANCE: "running"}
    assert triage.started_at == acceptance.started_at == T0
    assert triage.due_at == T0 + timedelta(hours=24)
    assert acceptance.due_at == end_of(nth_workday_after(date(2026, 3, 2), 3)) == end_of(date(2026, 3, 5))
    for d in (triage, acceptance):
        assert d.rule.startswith(f"default/{d.stage}: ")
        assert d.policy.source_reference in d.rule
        assert VERSION.match(d.calendar_version)
        assert not d.provisional
    assert "24 hours" in triage.rule
    assert "3 working_days" in acceptance.rule
    case.refresh_from_db()
    assert (case.next_due_at, case.light, case.overdue) == (triage.due_at, "green", False)


@pytest.fixture
def needs_info(org):
    case = register(org, now=T0)
    return fire(org, case, "request_info", now=T0 + timedelta(hours=1), reason="请补充具体位置和照片")


def test_asking_for_information_pauses_the_intake_clocks_and_starts_the_supplement_clock(org, needs_info):
    triage = deadline(needs_info, Stage.TRIAGE)
    acceptance = deadline(needs_info, Stage.ACCEPTANCE)
    assert (triage.status, acceptance.status) == (DeadlineStatus.PAUSED, DeadlineStatus.PAUSED)
    assert triage.paused_at == acceptance.paused_at == T0 + timedelta(hours=1)
    assert triage.next_light_at is None
    supplement = deadline(needs_info, Stage.SUPPLEMENT)
    assert supplement.status == DeadlineStatus.RUNNING
    assert supplement.due_at == end_of(date(2026, 3, 5))


def test_receiving_information_resumes_the_clocks_pushed_by_the_time_stopped(org, needs_info):
    triage_before = deadline(needs_info, Stage.TRIAGE).due_at
    acceptance_before = deadline(needs_info, Stage.ACCEPTANCE).due_at
    paused_at = T0 + timedelta(hours=1)  # Monday 03-02 10:00
    resumed_at = datetime(2026, 3, 9, 10, 0, tzinfo=SHANGHAI)  # five working days later (Tue..Mon)
    assert nth_workday_after(date(2026, 3, 2), 5) == date(2026, 3, 9)

    case = fire(org, needs_info, "receive_info", now=resumed_at, who="reporter")

    assert case.state == CaseState.REGISTERED
    triage = deadline(case, Stage.TRIAGE)
    acceptance = deadline(case, Stage.ACCEPTANCE)
    assert (triage.status, acceptance.status) == (DeadlineStatus.RUNNING, DeadlineStatus.RUNNING)
    # Working-day clock: exactly five working days later than before.
    pushed = nth_workday_after(acceptance_before.astimezone(SHANGHAI).date(), 5)
    assert acceptance.due_at == end_of(pushed) == end_of(date(2026, 3, 12))
    # Hour clock: exactly the time stopped.
    assert triage.due_at == triage_before + (resumed_at - paused_at)
    assert triage.paused_seconds == int((resumed_at - paused_at).total_seconds())
    assert deadline(case, Stage.SUPPLEMENT).status == DeadlineStatus.MET
    # The light thresholds follow the new due date: still green right after resuming.
    assert triage.light == "green"
    assert triage.next_light_at is not None and triage.next_light_at > resumed_at


def test_a_pause_over_national_day_only_counts_the_working_days_stopped(org):
    registered_at = datetime(2026, 9, 29, 9, 0, tzinfo=SHANGHAI)
    case = register(org, now=registered_at)
    assert deadline(case, Stage.ACCEPTANCE).due_at == end_of(date(2026, 10, 9))
    case = fire(org, case, "request_info", now=datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI), reason="请补充")
    case = fire(org, case, "receive_info", now=datetime(2026, 10, 9, 10, 0, tzinfo=SHANGHAI))
    # Stopped: 10-08 and 10-09 (the holiday is not counted); 10-09 + 2 working days = 10-10 (make-up Sat), 10-12.
    assert deadline(case, Stage.ACCEPTANCE).due_at == end_of(date(2026, 10, 12))


@pytest.mark.parametrize(("grade", "working_days", "expected"), [
    ("simple", 3, date(2026, 3, 5)),
    ("complex", 15, date(2026, 3, 23)),
    ("major", 30, date(2026, 4, 14)),  # across Qingming (04-04..04-06)
])
def test_acceptance_meets_the_intake_clocks_and_starts_the_conclusion_clock_by_grade(org, grade, working_days,
                                                                                     expected):
    case = register(org, now=T0)
    accepted_at = T0 + timedelta(hours=2)
    case = fire(org, case, "accept", now=accepted_at,
                data={"category": category().pk, "grade": grade, "urgency": "normal"})

    assert deadline(case, Stage.TRIAGE).status == DeadlineStatus.MET
    assert deadline(case, Stage.ACCEPTANCE).status == DeadlineStatus.MET
    assert deadline(case, Stage.TRIAGE).completed_at == accepted_at
    conclusion = deadline(case, Stage.CONCLUSION)
    assert conclusion.status == DeadlineStatus.RUNNING
    assert nth_workday_after(date(2026, 3, 2), working_days) == expected
    assert conclusion.due_at == end_of(expected)
    assert conclusion.policy.grade == grade
    assert f"{working_days} working_days" in conclusion.rule
    assert deadline(case, Stage.DISPATCH).due_at == end_of(date(2026, 3, 11))  # 7 working days
    assert open_stages(case) == {Stage.CONCLUSION: "running", Stage.DISPATCH: "running"}


def test_a_late_acceptance_is_recorded_as_met_late(org):
    case = register(org, now=T0)
    case = fire(org, case, "accept", now=T0 + timedelta(days=2))
    triage = deadline(case, Stage.TRIAGE)
    assert triage.status == DeadlineStatus.MET
    assert triage.met_late


@pytest.fixture
def in_progress(org):
    case = register(org, now=T0)
    case = fire(org, case, "accept", now=T0 + timedelta(hours=1))  # simple: conclusion due 03-05
    case = fire(org, case, "dispatch", now=T0 + timedelta(hours=2))
    return fire(org, case, "start", now=T0 + timedelta(hours=3))


def test_dispatch_meets_the_dispatch_clock_and_starts_the_response_clock_by_urgency(org):
    case = register(org, now=T0)
    case = fire(org, case, "accept", now=T0 + timedelta(hours=1),
                data={"category": category().pk, "grade": "simple", "urgency": "critical"})
    dispatched_at = T0 + timedelta(hours=2)
    case = fire(org, case, "dispatch", now=dispatched_at)
    assert deadline(case, Stage.DISPATCH).status == DeadlineStatus.MET
    assert deadline(case, Stage.RESPONSE).due_at == dispatched_at + timedelta(hours=2)
    case = fire(org, case, "start", now=dispatched_at + timedelta(minutes=30))
    assert deadline(case, Stage.RESPONSE).status == DeadlineStatus.MET


def test_an_extension_adds_the_policys_extension_once(org, in_progress):
    before = deadline(in_progress, Stage.CONCLUSION)
    assert before.due_at == end_of(date(2026, 3, 5))
    assert (before.policy.extension_length, before.policy.extension_unit) == (3, "working_days")
    extended_at = T0 + timedelta(hours=4)

    case = fire(org, in_progress, "extend", who="head", now=extended_at, reason="需调取监控录像")

    after = deadline(case, Stage.CONCLUSION)
    assert after.pk == before.pk
    assert after.due_at == end_of(nth_workday_after(date(2026, 3, 5), 3)) == end_of(date(2026, 3, 10))
    assert after.extended_at == extended_at
    assert after.extended_by_id == org.users["head"].pk
    assert after.extension_reason == "需调取监控录像"

    case = fire(org, case, "escalate", who="head", now=extended_at + timedelta(hours=1), reason="需协调")
    case = fire(org, case, "resume", who="supervisor", now=extended_at + timedelta(hours=2), reason="继续办理")
    with pytest.raises(TransitionRejected):
        fire(org, case, "extend", who="head", now=extended_at + timedelta(hours=3), reason="再延期")
    assert deadline(case, Stage.CONCLUSION).due_at == end_of(date(2026, 3, 10))


def test_concluding_meets_the_conclusion_clock_and_starts_feedback(org, in_progress):
    concluded_at = T0 + timedelta(hours=5)
    case = fire(org, in_progress, "conclude", now=concluded_at)
    assert deadline(case, Stage.CONCLUSION).status == DeadlineStatus.MET
    assert deadline(case, Stage.FEEDBACK).due_at == end_of(date(2026, 3, 9))  # 5 working days
    case = fire(org, case, "answer", now=concluded_at + timedelta(hours=1))
    assert deadline(case, Stage.FEEDBACK).status == DeadlineStatus.MET
    assert open_stages(case) == {}


def test_closing_cancels_every_open_deadline(org, in_progress):
    case = fire(org, in_progress, "conclude", now=T0 + timedelta(hours=5))
    case = fire(org, case, "answer", now=T0 + timedelta(hours=6))
    case = fire(org, case, "request_review", now=T0 + timedelta(hours=7), reason="举报人要求复查")
    assert open_stages(case) == {Stage.REVIEW: "running"}
    case = fire(org, case, "conclude", now=T0 + timedelta(hours=8))
    case = fire(org, case, "answer", now=T0 + timedelta(hours=9))
    case = fire(org, case, "close", now=T0 + timedelta(hours=10))
    assert open_stages(case) == {}
    case.refresh_from_db()
    assert (case.next_due_at, case.overdue) == (None, False)


# --- the xinfang-2022 pack -------------------------------------------------------------------------
@pytest.fixture
def xinfang_dispatched(org):
    case = register(org, now=T0, policy_pack_code="xinfang-2022")
    case = fire(org, case, "accept", now=T0 + timedelta(hours=1))
    return fire(org, case, "dispatch", now=T0 + timedelta(hours=2))


def test_the_xinfang_pack_gives_fifteen_calendar_days_to_decide_on_acceptance(org):
    case = register(org, now=T0, policy_pack_code="xinfang-2022")
    acceptance = deadline(case, Stage.ACCEPTANCE)
    assert acceptance.rule.startswith("xinfang-2022/acceptance: 15 calendar_days")
    assert acceptance.due_at == end_of(date(2026, 3, 17))


def test_the_xinfang_pack_opens_a_five_working_day_return_window_on_dispatch(org, xinfang_dispatched):
    window = deadline(xinfang_dispatched, Stage.RETURN_WINDOW)
    assert window.status == DeadlineStatus.RUNNING
    assert window.rule.startswith("xinfang-2022/return_window: 5 working_days")
    assert window.due_at == end_of(nth_workday_after(date(2026, 3, 2), 5)) == end_of(date(2026, 3, 9))
    conclusion = deadline(xinfang_dispatched, Stage.CONCLUSION)
    assert conclusion.due_at == end_of(date(2026, 5, 6))  # 60 calendar days (05-01) lands in Labour Day: roll


def test_a_return_within_the_xinfang_window_is_accepted(org, xinfang_dispatched):
    case = fire(org, xinfang_dispatched, "return", now=datetime(2026, 3, 9, 20, 0, tzinfo=SHANGHAI),
                reason="不属于本单位职责")
    assert case.state == CaseState.RETURNED
    assert deadline(case, Stage.RETURN_WINDOW).status == DeadlineStatus.CANCELLED


def test_a_return_after_the_xinfang_window_is_refused(org, xinfang_dispatched):
    before = snapshot(xinfang_dispatched)
    with pytest.raises(TransitionRejected) as info:
        fire(org, xinfang_dispatched, "return", now=datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI),
             reason="不属于本单位职责")
    assert "2026-03-09" in info.value.message
    assert snapshot(xinfang_dispatched) == before


def test_starting_the_work_closes_the_return_window(org, xinfang_dispatched):
    case = fire(org, xinfang_dispatched, "start", now=T0 + timedelta(hours=3))
    assert deadline(case, Stage.RETURN_WINDOW).status == DeadlineStatus.CANCELLED


# --- unannounced years -----------------------------------------------------------------------------
def test_a_case_deadline_running_into_an_unannounced_year_is_provisional_until_the_year_is_added(org):
    from io import StringIO

    from django.core.management import call_command

    registered_at = datetime(2026, 12, 29, 9, 0, tzinfo=SHANGHAI)
    before = deadline(register(org, now=registered_at), Stage.ACCEPTANCE)
    assert before.provisional
    assert before.calendar_version.endswith(",2027.unknown")
    assert before.due_at == end_of(date(2027, 1, 1))  # weekend rule only: Friday counts

    call_command("calendar_year", "2027", "--off", "2027-01-01:元旦", stdout=StringIO())

    after = deadline(register(org, now=registered_at), Stage.ACCEPTANCE)
    assert not after.provisional
    assert after.calendar_version.endswith(",2027.v1")
    assert after.due_at == end_of(date(2027, 1, 4))


def test_repeated_pauses_add_up_and_move_the_light_thresholds(org):
    from jubao.deadlines.sweeper import sweep_lights

    case = register(org, now=T0)
    hour = timedelta(hours=1)
    case = fire(org, case, "request_info", now=T0 + hour, reason="请补充照片")
    case = fire(org, case, "receive_info", now=T0 + 3 * hour)
    case = fire(org, case, "request_info", now=T0 + 5 * hour, reason="请补充地址")
    case = fire(org, case, "receive_info", now=T0 + 9 * hour)

    triage = deadline(case, Stage.TRIAGE)
    assert triage.paused_seconds == 6 * 3600
    assert triage.due_at == T0 + 30 * hour  # 24 hours of running clock, 6 hours stopped
    # Half of the running time is used at T0+18h, not at T0+12h.
    sweep_lights(now=T0 + 17 * hour)
    assert deadline(case, Stage.TRIAGE).light == "green"
    sweep_lights(now=T0 + 19 * hour)
    assert deadline(case, Stage.TRIAGE).light == "yellow"
