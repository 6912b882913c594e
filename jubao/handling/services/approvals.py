"""Requests that wait for a superior: extensions (延期) and conclusions of complex and major cases."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.accounts.models import Role
from jubao.cases.errors import TransitionForbidden, TransitionRejected
from jubao.cases.models import Case, CaseState, Finding, Grade
from jubao.cases.services import case_transition
from jubao.deadlines.models import Stage
from jubao.deadlines.services import deadline_can_extend

from ..models import ConclusionDraft, ExtensionRequest, MaliciousAccusationFinding, RequestStatus
from .common import (
    audit,
    in_default_language,
    locked_case,
    notify,
    require_not_recused,
    require_role,
    require_text,
)

MIN_REASON_CHARS = 10
MIN_FACTS_CHARS = 20
MIN_MEASURES_CHARS = 10
# Packs whose extensions are approved above the department (the pack's code → the approving role).
# 信访工作条例 §35 leaves it to the handling organ's own head (the default); 纪检监察 extensions are approved above it.
EXTENSION_APPROVER = {"jijian-2020": Role.SUPERVISOR}
NEEDS_APPROVAL = (Grade.COMPLEX, Grade.MAJOR)
APPROVER_ROLES = (Role.DEPARTMENT_HEAD, Role.SUPERVISOR, Role.ADMIN)


def extension_approver_role(case: Case) -> str:
    return EXTENSION_APPROVER.get(case.policy_pack.code, Role.DEPARTMENT_HEAD)


def _require_lead_department(actor: Actor, case: Case) -> None:
    if actor.department_id is None or actor.department_id != case.lead_department_id:
        raise TransitionForbidden(_("Only the lead department can do this."))


# --- extensions --------------------------------------------------------------------------------------------
@transaction.atomic
def extension_request(*, actor: Actor, number: str, reason: str, now: datetime | None = None) -> ExtensionRequest:
    now = now or timezone.now()
    require_role(actor, Role.HANDLER, Role.DEPARTMENT_HEAD)
    case = locked_case(actor, number)
    _require_lead_department(actor, case)
    require_not_recused(actor, case)
    if case.state != CaseState.IN_PROGRESS:
        raise TransitionRejected(_("An extension can be requested only while the case is in progress."))
    if not deadline_can_extend(case, Stage.CONCLUSION):
        raise TransitionRejected(
            _("No extension is possible: the deadline was already extended once, or the policy pack allows none."))
    if ExtensionRequest.objects.filter(case=case, status=RequestStatus.PENDING).exists():
        raise TransitionRejected(_("An extension request is already waiting for approval."))
    reason = require_text(reason, "reason", MIN_REASON_CHARS,
                          _("Explain why more time is needed (at least %(n)d characters)."))
    # locked_case refuses an actor without a user; _require_lead_department a case without a lead department.
    assert actor.user is not None and case.lead_department_id is not None
    request = ExtensionRequest.objects.create(case=case, department_id=case.lead_department_id, reason=reason,
                                              requested_by=actor.user, requested_at=now)
    audit(case, actor, "handling.extension_requested", now=now, reason=reason)
    approver = extension_approver_role(case)
    audience = ({"role": Role.DEPARTMENT_HEAD, "department_id": case.lead_department_id}
                if approver == Role.DEPARTMENT_HEAD else {"role": approver, "covering_path": case.region_path})
    notify(case, "case.approval_awaited", in_default_language(
        lambda: _("An extension of case %(number)s awaits your approval") % {"number": case.number}),
        audience=audience)
    return request


@transaction.atomic
def extension_decide(*, actor: Actor, number: str, approve: bool, note: str = "",
                     now: datetime | None = None) -> ExtensionRequest:
    now = now or timezone.now()
    case = locked_case(actor, number)
    approver = extension_approver_role(case)
    if actor.role not in (approver, Role.ADMIN):
        raise TransitionForbidden(_("Only the approver this case's policy pack names may decide an extension."))
    if approver == Role.DEPARTMENT_HEAD:
        _require_lead_department(actor, case)
    require_not_recused(actor, case)
    request = ExtensionRequest.objects.select_for_update().filter(case=case, status=RequestStatus.PENDING).first()
    if request is None:
        raise TransitionRejected(_("No extension request is waiting on this case."))
    note = (note or "").strip()
    if approve:
        case_transition(actor=actor, number=case.number, transition="extend", reason=request.reason, now=now)
    elif len(note) < 4:
        raise TransitionRejected(_("Say why the extension is refused."), field="note")
    request.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    request.decided_by, request.decided_at, request.decision_note = actor.user, now, note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if not approve:
        audit(case, actor, "handling.extension_refused", now=now, reason=note)
    notify(case, "case.approval_decided", in_default_language(
        lambda: (_("Extension of case %(number)s approved") if approve
                 else _("Extension of case %(number)s refused")) % {"number": case.number}),
        user=request.requested_by)
    return request


def require_pack_approver(ctx) -> None:  # type: ignore[no-untyped-def]
    """Extensions are approved at the level the policy pack requires (the department head by default)."""
    approver = extension_approver_role(ctx.case)
    if ctx.actor.kind == "staff" and ctx.actor.role not in (approver, Role.ADMIN):
        raise TransitionRejected(
            _("Under this case's policy pack an extension is approved by: %(role)s.")
            % {"role": Role(approver).label})


def record_direct_extension(ctx) -> None:  # type: ignore[no-untyped-def]
    """An approver who extends without a pending request (e.g. through the API) still leaves a request row,
    so that extensions are counted per department whichever way they were made."""
    if ExtensionRequest.objects.filter(case=ctx.case, status=RequestStatus.PENDING).exists():
        return
    ExtensionRequest.objects.create(
        case=ctx.case, department_id=ctx.case.lead_department_id, reason=ctx.reason, requested_by=ctx.actor.user,
        requested_at=ctx.now, status=RequestStatus.APPROVED, decided_by=ctx.actor.user, decided_at=ctx.now)


# --- conclusions -------------------------------------------------------------------------------------------
def compose_conclusion(draft: ConclusionDraft) -> str:
    parts = [_("Facts established: %(text)s") % {"text": draft.facts},
             _("Measures taken: %(text)s") % {"text": draft.measures}]
    if draft.legal_basis:
        parts.append(_("Legal basis: %(text)s") % {"text": draft.legal_basis})
    return "\n".join(parts)


def _conclude(actor: Actor, case: Case, draft: ConclusionDraft, now: datetime, drafted_by_id: int) -> None:
    case_transition(actor=actor, number=case.number, transition="conclude", now=now, data={
        "finding": draft.finding, "conclusion_text": compose_conclusion(draft), "drafted_by_id": drafted_by_id,
        "conclusion_draft": str(draft.public_id),
    })
    if draft.malicious:
        assert actor.user is not None  # the callers' locked_case refuses an actor without a user
        MaliciousAccusationFinding.objects.create(case=case, basis=draft.malicious_basis, proposed_by=draft.drafted_by,
                                                  approved_by=actor.user, recorded_at=now)
        audit(case, actor, "handling.malicious_accusation", now=now, reason=draft.malicious_basis)


@transaction.atomic
def conclusion_submit(*, actor: Actor, number: str, finding: str, facts: str, measures: str, legal_basis: str = "",
                      malicious: bool = False, malicious_basis: str = "",
                      now: datetime | None = None) -> ConclusionDraft:
    """The lead department's conclusion. Simple cases conclude at once; complex and major ones wait for the
    department head, unless the head submits it."""
    now = now or timezone.now()
    require_role(actor, Role.HANDLER, Role.DEPARTMENT_HEAD)
    case = locked_case(actor, number)
    _require_lead_department(actor, case)
    require_not_recused(actor, case)
    if case.state not in (CaseState.IN_PROGRESS, CaseState.EXTENDED, CaseState.UNDER_REVIEW):
        raise TransitionRejected(_("The case cannot be concluded in its current state."))
    if ConclusionDraft.objects.filter(case=case, status=RequestStatus.PENDING).exists():
        raise TransitionRejected(_("A conclusion is already waiting for approval."))
    if finding not in Finding.values:
        raise TransitionRejected(_("Choose one of the listed options."), field="finding")
    facts = require_text(facts, "facts", MIN_FACTS_CHARS,
                         _("Describe the facts established (at least %(n)d characters)."))
    measures = require_text(measures, "measures", MIN_MEASURES_CHARS,
                            _("Describe the measures taken (at least %(n)d characters)."))
    malicious_basis = (malicious_basis or "").strip()
    if malicious and finding != Finding.UNSUBSTANTIATED:
        raise TransitionRejected(_("A malicious accusation can only be recorded with the finding “unsubstantiated”."),
                                 field="malicious")
    if malicious and len(malicious_basis) < MIN_FACTS_CHARS:
        raise TransitionRejected(
            _("State the grounds for a malicious-accusation finding (at least %(n)d characters).")
            % {"n": MIN_FACTS_CHARS}, field="malicious_basis")
    # locked_case refuses an actor without a user; _require_lead_department a case without a lead department.
    assert actor.user is not None and case.lead_department_id is not None
    draft = ConclusionDraft.objects.create(
        case=case, department_id=case.lead_department_id, finding=finding, facts=facts, measures=measures,
        legal_basis=(legal_basis or "").strip(), malicious=malicious, malicious_basis=malicious_basis,
        drafted_by=actor.user, submitted_at=now)
    if case.grade in NEEDS_APPROVAL and actor.role != Role.DEPARTMENT_HEAD:
        audit(case, actor, "handling.conclusion_submitted", now=now, payload={"finding": finding})
        notify(case, "case.approval_awaited", in_default_language(
            lambda: _("The conclusion of case %(number)s awaits your approval") % {"number": case.number}),
            audience={"role": Role.DEPARTMENT_HEAD, "department_id": case.lead_department_id})
        return draft
    _conclude(actor, case, draft, now, actor.user.pk)
    draft.status, draft.decided_by, draft.decided_at = RequestStatus.APPROVED, actor.user, now
    draft.save(update_fields=["status", "decided_by", "decided_at"])
    return draft


@transaction.atomic
def conclusion_decide(*, actor: Actor, number: str, approve: bool, note: str = "",
                      now: datetime | None = None) -> ConclusionDraft:
    now = now or timezone.now()
    require_role(actor, Role.DEPARTMENT_HEAD)
    case = locked_case(actor, number)
    _require_lead_department(actor, case)
    require_not_recused(actor, case)
    draft = ConclusionDraft.objects.select_for_update().filter(case=case, status=RequestStatus.PENDING).first()
    if draft is None:
        raise TransitionRejected(_("No conclusion is waiting for approval on this case."))
    note = (note or "").strip()
    if approve:
        _conclude(actor, case, draft, now, draft.drafted_by_id)
    elif len(note) < 4:
        raise TransitionRejected(_("Say what must change before you can approve."), field="note")
    else:
        audit(case, actor, "handling.conclusion_rejected", now=now, reason=note)
    draft.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    draft.decided_by, draft.decided_at, draft.decision_note = actor.user, now, note
    draft.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    notify(case, "case.approval_decided", in_default_language(
        lambda: (_("Conclusion of case %(number)s approved") if approve
                 else _("Conclusion of case %(number)s sent back")) % {"number": case.number}),
        user=draft.drafted_by)
    return draft


def require_approval_for_serious_cases(ctx) -> None:  # type: ignore[no-untyped-def]
    """Complex and major cases are concluded by the department head (directly or by approving a draft)."""
    if ctx.case.grade in NEEDS_APPROVAL and ctx.actor.role not in APPROVER_ROLES and ctx.actor.kind == "staff":
        raise TransitionRejected(
            _("A %(grade)s case needs the department head's approval: submit the conclusion for approval.")
            % {"grade": ctx.case.get_grade_display()})
