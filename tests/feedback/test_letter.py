"""The reply letter of a real-name report: a PDF with real, extractable Chinese text and no reporter name,
downloaded only by staff who can see the case (audited)."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from jubao.audit.models import AuditEvent
from jubao.feedback.jobs import write_letter
from jubao.feedback.letter import paragraphs
from jubao.feedback.letters import letter_content, letter_generate
from jubao.feedback.models import FeedbackAnswer, ReplyLetter
from jubao.jobs.models import Job

from .support import REPORTER_NAME, REPORTER_PHONE, SECTIONS, TITLE, answered, staff

pytestmark = pytest.mark.django_db


def extracted(pdf: bytes) -> str:
    """The text of every page, whitespace removed (line breaks fall wherever the layout put them)."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_answering_a_real_name_report_queues_the_letter_and_the_worker_writes_it(org):
    case = answered(org, real_name=True)
    job = Job.objects.get(kind="feedback.letter")
    answer = FeedbackAnswer.objects.get(case=case)
    assert job.payload == {"answer": str(answer.public_id)}  # a reference, never identity
    write_letter(job)
    write_letter(job)  # at least once: a second run changes nothing
    letter = ReplyLetter.objects.get(answer=answer)
    assert letter.reference == f"{case.number}-1" and letter.size == len(bytes(letter.pdf))
    assert bytes(letter.pdf).startswith(b"%PDF")


def test_the_letter_is_in_chinese_with_an_embedded_font_and_names_nobody(org):
    case = answered(org, real_name=True)
    answer = FeedbackAnswer.objects.get(case=case)
    letter = letter_generate(answer_id=str(answer.public_id))
    pdf = bytes(letter.pdf)
    text = extracted(pdf)
    for section in SECTIONS.values():
        assert re.sub(r"\s+", "", section) in text
    for style, paragraph in paragraphs(letter_content(answer, now=letter.generated_at)):
        assert re.sub(r"\s+", "", paragraph) in text, (style, paragraph)
    assert "示范市城市管理局" in text and "答复函" in text and "您好！" in text
    assert f"您于2026年3月2日反映的“{TITLE}”问题" in text
    assert "如对本答复不满意，您可以在" in text and "申请复查" in text  # how and by when to ask for review
    assert REPORTER_NAME not in text and REPORTER_PHONE not in text
    # A real font, embedded as a subset (not a viewer's substitute).
    font = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    descendants = [f.get_object()["/DescendantFonts"][0].get_object() for f in font.values()]
    assert any("/FontFile2" in d["/FontDescriptor"].get_object() for d in descendants)
    assert all("+" in str(d["/BaseFont"]) for d in descendants)


def test_staff_who_see_the_case_download_the_letter_and_the_download_is_audited(org):
    case = answered(org, real_name=True)
    url = f"/staff/feedback/cases/{case.number}/letters/1/"
    page = staff(org, "handler").get(f"/staff/cases/{case.number}/").content.decode()
    assert url in page
    response = staff(org, "clerk").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"] and response["Cache-Control"] == "no-store, private"
    assert SECTIONS["done"] in extracted(response.content)
    event = AuditEvent.objects.get(kind="feedback.letter_downloaded")
    assert (event.case_id, event.actor_id) == (case.pk, org.users["clerk"].pk)
    assert staff(org, "handler_zj").get(url).status_code == 404  # another department's handler
    assert staff(org, "custodian").get(url).status_code == 404
    assert AuditEvent.objects.filter(kind="feedback.letter_downloaded").count() == 1


def test_anonymous_reporters_get_no_letter(org):
    case = answered(org, receipt=True)
    assert not Job.objects.filter(kind="feedback.letter").exists()
    assert staff(org, "handler").get(f"/staff/feedback/cases/{case.number}/letters/1/").status_code == 404
    assert "letters/1/" not in staff(org, "handler").get(f"/staff/cases/{case.number}/").content.decode()
