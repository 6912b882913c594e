"""The handler's self-review: opened on conclusion, due 5 working days later, filled in on the case page, swept
overdue once and shown on the department head's list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from jubao.notifications.models import OutboxMessage
from jubao.quality.models import SelfReview, SelfReviewStatus
from jubao.quality.services import self_reviews_sweep_overdue
from tests.helpers import T0, drive, end_of, events_of, fire, nth_workday_after
from tests.quality.cases import ANSWER_TEXT, handled

pytestmark = pytest.mark.django_db

YES = {"selfreview-facts_complete": "yes", "selfreview-legal_basis_correct": "yes",
       "selfreview-demands_answered": "yes", "selfreview-improvements": ""}


def _fill_url(review: SelfReview) -> str:
    return reverse("quality:self_review_fill", args=[review.public_id])


def test_concluding_opens_a_self_review_due_five_working_days_later(org):
    case = drive(org, "concluded")
    review = SelfReview.objects.get(case=case)
    concluded_on = case.state_changed_at.date()
    assert concluded_on == date(2026, 3, 2)
    assert review.due_at == end_of(nth_workday_after(concluded_on, 5))  # Monday 9 March, end of day
    assert review.concluded_at == case.state_changed_at
    assert review.handler == org.users["handler"] and review.department.code == "chengguan"
    assert review.status == SelfReviewStatus.OPEN and not review.overdue
    assert [e.kind for e in events_of(case)][-1] == "case.conclude"  # the transition's one event, nothing more
    notice = OutboxMessage.objects.get(topic="quality.self_review")
    assert notice.recipient_user == org.users["handler"] and case.number in notice.subject


def test_a_second_conclusion_after_review_keeps_the_open_self_review(org):
    case = handled(org, now=T0, satisfaction="dissatisfied", review=True)
    assert case.state == "under_review"
    fire(org, case, "conclude", who="handler2")  # a review is concluded by someone other than the first handler
    assert SelfReview.objects.filter(case=case).count() == 1  # the first one is still open
    SelfReview.objects.filter(case=case).update(status=SelfReviewStatus.DONE)
    case.refresh_from_db()
    case = fire(org, case, "answer", data={"feedback_text": ANSWER_TEXT})
    case = fire(org, case, "request_review")
    fire(org, case, "conclude", who="handler2")
    reviews = SelfReview.objects.filter(case=case).order_by("pk")
    assert [r.handler.username for r in reviews] == ["handler", "handler2"]


def test_the_handler_fills_it_in_on_the_case_page(org, client):
    case = drive(org, "concluded")
    review = SelfReview.objects.get(case=case)
    client.force_login(org.users["handler"])
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'id="quality"' in page and _fill_url(review) in page

    response = client.post(_fill_url(review), {**YES, "selfreview-legal_basis_correct": "no",
                                               "selfreview-improvements": "短"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "say what should be improved" in html.lower() or "改进" in html
    review.refresh_from_db()
    assert review.status == SelfReviewStatus.OPEN

    response = client.post(_fill_url(review), {**YES, "selfreview-legal_basis_correct": "no",
                                               "selfreview-improvements": "应当在结论中写明所依据的条款和处罚标准。"})
    assert response.status_code == 302 and response.url == reverse("cases:detail", args=[case.number])
    review.refresh_from_db()
    assert review.status == SelfReviewStatus.DONE and review.legal_basis_correct is False
    assert review.facts_complete is True and review.submitted_by == org.users["handler"]
    assert len(events_of(case, "quality.self_review_submitted")) == 1
    assert client.post(_fill_url(review), YES).status_code == 400  # already filled in


def test_only_the_handler_of_the_case_fills_it_in(org, client):
    case = drive(org, "concluded")
    review = SelfReview.objects.get(case=case)
    client.force_login(org.users["handler2"])  # same department, not the case's handler
    assert client.post(_fill_url(review), YES).status_code == 403
    client.force_login(org.users["handler_zj"])  # cannot see the case at all
    assert client.post(_fill_url(review), YES).status_code == 404
    review.refresh_from_db()
    assert review.status == SelfReviewStatus.OPEN


def test_the_overdue_sweep_flags_once_and_tells_the_department_head(org, client):
    case = drive(org, "concluded")
    review = SelfReview.objects.get(case=case)
    assert self_reviews_sweep_overdue(now=review.due_at - timedelta(seconds=1)) == 0
    assert self_reviews_sweep_overdue(now=review.due_at + timedelta(seconds=1)) == 1
    assert self_reviews_sweep_overdue(now=review.due_at + timedelta(days=3)) == 0
    review.refresh_from_db()
    assert review.overdue and review.overdue_at == review.due_at + timedelta(seconds=1)
    assert len(events_of(case, "quality.self_review_overdue")) == 1
    notice = OutboxMessage.objects.get(topic="quality.self_review_overdue")
    assert notice.audience == {"department_id": org.departments["chengguan"].pk, "role": "department_head"}

    client.force_login(org.users["head"])
    html = client.get(reverse("quality:self_reviews"), {"status": "overdue"}).content.decode()
    assert case.number in html and 'class="self-review overdue"' in html
    client.force_login(org.users["head_zj"])
    assert case.number not in client.get(reverse("quality:self_reviews")).content.decode()


def test_the_api_lists_and_fills_self_reviews(org, client):
    case = drive(org, "concluded")
    review = SelfReview.objects.get(case=case)
    from tests.helpers import api_post, bearer, token_for

    auth = bearer(token_for(org.users["handler"]))
    listed = client.get("/api/v1/quality/self-reviews", **auth).json()
    assert [item["case"] for item in listed["items"]] == [case.number]
    response = api_post(client, f"/api/v1/quality/self-reviews/{review.public_id}",
                        {"facts_complete": True, "legal_basis_correct": True}, **auth)
    assert response.status_code == 400 and response.json()["field"] == "demands_answered"
    response = api_post(client, f"/api/v1/quality/self-reviews/{review.public_id}",
                        {"facts_complete": True, "legal_basis_correct": True, "demands_answered": True}, **auth)
    assert response.status_code == 200 and response.json()["status"] == "done"


def test_the_list_page_query_count_does_not_grow(org, client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    drive(org, "concluded")
    client.force_login(org.users["head"])
    url = reverse("quality:self_reviews")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(6):
        drive(org, "concluded", now=T0 + timedelta(minutes=i + 1), title=f"路口占道经营 {i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('<tr class="self-review') == 7
