"""The staff download view and the list fragment."""

import uuid

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from jubao.attachments.checks import attachment_check
from jubao.attachments.services import attachment_open, attachment_save
from jubao.audit.models import AuditEvent
from jubao.cases.models import CaseState
from tests.helpers import REPORTER, drive

from . import samples


@pytest.fixture
def attachment(org):
    report = drive(org, CaseState.DISPATCHED).reports.get()  # dispatched to 城管 (chengguan)
    checked = attachment_check(samples.upload("现场照片 1.jpg", samples.jpeg()))
    return attachment_save(actor=REPORTER, report=report, checked=checked)


def url(attachment) -> str:
    return reverse("attachments:download", args=[attachment.public_id])


def downloads() -> int:
    return AuditEvent.objects.filter(kind="attachment.downloaded").count()


@pytest.mark.parametrize("username", ["handler", "dispatcher"])
def test_staff_who_see_the_case_download_the_stripped_file(client, org, attachment, username):
    client.force_login(org.users[username])
    response = client.get(url(attachment))
    assert response.status_code == 200
    assert response.content == attachment_open(attachment)
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87%201.jpg")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(kind="attachment.downloaded")
    assert (event.actor_id, event.case_id) == (org.users[username].pk, attachment.report.case_id)
    assert event.payload["attachment"] == str(attachment.public_id)


def test_each_download_writes_one_audit_event(client, org, attachment):
    client.force_login(org.users["handler"])
    client.get(url(attachment))
    client.get(url(attachment))
    assert downloads() == 2


def test_handler_of_another_department_gets_the_same_404_as_for_a_missing_file(client, org, attachment):
    client.force_login(org.users["handler_zj"])
    forbidden = client.get(url(attachment))
    missing = client.get(reverse("attachments:download", args=[uuid.uuid4()]))
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content
    assert downloads() == 0


def test_login_is_required(client, attachment):
    response = client.get(url(attachment))
    assert response.status_code == 302 and "login" in response["Location"]
    assert downloads() == 0


def test_only_get_downloads(client, org, attachment):
    client.force_login(org.users["handler"])
    assert client.post(url(attachment)).status_code == 405
    assert client.head(url(attachment)).status_code == 405
    assert downloads() == 0


def test_list_fragment_shows_name_kind_size_hash_removed_metadata_and_link(attachment):
    html = render_to_string("attachments/list.html", {"attachments": attachment.report.attachments.all()})
    assert "现场照片 1.jpg" in html
    assert url(attachment) in html
    assert f'data-sha256="{attachment.original_sha256}"' in html
    assert "exif:GPSInfo" in html
    html = render_to_string("attachments/list.html", {"attachments": []})
    assert "No attachments" in html or "没有附件" in html
