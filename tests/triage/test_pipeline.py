# ruff: noqa: F811  (pytest fixtures imported from triage_support are redefined as parameters)
"""The pipeline: runs on every new report, stores one result per step, and applies only the automatic effects."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command

from jubao.audit.models import AuditEvent
from jubao.cases.models import Case, CaseState, Report
from jubao.jobs.models import Job
from jubao.jobs.services import job_claim, job_run_one
from jubao.taxonomy.models import Category
from jubao.triage.models import CaseTriage, Decision, EmergencyEvent, TriageResult, TriageStatus
from jubao.triage.pipeline import triage_report
from jubao.triage.services import triage_override
from jubao.triage.steps import Cue
from tests.helpers import T0, drive

from .triage_support import (  # noqa: F401  (fixtures)
    INDEXED,
    _fast_passwords,
    fake_steps,
    inline,
    module_org,
    org,
    report,
)

pytestmark = pytest.mark.django_db

GARBAGE = ("东华社区南门垃圾三天无人清运", "东华社区南门垃圾堆放三天无人清运，气味很大，老人孩子出门都要绕路。")


def test_a_new_report_queues_its_triage_in_the_same_transaction_and_the_worker_runs_it(org, fake_steps):
    case = report(org, *GARBAGE)
    assert CaseTriage.objects.get(case=case).status == TriageStatus.PENDING
    job = Job.objects.get(kind="triage.run")
    report_id = Report.objects.get(case=case).pk
    assert job.payload == {"report_id": report_id}  # no text, no identity in the payload
    assert not TriageResult.objects.filter(case=case).exists()

    claimed = job_claim(worker_id="test-worker", limit=5)
    assert [j.pk for j in claimed] == [job.pk]
    assert job_run_one(claimed[0]) == "done"

    results = {r.step: r for r in TriageResult.objects.filter(case=case)}
    assert set(results) == {"scope", "classification", "urgency", "emergency", "duplicates", "verifiability",
                            "collective_review"}
    assert all(r.version == "fake-1" and r.decision == Decision.PROPOSED for r in results.values())
    assert CaseTriage.objects.get(case=case).status == TriageStatus.PROPOSED
    assert [report_id] == INDEXED
    event = AuditEvent.objects.get(case=case, kind="triage.proposed")
    assert set(event.payload["steps"]) == set(results)
    assert event.payload["steps"]["urgency"]["confidence"] == 0.8


def test_with_inline_triage_the_proposals_exist_when_registration_returns(org, fake_steps, inline):
    case = report(org, *GARBAGE)
    assert TriageResult.objects.filter(case=case).count() == 7
    assert not Job.objects.filter(kind="triage.run").exists()


def test_low_confidence_sends_the_case_to_the_human_queue_with_cues_and_versions_stored(org, fake_steps, inline):
    fake_steps["classification"] = ({"kind": "complaint", "category_id": None, "category_levels": [],
                                     "sector": None, "alternatives": []}, 0.31, True, [Cue("垃圾", "sanitation")])
    case = report(org, *GARBAGE)
    assert CaseTriage.objects.get(case=case).status == TriageStatus.NEEDS_HUMAN
    result = TriageResult.objects.get(case=case, step="classification")
    assert result.cues == [{"text": "垃圾", "means": "sanitation", "weight": 1.0}]
    assert result.confidence == pytest.approx(0.31) and result.needs_human


def test_proposals_prefill_a_registered_case_and_staff_decisions_survive_a_rerun(org, fake_steps, inline):
    sanitation = Category.objects.get(name="环境卫生")
    fake_steps["classification"] = ({"kind": "complaint", "category_id": sanitation.pk, "category_levels": [],
                                     "sector": None, "alternatives": []}, 0.93, False, [])
    fake_steps["urgency"] = ({"urgency": "urgent", "impact": "medium", "grade": "complex"}, 0.8, False, [])
    fake_steps["verifiability"] = ({"class": "B", "missing": ["evidence"], "supplement_request": "请补充照片。"},
                                   0.7, False, [])
    case = report(org, *GARBAGE)
    case.refresh_from_db()
    assert (case.category, case.urgency, case.impact, case.grade, case.verifiability) == (
        sanitation, "urgent", "medium", "complex", "B")
    assert AuditEvent.objects.get(case=case, kind="triage.proposed").payload["prefilled"]["category"] == sanitation.pk

    urban = Category.objects.get(name="城管执法")
    triage_override(actor=org.actor("dispatcher"), report_public_id_or_case_number=case.number,
                    step="classification", value={"category_id": urban.pk}, reason="占道问题归城管")
    fake_steps["urgency"] = ({"urgency": "normal", "impact": "small", "grade": "simple"}, 0.6, False, [])
    report_id = Report.objects.get(case=case).pk
    triage_report(report_id)
    triage_report(report_id)

    assert TriageResult.objects.filter(case=case).count() == 7
    decided = TriageResult.objects.get(case=case, step="classification")
    assert decided.decision == Decision.OVERRIDDEN and decided.decided_value == {"category_id": urban.pk}
    assert TriageResult.objects.get(case=case, step="urgency").confidence == pytest.approx(0.6)
    case.refresh_from_db()
    assert case.category == urban  # the re-run did not put its own guess back
    assert case.urgency == "normal"  # an undecided proposal is replaced
    assert AuditEvent.objects.filter(case=case, kind="triage.proposed").count() == 3


def test_no_prefill_once_the_case_has_left_registered(org, fake_steps):
    case = drive(org, CaseState.ACCEPTED)
    before = Case.objects.get(pk=case.pk)
    fake_steps["urgency"] = ({"urgency": "critical", "impact": "very_large", "grade": "major"}, 0.9, False, [])
    triage_report(Report.objects.get(case=case).pk)
    after = Case.objects.get(pk=case.pk)
    assert (after.urgency, after.impact, after.grade) == (before.urgency, before.impact, before.grade)


def test_a_rerun_after_acceptance_does_not_put_the_case_back_in_the_human_queue(org, fake_steps):
    case = drive(org, CaseState.ACCEPTED)
    fake_steps["scope"] = ({"in_scope": False, "refusal_reason": "enquiry", "redirect_notice": "12345"}, 0.9, True,
                           [])
    triage_report(Report.objects.get(case=case).pk)
    assert CaseTriage.objects.get(case=case).status == TriageStatus.CONFIRMED


def test_an_emergency_match_raises_the_case_to_critical_automatically(org, fake_steps, inline):
    event = EmergencyEvent.objects.create(name="7·20 暴雨", cue_words="暴雨\n积水", starts_at=T0 - timedelta(hours=2),
                                          created_at=T0 - timedelta(hours=2))
    fake_steps["emergency"] = ({"event": str(event.public_id), "event_name": event.name}, 0.95, False,
                               [Cue("暴雨", "emergency event")])
    case = report(org, "暴雨后地下车库积水", "暴雨后小区地下车库积水一米多深，有车辆被淹，请尽快排水。")
    case.refresh_from_db()
    assert case.urgency == "critical"
    assert CaseTriage.objects.get(case=case).emergency_event == event
    assert TriageResult.objects.get(case=case, step="emergency").decision == Decision.AUTOMATIC
    raised = AuditEvent.objects.get(case=case, kind="triage.emergency")
    assert raised.payload["event"] == str(event.public_id) and raised.payload["urgency"] == ["normal", "critical"]

    triage_report(Report.objects.get(case=case).pk)  # idempotent: no second raise
    assert AuditEvent.objects.filter(case=case, kind="triage.emergency").count() == 1


def test_a_near_certain_duplicate_is_merged_by_the_system(org, fake_steps, inline):
    first = report(org, *GARBAGE, now=T0)
    fake_steps["duplicates"] = ({"suggestions": [{"case": first.number, "report": "", "score": 0.99,
                                                  "reasons": ["near-duplicate text"]}],
                                 "auto_merge_into": first.number, "reporter_repeats": 3, "subject_repeats": 1},
                                0.99, False, [])
    second = report(org, "东华社区南门垃圾没人清运", "东华社区南门的垃圾三天了没人清运，味道很大。", now=T0 + timedelta(hours=1))
    second.refresh_from_db()
    assert second.state == CaseState.MERGED and second.merged_into == first
    result = TriageResult.objects.get(case=second, step="duplicates")
    assert result.decision == Decision.AUTOMATIC and result.decided_value == {"merged_into": first.number}
    merge = AuditEvent.objects.get(case=second, kind="case.merge")
    assert merge.actor_label == "triage"
    summary = CaseTriage.objects.get(case=second)
    assert (summary.reporter_repeat_count, summary.subject_repeat_count) == (3, 1)


def test_auto_merge_is_skipped_when_the_target_is_closed(org, fake_steps, inline):
    closed = drive(org, CaseState.CLOSED)
    fake_steps["duplicates"] = ({"suggestions": [], "auto_merge_into": closed.number, "reporter_repeats": 0,
                                 "subject_repeats": 0}, 0.99, False, [])
    case = report(org, *GARBAGE, now=T0 + timedelta(days=20))
    case.refresh_from_db()
    assert case.state == CaseState.REGISTERED
    assert TriageResult.objects.get(case=case, step="duplicates").decision == Decision.PROPOSED


def test_collective_review_flags_reach_the_case_summary(org, fake_steps, inline):
    fake_steps["collective_review"] = ({"required": True, "reasons": ["top_leader", "collective_assets"]}, 0.9,
                                       False, [Cue("村支书", "top leader")])
    case = report(org, "村支书私自出租集体土地", "柳林镇某村村支书私自将村集体土地出租，租金去向不明。", region="990103101201")
    summary = CaseTriage.objects.get(case=case)
    assert summary.collective_review_required
    assert summary.collective_review_reasons == ["top_leader", "collective_assets"]


def test_the_management_command_reruns_triage(org, fake_steps):
    case = report(org, *GARBAGE)
    call_command("triage_run", "--case", case.number)
    assert TriageResult.objects.filter(case=case).count() == 7
    call_command("triage_run", "--all-registered")
    assert TriageResult.objects.filter(case=case).count() == 7
