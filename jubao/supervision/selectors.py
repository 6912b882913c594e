"""The supervisor's view: every open case in their jurisdiction that is late, escalated or bouncing.

Everything reads the partial index `case_needs_supervision` (jubao/cases/models.py): the list walks it newest
deadline first, and the counts are one GROUP BY over the same rows, so the page costs two queries at any size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Case as Case_
from django.db.models import Count, F, Q, QuerySet, When
from django.utils.translation import gettext_lazy as _

from jubao.accounts.models import DEPARTMENT_ROLES, Role, User
from jubao.cases.models import BOUNCING_AT, NEEDS_SUPERVISION, Case, CaseState
from jubao.cases.selectors import cases_visible_to
from jubao.organisation.models import Region

from .models import DepartmentRating, NoticeStatus, SupervisionNotice

SUPERVISION_ROLES = frozenset({Role.SUPERVISOR, Role.LEADERSHIP, Role.ADMIN})
PAGE_SIZE = 25

# Kinds of problem, in the order the page shows them. A case can have several (red and escalated, say).
PROBLEMS: dict[str, Q] = {
    "overdue": Q(overdue=True),
    "red": Q(light="red"),
    "orange": Q(light="orange"),
    "escalated": Q(state=CaseState.ESCALATED) | Q(escalation_count__gt=0),
    "bouncing": Q(bounce_count__gte=BOUNCING_AT),
}
PROBLEM_LABELS = {
    "overdue": _("Overdue"), "red": _("Red light"), "orange": _("Orange light"),
    "escalated": _("Escalated"), "bouncing": _("Bouncing"),
}


def may_supervise(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active
                and (user.is_superuser or user.role in SUPERVISION_ROLES))


@dataclass(frozen=True)
class OverviewFilters:
    problem: str = ""  # a key of PROBLEMS, or "" for any
    department: str = ""  # a department code; "none" for cases without a lead department
    region: str = ""  # a division code inside the user's jurisdiction
    page: int = 1


@dataclass(frozen=True)
class DepartmentCounts:
    code: str  # "" when no lead department is set yet
    name: str
    total: int
    by_problem: dict[str, int]

    @property
    def counts(self) -> list[int]:
        """The per-problem counts in the order of PROBLEMS (for a table row)."""
        return [self.by_problem[name] for name in PROBLEMS]


@dataclass
class Overview:
    totals: dict[str, int]  # per problem, for the region and department chosen (any problem)
    total: int  # cases shown across all pages (after every filter)
    departments: list[DepartmentCounts]  # per lead department, for the region chosen (any department)
    cases: list[Case]
    page: int
    num_pages: int
    region_unknown: bool = False  # the region asked for is not inside the user's jurisdiction
    filters: OverviewFilters = field(default_factory=OverviewFilters)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages


def supervision_regions(user: User) -> QuerySet[Region]:
    """The regions a supervisor may narrow the view to: their jurisdiction's subtree (all of it for admins)."""
    if user.is_superuser or user.role == Role.ADMIN:
        return Region.objects.order_by("path")
    scope = user.scope_region
    return Region.objects.filter(path__startswith=scope.path).order_by("path") if scope else Region.objects.none()


def _problem_cases(user: User, region: str) -> QuerySet[Case] | None:
    """Open problem cases visible to the user, within the region asked for; None if that region is out of bounds."""
    qs = cases_visible_to(user).filter(NEEDS_SUPERVISION)
    if region:
        # The region's path is a prefix of its cases' paths; a region outside the jurisdiction shows nothing.
        path = supervision_regions(user).filter(code=region).values_list("path", flat=True).first()
        if path is None:
            return None
        qs = qs.filter(region_path__startswith=path)
    return qs


def _counts(qs: QuerySet[Case]) -> list[dict[str, Any]]:
    """One GROUP BY over the partial index: per lead department, all problem cases and each problem's count."""
    aggregates = {name: Count("pk", filter=condition) for name, condition in PROBLEMS.items()}
    rows = (qs.order_by().values("lead_department__code", "lead_department__name")
            .annotate(total=Count("pk"), **aggregates))
    return [dict(row) for row in rows]


def supervision_overview(user: User, *, filters: OverviewFilters) -> Overview:
    """Counts per problem and per lead department, and one page of the cases, newest deadline first.

    Cases with no running deadline come first: late, escalated or bouncing while no clock runs needs a look most
    (and it is the order of the index on PostgreSQL, where DESC puts NULLs first).

    Callers check `may_supervise(user)` first; for anyone else the overview is empty.
    """
    empty = Overview(totals=dict.fromkeys(PROBLEMS, 0), total=0, departments=[], cases=[], page=1, num_pages=1,
                     filters=filters)
    if not may_supervise(user):
        return empty
    qs = _problem_cases(user, filters.region)
    if qs is None:
        empty.region_unknown = True
        return empty

    rows = _counts(qs)
    departments = sorted(
        (DepartmentCounts(code=row["lead_department__code"] or "", name=row["lead_department__name"] or "",
                          total=row["total"], by_problem={name: row[name] for name in PROBLEMS})
         for row in rows),
        key=lambda d: (-d.total, d.name),
    )
    chosen = [d for d in departments if _department_matches(d.code, filters.department)]
    totals = {name: sum(d.by_problem[name] for d in chosen) for name in PROBLEMS}
    problem = filters.problem if filters.problem in PROBLEMS else ""
    total = totals[problem] if problem else sum(d.total for d in chosen)

    if problem:
        qs = qs.filter(PROBLEMS[problem])
    if filters.department == "none":
        qs = qs.filter(lead_department__isnull=True)
    elif filters.department:
        qs = qs.filter(lead_department__code=filters.department)
    num_pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, filters.page), num_pages)
    offset = (page - 1) * PAGE_SIZE
    cases = list(
        qs.select_related("region", "kind", "lead_department")
        .order_by(F("next_due_at").desc(nulls_first=True), "-id")[offset:offset + PAGE_SIZE]
    )
    return Overview(totals=totals, total=total, departments=departments, cases=cases, page=page,
                    num_pages=num_pages, filters=filters)


def _department_matches(code: str, wanted: str) -> bool:
    if not wanted:
        return True
    if wanted == "none":
        return code == ""
    return code == wanted


def case_problems(case: Case) -> list[str]:
    """The problems of one listed case, for its row on the page (computed from the loaded fields)."""
    found = []
    if case.overdue:
        found.append("overdue")
    if case.light in ("red", "orange"):
        found.append(case.light)
    if case.state == CaseState.ESCALATED or case.escalation_count > 0:
        found.append("escalated")
    if case.bounce_count >= BOUNCING_AT:
        found.append("bouncing")
    return found


# --- supervision notices and department ratings ------------------------------------------------------------------
NOTICE_STATUSES = ("open", "replied", "overdue", "accepted")
OVERVIEW_NOTICES = 20


def notices_visible_to(user: User) -> QuerySet[SupervisionNotice]:
    """Departments see the notices sent to them; supervisors, leadership and auditors those on cases in their
    jurisdiction; administrators all."""
    if not user.is_authenticated or not user.is_active:
        return SupervisionNotice.objects.none()
    if user.is_superuser or user.role == Role.ADMIN:
        return SupervisionNotice.objects.all()
    if user.role in DEPARTMENT_ROLES:
        if user.department_id is None:
            return SupervisionNotice.objects.none()  # notices always go to a department
        return SupervisionNotice.objects.filter(department_id=user.department_id)
    if user.role in (Role.SUPERVISOR, Role.LEADERSHIP, Role.AUDITOR):
        region = user.scope_region
        if region is not None:
            return SupervisionNotice.objects.filter(case__region_path__startswith=region.path)
    return SupervisionNotice.objects.none()


def notices_for(user: User, *, status: str = "") -> QuerySet[SupervisionNotice]:
    qs = notices_visible_to(user)
    if status == "overdue":
        qs = qs.filter(status=NoticeStatus.OPEN, overdue=True)
    elif status in NoticeStatus.values:
        qs = qs.filter(status=status)
    stage = Case_(When(status=NoticeStatus.OPEN, then=0), When(status=NoticeStatus.REPLIED, then=1), default=2)
    return (qs.select_related("case", "department", "issued_by").annotate(stage=stage)
            .order_by("stage", "-overdue", "due_at", "-id"))


@dataclass
class OverdueNotices:
    total: int
    notices: list[SupervisionNotice]


def overdue_notices(user: User, *, limit: int = OVERVIEW_NOTICES) -> OverdueNotices:
    """Open notices flagged overdue, for the overview: the count and the longest overdue first."""
    if not may_supervise(user):
        return OverdueNotices(0, [])
    qs = notices_visible_to(user).filter(status=NoticeStatus.OPEN, overdue=True)
    notices = list(qs.select_related("case", "department").order_by("due_at", "id")[:limit])
    total = len(notices) if len(notices) < limit else qs.count()
    return OverdueNotices(total, notices)


def notice_case_number(public_id: str) -> str | None:
    """The case a notice belongs to (for redirecting back to its page); visibility is the service's job."""
    return SupervisionNotice.objects.filter(public_id=public_id).values_list("case__number", flat=True).first()


def case_notices(case: Case) -> list[SupervisionNotice]:
    return list(case.supervision_notices.select_related("department", "issued_by", "replied_by", "decided_by")
                .order_by("-issued_at", "-id"))


def rating_quarters() -> list[date]:
    return list(DepartmentRating.objects.order_by("-period").values_list("period", flat=True).distinct()[:12])


def ratings_for(user: User, quarter: date | None) -> list[DepartmentRating]:
    """The quarter's ranking, for departments in the user's jurisdiction (everyone's for administrators)."""
    if quarter is None or not (may_supervise(user) or user.role == Role.AUDITOR):
        return []
    qs = DepartmentRating.objects.filter(period=quarter)
    if not (user.is_superuser or user.role == Role.ADMIN):
        region = user.scope_region
        if region is None:
            return []
        qs = qs.filter(department__region__path__startswith=region.path)
    return list(qs.select_related("department").order_by("rank"))
