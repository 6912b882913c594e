# ruff: noqa: F811  (pytest fixtures imported from triage_support are redefined as parameters)
"""The triage panel on the case page, the human queue, and the administrators' emergency and model pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jubao.cases.models import Case, CaseState
from jubao.taxonomy.models import Category
from jubao.triage.models import EmergencyEvent, TrainingExample, TriageResult
from jubao.triage.steps import Cue
from tests.helpers import T0

from .triage_support import _fast_passwords, fake_steps, inline, module_org, org, report  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

INJURY = ("工地脚手架倒塌工人受伤住院", "今天下午东华社区旁工地脚手架倒塌，两名工人受伤住院，工地没有任何防护。")


@pytest.fixture
def proposed(org, fake_steps, inline) -> Case:
    sanitation = Category.objects.get(name="环境卫生")
    fake_steps["classification"] = ({"kind": "complaint", "category_id": sanitation.pk,
                                     "category_levels": [{"id": sanitation.pk, "name": "环境卫生", "confidence": 0.42}],
                                     "sector": None, "alternatives": [{"label": "城管执法", "score": 0.31}]},
                                    0.42, True, [Cue("工地", "construction")])
    fake_steps["urgency"] = ({"urgency": "critical", "impact": "medium", "grade": "complex", "people": 2},
                             0.88, False, [Cue("住院", "health"), Cue("今天下午", "timely")])
    return report(org, *INJURY)


def _page(client, case: Case) -> str:
    response = client.get(reverse("cases:detail", args=[case.number]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_case_page_shows_each_proposal_with_confidence_version_and_cues(org, client, proposed):
    client.force_login(org.users["dispatcher"])
    html = _page(client, proposed)
    assert 'id="triage"' in html and 'id="triage-urgency"' in html
    assert "<q>住院</q> →" in html and "<q>今天下午</q> →" in html
    assert "（88%）" in html and "fake-1" in html
    assert "环境卫生 (42%)" in html  # every level of the category with its confidence
    assert html.count('action="/staff/triage/cases/') >= 7  # accept / override controls


def test_the_accept_form_starts_from_the_proposal(org, client, proposed):
    client.force_login(org.users["dispatcher"])
    html = _page(client, proposed)
    sanitation = Category.objects.get(name="环境卫生")
    assert f'<option value="{sanitation.pk}" selected>' in html
    assert '<option value="critical" selected>' in html


def test_a_dispatcher_overrides_the_category_in_one_click(org, client, proposed):
    client.force_login(org.users["dispatcher"])
    urban = Category.objects.get(name="城管执法")
    response = client.post(reverse("triage:override", args=[proposed.number, "classification"]),
                           {"override-classification-category_id": urban.pk})
    assert response.status_code == 302 and response["Location"].endswith("#triage")
    assert Case.objects.get(pk=proposed.pk).category == urban
    assert TrainingExample.objects.get(report__case=proposed, target="category").label == str(urban.pk)
    html = _page(client, proposed)
    assert "城管执法" in html


def test_a_rejected_override_keeps_the_input_and_names_the_problem(org, client, proposed):
    client.force_login(org.users["dispatcher"])
    response = client.post(reverse("triage:override", args=[proposed.number, "urgency"]),
                           {"override-urgency-urgency": "urgent", "override-urgency-impact": "enormous",
                            "override-urgency-grade": "simple", "override-urgency-reason": "现场已处置"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error" id="id_override-urgency-impact_error"' in html
    assert 'value="现场已处置"' in html and '<option value="urgent" selected>' in html
    assert "<details open" in html
    assert TriageResult.objects.get(case=proposed, step="urgency").decision == "proposed"


def test_a_clerk_sees_the_proposals_but_cannot_decide(org, client, proposed):
    client.force_login(org.users["clerk"])
    html = _page(client, proposed)
    assert "<q>住院</q>" in html
    assert 'action="/staff/triage/cases/' not in html
    response = client.post(reverse("triage:accept", args=[proposed.number, "urgency"]))
    assert response.status_code == 403
    assert 'role="alert"' in response.content.decode()
    assert TriageResult.objects.get(case=proposed, step="urgency").decision == "proposed"


def test_accepting_from_the_page_and_unknown_or_hidden_cases(org, client, proposed):
    client.force_login(org.users["dispatcher"])
    response = client.post(reverse("triage:accept", args=[proposed.number, "urgency"]))
    assert response.status_code == 302
    assert TriageResult.objects.get(case=proposed, step="urgency").decision == "accepted"
    assert client.post(reverse("triage:accept", args=[proposed.number, "nonsense"])).status_code == 404
    client.force_login(org.users["handler"])  # the case is not dispatched to the handler's department
    assert client.post(reverse("triage:accept", args=[proposed.number, "scope"])).status_code == 404


def test_the_human_queue_filter_and_the_triage_badge(org, client, fake_steps, inline):
    fake_steps["classification"] = ({"kind": "complaint", "category_id": None}, 0.2, True, [])
    unsure = report(org, *INJURY)
    fake_steps["classification"] = ({"kind": "complaint", "category_id": None}, 0.97, False, [])
    sure = report(org, "路灯不亮", "东华社区南门路灯坏了一个多月。")
    client.force_login(org.users["dispatcher"])
    html = client.get(reverse("cases:queue"), {"needs_human": "on"}).content.decode()
    assert unsure.number in html and sure.number not in html
    assert "需人工" in html or "Needs a person" in html
    html = client.get(reverse("cases:queue")).content.decode()
    assert unsure.number in html and sure.number in html


def test_the_queue_query_count_stays_constant_with_the_triage_column(org, client, fake_steps, inline,
                                                                     django_assert_max_num_queries):
    client.force_login(org.users["dispatcher"])
    url = reverse("cases:queue")
    for i in range(3):
        report(org, f"批量案件 {i}", "东华社区南门路灯坏了。", now=T0 + timedelta(minutes=i))
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(3, 20):
        report(org, f"批量案件 {i}", "东华社区南门路灯坏了。", now=T0 + timedelta(minutes=i))
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count('<tr class="row-') == 20
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url, {"needs_human": "on"})


def test_the_case_page_query_count_does_not_grow_with_the_number_of_steps_decided(org, client, proposed):
    client.force_login(org.users["dispatcher"])
    _page(client, proposed)
    with CaptureQueriesContext(connection) as before:
        _page(client, proposed)
    client.post(reverse("triage:accept", args=[proposed.number, "urgency"]))
    client.post(reverse("triage:accept", args=[proposed.number, "verifiability"]))
    client.post(reverse("triage:accept", args=[proposed.number, "collective_review"]))
    with CaptureQueriesContext(connection) as after:
        _page(client, proposed)
    assert len(after.captured_queries) <= len(before.captured_queries) + 2


def test_emergency_pages_are_for_administrators(org, client):
    client.force_login(org.users["dispatcher"])
    assert client.get(reverse("triage:emergencies")).status_code == 403
    assert client.get(reverse("triage:models")).status_code == 403
    client.force_login(org.users["admin"])
    assert client.get(reverse("triage:emergencies")).status_code == 200
    assert client.get(reverse("triage:models")).status_code == 200


def test_an_administrator_declares_and_ends_an_emergency_through_the_form(org, client):
    client.force_login(org.users["admin"])
    url = reverse("triage:emergencies")
    rejected = client.post(url, {"name": "", "cue_words": "暴雨", "starts_at": "2026-03-01T08:00"})
    assert rejected.status_code == 400
    assert 'id="id_name_error"' in rejected.content.decode()
    response = client.post(url, {"name": "东城区暴雨", "regions": [org.regions["990102"].pk],
                                 "cue_words": "暴雨\n积水", "starts_at": "2026-03-01T08:00"})
    assert response.status_code == 302
    event = EmergencyEvent.objects.get()
    assert event.cue_lines() == ["暴雨", "积水"] and list(event.regions.all()) == [org.regions["990102"]]
    html = client.get(url).content.decode()
    assert "东城区暴雨" in html
    client.post(reverse("triage:emergency_end", args=[event.public_id]))
    event.refresh_from_db()
    assert event.ended_at is not None and event.ended_by == org.users["admin"]


def test_a_registered_case_state_is_untouched_by_viewing(org, client, proposed):
    client.force_login(org.users["supervisor"])
    _page(client, proposed)
    assert Case.objects.get(pk=proposed.pk).state == CaseState.REGISTERED


def test_the_configuration_pages_list_triage_data_read_only(org, client, proposed):
    client.force_login(org.users["admin"])
    for model in ("keywordrule", "emergencyevent", "classifiermodel", "trainingexample", "triageresult"):
        assert client.get(f"/admin/triage/{model}/").status_code == 200, model
    result = TriageResult.objects.filter(case=proposed).first()
    assert client.get(f"/admin/triage/triageresult/{result.pk}/change/").status_code == 200
    assert client.get("/admin/triage/triageresult/add/").status_code == 403
