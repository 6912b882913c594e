"""Background work of the deadlines app, run by `manage.py worker`."""

from django.conf import settings

from jubao.jobs.registry import periodic

from .sweeper import sweep_lights


@periodic("sweep-deadline-lights", interval_seconds=settings.JUBAO_SWEEP_INTERVAL_SECONDS)
def sweep_deadline_lights() -> None:
    sweep_lights()
