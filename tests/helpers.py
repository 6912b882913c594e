"""Shared helpers for the case-core tests: registering cases, firing transitions with valid
input, driving a fresh case through the workflow to any state, and a module-scoped demo
organisation (built once per test module; every test still runs in its own savepoint)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test.utils import override_settings

from jubao.accounts.actors import Actor
from jubao.audit.models import AuditEvent
from jubao.cases.models import Case, CaseState
from jubao.cases.services import ReportInput, case_register, case_transition
from jubao.cases.workflow import TRANSITIONS
from jubao.demo.organisation import DemoOrganisation, build_demo_organisation
from jubao.taxonomy.models import Category

SHANGHAI = ZoneInfo("Asia/Shanghai")
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A Monday in a year whose official calendar is known, with no holiday in the following weeks.
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
STEP = timedelta(hours=1)

EAST_VILLAGE = "990102001001"  # 东华社区, 东城区
WEST_VILLAGE = "990103001001"  # 西湖社区, 西城区

REPORTER = Actor.reporter("匿名举报人")
SYSTEM = Actor.system("tests")

CONCLUSION_TEXT = "经现场核查，反映的商户占道经营问题属实，已责令其当日整改并清理现场杂物。"
FEEDBACK_TEXT = (
    "一、我们核查了什么\n城管执法队员于次日到路口现场核查，并询问了周边商户和行人。\n\n"
    "二、核查发现\n您反映的商户占道经营问题属实，货架和杂物占用了人行道。\n\n"
    "三、我们做了什么\n已责令商户当日整改，清理了现场的货架和杂物。\n\n"
    "四、接下来怎么办\n城管中队每周巡查一次该路口；如有反弹，请再次反映。"
)
REDIRECT_NOTICE = "请向所在地人民法院提起民事诉讼，或向人民调解委员会申请调解。"

# The actor that fires each step when driving a case to a state (chengguan is the lead department).
STEP_ACTOR = {
    "request_info": "clerk", "receive_info": "clerk", "accept": "dispatcher", "refuse": "dispatcher",
    "merge": "dispatcher", "dispatch": "dispatcher", "return": "handler", "start": "handler",
    "escalate": "handler", "resume": "supervisor", "extend": "head", "conclude": "handler", "answer": "handler",
    "rate": "clerk", "request_review": "clerk", "close": "dispatcher", "reopen": "supervisor",
    "reconsider": "supervisor", "archive": "admin",
}

# How to reach each state from `registered`.
PATHS: dict[str, list[str]] = {
    CaseState.REGISTERED: [],
    CaseState.NEEDS_INFO: ["request_info"],
    CaseState.ACCEPTED: ["accept"],
    CaseState.REFUSED: ["refuse"],
    CaseState.MERGED: ["merge"],
    CaseState.DISPATCHED: ["accept", "dispatch"],
    CaseState.RETURNED: ["accept", "dispatch", "return"],
    CaseState.IN_PROGRESS: ["accept", "dispatch", "start"],
    CaseState.EXTENDED: ["accept", "dispatch", "start", "extend"],
    CaseState.ESCALATED: ["accept", "dispatch", "start", "escalate"],
    CaseState.CONCLUDED: ["accept", "dispatch", "start", "conclude"],
    CaseState.ANSWERED: ["accept", "dispatch", "start", "conclude", "answer"],
    CaseState.RATED: ["accept", "dispatch", "start", "conclude", "answer", "rate"],
    CaseState.UNDER_REVIEW: ["accept", "dispatch", "start", "conclude", "answer", "request_review"],
    CaseState.CLOSED: ["accept", "dispatch", "start", "conclude", "answer", "close"],
    CaseState.REOPENED: ["accept", "dispatch", "start", "conclude", "answer", "close", "reopen"],
    CaseState.ARCHIVED: ["accept", "dispatch", "start", "conclude", "answer", "close", "archive"],
}


def actor_for(org: DemoOrganisation, who: str | Actor) -> Actor:
    if isinstance(who, Actor):
        return who
    if who == "reporter":
        return REPORTER
    if who == "system":
        return SYSTEM
    return org.actor(who)


def category(name: str = "城管执法") -> Category:
    return Category.objects.get(name=name)


def register(
    org: DemoOrganisation, *, now: datetime = T0, region: str = EAST_VILLAGE, title: str = "路口商户长期占道经营",
    kind: str = "complaint", policy_pack_code: str = "", who: str = "clerk", channel: str = "web",
) -> Case:
    report = case_register(
        actor=actor_for(org, who),
        report=ReportInput(
            channel=channel, kind=kind, title=title, body=f"{title}，影响行人通行，多次反映未解决。",
            region=org.regions[region], policy_pack_code=policy_pack_code, reporter_pseudonym=REPORTER.label,
        ),
        now=now,
    )
    return report.case


def valid_reason(name: str) -> str:
    return f"测试：{name} 的理由" if TRANSITIONS[name].reason_required else ""


def valid_data(org: DemoOrganisation, name: str, case: Case, *, now: datetime) -> dict[str, Any]:
    """Input that satisfies the guards of transition `name` (creating a merge target if needed)."""
    if name == "accept":
        return {"category": category().pk, "grade": "simple", "urgency": "normal"}
    if name == "refuse":
        return {"refusal_reason": "civil_dispute", "redirect_notice": REDIRECT_NOTICE}
    if name == "merge":
        target = register(org, now=now - timedelta(minutes=30), title="同一路口占道经营")
        return {"target": target.number}
    if name == "dispatch":
        return {"department": "chengguan"}
    if name == "conclude":
        return {"finding": "substantiated", "conclusion_text": CONCLUSION_TEXT}
    if name == "answer":
        return {"feedback_text": FEEDBACK_TEXT}
    if name == "rate":
        return {"satisfaction": "satisfied"}
    return {}


def fire(
    org: DemoOrganisation, case: Case, name: str, *, who: str | Actor | None = None, now: datetime | None = None,
    reason: str | None = None, data: Mapping[str, Any] | None = None, expected_version: int | None = None,
) -> Case:
    """Fire `name` on `case` through the service with valid input unless told otherwise."""
    when = now or later(case)
    if who is None and name == "conclude" and case.state == CaseState.UNDER_REVIEW:
        who = "handler2"  # a review is decided by someone other than the first handler
    return case_transition(
        actor=actor_for(org, who or STEP_ACTOR[name]), number=case.number, transition=name,
        reason=valid_reason(name) if reason is None else reason,
        data=valid_data(org, name, case, now=when) if data is None else data,
        expected_version=expected_version, now=when,
    )


def later(case: Case, by: timedelta = STEP) -> datetime:
    return case.state_changed_at + by


def drive(org: DemoOrganisation, state: str, *, now: datetime = T0, **register_kw: Any) -> Case:
    """A fresh case in `state`, reached through the workflow one step per hour from `now`."""
    case = register(org, now=now, **register_kw)
    for step in PATHS[state]:
        case = fire(org, case, step)
    assert case.state == state
    case.refresh_from_db()
    return case


def events_of(case: Case, kind: str | None = None) -> list[AuditEvent]:
    qs = AuditEvent.objects.filter(case=case).order_by("seq")
    return list(qs.filter(kind=kind) if kind else qs)


def snapshot(case: Case) -> tuple[str, int, int]:
    """(state, version, total audit events) — what must not move when a transition is refused."""
    fresh = Case.objects.get(pk=case.pk)
    return fresh.state, fresh.version, AuditEvent.objects.count()


# --- working days, computed independently from the chinese-calendar package ----------------
def nth_workday_after(start: date, n: int) -> date:
    import chinese_calendar

    day = start
    while n:
        day += timedelta(days=1)
        n -= chinese_calendar.is_workday(day)
    return day


def end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=SHANGHAI)


# --- HTTP -----------------------------------------------------------------------------------
def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def api_post(client, url: str, payload: dict[str, Any], **extra: Any):  # type: ignore[no-untyped-def]
    return client.post(url, data=json.dumps(payload), content_type="application/json", **extra)


def token_for(user) -> str:  # type: ignore[no-untyped-def]
    from jubao.accounts.services import api_token_create

    return api_token_create(actor=user, name="tests")[1]


# --- a demo organisation built once per module --------------------------------------------
@pytest.fixture(scope="module")
def module_org(django_db_setup, django_db_blocker) -> Iterator[DemoOrganisation]:
    """Build the demo organisation once for a module inside an outer transaction that is rolled
    back at the end of the module. Each test's own transaction nests as a savepoint, so tests stay
    isolated. Do not use in modules with transactional (transaction=True) tests."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            org = build_demo_organisation(password="correct-horse-battery", extra_staff=False)
    try:
        yield org
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
