"""Department performance figures over a period: the precise definitions behind the 两低一高 flags (monthly) and
the quarterly green / yellow / red department ratings.

Every figure is attributed to the case's lead department (as it stands when the figures are computed). Cases with
a recorded malicious-accusation finding (诬告陷害) are left out: the brief excludes false or malicious reports from
department performance figures.

* concluded: cases with at least one "conclude" transition in the period.
* verification rate (查实率) = concluded cases whose finding is substantiated or partly substantiated / concluded.
* repeat rate (重复举报率) = concluded cases that came back / concluded, where a case "came back" when a review was
  opened on it (review_count > 0), it was reopened after closing, or more than one report is attached to it
  (the same matter reported again and merged in).
* satisfaction rate (满意率) = ratings given in the period that are satisfied or basically satisfied / all ratings
  given in the period (a case rated again after a review counts each rating).
* on-time rate (按期办结率) = handling deadlines (start of handling, conclusion, feedback) that were met in the period
  on or before their due time / (those met in the period + those still open that fell due in the period and passed).

A rate is None when its denominator is zero.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from jubao.audit.models import AuditEvent
from jubao.cases.models import Case, Finding, Report, Satisfaction
from jubao.deadlines.models import CaseDeadline, DeadlineStatus, Stage

VERIFIED_FINDINGS = (Finding.SUBSTANTIATED, Finding.PARTLY)
SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASICALLY)
ON_TIME_STAGES = (Stage.RESPONSE, Stage.CONCLUSION, Stage.FEEDBACK)


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Figures:
    concluded: int = 0
    verified: int = 0
    repeats: int = 0
    rated: int = 0
    satisfied: int = 0
    deadlines: int = 0
    on_time: int = 0

    @property
    def verification_rate(self) -> float | None:
        return ratio(self.verified, self.concluded)

    @property
    def repeat_rate(self) -> float | None:
        return ratio(self.repeats, self.concluded)

    @property
    def satisfaction_rate(self) -> float | None:
        return ratio(self.satisfied, self.rated)

    @property
    def on_time_rate(self) -> float | None:
        return ratio(self.on_time, self.deadlines)


def not_malicious(case_ref: str = "pk") -> Q:
    """Leaves out cases with a malicious-accusation finding, when the handling app records them."""
    try:
        model = apps.get_model("handling", "MaliciousAccusationFinding")
    except LookupError:
        return Q()
    return ~Q(Exists(model.objects.filter(case_id=OuterRef(case_ref))))


def _events(kind: str, start: datetime, end: datetime):  # type: ignore[no-untyped-def]
    return AuditEvent.objects.filter(kind=kind, created_at__gte=start, created_at__lt=end)


def _concluded(start: datetime, end: datetime) -> list[Mapping[str, Any]]:
    reports = (Report.objects.filter(case=OuterRef("pk")).order_by().values("case")
               .annotate(n=Count("pk")).values("n"))
    reopened = AuditEvent.objects.filter(case=OuterRef("pk"), kind="case.reopen")
    came_back = Q(review_count__gt=0) | Q(n_reports__gte=2) | Q(was_reopened=True)
    return list(
        Case.objects.filter(pk__in=Subquery(_events("case.conclude", start, end).values("case_id")),
                            lead_department__isnull=False)
        .filter(not_malicious())
        .annotate(n_reports=Subquery(reports), was_reopened=Exists(reopened))
        .order_by().values("lead_department_id")
        .annotate(concluded=Count("pk"), verified=Count("pk", filter=Q(finding__in=VERIFIED_FINDINGS)),
                  repeats=Count("pk", filter=came_back))
    )


def _ratings(start: datetime, end: datetime) -> list[Mapping[str, Any]]:
    return list(
        _events("case.rate", start, end).filter(case__lead_department__isnull=False).filter(not_malicious("case_id"))
        .order_by().values("case__lead_department_id")
        .annotate(rated=Count("pk"), satisfied=Count("pk", filter=Q(payload__satisfaction__in=list(SATISFIED))))
    )


def _deadlines(start: datetime, end: datetime, now: datetime) -> list[Mapping[str, Any]]:
    met = Q(status=DeadlineStatus.MET, completed_at__gte=start, completed_at__lt=end)
    missed_open = Q(status__in=(DeadlineStatus.RUNNING, DeadlineStatus.PAUSED), due_at__gte=start,
                    due_at__lt=min(end, now))
    return list(
        CaseDeadline.objects.filter(stage__in=ON_TIME_STAGES, case__lead_department__isnull=False)
        .filter(met | missed_open).filter(not_malicious("case_id"))
        .order_by().values("case__lead_department_id")
        .annotate(deadlines=Count("pk"),
                  on_time=Count("pk", filter=Q(status=DeadlineStatus.MET, completed_at__lte=F("due_at"))))
    )


def department_figures(start: datetime, end: datetime, *, now: datetime | None = None) -> dict[int, Figures]:
    """Figures per lead department (by id) for [start, end). Three GROUP BY queries, whatever the volume."""
    now = now or timezone.now()
    result: dict[int, Figures] = defaultdict(Figures)
    for row in _concluded(start, end):
        figures = result[row["lead_department_id"]]
        figures.concluded, figures.verified, figures.repeats = row["concluded"], row["verified"], row["repeats"]
    for row in _ratings(start, end):
        figures = result[row["case__lead_department_id"]]
        figures.rated, figures.satisfied = row["rated"], row["satisfied"]
    for row in _deadlines(start, end, now):
        figures = result[row["case__lead_department_id"]]
        figures.deadlines, figures.on_time = row["deadlines"], row["on_time"]
    return dict(result)
