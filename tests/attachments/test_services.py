"""Saving encrypted, opening, auditing, limits, orphan clean-up and key rotation."""

import base64
import hashlib
import io
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from PIL import ExifTags, Image

from jubao.attachments.checks import AttachmentRejected, attachment_check
from jubao.attachments.errors import AttachmentUnavailable
from jubao.attachments.models import Attachment
from jubao.attachments.services import (
    attachment_download,
    attachment_open,
    attachment_save,
    attachments_gc,
    attachments_rotate,
)
from jubao.attachments.storage import get_storage
from jubao.audit.chain import iter_breaks
from jubao.audit.models import AuditEvent
from jubao.protection import keys
from tests.helpers import REPORTER, register

from . import samples


@pytest.fixture
def report(org):
    return register(org).reports.get()


def save(report, name="IMG_0001.jpg", content=None, actor=REPORTER):
    return attachment_save(actor=actor, report=report, checked=attachment_check(samples.upload(name, content)))


def stored_path(settings, attachment) -> Path:
    return Path(settings.MEDIA_ROOT) / "attachments" / attachment.storage_name


def test_saved_photo_opens_without_gps_and_records_the_original_hash(report):
    content = samples.jpeg()
    attachment = save(report, content=content)
    data = attachment_open(attachment)
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        assert ExifTags.IFD.GPSInfo not in exif and ExifTags.Base.Model not in exif
    assert attachment.original_sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.stored_sha256 == hashlib.sha256(data).hexdigest() != attachment.original_sha256
    assert attachment.size == len(data)
    assert (attachment.kind, attachment.content_type, attachment.original_name) == ("image", "image/jpeg",
                                                                                    "IMG_0001.jpg")
    assert "exif:GPSInfo" in attachment.metadata_removed
    assert attachment.uploaded_by_kind == "reporter" and attachment.uploaded_by is None
    assert list(report.attachments.all()) == [attachment]


def test_pdf_author_is_gone_after_save_and_open(report):
    attachment = save(report, "材料.pdf", samples.pdf())
    from pypdf import PdfReader

    assert PdfReader(io.BytesIO(attachment_open(attachment))).metadata is None
    assert "pdf:/Author" in Attachment.objects.get(pk=attachment.pk).metadata_removed


def test_stored_file_is_ciphertext_under_a_random_name(report, settings):
    text = "举报人张三，电话13800138000，证据如下。".encode()
    attachment = save(report, "张三的证据.txt", text)
    path = stored_path(settings, attachment)
    on_disk = path.read_bytes()
    assert text not in on_disk and text[:12] not in on_disk
    assert len(on_disk) == len(text) + 12 + 16  # nonce + ciphertext + tag
    assert "张三" not in attachment.storage_name and "txt" not in attachment.storage_name
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert attachment_open(attachment) == text
    assert attachment.algorithm == "aes-256-gcm" and attachment.key_id == "t1"


def test_tampered_or_swapped_ciphertext_does_not_open(report, settings):
    first, second = save(report, "a.txt", b"first file\n"), save(report, "b.txt", b"second file\n")
    stored_path(settings, first).write_bytes(stored_path(settings, second).read_bytes())
    with pytest.raises(AttachmentUnavailable, match=str(first.public_id)):
        attachment_open(first)
    stored_path(settings, second).unlink()
    with pytest.raises(AttachmentUnavailable, match="missing"):
        attachment_open(second)


def test_adding_is_audited_with_the_evidence_hash_but_not_the_name(report):
    attachment = save(report, "张三的证据.jpg", samples.jpeg())
    event = AuditEvent.objects.get(kind="attachment.added")
    assert event.case_id == report.case_id and event.actor_label == REPORTER.label
    assert event.payload["attachment"] == str(attachment.public_id)
    assert event.payload["original_sha256"] == attachment.original_sha256
    assert "张三" not in str(event.payload)
    assert list(iter_breaks()) == []


def test_download_appends_exactly_one_audit_event(report, org):
    attachment = save(report, content=samples.jpeg())
    before = AuditEvent.objects.count()
    data, content_type, name = attachment_download(actor=org.actor("dispatcher"), attachment=attachment)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("seq")
    assert (event.kind, event.case_id, event.actor_id) == ("attachment.downloaded", report.case_id,
                                                           org.users["dispatcher"].pk)
    assert event.payload["attachment"] == str(attachment.public_id)
    assert (content_type, name) == ("image/jpeg", "IMG_0001.jpg")
    assert data == attachment_open(attachment)


def test_download_name_takes_the_real_extension(report, org):
    attachment = save(report, "scan.jpg", samples.pdf())  # a PDF the reporter named .jpg
    assert attachment_download(actor=org.actor("dispatcher"), attachment=attachment)[1:] == ("application/pdf",
                                                                                           "scan.pdf")


def test_per_report_limit_is_enforced_on_save(report, settings):
    settings.JUBAO_ATTACHMENT_MAX_PER_REPORT = 2
    save(report, "a.txt", b"a\n")
    save(report, "b.txt", b"b\n")
    with pytest.raises(AttachmentRejected, match="at most 2 files; this would make 3"):
        save(report, "c.txt", b"c\n")
    assert report.attachments.count() == 2


def test_staff_uploads_record_the_user(report, org):
    attachment = save(report, "a.txt", b"minutes of the visit\n", actor=org.actor("clerk"))
    assert (attachment.uploaded_by_kind, attachment.uploaded_by) == ("staff", org.users["clerk"])


def _age(path: Path, hours: float) -> None:
    past = time.time() - hours * 3600
    os.utime(path, (past, past))


@pytest.mark.django_db(transaction=True)
def test_gc_removes_files_left_by_a_rolled_back_upload_once_old_enough(org, settings):
    report = register(org).reports.get()
    kept = save(report, "kept.txt", b"kept\n")
    with pytest.raises(RuntimeError), transaction.atomic():
        orphan = save(report, "orphan.txt", b"orphan\n")
        raise RuntimeError("the caller's transaction fails after the file was written")
    orphan_path = stored_path(settings, orphan)
    assert orphan_path.exists() and not Attachment.objects.filter(pk=orphan.pk).exists()
    assert attachments_gc() == []  # too young: it might belong to an upload still in progress
    _age(orphan_path, 2)
    _age(stored_path(settings, kept), 2)
    call_command("attachments_gc", "--dry-run", stdout=io.StringIO())
    assert orphan_path.exists()
    assert attachments_gc(older_than=timedelta(hours=1)) == [orphan.storage_name]
    assert not orphan_path.exists() and attachment_open(kept) == b"kept\n"


def test_rotation_rewraps_data_keys_under_the_new_master_key(report, settings):
    attachment = save(report, "a.txt", b"rotate me\n")
    settings.JUBAO_VAULT_KEYS += ",t2:" + base64.b64encode(os.urandom(32)).decode()
    settings.JUBAO_VAULT_ACTIVE_KEY = "t2"
    keys.reset_cache()
    call_command("rotate_attachment_keys", stdout=io.StringIO())
    attachment.refresh_from_db()
    assert attachment.key_id == "t2" and attachments_rotate() == 0
    settings.JUBAO_VAULT_KEYS = settings.JUBAO_VAULT_KEYS.split(",")[1]  # the old key is gone
    keys.reset_cache()
    assert attachment_open(attachment) == b"rotate me\n"


def test_configured_storage_backend_is_used(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "s3")}}}
    assert Path(get_storage().location) == tmp_path / "s3"
