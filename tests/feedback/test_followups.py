"""Follow-ups: every real-name reporter, a reproducible 10 % sample of reachable anonymous ones; clerks record
the outcome; dissatisfaction opens a review with its own deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jubao.audit.models import AuditEvent
from jubao.cases.models import CaseState, Report
from jubao.deadlines.models import CaseDeadline, DeadlineStatus, Stage
from jubao.feedback import views
from jubao.feedback.followups import FOLLOWUP_DUE_WORKING_DAYS, MAX_ATTEMPTS, followups_flag_overdue
from jubao.feedback.models import CaseReview, FollowUp, FollowUpStatus
from jubao.feedback.sampling import ANONYMOUS_SAMPLE_RATE, in_sample
from jubao.intake.services import reporter_rate
from jubao.notifications.models import OutboxMessage
from tests.helpers import api_post, nth_workday_after, token_for

from .support import REPORTER_NAME, REPORTER_PHONE, answered, concluded, fire, seed_selecting, staff, submit

pytestmark = pytest.mark.django_db
KEYS = [f"R2026030{d}-{n:05d}" for d in range(1, 4) for n in range(400)][:1000]


def sample(seed: str) -> set[str]:
    return {key for key in KEYS if in_sample(key, seed=seed)}


def test_the_anonymous_sample_is_random_but_reproducible_from_its_seed():
    first, again, other = sample("示范市-2026"), sample("示范市-2026"), sample("另一个部署")
    assert first == again  # same seed, same reporters
    assert first != other and len(first & other) < len(first) / 2  # another seed, an unrelated sample
    for chosen in (first, other):
        assert 0.07 * len(KEYS) <= len(chosen) <= 0.13 * len(KEYS)  # ≈ 10 %
    assert ANONYMOUS_SAMPLE_RATE == 0.10


def test_the_sample_seed_comes_from_the_settings(settings):
    settings.JUBAO_FOLLOWUP_SAMPLE_SEED = "示范市-2026"
    assert {key for key in KEYS if in_sample(key)} == sample("示范市-2026")
    settings.JUBAO_FOLLOWUP_SAMPLE_SEED = ""
    settings.SECRET_KEY = "a-deployment-secret"
    assert {key for key in KEYS if in_sample(key)} != sample("示范市-2026")


def test_every_real_name_reporter_gets_a_follow_up_due_in_five_working_days(org):
    case = answered(org, real_name=True)
    followup = FollowUp.objects.get(case=case)
    assert (followup.selection, followup.channel, followup.status) == ("real_name", "sms", "open")
    answered_on = case.state_changed_at.astimezone(followup.due_at.tzinfo).date()
    assert followup.due_at.date() == nth_workday_after(answered_on, FOLLOWUP_DUE_WORKING_DAYS)
    assert AuditEvent.objects.filter(case=case, kind="feedback.followups_created").exists()


def test_reachable_anonymous_reporters_are_followed_up_only_when_sampled(org, settings):
    reachable = concluded(org, receipt=True)
    tracking = Report.objects.get(case=reachable).tracking_number
    settings.JUBAO_FOLLOWUP_SAMPLE_SEED = seed_selecting(tracking, selected=False)
    fire(org, reachable, "answer", data={"feedback_text": _composed()})
    assert not FollowUp.objects.exists()
    sampled = concluded(org, receipt=True)
    settings.JUBAO_FOLLOWUP_SAMPLE_SEED = seed_selecting(Report.objects.get(case=sampled).tracking_number)
    fire(org, sampled, "answer", data={"feedback_text": _composed()})
    followup = FollowUp.objects.get(case=sampled)
    assert (followup.selection, followup.channel) == ("sample", "portal")
    # No receipt (a clerk's phone registration) or "do not contact me": not reachable, whatever the sample says.
    for case in (concluded(org), concluded(org, receipt=True, contact="none")):
        settings.JUBAO_FOLLOWUP_SAMPLE_SEED = seed_selecting(Report.objects.get(case=case).tracking_number)
        fire(org, case, "answer", data={"feedback_text": _composed()})
        assert not FollowUp.objects.filter(case=case).exists()


def _composed() -> str:
    from .support import COMPOSED

    return COMPOSED


def _record(org, followup, who="clerk", **data):
    return staff(org, who).post(f"/staff/feedback/followups/{followup.public_id}/", data, HTTP_ACCEPT_LANGUAGE="en")


def test_a_satisfied_reporter_rates_the_case(org):
    case = answered(org, real_name=True)
    followup = FollowUp.objects.get(case=case)
    response = _record(org, followup, outcome="reached", satisfaction="satisfied", notes="电话回访，对处理结果满意。")
    assert response.status_code == 302
    case.refresh_from_db()
    followup.refresh_from_db()
    assert (case.state, case.satisfaction) == (CaseState.RATED, "satisfied")
    assert (followup.status, followup.outcome, followup.recorded_by) == ("done", "reached", org.users["clerk"])


def test_a_dissatisfied_reporter_puts_the_case_under_review_with_a_review_deadline(org):
    case = answered(org, real_name=True)
    followup = FollowUp.objects.get(case=case)
    missing = _record(org, followup, outcome="reached", satisfaction="dissatisfied")
    assert missing.status_code == 400 and "why the reporter is dissatisfied" in missing.content.decode()
    reason = "商户只收了两天货架，现在又摆出来了，问题没有解决。"
    response = _record(org, followup, outcome="reached", satisfaction="dissatisfied", reason=reason)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.UNDER_REVIEW and case.review_count == 1
    deadline = CaseDeadline.objects.get(case=case, stage=Stage.REVIEW)
    assert deadline.status == DeadlineStatus.RUNNING and deadline.due_at > case.state_changed_at
    review = CaseReview.objects.get(case=case)
    assert (review.status, review.due_at, review.first_handler) == ("open", deadline.due_at, org.users["handler"])
    assert reason in review.reason and review.followup == FollowUp.objects.get(pk=followup.pk)
    kinds = list(AuditEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds[-3:] == ["feedback.followup_recorded", "case.rate", "case.request_review"]
    head_inbox = OutboxMessage.objects.get(topic="feedback.review_opened")
    assert head_inbox.audience == {"department_id": case.lead_department_id, "role": "department_head"}


def test_an_unreachable_reporter_is_tried_again_then_the_follow_up_closes(org):
    case = answered(org, real_name=True)
    followup = FollowUp.objects.get(case=case)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert _record(org, followup, outcome="unreachable", notes=f"第{attempt}次电话无人接听").status_code == 302
        followup.refresh_from_db()
        assert followup.attempts == attempt
    assert (followup.status, followup.outcome) == ("unreachable", "unreachable")
    assert "第3次电话无人接听" in followup.notes
    assert case.state == CaseState.ANSWERED


def test_the_follow_up_question_goes_through_the_vault_or_the_portal(org):
    case = answered(org, real_name=True)
    followup = FollowUp.objects.get(case=case)
    response = staff(org, "clerk").post(f"/staff/feedback/followups/{followup.public_id}/send/")
    assert response.status_code == 302
    message = OutboxMessage.objects.get(topic="reporter.followup")
    assert message.channel == "sms" and set(message.audience) == {"reporter_identity"}
    for text in (message.subject, message.body, str(message.payload)):
        assert REPORTER_NAME not in text and REPORTER_PHONE not in text
    assert FollowUp.objects.get(pk=followup.pk).contacted_at is not None


def test_a_rating_on_the_follow_up_page_closes_the_follow_up(org):
    case = answered(org, real_name=True)
    report = Report.objects.get(case=case)
    reporter_rate(report=report, satisfaction="basically", now=case.state_changed_at + timedelta(hours=1))
    followup = FollowUp.objects.get(case=case)
    assert (followup.status, followup.outcome, followup.satisfaction) == ("done", "rated_online", "basically")


def test_only_clerks_record_and_the_list_is_for_clerks_and_supervisors(org):
    case = answered(org, real_name=True)
    followup = FollowUp.objects.get(case=case)
    assert _record(org, followup, who="handler", outcome="reached", satisfaction="satisfied").status_code == 403
    assert staff(org, "handler").get("/staff/feedback/followups/").status_code == 403
    page = staff(org, "supervisor").get(f"/staff/feedback/followups/{followup.public_id}/")
    assert page.status_code == 200 and 'name="outcome"' not in page.content.decode()
    assert _record(org, followup, who="supervisor", outcome="reached", satisfaction="satisfied").status_code == 403
    assert staff(org, "supervisor_east").get("/staff/feedback/followups/").status_code == 200
    assert FollowUp.objects.get(pk=followup.pk).status == FollowUpStatus.OPEN


def test_the_follow_up_list_pages_with_few_queries(org, monkeypatch, django_assert_max_num_queries):
    cases = [answered(org, real_name=True) for _ in range(3)]
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    clerk = staff(org, "clerk")
    with django_assert_max_num_queries(8):
        first = clerk.get("/staff/feedback/followups/")
    html = first.content.decode()
    assert first.status_code == 200 and html.count("/staff/feedback/followups/") >= 2 and 'rel="next"' in html
    assert sum(case.number in html for case in cases) == 2
    with django_assert_max_num_queries(8):
        second = clerk.get("/staff/feedback/followups/", {"page": 2})
    assert sum(case.number in second.content.decode() for case in cases) == 1


def test_late_follow_ups_are_flagged_once_and_the_clerks_told(org):
    case = answered(org, real_name=True)
    followup = FollowUp.objects.get(case=case)
    assert followups_flag_overdue(now=followup.due_at - timedelta(minutes=1)) == 0
    assert followups_flag_overdue(now=followup.due_at + timedelta(minutes=1)) == 1
    assert followups_flag_overdue(now=followup.due_at + timedelta(days=1)) == 0
    assert FollowUp.objects.get(pk=followup.pk).overdue
    assert OutboxMessage.objects.filter(topic="feedback.followup_overdue").count() == 1
    overdue = staff(org, "clerk").get("/staff/feedback/followups/", {"overdue": "1"}).content.decode()
    assert case.number in overdue


def test_the_api_lists_and_records_follow_ups(org, client):
    case = answered(org, real_name=True)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(org.users['clerk'])}"}
    listed = client.get("/api/v1/feedback/followups", **headers).json()
    assert [item["case"] for item in listed["items"]] == [case.number]
    followup_id = listed["items"][0]["id"]
    recorded = api_post(client, f"/api/v1/feedback/followups/{followup_id}/record",
                        {"outcome": "reached", "satisfaction": "basically"}, **headers)
    assert recorded.status_code == 200 and recorded.json()["status"] == "done"
    case.refresh_from_db()
    assert (case.state, case.satisfaction) == (CaseState.RATED, "basically")
    handler = {"HTTP_AUTHORIZATION": f"Bearer {token_for(org.users['handler'])}"}
    assert client.get("/api/v1/feedback/followups", **handler).status_code == 403


def test_a_real_name_reporter_is_followed_up_even_without_a_receipt(org):
    case = submit(org, real_name=True, contact="phone")
    from .support import drive_to

    case = drive_to(org, case, CaseState.ANSWERED)
    assert FollowUp.objects.get(case=case).channel == "phone"


def test_a_real_name_reporter_who_asked_not_to_be_called_is_asked_on_the_follow_up_page(org):
    case = answered(org, real_name=True, contact="none")
    followup = FollowUp.objects.get(case=case)
    assert (followup.selection, followup.channel) == ("real_name", "portal")
    assert staff(org, "clerk").post(f"/staff/feedback/followups/{followup.public_id}/send/").status_code == 302
    assert not OutboxMessage.objects.filter(topic="reporter.followup").exists()
    message = Report.objects.get(case=case).messages.get()
    assert message.direction == "to_reporter" and Report.objects.get(case=case).tracking_number in message.body
