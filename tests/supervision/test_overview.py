"""The supervisor's view of late, escalated and bouncing cases: jurisdiction, roles, counts, filters, query count."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jubao.cases.models import Case
from jubao.supervision.selectors import OverviewFilters, supervision_overview
from tests.helpers import EAST_VILLAGE, T0, WEST_VILLAGE, drive, fire, register
from tests.quality.cases import handled

pytestmark = pytest.mark.django_db

SOUTH_VILLAGE = "990104201201"  # 桃源村, 南湖区


def _case(org, *, region: str = EAST_VILLAGE, state: str = "in_progress", title: str = "小区垃圾无人清运",
          minutes: int = 0, **fields: Any) -> Case:
    """A case driven through the workflow, then given the deadline figures the sweeper would have set."""
    if state == "closed":  # answered with the four headed sections the feedback app requires, then closed
        case = handled(org, now=T0 + timedelta(minutes=minutes), region=region, title=title, until="answered")
        case = fire(org, case, "close")
    else:
        case = drive(org, state, now=T0 + timedelta(minutes=minutes), region=region, title=title)
    if fields:
        Case.objects.filter(pk=case.pk).update(**fields)
        case.refresh_from_db()
    return case


def _numbers(overview) -> list[str]:  # type: ignore[no-untyped-def]
    return [case.number for case in overview.cases]


@pytest.fixture
def cases(org) -> dict[str, Case]:
    due = T0 + timedelta(days=20)
    return {
        "overdue_east": _case(org, title="东华社区路灯损坏半月未修", overdue=True, light="red",
                              next_due_at=due - timedelta(days=3)),
        "orange_east": _case(org, title="花园社区施工噪声扰民", light="orange", next_due_at=due - timedelta(days=1),
                             minutes=1),
        "bouncing_east": _case(org, title="小区物业乱收停车费", bounce_count=2, next_due_at=due, minutes=2),
        "escalated_east": _case(org, state="escalated", title="拖欠农民工工资三个月", next_due_at=due + timedelta(days=1),
                                minutes=3),
        "red_west": _case(org, region=WEST_VILLAGE, title="西湖社区餐馆油烟直排", light="red",
                          next_due_at=due - timedelta(days=2), minutes=4),
        "bouncing_south_undispatched": _case(org, region=SOUTH_VILLAGE, state="registered",
                                             title="桃源村惠民资金发放不公开", bounce_count=3, next_due_at=None,
                                             minutes=5),
        # Not a problem: green, yellow, returned only once, or closed although it was late.
        "fine_east": _case(org, title="东华社区井盖缺失", light="yellow", bounce_count=1, minutes=6),
        "closed_late_east": _case(org, state="closed", title="已办结的占道经营", overdue=True, light="red",
                                  minutes=7),
    }


def test_a_district_supervisor_sees_only_problem_cases_in_their_district(org, cases):
    overview = supervision_overview(org.users["supervisor_east"], filters=OverviewFilters())
    expected = ["escalated_east", "bouncing_east", "orange_east", "overdue_east"]  # newest deadline first
    assert _numbers(overview) == [cases[name].number for name in expected]
    assert overview.total == 4
    assert overview.totals == {"overdue": 1, "red": 1, "orange": 1, "escalated": 1, "bouncing": 1}


def test_a_city_supervisor_sees_the_whole_city_and_cases_without_a_deadline_come_first(org, cases):
    overview = supervision_overview(org.users["supervisor"], filters=OverviewFilters())
    assert overview.total == 6
    assert _numbers(overview)[0] == cases["bouncing_south_undispatched"].number
    assert overview.totals == {"overdue": 1, "red": 2, "orange": 1, "escalated": 1, "bouncing": 2}
    for role in ("leader", "admin"):
        assert supervision_overview(org.users[role], filters=OverviewFilters()).total == 6


def test_counts_per_department_add_up(org, cases):
    overview = supervision_overview(org.users["supervisor"], filters=OverviewFilters())
    by_code = {department.code: department for department in overview.departments}
    assert by_code["chengguan"].total == 5
    assert by_code["chengguan"].by_problem == {"overdue": 1, "red": 2, "orange": 1, "escalated": 1, "bouncing": 1}
    assert by_code[""].total == 1 and by_code[""].by_problem["bouncing"] == 1
    assert sum(department.total for department in overview.departments) == overview.total


def test_filters_narrow_the_list_and_the_counts(org, cases):
    supervisor = org.users["supervisor"]
    red = supervision_overview(supervisor, filters=OverviewFilters(problem="red"))
    assert set(_numbers(red)) == {cases["overdue_east"].number, cases["red_west"].number}
    assert red.total == 2

    west = supervision_overview(supervisor, filters=OverviewFilters(region="990103"))
    assert _numbers(west) == [cases["red_west"].number]
    assert west.totals["red"] == 1 and west.totals["bouncing"] == 0

    undispatched = supervision_overview(supervisor, filters=OverviewFilters(department="none"))
    assert _numbers(undispatched) == [cases["bouncing_south_undispatched"].number]
    assert undispatched.totals["bouncing"] == 1 and undispatched.totals["red"] == 0

    chengguan_bouncing = supervision_overview(supervisor, filters=OverviewFilters(department="chengguan",
                                                                                  problem="bouncing"))
    assert _numbers(chengguan_bouncing) == [cases["bouncing_east"].number]


def test_a_region_outside_the_jurisdiction_shows_nothing(org, cases):
    overview = supervision_overview(org.users["supervisor_east"], filters=OverviewFilters(region="990103"))
    assert overview.region_unknown and overview.cases == [] and overview.total == 0


def test_other_roles_get_an_empty_overview_and_a_403_page(org, client, cases):
    assert supervision_overview(org.users["handler"], filters=OverviewFilters()).cases == []
    url = reverse("supervision:overview")
    for username in ("handler", "head", "clerk", "dispatcher", "auditor", "custodian"):
        client.force_login(org.users[username])
        assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_the_page_lists_counts_links_and_filters_without_javascript(org, client, cases):
    client.force_login(org.users["supervisor_east"])
    response = client.get(reverse("supervision:overview"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script" not in html
    assert reverse("cases:detail", args=[cases["escalated_east"].number]) in html
    assert cases["red_west"].number not in html
    assert 'data-problem="bouncing"><strong>1</strong>' in html
    assert reverse("supervision:overview") in html  # the nav link

    response = client.get(reverse("supervision:overview"), {"problem": "orange"})
    assert response.content.decode().count('<tr class="row-') == 1
    assert client.get(reverse("supervision:overview"), {"problem": "nonsense"}).status_code == 400

    client.force_login(org.users["handler"])
    assert f'href="{reverse("supervision:overview")}"' not in client.get(reverse("cases:queue")).content.decode()


def test_pages_follow_each_other_without_gaps(org, cases):
    supervisor = org.users["supervisor"]
    for i in range(30):
        _case(org, title=f"批量超期案件 {i}", overdue=True, light="red", next_due_at=T0 + timedelta(hours=i),
              minutes=10 + i)
    first = supervision_overview(supervisor, filters=OverviewFilters())
    second = supervision_overview(supervisor, filters=OverviewFilters(page=2))
    assert first.num_pages == 2 and first.has_next and not second.has_next
    assert len(first.cases) == 25 and len(second.cases) == 11
    assert not set(_numbers(first)) & set(_numbers(second))


def test_the_page_query_count_does_not_grow_with_the_number_of_cases(org, client, django_assert_max_num_queries):
    client.force_login(org.users["supervisor"])
    url = reverse("supervision:overview")
    for i in range(3):
        _case(org, title=f"超期案件 {i}", overdue=True, light="red", minutes=i)
    filtered = {"problem": "bouncing", "department": "chengguan", "region": "990102", "page": "2"}
    client.get(url)  # warm up per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert response.content.decode().count('<tr class="row-') == 3
    bound = len(small.captured_queries)
    with CaptureQueriesContext(connection) as small_filtered:
        client.get(url, filtered)
    filtered_bound = len(small_filtered.captured_queries)  # one more: the region's path

    for i in range(3, 30):
        register(org, now=T0 + timedelta(minutes=i), title=f"新登记 {i}")
        _case(org, region=WEST_VILLAGE if i % 2 else EAST_VILLAGE, title=f"退回多次 {i}", bounce_count=2,
              minutes=i)
    with django_assert_max_num_queries(bound):
        response = client.get(url)
    assert response.content.decode().count('<tr class="row-') == 25
    with django_assert_max_num_queries(filtered_bound):
        response = client.get(url, filtered)
    assert response.content.decode().count('<tr class="row-') > 0
