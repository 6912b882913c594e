"""The triage pipeline: run every step on one report, store what each proposed, apply the automatic effects.

Steps only propose. The pipeline stores one TriageResult per report and step, keeps the case-level summary
(CaseTriage) that queues filter on, pre-fills a still-registered case with the proposals so the dispatcher's
accept form starts from them, and applies the only two effects nobody has to confirm: an emergency raises the
case to critical, and a near-certain duplicate is merged. Running it again replaces proposals nobody has
decided on and keeps every staff decision.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from importlib import import_module
from typing import Any

from django.db import transaction
from django.utils import timezone

from jubao.accounts.actors import Actor
from jubao.audit.chain import EventDraft, append_event
from jubao.audit.models import ActorKind
from jubao.cases.errors import CaseError
from jubao.cases.models import Case, CaseState, Grade, Impact, Report, Urgency, Verifiability
from jubao.cases.workflow import TRANSITIONS
from jubao.fastinsert import insert_one

from .models import CaseTriage, Decision, EmergencyEvent, Step, TriageResult, TriageStatus
from .steps import Cue, StepEarlier, StepOutcome, TriageInput

logger = logging.getLogger("jubao.triage")

StepFunction = Callable[[TriageInput, StepEarlier], StepOutcome]

# The order matters: each step sees the outcomes of the ones before it.
STEPS: tuple[tuple[str, str], ...] = (
    (Step.SCOPE, "jubao.triage.scope:scope_step"),
    (Step.CLASSIFICATION, "jubao.triage.classify:classification_step"),
    (Step.URGENCY, "jubao.triage.urgency:urgency_step"),
    (Step.EMERGENCY, "jubao.triage.emergency:emergency_step"),
    (Step.DUPLICATES, "jubao.duplicates.step:duplicates_step"),
    (Step.VERIFIABILITY, "jubao.triage.verifiability:verifiability_step"),
    (Step.COLLECTIVE_REVIEW, "jubao.triage.collective:collective_review_step"),
)
DUPLICATES_INDEX = "jubao.duplicates.services:duplicates_index"

URGENCY_ORDER: list[str] = [Urgency.NORMAL, Urgency.URGENT, Urgency.CRITICAL]
STAFF_DECISIONS = {Decision.ACCEPTED, Decision.OVERRIDDEN}
# The states in which a case is still being triaged.
TRIAGE_STATES = {CaseState.REGISTERED, CaseState.NEEDS_INFO}
TRIAGE_ACTOR = Actor.system("triage")


def _load(ref: str) -> Callable[..., Any]:
    module_name, _sep, name = ref.partition(":")
    return getattr(import_module(module_name), name)  # type: ignore[no-any-return]


def steps() -> list[tuple[str, StepFunction]]:
    return [(step, _load(ref)) for step, ref in STEPS]


# --- input ---------------------------------------------------------------------------------------
def primary_report(case: Case) -> Report | None:
    """The report a case was registered from: its triage is the case's triage."""
    return Report.objects.filter(case=case).order_by("created_at", "pk").first()


def triage_input(report: Report) -> TriageInput:
    """What the steps see: the report's text and facts, and keyed hashes instead of the reporter."""
    from jubao.attachments.models import Attachment

    keys: tuple[str, ...] = ()
    if report.identity_id is not None:
        from jubao.protection.models import ReporterIdentity

        row = ReporterIdentity.objects.filter(pk=report.identity_id).values("phone_hmac", "id_number_hmac").first()
        if row:
            keys = tuple(k for k in (row["phone_hmac"], row["id_number_hmac"]) if k)
    case = report.case
    return TriageInput(
        title=report.title, body=report.body, kind_code=str(report.kind_id), region_path=report.region.path,
        received_at=report.created_at, report_id=report.pk, case_id=case.pk, channel=report.channel,
        category_id=case.category_id, address=report.address, reported_subject=report.reported_subject,
        occurred_on=report.occurred_on, occurred_text=report.occurred_text,
        attachment_count=Attachment.objects.filter(report=report).count(), is_real_name=not report.is_anonymous,
        reporter_keys=keys, policy_pack_code=case.policy_pack.code,
        support_count=int(getattr(report, "support_count", 0) or 0),
    )


def outcome_from(result: TriageResult) -> StepOutcome:
    """A stored result as the outcome later steps expect (the decided value wins over the proposal)."""
    proposal = dict(result.proposal)
    if result.decision in STAFF_DECISIONS and isinstance(result.decided_value, dict):
        proposal.update(result.decided_value)
    cues = [Cue(text=c.get("text", ""), means=c.get("means", ""), weight=float(c.get("weight", 1.0)))
            for c in result.cues if isinstance(c, dict)]
    return StepOutcome(step=result.step, proposal=proposal, confidence=result.confidence, version=result.version,
                       cues=cues, needs_human=result.needs_human)


# --- the run -------------------------------------------------------------------------------------
def triage_report(report_id: int, *, now: datetime | None = None) -> None:
    """Triage one report: run the steps, store their results, update the case. Safe to run again."""
    now = now or timezone.now()
    with transaction.atomic():
        report = (Report.objects.select_related("case", "case__policy_pack", "region")
                  .filter(pk=report_id).first())
        if report is None:
            return
        # Serialise runs on one case (a re-run from an emergency declaration racing the first run).
        case = Case.objects.select_for_update().select_related("policy_pack").get(pk=report.case_id)
        report.case = case
        inp = triage_input(report)
        existing = {r.step: r for r in TriageResult.objects.filter(report=report)}
        outcomes: dict[str, StepOutcome] = {}
        for step, fn in steps():
            stored = existing.get(step)
            if stored is not None and stored.decision in STAFF_DECISIONS:
                # Later steps build on what staff decided, not on the machine's first guess.
                outcomes[step] = outcome_from(stored)
                continue
            outcomes[step] = fn(inp, outcomes)
        results = _store(report, case, outcomes, existing, now=now)
        _load(DUPLICATES_INDEX)(inp)
        if primary_report(case) != report:
            # A report merged into another case keeps its own results; the case's triage is its first report's.
            _audit_proposed(case, report, results, {}, now=now)
            return
        summary = _update_summary(case, results, now=now)
        prefilled = _prefill(case, results, summary)
        _raise_for_emergency(case, results, summary, now=now)
        _audit_proposed(case, report, results, prefilled, now=now)
        _auto_merge(case, results, now=now)
        _load("jubao.routing.services:routing_after_triage")(case, now=now)  # dispatch when triage and catalogue agree


def _store(report: Report, case: Case, outcomes: Mapping[str, StepOutcome], existing: dict[str, TriageResult],
           *, now: datetime) -> dict[str, TriageResult]:
    """Write every undecided step's result. A re-run replaces the undecided rows (delete + one INSERT),
    which is far cheaper than a per-field UPDATE of each."""
    results = dict(existing)
    fresh: list[TriageResult] = []
    replaced: list[int] = []
    for step, outcome in outcomes.items():
        stored = existing.get(step)
        if stored is not None and stored.decision in STAFF_DECISIONS:
            continue
        if stored is not None:
            replaced.append(stored.pk)
        results[step] = TriageResult(
            report=report, case=case, step=step, proposal=outcome.proposal, confidence=float(outcome.confidence),
            version=str(outcome.version)[:200], cues=[c.as_json() for c in outcome.cues],
            needs_human=bool(outcome.needs_human), decision=Decision.PROPOSED,
            created_at=stored.created_at if stored is not None else now, updated_at=now,
        )
        fresh.append(results[step])
    if replaced:
        TriageResult.objects.filter(pk__in=replaced).delete()
    TriageResult.objects.bulk_create(fresh)
    return results


def case_status(results: Mapping[str, TriageResult]) -> str:
    """Needs a person while any undecided proposal asks for one; confirmed once nothing is left undecided."""
    undecided = [r for r in results.values() if r.decision == Decision.PROPOSED]
    if any(r.needs_human for r in undecided):
        return TriageStatus.NEEDS_HUMAN
    return TriageStatus.PROPOSED if undecided else TriageStatus.CONFIRMED


def _value(result: TriageResult | None) -> dict[str, Any]:
    if result is None:
        return {}
    if result.decision in STAFF_DECISIONS and isinstance(result.decided_value, dict):
        return {**result.proposal, **result.decided_value}
    return dict(result.proposal)


def _update_summary(case: Case, results: Mapping[str, TriageResult], *, now: datetime) -> CaseTriage:
    summary, _created = CaseTriage.objects.select_for_update().get_or_create(case=case, defaults={"updated_at": now})
    # Once a dispatcher has accepted, refused or merged the case, triage is over whatever a re-run proposes.
    summary.status = (case_status(results) if case.state in TRIAGE_STATES else TriageStatus.CONFIRMED)
    collective = _value(results.get(Step.COLLECTIVE_REVIEW))
    summary.collective_review_required = bool(collective.get("required"))
    summary.collective_review_reasons = list(collective.get("reasons") or [])
    duplicates = _value(results.get(Step.DUPLICATES))
    summary.reporter_repeat_count = max(0, int(duplicates.get("reporter_repeats") or 0))
    summary.subject_repeat_count = max(0, int(duplicates.get("subject_repeats") or 0))
    summary.updated_at = now
    summary.save(update_fields=["status", "collective_review_required", "collective_review_reasons",
                                "reporter_repeat_count", "subject_repeat_count", "updated_at"])
    return summary


def _prefill(case: Case, results: Mapping[str, TriageResult], summary: CaseTriage) -> dict[str, Any]:
    """Put undecided proposals into a registered case's fields, so the accept form opens with them."""
    if case.state != CaseState.REGISTERED:
        return {}
    changes: dict[str, Any] = {}

    def undecided(step: str) -> dict[str, Any] | None:
        result = results.get(step)
        return dict(result.proposal) if result is not None and result.decision == Decision.PROPOSED else None

    if (classification := undecided(Step.CLASSIFICATION)) is not None:
        changes.update(_classification_fields(classification))
    if (urgency := undecided(Step.URGENCY)) is not None:
        if urgency.get("urgency") in Urgency.values:
            floor = Urgency.CRITICAL if summary.emergency_event_id else ""
            changes["urgency"] = _at_least(urgency["urgency"], floor)
        if urgency.get("impact") in Impact.values:
            changes["impact"] = urgency["impact"]
        if urgency.get("grade") in Grade.values:
            changes["grade"] = urgency["grade"]
    verifiability = undecided(Step.VERIFIABILITY)
    if verifiability is not None and verifiability.get("class") in Verifiability.values:
        changes["verifiability"] = verifiability["class"]
    changed = {name: value for name, value in changes.items() if getattr(case, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(case, name, value)
        case.save(update_fields=sorted(changed))
    return {name: value.pk if hasattr(value, "pk") else value for name, value in changed.items()}


def _classification_fields(proposal: Mapping[str, Any]) -> dict[str, Any]:
    from jubao.taxonomy.models import Category, Kind, Sector

    fields: dict[str, Any] = {}
    kind = proposal.get("kind")
    if kind and Kind.objects.filter(code=kind, is_active=True).exists():
        fields["kind_id"] = kind
    category_id = proposal.get("category_id")
    if category_id and (category := Category.objects.filter(pk=category_id, is_active=True).first()):
        fields["category"] = category
    sector = proposal.get("sector")
    if sector and (found := Sector.objects.filter(code=sector, is_active=True).first()):
        fields["sector"] = found
    return fields


def _at_least(level: str, floor: str) -> str:
    if floor in URGENCY_ORDER and URGENCY_ORDER.index(floor) > URGENCY_ORDER.index(level):
        return floor
    return level


def _raise_for_emergency(case: Case, results: Mapping[str, TriageResult], summary: CaseTriage,
                         *, now: datetime) -> None:
    result = results.get(Step.EMERGENCY)
    if result is None or result.decision in STAFF_DECISIONS:
        return
    urgency = results.get(Step.URGENCY)
    if urgency is not None and urgency.decision == Decision.OVERRIDDEN:
        return  # a person set the urgency by hand: the machine does not overrule them
    public_id = (result.proposal or {}).get("event")
    event = EmergencyEvent.objects.filter(public_id=public_id).first() if public_id else None
    if event is None:
        return
    raise_to_critical(case, event, summary, actor=TRIAGE_ACTOR, now=now)
    result.decision, result.decided_at, result.updated_at = Decision.AUTOMATIC, now, now
    result.save(update_fields=["decision", "decided_at", "updated_at"])
    # Raised automatically: the emergency step no longer waits for anybody.
    # Once a dispatcher has accepted, refused or merged the case, triage is over whatever a re-run proposes.
    summary.status = (case_status(results) if case.state in TRIAGE_STATES else TriageStatus.CONFIRMED)
    summary.save(update_fields=["status"])


def raise_to_critical(case: Case, event: EmergencyEvent, summary: CaseTriage, *, actor: Actor,
                      now: datetime) -> bool:
    """Flag the case with the event and raise it to critical (Case.urgency is data, not the state).

    Returns whether anything changed; raising twice for the same event writes nothing.
    """
    if summary.emergency_event_id == event.pk and case.urgency == Urgency.CRITICAL:
        return False
    previous = case.urgency
    summary.emergency_event = event
    summary.save(update_fields=["emergency_event"])
    if previous != Urgency.CRITICAL:
        case.urgency = Urgency.CRITICAL
        case.save(update_fields=["urgency"])
    append_event(EventDraft(
        kind="triage.emergency", case_id=case.pk, actor_kind=actor.kind, actor_id=actor.user_id,
        actor_label=actor.label,
        payload={"event": str(event.public_id), "event_name": event.name, "urgency": [previous, Urgency.CRITICAL]},
    ), now=now)
    return True


def _audit_proposed(case: Case, report: Report, results: Mapping[str, TriageResult], prefilled: dict[str, Any],
                    *, now: datetime) -> None:
    payload: dict[str, Any] = {
        "report": report.tracking_number,
        "steps": {step: {"version": r.version, "confidence": round(r.confidence, 3), "needs_human": r.needs_human,
                         "decision": r.decision} for step, r in sorted(results.items())},
    }
    if prefilled:
        payload["prefilled"] = prefilled
    append_event(EventDraft(kind="triage.proposed", case_id=case.pk, actor_kind=ActorKind.SYSTEM,
                            actor_label=TRIAGE_ACTOR.label, payload=payload), now=now)


def _auto_merge(case: Case, results: Mapping[str, TriageResult], *, now: datetime) -> None:
    result = results.get(Step.DUPLICATES)
    if result is None or result.decision != Decision.PROPOSED:
        return
    target = (result.proposal or {}).get("auto_merge_into")
    if not target or case.state not in TRANSITIONS["merge"].sources:
        return
    try:
        with transaction.atomic():
            from jubao.cases.services import case_transition

            case_transition(actor=TRIAGE_ACTOR, number=case.number, transition="merge",
                            reason="", data={"target": str(target)}, now=now)
            result.decision, result.decided_value = Decision.AUTOMATIC, {"merged_into": str(target)}
            result.decided_at = result.updated_at = now
            result.save(update_fields=["decision", "decided_value", "decided_at", "updated_at"])
    except CaseError as exc:
        # The target closed or vanished meanwhile: the suggestion stays for a person to judge.
        logger.info("triage auto-merge of %s skipped: %s", case.number, exc.message)
        return
    CaseTriage.objects.filter(case=case).update(status=case_status(results), updated_at=now)


# --- registration hook ------------------------------------------------------------------------------
def on_report_registered(report: Report) -> None:
    """Called inside the registration transaction: mark the case as waiting and run or queue its triage."""
    from django.conf import settings

    from jubao.jobs.services import job_enqueue

    # Registration always makes a new case, so there is no row to find first (this is the hottest write path).
    insert_one(CaseTriage(case_id=report.case_id, updated_at=report.created_at))
    if getattr(settings, "JUBAO_TRIAGE_INLINE", False):
        try:
            with transaction.atomic():
                triage_report(report.pk)
            return
        except Exception:  # triage must never lose a report: the job retries it
            logger.exception("inline triage failed; queued instead")
    # No dedupe key: a report is registered once, and the key's look-up and savepoint would cost this path
    # three more statements. Re-runs (`triage_run`, emergency sweeps) run directly or in jobs of their own.
    job_enqueue(kind="triage.run", payload={"report_id": report.pk})
