import threading
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from jubao.jobs.models import Job, JobStatus
from jubao.jobs.services import job_claim, job_complete, job_enqueue, job_report_progress

from .conftest import handled_jobs

pytestmark = pytest.mark.django_db(transaction=True)


def _crashed(job, *, attempts=1, expired=True):
    lease = timezone.now() + timedelta(seconds=-5 if expired else 300)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, locked_by="dead-worker", locked_until=lease, attempts=attempts
    )


def test_job_of_crashed_worker_is_reclaimed_and_run_exactly_once(isolated_periodic):
    job = job_enqueue(kind="tests.record")
    _crashed(job)

    call_command("worker", "--burst", "--worker-id", "rescuer")
    call_command("worker", "--burst", "--worker-id", "second")

    job.refresh_from_db()
    assert handled_jobs == [("tests.record", str(job.public_id))]
    assert job.status == JobStatus.DONE
    assert job.locked_by == "rescuer"
    assert job.attempts == 2


def test_running_job_with_live_lease_is_left_alone():
    job = job_enqueue(kind="tests.record")
    _crashed(job, expired=False)

    assert job_claim(worker_id="other", limit=5) == []


def test_crashed_job_on_its_last_attempt_fails_instead_of_running_again():
    job = job_enqueue(kind="tests.record", max_attempts=2)
    _crashed(job, attempts=2)

    assert job_claim(worker_id="w", limit=5) == []
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "lease expired" in job.last_error


def test_late_worker_cannot_complete_a_job_taken_over_by_another():
    job_enqueue(kind="tests.record")
    [slow] = job_claim(worker_id="slow", lease_seconds=300)
    Job.objects.filter(pk=slow.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    [fast] = job_claim(worker_id="fast")

    assert job_report_progress(slow, {"done": 1}, lease_seconds=60) is False
    assert job_complete(slow) is False
    assert job_complete(fast) is True


def test_progress_report_extends_the_lease():
    job_enqueue(kind="tests.record")
    [job] = job_claim(worker_id="w", lease_seconds=1)

    assert job_report_progress(job, {"done": 10, "total": 100}, lease_seconds=600)
    job.refresh_from_db()
    assert job.progress == {"done": 10, "total": 100}
    assert job.locked_until > timezone.now() + timedelta(seconds=500)


def test_dedupe_key_returns_the_existing_active_job():
    first = job_enqueue(kind="tests.record", dedupe_key="case:AJ1:reindex")
    second = job_enqueue(kind="tests.record", dedupe_key="case:AJ1:reindex")
    assert second.pk == first.pk

    [claimed] = job_claim(worker_id="w")
    assert job_enqueue(kind="tests.record", dedupe_key="case:AJ1:reindex").pk == first.pk

    job_complete(claimed)
    third = job_enqueue(kind="tests.record", dedupe_key="case:AJ1:reindex")
    assert third.pk != first.pk
    assert Job.objects.count() == 2


def test_jobs_scheduled_for_later_are_not_claimed_early():
    job_enqueue(kind="tests.record", run_at=timezone.now() + timedelta(minutes=5))
    assert job_claim(worker_id="w") == []


def test_sequential_claimers_never_get_the_same_job():
    for _ in range(5):
        job_enqueue(kind="tests.record")

    first = job_claim(worker_id="a", limit=3)
    second = job_claim(worker_id="b", limit=3)

    assert len(first) == 3
    assert len(second) == 2
    assert not {j.pk for j in first} & {j.pk for j in second}


@pytest.mark.postgres_only
@pytest.mark.skipif(not django_settings.IS_POSTGRES, reason="needs PostgreSQL row locks")
def test_concurrent_claimers_on_separate_connections_never_share_a_job():
    total = 60
    for _ in range(total):
        job_enqueue(kind="tests.record")
    barrier = threading.Barrier(4)
    results: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def claimer(name):
        got: list[int] = []
        try:
            barrier.wait()
            while batch := job_claim(worker_id=name, limit=3):
                got += [job.pk for job in batch]
        except BaseException as exc:
            errors.append(exc)
        finally:
            results[name] = got
            connections.close_all()

    threads = [threading.Thread(target=claimer, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    claimed = [pk for got in results.values() for pk in got]
    assert len(claimed) == total
    assert len(set(claimed)) == total
    assert sum(1 for got in results.values() if got) >= 2
