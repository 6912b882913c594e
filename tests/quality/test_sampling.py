"""The monthly retrospective sample: 20 % per jurisdiction, reproducible from its seed, drawn once; its review form."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from jubao.accounts.actors import Actor
from jubao.notifications.models import OutboxMessage
from jubao.quality import jobs
from jubao.quality.models import PeriodRun, RetrospectiveItem, RetrospectiveSample, RetrospectiveStatus
from jubao.quality.sampling import draw, month_population, retrospective_samples_draw, sample_reproduces, sample_size
from tests.helpers import EAST_VILLAGE, T0, WEST_VILLAGE, events_of, fire
from tests.quality.cases import handled

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)
SYSTEM = Actor.system("tests")
NUMBERS = [f"AJ2603{i:010d}" for i in range(50)]


def test_the_draw_is_a_pure_function_of_the_numbers_and_the_seed():
    first = draw(NUMBERS, 20260301, 0.2)
    assert len(first) == 10 == sample_size(50, 0.2)
    assert draw(list(reversed(NUMBERS)), 20260301, 0.2) == first  # the order the numbers come in does not matter
    assert draw(NUMBERS + NUMBERS[:5], 20260301, 0.2) == first  # nor repeats
    assert draw(NUMBERS, 20260302, 0.2) != first
    assert set(first) <= set(NUMBERS) and first == sorted(first)
    assert [sample_size(n, 0.2) for n in (0, 1, 4, 5, 6, 10, 11, 100)] == [0, 1, 1, 1, 2, 2, 3, 20]
    # Over many seeds every case is equally likely to be picked: about 20 % each.
    picks = {number: 0 for number in NUMBERS}
    for seed in range(400):
        for number in draw(NUMBERS, seed, 0.2):
            picks[number] += 1
    assert all(40 <= count <= 130 for count in picks.values())


@pytest.fixture
def march_cases(org):
    """Ten cases answered in March in 东城区, five in 西城区; one answered in April; one concluded but never
    answered."""
    east = [handled(org, now=T0 + timedelta(minutes=i), satisfaction=None, title=f"东城占道经营 {i}")
            for i in range(10)]
    west = [handled(org, now=T0 + timedelta(minutes=20 + i), satisfaction=None, region=WEST_VILLAGE,
                    title=f"西城占道经营 {i}") for i in range(5)]
    april = handled(org, now=T0 + timedelta(days=35), satisfaction=None, title="四月答复的案件")
    unanswered = handled(org, now=T0 + timedelta(minutes=40), until="concluded", title="尚未答复的案件")
    return {"east": east, "west": west, "april": april, "unanswered": unanswered}


def test_the_monthly_sample_is_20_percent_per_jurisdiction_and_reproducible(org, march_cases):
    population = month_population(MARCH)
    assert {code: len(rows) for code, rows in population.items()} == {"990102": 10, "990103": 5}

    samples = retrospective_samples_draw(actor=SYSTEM, month=MARCH, seed=77)
    by_code = {sample.jurisdiction.code: sample for sample in samples}
    assert set(by_code) == {"990102", "990103"}
    east, west = by_code["990102"], by_code["990103"]
    assert (east.population, east.size, west.population, west.size) == (10, 2, 5, 1)
    assert east.seed == 77 and east.rate_percent == 20

    east_numbers = sorted(case.number for case in march_cases["east"])
    drawn = sorted(east.items.values_list("case__number", flat=True))
    assert drawn == draw(east_numbers, 77, 0.2)
    assert sample_reproduces(east) and sample_reproduces(west)
    sampled = set(RetrospectiveItem.objects.values_list("case__number", flat=True))
    assert march_cases["april"].number not in sampled and march_cases["unanswered"].number not in sampled
    assert all(item.department.code == "chengguan" for item in east.items.all())


def test_drawing_twice_creates_no_duplicates(org, march_cases):
    first = retrospective_samples_draw(actor=SYSTEM, month=MARCH)
    items = set(RetrospectiveItem.objects.values_list("pk", flat=True))
    assert len(first) == 2 and len(items) == 3
    assert retrospective_samples_draw(actor=SYSTEM, month=MARCH) == []
    call_command("draw_retrospective_sample", month="2026-03")
    assert set(RetrospectiveItem.objects.values_list("pk", flat=True)) == items
    assert RetrospectiveSample.objects.count() == 2
    assert PeriodRun.objects.filter(kind="retrospective-sample", period=MARCH).count() == 1


def test_the_monthly_job_draws_the_previous_month_once(org, march_cases, monkeypatch):
    monkeypatch.setattr(jobs, "previous_month", lambda: MARCH)
    jobs.monthly()
    jobs.monthly()
    assert RetrospectiveSample.objects.filter(period=MARCH).count() == 2
    assert RetrospectiveItem.objects.count() == 3
    assert PeriodRun.objects.filter(period=MARCH).count() == 2  # the sample and the 两低一高 flags


def test_cases_sampled_in_an_earlier_month_are_not_drawn_again(org, march_cases):
    retrospective_samples_draw(actor=SYSTEM, month=MARCH, seed=1)
    sampled = set(RetrospectiveItem.objects.values_list("case_id", flat=True))
    for i, case in enumerate(march_cases["east"]):
        fire(org, case, "close", now=T0 + timedelta(days=31, minutes=i))  # closed in April
    april = month_population(date(2026, 4, 1))
    april_ids = {pk for rows in april.values() for pk, _n, _d in rows}
    assert april_ids == {case.pk for case in march_cases["east"]} - sampled | {march_cases["april"].pk}


def test_a_supervisor_reviews_a_sampled_case_on_the_case_page(org, client, march_cases):
    retrospective_samples_draw(actor=SYSTEM, month=MARCH, seed=5)
    item = RetrospectiveItem.objects.select_related("case").filter(sample__jurisdiction__code="990102").first()
    url = reverse("quality:retrospective_review", args=[item.public_id])
    case_url = reverse("cases:detail", args=[item.case.number])

    client.force_login(org.users["supervisor"])
    assert url in client.get(case_url).content.decode()
    listing = client.get(reverse("quality:retrospectives")).content.decode()
    assert item.case.number in listing and "2026-03" in listing

    bad = {"retro-score_classification": "4", "retro-score_timeliness": "5", "retro-score_substance": "",
           "retro-score_legality": "4", "retro-result": "needs_improvement", "retro-comments": "答复过于简略"}
    response = client.post(url, bad)
    assert response.status_code == 400
    assert "答复过于简略" in response.content.decode()  # what was typed is kept

    good = {**bad, "retro-score_substance": "2", "retro-comments": "答复没有说明处罚依据，整改措施过于笼统。"}
    response = client.post(url, good)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == RetrospectiveStatus.REVIEWED and item.result == "needs_improvement"
    assert (item.score_classification, item.score_timeliness, item.score_substance, item.score_legality) == (4, 5, 2, 4)
    assert item.reviewer == org.users["supervisor"]
    assert len(events_of(item.case, "quality.retrospective_reviewed")) == 1
    notice = OutboxMessage.objects.get(topic="quality.retrospective")
    assert notice.audience == {"department_id": org.departments["chengguan"].pk}


def test_only_supervisors_review_and_only_oversight_roles_see_the_sample(org, client, march_cases):
    retrospective_samples_draw(actor=SYSTEM, month=MARCH, seed=5)
    item = RetrospectiveItem.objects.filter(sample__jurisdiction__code="990102").first()
    url = reverse("quality:retrospective_review", args=[item.public_id])
    form = {"retro-score_classification": "4", "retro-score_timeliness": "4", "retro-score_substance": "4",
            "retro-score_legality": "4", "retro-result": "pass", "retro-comments": ""}
    client.force_login(org.users["auditor"])
    assert client.get(reverse("quality:retrospectives")).status_code == 200
    assert client.post(url, form).status_code == 403
    client.force_login(org.users["head"])
    assert client.get(reverse("quality:retrospectives")).status_code == 403
    client.force_login(org.users["supervisor_east"])
    assert client.post(url, form).status_code == 302


def test_the_sample_list_query_count_does_not_grow(org, client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(2):
        handled(org, now=T0 + timedelta(minutes=i), satisfaction=None, region=EAST_VILLAGE)
    retrospective_samples_draw(actor=SYSTEM, month=MARCH, seed=3)
    client.force_login(org.users["supervisor"])
    url = reverse("quality:retrospectives")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(2, 22):
        handled(org, now=T0 + timedelta(minutes=i), satisfaction=None, region=WEST_VILLAGE if i % 2 else EAST_VILLAGE)
    RetrospectiveItem.objects.all().delete()
    RetrospectiveSample.objects.all().delete()
    retrospective_samples_draw(actor=SYSTEM, month=MARCH, seed=3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('<tr class="retrospective">') == RetrospectiveItem.objects.count() > 2


def test_the_api_lists_and_reviews_sampled_cases(org, client, march_cases):
    from tests.helpers import api_post, bearer, token_for

    retrospective_samples_draw(actor=SYSTEM, month=MARCH, seed=9)
    auth = bearer(token_for(org.users["supervisor"]))
    listed = client.get("/api/v1/quality/retrospectives?month=2026-03&status=pending", **auth).json()
    assert listed["count"] == 3 and {item["month"] for item in listed["items"]} == {"2026-03"}
    item = listed["items"][0]
    url = f"/api/v1/quality/retrospectives/{item['id']}/review"
    response = api_post(client, url, {"score_classification": 5, "score_timeliness": 6, "score_substance": 4,
                                      "score_legality": 4, "result": "pass"}, **auth)
    assert response.status_code == 400 and response.json()["field"] == "score_timeliness"
    response = api_post(client, url, {"score_classification": 5, "score_timeliness": 5, "score_substance": 4,
                                      "score_legality": 4, "result": "pass"}, **auth)
    assert response.status_code == 200 and response.json()["status"] == "reviewed"
    assert client.get("/api/v1/quality/retrospectives?month=2026-3x", **auth).status_code == 400
    head = bearer(token_for(org.users["head"]))
    assert client.get("/api/v1/quality/retrospectives", **head).status_code == 403
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/quality/retrospectives/{public_id}/review" in schema["paths"]
    assert "/api/v1/supervision/cases/{number}/notices" in schema["paths"]
