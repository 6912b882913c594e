"""Background work of the triage app, discovered by the jobs app."""

from __future__ import annotations

from jubao.jobs.models import Job
from jubao.jobs.registry import job


@job("triage.run")
def run_triage(job: Job) -> None:
    from .pipeline import triage_report

    triage_report(int(job.payload["report_id"]))


@job("triage.emergency_sweep")
def sweep_emergency(job: Job) -> None:
    from .services import emergency_sweep

    emergency_sweep(int(job.payload["event_id"]))
