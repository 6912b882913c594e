"""Asking the reporter for more during handling: one consolidated list per reporter (一次性告知), delivered on
the follow-up page through intake's messages, and the reporter's answer brought back to the case.

Two functions are hooks for jubao.intake (see apps.py): `supplement_for_report` gives the open list for the
follow-up page's "We need more information" section, and `supplement_answer_received` takes the reporter's
answer when the case is not waiting for information before acceptance.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.cases.errors import CaseNotFound, TransitionRejected
from jubao.cases.models import Case, Report

from ..models import SupplementRequest, SupplementStatus
from .common import HANDLING_STATES, audit, lock_case, notify, office_language, require_investigator

MAX_ITEMS = 20


def _conclusion_clock(case: Case, actor: Actor, *, run: bool, now: datetime) -> None:
    """The brief (§4): clocks pause while the reporter owes information. The conclusion deadline stops when the
    first open request goes out and runs again, extended by the pause, when the last one is answered or withdrawn."""
    from jubao.cases.workflow import refresh_deadline_summary
    from jubao.deadlines.models import Stage
    from jubao.deadlines.services import DeadlineEffects, apply_effects

    effects = DeadlineEffects(resume=(Stage.CONCLUSION,)) if run else DeadlineEffects(pause=(Stage.CONCLUSION,))
    if apply_effects(case, effects, now=now, actor_id=actor.user_id, reason=""):
        refresh_deadline_summary(case)


def _items(raw: Sequence[str] | str) -> list[str]:
    lines = raw.splitlines() if isinstance(raw, str) else [str(x) for x in raw]
    items = [line.strip().lstrip("-•·*").strip() for line in lines]
    items = [item[:500] for item in items if item]
    if not items:
        raise TransitionRejected(_("List what the reporter should supply, one item per line."), field="items")
    if len(items) > MAX_ITEMS:
        raise TransitionRejected(_("Ask for at most %(n)d items at once.") % {"n": MAX_ITEMS}, field="items")
    return items


def request_text(report: Report, items: Sequence[str]) -> str:
    """The one message the reporter reads, in the language the report was made in."""
    access = getattr(report, "access", None)
    language = access.language if access is not None and access.language else settings.LANGUAGE_CODE
    with translation.override(language):
        head = _("To check what you reported, we need the following. Please send everything in one reply:")
    return "\n".join([head, *(f"{i}. {item}" for i, item in enumerate(items, start=1))])


@transaction.atomic
def supplement_request_send(*, actor: Actor, number: str, items: Sequence[str] | str, tracking_number: str = "",
                            now: datetime | None = None) -> SupplementRequest:
    from jubao.intake.services import reporter_message_reply

    now = now or timezone.now()
    case = lock_case(actor, number)
    user = require_investigator(actor, case)
    if case.state not in HANDLING_STATES:
        raise TransitionRejected(_("The reporter can be asked for more only while the case is being handled."))
    reports = case.reports.select_related("access")
    report = reports.filter(tracking_number=tracking_number).first() if tracking_number else reports.first()
    if report is None:
        raise TransitionRejected(_("No report with that tracking number belongs to this case."), field="report")
    if SupplementRequest.objects.filter(report=report, status=SupplementStatus.OPEN).exists():
        raise TransitionRejected(_("This reporter has not answered the last request yet: add to it by withdrawing "
                                   "it and sending one new list, never a series of requests."), field="items")
    items = _items(items)
    text = request_text(report, items)
    message = reporter_message_reply(actor=user, report=report, body=text, now=now)
    request = SupplementRequest.objects.create(case=case, report=report, items=items, text=text, requested_by=user,
                                               requested_at=now, request_message=message)
    _conclusion_clock(case, actor, run=False, now=now)
    audit(actor, case, "investigation.supplement_requested", now=now, reporter_visible=True,
          payload={"request": str(request.public_id), "report": report.tracking_number, "items": len(items)})
    return request


def _close(request: SupplementRequest, case: Case, actor: Actor, *, status: str, now: datetime,
           message=None) -> SupplementRequest:  # type: ignore[no-untyped-def]
    request.status, request.closed_at = status, now
    request.closed_by = actor.user
    request.answer_message = message
    request.save(update_fields=["status", "closed_at", "closed_by", "answer_message"])
    if not SupplementRequest.objects.filter(case=case, status=SupplementStatus.OPEN).exists():
        _conclusion_clock(case, actor, run=True, now=now)
    audit(actor, case, f"investigation.supplement_{status}", now=now,
          reporter_visible=status == SupplementStatus.ANSWERED,
          payload={"request": str(request.public_id), "report": request.report.tracking_number})
    return request


@transaction.atomic
def supplement_request_close(*, actor: Actor, request_id: str, status: str,
                             now: datetime | None = None) -> SupplementRequest:
    """Withdraw an open request, or mark it answered by the reporter's latest message since it was sent."""
    from jubao.intake.models import MessageDirection, ReporterMessage

    now = now or timezone.now()
    number = SupplementRequest.objects.filter(public_id=request_id).values_list("case__number", flat=True).first()
    if number is None:
        raise CaseNotFound(_("No request with that id was found."))
    case = lock_case(actor, number)
    require_investigator(actor, case)
    request = SupplementRequest.objects.select_for_update().select_related("report").get(public_id=request_id)
    if request.status != SupplementStatus.OPEN:
        raise TransitionRejected(_("This request is no longer open."))
    if status == SupplementStatus.WITHDRAWN:
        return _close(request, case, actor, status=status, now=now)
    if status != SupplementStatus.ANSWERED:
        raise TransitionRejected(_("Choose one of the listed options."), field="status")
    answer = (ReporterMessage.objects.filter(report=request.report, direction=MessageDirection.FROM_REPORTER,
                                             created_at__gte=request.requested_at).order_by("-created_at").first())
    if answer is None:
        raise TransitionRejected(_("The reporter has not written since the request was sent."))
    return _close(request, case, actor, status=status, now=now, message=answer)


# --- hooks for the reporter's side (jubao.intake) -------------------------------------------------------------
def supplement_for_report(report: Report) -> str | None:
    """The open consolidated list for this reporter, or None."""
    return (SupplementRequest.objects.filter(report=report, status=SupplementStatus.OPEN)
            .values_list("text", flat=True).first())


def supplement_answer_received(*, report: Report, message, now: datetime | None = None) -> bool:  # type: ignore[no-untyped-def]
    """The reporter answered the open list (intake has stored the message and files): close it and tell the
    handling department. False when nothing was asked of this reporter."""
    now = now or timezone.now()
    with transaction.atomic():
        request = (SupplementRequest.objects.select_for_update().select_related("case")
                   .filter(report=report, status=SupplementStatus.OPEN).first())
        if request is None:
            return False
        case = request.case
        _close(request, case, Actor.reporter(report.reporter_pseudonym), status=SupplementStatus.ANSWERED, now=now,
               message=message)
        with office_language():
            subject = _("The reporter answered the request for more information on case %(number)s") % {
                "number": case.number}
        notify(case, topic="investigation.supplement_answered", subject=subject,
               audience={"department_id": case.lead_department_id} if case.lead_department_id else
               {"role": "supervisor", "covering_path": case.region_path})
    return True
