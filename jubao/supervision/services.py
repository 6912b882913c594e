"""Writes of the supervision app: supervision notices (issue → reply → accept or reject), their overdue sweep, and
(re-exported from jubao.supervision.ratings) the quarterly department ratings."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.accounts.models import Role
from jubao.audit.chain import EventDraft, append_event, append_events
from jubao.audit.models import ActorKind
from jubao.cases.errors import CaseNotFound, TransitionForbidden, TransitionRejected
from jubao.cases.models import CLOSED_STATES
from jubao.cases.selectors import case_get_for, cases_visible_to
from jubao.deadlines.calendar import WorkingCalendar
from jubao.deadlines.models import Unit

from . import notify
from .models import NoticeStatus, SupervisionNotice
from .ratings import department_ratings_compute

__all__ = ["department_ratings_compute", "notice_decide", "notice_issue", "notice_reply", "notices_sweep_overdue"]

ISSUER_ROLES = frozenset({Role.SUPERVISOR, Role.LEADERSHIP, Role.ADMIN})
MIN_DAYS, MAX_DAYS = 1, 60
MIN_TEXT_CHARS = 10


def may_issue_notices(user) -> bool:  # type: ignore[no-untyped-def]
    return bool(user is not None and user.is_active and (user.is_superuser or user.role in ISSUER_ROLES))


def may_reply(user, notice: SupervisionNotice) -> bool:  # type: ignore[no-untyped-def]
    return bool(user is not None and user.is_active and notice.status == NoticeStatus.OPEN
                and user.role in (Role.HANDLER, Role.DEPARTMENT_HEAD) and user.department_id == notice.department_id)


def _event(kind: str, actor: Actor, notice: SupervisionNotice, now: datetime, reason: str = "", **payload) -> None:  # type: ignore[no-untyped-def]
    append_event(EventDraft(kind=kind, case_id=notice.case_id, actor_kind=actor.kind, actor_id=actor.user_id,
                            actor_label=actor.label, reason=reason,
                            payload={"notice": str(notice.public_id), **payload}), now=now)


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if len(value) < MIN_TEXT_CHARS:
        raise TransitionRejected(message % {"n": MIN_TEXT_CHARS}, field=field)
    return value


def _due(now: datetime, days: int | None, field: str = "due_in_days") -> tuple[int, datetime]:
    if days is None or not MIN_DAYS <= int(days) <= MAX_DAYS:
        raise TransitionRejected(_("Give a number of working days from %(low)d to %(high)d.")
                                 % {"low": MIN_DAYS, "high": MAX_DAYS}, field=field)
    return int(days), WorkingCalendar.cached().add(now, int(days), Unit.WORKING_DAYS).due_at


@transaction.atomic
def notice_issue(
    *, actor: Actor, number: str, reason: str, demands: str, due_in_days: int | None, now: datetime | None = None,
) -> SupervisionNotice:
    """A supervisor issues a notice on a case to its lead department, due in working days."""
    now = now or timezone.now()
    if actor.user is None:
        raise CaseNotFound(_("No case with that number was found."))
    case = case_get_for(actor.user, number, for_update=True)
    if not may_issue_notices(actor.user):
        raise TransitionForbidden(_("Only a supervisor issues supervision notices."))
    if case.state in CLOSED_STATES or case.lead_department_id is None:
        raise TransitionRejected(_("A supervision notice goes to the lead department of an open case; this case "
                                   "has none."))
    if SupervisionNotice.objects.filter(case=case, status__in=(NoticeStatus.OPEN, NoticeStatus.REPLIED)).exists():
        raise TransitionRejected(_("A supervision notice on this case is still running."))
    reason = _text(reason, "reason", _("Say why the case is supervised (at least %(n)d characters)."))
    demands = _text(demands, "demands", _("Say what the department must do (at least %(n)d characters)."))
    days, due_at = _due(now, due_in_days)
    notice = SupervisionNotice.objects.create(
        case=case, department_id=case.lead_department_id, issued_by=actor.user, issued_at=now, reason=reason,
        demands=demands, due_in_days=days, due_at=due_at)
    notice.case = case
    _event("supervision.notice_issued", actor, notice, now, reason=reason, due_at=due_at.isoformat(),
           department=case.lead_department.code if case.lead_department else "")
    notify.notice_issued(notice)
    return notice


def _notice_for_update(actor: Actor, public_id: str) -> SupervisionNotice:
    notice = (SupervisionNotice.objects.select_for_update(of=("self",)).select_related("case")
              .filter(public_id=public_id).first())
    if notice is None or actor.user is None or not cases_visible_to(actor.user).filter(pk=notice.case_id).exists():
        raise CaseNotFound(_("No such supervision notice."))
    return notice


@transaction.atomic
def notice_reply(*, actor: Actor, public_id: str, reply_text: str, now: datetime | None = None) -> SupervisionNotice:
    """The lead department answers the notice (what it did); the supervisor then decides."""
    now = now or timezone.now()
    notice = _notice_for_update(actor, public_id)
    if notice.status != NoticeStatus.OPEN:
        raise TransitionRejected(_("This notice is not waiting for a reply."))
    if not may_reply(actor.user, notice):
        raise TransitionForbidden(_("Only the department the notice was sent to replies to it."))
    notice.reply_text = _text(reply_text, "reply_text",
                              _("Say what the department did about it (at least %(n)d characters)."))
    notice.status, notice.replied_by, notice.replied_at = NoticeStatus.REPLIED, actor.user, now
    notice.save(update_fields=["reply_text", "status", "replied_by", "replied_at"])
    _event("supervision.notice_replied", actor, notice, now, late=now > notice.due_at)
    notify.notice_replied(notice)
    return notice


@transaction.atomic
def notice_decide(
    *, actor: Actor, public_id: str, accept: bool, note: str = "", due_in_days: int | None = None,
    now: datetime | None = None,
) -> SupervisionNotice:
    """Accept the reply (the notice is done) or reject it with a note and a new due date (the department replies
    again; an overdue flag already raised stays)."""
    now = now or timezone.now()
    notice = _notice_for_update(actor, public_id)
    if not may_issue_notices(actor.user):
        raise TransitionForbidden(_("Only a supervisor decides on a reply."))
    if notice.status != NoticeStatus.REPLIED:
        raise TransitionRejected(_("There is no reply to decide on."))
    note = (note or "").strip()
    fields = ["status", "decided_by", "decided_at", "decision_note"]
    if accept:
        notice.status = NoticeStatus.ACCEPTED
    else:
        note = _text(note, "note", _("Say why the reply is not enough (at least %(n)d characters)."))
        notice.due_in_days, notice.due_at = _due(now, due_in_days)
        notice.status, notice.rejections = NoticeStatus.OPEN, notice.rejections + 1
        fields += ["due_in_days", "due_at", "rejections"]
    notice.decided_by, notice.decided_at, notice.decision_note = actor.user, now, note
    notice.save(update_fields=fields)
    _event("supervision.notice_accepted" if accept else "supervision.notice_rejected", actor, notice, now,
           reason=note, **({} if accept else {"due_at": notice.due_at.isoformat()}))
    notify.notice_decided(notice)
    return notice


def notices_sweep_overdue(*, now: datetime | None = None, batch_size: int = 1000) -> int:
    """Flag notices not replied to by their due time, once each; tell the department and the issuer."""
    now = now or timezone.now()
    flagged = 0
    while True:
        with transaction.atomic():
            notices = list(SupervisionNotice.objects.filter(status=NoticeStatus.OPEN, overdue=False, due_at__lte=now)
                           .select_related("case", "issued_by").order_by("due_at")[:batch_size])
            if not notices:
                return flagged
            SupervisionNotice.objects.filter(pk__in=[n.pk for n in notices]).update(overdue=True, overdue_at=now)
            append_events([EventDraft(kind="supervision.notice_overdue", case_id=n.case_id,
                                      actor_kind=ActorKind.SYSTEM, actor_label="supervision-sweeper",
                                      payload={"notice": str(n.public_id), "due_at": n.due_at.isoformat()})
                           for n in notices], now=now)
            for notice in notices:
                notify.notice_overdue(notice)
        flagged += len(notices)
        if len(notices) < batch_size:
            return flagged
