import logging
import os
import signal

import pytest
from django.core.management import call_command

from jubao.jobs import registry
from jubao.jobs.models import Job, JobStatus
from jubao.jobs.services import job_enqueue

from .conftest import handled_jobs

pytestmark = pytest.mark.django_db(transaction=True)


def test_enqueued_job_is_run_by_worker_burst(isolated_periodic):
    job = job_enqueue(kind="tests.record", payload={"case": "AJ1"})

    call_command("worker", "--burst", "--worker-id", "w1")

    job.refresh_from_db()
    assert handled_jobs == [("tests.record", str(job.public_id))]
    assert job.status == JobStatus.DONE
    assert job.attempts == 1
    assert job.finished_at is not None
    assert job.locked_by == "w1"


def test_worker_logs_kind_and_public_id_but_never_payload(isolated_periodic, caplog):
    job = job_enqueue(kind="tests.record", payload={"secret_marker": "do-not-log-me"})

    with caplog.at_level(logging.INFO, logger="jubao.jobs"):
        call_command("worker", "--burst")

    job_lines = [r.getMessage() for r in caplog.records if str(job.public_id) in r.getMessage()]
    assert len(job_lines) == 1
    assert "tests.record" in job_lines[0]
    assert all("do-not-log-me" not in r.getMessage() for r in caplog.records)


def test_worker_once_runs_a_single_round(isolated_periodic):
    for _ in range(3):
        job_enqueue(kind="tests.record")

    call_command("worker", "--once", "--batch", "2")

    assert len(handled_jobs) == 2
    assert Job.objects.filter(status=JobStatus.QUEUED).count() == 1


def test_job_enqueued_in_rolled_back_transaction_never_runs(isolated_periodic):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        job_enqueue(kind="tests.record")
        raise RuntimeError("rollback")

    call_command("worker", "--burst")
    assert handled_jobs == []
    assert not Job.objects.exists()


def test_sigterm_finishes_current_job_and_hands_back_the_rest(isolated_periodic, monkeypatch):
    ran = []

    def stop_me(job):
        ran.append(job.pk)
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setitem(registry.JOB_HANDLERS, "tests.stop", stop_me)
    first = job_enqueue(kind="tests.stop")
    others = [job_enqueue(kind="tests.stop") for _ in range(2)]

    # Not --burst: only the signal can end this worker.
    call_command("worker", "--batch", "10")

    assert ran == [first.pk]
    first.refresh_from_db()
    assert first.status == JobStatus.DONE
    for job in others:
        job.refresh_from_db()
        assert job.status == JobStatus.QUEUED
        assert job.attempts == 0
        assert job.locked_until is None
    # The test process's own SIGTERM handling is restored afterwards.
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_unknown_kind_cannot_be_enqueued():
    with pytest.raises(ValueError, match="no handler"):
        job_enqueue(kind="tests.nobody-handles-this")
