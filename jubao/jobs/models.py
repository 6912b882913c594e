"""The database job queue and the schedule of periodic tasks.

The queue lives in the main database so that a job can be enqueued inside the same
transaction as the change that needs it: if that transaction rolls back, the job was
never there. Every web and worker process on every machine shares it.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# A dedupe key blocks a second copy only while the first one is still pending or underway.
ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


class Job(models.Model):
    """One unit of background work, run at least once by some worker.

    `payload` must never contain reporter identity (names, phone numbers, e-mail or
    postal addresses, ID numbers, vault plaintext …): it is readable in the admin and
    outlives the case's retention rules. Pass case or vault *references* (public ids)
    and let the handler load what it needs under the usual access rules.

    A claimed job holds a lease (`locked_by`, `locked_until`). A worker that dies
    mid-job leaves the row "running" with a lease that eventually expires; the next
    claimer then takes it over, so handlers must be idempotent.
    """

    id = models.BigAutoField(primary_key=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=100)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    run_at = models.DateTimeField(_("run at"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveIntegerField(_("max attempts"), default=5)
    locked_by = models.CharField(_("locked by"), max_length=200, blank=True)
    locked_until = models.DateTimeField(_("lease expires"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    dedupe_key = models.CharField(_("dedupe key"), max_length=200, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    progress = models.JSONField(_("progress"), default=dict, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [
            # Claiming scans only queued rows in run_at order; done rows pile up and must not slow it.
            models.Index(
                fields=["status", "run_at"], name="jobs_job_queued_run_at",
                condition=models.Q(status=JobStatus.QUEUED),
            ),
            models.Index(
                fields=["status", "locked_until"], name="jobs_job_running_lease",
                condition=models.Q(status=JobStatus.RUNNING),
            ),
            models.Index(fields=["kind", "status"], name="jobs_job_kind_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=JobStatus.values), name="jobs_job_status_valid"),
            models.CheckConstraint(condition=models.Q(max_attempts__gte=1), name="jobs_job_max_attempts_positive"),
            models.UniqueConstraint(
                fields=["dedupe_key"], name="jobs_job_dedupe_active",
                condition=models.Q(status__in=ACTIVE_STATUSES),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.public_id}"


class PeriodicTask(models.Model):
    """Schedule state of one `@periodic` function, shared by all workers.

    A worker runs the task only after moving `next_run_at` forward with a conditional
    UPDATE that names the value it read; of several workers polling at once exactly one
    such UPDATE matches, so the task runs once per interval across all processes.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    next_run_at = models.DateTimeField(_("next run at"), default=timezone.now)
    interval_seconds = models.PositiveIntegerField(_("interval (seconds)"))
    last_started_at = models.DateTimeField(_("last started at"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_worker = models.CharField(_("last worker"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("periodic task")
        verbose_name_plural = _("periodic tasks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(interval_seconds__gte=1), name="jobs_periodic_interval_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name
