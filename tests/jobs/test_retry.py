from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from jubao.jobs.models import Job, JobStatus
from jubao.jobs.services import job_enqueue, job_retry, retry_delay_seconds

from .conftest import handled_jobs

pytestmark = pytest.mark.django_db(transaction=True)


def _make_due(job):
    Job.objects.filter(pk=job.pk).update(run_at=timezone.now() - timedelta(seconds=1))


def test_retry_delay_grows_exponentially_and_is_capped(settings):
    settings.JUBAO_JOB_RETRY_BASE_SECONDS = 10
    settings.JUBAO_JOB_RETRY_MAX_SECONDS = 60
    assert [retry_delay_seconds(n) for n in (1, 2, 3, 4, 5)] == [10, 20, 40, 60, 60]


def test_failing_job_retries_with_backoff_then_fails_after_max_attempts(isolated_periodic, settings):
    settings.JUBAO_JOB_RETRY_BASE_SECONDS = 10
    job = job_enqueue(kind="tests.explode", max_attempts=3)

    delays = []
    for attempt in (1, 2):
        before = timezone.now()
        call_command("worker", "--burst")
        job.refresh_from_db()
        assert job.status == JobStatus.QUEUED
        assert job.attempts == attempt
        assert "RuntimeError: boom" in job.last_error
        delays.append((job.run_at - before).total_seconds())
        # Not due yet: a second burst does nothing until the backoff has passed.
        call_command("worker", "--burst")
        job.refresh_from_db()
        assert job.attempts == attempt
        _make_due(job)

    assert 9 <= delays[0] <= 12
    assert 19 <= delays[1] <= 22

    call_command("worker", "--burst")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.attempts == 3
    assert job.finished_at is not None
    assert len(handled_jobs) == 3

    _make_due(job)
    call_command("worker", "--burst")
    assert len(handled_jobs) == 3


def test_failed_job_can_be_retried_from_scratch(isolated_periodic):
    job = job_enqueue(kind="tests.explode", max_attempts=1)
    call_command("worker", "--burst")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED

    assert job_retry(actor=None, job=job)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.finished_at) == (JobStatus.QUEUED, 0, None)


def test_retry_refused_while_another_active_job_holds_the_dedupe_key():
    failed = job_enqueue(kind="tests.record", dedupe_key="k")
    Job.objects.filter(pk=failed.pk).update(status=JobStatus.FAILED)
    job_enqueue(kind="tests.record", dedupe_key="k")

    failed.refresh_from_db()
    assert job_retry(actor=None, job=failed) is False
    failed.refresh_from_db()
    assert failed.status == JobStatus.FAILED
