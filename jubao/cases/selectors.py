"""Reads that apply visibility. Missing and forbidden both answer CaseNotFound."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from jubao.accounts.models import DEPARTMENT_ROLES, Role, User

from .errors import CaseNotFound
from .models import Case, CaseAssignment
from .numbers import normalise

# Roles that see every case in their region subtree; custodians see identity requests, not case files.
JURISDICTION_ROLES = frozenset({Role.CLERK, Role.DISPATCHER, Role.SUPERVISOR, Role.LEADERSHIP, Role.AUDITOR})


def cases_visible_to(user: User) -> QuerySet[Case]:
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    if user.is_superuser or user.role == Role.ADMIN:
        return Case.objects.all()
    if user.role in DEPARTMENT_ROLES:
        if user.department_id is None:
            return Case.objects.none()
        held = CaseAssignment.objects.filter(case=OuterRef("pk"), department_id=user.department_id, is_active=True)
        return Case.objects.filter(Exists(held))
    if user.role in JURISDICTION_ROLES:
        region = user.scope_region
        return Case.objects.filter(region_path__startswith=region.path) if region else Case.objects.none()
    return Case.objects.none()


def case_get_for(user: User, number: str, *, for_update: bool = False) -> Case:
    qs = cases_visible_to(user)
    if for_update:
        # Lock only the case row: PostgreSQL refuses FOR UPDATE across the nullable joins.
        qs = qs.select_for_update(of=("self",)).select_related("policy_pack")
    case = qs.filter(number=normalise(number)).first()
    if case is None:
        raise CaseNotFound(_("No case with that number was found."))
    return case


@dataclass
class QueueFilters:
    state: str = ""
    light: str = ""
    department: str = ""
    category: int | None = None
    urgency: str = ""
    q: str = ""
    overdue: bool = False
    needs_human: bool = False


def case_queue(user: User, filters: QueueFilters) -> QuerySet[Case]:
    """The work queue: visible cases, filtered, most pressing first (red before green, then earliest due)."""
    qs = cases_visible_to(user)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.light:
        qs = qs.filter(light=filters.light)
    if filters.overdue:
        qs = qs.filter(overdue=True)
    if filters.department:
        qs = qs.filter(lead_department__code=filters.department)
    if filters.category:
        qs = qs.filter(category__path__contains=f"/{filters.category}/")
    if filters.urgency:
        qs = qs.filter(urgency=filters.urgency)
    if filters.q:
        qs = qs.filter(Q(number__icontains=normalise(filters.q)) | Q(title__icontains=filters.q.strip()))
    if filters.needs_human:
        # The human queue: triage was unsure, or proposed something only a person may do (a refusal).
        qs = qs.filter(triage__status="needs_human")
    return qs.select_related("region", "kind", "category", "lead_department", "triage").order_by(
        "-overdue", F("next_due_at").asc(nulls_last=True), "-created_at"
    )
