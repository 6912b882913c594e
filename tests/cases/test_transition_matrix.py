"""Every transition of the workflow table, fired by every kind of actor.

A transition succeeds exactly when the actor's role is listed in the table; otherwise the
service refuses it (TransitionForbidden, or CaseNotFound when the actor cannot see the case at
all) and nothing about the case or the audit trail moves.
"""

from __future__ import annotations

import pytest

from jubao.accounts.models import Role
from jubao.cases.errors import CaseNotFound, InvalidTransition, TransitionForbidden, TransitionRejected
from jubao.cases.models import Case, CaseAssignment, CaseState
from jubao.cases.workflow import TRANSITIONS
from tests.helpers import PATHS, actor_for, drive, events_of, fire, later, snapshot, valid_data

# One user per role whose scope covers a case held by chengguan in 东城区.
ROLE_USER = {
    Role.CLERK: "clerk",
    Role.DISPATCHER: "dispatcher",
    Role.HANDLER: "handler",
    Role.DEPARTMENT_HEAD: "head",
    Role.SUPERVISOR: "supervisor",
    Role.LEADERSHIP: "leader",
    Role.CUSTODIAN: "custodian",
    Role.AUDITOR: "auditor",
    Role.ADMIN: "admin",
    "reporter": "reporter",
    "system": "system",
}
ALL_ROLES = [*Role.values, "reporter", "system"]
assert set(ROLE_USER) == set(ALL_ROLES)

# The source state each transition is tried from in the role matrix.
MATRIX_SOURCE = {
    "request_info": CaseState.REGISTERED,
    "receive_info": CaseState.NEEDS_INFO,
    "accept": CaseState.REGISTERED,
    "refuse": CaseState.REGISTERED,
    "merge": CaseState.REGISTERED,
    "dispatch": CaseState.ACCEPTED,
    "return": CaseState.DISPATCHED,
    "start": CaseState.DISPATCHED,
    "escalate": CaseState.IN_PROGRESS,
    "resume": CaseState.ESCALATED,
    "extend": CaseState.IN_PROGRESS,
    "conclude": CaseState.IN_PROGRESS,
    "answer": CaseState.CONCLUDED,
    "rate": CaseState.ANSWERED,
    "request_review": CaseState.ANSWERED,
    "close": CaseState.ANSWERED,
    "reopen": CaseState.CLOSED,
    "reconsider": CaseState.REFUSED,
    "archive": CaseState.CLOSED,
}
assert set(MATRIX_SOURCE) == set(TRANSITIONS)
assert all(MATRIX_SOURCE[name] in t.sources for name, t in TRANSITIONS.items())

# A state outside each transition's sources, in which the allowed actor can still see the case.
WRONG_STATE = {
    "request_info": CaseState.ACCEPTED,
    "receive_info": CaseState.REGISTERED,
    "accept": CaseState.NEEDS_INFO,
    "refuse": CaseState.ACCEPTED,
    "merge": CaseState.DISPATCHED,
    "dispatch": CaseState.REGISTERED,
    "return": CaseState.IN_PROGRESS,
    "start": CaseState.IN_PROGRESS,
    "escalate": CaseState.CONCLUDED,
    "resume": CaseState.IN_PROGRESS,
    "extend": CaseState.EXTENDED,
    "conclude": CaseState.DISPATCHED,
    "answer": CaseState.IN_PROGRESS,
    "rate": CaseState.CONCLUDED,
    "request_review": CaseState.CLOSED,
    "close": CaseState.CONCLUDED,
    "reopen": CaseState.ANSWERED,
    "reconsider": CaseState.REGISTERED,
    "archive": CaseState.ANSWERED,
}
assert set(WRONG_STATE) == set(TRANSITIONS)
assert all(WRONG_STATE[name] not in t.sources for name, t in TRANSITIONS.items())

# Roles the table allows but the policy pack may not: extensions are approved by the level the pack names.
PACK_DEPENDENT = {("extend", Role.SUPERVISOR)}

STAFF_FIRST = [Role.DISPATCHER, Role.CLERK, Role.HANDLER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR, Role.LEADERSHIP,
               Role.ADMIN, "reporter", "system"]


@pytest.fixture(scope="module")
def prepared(module_org, django_db_blocker) -> dict[str, int]:
    """One case in every state, driven once per module; each test's changes roll back with it."""
    with django_db_blocker.unblock():
        return {state: drive(module_org, state).pk for state in PATHS}


@pytest.fixture
def case_in(prepared, db):
    def get(state: str) -> Case:
        return Case.objects.get(pk=prepared[state])

    return get


def allowed_role(name: str) -> str:
    return next(r for r in STAFF_FIRST if r in TRANSITIONS[name].roles)


def can_see(role: str, case: Case) -> bool:
    """Department staff see cases their department holds; custodians see no case files."""
    if role == Role.CUSTODIAN:
        return False
    if role in (Role.HANDLER, Role.DEPARTMENT_HEAD):
        return CaseAssignment.objects.filter(case=case, department__code="chengguan", is_active=True).exists()
    return True


def assert_fired(org, case: Case, name: str, who: str) -> None:
    transition = TRANSITIONS[name]
    before_state, before_version, _ = snapshot(case)
    before_events = len(events_of(case))
    actor = actor_for(org, who)

    result = fire(org, case, name, who=who)

    fresh = Case.objects.get(pk=case.pk)
    assert result.state == fresh.state == transition.target
    assert fresh.version == before_version + 1
    new_events = events_of(case)[before_events:]
    assert [e.kind for e in new_events] == [f"case.{name}"]
    event = new_events[0]
    assert (event.from_state, event.to_state) == (before_state, transition.target)
    assert event.actor_kind == actor.kind
    assert event.actor_id == actor.user_id


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_transition_is_allowed_exactly_for_the_roles_in_the_table(org, case_in, name, role):
    case = case_in(MATRIX_SOURCE[name])
    who = ROLE_USER[role]

    if (name, role) in PACK_DEPENDENT:
        # Listed in the table, but the case's policy pack names another approver (here: the department head).
        before = snapshot(case)
        with pytest.raises(TransitionRejected):
            fire(org, case, name, who=who)
        assert snapshot(case) == before
        return
    if role in TRANSITIONS[name].roles:
        assert_fired(org, case, name, who)
        return

    expected = TransitionForbidden if can_see(role, case) else CaseNotFound
    data = valid_data(org, name, case, now=later(case))
    before = snapshot(case)
    with pytest.raises(expected):
        fire(org, case, name, who=who, data=data)
    assert snapshot(case) == before


SOURCE_PAIRS = [(name, source) for name, t in TRANSITIONS.items() for source in sorted(t.sources)]


@pytest.mark.parametrize(("name", "source"), SOURCE_PAIRS, ids=[f"{n}-from-{s}" for n, s in SOURCE_PAIRS])
def test_transition_works_from_every_source_state(org, case_in, name, source):
    case = case_in(source)
    # A review is concluded by a handler other than the one who concluded the case first.
    who = "handler2" if (name, source) == ("conclude", CaseState.UNDER_REVIEW) else ROLE_USER[allowed_role(name)]
    assert_fired(org, case, name, who)


@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_transition_from_a_state_outside_its_sources_is_invalid_and_changes_nothing(org, case_in, name):
    case = case_in(WRONG_STATE[name])
    data = valid_data(org, name, case, now=later(case))
    before = snapshot(case)
    with pytest.raises(InvalidTransition):
        fire(org, case, name, who=ROLE_USER[allowed_role(name)], data=data)
    assert snapshot(case) == before


DEPARTMENT_TRANSITIONS = [name for name, t in TRANSITIONS.items() if t.roles & {Role.HANDLER, Role.DEPARTMENT_HEAD}]


@pytest.mark.parametrize("who", ["handler_zj", "head_zj"])
@pytest.mark.parametrize("name", DEPARTMENT_TRANSITIONS)
def test_staff_of_another_department_cannot_find_the_case(org, case_in, name, who):
    case = case_in(MATRIX_SOURCE[name])
    data = valid_data(org, name, case, now=later(case))
    before = snapshot(case)
    with pytest.raises(CaseNotFound):
        fire(org, case, name, who=who, data=data)
    assert snapshot(case) == before


def test_prepared_cases_are_fresh_for_every_test(case_in):
    """Guards the module-level fixture: an earlier test's transition must have been rolled back."""
    for state in PATHS:
        assert case_in(state).state == state
