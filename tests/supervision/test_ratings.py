"""Quarterly green / yellow / red department ratings from cases handled through the workflow."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from jubao.accounts.actors import Actor
from jubao.notifications.models import OutboxMessage
from jubao.quality.figures import Figures
from jubao.quality.models import PeriodRun
from jubao.supervision import jobs
from jubao.supervision.models import DepartmentRating
from jubao.supervision.ratings import rate
from jubao.supervision.services import department_ratings_compute
from tests.helpers import T0, bearer, token_for
from tests.quality.cases import handled

pytestmark = pytest.mark.django_db

Q1 = date(2026, 1, 1)
SYSTEM = Actor.system("tests")
LATER = T0 + timedelta(days=60)


@pytest.fixture(autouse=True)
def _small_fixture_bands(settings):
    settings.JUBAO_DEPARTMENT_RATING_BANDS = {"min_cases": 2}


@pytest.fixture
def quarter(org):
    """城管: 4 cases, three concluded late (9 of 12 deadlines on time), 2 of 4 satisfied, 1 of 4 came back.
    住建: 2 cases, all on time, satisfied, none came back."""
    return [
        handled(org, now=T0, satisfaction="satisfied"),
        handled(org, now=T0 + timedelta(minutes=1), late=True, satisfaction="dissatisfied", review=True),
        handled(org, now=T0 + timedelta(minutes=2), late=True, satisfaction="basically"),
        handled(org, now=T0 + timedelta(minutes=3), late=True, satisfaction="dissatisfied"),
        handled(org, now=T0 + timedelta(minutes=4), department="zhujian"),
        handled(org, now=T0 + timedelta(minutes=5), department="zhujian", finding="partly"),
    ]


def test_departments_are_rated_and_ranked(org, quarter):
    rows = department_ratings_compute(actor=SYSTEM, quarter=Q1, now=LATER)
    by_code = {row.department.code: row for row in DepartmentRating.objects.filter(period=Q1)
               .select_related("department")}
    assert len(rows) == 2
    chengguan, zhujian = by_code["chengguan"], by_code["zhujian"]
    assert (chengguan.deadlines, chengguan.on_time) == (12, 9)
    assert chengguan.on_time_rate == 0.75 and chengguan.on_time_colour == "red"
    assert (chengguan.rated, chengguan.satisfied, chengguan.satisfaction_colour) == (4, 2, "red")
    assert (chengguan.concluded, chengguan.repeats, chengguan.repeat_colour) == (4, 1, "red")  # 25 % > 23 %
    assert chengguan.colour == "red" and chengguan.rank == 2
    assert (zhujian.on_time_rate, zhujian.satisfaction_rate, zhujian.repeat_rate) == (1.0, 1.0, 0.0)
    assert zhujian.colour == "green" and zhujian.rank == 1
    red = OutboxMessage.objects.filter(topic="supervision.rating")
    assert red.count() == 2 and all("城市管理局" in message.subject for message in red)


def test_computed_once_per_quarter(org, quarter, monkeypatch):
    monkeypatch.setattr(jobs, "previous_quarter", lambda: Q1)
    jobs.quarterly_ratings()
    first = list(DepartmentRating.objects.values_list("pk", flat=True))
    jobs.quarterly_ratings()
    assert list(DepartmentRating.objects.values_list("pk", flat=True)) == first
    assert PeriodRun.objects.filter(kind="department-ratings", period=Q1).count() == 1
    call_command("compute_department_ratings", quarter="2026-Q1", recompute=True)
    assert DepartmentRating.objects.filter(period=Q1).count() == 2


def test_colour_bands(settings):
    settings.JUBAO_DEPARTMENT_RATING_BANDS = {}  # the defaults
    green = Figures(deadlines=20, on_time=19, rated=20, satisfied=17, concluded=20, repeats=2)
    assert rate(green) == {"on_time_colour": "green", "satisfaction_colour": "green", "repeat_colour": "green",
                           "colour": "green"}
    yellow = Figures(deadlines=20, on_time=18, rated=20, satisfied=17, concluded=20, repeats=2)
    assert rate(yellow)["colour"] == "yellow" and rate(yellow)["on_time_colour"] == "yellow"
    repeats = Figures(deadlines=20, on_time=20, rated=20, satisfied=20, concluded=20, repeats=5)
    assert rate(repeats)["repeat_colour"] == "red" and rate(repeats)["colour"] == "red"
    unrated = Figures(deadlines=20, on_time=20, rated=1, satisfied=0, concluded=20, repeats=0)
    assert rate(unrated)["satisfaction_colour"] == "grey" and rate(unrated)["colour"] == "green"
    assert rate(Figures())["colour"] == "grey"


def test_the_ranking_page(org, quarter, client, django_assert_max_num_queries):
    department_ratings_compute(actor=SYSTEM, quarter=Q1, now=LATER)
    url = reverse("supervision:ranking")
    client.force_login(org.users["supervisor"])
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    html = response.content.decode()
    assert "2026-Q1" in html
    assert html.index('data-department="zhujian"') < html.index('data-department="chengguan"')
    assert 'class="rating rating-red" data-department="chengguan"' in html
    assert client.get(url, {"quarter": "2026-Q5"}).status_code == 400
    client.force_login(org.users["auditor"])
    assert client.get(url).status_code == 200
    client.force_login(org.users["head"])
    assert client.get(url).status_code == 403

    data = client.get("/api/v1/supervision/ratings?quarter=2026-Q1",
                      **bearer(token_for(org.users["leader"]))).json()
    assert [(row["rank"], row["department"], row["colour"]) for row in data] == [
        (1, "zhujian", "green"), (2, "chengguan", "red")]
