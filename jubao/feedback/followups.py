"""Follow-ups (回访): created when a case is answered, worked by intake clerks, flagged when late.

Recording a reached reporter's satisfaction fires "rate" on the case; dissatisfaction also fires
"request_review" (the workflow starts the review deadline, hooks.record_review_opened records the review).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.accounts.models import Role
from jubao.audit.chain import EventDraft, append_event
from jubao.cases.errors import CaseNotFound, TransitionForbidden, TransitionRejected
from jubao.cases.models import Case, CaseState, Report, Satisfaction
from jubao.cases.selectors import case_get_for
from jubao.cases.services import case_transition
from jubao.deadlines.calendar import WorkingCalendar
from jubao.deadlines.models import Unit
from jubao.notifications.services import outbox_put

from .models import CaseReview, FeedbackAnswer, FollowUp, FollowUpChannel, FollowUpStatus, Outcome, ReviewStatus
from .sampling import selection_for

FOLLOWUP_DUE_WORKING_DAYS = 5
# After this many unanswered attempts a follow-up is closed as "could not be reached".
MAX_ATTEMPTS = 3
RECORD_ROLES = frozenset({Role.CLERK})
RATEABLE = (CaseState.ANSWERED,)
REVIEWABLE = (CaseState.ANSWERED, CaseState.RATED)


def _event(actor: Actor, kind: str, followup: FollowUp, *, now: datetime, reason: str = "", **payload: object) -> None:
    append_event(EventDraft(
        kind=kind, case_id=followup.case_id, actor_kind=actor.kind, actor_id=actor.user_id, actor_label=actor.label,
        reason=reason, payload={"followup": str(followup.public_id), "report": followup.report.tracking_number,
                                **payload},
    ), now=now)


def followups_create(*, case: Case, answer: FeedbackAnswer, now: datetime) -> list[FollowUp]:
    """Inside the answer's transaction: one follow-up per selected reporter of the case."""
    due = WorkingCalendar.cached().add(now, FOLLOWUP_DUE_WORKING_DAYS, Unit.WORKING_DAYS).due_at
    created = []
    for report in Report.objects.filter(case=case).select_related("access").order_by("pk"):
        chosen = selection_for(report)
        if chosen is None:
            continue
        selection, channel = chosen
        created.append(FollowUp(case=case, report=report, answer=answer, selection=selection, channel=channel,
                                region_path=case.region_path, created_at=now, due_at=due))
    if created:
        FollowUp.objects.bulk_create(created, ignore_conflicts=True)
        append_event(EventDraft(
            kind="feedback.followups_created", case_id=case.pk, actor_kind="system", actor_label="feedback",
            payload={"answer_version": answer.version, "count": len(created),
                     "sampled": sum(1 for f in created if f.selection == "sample"), "due": due.isoformat()},
        ), now=now)
    return created


def may_record(actor: Actor) -> bool:
    return actor.role in RECORD_ROLES


def _locked(actor: Actor, followup_id: str) -> FollowUp:
    followup = (FollowUp.objects.select_for_update(of=("self",)).select_related("case", "report", "report__identity")
                .filter(public_id=followup_id).first())
    if followup is None or actor.user is None:
        raise CaseNotFound(_("No follow-up with that id was found."))
    case_get_for(actor.user, followup.case.number)  # visibility: missing and forbidden look the same
    return followup


@dataclass
class RecordResult:
    followup: FollowUp
    case: Case
    review_opened: bool = False
    note: str = ""


@transaction.atomic
def followup_record(*, actor: Actor, followup_id: str, outcome: str, satisfaction: str = "", reason: str = "",
                    notes: str = "", now: datetime | None = None) -> RecordResult:
    """A clerk records one attempt: not reached (closed after MAX_ATTEMPTS), or reached with the satisfaction."""
    now = now or timezone.now()
    if not may_record(actor):
        raise TransitionForbidden(_("Only intake clerks record follow-ups."))
    followup = _locked(actor, followup_id)
    if followup.status != FollowUpStatus.OPEN:
        raise TransitionRejected(_("This follow-up is already closed."))
    reason, notes = reason.strip(), notes.strip()
    if outcome == Outcome.UNREACHABLE:
        return _record_unreachable(actor, followup, notes, now)
    if outcome != Outcome.REACHED:
        raise TransitionRejected(_("Say whether the reporter was reached."), field="outcome")
    if satisfaction not in Satisfaction.values:
        raise TransitionRejected(_("Record how satisfied the reporter is with the answer."), field="satisfaction")
    if satisfaction == Satisfaction.DISSATISFIED and not reason:
        raise TransitionRejected(_("Write down why the reporter is dissatisfied."), field="reason")
    followup.attempts += 1
    followup.status, followup.outcome, followup.satisfaction = FollowUpStatus.DONE, outcome, satisfaction
    followup.reason, followup.notes = reason, _append(followup.notes, notes)
    followup.recorded_by, followup.recorded_at = actor.user, now
    followup.save(update_fields=["attempts", "status", "outcome", "satisfaction", "reason", "notes", "recorded_by",
                                 "recorded_at"])
    _event(actor, "feedback.followup_recorded", followup, now=now, reason=reason, outcome=outcome,
           satisfaction=satisfaction)
    case, result = followup.case, RecordResult(followup=followup, case=followup.case)
    number = case.number
    if case.state in RATEABLE:
        case = case_transition(actor=actor, number=number, transition="rate", reason=reason,
                               data={"satisfaction": satisfaction}, now=now)
    if satisfaction == Satisfaction.DISSATISFIED:
        if case.state in REVIEWABLE:
            case = case_transition(actor=actor, number=number, transition="request_review", now=now,
                                   reason=_("Dissatisfied at follow-up: %(reason)s") % {"reason": reason})
            CaseReview.objects.filter(case=case, status=ReviewStatus.OPEN).update(followup=followup)
            result.review_opened = True
        else:
            result.note = _("The case is %(state)s, so no review was opened; a supervisor can reopen it.") % {
                "state": case.get_state_display()}
    result.case = case
    return result


def _append(existing: str, more: str) -> str:
    return f"{existing}\n{more}".strip() if more else existing


def _record_unreachable(actor: Actor, followup: FollowUp, notes: str, now: datetime) -> RecordResult:
    followup.attempts += 1
    followup.notes = _append(followup.notes, notes)
    fields = ["attempts", "notes"]
    if followup.attempts >= MAX_ATTEMPTS:
        followup.status, followup.outcome = FollowUpStatus.UNREACHABLE, Outcome.UNREACHABLE
        followup.recorded_by, followup.recorded_at = actor.user, now
        fields += ["status", "outcome", "recorded_by", "recorded_at"]
    followup.save(update_fields=fields)
    _event(actor, "feedback.followup_attempt", followup, now=now, outcome=Outcome.UNREACHABLE,
           attempts=followup.attempts, closed=followup.status != FollowUpStatus.OPEN)
    return RecordResult(followup=followup, case=followup.case)


def followup_message(followup: FollowUp) -> str:
    with translation.override(_reporter_language(followup.report)):
        return _("About your report %(number)s: we answered it on %(date)s. Were you satisfied with how it was "
                 "handled? Tell us on the follow-up page (%(url)s) — rate the answer there, or ask for a review.") % {
            "number": followup.report.tracking_number, "date": f"{followup.answer.answered_at:%Y-%m-%d}",
            "url": settings.JUBAO_PUBLIC_URL + reverse("intake:login")}


def _reporter_language(report: Report) -> str:
    access = getattr(report, "access", None)
    return (access.language if access is not None and access.language else settings.LANGUAGE_CODE)


@transaction.atomic
def followup_contact(*, actor: Actor, followup_id: str, now: datetime | None = None) -> FollowUp:
    """Send the follow-up question: a text message through the vault (real-name) or a message on the
    follow-up page (anonymous). Nobody on staff sees a phone number."""
    now = now or timezone.now()
    if not may_record(actor):
        raise TransitionForbidden(_("Only intake clerks record follow-ups."))
    followup = _locked(actor, followup_id)
    if followup.status != FollowUpStatus.OPEN:
        raise TransitionRejected(_("This follow-up is already closed."))
    body = followup_message(followup)
    report = followup.report
    if report.identity_id is not None and followup.channel != FollowUpChannel.PORTAL:
        outbox_put(topic="reporter.followup", channel="sms", subject=body[:200], body=body,
                   audience={"reporter_identity": str(report.identity.public_id)},  # type: ignore[union-attr]
                   payload={"report": report.tracking_number})
        via = "sms"
    else:
        from jubao.intake.services import reporter_message_reply

        assert actor.user is not None
        reporter_message_reply(actor=actor.user, report=report, body=body, now=now)
        via = "portal"
    followup.contacted_at = now
    followup.save(update_fields=["contacted_at"])
    _event(actor, "feedback.followup_contacted", followup, now=now, via=via)
    return followup


def followups_flag_overdue(*, now: datetime | None = None) -> int:
    """The periodic sweep: open follow-ups past their due date are flagged once and the clerks told."""
    now = now or timezone.now()
    with transaction.atomic():
        late = list(FollowUp.objects.select_for_update(skip_locked=True)
                    .filter(status=FollowUpStatus.OPEN, overdue=False, due_at__lt=now)
                    .select_related("case").order_by("due_at")[:500])
        if not late:
            return 0
        FollowUp.objects.filter(pk__in=[f.pk for f in late]).update(overdue=True)
        with translation.override(settings.LANGUAGE_CODE):
            for followup in late:
                subject = _("The follow-up on case %(number)s is overdue") % {"number": followup.case.number}
                outbox_put(topic="feedback.followup_overdue", channel="inbox", subject=subject, body=subject,
                           audience={"role": Role.CLERK.value, "covering_path": followup.region_path},
                           payload={"case": followup.case.number,
                                    "link": reverse("feedback:followup", args=[followup.public_id])})
    return len(late)
