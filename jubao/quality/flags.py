"""The monthly 两低一高 department flags: low verification rate (查实率低), low satisfaction rate (反馈满意率低) and
high repeat-report rate (重复举报率高), as named in the source document's seventh step (复盘).

Thresholds (settings.JUBAO_QUALITY_FLAG_THRESHOLDS overrides any of them):

* verification_below 0.30 — the national share of checkable accusations before "降量提质" was 28 %
  (speech-quality-intake-seven-steps); a department substantiating fewer than 30 % of its concluded cases is low.
* satisfaction_below 0.80 — the plan's target is 80 %, then 85 %+ (plan-public-reporting-work §2.2.4, §8.1).
* repeat_above 0.10 — the plan's target is to bring the repeat rate from 23 % to under 10 % (§2.2.2).
* min_cases 5 — a rate over fewer cases than this is not judged (one dissatisfied reporter out of two is no
  pattern). Each flag is judged on its own denominator.

`two_low_one_high` is set when all three are flagged; the page lists every department with at least one flag.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jubao.accounts.actors import Actor
from jubao.audit.chain import EventDraft, append_event
from jubao.organisation.models import Department

from . import notify
from .figures import Figures, department_figures
from .models import DepartmentFlag, PeriodRun
from .periods import month_bounds, month_label

DEFAULT_THRESHOLDS: dict[str, Any] = {
    "verification_below": 0.30,
    "satisfaction_below": 0.80,
    "repeat_above": 0.10,
    "min_cases": 5,
}
RUN_KIND = "department-flags"


def thresholds() -> dict[str, Any]:
    return {**DEFAULT_THRESHOLDS, **getattr(settings, "JUBAO_QUALITY_FLAG_THRESHOLDS", {})}


def judge(figures: Figures, limits: dict[str, Any] | None = None) -> dict[str, bool]:
    limits = limits or thresholds()
    enough = int(limits["min_cases"])
    low_verification = (figures.concluded >= enough
                        and figures.verification_rate is not None
                        and figures.verification_rate < limits["verification_below"])
    low_satisfaction = (figures.rated >= enough and figures.satisfaction_rate is not None
                        and figures.satisfaction_rate < limits["satisfaction_below"])
    high_repeat = (figures.concluded >= enough and figures.repeat_rate is not None
                   and figures.repeat_rate > limits["repeat_above"])
    return {"low_verification": low_verification, "low_satisfaction": low_satisfaction, "high_repeat": high_repeat,
            "two_low_one_high": low_verification and low_satisfaction and high_repeat}


@transaction.atomic
def department_flags_compute(
    *, actor: Actor, month: date, recompute: bool = False, final: bool = True, now: datetime | None = None,
) -> list[DepartmentFlag]:
    """Compute and store one row per department with activity in the month. Without `recompute` a month already
    computed is left as it is (returns []); with it, its rows are replaced."""
    now = now or timezone.now()
    month = month.replace(day=1)
    if PeriodRun.objects.filter(kind=RUN_KIND, period=month).exists() and not recompute:
        return []
    start, end = month_bounds(month)
    figures = department_figures(start, end, now=now)
    limits = thresholds()
    departments = Department.objects.select_related("region").in_bulk(list(figures))
    DepartmentFlag.objects.filter(period=month).delete()
    rows = []
    for department_id, numbers in figures.items():
        if department_id not in departments:
            continue
        rows.append(DepartmentFlag(
            period=month, department_id=department_id, concluded=numbers.concluded, verified=numbers.verified,
            repeats=numbers.repeats, rated=numbers.rated, satisfied=numbers.satisfied,
            verification_rate=numbers.verification_rate, satisfaction_rate=numbers.satisfaction_rate,
            repeat_rate=numbers.repeat_rate, computed_at=now, **judge(numbers, limits)))
    DepartmentFlag.objects.bulk_create(rows)
    flagged = [row for row in rows if row.two_low_one_high]
    append_event(EventDraft(kind="quality.flags_computed", actor_kind=actor.kind, actor_id=actor.user_id,
                            actor_label=actor.label,
                            payload={"month": month_label(month), "departments": len(rows),
                                     "two_low_one_high": [departments[row.department_id].code for row in flagged],
                                     "thresholds": limits}), now=now)
    for row in flagged:
        notify.department_flagged(row, departments[row.department_id], month_label(month))
    if final:  # a period still running (the demo shows one) stays open for the periodic job
        PeriodRun.objects.update_or_create(kind=RUN_KIND, period=month, defaults={"finished_at": now})
    return rows
