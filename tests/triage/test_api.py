# ruff: noqa: F811  (pytest fixtures imported from triage_support are redefined as parameters)
"""The triage API: the same results and decisions as the case page, with the same access rules."""

from __future__ import annotations

import pytest

from jubao.cases.models import Case
from jubao.taxonomy.models import Category
from jubao.triage.models import TrainingExample
from jubao.triage.steps import Cue
from tests.helpers import api_post, bearer, token_for

from .triage_support import _fast_passwords, fake_steps, inline, module_org, org, report  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

API = "/api/v1/cases"


@pytest.fixture
def case(org, fake_steps, inline) -> Case:
    fake_steps["urgency"] = ({"urgency": "urgent", "impact": "medium", "grade": "simple"}, 0.77, False,
                             [Cue("住院", "health")])
    return report(org, "老人摔倒住院", "东华社区南门台阶破损，昨天一位老人摔倒住院，请尽快修复。")


def test_the_results_with_their_cues_and_versions(org, client, case):
    auth = bearer(token_for(org.users["clerk"]))
    body = client.get(f"{API}/{case.number}/triage", **auth).json()
    assert body["status"] == "proposed"
    steps = {r["step"]: r for r in body["results"]}
    assert len(steps) == 7
    assert steps["urgency"]["cues"] == [{"text": "住院", "means": "health", "weight": 1.0}]
    assert steps["urgency"]["confidence"] == pytest.approx(0.77) and steps["urgency"]["version"] == "fake-1"
    assert steps["urgency"]["report"] == case.reports.get().tracking_number


def test_accept_and_override_through_the_api(org, client, case):
    auth = bearer(token_for(org.users["dispatcher"]))
    response = api_post(client, f"{API}/{case.number}/triage/urgency/accept", {}, **auth)
    assert response.status_code == 200
    assert Case.objects.get(pk=case.pk).urgency == "urgent"

    urban = Category.objects.get(name="城管执法")
    response = api_post(client, f"{API}/{case.number}/triage/classification/override",
                        {"value": {"category_id": urban.pk}, "reason": "台阶破损归城管"}, **auth)
    assert response.status_code == 200
    decided = {r["step"]: r for r in response.json()["results"]}["classification"]
    assert decided["decision"] == "overridden" and decided["decided_by"] == "dispatcher"
    assert TrainingExample.objects.get(report__case=case, target="category").label == str(urban.pk)


def test_the_api_refuses_what_the_ui_refuses(org, client, case):
    clerk = bearer(token_for(org.users["clerk"]))
    response = api_post(client, f"{API}/{case.number}/triage/urgency/accept", {}, **clerk)
    assert response.status_code == 403
    dispatcher = bearer(token_for(org.users["dispatcher"]))
    response = api_post(client, f"{API}/{case.number}/triage/urgency/override",
                        {"value": {"urgency": "soon", "impact": "small", "grade": "simple"}}, **dispatcher)
    assert response.status_code == 400 and response.json()["field"] == "urgency"
    handler = bearer(token_for(org.users["handler"]))
    assert client.get(f"{API}/{case.number}/triage", **handler).status_code == 404
    assert client.get(f"{API}/XX-000000-0000/triage", **dispatcher).status_code == 404
