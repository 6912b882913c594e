"""What every investigation service shares: who may do what on a case, locking, auditing, clean text."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.accounts.models import DEPARTMENT_ROLES, Role, User
from jubao.audit.chain import EventDraft, append_event
from jubao.cases.errors import TransitionForbidden, TransitionRejected
from jubao.cases.models import CLOSED_STATES, Case, CaseState
from jubao.cases.selectors import case_get_for
from jubao.notifications.services import outbox_put

# Before dispatch there is nothing to investigate; after closing nothing more is recorded (custody excepted).
NOT_YET_HANDLED = (CaseState.REGISTERED, CaseState.NEEDS_INFO, CaseState.ACCEPTED)
# Asking the reporter for more happens while the case is being worked on.
HANDLING_STATES = (CaseState.IN_PROGRESS, CaseState.EXTENDED, CaseState.UNDER_REVIEW)


def forbidden(message: str) -> TransitionForbidden:
    return TransitionForbidden(message)


def staff_user(actor: Actor) -> User:
    if actor.user is None or not actor.user.is_active:
        raise forbidden(_("Only staff can do this."))
    return actor.user


def may_investigate(actor: Actor | User | None, case: Case) -> bool:
    """Handlers and heads of a department actively assigned to the case (lead or co-handling), and supervisors
    whose jurisdiction covers it. Nobody else reads or writes the investigation record."""
    user = actor.user if isinstance(actor, Actor) else actor
    if user is None or not user.is_active:
        return False
    if user.role in DEPARTMENT_ROLES:
        return user.department_id is not None and case.assignments.filter(
            department_id=user.department_id, is_active=True).exists()
    if user.role == Role.SUPERVISOR:
        region = user.scope_region
        return region is not None and case.region_path.startswith(region.path)
    return False


def require_investigator(actor: Actor, case: Case) -> User:
    user = staff_user(actor)
    if not may_investigate(user, case):
        raise forbidden(_("Only the handling departments and the supervisors of this case may do this."))
    return user


def require_open_for_investigation(case: Case) -> None:
    if case.state in NOT_YET_HANDLED:
        raise TransitionRejected(_("The case has not been dispatched for handling yet."))
    if case.state in CLOSED_STATES:
        raise TransitionRejected(_("The case is closed; nothing more can be added to its investigation record."))


def lock_case(actor: Actor, number: str) -> Case:
    """The case, locked for the rest of the transaction, if the actor may see it (else CaseNotFound → 404)."""
    return case_get_for(staff_user(actor), number, for_update=True)


def ancestor_paths(path: str) -> list[str]:
    codes = [code for code in path.split("/") if code]
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def staff_seeing(case: Case, roles: Iterable[str]) -> QuerySet[User]:
    """Active staff of these roles who can see the case (same rule as cases_visible_to, from the other side)."""
    roles = set(roles)
    paths = ancestor_paths(case.region_path)
    by_department = Q(role__in=roles & set(DEPARTMENT_ROLES),
                      department_id__in=case.assignments.filter(is_active=True).values("department_id"))
    by_region = Q(role__in=roles - set(DEPARTMENT_ROLES)) & (
        Q(jurisdiction__path__in=paths) | Q(jurisdiction__isnull=True, department__region__path__in=paths))
    return User.objects.filter(is_active=True).filter(by_department | by_region).order_by("role", "username")


def investigators(case: Case) -> QuerySet[User]:
    return staff_seeing(case, {Role.HANDLER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR})


def clean_text(value: Any, field: str, *, min_chars: int = 1, max_chars: int = 10000,
               message: str | None = None) -> str:
    text = str(value or "").strip()
    if len(text) < min_chars:
        raise TransitionRejected(
            message or (_("This field is required.") if min_chars <= 1
                        else _("Write at least %(n)d characters.") % {"n": min_chars}), field=field)
    if len(text) > max_chars:
        raise TransitionRejected(_("Keep it under %(n)d characters.") % {"n": max_chars}, field=field)
    return text


def audit(actor: Actor, case: Case, kind: str, *, now: datetime, reason: str = "",
          payload: dict[str, Any] | None = None, reporter_visible: bool = False) -> None:
    append_event(EventDraft(
        kind=kind, case_id=case.pk, actor_kind=actor.kind, actor_id=actor.user_id, actor_label=actor.label,
        reason=reason, payload=payload or {}, reporter_visible=reporter_visible,
    ), now=now)


def notify(case: Case, *, topic: str, subject: str, body: str = "", recipient: User | None = None,
           audience: dict[str, Any] | None = None) -> None:
    """A staff inbox message about the case, inside the caller's transaction (texts in the office language)."""
    outbox_put(topic=topic, channel="inbox", subject=subject, body=body or subject, recipient_user=recipient,
               audience=audience, payload={"case": case.number, "link": reverse("cases:detail", args=[case.number])})


def office_language() -> translation.override:
    return translation.override(settings.LANGUAGE_CODE)
