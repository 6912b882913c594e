"""Reads for the triage panel, the action forms it pre-fills, and the admin pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.cases.models import Case, Grade, Impact, RefusalReason, Urgency, Verifiability
from jubao.taxonomy.models import Category, Kind, Sector

from .models import CaseTriage, ClassifierModel, Decision, EmergencyEvent, Step, TriageResult

STEP_ORDER = [Step.SCOPE, Step.CLASSIFICATION, Step.URGENCY, Step.EMERGENCY, Step.DUPLICATES,
              Step.VERIFIABILITY, Step.COLLECTIVE_REVIEW]
COLLECTIVE_REASON_LABELS = {
    "top_leader": lambda: _("about the unit's top leader"),
    "collective_assets": lambda: _("about collective assets, resources or funds (三资)"),
    "election": lambda: _("about an election"),
}
MISSING_LABELS = {
    "subject": lambda: _("who or which unit"),
    "time": lambda: _("when"),
    "place": lambda: _("where"),
    "evidence": lambda: _("evidence"),
}


def confidence_words(confidence: float) -> str:
    if confidence >= 0.9:
        return _("very sure")
    if confidence >= 0.75:
        return _("fairly sure")
    if confidence >= 0.5:
        return _("unsure")
    return _("a guess")


@dataclass
class PanelRow:
    result: TriageResult
    label: str
    facts: list[tuple[str, str]]
    cues: list[tuple[str, str]]
    confidence_percent: int
    confidence_words: str
    value: dict[str, Any]
    override_form: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def step(self) -> str:
        return self.result.step

    @property
    def decided(self) -> bool:
        return self.result.decision != Decision.PROPOSED


@dataclass
class TriagePanel:
    summary: CaseTriage | None
    rows: list[PanelRow]
    may_decide: bool
    report_tracking_number: str = ""


def _choice_label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "—")


def _facts(step: str, value: dict[str, Any], names: dict[str, dict[Any, str]]) -> list[tuple[str, str]]:
    """The proposal (or decided value) in words a dispatcher reads at a glance."""
    if step == Step.SCOPE:
        if value.get("in_scope", True):
            return [(_("Remit"), _("Within the remit"))]
        return [(_("Remit"), _("Outside the remit")),
                (_("Refusal reason"), _choice_label(RefusalReason, value.get("refusal_reason"))),
                (_("Where to go instead"), str(value.get("redirect_notice") or "—"))]
    if step == Step.CLASSIFICATION:
        levels = value.get("category_levels") or []
        category = names["category"].get(value.get("category_id"), "—")
        if levels and not value.get("decided"):
            category = " / ".join(f"{lv.get('name')} ({round(float(lv.get('confidence', 0)) * 100)}%)"
                                  for lv in levels)
        facts = [(_("Kind"), names["kind"].get(value.get("kind"), str(value.get("kind") or "—"))),
                 (_("Category"), category),
                 (_("Sector"), names["sector"].get(value.get("sector"), "—"))]
        alternatives = value.get("alternatives") or []
        if alternatives:
            facts.append((_("Alternatives"), ", ".join(
                f"{a.get('name') or a.get('label')} ({round(float(a.get('score', 0)) * 100)}%)"
                for a in alternatives[:3])))
        return facts
    if step == Step.URGENCY:
        facts = [(_("Urgency"), _choice_label(Urgency, value.get("urgency"))),
                 (_("Impact"), _choice_label(Impact, value.get("impact"))),
                 (_("Grade"), _choice_label(Grade, value.get("grade")))]
        if value.get("people"):
            facts.append((_("People affected"), str(value["people"])))
        if value.get("money_yuan"):
            facts.append((_("Amount (yuan)"), f"{float(value['money_yuan']):,.0f}"))
        if value.get("sensitive"):
            facts.append((_("Sensitive subject"), _("yes")))
        return facts
    if step == Step.EMERGENCY:
        if value.get("event"):
            return [(_("Emergency event"), str(value.get("event_name") or value["event"]))]
        return [(_("Emergency event"), _("none matches"))]
    if step == Step.DUPLICATES:
        facts = [(_("Earlier reports by the same reporter"), str(value.get("reporter_repeats") or 0)),
                 (_("Earlier reports about the same subject"), str(value.get("subject_repeats") or 0))]
        if value.get("merged_into") or value.get("merge_into"):
            facts.append((_("Merged into"), str(value.get("merged_into") or value.get("merge_into"))))
        elif "merge_into" in value:
            facts.append((_("Suggestions"), _("dismissed")))
        return facts
    if step == Step.VERIFIABILITY:
        facts = [(_("Verifiability"), _choice_label(Verifiability, value.get("class")))]
        missing = [MISSING_LABELS[m]() if m in MISSING_LABELS else str(m) for m in value.get("missing") or []]
        if missing:
            facts.append((_("Missing"), ", ".join(missing)))
        return facts
    if step == Step.COLLECTIVE_REVIEW:
        if not value.get("required"):
            return [(_("Collective review"), _("not required"))]
        reasons = [COLLECTIVE_REASON_LABELS[r]() if r in COLLECTIVE_REASON_LABELS else str(r)
                   for r in value.get("reasons") or []]
        return [(_("Collective review"), _("required")), (_("Why"), ", ".join(reasons) or "—")]
    return [(k, str(v)) for k, v in value.items()]


def _names(results: list[TriageResult]) -> dict[str, dict[Any, str]]:
    """Names for the ids and codes in the proposals, in three queries whatever the number of steps."""
    category_ids: set[int] = set()
    for r in results:
        for source in (r.proposal, r.decided_value or {}):
            if isinstance(source, dict) and source.get("category_id"):
                category_ids.add(int(source["category_id"]))
    return {
        "category": dict(Category.objects.filter(pk__in=category_ids).values_list("pk", "full_name")),
        "kind": dict(Kind.objects.values_list("code", "name")),
        "sector": dict(Sector.objects.values_list("code", "name")),
    }


def triage_results_for(case: Case) -> list[TriageResult]:
    """The results of the case's own (first) report, in pipeline order."""
    from .pipeline import primary_report

    report = primary_report(case)
    if report is None:
        return []
    results = {r.step: r for r in TriageResult.objects.filter(report=report).select_related("report", "decided_by")}
    return [results[s] for s in STEP_ORDER if s in results]


def displayed_value(result: TriageResult) -> dict[str, Any]:
    value = dict(result.proposal or {})
    if result.decision in (Decision.ACCEPTED, Decision.OVERRIDDEN, Decision.AUTOMATIC) and isinstance(
            result.decided_value, dict):
        value.update(result.decided_value)
        value["decided"] = True
    return value


def triage_panel(actor: Actor, case: Case, *, bound: Any = None) -> TriagePanel:
    """Everything the case page shows about triage; `bound` is a rejected override form to show again."""
    from .forms import override_form_for
    from .services import may_decide

    results = triage_results_for(case)
    summary = CaseTriage.objects.filter(case=case).select_related("emergency_event").first()
    names = _names(results)
    decide = may_decide(actor)
    rows = []
    for result in results:
        value = displayed_value(result)
        form = None
        if decide:
            form = bound if bound is not None and bound.step == result.step else override_form_for(result)
        rows.append(PanelRow(
            result=result, label=str(Step(result.step).label), facts=_facts(result.step, value, names),
            cues=[(str(c.get("text", "")), _(str(c.get("means", "")))) for c in result.cues if isinstance(c, dict)],
            confidence_percent=round(result.confidence * 100), confidence_words=confidence_words(result.confidence),
            value=value, override_form=form,
            extra={"suggestions": _suggestions_shown((result.proposal or {}).get("suggestions") or []),
                   "supplement_request": (result.proposal or {}).get("supplement_request") or ""},
        ))
    tracking = results[0].report.tracking_number if results else ""
    return TriagePanel(summary=summary, rows=rows, may_decide=decide, report_tracking_number=tracking)


def _suggestions_shown(suggestions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Reasons are stored as English message ids (language-neutral data); show them in the reader's language.
    return [{**s, "reasons": [_(str(reason)) for reason in s.get("reasons") or []]} for s in suggestions]


def transition_initial(case: Case) -> dict[str, dict[str, Any]]:
    """Starting values for the case's action forms, taken from the undecided triage proposals.

    Accept needs nothing here: the pipeline already put the proposals into the case's fields.
    """
    initial: dict[str, dict[str, Any]] = {
        "accept": {"category": case.category_id or "", "grade": case.grade, "urgency": case.urgency},
    }
    for result in triage_results_for(case):
        proposal = result.proposal or {}
        if result.decision != Decision.PROPOSED:
            continue
        if result.step == Step.SCOPE and proposal.get("in_scope") is False:
            initial["refuse"] = {"refusal_reason": proposal.get("refusal_reason", ""),
                                 "redirect_notice": proposal.get("redirect_notice", "")}
        elif result.step == Step.DUPLICATES and proposal.get("suggestions"):
            initial["merge"] = {"target": proposal["suggestions"][0].get("case", "")}
        elif result.step == Step.VERIFIABILITY and proposal.get("supplement_request"):
            initial["request_info"] = {"reason": proposal["supplement_request"]}
    return initial


def emergency_events() -> QuerySet[EmergencyEvent]:
    return EmergencyEvent.objects.select_related("declared_by", "ended_by").prefetch_related("regions", "categories")


def classifier_models() -> QuerySet[ClassifierModel]:
    return ClassifierModel.objects.defer("blob").select_related("trained_by").order_by("target", "-trained_at")
