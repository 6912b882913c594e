"""Two people acting on the same case at the same moment: at most one of them wins."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test.utils import override_settings

from jubao.audit.models import AuditEvent
from jubao.cases.errors import CaseError, InvalidTransition, StaleCase
from jubao.cases.models import Case, CaseState
from jubao.cases.services import case_transition
from jubao.cases.workflow import apply_transition
from jubao.demo.organisation import build_demo_organisation
from tests.helpers import FAST_HASHERS, actor_for, drive, fire, later, snapshot, valid_data, valid_reason


@pytest.fixture
def org(db):
    """A committed demo organisation (this module has transactional tests, so no shared module org)."""
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        return build_demo_organisation(password="correct-horse-battery", extra_staff=False)


def race(org, case: Case, contenders: list[tuple[str, str]]) -> list[tuple[str, object]]:
    """Fire each (transition, username) in its own thread with its own connection, released together."""
    barrier = threading.Barrier(len(contenders))
    results: list[tuple[str, object]] = []
    lock = threading.Lock()
    now = later(case)
    inputs = [(name, who, valid_data(org, name, case, now=now)) for name, who in contenders]

    def contender(name: str, who: str, data: dict) -> None:
        try:
            barrier.wait(timeout=10)
            case_transition(actor=actor_for(org, who), number=case.number, transition=name,
                            reason=valid_reason(name), data=data, now=now)
            outcome: object = "ok"
        except CaseError as exc:
            outcome = exc
        except Exception as exc:  # anything else is a failure of the test, reported below
            outcome = exc
        finally:
            connections.close_all()
        with lock:
            results.append((name, outcome))

    threads = [threading.Thread(target=contender, args=args) for args in inputs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a contender hung"
    return results


def assert_exactly_one_won(results, case: Case, version_before: int) -> str:
    winners = [name for name, outcome in results if outcome == "ok"]
    losers = [outcome for _, outcome in results if outcome != "ok"]
    assert len(winners) == 1, results
    assert all(isinstance(outcome, InvalidTransition | StaleCase) for outcome in losers), results
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.version == version_before + 1
    assert AuditEvent.objects.filter(case=case, kind=f"case.{winners[0]}").count() == 1
    call_command("verify_audit", stdout=StringIO(), stderr=StringIO())
    return winners[0]


threaded = pytest.mark.skipif(
    not settings.IS_POSTGRES,
    reason="SQLite's test database is a shared-cache in-memory database whose table locks fail at once "
           "instead of waiting (busy_timeout does not apply), so threads would race the test harness rather "
           "than the product; the sequential tests below prove the version check on SQLite.",
)


@threaded
@pytest.mark.django_db(transaction=True)
def test_start_and_return_at_the_same_moment_only_one_wins(org):
    case = drive(org, CaseState.DISPATCHED)
    results = race(org, case, [("start", "handler"), ("return", "handler2")])
    winner = assert_exactly_one_won(results, case, case.version)
    expected_state = {"start": CaseState.IN_PROGRESS, "return": CaseState.RETURNED}[winner]
    assert Case.objects.get(pk=case.pk).state == expected_state


@threaded
@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_accepting_the_same_case_only_one_wins(org):
    case = drive(org, CaseState.REGISTERED)
    results = race(org, case, [("accept", "dispatcher"), ("accept", "dispatcher")])
    assert_exactly_one_won(results, case, case.version)
    assert Case.objects.get(pk=case.pk).state == CaseState.ACCEPTED


@threaded
@pytest.mark.django_db(transaction=True)
def test_many_concurrent_transitions_on_different_cases_keep_the_audit_chain_intact(org):
    cases = [drive(org, CaseState.REGISTERED) for _ in range(4)]
    barrier = threading.Barrier(len(cases))
    errors: list[BaseException] = []

    def accept(case: Case) -> None:
        try:
            barrier.wait(timeout=10)
            fire(org, case, "accept")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(c,)) for c in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert all(Case.objects.get(pk=c.pk).state == CaseState.ACCEPTED for c in cases)
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    call_command("verify_audit", stdout=StringIO(), stderr=StringIO())


# --- optimistic locking, on every database --------------------------------------------------------
def test_two_people_who_saw_the_same_version_cannot_both_act(org):
    case = drive(org, CaseState.IN_PROGRESS)
    seen = case.version
    fire(org, case, "extend", who="head", expected_version=seen)

    before = snapshot(case)
    with pytest.raises(StaleCase):
        fire(org, case, "escalate", who="handler", expected_version=seen)
    assert snapshot(case) == before
    fire(org, Case.objects.get(pk=case.pk), "escalate", who="handler", expected_version=seen + 1)
    assert Case.objects.get(pk=case.pk).state == CaseState.ESCALATED


def test_the_second_of_two_identical_requests_finds_the_case_already_moved(org):
    case = drive(org, CaseState.REGISTERED)
    seen = case.version
    fire(org, case, "accept", expected_version=seen)
    before = snapshot(case)
    with pytest.raises(InvalidTransition):
        fire(org, case, "accept", expected_version=seen)
    assert snapshot(case) == before


def test_a_transition_applied_to_an_outdated_copy_of_the_case_is_refused(org):
    """The write itself is conditional on the version read, so a stale in-memory copy cannot win."""
    case = drive(org, CaseState.IN_PROGRESS)
    stale_copy = Case.objects.get(pk=case.pk)
    fire(org, case, "extend", who="head")
    before = snapshot(case)
    with pytest.raises(StaleCase):
        apply_transition(stale_copy, "escalate", actor=actor_for(org, "handler"), reason="并发",
                         now=later(stale_copy))
    assert snapshot(case) == before


@threaded
@pytest.mark.django_db(transaction=True)
def test_two_cases_merged_into_each_other_at_the_same_moment_only_one_merge_happens(org, monkeypatch):
    first = drive(org, CaseState.REGISTERED)
    second = drive(org, CaseState.REGISTERED)

    # Both requests start together. Locking both rows in primary-key order makes the second wait for the
    # first instead of each holding its own case and deadlocking on the other's.
    start_together = threading.Barrier(2)
    outcomes: list[object] = []

    def merge(case: Case, into: Case) -> None:
        try:
            start_together.wait(timeout=10)
            fire(org, case, "merge", data={"target": into.number})
            outcomes.append("ok")
        except Exception as exc:
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=merge, args=pair) for pair in ((first, second), (second, first))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("ok") == 1, outcomes
    assert all(isinstance(o, CaseError) for o in outcomes if o != "ok"), outcomes
    states = sorted(Case.objects.filter(pk__in=[first.pk, second.pk]).values_list("state", flat=True))
    assert states == [CaseState.MERGED, CaseState.REGISTERED]
