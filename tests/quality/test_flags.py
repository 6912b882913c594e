"""The monthly 两低一高 flags, computed from cases handled through the workflow."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from jubao.accounts.actors import Actor
from jubao.notifications.models import OutboxMessage
from jubao.quality.figures import Figures, department_figures
from jubao.quality.flags import judge
from jubao.quality.models import DepartmentFlag
from jubao.quality.periods import month_bounds
from jubao.quality.services import department_flags_compute
from tests.helpers import T0
from tests.quality.cases import handled

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)
SYSTEM = Actor.system("tests")
LATER = T0 + timedelta(days=40)


@pytest.fixture(autouse=True)
def _small_fixture_thresholds(settings):
    settings.JUBAO_QUALITY_FLAG_THRESHOLDS = {"min_cases": 2}


@pytest.fixture
def march(org):
    """城管 (chengguan): 1 of 4 substantiated, 2 of 4 ratings satisfied, 1 of 4 came back for review.
    住建 (zhujian): 2 of 2 substantiated and satisfied, none came back. One chengguan case concluded in April."""
    cases = [
        handled(org, now=T0, finding="substantiated", satisfaction="satisfied"),
        handled(org, now=T0 + timedelta(minutes=1), finding="unsubstantiated", satisfaction="dissatisfied",
                review=True),
        handled(org, now=T0 + timedelta(minutes=2), finding="unsubstantiated", satisfaction="basically"),
        handled(org, now=T0 + timedelta(minutes=3), finding="unverifiable", satisfaction="dissatisfied"),
        handled(org, now=T0 + timedelta(minutes=4), department="zhujian", finding="substantiated"),
        handled(org, now=T0 + timedelta(minutes=5), department="zhujian", finding="partly"),
        handled(org, now=T0 + timedelta(days=31), finding="unsubstantiated", satisfaction="dissatisfied"),
    ]
    return cases


def test_the_figures_follow_their_definitions(org, march):
    start, end = month_bounds(MARCH)
    figures = department_figures(start, end, now=LATER)
    chengguan, zhujian = figures[org.departments["chengguan"].pk], figures[org.departments["zhujian"].pk]
    assert (chengguan.concluded, chengguan.verified, chengguan.repeats) == (4, 1, 1)
    assert (chengguan.rated, chengguan.satisfied) == (4, 2)
    assert (zhujian.concluded, zhujian.verified, zhujian.repeats, zhujian.rated, zhujian.satisfied) == (2, 2, 0, 2, 2)
    # Three handling deadlines per case (start, conclusion, feedback), all met in time.
    assert (chengguan.deadlines, chengguan.on_time, zhujian.deadlines, zhujian.on_time) == (12, 12, 6, 6)
    assert chengguan.verification_rate == 0.25 and chengguan.satisfaction_rate == 0.5
    assert chengguan.repeat_rate == 0.25


def test_two_lows_one_high_is_stored_per_department_and_month(org, march):
    rows = department_flags_compute(actor=SYSTEM, month=MARCH, now=LATER)
    by_code = {row.department.code: row for row in DepartmentFlag.objects.filter(period=MARCH)
               .select_related("department")}
    assert len(rows) == 2 and set(by_code) == {"chengguan", "zhujian"}
    chengguan, zhujian = by_code["chengguan"], by_code["zhujian"]
    assert (chengguan.low_verification, chengguan.low_satisfaction, chengguan.high_repeat) == (True, True, True)
    assert chengguan.two_low_one_high and chengguan.flag_count == 3
    assert (zhujian.flag_count, zhujian.two_low_one_high) == (0, False)
    assert (chengguan.concluded, chengguan.verified, chengguan.repeats, chengguan.rated, chengguan.satisfied) == (
        4, 1, 1, 4, 2)
    notices = OutboxMessage.objects.filter(topic="quality.flag")
    assert {tuple(sorted(m.audience)) for m in notices} == {("department_id", "role"), ("covering_path", "role")}

    # Computed once: a second run leaves the month alone; --recompute replaces it with the same figures.
    assert department_flags_compute(actor=SYSTEM, month=MARCH, now=LATER) == []
    call_command("compute_quality_flags", month="2026-03", recompute=True)
    assert DepartmentFlag.objects.filter(period=MARCH).count() == 2
    assert DepartmentFlag.objects.get(period=MARCH, department__code="chengguan").two_low_one_high


def test_each_flag_needs_enough_cases_and_its_own_threshold(settings):
    settings.JUBAO_QUALITY_FLAG_THRESHOLDS = {}  # the defaults: 5 cases at least
    few = Figures(concluded=4, verified=0, repeats=4, rated=4, satisfied=0)
    assert judge(few) == {"low_verification": False, "low_satisfaction": False, "high_repeat": False,
                          "two_low_one_high": False}
    # 30 % verified is not low (below 30 % is); 80 % satisfied is not low; 10 % repeats is not high.
    edge = Figures(concluded=10, verified=3, repeats=1, rated=10, satisfied=8)
    assert not any(judge(edge).values())
    worse = Figures(concluded=10, verified=2, repeats=2, rated=10, satisfied=7)
    assert judge(worse) == {"low_verification": True, "low_satisfaction": True, "high_repeat": True,
                            "two_low_one_high": True}
    only_one = Figures(concluded=10, verified=9, repeats=0, rated=10, satisfied=5)
    assert judge(only_one)["low_satisfaction"] and not judge(only_one)["two_low_one_high"]


def test_the_flags_page_shows_the_month_to_oversight_roles(org, march, client, django_assert_max_num_queries):
    department_flags_compute(actor=SYSTEM, month=MARCH, now=LATER)
    url = reverse("quality:flags")
    client.force_login(org.users["leader"])
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200 and "2026-03" in html
    assert 'class="flag-row flagged" data-department="chengguan"' in html
    assert 'data-department="zhujian"' in html
    assert client.get(url, {"month": "2026-13"}).status_code == 400
    for username in ("handler", "head", "clerk"):
        client.force_login(org.users[username])
        assert client.get(url).status_code == 403

    from tests.helpers import bearer, token_for

    data = client.get("/api/v1/quality/flags?month=2026-03", **bearer(token_for(org.users["supervisor"]))).json()
    assert {row["department"]: row["two_low_one_high"] for row in data} == {"chengguan": True, "zhujian": False}
