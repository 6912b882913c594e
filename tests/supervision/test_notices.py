"""Supervision notices: issue → reply → accept (or reject and reply again), the overdue sweep, the case panel,
the list page and the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jubao.notifications.models import OutboxMessage
from jubao.supervision.models import NoticeStatus, SupervisionNotice
from jubao.supervision.services import notice_decide, notice_issue, notice_reply, notices_sweep_overdue
from tests.helpers import T0, WEST_VILLAGE, api_post, bearer, drive, end_of, events_of, nth_workday_after, token_for

pytestmark = pytest.mark.django_db

ISSUED_AT = T0 + timedelta(days=1)  # Tuesday 3 March 2026
REASON = "该件已临近办结期限，群众多次来电催办，承办部门未报告进展。"
DEMANDS = "请于期限内查清事实、依法处理，并书面报告办理情况。"
REPLY = "已于3月4日现场核查，责令商户整改，整改情况已拍照留存，详见附件。"


def _issue(org, case, *, who="supervisor", days=5, now=ISSUED_AT):  # type: ignore[no-untyped-def]
    return notice_issue(actor=org.actor(who), number=case.number, reason=REASON, demands=DEMANDS,
                        due_in_days=days, now=now)


def test_issue_reply_accept(org):
    case = drive(org, "in_progress")
    notice = _issue(org, case)
    assert notice.status == NoticeStatus.OPEN and notice.department.code == "chengguan"
    assert notice.due_at == end_of(nth_workday_after(ISSUED_AT.date(), 5))  # Tuesday 10 March, end of day
    message = OutboxMessage.objects.get(topic="supervision.notice")
    assert message.audience == {"department_id": org.departments["chengguan"].pk}

    notice = notice_reply(actor=org.actor("handler"), public_id=str(notice.public_id), reply_text=REPLY,
                          now=ISSUED_AT + timedelta(days=1))
    assert notice.status == NoticeStatus.REPLIED and notice.replied_by == org.users["handler"]
    assert OutboxMessage.objects.get(topic="supervision.notice_reply").recipient_user == org.users["supervisor"]

    notice = notice_decide(actor=org.actor("supervisor"), public_id=str(notice.public_id), accept=True,
                           now=ISSUED_AT + timedelta(days=2))
    assert notice.status == NoticeStatus.ACCEPTED and notice.decided_by == org.users["supervisor"]
    kinds = [e.kind for e in events_of(case) if e.kind.startswith("supervision.")]
    assert kinds == ["supervision.notice_issued", "supervision.notice_replied", "supervision.notice_accepted"]
    _issue(org, case, now=ISSUED_AT + timedelta(days=3))  # a new notice once the earlier one is done


def test_a_rejected_reply_reopens_the_notice_with_a_new_due_date(org):
    case = drive(org, "in_progress")
    notice = _issue(org, case)
    notice_reply(actor=org.actor("head"), public_id=str(notice.public_id), reply_text=REPLY)
    from jubao.cases.errors import TransitionRejected

    with pytest.raises(TransitionRejected) as refused:
        notice_decide(actor=org.actor("supervisor"), public_id=str(notice.public_id), accept=False, note="不够")
    assert refused.value.field == "note"
    decided_at = ISSUED_AT + timedelta(days=2)
    notice = notice_decide(actor=org.actor("supervisor"), public_id=str(notice.public_id), accept=False,
                           note="未说明对商户的处罚依据，请补充。", due_in_days=3, now=decided_at)
    assert notice.status == NoticeStatus.OPEN and notice.rejections == 1
    assert notice.due_at == end_of(nth_workday_after(decided_at.date(), 3))


def test_who_may_do_what(org):
    from jubao.cases.errors import CaseNotFound, TransitionForbidden, TransitionRejected

    case = drive(org, "in_progress")
    with pytest.raises(TransitionForbidden):
        _issue(org, case, who="handler")
    west = drive(org, "in_progress", region=WEST_VILLAGE, now=T0 + timedelta(minutes=5))
    with pytest.raises(CaseNotFound):
        _issue(org, west, who="supervisor_east")
    with pytest.raises(TransitionRejected) as refused:
        _issue(org, case, days=0)
    assert refused.value.field == "due_in_days"
    notice = _issue(org, case)
    with pytest.raises(TransitionRejected):
        _issue(org, case)  # one running notice per case
    with pytest.raises(CaseNotFound):
        notice_reply(actor=org.actor("handler_zj"), public_id=str(notice.public_id), reply_text=REPLY)
    with pytest.raises(TransitionRejected):
        notice_decide(actor=org.actor("supervisor"), public_id=str(notice.public_id), accept=True)  # no reply yet
    registered = drive(org, "accepted", now=T0 + timedelta(minutes=9))
    with pytest.raises(TransitionRejected):
        _issue(org, registered)  # no lead department yet


def test_the_overdue_sweep_flags_once_and_the_overview_shows_it(org, client):
    case = drive(org, "in_progress")
    notice = _issue(org, case)
    assert notices_sweep_overdue(now=notice.due_at - timedelta(seconds=1)) == 0
    assert notices_sweep_overdue(now=notice.due_at + timedelta(seconds=1)) == 1
    assert notices_sweep_overdue(now=notice.due_at + timedelta(days=2)) == 0
    notice.refresh_from_db()
    assert notice.overdue and notice.status == NoticeStatus.OPEN
    assert len(events_of(case, "supervision.notice_overdue")) == 1
    message = OutboxMessage.objects.get(topic="supervision.notice_overdue")
    assert message.recipient_user == org.users["supervisor"]
    assert message.audience == {"department_id": org.departments["chengguan"].pk}

    client.force_login(org.users["supervisor"])
    html = client.get(reverse("supervision:overview")).content.decode()
    assert 'id="h-overdue-notices"' in html and case.number in html
    listing = client.get(reverse("supervision:notices"), {"status": "overdue"}).content.decode()
    assert listing.count('<tr class="notice overdue">') == 1

    # A late reply keeps the record of lateness.
    notice_reply(actor=org.actor("handler"), public_id=str(notice.public_id), reply_text=REPLY)
    notice.refresh_from_db()
    assert notice.overdue and notice.status == NoticeStatus.REPLIED


def test_the_case_panel_issues_replies_and_accepts_without_javascript(org, client):
    case = drive(org, "in_progress")
    case_url = reverse("cases:detail", args=[case.number])
    issue_url = reverse("supervision:notice_issue", args=[case.number])

    client.force_login(org.users["handler"])
    assert issue_url not in client.get(case_url).content.decode()

    client.force_login(org.users["supervisor"])
    page = client.get(case_url).content.decode()
    assert 'id="supervision"' in page and issue_url in page
    response = client.post(issue_url, {"notice-reason": REASON, "notice-demands": "太短", "notice-due_in_days": "5"})
    assert response.status_code == 400
    assert REASON in response.content.decode()  # what was typed is kept
    response = client.post(issue_url, {"notice-reason": REASON, "notice-demands": DEMANDS,
                                       "notice-due_in_days": "5"})
    assert response.status_code == 302 and response.url == case_url
    notice = SupervisionNotice.objects.get(case=case)

    client.force_login(org.users["handler"])
    reply_url = reverse("supervision:notice_reply", args=[notice.public_id])
    assert reply_url in client.get(case_url).content.decode()
    assert client.post(reply_url, {"reply-reply_text": REPLY}).status_code == 302

    client.force_login(org.users["supervisor"])
    decide_url = reverse("supervision:notice_decide", args=[notice.public_id])
    assert decide_url in client.get(case_url).content.decode()
    response = client.post(decide_url, {"decision-decision": "reject", "decision-note": "", "decision-due_in_days": ""})
    assert response.status_code == 400
    assert client.post(decide_url, {"decision-decision": "accept"}).status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ACCEPTED


def test_the_api_runs_the_same_steps(org, client):
    case = drive(org, "in_progress")
    supervisor = bearer(token_for(org.users["supervisor"]))
    handler = bearer(token_for(org.users["handler"]))
    base = "/api/v1/supervision"
    response = api_post(client, f"{base}/cases/{case.number}/notices",
                        {"reason": REASON, "demands": DEMANDS, "due_in_days": 5}, **supervisor)
    assert response.status_code == 200, response.content
    notice_id = response.json()["id"]
    assert api_post(client, f"{base}/cases/{case.number}/notices",
                    {"reason": REASON, "demands": DEMANDS, "due_in_days": 5}, **handler).status_code == 403
    listed = client.get(f"{base}/notices?status=open", **handler).json()
    assert [item["id"] for item in listed["items"]] == [notice_id]
    response = api_post(client, f"{base}/notices/{notice_id}/reply", {"reply_text": "短"}, **handler)
    assert response.status_code == 400 and response.json()["field"] == "reply_text"
    assert api_post(client, f"{base}/notices/{notice_id}/reply", {"reply_text": REPLY}, **handler).status_code == 200
    response = api_post(client, f"{base}/notices/{notice_id}/decision", {"accept": True}, **supervisor)
    assert response.status_code == 200 and response.json()["status"] == "accepted"


def test_the_notices_page_query_count_does_not_grow(org, client, django_assert_max_num_queries):
    url = reverse("supervision:notices")
    _issue(org, drive(org, "in_progress"))
    client.force_login(org.users["supervisor"])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(8):
        _issue(org, drive(org, "in_progress", now=T0 + timedelta(minutes=i + 1), title=f"督办件 {i}"))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('<tr class="notice') == 9
    client.force_login(org.users["head_zj"])
    assert client.get(url).content.decode().count('<tr class="notice') == 0
