"""The demo hooks of the quality and supervision apps run twice without adding anything the second time."""

from __future__ import annotations

import pytest

from jubao.cases.models import Case
from jubao.quality.demo import quality_demo_ensure
from jubao.quality.models import PeriodRun, RetrospectiveSample
from jubao.supervision.demo import supervision_demo_ensure
from jubao.supervision.models import NoticeStatus, SupervisionNotice
from tests.helpers import drive

pytestmark = pytest.mark.django_db


def test_demo_data_is_idempotent(org):
    late = [drive(org, "in_progress", title=f"超期未办结 {i}") for i in range(2)]
    Case.objects.filter(pk__in=[case.pk for case in late]).update(light="red")
    for _run in range(2):
        quality_demo_ensure(org)
        supervision_demo_ensure(org)
    notices = SupervisionNotice.objects.order_by("issued_at")
    assert [(n.status, n.overdue) for n in notices] == [(NoticeStatus.OPEN, True), (NoticeStatus.REPLIED, False)]
    assert RetrospectiveSample.objects.count() == 0  # nothing was answered last month
    # Last month and quarter are final; the running ones stay open for the periodic jobs.
    assert set(PeriodRun.objects.values_list("kind", flat=True)) == {
        "retrospective-sample", "department-flags", "department-ratings"}
    assert PeriodRun.objects.count() == 3
