"""The background job that runs an import. Its payload is only the batch's public id."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.jobs.models import Job
from jubao.jobs.registry import job
from jubao.jobs.services import job_report_progress

from .models import ImportBatch
from .runner import import_batch_fail, import_batch_run

logger = logging.getLogger("jubao.imports")

LEASE_SECONDS = 300


@job("imports.run")
def run_import(job: Job) -> None:
    batch = ImportBatch.objects.select_related("created_by").filter(public_id=job.payload.get("batch")).first()
    if batch is None:
        logger.warning("job %s: import batch not found", job.public_id)
        return

    def progress(state: dict) -> bool:
        # Also extends the lease, so a long file is not taken over while it is still being read.
        return job_report_progress(job, state, lease_seconds=LEASE_SECONDS)

    try:
        import_batch_run(actor=Actor.staff(batch.created_by), batch=batch, on_progress=progress)
    except Exception as exc:
        if job.attempts >= job.max_attempts:
            # The job gives up: say so on the batch instead of leaving it "running" for ever. Only the
            # exception's type is shown: its text may quote a value from the file.
            with translation.override(batch.language or settings.LANGUAGE_CODE):
                message = _("The import stopped after repeated errors (%(error)s). Start it again to continue "
                            "from the last row it counted.") % {"error": type(exc).__name__}
            import_batch_fail(batch=batch, message=message)
        raise
