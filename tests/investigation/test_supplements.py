"""Asking the reporter for more during handling: one consolidated list on the follow-up page, and the answer
brought back to the case."""

from __future__ import annotations

import pytest
from django.test import Client

from jubao.cases.errors import TransitionForbidden, TransitionRejected
from jubao.cases.models import CaseState
from jubao.intake.models import MessageDirection, ReporterMessage
from jubao.intake.services import reporter_message_send
from jubao.investigation.models import SupplementRequest, SupplementStatus
from jubao.investigation.services import (
    supplement_answer_received,
    supplement_for_report,
    supplement_request_close,
    supplement_request_send,
)
from jubao.notifications.models import OutboxMessage
from tests.helpers import bearer, drive, events_of, token_for

from .conftest import handled_case
from .support import at, reporter_client

ITEMS = ["占道经营发生的具体时间段（如每天几点到几点）", "现场照片或视频", "涉事商户的店名或门牌号"]
ANSWER = "每天早上七点到十点最严重，店名是“老王水果店”，门牌号幸福路18号，照片已上传。"


def ask(org, case, who="handler", items=ITEMS, **kw):
    return supplement_request_send(actor=org.actor(who), number=case.number, items=items, now=at(case), **kw)


def test_the_request_reaches_the_follow_up_page_as_one_consolidated_list(org):
    case = handled_case(org)
    request = ask(org, case)
    assert request.items == ITEMS and request.status == SupplementStatus.OPEN
    message = request.request_message
    assert message.direction == MessageDirection.TO_REPORTER and message.author == org.users["handler"]
    for number, item in enumerate(ITEMS, start=1):
        assert f"{number}. {item}" in message.body
    assert ReporterMessage.objects.filter(report=request.report, direction=MessageDirection.TO_REPORTER).count() == 1

    browser, report, receipt = reporter_client(Client, case)
    page = browser.get("/followup/report/").content.decode()
    # Once, in its own section beside the answer form: not again in the message thread.
    assert all(page.count(item) == 1 for item in ITEMS)
    api = Client().get("/api/v1/reporter/report", HTTP_X_TRACKING_NUMBER=report.tracking_number,
                       HTTP_X_RECEIPT=receipt).json()
    assert sum(all(item in m["body"] for item in ITEMS) for m in api["messages"]) == 1
    # The open list is what intake's follow-up page shows once it takes the hook (see apps.py).
    assert supplement_for_report(report) == request.text


def test_never_a_series_of_requests_to_the_same_reporter(org):
    case = handled_case(org)
    request = ask(org, case)
    with pytest.raises(TransitionRejected) as info:
        ask(org, case, items=["补充身份证明"])
    assert info.value.field == "items"
    supplement_request_close(actor=org.actor("handler"), request_id=str(request.public_id), status="withdrawn",
                             now=at(case, 3))
    again = ask(org, case, items=[*ITEMS, "补充身份证明"])
    assert again.status == SupplementStatus.OPEN and len(again.items) == 4


def test_the_answer_comes_back_to_the_case(org):
    case = handled_case(org)
    request = ask(org, case)
    report = request.report
    message = ReporterMessage.objects.create(report=report, direction=MessageDirection.FROM_REPORTER,
                                             kind="supplement_answer", body=ANSWER, created_at=at(case, 4))
    assert supplement_answer_received(report=report, message=message, now=at(case, 4)) is True
    request.refresh_from_db()
    assert request.status == SupplementStatus.ANSWERED and request.answer_message == message
    assert supplement_for_report(report) is None
    assert supplement_answer_received(report=report, message=message) is False  # nothing more was asked
    assert OutboxMessage.objects.filter(topic="investigation.supplement_answered", payload__case=case.number,
                                        audience__department_id=case.lead_department_id).count() == 1
    assert events_of(case, "investigation.supplement_answered")[0].actor_kind == "reporter"


def test_a_handler_marks_it_answered_by_the_reporters_message(org):
    case = handled_case(org)
    request = ask(org, case)
    with pytest.raises(TransitionRejected):  # nothing written since the request
        supplement_request_close(actor=org.actor("handler"), request_id=str(request.public_id), status="answered")
    reporter_message_send(report=request.report, body=ANSWER, now=at(case, 5))
    closed = supplement_request_close(actor=org.actor("handler2"), request_id=str(request.public_id),
                                      status="answered", now=at(case, 6))
    assert closed.status == SupplementStatus.ANSWERED and closed.answer_message.body == ANSWER


def test_only_investigators_ask_and_only_during_handling(org):
    case = handled_case(org)
    for who in ("dispatcher", "clerk", "leader"):
        with pytest.raises(TransitionForbidden):
            ask(org, case, who=who)
    dispatched = handled_case(org, state=CaseState.DISPATCHED)
    with pytest.raises(TransitionRejected):
        ask(org, dispatched)
    concluded = drive(org, CaseState.CONCLUDED)
    with pytest.raises(TransitionRejected):
        ask(org, concluded)
    with pytest.raises(TransitionRejected) as info:
        ask(org, case, items=["", "  "])
    assert info.value.field == "items"
    assert not SupplementRequest.objects.filter(case__in=[case, dispatched, concluded]).exists()


def test_the_staff_form_and_the_api(org, client):
    case = handled_case(org)
    client.force_login(org.users["handler"])
    response = client.post(f"/staff/investigation/cases/{case.number}/supplements/", {
        "supplement-report": case.reports.first().tracking_number, "supplement-items": "\n".join(ITEMS)})
    assert response.status_code == 302
    request = SupplementRequest.objects.get(case=case)
    assert request.items == ITEMS
    response = client.post(f"/staff/investigation/supplements/{request.public_id}/close/", {"status": "answered"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "has not written since" in response.content.decode()
    response = client.post(f"/api/v1/investigation/supplements/{request.public_id}/close",
                           data='{"status": "withdrawn"}', content_type="application/json",
                           **bearer(token_for(org.users["head"])))
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def test_the_reporter_answers_on_the_follow_up_page(org):
    case = handled_case(org)
    request = ask(org, case)
    browser, _report, _receipt = reporter_client(Client, case)
    page = browser.get("/followup/report/").content.decode()
    assert 'id="h-supplement"' in page and all(item in page for item in ITEMS)
    response = browser.post("/followup/report/", {"action": "supplement", "body": ANSWER})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == SupplementStatus.ANSWERED and request.answer_message.body == ANSWER
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS
    page = browser.get("/followup/report/").content.decode()
    assert 'id="h-supplement"' not in page
    assert ITEMS[0] in page and ANSWER in page  # the answered request stays in the thread, with the answer


def test_the_conclusion_clock_stops_while_the_reporter_owes_the_supplement(org):
    from datetime import timedelta

    from jubao.deadlines.models import CaseDeadline, DeadlineStatus, Stage

    case = handled_case(org)
    before = CaseDeadline.objects.get(case=case, stage=Stage.CONCLUSION, status=DeadlineStatus.RUNNING)
    request = ask(org, case)
    paused = CaseDeadline.objects.get(pk=before.pk)
    assert paused.status == DeadlineStatus.PAUSED
    supplement_request_close(actor=org.actor("handler"), request_id=str(request.public_id), status="withdrawn",
                             now=at(case, hours=50))
    resumed = CaseDeadline.objects.get(pk=before.pk)
    assert resumed.status == DeadlineStatus.RUNNING and resumed.due_at > before.due_at
    assert resumed.due_at - before.due_at >= timedelta(days=1)
