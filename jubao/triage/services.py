"""Staff decisions on triage proposals, and emergency events. Views and the API call these and nothing else.

Every decision is logged with the old and new value; decisions on classification become training examples
(one per report and target, the latest wins), so the next model learns from what staff corrected.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.accounts.models import Role
from jubao.audit.chain import EventDraft, append_event
from jubao.cases.errors import CaseNotFound, TransitionForbidden, TransitionRejected
from jubao.cases.models import Case, CaseState, Grade, Impact, RefusalReason, Report, Urgency, Verifiability
from jubao.cases.selectors import case_get_for
from jubao.organisation.models import Region
from jubao.taxonomy.models import Category, Kind, Sector

from .models import (
    CaseTriage,
    ClassifierTarget,
    Decision,
    EmergencyEvent,
    ExampleSource,
    Step,
    TrainingExample,
    TriageResult,
    TriageStatus,
)
from .pipeline import case_status, primary_report, raise_to_critical

logger = logging.getLogger("jubao.triage")

DECIDER_ROLES = frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN})
# Classification decided before dispatch changes the case; afterwards it only teaches the next model.
BEFORE_DISPATCH = frozenset({CaseState.REGISTERED, CaseState.NEEDS_INFO, CaseState.ACCEPTED})
OPEN_STATES = frozenset(set(CaseState.values) - {CaseState.CLOSED, CaseState.ARCHIVED, CaseState.REFUSED,
                                                 CaseState.MERGED})
COLLECTIVE_REASONS = ("top_leader", "collective_assets", "election")

EVENT_LABELS: dict[str, Callable[[], str]] = {
    "triage.proposed": lambda: _("Triage proposals ready"),
    "triage.accepted": lambda: _("Triage proposal accepted"),
    "triage.overridden": lambda: _("Triage proposal overridden"),
    "triage.emergency": lambda: _("Raised to critical by an emergency event"),
}


def may_decide(actor: Actor) -> bool:
    return actor.role in DECIDER_ROLES


# --- finding the result ---------------------------------------------------------------------------
def _resolve(actor: Actor, ref: str, *, for_update: bool = True) -> tuple[Case, Report]:
    """A report's public id or a case number, as the actor may see it (missing and forbidden look alike)."""
    if actor.user is None:
        raise CaseNotFound(_("No case with that number was found."))
    report: Report | None = None
    number = ref
    try:
        public_id = uuid.UUID(str(ref))
    except ValueError:
        pass
    else:
        report = Report.objects.select_related("case").filter(public_id=public_id).first()
        if report is None:
            raise CaseNotFound(_("No case with that number was found."))
        number = report.case.number
    case = case_get_for(actor.user, number, for_update=for_update)
    if report is None:
        report = primary_report(case)
    elif report.case_id != case.pk:
        raise CaseNotFound(_("No case with that number was found."))
    if report is None:
        raise CaseNotFound(_("No case with that number was found."))
    return case, report


def _result(report: Report, step: str) -> TriageResult:
    if step not in Step.values:
        raise TransitionRejected(_("Unknown triage step."), field="step")
    result = TriageResult.objects.select_for_update().filter(report=report, step=step).first()
    if result is None:
        raise TransitionRejected(_("Triage has not proposed anything for this step yet."), field="step")
    return result


def _require_decider(actor: Actor) -> None:
    if not may_decide(actor):
        raise TransitionForbidden(_("Only dispatchers, supervisors and administrators decide on triage proposals."))


# --- checking an override -------------------------------------------------------------------------
def _choice(value: Mapping[str, Any], name: str, choices: Iterable[str], *, required: bool = True) -> str:
    raw = str(value.get(name) or "").strip()
    if not raw and not required:
        return ""
    if raw not in set(choices):
        raise TransitionRejected(_("Choose one of the listed options."), field=name)
    return raw


def _flag(value: Mapping[str, Any], name: str) -> bool:
    raw = value.get(name)
    return raw is True or str(raw).lower() in {"1", "true", "yes", "on"}


def _clean_classification(value: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if value.get("kind"):
        if not Kind.objects.filter(code=str(value["kind"]), is_active=True).exists():
            raise TransitionRejected(_("Choose one of the listed options."), field="kind")
        cleaned["kind"] = str(value["kind"])
    raw_category = value.get("category_id", value.get("category"))
    if raw_category not in (None, ""):
        category = (Category.objects.filter(pk=int(raw_category), is_active=True).first()
                    if str(raw_category).isdigit() else None)
        if category is None:
            raise TransitionRejected(_("Choose a category from the list."), field="category_id")
        cleaned["category_id"] = category.pk
    if value.get("sector"):
        if not Sector.objects.filter(code=str(value["sector"]), is_active=True).exists():
            raise TransitionRejected(_("Choose one of the listed options."), field="sector")
        cleaned["sector"] = str(value["sector"])
    if not cleaned:
        raise TransitionRejected(_("Choose at least a kind, a category or a sector."), field="category_id")
    return cleaned


def _clean_urgency(value: Mapping[str, Any]) -> dict[str, Any]:
    return {"urgency": _choice(value, "urgency", Urgency.values), "impact": _choice(value, "impact", Impact.values),
            "grade": _choice(value, "grade", Grade.values)}


def _clean_scope(value: Mapping[str, Any]) -> dict[str, Any]:
    if _flag(value, "in_scope"):
        return {"in_scope": True, "refusal_reason": "", "redirect_notice": ""}
    return {"in_scope": False, "refusal_reason": _choice(value, "refusal_reason", RefusalReason.values),
            "redirect_notice": str(value.get("redirect_notice") or "").strip()}


def _clean_verifiability(value: Mapping[str, Any]) -> dict[str, Any]:
    return {"class": _choice(value, "class", Verifiability.values)}


def _clean_emergency(value: Mapping[str, Any]) -> dict[str, Any]:
    raw = str(value.get("event") or "").strip()
    if not raw:
        return {"event": None, "event_name": ""}
    try:
        event = EmergencyEvent.objects.filter(public_id=uuid.UUID(raw)).first()
    except ValueError:
        event = None
    if event is None:
        raise TransitionRejected(_("Choose one of the listed options."), field="event")
    return {"event": str(event.public_id), "event_name": event.name}


def _clean_duplicates(value: Mapping[str, Any]) -> dict[str, Any]:
    target = str(value.get("merge_into") or "").strip()
    return {"merge_into": target or None}


def _clean_collective(value: Mapping[str, Any]) -> dict[str, Any]:
    reasons = value.get("reasons") or []
    if isinstance(reasons, str):
        reasons = [r for r in reasons.split(",") if r]
    if any(r not in COLLECTIVE_REASONS for r in reasons):
        raise TransitionRejected(_("Choose one of the listed options."), field="reasons")
    required = _flag(value, "required") or bool(reasons)
    return {"required": required, "reasons": list(reasons) if required else []}


CLEANERS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    Step.SCOPE: _clean_scope,
    Step.CLASSIFICATION: _clean_classification,
    Step.URGENCY: _clean_urgency,
    Step.EMERGENCY: _clean_emergency,
    Step.DUPLICATES: _clean_duplicates,
    Step.VERIFIABILITY: _clean_verifiability,
    Step.COLLECTIVE_REVIEW: _clean_collective,
}


def _accepted_value(result: TriageResult) -> dict[str, Any]:
    """What accepting the proposal means, in the same shape an override gives."""
    proposal = dict(result.proposal or {})
    if result.step == Step.CLASSIFICATION:
        return {k: proposal[k] for k in ("kind", "category_id", "sector") if proposal.get(k) not in (None, "")}
    if result.step == Step.DUPLICATES:
        suggestions = proposal.get("suggestions") or []
        target = proposal.get("auto_merge_into") or (suggestions[0].get("case") if suggestions else None)
        return {"merge_into": target}
    return proposal


# --- applying a decision ---------------------------------------------------------------------------
def _apply(actor: Actor, case: Case, report: Report, result: TriageResult, value: dict[str, Any], *,
           source: str, reason: str, now: datetime) -> None:
    from jubao.cases.services import case_transition

    step = result.step
    if step == Step.CLASSIFICATION:
        _apply_classification(actor, case, report, value, source=source, now=now)
    elif step == Step.URGENCY:
        _set_case(case, urgency=value.get("urgency"), impact=value.get("impact"), grade=value.get("grade"))
    elif step == Step.VERIFIABILITY:
        _set_case(case, verifiability=value.get("class"))
    elif step == Step.SCOPE and value.get("in_scope") is False:
        # Nothing is refused automatically: the refusal is this person's transition, with its own checks.
        case_transition(actor=actor, number=case.number, transition="refuse",
                        reason=reason or str(RefusalReason(value["refusal_reason"]).label),
                        data={"refusal_reason": value["refusal_reason"],
                              "redirect_notice": value.get("redirect_notice", "")}, now=now)
    elif step == Step.DUPLICATES and value.get("merge_into"):
        case_transition(actor=actor, number=case.number, transition="merge", reason=reason,
                        data={"target": value["merge_into"]}, now=now)
    elif step == Step.EMERGENCY:
        summary = _summary(case, now)
        event_id = value.get("event")
        event = EmergencyEvent.objects.filter(public_id=event_id).first() if event_id else None
        if event is not None:
            raise_to_critical(case, event, summary, actor=actor, now=now)
        elif summary.emergency_event_id is not None:
            summary.emergency_event = None
            summary.save(update_fields=["emergency_event"])
    elif step == Step.COLLECTIVE_REVIEW:
        summary = _summary(case, now)
        summary.collective_review_required = bool(value.get("required"))
        summary.collective_review_reasons = list(value.get("reasons") or [])
        summary.save(update_fields=["collective_review_required", "collective_review_reasons"])


def _set_case(case: Case, **values: Any) -> None:
    changed = [name for name, value in values.items() if value not in (None, "") and getattr(case, name) != value]
    for name in changed:
        setattr(case, name, values[name])
    if changed:
        case.save(update_fields=changed)


def _apply_classification(actor: Actor, case: Case, report: Report, value: Mapping[str, Any], *, source: str,
                          now: datetime) -> None:
    if case.state in BEFORE_DISPATCH:
        fields: dict[str, Any] = {}
        if value.get("kind"):
            fields["kind_id"] = value["kind"]
        if value.get("category_id"):
            fields["category_id"] = int(value["category_id"])
        if value.get("sector"):
            fields["sector_id"] = Sector.objects.values_list("pk", flat=True).get(code=value["sector"])
        _set_case(case, **fields)
    labels = {ClassifierTarget.KIND: value.get("kind"), ClassifierTarget.CATEGORY: value.get("category_id"),
              ClassifierTarget.SECTOR: value.get("sector")}
    for target, label in labels.items():
        if label not in (None, ""):
            training_example_record(report=report, target=target, label=str(label), source=source,
                                    user=actor.user, now=now)


def training_example_record(*, report: Report, target: str, label: str, source: str, user: Any,
                            now: datetime) -> TrainingExample:
    """One labelled text per report and target: the latest decision replaces an earlier one.

    Labels are kind codes, category ids (as text) and sector codes.
    """
    example, _created = TrainingExample.objects.update_or_create(
        report=report, target=target,
        defaults={"label": label, "title": report.title, "body": report.body, "source": source,
                  "created_by": user, "created_at": now},
    )
    return example


def _summary(case: Case, now: datetime) -> CaseTriage:
    summary, _created = CaseTriage.objects.select_for_update().get_or_create(case=case, defaults={"updated_at": now})
    return summary


def _decide(*, actor: Actor, ref: str, step: str, value: Mapping[str, Any] | None, reason: str,
            now: datetime | None) -> TriageResult:
    _require_decider(actor)
    now = now or timezone.now()
    case, report = _resolve(actor, ref)
    result = _result(report, step)
    overriding = value is not None
    cleaned = CLEANERS[step](value or {}) if overriding else _accepted_value(result)
    if step == Step.DUPLICATES and not overriding and not cleaned.get("merge_into"):
        raise TransitionRejected(_("There is no suggested case to merge into."), field="merge_into")
    old = result.decided_value if result.decision in (Decision.ACCEPTED, Decision.OVERRIDDEN) else result.proposal
    source = ExampleSource.OVERRIDE if overriding else ExampleSource.CONFIRMED
    _apply(actor, case, report, result, cleaned, source=source, reason=reason.strip(), now=now)

    result.decision = Decision.OVERRIDDEN if overriding else Decision.ACCEPTED
    result.decided_value, result.decided_by, result.decided_at, result.updated_at = cleaned, actor.user, now, now
    result.save(update_fields=["decision", "decided_value", "decided_by", "decided_at", "updated_at"])
    if primary_report(case) == report:
        summary = _summary(case, now)
        summary.status = case_status({r.step: r for r in TriageResult.objects.filter(report=report)})
        summary.updated_at = now
        summary.save(update_fields=["status", "updated_at"])
    append_event(EventDraft(
        kind="triage.overridden" if overriding else "triage.accepted", case_id=case.pk, actor_kind=actor.kind,
        actor_id=actor.user_id, actor_label=actor.label, reason=reason.strip(),
        payload={"report": report.tracking_number, "step": step, "old": old, "new": cleaned,
                 "version": result.version, "confidence": round(result.confidence, 3)},
    ), now=now)
    return result


@transaction.atomic
def triage_accept(*, actor: Actor, report_public_id_or_case_number: str, step: str, reason: str = "",
                  now: datetime | None = None) -> TriageResult:
    """Accept a step's proposal as it stands (for duplicates: merge into the top suggestion)."""
    return _decide(actor=actor, ref=report_public_id_or_case_number, step=step, value=None, reason=reason, now=now)


@transaction.atomic
def triage_override(*, actor: Actor, report_public_id_or_case_number: str, step: str, value: Mapping[str, Any],
                    reason: str = "", now: datetime | None = None) -> TriageResult:
    """Replace a step's proposal with the person's own value (for duplicates: merge elsewhere or dismiss)."""
    return _decide(actor=actor, ref=report_public_id_or_case_number, step=step, value=value, reason=reason, now=now)


@transaction.atomic
def triage_request_supplement(*, actor: Actor, report_public_id_or_case_number: str,
                              now: datetime | None = None) -> Case:
    """Send the one consolidated request for the missing essentials through the request_info transition."""
    from jubao.cases.services import case_transition

    case, report = _resolve(actor, report_public_id_or_case_number)
    result = _result(report, Step.VERIFIABILITY)
    text = str((result.proposal or {}).get("supplement_request") or "").strip()
    if not text:
        raise TransitionRejected(_("Nothing is missing from this report."), field="reason")
    return case_transition(actor=actor, number=case.number, transition="request_info", reason=text, now=now)


def on_case_transition(case: Case, transition: str, actor: Actor) -> None:
    """A dispatcher accepting the case confirms its classification: that is training data too. A refused or
    merged case leaves triage for good, so it no longer waits in (or for) the human queue."""
    if transition in {"refuse", "merge"}:
        CaseTriage.objects.filter(case=case).exclude(status=TriageStatus.CONFIRMED).update(
            status=TriageStatus.CONFIRMED, updated_at=case.state_changed_at)
        return
    if transition != "accept":
        return
    report = primary_report(case)
    # Only a person's acceptance confirms a classification; the system accepting its own proposal
    # (automatic dispatch) would teach the model its own guesses.
    if report is None or actor.user is None:
        CaseTriage.objects.filter(case=case).exclude(status=TriageStatus.CONFIRMED).update(
            status=TriageStatus.CONFIRMED, updated_at=case.state_changed_at)
        return
    now = case.state_changed_at
    decided = TriageResult.objects.filter(report=report, step=Step.CLASSIFICATION,
                                          decision=Decision.OVERRIDDEN).exists()
    if not decided:
        labels = {ClassifierTarget.KIND: case.kind_id, ClassifierTarget.CATEGORY: case.category_id,
                  ClassifierTarget.SECTOR: case.sector.code if case.sector_id and case.sector else None}
        for target, label in labels.items():
            if label not in (None, ""):
                training_example_record(report=report, target=target, label=str(label),
                                        source=ExampleSource.CONFIRMED, user=None, now=now)
    CaseTriage.objects.filter(case=case).exclude(status=TriageStatus.CONFIRMED).update(
        status=TriageStatus.CONFIRMED, updated_at=now)


# --- emergency events -------------------------------------------------------------------------------
def _require_admin(actor: Actor) -> None:
    if actor.role != Role.ADMIN:
        raise TransitionForbidden(_("Only administrators declare and end emergency events."))


@transaction.atomic
def emergency_declare(*, actor: Actor, name: str, description: str = "", region_ids: Iterable[int] = (),
                      category_ids: Iterable[int] = (), cue_words: str = "", starts_at: datetime | None = None,
                      ends_at: datetime | None = None, now: datetime | None = None) -> EmergencyEvent:
    """Declare an event; open cases that match are raised by a job, new reports by their triage."""
    _require_admin(actor)
    now = now or timezone.now()
    starts_at = starts_at or now
    name = (name or "").strip()
    if not name:
        raise TransitionRejected(_("This field is required."), field="name")
    if timezone.is_naive(starts_at) or (ends_at is not None and timezone.is_naive(ends_at)):
        raise TransitionRejected(_("Give a date and time."), field="starts_at")
    if ends_at is not None and ends_at <= starts_at:
        raise TransitionRejected(_("The planned end must be after the start."), field="ends_at")
    regions = list(Region.objects.filter(pk__in=list(region_ids)))
    categories = list(Category.objects.filter(pk__in=list(category_ids), is_active=True))
    words = "\n".join(line.strip() for line in (cue_words or "").splitlines() if line.strip())
    if not words and not categories:
        raise TransitionRejected(_("Give cue words or categories, so that not every report matches."),
                                 field="cue_words")
    event = EmergencyEvent.objects.create(name=name[:100], description=(description or "").strip(),
                                          cue_words=words, starts_at=starts_at, ends_at=ends_at,
                                          declared_by=actor.user, created_at=now)
    event.regions.set(regions)
    event.categories.set(categories)
    append_event(EventDraft(
        kind="triage.emergency_declared", actor_kind=actor.kind, actor_id=actor.user_id, actor_label=actor.label,
        payload={"event": str(event.public_id), "name": event.name, "regions": [r.code for r in regions],
                 "categories": [c.pk for c in categories], "cue_words": event.cue_lines(),
                 "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat() if ends_at else None},
    ), now=now)
    if getattr(settings, "JUBAO_TRIAGE_INLINE", False):
        emergency_sweep(event.pk, now=now)
    else:
        from jubao.jobs.services import job_enqueue

        job_enqueue(kind="triage.emergency_sweep", payload={"event_id": event.pk},
                    dedupe_key=f"triage.emergency_sweep:{event.pk}")
    return event


@transaction.atomic
def emergency_end(*, actor: Actor, event: EmergencyEvent, now: datetime | None = None) -> EmergencyEvent:
    """End the event: no further raises. Cases already raised keep their urgency and the flag."""
    _require_admin(actor)
    now = now or timezone.now()
    locked = EmergencyEvent.objects.select_for_update().get(pk=event.pk)
    if locked.ended_at is not None:
        raise TransitionRejected(_("This event has already ended."))
    locked.ended_at, locked.ended_by = now, actor.user
    locked.save(update_fields=["ended_at", "ended_by"])
    append_event(EventDraft(
        kind="triage.emergency_ended", actor_kind=actor.kind, actor_id=actor.user_id, actor_label=actor.label,
        payload={"event": str(locked.public_id), "name": locked.name},
    ), now=now)
    return locked


def emergency_sweep(event_id: int, *, now: datetime | None = None) -> int:
    """Re-run the emergency step on open cases in the event's regions; returns how many were raised."""
    from .pipeline import STEPS, _load, outcome_from, triage_input

    event = EmergencyEvent.objects.filter(pk=event_id, ended_at__isnull=True).first()
    ref = dict(STEPS).get(Step.EMERGENCY)
    step_fn = _load(ref) if ref else None
    if event is None or step_fn is None:
        return 0
    now = now or timezone.now()
    cases = Case.objects.filter(state__in=OPEN_STATES).exclude(triage__emergency_event=event)
    region_paths = list(event.regions.values_list("path", flat=True))
    if region_paths:
        from django.db.models import Q

        match = Q()
        for path in region_paths:
            match |= Q(region_path__startswith=path)
        cases = cases.filter(match)
    raised = 0
    for case_id in cases.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            case = Case.objects.select_for_update().select_related("policy_pack").get(pk=case_id)
            report = primary_report(case)
            if report is None:
                continue
            report.case = case
            earlier = {r.step: outcome_from(r) for r in TriageResult.objects.filter(report=report)}
            inp = triage_input(report)
            # The question is whether the case is inside the emergency now, not when it was received.
            inp = replace(inp, received_at=max(inp.received_at, now))
            outcome = step_fn(inp, earlier)
            if (outcome.proposal or {}).get("event") != str(event.public_id):
                continue
            summary = _summary(case, now)
            if raise_to_critical(case, event, summary, actor=Actor.system("triage"), now=now):
                raised += 1
            values = {"case": case, "proposal": outcome.proposal, "confidence": float(outcome.confidence),
                      "version": str(outcome.version)[:60], "cues": [c.as_json() for c in outcome.cues],
                      "needs_human": bool(outcome.needs_human), "decision": Decision.AUTOMATIC,
                      "decided_at": now, "updated_at": now}
            TriageResult.objects.update_or_create(report=report, step=Step.EMERGENCY, defaults=values,
                                                  create_defaults={**values, "created_at": now})
    logger.info("emergency %s raised %d open case(s)", event.public_id, raised)
    return raised
