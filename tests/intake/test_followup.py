"""Coming back: messages both ways, the consolidated supplement request, rating and review."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from jubao.cases.models import CaseState, Report
from jubao.cases.services import case_transition
from jubao.feedback.sections import compose
from jubao.intake.models import ReporterMessage
from jubao.intake.services import reporter_request_review
from jubao.taxonomy.models import Category

from .helpers import login, submit

pytestmark = pytest.mark.django_db
FEEDBACK_FOUND = "您反映的东华社区南门垃圾问题属实，垃圾已堆放三天未清运。"
FEEDBACK = compose({
    "checked": "城管局工作人员于次日到东华社区南门现场核实，并询问了物业和保洁人员。",
    "found": FEEDBACK_FOUND,
    "done": "已督促环卫公司当日清运完毕，并对保洁公司进行了约谈。",
    "next_steps": "城管局安排每日巡查该点位，如再出现请随时反映。",
})


def _staff(org, username):
    client = Client()
    client.force_login(org.users[username])
    return client


def _answer(org, number):
    for who, name, data in [
        ("dispatcher", "accept", {"category": Category.objects.get(name="环境卫生").pk, "grade": "simple"}),
        ("dispatcher", "dispatch", {"department": "chengguan"}),
        ("handler", "start", {}),
        ("handler", "conclude", {"finding": "substantiated", "conclusion_text": "经现场核实情况属实，已督促环卫公司清运完毕并安排每日巡查。"}),
        ("handler", "answer", {"feedback_text": FEEDBACK}),
    ]:
        case_transition(actor=org.actor(who), number=number, transition=name, data=data)


def test_messages_go_both_ways_and_staff_see_them_on_the_case_page(org, client):
    tracking, receipt = submit(client)
    reporter = login(tracking, receipt)
    assert reporter.post("/followup/report/", {"action": "message", "body": "晚上也有人往那里倒垃圾"}).status_code == 302
    case = Report.objects.get(tracking_number=tracking).case
    dispatcher = _staff(org, "dispatcher")
    assert "晚上也有人往那里倒垃圾" in dispatcher.get(f"/staff/cases/{case.number}/").content.decode()
    response = dispatcher.post(f"/staff/cases/{case.number}/reports/{tracking}/reply/", {"body": "收到，我们会一并核查。"})
    assert response.status_code == 302
    page = reporter.get("/followup/report/").content.decode()
    assert "收到，我们会一并核查。" in page
    assert ReporterMessage.objects.get(direction="to_reporter").read_at is not None


def test_a_handler_of_another_department_cannot_write_to_the_reporter(org, client):
    tracking, _ = submit(client)
    case = Report.objects.get(tracking_number=tracking).case
    response = _staff(org, "handler_zj").post(f"/staff/cases/{case.number}/reports/{tracking}/reply/", {"body": "x"})
    assert response.status_code == 404
    assert not ReporterMessage.objects.exists()


def test_the_reporter_answers_the_consolidated_request_and_the_case_returns_to_triage(org, client):
    tracking, receipt = submit(client)
    case = Report.objects.get(tracking_number=tracking).case
    request_text = "请一次性补充：1. 具体时间；2. 现场照片；3. 垃圾堆放的具体位置。"
    case_transition(actor=org.actor("dispatcher"), number=case.number, transition="request_info",
                    reason=request_text)
    reporter = login(tracking, receipt)
    page = reporter.get("/followup/report/").content.decode()
    assert "1. 具体时间" in page
    response = reporter.post("/followup/report/", {"action": "supplement", "body": "每天早上七点，南门东侧垃圾桶旁。"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.REGISTERED
    assert case.deadlines.filter(stage="supplement", status="met").exists()
    assert ReporterMessage.objects.get(kind="supplement_answer").body.startswith("每天早上七点")


def test_the_reporter_reads_the_answer_rates_it_and_asks_for_review(org, client):
    tracking, receipt = submit(client)
    case = Report.objects.get(tracking_number=tracking).case
    _answer(org, case.number)
    reporter = login(tracking, receipt)
    assert FEEDBACK_FOUND in reporter.get("/followup/report/").content.decode()
    refused = reporter.post("/followup/report/", {"action": "rate", "satisfaction": "dissatisfied"},
                            HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "Say why" in refused.content.decode()
    rated = reporter.post("/followup/report/", {"action": "rate", "satisfaction": "dissatisfied",
                                                "reason": "第二天又堆满了"})
    assert rated.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.satisfaction) == (CaseState.RATED, "dissatisfied")
    reviewed = reporter.post("/followup/report/", {"action": "review", "reason": "问题没有根本解决，请复查"})
    assert reviewed.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.UNDER_REVIEW


def test_review_cannot_be_asked_for_after_the_window(org, client):
    from jubao.cases.errors import TransitionRejected

    tracking, _ = submit(client)
    report = Report.objects.get(tracking_number=tracking)
    _answer(org, report.case.number)
    with translation.override("en"), pytest.raises(TransitionRejected, match="review ended"):
        reporter_request_review(report=report, reason="太晚了", now=timezone.now() + timedelta(days=45))


def test_the_follow_up_page_needs_a_login(client):
    assert client.get("/followup/report/").status_code == 302
