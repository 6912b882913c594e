"""Background work of the supervision app, run by `manage.py worker`."""

from __future__ import annotations

from jubao.accounts.actors import Actor
from jubao.jobs.registry import periodic
from jubao.quality.models import PeriodRun
from jubao.quality.periods import previous_quarter

from .ratings import RUN_KIND
from .services import department_ratings_compute, notices_sweep_overdue


@periodic("supervision-notices-overdue", interval_seconds=300)
def sweep_notices() -> None:
    notices_sweep_overdue()


@periodic("supervision-quarterly-ratings", interval_seconds=3600)
def quarterly_ratings() -> None:
    """Once a quarter is over, rate its departments green / yellow / red (once)."""
    quarter = previous_quarter()
    if not PeriodRun.objects.filter(kind=RUN_KIND, period=quarter).exists():
        department_ratings_compute(actor=Actor.system("supervision-quarterly"), quarter=quarter)
