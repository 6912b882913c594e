"""Background work of the notifications app, discovered by the jobs app."""

from __future__ import annotations

import time

from jubao.jobs.registry import periodic

from .services import outbox_deliver

# Stay inside the interval so the next run is not already due when this one ends.
TIME_BUDGET_SECONDS = 4.0
BATCH_SIZE = 200


@periodic("deliver-outbox", interval_seconds=5)
def deliver_outbox() -> None:
    # A deadline sweep can write thousands of messages at once: keep draining full
    # batches while time remains instead of waiting one interval per batch.
    deadline = time.monotonic() + TIME_BUDGET_SECONDS
    while outbox_deliver(batch_size=BATCH_SIZE) == BATCH_SIZE and time.monotonic() < deadline:
        pass
