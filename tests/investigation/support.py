"""Helpers shared by the investigation tests: a reporter's session, files, and service shortcuts."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jubao.investigation.storage import EvidenceFile
from tests.helpers import later

NOTE_TEXT = "内部备注：被反映商户系承办人远房亲戚的说法待核实，暂不向举报人透露核查进度细节。"


def photo_bytes(colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "JPEG", comment=b"site photo")
    return out.getvalue()


def upload(data: bytes, name: str = "现场照片.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def evidence_file(data: bytes | None = None, name: str = "现场照片.jpg") -> EvidenceFile:
    return EvidenceFile(name=name, content_type="image/jpeg", data=data or photo_bytes())


def at(case, hours: float = 2):
    return later(case, timedelta(hours=hours))


def reporter_client(client_class, case):
    """A browser logged in to the follow-up page of the case's first report, with its receipt."""
    from jubao.intake.services import reporter_receipt_issue
    from tests.helpers import SYSTEM

    report = case.reports.first()
    receipt = reporter_receipt_issue(actor=SYSTEM, report=report)
    browser = client_class(HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = browser.post("/followup/", {"tracking_number": report.tracking_number, "receipt": receipt})
    assert response.status_code == 302, response.content.decode()[:500]
    return browser, report, receipt
