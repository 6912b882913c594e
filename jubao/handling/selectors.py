"""Reads for the handling pages, limited to what the user may see."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q

from jubao.accounts.models import Role, User
from jubao.cases.selectors import cases_visible_to
from jubao.organisation.models import Department

from .models import (
    ConclusionDraft,
    ConflictDeclaration,
    ExtensionRequest,
    HandlerProfile,
    HandlingTask,
    RequestStatus,
    TaskStatus,
)
from .services.approvals import EXTENSION_APPROVER


@dataclass
class PendingApproval:
    kind: str
    case_number: str
    case_title: str
    requested_by: str
    requested_at: datetime
    summary: str


def pending_approvals_for(user: User) -> list[PendingApproval]:
    """What waits for this user's decision: conclusions (department heads) and extensions (the pack's approver)."""
    visible = cases_visible_to(user)
    items: list[PendingApproval] = []
    # Drafts always belong to a department: a head without one has none to approve.
    if user.role == Role.DEPARTMENT_HEAD and user.department_id is not None:
        drafts = (ConclusionDraft.objects.filter(status=RequestStatus.PENDING, department_id=user.department_id,
                                                 case__in=visible)
                  .select_related("case", "drafted_by").order_by("submitted_at"))
        items += [PendingApproval("conclusion", d.case.number, d.case.title, str(d.drafted_by), d.submitted_at,
                                  d.get_finding_display()) for d in drafts]
    extensions = ExtensionRequest.objects.filter(status=RequestStatus.PENDING, case__in=visible).select_related(
        "case__policy_pack", "requested_by").order_by("requested_at")
    for e in extensions:
        approver = EXTENSION_APPROVER.get(e.case.policy_pack.code, Role.DEPARTMENT_HEAD)
        if approver == user.role and (approver != Role.DEPARTMENT_HEAD or e.department_id == user.department_id):
            items.append(PendingApproval("extension", e.case.number, e.case.title, str(e.requested_by),
                                         e.requested_at, e.reason))
    return sorted(items, key=lambda i: i.requested_at)


@dataclass
class DepartmentRow:
    department: Department
    returns: int
    extensions: int
    open_tasks: int
    overdue_tasks: int


def department_statistics(user: User) -> list[DepartmentRow]:
    """Returns, extensions and co-handling tasks per department (the department's own row for department roles)."""
    departments = Department.objects.filter(is_active=True).select_related("region").order_by("code")
    if user.role in (Role.HANDLER, Role.DEPARTMENT_HEAD):
        if user.department_id is None:
            return []
        departments = departments.filter(pk=user.department_id)
    elif user.role not in (Role.SUPERVISOR, Role.LEADERSHIP, Role.DISPATCHER, Role.ADMIN, Role.AUDITOR) \
            and not user.is_superuser:
        return []
    departments = departments.annotate(
        n_returns=Count("returns", distinct=True),
        n_extensions=Count("extension_requests", filter=Q(extension_requests__status=RequestStatus.APPROVED),
                           distinct=True),
    )
    open_tasks = HandlingTask.objects.filter(status=TaskStatus.OPEN).values("department_id").annotate(
        n=Count("id"), late=Count("id", filter=Q(overdue=True)))
    tasks: dict[int, Mapping[str, Any]] = {row["department_id"]: row for row in open_tasks}
    return [DepartmentRow(d, d.n_returns, d.n_extensions, tasks.get(d.pk, {}).get("n", 0),
                          tasks.get(d.pk, {}).get("late", 0)) for d in departments]


def own_conflicts(user: User) -> list[ConflictDeclaration]:
    return list(ConflictDeclaration.objects.filter(user=user).order_by("-is_active", "-declared_at"))


def own_profile(user: User) -> HandlerProfile | None:
    return HandlerProfile.objects.filter(user=user).first()


