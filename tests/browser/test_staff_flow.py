"""A dispatcher and a handler move a case through the UI in a real browser."""

from __future__ import annotations

import re

import pytest

from jubao.accounts.actors import Actor
from jubao.cases.models import Case, CaseState
from jubao.cases.services import ReportInput, case_register
from jubao.demo.organisation import build_demo_organisation
from jubao.taxonomy.models import Category

from .conftest import assert_no_serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


@pytest.fixture
def registered_case():
    org = build_demo_organisation(password=PASSWORD, extra_staff=False)
    report = case_register(actor=Actor.staff(org.users["clerk"]), report=ReportInput(
        channel="hotline", kind="complaint", title="东华社区南门垃圾三天无人清运",
        body="东华社区南门垃圾堆放三天无人清运，气味很大，影响居民出行。", region=org.regions["990102001001"],
    ))
    return report.case


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/staff/account/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_dispatcher_accepts_and_dispatches_a_case_and_the_handler_starts_it(page, live_server, registered_case):
    category = Category.objects.get(name="环境卫生")
    log_in(page, live_server, "dispatcher")
    assert page.get_by_role("heading", name="工作台").is_visible()
    row = page.get_by_role("row").filter(has_text=registered_case.number)
    assert row.get_by_text("绿灯").is_visible()
    assert_no_serious_axe_violations(page)

    row.get_by_role("link", name=registered_case.number).click()
    assert_no_serious_axe_violations(page)
    page.locator("summary", has_text=re.compile("^受理$")).click()
    form = page.locator("form[action$='/act/accept/']")
    form.get_by_label("问题分类").select_option(str(category.pk))
    form.get_by_label("复杂程度").select_option("simple")
    form.get_by_role("button").click()
    assert page.get_by_role("status").filter(has_text="已完成").is_visible()

    page.locator("summary", has_text=re.compile("^派单")).click()
    form = page.locator("form[action$='/act/dispatch/']")
    form.get_by_label("主办单位").select_option("chengguan")
    form.get_by_role("button").click()
    assert Case.objects.get(pk=registered_case.pk).state == CaseState.DISPATCHED

    page.get_by_role("button", name="退出").click()
    log_in(page, live_server, "handler")
    page.get_by_role("link", name=registered_case.number).click()
    # The handler sees only what a handler may do: no accept, no dispatch.
    summaries = page.locator("summary").all_inner_texts()
    assert not any(s == "受理" or "派单" in s for s in summaries)
    page.locator("summary", has_text=re.compile("^签收")).click()
    page.locator("form[action$='/act/start/']").get_by_role("button").click()
    assert Case.objects.get(pk=registered_case.pk).state == CaseState.IN_PROGRESS
    timeline = page.locator("ol.timeline").inner_text()
    assert "派单" in timeline and "签收" in timeline


def test_a_rejected_action_keeps_what_was_typed_and_names_the_problem(page, live_server, registered_case):
    log_in(page, live_server, "dispatcher")
    page.goto(f"{live_server.url}/staff/cases/{registered_case.number}/")
    page.locator("summary", has_text=re.compile("^不予受理")).click()
    form = page.locator("form[action$='/act/refuse/']")
    form.get_by_label("理由", exact=True).fill("属于民事纠纷")
    form.get_by_role("button").click()
    form = page.locator("form[action$='/act/refuse/']")
    assert form.get_by_label("理由", exact=True).input_value() == "属于民事纠纷"
    assert form.locator(".error").first.is_visible()
    assert Case.objects.get(pk=registered_case.pk).state == CaseState.REGISTERED
    assert_no_serious_axe_violations(page)


def test_staff_can_switch_the_interface_to_english(page, live_server, registered_case):
    log_in(page, live_server, "dispatcher")
    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="切换").click()
    assert page.get_by_role("heading", name="Work queue").is_visible()
    assert_no_serious_axe_violations(page)
