"""The hot-path insert writes exactly what the ORM's save would, and defers to it when it must."""

import uuid

import pytest
from django.db.models.signals import post_save
from django.utils import timezone

from jubao.cases.models import Case, CaseState
from jubao.fastinsert import insert, insert_one
from jubao.jobs.models import Job, JobStatus
from jubao.triage.models import CaseTriage
from tests.helpers import EAST_VILLAGE, register

pytestmark = pytest.mark.django_db


def test_a_new_row_gets_its_defaults_its_key_and_reads_back_as_the_orm_would_write_it(org):
    job = insert_one(Job(kind="triage.run", payload={"report_id": 7, "note": "已受理"}, run_at=timezone.now()))
    assert job.pk is not None and not job._state.adding
    stored = Job.objects.get(pk=job.pk)
    assert stored.payload == {"report_id": 7, "note": "已受理"}
    assert stored.status == JobStatus.QUEUED and isinstance(stored.public_id, uuid.UUID)
    assert stored.public_id == job.public_id and stored.run_at == job.run_at


def test_several_rows_go_in_one_statement_and_each_gets_its_own_key(org, django_assert_num_queries):
    jobs = [Job(kind="triage.run", payload={"n": n}, run_at=timezone.now()) for n in range(3)]
    with django_assert_num_queries(1):
        insert(jobs)
    assert len({job.pk for job in jobs}) == 3
    assert [Job.objects.get(pk=job.pk).payload["n"] for job in jobs] == [0, 1, 2]


def test_a_model_with_save_receivers_is_saved_by_the_orm_so_they_still_run(org):
    seen = []

    def receiver(sender, instance, created, **kwargs):
        seen.append((instance.pk, created))

    post_save.connect(receiver, sender=Job, dispatch_uid="test_fastinsert_receiver")
    try:
        job = insert_one(Job(kind="triage.run", payload={}, run_at=timezone.now()))
    finally:
        post_save.disconnect(sender=Job, dispatch_uid="test_fastinsert_receiver")
    assert seen == [(job.pk, True)]


def test_a_registered_case_is_written_whole_through_the_fast_path(org):
    case = register(org)
    stored = Case.objects.get(number=case.number)
    assert stored.region_path == org.regions[EAST_VILLAGE].path and stored.state == CaseState.REGISTERED
    assert stored.deadlines.count() == 2 and stored.reports.get().tracking_number.startswith("JB")
    assert CaseTriage.objects.filter(case=stored).count() == 1
