"""In a real browser: a dispatcher asks "who gets this and why" for a case, then dispatches it in one click
with the catalogue's suggestion (lead and co-handling department pre-filled)."""

from __future__ import annotations

import re

import pytest

from jubao.cases.models import Case, CaseState
from jubao.demo.organisation import build_demo_organisation
from tests.browser.conftest import CHROMIUM, HAVE_CHROMIUM, assert_no_serious_axe_violations
from tests.helpers import drive
from tests.routing.routing_support import CITY, EAST, MUNICIPAL, rule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not HAVE_CHROMIUM, reason=f"browser tests need Chromium at {CHROMIUM}")]
PASSWORD = "correct-horse-battery"


@pytest.fixture
def org(settings):  # type: ignore[no-untyped-def]
    settings.JUBAO_CONFIG_CACHE_SECONDS = 0
    return build_demo_organisation(password=PASSWORD, extra_staff=False)


def log_in(page, live_server, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/staff/account/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_dispatcher_explains_the_routing_and_dispatches_in_one_click(page, live_server, org):
    city = rule(org, "chengguan", category=MUNICIPAL, region=CITY)
    east = rule(org, "dc-chengguan", category=MUNICIPAL, region=EAST, co=("zhujian",), note="东城区属地办理")
    case = drive(org, CaseState.ACCEPTED)
    log_in(page, live_server, "dispatcher")

    page.goto(f"{live_server.url}/staff/routing/explain/")
    assert_no_serious_axe_violations(page)
    page.locator("input[name=case]").fill(case.number)
    page.locator("form.filters button[type=submit]").click()
    result = page.locator("#routing-result")
    assert f"#{east.pk}" in result.inner_text() and "东城区城市管理局" in result.inner_text()
    rows = result.locator("table.routing-candidates tbody tr")
    assert rows.count() == 2 and f"#{city.pk}" in rows.nth(1).inner_text()
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name=re.compile(case.number)).click()
    panel = page.locator("#routing")
    assert "东城区属地办理" in panel.inner_text()
    assert_no_serious_axe_violations(page)
    panel.locator("form.routing-dispatch button").click()  # the one click
    assert page.get_by_role("status").is_visible()
    case = Case.objects.get(pk=case.pk)
    assert case.state == CaseState.DISPATCHED and case.lead_department.code == "dc-chengguan"
    assert {a.department.code for a in case.assignments.filter(is_active=True)} == {"dc-chengguan", "zhujian"}
    assert_no_serious_axe_violations(page)
