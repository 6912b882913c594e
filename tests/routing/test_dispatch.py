# ruff: noqa: F811  (pytest fixtures imported from the support modules are redefined as parameters)
"""Automatic dispatch after triage, only when triage and the catalogue agree; otherwise a pre-filled suggestion."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation

from jubao.audit.models import AuditEvent
from jubao.cases.models import AssignmentRole, Case, CaseState, Report
from jubao.routing.services import auto_dispatch_check
from jubao.triage.models import CaseTriage, TrainingExample, TriageStatus
from jubao.triage.pipeline import triage_report
from tests.helpers import EAST_VILLAGE, T0, WEST_VILLAGE
from tests.triage.triage_support import fake_steps, report  # noqa: F401  (fixtures)

from .routing_support import CITY, EAST, MUNICIPAL, leaf, module_org, org, rule  # noqa: F401

pytestmark = pytest.mark.django_db
GARBAGE = ("东华社区南门垃圾三天无人清运", "东华社区南门垃圾堆放三天无人清运，气味很大，老人孩子出门都要绕路。")
LATER = T0 + timedelta(minutes=5)


@pytest.fixture
def sure(fake_steps):  # type: ignore[no-untyped-def]
    """Triage proposes 城管执法 at 95 %, within the remit, simple, no duplicates, no collective review."""
    proposal, _confidence, needs_human, cues = fake_steps["classification"]
    fake_steps["classification"] = ({**proposal, "category_id": leaf("城管执法").pk}, 0.95, needs_human, cues)
    return fake_steps


def triaged(org, region: str = EAST_VILLAGE) -> Case:  # type: ignore[no-untyped-def]
    case = report(org, *GARBAGE, region=region)
    triage_report(Report.objects.get(case=case).pk, now=LATER)
    return Case.objects.get(pk=case.pk)


def test_a_sure_case_with_one_winning_rule_is_accepted_and_dispatched_by_the_system(org, sure):
    rule(org, "chengguan", category=MUNICIPAL, region=CITY)
    east = rule(org, "dc-chengguan", category=MUNICIPAL, region=EAST, co=("zhujian",))
    case = triaged(org)
    assert case.state == CaseState.DISPATCHED
    assert case.lead_department.code == "dc-chengguan"
    assert case.first_contact_department.code == "dc-chengguan"  # 首接负责: the first department it reached
    assignments = {a.department.code: a.role for a in case.assignments.filter(is_active=True)}
    assert assignments == {"dc-chengguan": AssignmentRole.LEAD, "zhujian": AssignmentRole.CO}
    kinds = [e.kind for e in AuditEvent.objects.filter(case=case).order_by("seq")]
    assert kinds[-3:] == ["case.accept", "case.dispatch", "routing.auto_dispatched"]
    accept, dispatch, routed = AuditEvent.objects.filter(case=case).order_by("seq")[len(kinds) - 3:]
    assert {accept.actor_label, dispatch.actor_label, routed.actor_label} == {"routing"}
    assert dispatch.payload["department"] == "dc-chengguan" and dispatch.payload["co_departments"] == ["zhujian"]
    assert routed.payload["rule"] == east.pk and routed.payload["confidence"] == 0.95
    assert routed.payload["threshold"] == 0.85 and routed.payload["matched"]["region"] == EAST
    # The system accepting its own proposal is not a confirmation: the model must not learn from itself.
    assert not TrainingExample.objects.filter(report__case=case).exists()
    assert CaseTriage.objects.get(case=case).status == TriageStatus.CONFIRMED


def test_a_village_in_another_district_is_dispatched_by_the_city_rule(org, sure):
    city = rule(org, "chengguan", category=MUNICIPAL, region=CITY)
    rule(org, "dc-chengguan", category=MUNICIPAL, region=EAST)
    case = triaged(org, region=WEST_VILLAGE)
    assert case.state == CaseState.DISPATCHED and case.lead_department.code == "chengguan"
    assert AuditEvent.objects.get(case=case, kind="routing.auto_dispatched").payload["rule"] == city.pk


def _unsure(steps):  # type: ignore[no-untyped-def]
    proposal, _c, needs_human, cues = steps["classification"]
    steps["classification"] = (proposal, 0.7, needs_human, cues)


def _out_of_scope(steps):  # type: ignore[no-untyped-def]
    steps["scope"] = ({"in_scope": False, "refusal_reason": "civil_dispute", "redirect_notice": "请向法院起诉"}, 0.9,
                      True, [])


def _collective(steps):  # type: ignore[no-untyped-def]
    steps["collective_review"] = ({"required": True, "reasons": ["top_leader"]}, 0.9, True, [])


def _duplicate(steps):  # type: ignore[no-untyped-def]
    steps["duplicates"] = ({"suggestions": [{"case": "C-X", "report": "R-X", "score": 0.6, "reasons": []}],
                            "auto_merge_into": None, "reporter_repeats": 0, "subject_repeats": 0}, 0.6, True, [])


def _no_grade(steps):  # type: ignore[no-untyped-def]
    proposal, c, needs_human, cues = steps["urgency"]
    steps["urgency"] = ({**proposal, "grade": None}, c, needs_human, cues)


@pytest.mark.parametrize(("change", "words"), [
    (_unsure, "70%"), (_out_of_scope, "remit"), (_collective, "Collective review"),
    (_duplicate, "duplicates"), (_no_grade, "grade"),
])
def test_no_automatic_dispatch_unless_every_condition_holds(org, sure, change, words):
    rule(org, "chengguan", category=MUNICIPAL, region=CITY)
    change(sure)
    case = triaged(org)
    assert case.state == CaseState.REGISTERED
    assert not AuditEvent.objects.filter(case=case, kind__in=["routing.auto_dispatched", "case.dispatch"]).exists()
    with translation.override("en"):  # the blockers are translated; the words are the English ids
        blockers = auto_dispatch_check(case).blockers
    assert any(words in b for b in blockers), blockers


@pytest.mark.parametrize("catalogue", ["none", "conflict", "catch_all"])
def test_no_automatic_dispatch_without_exactly_one_rule_naming_the_category(org, sure, catalogue):
    if catalogue == "conflict":
        rule(org, "chengguan", category=MUNICIPAL, region=CITY)
        rule(org, "zhujian", category=MUNICIPAL, region=CITY)
    elif catalogue == "catch_all":
        rule(org, "xinfang", region=CITY)
    case = triaged(org)
    assert case.state == CaseState.REGISTERED
    assert auto_dispatch_check(case).blockers


def test_the_threshold_comes_from_the_settings(org, sure, settings):
    settings.JUBAO_AUTO_DISPATCH_CONFIDENCE = 0.99
    rule(org, "chengguan", category=MUNICIPAL, region=CITY)
    assert triaged(org).state == CaseState.REGISTERED


def test_a_rerun_on_a_dispatched_case_changes_nothing(org, sure):
    rule(org, "chengguan", category=MUNICIPAL, region=CITY)
    case = triaged(org)
    before = AuditEvent.objects.filter(case=case).count()
    triage_report(Report.objects.get(case=case).pk, now=LATER + timedelta(minutes=1))
    assert Case.objects.get(pk=case.pk).version == case.version
    assert not AuditEvent.objects.filter(case=case, kind="routing.auto_dispatched").exclude(
        created_at__lte=LATER).exists()
    assert AuditEvent.objects.filter(case=case).count() == before + 1  # only the re-run's triage.proposed
