"""Reads of the quality app, applying who may see what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from jubao.accounts.models import DEPARTMENT_ROLES, Role, User
from jubao.cases.selectors import cases_visible_to
from jubao.organisation.models import Department

from .models import DepartmentFlag, RetrospectiveItem, RetrospectiveSample, SelfReview, SelfReviewStatus

OVERSIGHT_ROLES = frozenset({Role.SUPERVISOR, Role.LEADERSHIP, Role.AUDITOR, Role.ADMIN})
SELF_REVIEW_STATUSES = ("open", "overdue", "done")


def may_oversee(user: User) -> bool:
    """Supervisors, leadership, auditors and administrators see samples and department flags."""
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.role in OVERSIGHT_ROLES))


def may_see_self_reviews(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active
                and (user.is_superuser or user.role in DEPARTMENT_ROLES or user.role in OVERSIGHT_ROLES))


def self_reviews_for(user: User, *, status: str = "") -> QuerySet[SelfReview]:
    """Self-reviews the user may see: a handler their own and their department's unassigned ones, a department head
    the whole department's, oversight roles those of cases in their jurisdiction. Overdue ones first."""
    if not may_see_self_reviews(user):
        return SelfReview.objects.none()
    qs = SelfReview.objects.all()
    if user.is_superuser or user.role == Role.ADMIN:
        pass
    elif user.role in (Role.HANDLER, Role.DEPARTMENT_HEAD):
        if user.department_id is None:
            qs = qs.none()  # self-reviews always belong to a department
        elif user.role == Role.HANDLER:
            qs = qs.filter(Q(handler=user) | Q(handler__isnull=True), department_id=user.department_id)
        else:
            qs = qs.filter(department_id=user.department_id)
    else:
        region = user.scope_region
        qs = qs.filter(case__region_path__startswith=region.path) if region else qs.none()
    if status == "open":
        qs = qs.filter(status=SelfReviewStatus.OPEN)
    elif status == "overdue":
        qs = qs.filter(status=SelfReviewStatus.OPEN, overdue=True)
    elif status == "done":
        qs = qs.filter(status=SelfReviewStatus.DONE)
    # "open" sorts after "done": descending puts the ones still to fill in first.
    return qs.select_related("case", "department", "handler").order_by("-status", "-overdue", "due_at", "-id")


def case_self_reviews(case) -> list[SelfReview]:  # type: ignore[no-untyped-def]
    return list(case.self_reviews.select_related("handler", "submitted_by").order_by("-concluded_at", "-id"))


def case_retrospectives(case) -> list[RetrospectiveItem]:  # type: ignore[no-untyped-def]
    return list(case.retrospectives.select_related("sample", "reviewer").order_by("-sample__period"))


@dataclass(frozen=True)
class SampleFilters:
    month: date | None = None
    status: str = ""


def sample_months() -> list[date]:
    return list(RetrospectiveSample.objects.order_by("-period").values_list("period", flat=True).distinct()[:24])


def retrospective_items_for(user: User, filters: SampleFilters) -> QuerySet[RetrospectiveItem]:
    if not may_oversee(user):
        return RetrospectiveItem.objects.none()
    qs = RetrospectiveItem.objects.filter(case__in=cases_visible_to(user))
    if filters.month:
        qs = qs.filter(sample__period=filters.month)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.select_related("case", "department", "sample__jurisdiction", "reviewer").order_by(
        "status", "sample__jurisdiction__path", "case__number")


def samples_for(user: User, month: date | None) -> list[RetrospectiveSample]:
    if not may_oversee(user) or month is None:
        return []
    qs = RetrospectiveSample.objects.filter(period=month).select_related("jurisdiction")
    region = None if (user.is_superuser or user.role == Role.ADMIN) else user.scope_region
    if region is not None:
        # Samples of jurisdictions inside the user's, and the one that contains it.
        qs = qs.filter(Q(jurisdiction__path__startswith=region.path)
                       | Q(jurisdiction__path__in=_ancestor_paths(region.path)))
    elif not (user.is_superuser or user.role == Role.ADMIN):
        return []
    return list(qs.order_by("jurisdiction__path"))


def _ancestor_paths(path: str) -> list[str]:
    codes = [code for code in path.split("/") if code]
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def departments_in_scope(user: User) -> QuerySet[Department]:
    if user.is_superuser or user.role == Role.ADMIN:
        return Department.objects.all()
    region = user.scope_region
    return Department.objects.filter(region__path__startswith=region.path) if region else Department.objects.none()


def flag_months() -> list[date]:
    return list(DepartmentFlag.objects.order_by("-period").values_list("period", flat=True).distinct()[:24])


def department_flags_for(user: User, month: date | None) -> list[DepartmentFlag]:
    """The month's rows for departments in the user's jurisdiction: all three flags first, then by flags raised."""
    if not may_oversee(user) or month is None:
        return []
    rows = list(DepartmentFlag.objects.filter(period=month, department__in=departments_in_scope(user))
                .select_related("department"))
    return sorted(rows, key=lambda row: (-row.two_low_one_high, -row.flag_count, row.department.name))


def self_review_case_number(public_id: str) -> str | None:
    """The case a self-review belongs to (for redirecting back to its page); visibility is the service's job."""
    return SelfReview.objects.filter(public_id=public_id).values_list("case__number", flat=True).first()


def retrospective_case_number(public_id: str) -> str | None:
    return RetrospectiveItem.objects.filter(public_id=public_id).values_list("case__number", flat=True).first()
