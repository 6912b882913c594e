"""Enqueueing, claiming, running and finishing jobs; running periodic tasks.

Delivery is at least once: a job whose worker dies is taken over when its lease
expires, so handlers must be idempotent.

Claiming must hand each job to exactly one worker although many processes on many
machines poll the same table:

* PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` picks rows nobody else is claiming
  right now, and they are marked running in the same transaction.
* SQLite: writers are serialised (IMMEDIATE transactions), and every row is taken with
  a conditional `UPDATE … WHERE id = ? AND status = ?` whose row count tells whether
  this process won it.

Times come from each process's clock; machines running workers must keep NTP time.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from jubao.fastinsert import insert_one

from . import registry
from .models import ACTIVE_STATUSES, Job, JobStatus, PeriodicTask

logger = logging.getLogger("jubao.jobs")

MAX_ERROR_CHARS = 8000


def retry_delay_seconds(attempts: int) -> float:
    """Exponential backoff after the `attempts`-th failed attempt: base, 2×base, 4×base … capped."""
    base = float(getattr(settings, "JUBAO_JOB_RETRY_BASE_SECONDS", 10))
    cap = float(getattr(settings, "JUBAO_JOB_RETRY_MAX_SECONDS", 3600))
    return min(cap, base * (2 ** max(0, attempts - 1)))


def _format_error(error: BaseException | str) -> str:
    if isinstance(error, BaseException):
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    else:
        text = str(error)
    return text[-MAX_ERROR_CHARS:]


# --- Enqueue ------------------------------------------------------------------------------


def job_enqueue(
    *,
    kind: str,
    payload: dict[str, Any] | None = None,
    run_at: datetime | None = None,
    dedupe_key: str | None = None,
    max_attempts: int = 5,
) -> Job:
    """Queue a job. Called inside a transaction, the job exists only if that transaction commits.

    With `dedupe_key`, a queued or running job with the same key is returned instead
    of creating a second one. `payload` must never contain reporter identity.
    """
    if registry.get_handler(kind) is None:
        raise ValueError(f"no handler registered for job kind {kind!r}")
    if run_at is not None and timezone.is_naive(run_at):
        raise ValueError("run_at must be timezone-aware")
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    fields = {
        "kind": kind,
        "payload": payload or {},
        "run_at": run_at or timezone.now(),
        "max_attempts": max_attempts,
        "dedupe_key": dedupe_key or None,
    }
    if not dedupe_key:
        return insert_one(Job(**fields))
    existing = Job.objects.filter(dedupe_key=dedupe_key, status__in=ACTIVE_STATUSES).first()
    if existing is not None:
        return existing
    try:
        # The savepoint keeps the caller's transaction usable when a concurrent
        # enqueue wins the race for the key.
        with transaction.atomic():
            return Job.objects.create(**fields)
    except IntegrityError:
        existing = Job.objects.filter(dedupe_key=dedupe_key, status__in=ACTIVE_STATUSES).first()
        if existing is None:
            raise
        return existing


# --- Claim --------------------------------------------------------------------------------


def _claim_values(*, worker_id: str, now: datetime, lease_seconds: int) -> dict[str, Any]:
    return {
        "status": JobStatus.RUNNING,
        "locked_by": worker_id,
        "locked_until": now + timedelta(seconds=lease_seconds),
        "attempts": F("attempts") + 1,
    }


def _claim_postgres(*, worker_id: str, limit: int, lease_seconds: int, now: datetime) -> list[int]:
    with transaction.atomic():
        ids = list(
            Job.objects.select_for_update(skip_locked=True)
            .filter(status=JobStatus.QUEUED, run_at__lte=now)
            .order_by("run_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        if len(ids) < limit:
            ids += list(
                Job.objects.select_for_update(skip_locked=True)
                .filter(status=JobStatus.RUNNING, locked_until__lt=now)
                .order_by("locked_until", "id")
                .values_list("id", flat=True)[: limit - len(ids)]
            )
        if ids:
            Job.objects.filter(id__in=ids).update(
                **_claim_values(worker_id=worker_id, now=now, lease_seconds=lease_seconds)
            )
    return ids


def _claim_conditional(*, worker_id: str, limit: int, lease_seconds: int, now: datetime) -> list[int]:
    values = _claim_values(worker_id=worker_id, now=now, lease_seconds=lease_seconds)
    claimed: list[int] = []
    # One transaction for the batch: a single write lock and commit instead of one per row.
    with transaction.atomic():
        candidates = list(
            Job.objects.filter(status=JobStatus.QUEUED, run_at__lte=now)
            .order_by("run_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        for job_id in candidates:
            if Job.objects.filter(id=job_id, status=JobStatus.QUEUED).update(**values) == 1:
                claimed.append(job_id)
        if len(claimed) < limit:
            expired = list(
                Job.objects.filter(status=JobStatus.RUNNING, locked_until__lt=now)
                .order_by("locked_until", "id")
                .values_list("id", flat=True)[: limit - len(claimed)]
            )
            for job_id in expired:
                won = Job.objects.filter(id=job_id, status=JobStatus.RUNNING, locked_until__lt=now).update(**values)
                if won == 1:
                    claimed.append(job_id)
    return claimed


def job_claim(*, worker_id: str, limit: int = 1, lease_seconds: int = 300) -> list[Job]:
    """Take up to `limit` due jobs for `worker_id`, including jobs whose previous worker's lease expired.

    Returned jobs are running and leased to `worker_id` for `lease_seconds`; a job that
    runs longer should call `job_report_progress` to extend its lease.
    """
    if limit < 1:
        return []
    now = timezone.now()
    claim = _claim_postgres if settings.IS_POSTGRES else _claim_conditional
    ids = claim(worker_id=worker_id, limit=limit, lease_seconds=lease_seconds, now=now)
    if not ids:
        return []
    jobs = list(Job.objects.filter(id__in=ids, locked_by=worker_id).order_by("run_at", "id"))
    runnable = []
    for job in jobs:
        if job.attempts > job.max_attempts:
            # Only a crashed worker takes attempts past the limit: a job that kills its
            # worker every time must stop being retried.
            job_fail(job, "lease expired after the last allowed attempt (worker crashed?)")
        else:
            runnable.append(job)
    return runnable


# --- Finish -------------------------------------------------------------------------------


def _ours(job: Job):  # type: ignore[no-untyped-def]
    # Only the worker holding the lease may finish a job; after a takeover the newer
    # worker's outcome is the one that counts.
    return Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, locked_by=job.locked_by)


def job_complete(job: Job) -> bool:
    """Mark a running job done. Returns False if this worker no longer held it."""
    now = timezone.now()
    updated = _ours(job).update(status=JobStatus.DONE, finished_at=now, locked_until=None, last_error="")
    if updated:
        job.status, job.finished_at, job.locked_until, job.last_error = JobStatus.DONE, now, None, ""
    return bool(updated)


def job_fail(job: Job, error: BaseException | str) -> bool:
    """Record a failed attempt: requeue with exponential backoff, or fail for good after max_attempts."""
    now = timezone.now()
    text = _format_error(error)
    if job.attempts >= job.max_attempts:
        values: dict[str, Any] = {"status": JobStatus.FAILED, "finished_at": now}
    else:
        values = {"status": JobStatus.QUEUED, "run_at": now + timedelta(seconds=retry_delay_seconds(job.attempts))}
    values.update(locked_until=None, last_error=text)
    updated = _ours(job).update(**values)
    if updated:
        for name, value in values.items():
            setattr(job, name, value)
    return bool(updated)


def job_release(job: Job) -> bool:
    """Give a claimed but not yet started job back to the queue (e.g. on shutdown)."""
    values = {"status": JobStatus.QUEUED, "locked_until": None, "attempts": F("attempts") - 1}
    updated = _ours(job).filter(attempts__gte=1).update(**values)
    if updated:
        job.refresh_from_db()
    return bool(updated)


def job_report_progress(job: Job, progress: dict[str, Any], *, lease_seconds: int | None = None) -> bool:
    """Store progress of a long job and extend its lease.

    Returns False when the job is no longer this worker's (its lease expired and
    another worker took it over); the handler should then stop.
    """
    values: dict[str, Any] = {"progress": progress}
    if lease_seconds is not None:
        values["locked_until"] = timezone.now() + timedelta(seconds=lease_seconds)
    updated = _ours(job).update(**values)
    if updated:
        for name, value in values.items():
            setattr(job, name, value)
    return bool(updated)


def job_retry(*, actor, job: Job) -> bool:  # type: ignore[no-untyped-def]
    """Requeue a failed (or finished) job from scratch; False if an active job holds its dedupe key.

    `actor` is the staff member asking, kept in the signature for the house rule and
    future auditing.
    """
    if job.status in ACTIVE_STATUSES:
        return False
    now = timezone.now()
    values = {
        "status": JobStatus.QUEUED, "run_at": now, "attempts": 0, "finished_at": None,
        "locked_until": None, "progress": {},
    }
    try:
        with transaction.atomic():
            updated = Job.objects.filter(pk=job.pk, status=job.status).update(**values)
    except IntegrityError:
        return False
    if updated:
        for name, value in values.items():
            setattr(job, name, value)
    return bool(updated)


# --- Run ------------------------------------------------------------------------------------


def job_run_one(job: Job) -> str:
    """Run a claimed job's handler and record the outcome; returns the job's new status.

    Logs one line with kind and public_id only: payloads stay out of logs. The handler
    runs outside any transaction so a long job does not hold the database's write lock;
    it opens its own transactions where it needs them.
    """
    started = time.monotonic()
    handler = registry.get_handler(job.kind)
    if handler is None:
        job_fail(job, f"no handler registered for job kind {job.kind!r}")
        logger.warning("job %s %s failed: no handler", job.kind, job.public_id)
        return job.status
    try:
        handler(job)
    except Exception as exc:
        job_fail(job, exc)
        logger.warning(
            "job %s %s %s after attempt %d (%s) in %.3fs",
            job.kind, job.public_id, "retrying" if job.status == JobStatus.QUEUED else "failed",
            job.attempts, type(exc).__name__, time.monotonic() - started,
        )
        return job.status
    if job_complete(job):
        logger.info("job %s %s done in %.3fs", job.kind, job.public_id, time.monotonic() - started)
    else:
        logger.warning("job %s %s finished after its lease was taken over", job.kind, job.public_id)
    return job.status


# --- Periodic tasks -------------------------------------------------------------------------


def _sync_periodic_rows(specs: Iterable[registry.PeriodicSpec], now: datetime) -> dict[str, PeriodicTask]:
    specs = list(specs)
    rows = {row.name: row for row in PeriodicTask.objects.filter(name__in=[s.name for s in specs])}
    missing = [
        PeriodicTask(name=s.name, interval_seconds=s.interval_seconds, next_run_at=now)
        for s in specs if s.name not in rows
    ]
    if missing:
        # Several workers may start at once; whoever inserts first wins, the rest ignore the conflict.
        PeriodicTask.objects.bulk_create(missing, ignore_conflicts=True)
        rows = {row.name: row for row in PeriodicTask.objects.filter(name__in=[s.name for s in specs])}
    for spec in specs:
        row = rows.get(spec.name)
        if row is not None and row.interval_seconds != spec.interval_seconds:
            row.interval_seconds = spec.interval_seconds
            PeriodicTask.objects.filter(pk=row.pk).update(interval_seconds=spec.interval_seconds)
    return rows


def run_due_periodic_tasks(*, worker_id: str) -> int:
    """Run every registered periodic task that is due and that this worker wins; returns how many ran."""
    specs = registry.get_periodic_tasks()
    if not specs:
        return 0
    now = timezone.now()
    rows = _sync_periodic_rows(specs, now)
    ran = 0
    for spec in specs:
        row = rows.get(spec.name)
        if row is None or row.next_run_at > now:
            continue
        started = timezone.now()
        won = PeriodicTask.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
            next_run_at=started + timedelta(seconds=spec.interval_seconds),
            last_started_at=started,
            last_worker=worker_id,
        )
        if won != 1:
            continue
        ran += 1
        error = ""
        try:
            spec.fn()
        except Exception as exc:
            error = _format_error(exc)
            logger.warning("periodic %s failed (%s)", spec.name, type(exc).__name__)
        else:
            logger.debug("periodic %s done in %.3fs", spec.name, (timezone.now() - started).total_seconds())
        PeriodicTask.objects.filter(pk=row.pk).update(last_finished_at=timezone.now(), last_error=error)
    return ran
