"""axe finds no serious or critical problem on any public page, in any of the portal's languages.

One browser context per language visits every page in turn: home, the report form, the form sent
back with errors, the receipt, the follow-up login, and the follow-up page of an answered case
with messages both ways."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from jubao.cases.models import Report
from jubao.intake.services import reporter_message_reply

from .conftest import assert_no_serious_axe_violations
from .portal_support import answer_case, configure, demo_org, new_context, submit_anonymous_by_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page, what: str, failures: list[str]) -> None:
    try:
        assert_no_serious_axe_violations(page)
    except AssertionError as exc:
        failures.append(f"{what} ({page.url}):\n{exc}")


@pytest.mark.parametrize("language", django_settings.PORTAL_LANGUAGES)
def test_no_serious_axe_violations_on_public_pages(language, settings, tmp_path, browser, live_server):
    configure(settings, tmp_path)
    org = demo_org()
    context = new_context(browser, live_server, language=language)
    failures: list[str] = []
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        check(page, "home", failures)

        page.goto(f"{live_server.url}/report/")
        check(page, "report form", failures)
        page.locator("form.report-form button[type=submit]").click()
        expect(page.locator("#error-summary")).to_be_visible()
        check(page, "report form with errors", failures)

        tracking, receipt = submit_anonymous_by_id(page, live_server)
        check(page, "receipt", failures)

        page.goto(f"{live_server.url}/followup/")
        check(page, "follow-up login", failures)
        report = Report.objects.select_related("case").get(tracking_number=tracking)
        page.locator("#id_tracking_number").fill(tracking)
        page.locator("#id_receipt").fill(receipt)
        page.locator("form.narrow button[type=submit]").click()
        page.wait_for_url("**/followup/report/")
        page.locator("form:has(input[name=action][value=message]) textarea").fill("晚上也有人往那里倒垃圾")
        page.locator("form:has(input[name=action][value=message]) button[type=submit]").click()
        expect(page.locator("li.from_reporter")).to_have_count(1)
        reporter_message_reply(actor=org.users["dispatcher"], report=report, body="收到，我们会一并核查。")
        answer_case(org, report.case.number)
        page.reload()
        expect(page.locator("input[name=satisfaction]")).to_have_count(3)
        check(page, "follow-up page", failures)
    finally:
        context.close()
    assert not failures, "\n\n".join(failures)


def duplicate_ids(page) -> list[str]:
    return page.evaluate("""() => { const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
        return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))]; }""")


def mislabelled_fields(page) -> list[str]:
    """Text areas whose label does not lead to them (the browser follows `for` to the first element
    with that id): what a screen reader announces, and where a click on the label goes."""
    return page.evaluate("""() => [...document.querySelectorAll('form textarea')].filter(t =>
        !(t.labels && t.labels.length && [...t.labels].every(l => l.control === t))).map(t =>
        t.form.querySelector('input[name=action]').value + ':' + t.name)""")


def test_every_field_on_the_follow_up_page_has_its_own_id_and_label(settings, tmp_path, browser, live_server):
    from jubao.cases.services import case_transition

    configure(settings, tmp_path)
    org = demo_org()
    context = new_context(browser, live_server, language="en")
    problems: list[str] = []
    try:
        page = context.new_page()
        tracking, _receipt = submit_anonymous_by_id(page, live_server)
        report = Report.objects.select_related("case").get(tracking_number=tracking)
        case_transition(actor=org.actor("dispatcher"), number=report.case.number, transition="request_info",
                        reason="1. When exactly?\n2. Which side of the south gate?")
        page.goto(f"{live_server.url}/followup/report/")
        expect(page.locator("section.attention")).to_be_visible()
        problems += [f"needs info: duplicate id {i}" for i in duplicate_ids(page)]
        problems += [f"needs info: label of {f} leads elsewhere" for f in mislabelled_fields(page)]

        page.locator("section.attention textarea").fill("Every morning at seven, east side.")
        page.locator("section.attention button[type=submit]").click()
        expect(page.locator("section.attention")).to_have_count(0)
        answer_case(org, report.case.number)
        page.reload()
        expect(page.locator("input[name=satisfaction]")).to_have_count(3)
        problems += [f"answered: duplicate id {i}" for i in duplicate_ids(page)]
        problems += [f"answered: label of {f} leads elsewhere" for f in mislabelled_fields(page)]
    finally:
        context.close()
    assert not problems, "\n".join(problems)
