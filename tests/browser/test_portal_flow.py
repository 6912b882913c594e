"""A reporter goes through the public portal in a real browser: an anonymous report with a photo
from submission to a request for review, and a real-name report followed with the phone number."""

from __future__ import annotations

import io
import re

import pytest
from PIL import ExifTags, Image
from playwright.sync_api import expect

from jubao.attachments.services import attachment_open
from jubao.cases.models import CaseState, Report
from jubao.cases.services import case_transition
from jubao.intake.models import MessageDirection, ReporterMessage
from jubao.intake.services import reporter_message_reply

from .portal_support import (
    EAST_VILLAGE,
    FEEDBACK_FOUND,
    ID_NUMBER,
    PHONE,
    RECEIPT_SHAPE,
    answer_case,
    configure,
    demo_org,
    jpeg_with_gps,
    new_context,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SUPPLEMENT_REQUEST = "请一次性补充：\n1. 垃圾堆放的具体时间；\n2. 南门东侧还是西侧；\n3. 是否有物业在场。"


@pytest.fixture
def org(settings, tmp_path):
    configure(settings, tmp_path)
    return demo_org()


def fill_what_happened(page, title: str) -> None:
    page.get_by_label("投诉", exact=True).check()
    page.get_by_label("标题").fill(title)
    page.get_by_label("发生了什么事？").fill("东华社区南门垃圾堆放三天没人清运，气味很大，老人孩子出门都要绕路。")
    page.get_by_label("在哪里？（所在地区）").select_option(EAST_VILLAGE)


def follow_up(browser, live_server, tracking: str, *, receipt: str = "", phone: str = ""):
    """Log in to the follow-up page from a fresh browser context (another day, another device)."""
    context = new_context(browser, live_server)
    page = context.new_page()
    page.goto(f"{live_server.url}/followup/")
    page.get_by_label("查询编号").fill(tracking)
    if receipt:
        page.get_by_label("查询密码（16 位数字）").fill(receipt)
    if phone:
        page.get_by_label("如果您是实名举报，也可以填写手机号码").fill(phone)
    page.get_by_role("button", name="查看我的举报").click()
    page.wait_for_url("**/followup/report/")
    assert page.get_by_role("heading", level=1).inner_text().replace(" ", "").endswith(tracking)
    return context, page


def test_anonymous_report_with_a_photo_from_submission_to_a_request_for_review(
        org, browser, page, live_server, tmp_path):
    photo = jpeg_with_gps(tmp_path / "IMG_0001.jpg")
    page.goto(f"{live_server.url}/")
    page.locator("main").get_by_role("link", name="我要举报").click()
    page.wait_for_url("**/report/")
    fill_what_happened(page, "东华社区南门垃圾三天没人清运")
    page.get_by_label("照片、视频、录音或文件（选填）").set_input_files(photo)
    page.get_by_label("不留姓名，匿名举报").check()
    page.get_by_role("button", name="提交举报").click()

    page.wait_for_url("**/report/receipt/")
    assert page.get_by_role("heading", name="您的举报已收到").is_visible()
    tracking = page.locator("#tracking").inner_text().strip()
    receipt = page.locator("#receipt").inner_text().strip()
    assert RECEIPT_SHAPE.match(receipt), receipt
    report = Report.objects.select_related("case").get(tracking_number=tracking)
    # The photo was stored, and what is stored has no location and no camera.
    attachment = report.attachments.get()
    assert (attachment.kind, attachment.original_name) == ("image", "IMG_0001.jpg")
    assert "exif:GPSInfo" in attachment.metadata_removed
    with Image.open(io.BytesIO(attachment_open(attachment))) as stored:
        exif = stored.getexif()
        assert ExifTags.IFD.GPSInfo not in exif and ExifTags.Base.Model not in exif
    # Shown once: reloading the receipt page no longer shows the secret.
    page.reload()
    assert page.locator("#receipt").count() == 0

    context, reporter = follow_up(browser, live_server, tracking, receipt=receipt)
    try:
        # The reporter writes; the office answers; the reporter reads it.
        reporter.get_by_label("您要说的话").fill("晚上也有人往那里倒垃圾")
        reporter.get_by_role("button", name="发送留言或补充材料").click()
        thread = reporter.locator("ol.messages-thread")
        expect(thread.locator("li.from_reporter")).to_contain_text("晚上也有人往那里倒垃圾")
        assert ReporterMessage.objects.filter(report=report, direction=MessageDirection.FROM_REPORTER).count() == 1
        reporter_message_reply(actor=org.users["dispatcher"], report=report, body="收到，我们会一并核查。")
        reporter.reload()
        expect(thread.locator("li.to_reporter")).to_contain_text("收到，我们会一并核查。")

        # One consolidated request for information, answered on the page: back to triage.
        case_transition(actor=org.actor("dispatcher"), number=report.case.number, transition="request_info",
                        reason=SUPPLEMENT_REQUEST)
        reporter.reload()
        panel = reporter.locator("section.attention")
        assert "2. 南门东侧还是西侧" in panel.inner_text()
        panel.get_by_label("您的回复").fill("每天早上七点左右，南门东侧垃圾桶旁，没有物业在场。")
        panel.get_by_role("button", name="提交补充材料").click()
        expect(reporter.locator("section.attention")).to_have_count(0)
        expect(thread.locator("li.from_reporter")).to_have_count(2)
        report.case.refresh_from_db()
        assert report.case.state == CaseState.REGISTERED

        # The office answers; the reporter is dissatisfied, says why, and asks for a review.
        answer_case(org, report.case.number)
        reporter.reload()
        assert FEEDBACK_FOUND in reporter.get_by_role("region", name="答复").inner_text()
        expect(reporter.locator(".status-line strong")).to_have_text("已答复")
        reporter.get_by_label("不满意", exact=True).check()
        reporter.get_by_label(re.compile("^原因")).fill("第二天又堆满了，问题没有解决。")
        reporter.get_by_role("button", name="提交评价").click()
        expect(reporter.locator(".status-line strong")).to_have_text("已评价")
        report.case.refresh_from_db()
        assert (report.case.state, report.case.satisfaction) == (CaseState.RATED, "dissatisfied")

        reporter.locator("summary", has_text="对答复申请复查").click()
        reporter.get_by_label("为什么要求复查这个答复？").fill("问题没有根本解决，请复查。")
        reporter.get_by_role("button", name="申请复查", exact=True).click()
        expect(reporter.locator(".status-line strong")).to_have_text("复查中")
        report.case.refresh_from_db()
        assert report.case.state == CaseState.UNDER_REVIEW
    finally:
        context.close()


def test_real_name_report_has_no_secret_receipt_and_is_followed_with_the_phone(org, browser, page, live_server):
    page.goto(f"{live_server.url}/report/")
    fill_what_happened(page, "东华社区南门垃圾三天没人清运（实名）")
    page.get_by_label("留下姓名，实名举报").check()
    page.get_by_label("您的姓名", exact=True).fill("王建国")
    page.get_by_label("身份证号码", exact=True).fill(ID_NUMBER)
    page.get_by_label("手机号码", exact=True).fill(PHONE)
    page.get_by_label("我知道故意捏造事实诬告他人是违法的").check()
    page.get_by_role("button", name="提交举报").click()

    page.wait_for_url("**/report/receipt/")
    tracking = page.locator("#tracking").inner_text().strip()
    assert page.locator("#receipt").count() == 0
    assert "您是实名举报" in page.locator(".receipt-card").inner_text()
    report = Report.objects.get(tracking_number=tracking)
    assert report.identity_id is not None

    context, reporter = follow_up(browser, live_server, tracking, phone=PHONE)
    try:
        assert reporter.locator(".status-line strong").is_visible()
    finally:
        context.close()
