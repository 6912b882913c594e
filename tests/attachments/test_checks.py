"""Recognising uploads by content, size limits and names (no database needed)."""

import hashlib
import io
import zipfile

import pytest

from jubao.attachments.checks import (
    MB,
    AttachmentRejected,
    attachment_check,
    attachment_count_check,
    extension_for,
    sanitise_name,
)

from . import samples

NOT_ACCEPTED = ("This file is not a photo, video, audio recording, PDF or office document, "
                "whatever its name says.")


@pytest.mark.parametrize("content", [
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200,  # Windows executable
    b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200,  # Linux executable
    b"#!/bin/sh\nrm -rf /\x00",  # script with a NUL: not text either
    b"PK\x03\x04" + b"\x00" * 100,  # a broken zip
])
def test_executables_and_junk_named_like_photos_are_refused(content):
    with pytest.raises(AttachmentRejected) as exc:
        attachment_check(samples.upload("photo.jpg", content, "image/jpeg"))
    assert exc.value.message == NOT_ACCEPTED
    assert exc.value.field == "attachments"


def test_a_plain_zip_or_apk_is_not_an_office_document():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("classes.dex", b"dex\n035")
        z.writestr("AndroidManifest.xml", b"<manifest/>")
    with pytest.raises(AttachmentRejected, match="whatever its name says"):
        attachment_check(samples.upload("report.docx", out.getvalue()))


def test_oversized_photo_is_refused_naming_the_default_limit():
    content = samples.jpeg()
    content += b"\x00" * (int(23.4 * MB) - len(content))
    with pytest.raises(AttachmentRejected) as exc:
        attachment_check(samples.upload("big.jpg", content))
    assert exc.value.message == "Photos can be at most 20 MB; this one is 23.4 MB."


def test_limits_come_from_settings_per_kind(settings):
    settings.JUBAO_ATTACHMENT_LIMITS = {"pdf": 300}
    with pytest.raises(AttachmentRejected, match=r"^PDFs can be at most 300 B; this one is \d+ B\.$"):
        attachment_check(samples.upload("a.pdf", samples.pdf()))
    assert attachment_check(samples.upload("a.jpg", samples.jpeg())).kind == "image"  # other kinds keep defaults


def test_a_lying_declared_size_does_not_get_past_the_limit(settings):
    settings.JUBAO_ATTACHMENT_LIMITS = {"audio": 100 * 1024}
    upload = samples.upload("a.mp3", samples.mp3() + b"\xff\xfb\x90\x64" * 40_000)
    upload.size = 10
    with pytest.raises(AttachmentRejected, match="Audio recordings can be at most 100 KB"):
        attachment_check(upload)


def test_empty_file_is_refused():
    with pytest.raises(AttachmentRejected, match="empty"):
        attachment_check(samples.upload("a.jpg", b""))


@pytest.mark.parametrize(("maker", "name", "kind", "content_type"), [
    (samples.jpeg, "IMG_0001.JPG", "image", "image/jpeg"),
    (samples.png_with_text, "x.png", "image", "image/png"),
    (samples.gif_animated, "x.gif", "image", "image/gif"),
    (samples.webp, "x.webp", "image", "image/webp"),
    (samples.heic, "x.heic", "image", "image/heic"),
    (samples.pdf, "x.pdf", "pdf", "application/pdf"),
    (samples.mp4, "x.mp4", "video", "video/mp4"),
    (lambda: samples.mp4(video=False), "x.mp4", "audio", "audio/mp4"),
    (samples.mp3, "x.mp3", "audio", "audio/mpeg"),
    (samples.wav, "x.wav", "audio", "audio/wav"),
    (samples.docx, "x.docx", "document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (samples.xlsx, "x.xlsx", "document", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_accepted_types_are_recognised_by_content(maker, name, kind, content_type):
    content = maker()
    checked = attachment_check(samples.upload("renamed.bin", content))
    assert (checked.kind, checked.content_type) == (kind, content_type)
    assert checked.original_sha256 == hashlib.sha256(content).hexdigest()
    assert checked.stored_sha256 == hashlib.sha256(checked.data).hexdigest()


def test_text_in_utf8_or_gb18030_is_accepted():
    utf8 = attachment_check(samples.upload("notes.txt", "时间：昨天下午三点\n地点：东门\n".encode()))
    gbk = attachment_check(samples.upload("notes.txt", "举报内容：占道经营\r\n".encode("gb18030")))
    assert (utf8.kind, utf8.content_type) == ("document", "text/plain; charset=utf-8")
    assert gbk.content_type == "text/plain; charset=gb18030"
    assert utf8.data == "时间：昨天下午三点\n地点：东门\n".encode()


def test_legacy_word_and_excel_are_accepted_but_other_ole2_files_are_not():
    ole2 = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 500
    doc = attachment_check(samples.upload("a.doc", ole2 + "WordDocument".encode("utf-16-le") + b"\x00\x00"))
    xls = attachment_check(samples.upload("a.xls", ole2 + "Workbook".encode("utf-16-le") + b"\x00\x00"))
    assert (doc.content_type, xls.content_type) == ("application/msword", "application/vnd.ms-excel")
    with pytest.raises(AttachmentRejected, match="whatever its name says"):  # e.g. an .msi installer
        attachment_check(samples.upload("setup.doc", ole2 + "SummaryInformation".encode("utf-16-le")))
    with pytest.raises(AttachmentRejected, match="macros"):
        attachment_check(samples.upload("a.doc", ole2 + "WordDocument_VBA_PROJECT".encode("utf-16-le")))


def test_macro_documents_are_refused():
    with pytest.raises(AttachmentRejected, match="macros"):
        attachment_check(samples.upload("invoice.docx", samples.docx(macro=True)))


def test_names_are_sanitised_and_downloads_get_the_real_extension():
    assert sanitise_name("C:\\Users\\zhang\\Desktop\\证据.jpg", "jpg") == "证据.jpg"
    assert sanitise_name("../../etc/passwd", "txt") == "passwd"
    assert sanitise_name("photo\u202egpj.exe", "jpg") == "photogpj.exe"  # no right-to-left override
    assert sanitise_name("  \x00 ", "pdf") == "attachment.pdf"
    long = sanitise_name("长" * 300 + ".pdf", "pdf")
    assert len(long) == 200 and long.endswith(".pdf")
    assert extension_for("text/plain; charset=gb18030") == "txt"
    assert extension_for("application/msword") == "doc"


def test_count_check_without_a_saved_report():
    attachment_count_check(None, 10)
    with pytest.raises(AttachmentRejected, match="at most 10 files; this would make 11"):
        attachment_count_check(None, 11)


def test_a_damaged_office_document_is_refused_not_an_error():
    content = bytearray(samples.docx())
    start = content.index(b"word/document.xml") + len(b"word/document.xml")
    content[start + 5:start + 25] = b"\xff" * 20  # inside the compressed body of the part
    with pytest.raises(AttachmentRejected, match="could not be read"):
        attachment_check(samples.upload("x.docx", bytes(content)))
