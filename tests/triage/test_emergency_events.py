# ruff: noqa: F811  (pytest fixtures imported from triage_support are redefined as parameters)
"""Emergency mode: an administrator declares an event; matching reports are raised to critical until it ends."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jubao.audit.models import AuditEvent
from jubao.cases.errors import TransitionForbidden, TransitionRejected
from jubao.cases.models import Case, CaseState
from jubao.jobs.models import Job
from jubao.jobs.services import job_claim, job_run_one
from jubao.triage.models import CaseTriage, EmergencyEvent
from jubao.triage.services import emergency_declare, emergency_end
from tests.helpers import T0, drive

from .triage_support import _fast_passwords, inline, module_org, org, report  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

FLOODED = ("东华社区地下车库积水", "今天暴雨，东华社区地下车库积水半米深，电梯井进水，物业联系不上。")
DRY = ("东华社区路灯不亮", "东华社区南门路灯坏了一个多月，晚上出行不方便。")
EAST_DISTRICT = "990102"


def _declare(org, *, starts=T0 - timedelta(days=1), **kw) -> EmergencyEvent:  # type: ignore[no-untyped-def]
    values = {"name": "东城区暴雨", "description": "气象台发布暴雨红色预警",
              "region_ids": [org.regions[EAST_DISTRICT].pk], "category_ids": [],
              "cue_words": "暴雨\n积水\n内涝\n进水", "starts_at": starts, "ends_at": None}
    values.update(kw)
    return emergency_declare(actor=org.actor("admin"), now=starts, **values)


def test_only_an_administrator_declares_and_ends_an_event(org):
    for who in ("dispatcher", "supervisor", "clerk"):
        with pytest.raises(TransitionForbidden):
            emergency_declare(actor=org.actor(who), name="暴雨", cue_words="暴雨", starts_at=T0)
    assert not EmergencyEvent.objects.exists()
    event = _declare(org)
    with pytest.raises(TransitionForbidden):
        emergency_end(actor=org.actor("dispatcher"), event=event)
    assert AuditEvent.objects.get(kind="triage.emergency_declared").payload["name"] == "东城区暴雨"


def test_a_declaration_needs_a_name_a_sensible_period_and_cues_or_categories(org):
    with pytest.raises(TransitionRejected) as error:
        _declare(org, name=" ")
    assert error.value.field == "name"
    with pytest.raises(TransitionRejected) as error:
        _declare(org, ends_at=T0 - timedelta(days=2))
    assert error.value.field == "ends_at"
    with pytest.raises(TransitionRejected) as error:
        _declare(org, cue_words="  \n ")
    assert error.value.field == "cue_words"


def test_declaring_raises_the_open_cases_that_match_through_a_job(org):
    flooded = report(org, *FLOODED, now=T0)
    dry = report(org, *DRY, now=T0)
    west = report(org, *FLOODED, region="990103001001", now=T0)
    closed = drive(org, CaseState.CLOSED, title="东华社区暴雨后积水", now=T0 - timedelta(days=40))
    Job.objects.all().delete()

    event = _declare(org, starts=T0 + timedelta(hours=1))
    job = Job.objects.get(kind="triage.emergency_sweep")
    assert job.payload == {"event_id": event.pk}
    for claimed in job_claim(worker_id="test", limit=5):
        assert job_run_one(claimed) == "done"

    urgencies = dict(Case.objects.filter(pk__in=[flooded.pk, dry.pk, west.pk, closed.pk]).values_list("pk", "urgency"))
    assert urgencies[flooded.pk] == "critical"
    assert urgencies[dry.pk] != "critical" and urgencies[west.pk] != "critical" and urgencies[closed.pk] != "critical"
    assert CaseTriage.objects.get(case=flooded).emergency_event == event
    assert AuditEvent.objects.get(case=flooded, kind="triage.emergency").payload["event_name"] == "东城区暴雨"


def test_a_new_matching_report_is_raised_and_ending_the_event_stops_further_raises(org, inline):
    event = _declare(org)
    raised = report(org, *FLOODED, now=T0)
    assert Case.objects.get(pk=raised.pk).urgency == "critical"
    assert CaseTriage.objects.get(case=raised).emergency_event == event
    assert report(org, *DRY, now=T0).urgency != "critical"

    emergency_end(actor=org.actor("admin"), event=event, now=T0 + timedelta(hours=1))
    assert AuditEvent.objects.filter(kind="triage.emergency_ended").count() == 1
    with pytest.raises(TransitionRejected):
        emergency_end(actor=org.actor("admin"), event=event, now=T0 + timedelta(hours=2))

    later = report(org, *FLOODED, now=T0 + timedelta(hours=3))
    assert Case.objects.get(pk=later.pk).urgency != "critical"
    assert not CaseTriage.objects.get(case=later).emergency_event
    # The case raised while the event lasted keeps its urgency and shows the event.
    assert Case.objects.get(pk=raised.pk).urgency == "critical"
    assert CaseTriage.objects.get(case=raised).emergency_event == event
