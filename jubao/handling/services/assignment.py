"""Handler assignment inside a department, recusal on a case, and declared conflicts of interest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.accounts.models import Role, User
from jubao.cases.errors import TransitionForbidden, TransitionRejected
from jubao.cases.models import CLOSED_STATES, Case, CaseAssignment

from ..models import CaseRecusal, ConflictDeclaration, HandlerProfile
from ..recusal import recusal_reasons
from .common import active_assignment, audit, in_default_language, locked_case, notify, require_role

MIN_REASON_CHARS = 4


@dataclass
class HandlerSuggestion:
    user: User
    open_cases: int
    matching_tags: list[str]
    recused: list[str] = field(default_factory=list)
    score: float = 0.0

    @property
    def eligible(self) -> bool:
        return not self.recused


def handler_suggestions(case: Case, department_id: int) -> list[HandlerSuggestion]:
    """The department's handlers, best first: capability tags matching the case's category path, then least
    open load. Recused handlers come last and cannot be chosen."""
    handlers = list(
        User.objects.filter(department_id=department_id, role=Role.HANDLER, is_active=True)
        .select_related("department", "handler_profile")
        .annotate(open_cases=Count("assignments", filter=Q(assignments__is_active=True)
                                   & ~Q(assignments__case__state__in=CLOSED_STATES)))
        .order_by("username")
    )
    wanted = set()
    if case.category is not None:
        wanted = {part.strip() for part in case.category.full_name.replace(">", "/").split("/") if part.strip()}
    suggestions = []
    for user in handlers:
        profile = getattr(user, "handler_profile", None)
        tags = profile.tags if profile is not None else []
        matching = [t for t in tags if t in wanted or any(t in w for w in wanted)]
        suggestion = HandlerSuggestion(user=user, open_cases=user.open_cases, matching_tags=matching,
                                       recused=recusal_reasons(user, case))
        suggestion.score = 2.0 * len(matching) - 0.25 * user.open_cases
        suggestions.append(suggestion)
    suggestions.sort(key=lambda s: (not s.eligible, -s.score, s.open_cases, s.user.username))
    return suggestions


@transaction.atomic
def handler_assign(*, actor: Actor, number: str, username: str, reason: str = "",
                   now: datetime | None = None) -> CaseAssignment:
    """A department head gives the case to one of their handlers. Choosing someone other than the best
    suggestion needs a reason; a recused handler can never be chosen."""
    now = now or timezone.now()
    require_role(actor, Role.DEPARTMENT_HEAD)
    case = locked_case(actor, number)
    assignment = active_assignment(case, actor.department_id)
    if assignment is None:
        raise TransitionForbidden(_("Your department does not hold this case."))
    suggestions = handler_suggestions(case, assignment.department_id)
    chosen = next((s for s in suggestions if s.user.username == username), None)
    if chosen is None:
        raise TransitionRejected(_("Choose a handler of your department."), field="handler")
    if chosen.recused:
        raise TransitionRejected(
            _("%(name)s must recuse themselves from this case: %(reasons)s")
            % {"name": chosen.user, "reasons": " ".join(chosen.recused)}, field="handler")
    best = next((s for s in suggestions if s.eligible), None)
    reason = (reason or "").strip()
    overrides = best is not None and best.user.pk != chosen.user.pk
    if overrides and len(reason) < MIN_REASON_CHARS:
        assert best is not None  # overrides implies a best suggestion
        raise TransitionRejected(
            _("You chose someone other than the suggested handler (%(name)s): give a reason.") % {"name": best.user},
            field="reason")
    previous = assignment.handler
    assignment.handler = chosen.user
    assignment.save(update_fields=["handler"])
    audit(case, actor, "handling.handler_assigned", now=now, reason=reason, payload={
        "department": assignment.department.code, "handler": chosen.user.username,
        "previous": previous.username if previous else "", "suggested": best.user.username if best else "",
        "override": overrides,
    })
    notify(case, "case.handler_assigned", in_default_language(
        lambda: _("Case %(number)s was assigned to you") % {"number": case.number}), user=chosen.user)
    return assignment


@transaction.atomic
def case_recuse(*, actor: Actor, number: str, username: str = "", reason: str,
                now: datetime | None = None) -> CaseRecusal:
    """Record a recusal: a staff member's own, or one decided by their department head. It cannot be lifted."""
    now = now or timezone.now()
    require_role(actor, Role.HANDLER, Role.DEPARTMENT_HEAD)
    case = locked_case(actor, number)
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_CHARS:
        raise TransitionRejected(_("Say why (at least %(n)d characters).") % {"n": MIN_REASON_CHARS}, field="reason")
    user = actor.user
    assert user is not None  # locked_case refuses an actor without a user
    declared_by = user
    if username and username != user.username:
        if actor.role != Role.DEPARTMENT_HEAD:
            raise TransitionForbidden(_("Only the department head can recuse someone else."))
        # Without a department of their own, the head has no members to choose from.
        user = (User.objects.filter(username=username, department_id=actor.department_id).first()
                if actor.department_id is not None else None)
        if user is None:
            raise TransitionRejected(_("Choose a member of your department."), field="username")
    recusal, created = CaseRecusal.objects.get_or_create(
        case=case, user=user, defaults={"reason": reason, "declared_by": declared_by, "declared_at": now})
    if created:
        # A recused handler no longer holds the case.
        CaseAssignment.objects.filter(case=case, handler=user, is_active=True).update(handler=None)
        audit(case, actor, "handling.recused", now=now, reason=reason, payload={"user": user.username})
    return recusal


@transaction.atomic
def conflict_declare(*, actor: Actor, subject: str, relation: str, now: datetime | None = None) -> ConflictDeclaration:
    now = now or timezone.now()
    if actor.user is None:
        raise TransitionForbidden(_("Your role does not allow this."))
    subject, relation = (subject or "").strip(), (relation or "").strip()
    if len(subject) < 2:
        raise TransitionRejected(_("Name the unit or person (at least 2 characters)."), field="subject")
    if len(relation) < 2:
        raise TransitionRejected(_("Describe the link (at least 2 characters)."), field="relation")
    return ConflictDeclaration.objects.create(user=actor.user, subject=subject, relation=relation, declared_at=now)


@transaction.atomic
def conflict_withdraw(*, actor: Actor, public_id: str, now: datetime | None = None) -> None:
    now = now or timezone.now()
    updated = 0  # an actor without a user has no declarations to withdraw
    if actor.user_id is not None:
        updated = ConflictDeclaration.objects.filter(public_id=public_id, user_id=actor.user_id,
                                                     is_active=True).update(is_active=False, withdrawn_at=now)
    if not updated:
        raise TransitionRejected(_("That declaration was not found."))


@transaction.atomic
def handler_profile_update(*, actor: Actor, person_name: str, capability_tags: str) -> HandlerProfile:
    if actor.user is None:
        raise TransitionForbidden(_("Your role does not allow this."))
    profile, _created = HandlerProfile.objects.get_or_create(user=actor.user)
    profile.person_name, profile.capability_tags = person_name.strip()[:40], capability_tags.strip()[:255]
    profile.save(update_fields=["person_name", "capability_tags"])
    return profile
