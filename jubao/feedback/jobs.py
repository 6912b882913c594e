"""Background work of the feedback app, discovered by the jobs app."""

from __future__ import annotations

from jubao.jobs.models import Job
from jubao.jobs.registry import job, periodic


@job("feedback.letter")
def write_letter(job: Job) -> None:
    from .letters import letter_generate

    letter_generate(answer_id=str(job.payload["answer"]))


@periodic("feedback-followups-overdue", interval_seconds=600)
def flag_overdue_followups() -> None:
    from .followups import followups_flag_overdue

    followups_flag_overdue()
