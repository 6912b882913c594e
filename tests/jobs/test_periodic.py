import threading
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from jubao.jobs import registry
from jubao.jobs.models import PeriodicTask
from jubao.jobs.services import run_due_periodic_tasks

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def counter(isolated_periodic):
    runs = []

    @registry.periodic("tests-tick", interval_seconds=60)
    def tick():
        runs.append(1)

    return runs


def _elapse_interval():
    PeriodicTask.objects.filter(name="tests-tick").update(next_run_at=timezone.now() - timedelta(seconds=1))


def test_periodic_task_runs_once_per_interval_when_two_workers_poll(counter):
    assert run_due_periodic_tasks(worker_id="a") == 1
    assert run_due_periodic_tasks(worker_id="b") == 0
    call_command("worker", "--burst", "--worker-id", "c")
    assert len(counter) == 1

    task = PeriodicTask.objects.get(name="tests-tick")
    assert task.last_worker == "a"
    assert task.interval_seconds == 60
    assert 55 <= (task.next_run_at - task.last_started_at).total_seconds() <= 65
    assert task.last_finished_at is not None

    _elapse_interval()
    assert run_due_periodic_tasks(worker_id="b") == 1
    assert run_due_periodic_tasks(worker_id="a") == 0
    assert len(counter) == 2


def test_failing_periodic_task_records_the_error_and_still_waits_its_interval(isolated_periodic):
    @registry.periodic("tests-broken", interval_seconds=30)
    def broken():
        raise RuntimeError("periodic boom")

    assert run_due_periodic_tasks(worker_id="a") == 1
    task = PeriodicTask.objects.get(name="tests-broken")
    assert "periodic boom" in task.last_error
    assert run_due_periodic_tasks(worker_id="a") == 0


def test_registering_two_functions_under_one_name_is_refused(isolated_periodic):
    registry.periodic("tests-dup", interval_seconds=5)(lambda: None)
    with pytest.raises(ValueError, match="already registered"):

        @registry.periodic("tests-dup", interval_seconds=5)
        def other():
            pass


@pytest.mark.postgres_only
@pytest.mark.skipif(not django_settings.IS_POSTGRES, reason="needs concurrent PostgreSQL connections")
def test_concurrent_workers_run_a_periodic_task_once(counter):
    barrier = threading.Barrier(6)
    errors = []

    def poll(name):
        try:
            barrier.wait()
            for _ in range(3):
                run_due_periodic_tasks(worker_id=name)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=poll, args=(f"w{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(counter) == 1
