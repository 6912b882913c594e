"""The portal for people who do not use a mouse, need large text, or read right to left."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jubao.cases.models import Report

from .portal_support import EAST_VILLAGE, RECEIPT_SHAPE, configure, demo_org, submit_anonymous_by_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MAX_TABS = 60


@pytest.fixture
def org(settings, tmp_path):
    configure(settings, tmp_path)
    return demo_org()


def focused(page) -> str:
    """What has the keyboard focus: the id, else the tag name (summary, button…)."""
    return page.evaluate("""() => { const e = document.activeElement;
        if (e.id) return e.id;
        if (e.tagName === 'BUTTON' && e.closest('form.report-form')) return 'submit';
        return e.tagName.toLowerCase(); }""")


def tab_to(page, target: str, order: list[str]) -> None:
    """Press Tab until `target` has the focus, noting every stop; fail if the focus never gets there."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        order.append(focused(page))
        if order[-1] == target:
            return
    pytest.fail(f"{target} cannot be reached with the Tab key; focus went: {order}")


def test_a_report_can_be_made_with_the_keyboard_alone(org, page, live_server):
    # Choosing a real name with the keyboard brings its fields into the focus order.
    page.goto(f"{live_server.url}/report/")
    order: list[str] = []
    tab_to(page, "id_identity_0", order)
    page.keyboard.press("ArrowDown")  # arrow keys move within a radio group and choose
    assert page.locator("#id_identity_1").is_checked()
    for field in ("id_name", "id_id_number", "id_phone", "id_contact_preference", "id_acknowledged_notice",
                  "submit"):
        tab_to(page, field, order)

    # Now an anonymous report, from a freshly loaded form, with the keyboard only.
    page.goto(f"{live_server.url}/report/")
    order = []
    tab_to(page, "id_kind_0", order)
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_kind_1").is_checked() and focused(page) == "id_kind_1"  # 投诉 (complaint)
    tab_to(page, "id_title", order)
    page.keyboard.type("键盘提交：东华社区南门垃圾没人清运")
    tab_to(page, "id_body", order)
    page.keyboard.type("东华社区南门垃圾堆放三天没人清运，气味很大。")
    tab_to(page, "id_region", order)
    for _ in range(30):
        if page.locator("#id_region").input_value() == EAST_VILLAGE:
            break
        page.keyboard.press("ArrowDown")
    assert page.locator("#id_region").input_value() == EAST_VILLAGE
    tab_to(page, "summary", order)
    page.keyboard.press("Enter")  # opens "add an exact map point"
    tab_to(page, "id_latitude", order)
    tab_to(page, "id_longitude", order)
    tab_to(page, "id_attachments", order)
    tab_to(page, "id_identity_0", order)
    page.keyboard.press("Space")
    assert page.locator("#id_identity_0").is_checked()
    assert page.locator(".real-name").is_hidden()
    tab_to(page, "submit", order)
    for field in ("id_occurred_on", "id_occurred_text", "id_reported_subject", "id_address"):
        assert field in order, f"{field} was skipped by the Tab key: {order}"
    page.keyboard.press("Enter")

    page.wait_for_url("**/report/receipt/")
    tracking = page.locator("#tracking").inner_text().strip()
    assert RECEIPT_SHAPE.match(page.locator("#receipt").inner_text().strip())
    report = Report.objects.select_related("kind").get(tracking_number=tracking)
    assert (report.kind.code, report.title, report.region.code) == ("complaint", "键盘提交：东华社区南门垃圾没人清运",
                                                                    EAST_VILLAGE)


def test_large_text_mode_persists_across_pages(page, live_server):
    page.goto(f"{live_server.url}/")
    body = page.locator("body")
    normal = float(body.evaluate("b => parseFloat(getComputedStyle(b).fontSize)"))
    page.get_by_role("button", name="大字号").click()
    expect(body).to_have_class("portal large-text")
    large = float(body.evaluate("b => parseFloat(getComputedStyle(b).fontSize)"))
    assert large > normal * 1.2, (normal, large)
    expect(page.get_by_role("button", name="正常字号")).to_have_attribute("aria-pressed", "true")

    page.locator("footer").get_by_role("link", name="查询举报").click()
    page.wait_for_url("**/followup/")
    expect(body).to_have_class("portal large-text")
    page.get_by_role("link", name="网上举报平台").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(body).to_have_class("portal large-text")
    assert float(body.evaluate("b => parseFloat(getComputedStyle(b).fontSize)")) == large

    page.get_by_role("button", name="正常字号").click()
    expect(body).to_have_class("portal")
    assert float(body.evaluate("b => parseFloat(getComputedStyle(b).fontSize)")) == normal


def test_the_uyghur_portal_reads_right_to_left_but_numbers_stay_left_to_right(org, page, live_server):
    page.goto(f"{live_server.url}/")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "ltr")
    page.get_by_label("语言").select_option("ug")  # the header's language form
    page.get_by_role("button", name="切换").click()
    expect(html).to_have_attribute("lang", "ug")
    expect(html).to_have_attribute("dir", "rtl")
    assert page.locator("main").evaluate("m => getComputedStyle(m).direction") == "rtl"

    submit_anonymous_by_id(page, live_server)
    expect(html).to_have_attribute("dir", "rtl")
    assert page.locator("main").evaluate("m => getComputedStyle(m).direction") == "rtl"
    for block in ("#tracking", "#receipt"):
        assert page.locator(block).evaluate("e => getComputedStyle(e).direction") == "ltr", block
        assert page.locator(block).evaluate("e => getComputedStyle(e).unicodeBidi") == "isolate", block
