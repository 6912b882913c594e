# ruff: noqa: F811  (pytest fixtures imported from triage_support are redefined as parameters)
"""Staff accept or override a proposal in one click; both are logged and classification becomes training data."""

from __future__ import annotations

import pytest

from jubao.audit.models import AuditEvent
from jubao.cases.errors import CaseNotFound, TransitionForbidden, TransitionRejected
from jubao.cases.models import Case, CaseState, Report
from jubao.taxonomy.models import Category
from jubao.triage.models import CaseTriage, Decision, ExampleSource, TrainingExample, TriageResult, TriageStatus
from jubao.triage.services import triage_accept, triage_override, triage_request_supplement
from jubao.triage.steps import Cue
from tests.helpers import fire

from .triage_support import (  # noqa: F401  (fixtures)
    _fast_passwords,
    fake_steps,
    inline,
    module_org,
    org,
    report,
)

pytestmark = pytest.mark.django_db

NOISE = ("楼下烧烤店夜间噪音扰民", "东华社区3号楼下烧烤店每天营业到凌晨两点，噪音和油烟严重影响居民休息。")
WAGES = ("公司拖欠三个月工资", "我在东华社区一家装修公司打工，公司拖欠我三个月工资共一万二千元，老板一直推脱。")
LABOUR_NOTICE = "属于劳动争议，请向当地劳动人事争议仲裁委员会申请仲裁。"


@pytest.fixture
def sanitation(db) -> Category:
    return Category.objects.get(name="环境卫生")


@pytest.fixture
def urban(db) -> Category:
    return Category.objects.get(name="城管执法")


def _classified(org, fake_steps, category: Category, *, confidence: float = 0.55) -> Case:
    fake_steps["classification"] = ({"kind": "complaint", "category_id": category.pk, "category_levels": [],
                                     "sector": None, "alternatives": []}, confidence, confidence < 0.6,
                                    [Cue("噪音", "environment")])
    return report(org, *NOISE)


def test_an_override_sets_the_category_is_logged_and_becomes_a_training_example(org, fake_steps, inline,
                                                                                 sanitation, urban):
    case = _classified(org, fake_steps, sanitation)
    assert CaseTriage.objects.get(case=case).status == TriageStatus.NEEDS_HUMAN
    triage_override(actor=org.actor("dispatcher"), report_public_id_or_case_number=case.number,
                    step="classification", value={"category_id": urban.pk}, reason="夜间经营噪音归城管")

    case.refresh_from_db()
    assert case.category == urban
    result = TriageResult.objects.get(case=case, step="classification")
    assert (result.decision, result.decided_by) == (Decision.OVERRIDDEN, org.users["dispatcher"])
    example = TrainingExample.objects.get(report__case=case, target="category")
    assert (example.label, example.source, example.title) == (str(urban.pk), ExampleSource.OVERRIDE, NOISE[0])
    logged = AuditEvent.objects.get(case=case, kind="triage.overridden")
    assert logged.payload["old"]["category_id"] == sanitation.pk
    assert logged.payload["new"] == {"category_id": urban.pk}
    assert logged.reason == "夜间经营噪音归城管" and logged.actor_label == "dispatcher"
    assert CaseTriage.objects.get(case=case).status == TriageStatus.PROPOSED  # nothing left that needs a person


def test_accepting_classification_confirms_it_and_a_later_override_replaces_the_example(org, fake_steps, inline,
                                                                                         sanitation, urban):
    case = _classified(org, fake_steps, sanitation, confidence=0.9)
    triage_accept(actor=org.actor("dispatcher"), report_public_id_or_case_number=case.number, step="classification")
    examples = {e.target: e for e in TrainingExample.objects.filter(report__case=case)}
    assert examples["category"].label == str(sanitation.pk)
    assert examples["category"].source == ExampleSource.CONFIRMED
    assert examples["kind"].label == "complaint"

    public_id = str(Report.objects.get(case=case).public_id)  # a report's public id works as well as the number
    triage_override(actor=org.actor("supervisor"), report_public_id_or_case_number=public_id,
                    step="classification", value={"category_id": urban.pk})
    example = TrainingExample.objects.get(report__case=case, target="category")
    assert (example.label, example.source) == (str(urban.pk), ExampleSource.OVERRIDE)
    assert TrainingExample.objects.filter(report__case=case, target="category").count() == 1


def test_only_triage_roles_decide_and_only_on_cases_they_see(org, fake_steps, inline, urban):
    case = report(org, *NOISE)
    before = Case.objects.get(pk=case.pk)
    for who in ("clerk", "handler", "auditor"):
        with pytest.raises(TransitionForbidden):
            triage_override(actor=org.actor(who), report_public_id_or_case_number=case.number,
                            step="classification", value={"category_id": urban.pk})
    west = report(org, *NOISE, region="990103001001")
    with pytest.raises(CaseNotFound):
        triage_accept(actor=org.actor("supervisor_east"), report_public_id_or_case_number=west.number,
                      step="urgency")
    assert Case.objects.get(pk=case.pk).category_id == before.category_id
    assert not TrainingExample.objects.exists()
    assert not AuditEvent.objects.filter(kind__in=["triage.accepted", "triage.overridden"]).exists()


def test_an_invalid_override_names_the_field_and_changes_nothing(org, fake_steps, inline):
    case = report(org, *NOISE)
    with pytest.raises(TransitionRejected) as error:
        triage_override(actor=org.actor("dispatcher"), report_public_id_or_case_number=case.number,
                        step="urgency", value={"urgency": "yesterday", "impact": "small", "grade": "simple"})
    assert error.value.field == "urgency"
    with pytest.raises(TransitionRejected) as error:
        triage_override(actor=org.actor("dispatcher"), report_public_id_or_case_number=case.number,
                        step="classification", value={"category_id": 999999})
    assert error.value.field == "category_id"
    assert TriageResult.objects.get(case=case, step="urgency").decision == Decision.PROPOSED


def test_accepting_urgency_and_verifiability_sets_the_case(org, fake_steps, inline):
    fake_steps["urgency"] = ({"urgency": "urgent", "impact": "large", "grade": "complex", "people": 200}, 0.7,
                             False, [Cue("200多户", "many people")])
    case = report(org, *NOISE)
    Case.objects.filter(pk=case.pk).update(urgency="normal", impact="small", grade="", verifiability="")
    triage_accept(actor=org.actor("dispatcher"), report_public_id_or_case_number=case.number, step="urgency")
    triage_override(actor=org.actor("dispatcher"), report_public_id_or_case_number=case.number,
                    step="verifiability", value={"class": "C"})
    case.refresh_from_db()
    assert (case.urgency, case.impact, case.grade, case.verifiability) == ("urgent", "large", "complex", "C")
    accepted = AuditEvent.objects.get(case=case, kind="triage.accepted")
    assert accepted.payload["step"] == "urgency" and accepted.payload["new"]["urgency"] == "urgent"


def test_accepting_an_out_of_scope_proposal_refuses_the_case_through_the_workflow(org, fake_steps, inline):
    fake_steps["scope"] = ({"in_scope": False, "refusal_reason": "labour_dispute", "redirect_notice": LABOUR_NOTICE},
                           0.85, True, [Cue("拖欠", "labour dispute"), Cue("工资", "labour dispute")])
    case = report(org, *WAGES)
    assert case.state == CaseState.REGISTERED  # nothing is refused automatically
    assert CaseTriage.objects.get(case=case).status == TriageStatus.NEEDS_HUMAN

    with pytest.raises(TransitionForbidden):  # a supervisor may not refuse: the workflow says who may
        triage_accept(actor=org.actor("supervisor"), report_public_id_or_case_number=case.number, step="scope")
    assert TriageResult.objects.get(case=case, step="scope").decision == Decision.PROPOSED

    triage_accept(actor=org.actor("dispatcher"), report_public_id_or_case_number=case.number, step="scope")
    case.refresh_from_db()
    assert (case.state, case.refusal_reason, case.redirect_notice) == (CaseState.REFUSED, "labour_dispute",
                                                                      LABOUR_NOTICE)
    refusal = AuditEvent.objects.get(case=case, kind="case.refuse")
    assert refusal.actor_label == "dispatcher" and refusal.reporter_visible


def test_overriding_scope_to_in_scope_keeps_the_case(org, fake_steps, inline):
    fake_steps["scope"] = ({"in_scope": False, "refusal_reason": "enquiry", "redirect_notice": "请拨打12345咨询。"},
                           0.6, True, [])
    case = report(org, *NOISE)
    triage_override(actor=org.actor("dispatcher"), report_public_id_or_case_number=case.number, step="scope",
                    value={"in_scope": True}, reason="是投诉不是咨询")
    case.refresh_from_db()
    assert case.state == CaseState.REGISTERED
    assert TriageResult.objects.get(case=case, step="scope").decided_value["in_scope"] is True


def test_the_consolidated_supplement_request_goes_out_in_one_click(org, fake_steps, inline):
    text = "请补充：被反映的具体单位或个人、发生的时间、现场照片或其他证据。"
    fake_steps["verifiability"] = ({"class": "C", "missing": ["subject", "time", "evidence"],
                                    "supplement_request": text}, 0.8, False, [])
    case = report(org, "有人乱收费", "听说有人乱收费。")
    triage_request_supplement(actor=org.actor("dispatcher"), report_public_id_or_case_number=case.number)
    case.refresh_from_db()
    assert case.state == CaseState.NEEDS_INFO
    assert AuditEvent.objects.get(case=case, kind="case.request_info").reason == text


def test_duplicates_merge_into_a_suggestion_or_dismiss_it(org, fake_steps, inline):
    first = report(org, *NOISE)
    fake_steps["duplicates"] = ({"suggestions": [{"case": first.number, "report": "", "score": 0.83,
                                                  "reasons": ["near-duplicate text"]}],
                                 "auto_merge_into": None, "reporter_repeats": 0, "subject_repeats": 2}, 0.83, True, [])
    second = report(org, "烧烤店半夜还在营业", "3号楼下的烧烤店半夜两点还在营业，吵得睡不着。")
    third = report(org, "烧烤店油烟", "3号楼下烧烤店油烟太大。")

    triage_accept(actor=org.actor("dispatcher"), report_public_id_or_case_number=second.number, step="duplicates")
    second.refresh_from_db()
    assert second.state == CaseState.MERGED and second.merged_into == first

    triage_override(actor=org.actor("dispatcher"), report_public_id_or_case_number=third.number, step="duplicates",
                    value={"merge_into": ""}, reason="不同问题")
    third.refresh_from_db()
    assert third.state == CaseState.REGISTERED
    result = TriageResult.objects.get(case=third, step="duplicates")
    assert result.decision == Decision.OVERRIDDEN and result.decided_value == {"merge_into": None}


def test_collective_review_can_be_required_by_a_person(org, fake_steps, inline):
    case = report(org, "村委会换届选举拉票", "西湖社区居委会换届选举中有人发红包拉票。")
    triage_override(actor=org.actor("dispatcher"), report_public_id_or_case_number=case.number,
                    step="collective_review", value={"reasons": ["election"]})
    summary = CaseTriage.objects.get(case=case)
    assert summary.collective_review_required and summary.collective_review_reasons == ["election"]


def test_the_dispatchers_accept_transition_confirms_the_classification_as_training_data(org, fake_steps, inline,
                                                                                          sanitation):
    case = _classified(org, fake_steps, sanitation, confidence=0.95)
    fire(org, case, "accept", data={"category": sanitation.pk, "grade": "simple", "urgency": "normal"})
    example = TrainingExample.objects.get(report__case=case, target="category")
    assert (example.label, example.source) == (str(sanitation.pk), ExampleSource.CONFIRMED)
    assert CaseTriage.objects.get(case=case).status == TriageStatus.CONFIRMED


def test_an_override_feeds_the_next_training_run(org, fake_steps, inline, urban, sanitation):
    from jubao.triage.classify import classifier_train_from_examples
    from jubao.triage.classify.model import TextClassifier

    litter = ("东华社区南门垃圾三天无人清运", "东华社区南门垃圾堆放三天无人清运，气味很大。")
    for i in range(10):
        text, corrected = (NOISE, urban) if i % 2 else (litter, sanitation)
        fake_steps["classification"] = ({"kind": "complaint", "category_id": sanitation.pk, "category_levels": [],
                                         "sector": None, "alternatives": []}, 0.5, True, [])
        case = report(org, *text)
        triage_override(actor=org.actor("dispatcher"), report_public_id_or_case_number=case.number,
                        step="classification", value={"category_id": corrected.pk})
    model = classifier_train_from_examples(actor=org.actor("admin"), target="category")
    assert model.training_size == 10 and str(urban.pk) in model.labels
    assert TextClassifier.from_bytes(model.blob).score(*NOISE)[0].label == str(urban.pk)
