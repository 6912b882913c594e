"""Collective review (集体研判): major and must-review cases are concluded only with a meeting record signed by every
participant, each with their own login; a finished record is frozen."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jubao.audit.models import AuditEvent
from jubao.cases.errors import TransitionForbidden, TransitionRejected
from jubao.cases.models import CaseState
from jubao.investigation.models import CollectiveReview
from jubao.investigation.services import (
    ReviewInput,
    collective_review_create,
    collective_review_sign,
    collective_review_update,
    has_signed_review,
)
from jubao.notifications.models import OutboxMessage
from tests.helpers import CONCLUSION_TEXT, api_post, bearer, events_of, fire, later, snapshot, token_for

from .conftest import handled_case, must_review

DECISION = "经集体研判，认定反映的占道经营问题基本属实，由城管局牵头依法查处，三十日内办结并书面答复举报人。"
OPINIONS = {
    "head": "同意研判结论，建议由城管执法中队负责现场查处。",
    "supervisor": "同意，请承办部门按期办结并报送督办结果。",
    "leader": "同意，要求依法依规处理，注意保护举报人。",
}


def review_input(case, *, participants=("head", "supervisor", "leader"), chair="leader", decision=DECISION, **kw):
    values = {"held_at": later(case, timedelta(hours=2)), "meeting_format": "in_person",
              "location": "市信访局三楼会议室", "chair": chair, "participants": list(participants),
              "decision": decision}
    values.update(kw)
    return ReviewInput(**values)


def record(org, case, who="head", **kw):
    return collective_review_create(actor=org.actor(who), number=case.number, data=review_input(case, **kw),
                                    now=later(case, timedelta(hours=3)))


def sign_all(org, case, review, who=("head", "supervisor", "leader")):
    for name in who:
        review = collective_review_sign(actor=org.actor(name), review_id=str(review.public_id),
                                        opinion=OPINIONS[name], now=later(case, timedelta(hours=4)))
    return review


def conclude(org, case, **kw):
    # Complex and major conclusions are the department head's (jubao.handling); simple ones the handler's.
    who = "head" if case.grade in ("complex", "major") else "handler"
    return fire(org, case, "conclude", who=who, now=later(case, timedelta(days=1)), **kw)


# --- the conclusion guard -------------------------------------------------------------------------------------
def test_a_major_case_cannot_be_concluded_without_a_signed_collective_review_record(org):
    case = handled_case(org, grade="major")
    before = snapshot(case)
    with pytest.raises(TransitionRejected) as info:
        conclude(org, case)
    assert "collective review record signed by every participant" in info.value.message
    assert snapshot(case) == before

    review = record(org, case)
    sign_all(org, case, review, who=("head", "supervisor"))  # one signature still missing
    with pytest.raises(TransitionRejected):
        conclude(org, case)

    sign_all(org, case, review, who=("leader",))
    concluded = conclude(org, case)
    assert concluded.state == CaseState.CONCLUDED and concluded.conclusion_text == CONCLUSION_TEXT


def test_a_must_review_case_needs_the_record_too_and_a_simple_one_does_not(org):
    flagged = handled_case(org, title="反映村支书侵占集体土地补偿款")
    must_review(flagged, ("top_leader", "collective_assets"))
    with pytest.raises(TransitionRejected):
        conclude(org, flagged)
    sign_all(org, flagged, record(org, flagged))
    assert conclude(org, flagged).state == CaseState.CONCLUDED

    plain = handled_case(org)
    assert conclude(org, plain).state == CaseState.CONCLUDED


def test_the_api_refuses_to_conclude_a_major_case_without_the_signed_record(client, org):
    case = handled_case(org, grade="major")
    url = f"/api/v1/cases/{case.number}/transitions"
    body = {"transition": "conclude", "data": {"finding": "substantiated", "conclusion_text": CONCLUSION_TEXT}}
    headers = {**bearer(token_for(org.users["head"])), "HTTP_ACCEPT_LANGUAGE": "en"}
    response = api_post(client, url, body, **headers)
    assert response.status_code == 400
    assert "cannot be concluded without a collective review record" in response.json()["detail"]
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS

    sign_all(org, case, record(org, case))
    response = api_post(client, url, body, **headers)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "concluded"


def test_the_staff_form_refuses_to_conclude_a_major_case_without_the_signed_record(client, org):
    case = handled_case(org, grade="major")
    client.force_login(org.users["head"])
    form = {"conclude-version": case.version, "conclude-finding": "substantiated",
            "conclude-conclusion_text": CONCLUSION_TEXT, "conclude-reason": ""}
    response = client.post(f"/staff/cases/{case.number}/act/conclude/", form, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    html = response.content.decode()
    assert "cannot be concluded without a collective review record" in html
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS

    sign_all(org, case, record(org, case))
    response = client.post(f"/staff/cases/{case.number}/act/conclude/", form)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.CONCLUDED


# --- the record -----------------------------------------------------------------------------------------------
def test_only_the_lead_department_head_supervisors_and_leadership_may_record(org):
    case = handled_case(org, grade="major", co=("zhujian",))
    for who in ("handler", "head_zj", "dispatcher", "clerk", "auditor"):
        with pytest.raises(TransitionForbidden):
            record(org, case, who=who)
    for who in ("head", "supervisor", "leader"):
        review = record(org, case, who=who)
        sign_all(org, case, review)  # complete it, so that the next person may start another


def test_a_record_needs_three_participants_who_can_see_the_case(org):
    case = handled_case(org, grade="major")
    with pytest.raises(TransitionRejected) as info:
        record(org, case, participants=("head",), chair="leader")
    assert info.value.field == "participants"
    with pytest.raises(TransitionRejected) as info:
        record(org, case, participants=("head", "supervisor", "handler_zj"))  # 住建 does not hold this case
    assert info.value.field == "participants" and "handler_zj" in info.value.message
    with pytest.raises(TransitionRejected) as info:
        record(org, case, participants=("head", "supervisor", "custodian"))  # custodians never sit on reviews
    assert info.value.field == "participants"
    with pytest.raises(TransitionRejected) as info:
        record(org, case, decision="同意")
    assert info.value.field == "decision"
    with pytest.raises(TransitionRejected) as info:
        record(org, case, held_at=later(case, timedelta(days=30)))
    assert info.value.field == "held_at"
    review = record(org, case, participants=("head", "supervisor"), chair="leader")  # the chair counts
    assert sorted(review.participants.values_list("user__username", flat=True)) == ["head", "leader", "supervisor"]


def test_each_participant_signs_themselves_and_a_non_participant_cannot(org):
    case = handled_case(org, grade="major")
    review = record(org, case)
    before = AuditEvent.objects.count()
    for outsider in ("handler", "handler2", "dispatcher"):
        with pytest.raises(TransitionForbidden):
            collective_review_sign(actor=org.actor(outsider), review_id=str(review.public_id),
                                   opinion="我也同意。", now=later(case, timedelta(hours=4)))
    assert AuditEvent.objects.count() == before
    with pytest.raises(TransitionRejected) as info:
        collective_review_sign(actor=org.actor("head"), review_id=str(review.public_id), opinion=" ")
    assert info.value.field == "opinion"

    review = collective_review_sign(actor=org.actor("head"), review_id=str(review.public_id),
                                    opinion=OPINIONS["head"], now=later(case, timedelta(hours=4)))
    mine = review.participants.get(user=org.users["head"])
    assert mine.signed_at is not None and mine.opinion == OPINIONS["head"] and len(mine.signed_digest) == 64
    with pytest.raises(TransitionRejected):
        collective_review_sign(actor=org.actor("head"), review_id=str(review.public_id), opinion="再签一次")
    assert not review.is_complete and not has_signed_review(case)


def test_participants_are_asked_in_their_inbox_and_every_step_is_audited(org):
    case = handled_case(org, grade="major")
    review = record(org, case)
    to_sign = OutboxMessage.objects.filter(topic="investigation.review_to_sign", payload__case=case.number)
    assert sorted(m.recipient_user.username for m in to_sign) == ["leader", "supervisor"]  # not the recorder
    sign_all(org, case, review)
    kinds = [e.kind for e in events_of(case) if e.kind.startswith("investigation.")]
    assert kinds == ["investigation.review_recorded"] + ["investigation.review_signed"] * 3 + [
        "investigation.review_completed"]
    assert not any(e.reporter_visible for e in events_of(case) if e.kind.startswith("investigation."))


def test_changing_the_record_clears_signatures_and_a_complete_record_is_frozen(org):
    case = handled_case(org, grade="major")
    review = record(org, case)
    collective_review_sign(actor=org.actor("head"), review_id=str(review.public_id), opinion=OPINIONS["head"],
                           now=later(case, timedelta(hours=4)))
    changed = "经集体研判，认定问题部分属实，由城管局牵头、住建局配合，限期十五日内整改到位。"
    review = collective_review_update(actor=org.actor("leader"), review_id=str(review.public_id),
                                      data=review_input(case, decision=changed), now=later(case, timedelta(hours=5)))
    assert review.decision == changed
    assert not review.participants.filter(signed_at__isnull=False).exists()
    assert events_of(case, "investigation.review_changed")[0].payload["signatures_cleared"] == 1

    review = sign_all(org, case, review)
    review.refresh_from_db()
    assert review.is_complete
    with pytest.raises(TransitionRejected):
        collective_review_update(actor=org.actor("leader"), review_id=str(review.public_id),
                                 data=review_input(case, decision=DECISION + "补充"))
    with pytest.raises(TransitionRejected):
        collective_review_sign(actor=org.actor("head"), review_id=str(review.public_id), opinion="改变意见")
    assert CollectiveReview.objects.get(pk=review.pk).decision == changed


def test_one_record_at_a_time_is_being_signed(org):
    case = handled_case(org, grade="major")
    record(org, case)
    with pytest.raises(TransitionRejected):
        record(org, case, who="supervisor")


def test_a_case_one_cannot_see_has_no_records_to_sign(org):
    case = handled_case(org, grade="major")
    review = record(org, case)
    from jubao.cases.errors import CaseNotFound

    with pytest.raises(CaseNotFound):
        collective_review_sign(actor=org.actor("handler_zj"), review_id=str(review.public_id), opinion="同意")
