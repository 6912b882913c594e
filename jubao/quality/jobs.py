"""Background work of the quality app, run by `manage.py worker`."""

from __future__ import annotations

from jubao.accounts.actors import Actor
from jubao.jobs.registry import periodic

from .flags import RUN_KIND as FLAGS_RUN
from .models import PeriodRun
from .periods import previous_month
from .sampling import RUN_KIND as SAMPLE_RUN
from .services import department_flags_compute, retrospective_samples_draw, self_reviews_sweep_overdue

SYSTEM = Actor.system("quality-monthly")


@periodic("quality-self-reviews-overdue", interval_seconds=300)
def sweep_self_reviews() -> None:
    self_reviews_sweep_overdue()


@periodic("quality-monthly", interval_seconds=3600)
def monthly() -> None:
    """Once the month is over: draw its retrospective sample and compute its 两低一高 flags (each once)."""
    month = previous_month()
    done = set(PeriodRun.objects.filter(period=month).values_list("kind", flat=True))
    if SAMPLE_RUN not in done:
        retrospective_samples_draw(actor=SYSTEM, month=month)
    if FLAGS_RUN not in done:
        department_flags_compute(actor=SYSTEM, month=month)
