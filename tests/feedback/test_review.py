"""A review after dissatisfaction is decided by someone other than the first handler."""

from __future__ import annotations

import pytest
from django.utils import translation

from jubao.cases.errors import TransitionRejected
from jubao.cases.models import CaseState
from jubao.feedback.models import CaseReview, FeedbackAnswer, FollowUp
from jubao.notifications.models import OutboxMessage
from tests.helpers import api_post, fire, token_for

from .support import COMPOSED, SECTIONS, answered, staff

pytestmark = pytest.mark.django_db
REVIEW_CONCLUSION = {"finding": "partly", "conclusion_text": "复核发现商户整改后又有反弹，已立案调查并处以罚款。"}


def under_review(org):
    case = answered(org, real_name=True)
    followup = FollowUp.objects.get(case=case)
    staff(org, "clerk").post(f"/staff/feedback/followups/{followup.public_id}/", {
        "outcome": "reached", "satisfaction": "dissatisfied", "reason": "货架又摆出来了，问题没有解决。"})
    case.refresh_from_db()
    assert case.state == CaseState.UNDER_REVIEW
    return case


def test_the_first_handler_cannot_conclude_the_review(org):
    case = under_review(org)
    with translation.override("en"), pytest.raises(TransitionRejected, match="first handler"):
        fire(org, case, "conclude", who="handler", data=REVIEW_CONCLUSION)
    assert fire(org, case, "conclude", who="handler2", data=REVIEW_CONCLUSION).state == CaseState.CONCLUDED
    review = CaseReview.objects.get(case=case)
    assert review.status == "concluded" and review.concluded_at is not None


def test_nor_may_the_first_handler_draft_what_the_head_approves(org):
    case = under_review(org)
    with pytest.raises(TransitionRejected):
        fire(org, case, "conclude", who="head", data={**REVIEW_CONCLUSION, "drafted_by_id": org.users["handler"].pk})
    assert fire(org, case, "conclude", who="head",
                data={**REVIEW_CONCLUSION, "drafted_by_id": org.users["handler2"].pk}).state == CaseState.CONCLUDED


def test_the_first_handler_is_refused_through_the_api_too(org, client):
    case = under_review(org)
    response = api_post(client, f"/api/v1/cases/{case.number}/transitions",
                        {"transition": "conclude", "data": REVIEW_CONCLUSION},
                        HTTP_AUTHORIZATION=f"Bearer {token_for(org.users['handler'])}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "first handler" in response.json()["detail"]


def test_the_head_names_a_reviewer_but_never_the_first_handler(org):
    case = under_review(org)
    head = staff(org, "head")
    page = head.get(f"/staff/cases/{case.number}/").content.decode()
    assert 'name="review-reviewer"' in page
    assert f'value="{org.users["handler2"].public_id}"' in page
    assert f'value="{org.users["handler"].public_id}"' not in page  # the first handler is not offered
    url = f"/staff/feedback/cases/{case.number}/review/reviewer/"
    refused = head.post(url, {"review-reviewer": str(org.users["handler"].public_id)}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "cannot review it" in refused.content.decode()
    assert CaseReview.objects.get(case=case).reviewer is None
    named = head.post(url, {"review-reviewer": str(org.users["handler2"].public_id)})
    assert named.status_code == 302
    assert CaseReview.objects.get(case=case).reviewer == org.users["handler2"]
    assert OutboxMessage.objects.get(topic="feedback.reviewer_assigned").recipient_user == org.users["handler2"]
    # A handler does not name reviewers; a supervisor may (through the API as well).
    assert staff(org, "handler2").post(url, {"review-reviewer": str(org.users["head"].public_id)}).status_code == 403
    response = api_post(client := staff(org, "supervisor"), f"/api/v1/feedback/cases/{case.number}/review/reviewer",
                        {"reviewer": str(org.users["head"].public_id)})
    assert response.status_code == 200 and response.json()["reviewer"] == "head"
    assert client.get(f"/api/v1/feedback/cases/{case.number}/reviews").json()[0]["first_handler"] == "handler"


def test_after_the_review_the_case_is_answered_again_and_both_versions_are_kept(org):
    case = under_review(org)
    case = fire(org, case, "conclude", who="handler2", data=REVIEW_CONCLUSION)
    second = {**SECTIONS, "done": "复核后已对反弹的商户立案调查，依法处以罚款，并要求其签订门前三包责任书。"}
    response = staff(org, "handler2").post(f"/staff/feedback/cases/{case.number}/answer/", {
        "action": "send", **{f"answer-{key}": value for key, value in second.items()}})
    assert response.status_code == 302
    versions = list(FeedbackAnswer.objects.filter(case=case).order_by("version"))
    assert [a.version for a in versions] == [1, 2] and versions[0].text == COMPOSED
    assert versions[1].sections() == second and versions[1].answered_by == org.users["handler2"]
    assert FollowUp.objects.filter(case=case).count() == 2  # a new follow-up on the new answer
