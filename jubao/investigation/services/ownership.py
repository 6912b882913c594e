"""Case ownership (包案): a named leader owns a repeated or difficult case, with a resolution plan and periodic
progress entries. The next progress date is a stored, indexed column; a worker job reminds the leader once per
due date when it passes (jobs.py)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.accounts.models import Role, User
from jubao.cases.errors import CaseNotFound, TransitionRejected
from jubao.cases.models import CLOSED_STATES, Case
from jubao.deadlines.calendar import WorkingCalendar
from jubao.deadlines.models import Unit

from ..models import CaseOwnership, OwnershipProgress, OwnershipReason
from .common import audit, clean_text, forbidden, lock_case, may_investigate, notify, office_language, staff_seeing

DEFAULT_INTERVAL_DAYS = 14
MAX_INTERVAL_DAYS = 90
LEADER_ROLES = frozenset({Role.LEADERSHIP, Role.DEPARTMENT_HEAD, Role.SUPERVISOR})
ASSIGNING_ROLES = frozenset({Role.SUPERVISOR, Role.LEADERSHIP})


def default_interval() -> int:
    return int(getattr(settings, "JUBAO_OWNERSHIP_PROGRESS_DAYS", DEFAULT_INTERVAL_DAYS))


def next_due(start: datetime, days: int) -> datetime:
    """The end of the day `days` calendar days on, rolled forward to a working day."""
    return WorkingCalendar.cached().add(start, days, Unit.CALENDAR_DAYS).due_at


def may_assign(actor: Actor) -> bool:
    return actor.user is not None and actor.role in ASSIGNING_ROLES


def eligible_leaders(case: Case):  # type: ignore[no-untyped-def]
    return staff_seeing(case, LEADER_ROLES)


def _leader(case: Case, username: str | User | None) -> User:
    if isinstance(username, User):
        username = username.username
    leader = eligible_leaders(case).filter(username=str(username or "").strip()).first()
    if leader is None:
        raise TransitionRejected(_("Choose a leader from the leadership group, the supervisors or the heads of the "
                                   "departments handling this case."), field="leader")
    return leader


def _interval(value: int | str | None) -> int:
    try:
        days = int(value) if value not in (None, "") else default_interval()
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_INTERVAL_DAYS:
        raise TransitionRejected(_("Progress is reported every 1 to %(n)d days.") % {"n": MAX_INTERVAL_DAYS},
                                 field="interval_days")
    return days


@transaction.atomic
def ownership_assign(*, actor: Actor, number: str, leader: str | User, reason: str, plan: str,
                     interval_days: int | str | None = None, now: datetime | None = None) -> CaseOwnership:
    now = now or timezone.now()
    case = lock_case(actor, number)
    if not may_assign(actor):
        raise forbidden(_("Only supervisors and the leadership group assign case ownership."))
    if case.state in CLOSED_STATES:
        raise TransitionRejected(_("The case is closed."))
    current = CaseOwnership.objects.filter(case=case, ended_at__isnull=True).select_related("leader").first()
    if current is not None:
        raise TransitionRejected(_("%(leader)s already owns this case.") % {"leader": current.leader},
                                 field="leader")
    if reason not in OwnershipReason.values:
        raise TransitionRejected(_("Choose one of the listed options."), field="reason")
    days = _interval(interval_days)
    assert actor.user is not None  # may_assign refuses an actor without a user
    ownership = CaseOwnership.objects.create(
        case=case, leader=_leader(case, leader), reason=reason, interval_days=days, assigned_by=actor.user,
        plan=clean_text(plan, "plan", min_chars=10, max_chars=20000), assigned_at=now,
        next_progress_due_at=next_due(now, days))
    due = ownership.next_progress_due_at
    assert due is not None  # just set
    audit(actor, case, "investigation.ownership_assigned", now=now, payload={
        "ownership": str(ownership.public_id), "leader": ownership.leader.username, "reason": reason,
        "interval_days": days, "next_progress_due_at": due.isoformat()})
    with office_language():
        subject = _("You now own case %(number)s (包案); first progress is due on %(date)s") % {
            "number": case.number, "date": f"{timezone.localtime(due):%Y-%m-%d}"}
    notify(case, topic="investigation.ownership_assigned", subject=subject, recipient=ownership.leader)
    return ownership


def _locked(actor: Actor, ownership_id: str) -> tuple[CaseOwnership, Case]:
    number = CaseOwnership.objects.filter(public_id=ownership_id).values_list("case__number", flat=True).first()
    if number is None:
        raise CaseNotFound(_("No case ownership with that id was found."))
    case = lock_case(actor, number)
    ownership = CaseOwnership.objects.select_for_update().get(public_id=ownership_id)
    if ownership.ended_at is not None:
        raise TransitionRejected(_("This ownership has ended."))
    return ownership, case


@transaction.atomic
def ownership_progress_add(*, actor: Actor, ownership_id: str, body: str,
                           now: datetime | None = None) -> OwnershipProgress:
    """A progress entry by the leader (or the handling departments and supervisors for them); moves the next
    due date one interval on and re-arms the reminder."""
    now = now or timezone.now()
    ownership, case = _locked(actor, ownership_id)
    if actor.user_id != ownership.leader_id and not may_investigate(actor, case):
        raise forbidden(_("Only the leader who owns the case, its handling departments and its supervisors "
                          "report progress."))
    assert actor.user is not None  # lock_case refuses an actor without a user
    entry = OwnershipProgress.objects.create(ownership=ownership, author=actor.user, created_at=now,
                                             body=clean_text(body, "body", min_chars=10, max_chars=20000))
    ownership.next_progress_due_at = next_due(now, ownership.interval_days)
    ownership.overdue_reminded_at = None
    ownership.save(update_fields=["next_progress_due_at", "overdue_reminded_at"])
    audit(actor, case, "investigation.ownership_progress", now=now, payload={
        "ownership": str(ownership.public_id), "next_progress_due_at": ownership.next_progress_due_at.isoformat()})
    return entry


@transaction.atomic
def ownership_transfer(*, actor: Actor, ownership_id: str, leader: str | User, reason: str,
                       now: datetime | None = None) -> CaseOwnership:
    """Hand the case to another leader (a change of post, a conflict of interest…); dates stay as they are."""
    now = now or timezone.now()
    ownership, case = _locked(actor, ownership_id)
    if not may_assign(actor):
        raise forbidden(_("Only supervisors and the leadership group assign case ownership."))
    new = _leader(case, leader)
    if new.pk == ownership.leader_id:
        raise TransitionRejected(_("This person already owns the case."), field="leader")
    reason = clean_text(reason, "reason", min_chars=2, max_chars=2000)
    previous = ownership.leader
    ownership.leader = new
    ownership.save(update_fields=["leader"])
    audit(actor, case, "investigation.ownership_transferred", now=now, reason=reason, payload={
        "ownership": str(ownership.public_id), "from": previous.username, "to": new.username})
    with office_language():
        subject = _("You now own case %(number)s (包案)") % {"number": case.number}
    notify(case, topic="investigation.ownership_assigned", subject=subject, recipient=new)
    return ownership


@transaction.atomic
def ownership_end(*, actor: Actor, ownership_id: str, result: str, now: datetime | None = None) -> CaseOwnership:
    """End the ownership with its result once the case is closed: by the leader, a supervisor or leadership."""
    now = now or timezone.now()
    ownership, case = _locked(actor, ownership_id)
    if actor.user_id != ownership.leader_id and not may_assign(actor):
        raise forbidden(_("Only the leader who owns the case, supervisors and the leadership group end ownership."))
    if case.state not in CLOSED_STATES:
        raise TransitionRejected(_("Ownership ends with its result when the case is closed."))
    ownership.result = clean_text(result, "result", min_chars=10, max_chars=20000)
    ownership.ended_at, ownership.ended_by = now, actor.user
    ownership.save(update_fields=["result", "ended_at", "ended_by"])
    audit(actor, case, "investigation.ownership_ended", now=now,
          payload={"ownership": str(ownership.public_id), "leader": ownership.leader.username})
    return ownership


# --- the worker's side ----------------------------------------------------------------------------------------
def ownership_remind_overdue(*, now: datetime | None = None, batch_size: int = 200) -> int:
    """Remind each leader whose progress is overdue, once per due date. Each batch commits its reminders and
    their "reminded" marks together, so a worker that dies mid-run sends none of its batch twice."""
    from jubao.audit.models import ActorKind

    now = now or timezone.now()
    system = Actor(ActorKind.SYSTEM, None, "investigation.reminders")
    sent = 0
    while True:
        with transaction.atomic():
            qs = CaseOwnership.objects.filter(ended_at__isnull=True, overdue_reminded_at__isnull=True,
                                              next_progress_due_at__lte=now).exclude(case__state__in=CLOSED_STATES)
            if settings.IS_POSTGRES:
                qs = qs.select_for_update(skip_locked=True, of=("self",))
            else:
                qs = qs.select_for_update()
            batch = list(qs.select_related("case", "leader").order_by("next_progress_due_at", "pk")[:batch_size])
            for ownership in batch:
                case = ownership.case
                assert ownership.next_progress_due_at is not None  # the query asks for it to have passed
                due = timezone.localtime(ownership.next_progress_due_at)
                with office_language():
                    subject = _("Progress on case %(number)s (包案) was due on %(date)s") % {
                        "number": case.number, "date": f"{due:%Y-%m-%d}"}
                notify(case, topic="investigation.ownership_overdue", subject=subject, recipient=ownership.leader)
                audit(system, case, "investigation.ownership_overdue", now=now, payload={
                    "ownership": str(ownership.public_id), "due": ownership.next_progress_due_at.isoformat()})
            CaseOwnership.objects.filter(pk__in=[o.pk for o in batch]).update(overdue_reminded_at=now)
        sent += len(batch)
        if len(batch) < batch_size:
            return sent


def on_case_closed(case: Case, transition: str, actor: Actor) -> None:
    """Transition listener: when an owned case closes, ask its leader for the result."""
    if transition != "close":
        return
    ownership = CaseOwnership.objects.filter(case=case, ended_at__isnull=True).select_related("leader").first()
    if ownership is None:
        return
    with office_language():
        subject = _("Case %(number)s is closed: record the result of your ownership (包案)") % {"number": case.number}
    notify(case, topic="investigation.ownership_result_due", subject=subject, recipient=ownership.leader)
