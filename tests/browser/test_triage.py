"""Triage in a real browser: a dispatcher reads the proposals with their cues and overrides the category in one
click; an administrator declares an emergency and a new matching report arrives raised to critical."""

from __future__ import annotations

import re

import pytest

from jubao.accounts.actors import Actor
from jubao.cases.models import Case
from jubao.cases.services import ReportInput, case_register
from jubao.demo.organisation import build_demo_organisation
from jubao.taxonomy.models import Category
from jubao.triage.models import CaseTriage, EmergencyEvent, TrainingExample

from .conftest import assert_no_serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"
EAST_VILLAGE = "990102001001"


@pytest.fixture
def org(settings):
    settings.JUBAO_TRIAGE_INLINE = True
    settings.JUBAO_CONFIG_CACHE_SECONDS = 0
    return build_demo_organisation(password=PASSWORD, extra_staff=False)


def register(org, title: str, body: str) -> Case:  # type: ignore[no-untyped-def]
    report = case_register(actor=Actor.staff(org.users["clerk"]), report=ReportInput(
        channel="hotline", kind="complaint", title=title, body=body, region=org.regions[EAST_VILLAGE],
    ))
    return Case.objects.get(pk=report.case_id)


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/staff/account/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_dispatcher_sees_the_cues_and_overrides_the_category(page, live_server, org):
    case = register(org, "工地脚手架倒塌工人受伤住院",
                    "今天下午东华社区旁工地脚手架倒塌，两名工人受伤住院抢救，工地没有任何防护措施。")
    urban = Category.objects.get(name="城管执法")
    log_in(page, live_server, "dispatcher")
    page.goto(f"{live_server.url}/staff/cases/{case.number}/")
    panel = page.locator("#triage")
    assert panel.get_by_role("heading", level=2).is_visible()
    urgency = panel.locator("#triage-urgency")
    assert urgency.locator(".cues q").count() > 0  # the words that moved the proposal are shown
    assert re.search(r"[(（]\d+ ?%[)）]", urgency.inner_text())
    assert_no_serious_axe_violations(page)

    classification = panel.locator("#triage-classification")
    classification.locator("summary").click()
    form = classification.locator("form[action$='/classification/override/']")
    form.get_by_label(re.compile("^(问题分类|Category)$")).select_option(str(urban.pk))
    form.get_by_role("button").click()
    assert page.get_by_role("status").is_visible()
    assert Case.objects.get(pk=case.pk).category == urban
    assert TrainingExample.objects.get(report__case=case, target="category").label == str(urban.pk)
    assert "城管执法" in page.locator("#triage-classification").inner_text()
    assert_no_serious_axe_violations(page)


def test_an_administrator_declares_an_emergency_and_a_new_matching_report_is_critical(page, live_server, org):
    log_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/staff/triage/emergencies/")
    assert_no_serious_axe_violations(page)
    form = page.locator("form", has=page.locator("textarea[name=cue_words]"))
    form.locator("input[name=name]").fill("东城区暴雨红色预警")
    form.locator("select[name=regions]").select_option(str(org.regions["990102"].pk))
    form.locator("textarea[name=cue_words]").fill("暴雨\n积水\n内涝")
    form.get_by_role("button").click()
    assert page.get_by_role("status").is_visible()
    event = EmergencyEvent.objects.get()
    assert page.locator("table strong").get_by_text("东城区暴雨红色预警").is_visible()

    case = register(org, "暴雨后小区地下车库积水", "暴雨后东华社区地下车库积水半米多深，电梯井进水，物业联系不上。")
    assert Case.objects.get(pk=case.pk).urgency == "critical"
    assert CaseTriage.objects.get(case=case).emergency_event == event
    page.goto(f"{live_server.url}/staff/cases/{case.number}/")
    assert "东城区暴雨红色预警" in page.locator("#triage").inner_text()
    assert_no_serious_axe_violations(page)

    page.goto(f"{live_server.url}/staff/triage/emergencies/")
    page.get_by_role("button", name=re.compile("东城区暴雨红色预警")).click()
    event.refresh_from_db()
    assert event.ended_at is not None
