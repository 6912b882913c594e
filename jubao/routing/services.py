"""Dispatch from the catalogue: automatic when triage and the catalogue agree, otherwise a suggestion for a person.

After every triage run the pipeline calls `routing_after_triage`. It dispatches a still-registered case only when
every condition of `auto_dispatch_check` holds — within the remit, a classification at least as sure as
JUBAO_AUTO_DISPATCH_CONFIDENCE, no collective review, no duplicate waiting for a person, a grade to accept with,
and exactly one winning rule that names the case's category (a catch-all rule is a fallback for people, not a
reason to dispatch blind). It then fires the ordinary "accept" and "dispatch" transitions as the system actor
"routing" (each audits itself) and records which rule decided in a `routing.auto_dispatched` event.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.accounts.models import Role
from jubao.audit.chain import EventDraft, append_event
from jubao.cases.errors import CaseError, TransitionForbidden
from jubao.cases.models import Case, CaseState

from .catalogue import RoutingDecision, RoutingQuery, catalogue
from .explain import Explanation, decision_record, explain

logger = logging.getLogger("jubao.routing")

ROUTING_ACTOR = Actor.system("routing")
# Who may ask "who gets this and why" (the tool, the case-page panel, the API).
ROUTING_ROLES = frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN, Role.LEADERSHIP})
DEFAULT_CONFIDENCE = 0.85

EVENT_LABELS: dict[str, Callable[[], str]] = {
    "routing.auto_dispatched": lambda: _("Dispatched automatically from the dispatch catalogue"),
}


def may_use_routing(actor: Actor) -> bool:
    return actor.role in ROUTING_ROLES


def require_routing(actor: Actor) -> None:
    if not may_use_routing(actor):
        raise TransitionForbidden(_("Only dispatchers, supervisors, leadership and administrators may do this."))


def auto_dispatch_threshold() -> float:
    return float(getattr(settings, "JUBAO_AUTO_DISPATCH_CONFIDENCE", DEFAULT_CONFIDENCE))


# --- deciding ------------------------------------------------------------------------------------------
def query_for_case(case: Case, *, on: date | None = None) -> RoutingQuery:
    sector = case.sector.code if case.sector_id and case.sector else ""
    return RoutingQuery(category_id=case.category_id, sector=sector, region_path=case.region_path,
                        kind=str(case.kind_id or ""), on=on)


def routing_decide(query: RoutingQuery) -> tuple[RoutingDecision, Explanation]:
    snapshot = catalogue()
    decision = snapshot.decide(query)
    return decision, explain(decision, snapshot)


def routing_for_case(case: Case, *, on: date | None = None) -> Explanation:
    return routing_decide(query_for_case(case, on=on))[1]


@dataclass
class AutoDispatchCheck:
    explanation: Explanation
    threshold: float
    confidence: float | None = None
    blockers: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.blockers


def _triage_values(case: Case) -> dict[str, tuple[dict[str, Any], float, bool, bool]]:
    """step → (value, confidence, needs_human, decided by staff) for the case's own report."""
    from jubao.triage.models import Decision
    from jubao.triage.selectors import displayed_value, triage_results_for

    staff = {Decision.ACCEPTED, Decision.OVERRIDDEN}
    return {r.step: (displayed_value(r), float(r.confidence), bool(r.needs_human), r.decision in staff)
            for r in triage_results_for(case)}


def auto_dispatch_check(case: Case, *, on: date | None = None) -> AutoDispatchCheck:
    """Whether the case may be dispatched without a person, and if not, every reason why not."""
    from jubao.triage.models import CaseTriage, Decision, Step

    threshold = auto_dispatch_threshold()
    explanation = routing_for_case(case, on=on)
    check = AutoDispatchCheck(explanation=explanation, threshold=threshold)
    blockers = check.blockers
    if case.state != CaseState.REGISTERED:
        blockers.append(_("The case is no longer waiting to be accepted."))
    steps = _triage_values(case)
    scope = steps.get(Step.SCOPE)
    if scope is None or scope[0].get("in_scope") is not True:
        blockers.append(_("Triage has not found the case to be within the remit."))
    classification = steps.get(Step.CLASSIFICATION)
    if classification is None or not classification[0].get("category_id"):
        blockers.append(_("Triage proposed no category."))
    else:
        value, confidence, _needs_human, decided = classification
        check.confidence = 1.0 if decided else confidence
        if check.confidence < threshold:
            blockers.append(_("The classification is %(confidence)d%% sure; automatic dispatch needs %(threshold)d%%.")
                            % {"confidence": round(check.confidence * 100), "threshold": round(threshold * 100)})
        if int(value["category_id"]) != case.category_id:
            blockers.append(_("The case's category differs from the one triage proposed."))
    summary = CaseTriage.objects.filter(case=case).first()
    if summary is not None and summary.collective_review_required:
        blockers.append(_("Collective review (集体研判) is required before the case moves on."))
    duplicates = steps.get(Step.DUPLICATES)
    if duplicates is not None:
        from jubao.triage.models import TriageResult

        undecided = TriageResult.objects.filter(case=case, step=Step.DUPLICATES, decision=Decision.PROPOSED)
        if duplicates[2] or (duplicates[0].get("suggestions") and undecided.exists()):
            blockers.append(_("Possible duplicates wait for a person to judge them."))
    if not case.grade:
        blockers.append(_("No grade was proposed, so the case cannot be accepted automatically."))
    decision = explanation.decision
    if decision.winner is None:
        blockers.append(_("No rule of the dispatch catalogue matches."))
    elif decision.ambiguous:
        blockers.append(_("Rules of the dispatch catalogue conflict."))
    elif decision.winner.category_id is None:
        blockers.append(_("Only a rule for any category matches; the catalogue does not confirm the category."))
    return check


# --- dispatching ---------------------------------------------------------------------------------------
def routing_after_triage(case: Case, *, now: datetime | None = None) -> bool:
    """Called at the end of every triage run, inside its transaction: dispatch automatically if allowed.

    Returns whether the case was dispatched. A refusal by a guard leaves the case for a person.
    """
    from jubao.cases.services import case_transition

    now = now or timezone.now()
    fresh = Case.objects.select_for_update(of=("self",)).select_related("sector").filter(pk=case.pk).first()
    if fresh is None or fresh.state != CaseState.REGISTERED:
        return False
    case = fresh
    check = auto_dispatch_check(case, on=timezone.localtime(now).date())
    winner = check.explanation.decision.unique_winner
    if not check.allowed or winner is None:
        return False
    try:
        with transaction.atomic():
            case_transition(actor=ROUTING_ACTOR, number=case.number, transition="accept",
                            data={"category": case.category_id, "grade": case.grade, "urgency": case.urgency},
                            now=now)
            case_transition(actor=ROUTING_ACTOR, number=case.number, transition="dispatch",
                            data={"department": winner.lead.code, "co_departments": [d.code for d in winner.co]},
                            now=now)
            append_event(EventDraft(
                kind="routing.auto_dispatched", case_id=case.pk, actor_kind=ROUTING_ACTOR.kind,
                actor_label=ROUTING_ACTOR.label,
                payload={**decision_record(check.explanation.decision),
                         "confidence": round(check.confidence or 0.0, 3), "threshold": check.threshold},
            ), now=now)
    except CaseError as exc:
        logger.info("automatic dispatch of %s skipped: %s", case.number, exc.message)
        return False
    return True


def dispatch_rule_record(*, actor: Actor, rule: Any, action: str) -> None:
    """An administrator's change to the dispatch catalogue, in the audit trail (the admin is where rules are edited)."""
    append_event(EventDraft(
        kind=f"routing.rule_{action}", actor_kind=actor.kind, actor_id=actor.user_id, actor_label=actor.label,
        payload={
            "rule": rule.pk, "category": rule.category_id, "region": rule.region.code if rule.region_id else None,
            "sector": rule.sector_id, "kind": rule.kind_id, "lead_department": rule.lead_department.code,
            "co_departments": sorted(d.code for d in rule.co_departments.all()) if rule.pk else [],
            "priority": rule.priority, "is_active": rule.is_active,
            "effective_from": rule.effective_from.isoformat() if rule.effective_from else None,
            "effective_to": rule.effective_to.isoformat() if rule.effective_to else None,
        },
    ), now=timezone.now())
