"""Quarterly green / yellow / red department flags (季考核) from the on-time, satisfaction and repeat rates.

The figures are those of jubao.quality.figures over the quarter. Each figure gets a colour from its bands, and the
department's flag is the worst of the figures judged; a figure over fewer than `min_cases` is not judged, and a
department with none judged is grey ("not enough cases"). Bands (settings.JUBAO_DEPARTMENT_RATING_BANDS overrides):

* on_time (green at or above, yellow at or above, else red): 0.95 / 0.90 — the plan's conclusion-rate targets of
  95 % (2025) and 90 % (2024), plan-public-reporting-work §2.2.2; overdue share under 3 % in §5.2.
* satisfaction: 0.85 / 0.65 — the plan's target of 85 %+ (§2.2.4) and the 65 % measured before it (§1.3.3).
* repeat (green at or below, yellow at or below, else red): 0.10 / 0.23 — the target under 10 % and the 23 %
  measured on a 12345 hotline (§1.3.3, §2.2.2).
* min_cases: 5.

The ranking orders green before yellow before red before grey, then by on-time rate, satisfaction rate (higher
first) and repeat rate (lower first).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jubao.accounts.actors import Actor
from jubao.audit.chain import EventDraft, append_event
from jubao.organisation.models import Department
from jubao.quality.figures import Figures, department_figures
from jubao.quality.models import PeriodRun
from jubao.quality.periods import quarter_bounds, quarter_label

from . import notify
from .models import COLOUR_ORDER, DepartmentRating, RatingColour

DEFAULT_BANDS: dict[str, Any] = {
    "on_time": (0.95, 0.90),
    "satisfaction": (0.85, 0.65),
    "repeat": (0.10, 0.23),
    "min_cases": 5,
}
RUN_KIND = "department-ratings"


def bands() -> dict[str, Any]:
    return {**DEFAULT_BANDS, **getattr(settings, "JUBAO_DEPARTMENT_RATING_BANDS", {})}


def colour_of(rate: float | None, count: int, limits: tuple[float, float], *, min_cases: int,
              lower_is_better: bool = False) -> str:
    if rate is None or count < min_cases:
        return RatingColour.GREY
    green, yellow = limits
    if lower_is_better:
        return RatingColour.GREEN if rate <= green else RatingColour.YELLOW if rate <= yellow else RatingColour.RED
    return RatingColour.GREEN if rate >= green else RatingColour.YELLOW if rate >= yellow else RatingColour.RED


def rate(figures: Figures, limits: dict[str, Any] | None = None) -> dict[str, str]:
    limits = limits or bands()
    enough = int(limits["min_cases"])
    colours = {
        "on_time_colour": colour_of(figures.on_time_rate, figures.deadlines, limits["on_time"], min_cases=enough),
        "satisfaction_colour": colour_of(figures.satisfaction_rate, figures.rated, limits["satisfaction"],
                                         min_cases=enough),
        "repeat_colour": colour_of(figures.repeat_rate, figures.concluded, limits["repeat"], min_cases=enough,
                                   lower_is_better=True),
    }
    judged = [colour for colour in colours.values() if colour != RatingColour.GREY]
    colours["colour"] = max(judged, key=lambda c: COLOUR_ORDER[cast(RatingColour, c)]) if judged else RatingColour.GREY
    return colours


def _rank_key(row: DepartmentRating) -> tuple:
    def desc(value: float | None) -> float:
        return -value if value is not None else 1.0

    return (COLOUR_ORDER[cast(RatingColour, row.colour)], desc(row.on_time_rate), desc(row.satisfaction_rate),
            row.repeat_rate if row.repeat_rate is not None else 1.0, row.department_id)


@transaction.atomic
def department_ratings_compute(
    *, actor: Actor, quarter: date, recompute: bool = False, final: bool = True, now: datetime | None = None,
) -> list[DepartmentRating]:
    """Compute and store the quarter's ratings, one row per department with activity in it. Without `recompute`
    a quarter already computed is left as it is (returns []); with it, its rows are replaced."""
    now = now or timezone.now()
    if PeriodRun.objects.filter(kind=RUN_KIND, period=quarter).exists() and not recompute:
        return []
    start, end = quarter_bounds(quarter)
    figures = department_figures(start, end, now=now)
    limits = bands()
    departments = Department.objects.select_related("region").in_bulk(list(figures))
    rows = [
        DepartmentRating(
            period=quarter, department_id=department_id, deadlines=numbers.deadlines, on_time=numbers.on_time,
            rated=numbers.rated, satisfied=numbers.satisfied, concluded=numbers.concluded, repeats=numbers.repeats,
            on_time_rate=numbers.on_time_rate, satisfaction_rate=numbers.satisfaction_rate,
            repeat_rate=numbers.repeat_rate, rank=0, computed_at=now, **rate(numbers, limits))
        for department_id, numbers in figures.items() if department_id in departments
    ]
    rows.sort(key=_rank_key)
    for position, row in enumerate(rows, start=1):
        row.rank = position
    DepartmentRating.objects.filter(period=quarter).delete()
    DepartmentRating.objects.bulk_create(rows)
    red = [row for row in rows if row.colour == RatingColour.RED]
    append_event(EventDraft(kind="supervision.ratings_computed", actor_kind=actor.kind, actor_id=actor.user_id,
                            actor_label=actor.label,
                            payload={"quarter": quarter_label(quarter), "departments": len(rows),
                                     "red": [departments[row.department_id].code for row in red],
                                     "bands": {k: list(v) if isinstance(v, tuple) else v for k, v in limits.items()}}),
                 now=now)
    for row in red:
        notify.department_rated(row, departments[row.department_id], quarter_label(quarter))
    if final:  # a period still running (the demo shows one) stays open for the periodic job
        PeriodRun.objects.update_or_create(kind=RUN_KIND, period=quarter, defaults={"finished_at": now})
    return rows
