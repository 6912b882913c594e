"""A real-name reporter: identity only in the vault, the false-accusation notice, phone follow-up, SMS milestones."""

import pytest
from django.test import Client

from jubao.cases.models import Report
from jubao.intake.models import ReporterAccess
from jubao.notifications.models import OutboxMessage
from jubao.protection.vault import identity_reveal

from .helpers import REAL_NAME, database_contains, login, submit

pytestmark = pytest.mark.django_db


def test_a_real_name_report_keeps_identity_only_in_the_vault(org, client):
    tracking, receipt = submit(client, REAL_NAME)
    assert receipt is None
    report = Report.objects.get(tracking_number=tracking)
    assert not report.is_anonymous
    assert identity_reveal(report.identity)["phone"] == "13812345678"
    assert report.reporter_pseudonym == report.identity.pseudonym
    assert database_contains("13812345678") == []
    assert database_contains("王建国") == []
    assert database_contains("11010519491231002X") == []
    access = ReporterAccess.objects.get(report=report)
    assert access.acknowledged_false_accusation_notice_at is not None


def test_the_false_accusation_notice_must_be_acknowledged(org, client):
    data = {k: v for k, v in REAL_NAME.items() if k != "acknowledged_notice"}
    response = client.post("/report/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Please confirm that you have read this notice." in response.content.decode()
    assert not Report.objects.exists()


def test_an_id_number_with_a_wrong_check_digit_is_refused_with_a_clear_message(org, client):
    response = client.post("/report/", {**REAL_NAME, "id_number": "110105194912310021"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "not a valid 18-digit ID card number" in response.content.decode()
    assert "110105194912310021" in response.content.decode()  # what was typed stays


def test_the_real_name_reporter_follows_up_with_tracking_number_and_phone(org, client):
    tracking, _ = submit(client, REAL_NAME)
    assert login(tracking, phone="+86 138-1234-5678").get("/followup/report/").status_code == 200
    assert Client().post("/followup/", {"tracking_number": tracking, "phone": "13900000000"}).status_code == 403


def test_milestones_reach_a_real_name_reporter_by_sms_without_identity_or_details(org, client):
    from jubao.cases.services import case_transition
    from jubao.taxonomy.models import Category

    tracking, _ = submit(client, REAL_NAME)
    case = Report.objects.get(tracking_number=tracking).case
    case_transition(actor=org.actor("dispatcher"), number=case.number, transition="accept",
                    data={"category": Category.objects.get(name="环境卫生").pk, "grade": "simple"})
    messages = OutboxMessage.objects.filter(channel="sms").order_by("created_at")
    assert [m.topic for m in messages] == ["reporter.received", "reporter.accepted"]
    for message in messages:
        text = f"{message.subject} {message.body} {message.payload} {message.audience}"
        assert tracking in text
        assert "13812345678" not in text and "王建国" not in text and "垃圾" not in text


def test_sms_delivery_decrypts_the_phone_only_when_sending(org, client, capsys):
    from jubao.notifications.services import outbox_deliver

    submit(client, REAL_NAME)
    outbox_deliver()
    printed = capsys.readouterr().out
    assert "SMS to 138****5678" in printed
    assert OutboxMessage.objects.get(topic="reporter.received").status == "sent"
