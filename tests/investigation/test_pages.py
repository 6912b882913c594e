"""The case-page panels, their form posts, the list pages (with bounded queries) and the review API."""

from __future__ import annotations

import pytest

from jubao.investigation.models import CaseOwnership, CollectiveReview
from jubao.investigation.services import ownership_assign
from tests.helpers import api_post, bearer, token_for

from .conftest import handled_case, must_review
from .support import NOTE_TEXT, at
from .test_collective_review import DECISION, OPINIONS, record, sign_all
from .test_ownership import PLAN, PROGRESS


def page(client, org, who, case):
    client.force_login(org.users[who])
    response = client.get(f"/staff/cases/{case.number}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def review_form(**overrides):
    form = {"review-held_at": "2026-03-02T16:00", "review-meeting_format": "in_person",
            "review-location": "市信访局三楼会议室", "review-chair": "leader",
            "review-participants": ["head", "supervisor", "leader"], "review-decision": DECISION}
    form.update(overrides)
    return form


def test_the_review_panel_says_what_is_required_and_who_must_sign(client, org):
    case = handled_case(org, grade="major")
    html = page(client, org, "handler", case)
    assert 'id="collective-review"' in html and "Required before conclusion" in html and "major case" in html
    assert "Record the collective review" not in html  # a handler does not convene
    html = page(client, org, "head", case)
    assert "Record the collective review" in html

    record(org, case)
    html = page(client, org, "supervisor", case)
    assert "Sign the record" in html and DECISION in html
    assert "Sign the record" not in page(client, org, "handler", case)  # not a participant


def test_a_must_review_case_names_its_reasons(client, org):
    case = handled_case(org, title="反映村委会换届选举中拉票贿选")
    must_review(case, ("election",))
    assert "elections" in page(client, org, "head", case)
    plain = handled_case(org)
    assert 'id="collective-review"' not in page(client, org, "handler", plain)


def test_recording_and_signing_through_the_staff_forms(client, org):
    case = handled_case(org, grade="major")
    client.force_login(org.users["head"])
    url = f"/staff/investigation/cases/{case.number}/reviews/"
    response = client.post(url, review_form(**{"review-participants": ["head"]}), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    html = response.content.decode()
    assert "at least 3 participants" in html and DECISION in html and 'class="error"' in html  # input kept
    response = client.post(url, review_form())
    assert response.status_code == 302 and response["Location"].endswith("#collective-review")
    review = CollectiveReview.objects.get(case=case)

    sign_url = f"/staff/investigation/reviews/{review.public_id}/sign/"
    client.force_login(org.users["handler"])  # sees the case, is not a participant
    response = client.post(sign_url, {"sign-opinion": "我同意"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "Only the participants named in the record can sign it." in response.content.decode()
    for who in ("head", "supervisor", "leader"):
        client.force_login(org.users[who])
        assert client.post(sign_url, {"sign-opinion": OPINIONS[who]}).status_code == 302
    review.refresh_from_db()
    assert review.is_complete
    html = page(client, org, "handler", case)
    assert "Signed by every participant" in html and OPINIONS["leader"] in html


def test_the_review_api(client, org):
    case = handled_case(org, grade="major")
    head = {**bearer(token_for(org.users["head"])), "HTTP_ACCEPT_LANGUAGE": "en"}
    body = {"held_at": "2026-03-02T16:00:00+08:00", "meeting_format": "video", "location": "政务视频会议系统",
            "chair": "leader", "participants": ["head", "supervisor"], "decision": DECISION}
    response = api_post(client, f"/api/v1/investigation/cases/{case.number}/reviews", body, **head)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["required"] is True and data["signed"] is False and data["reasons"] == ["major"]
    review_id = data["reviews"][0]["id"]
    outsider = bearer(token_for(org.users["handler2"]))
    assert api_post(client, f"/api/v1/investigation/reviews/{review_id}/sign", {"opinion": "同意"},
                    **outsider).status_code == 403
    for who in ("head", "supervisor", "leader"):
        response = api_post(client, f"/api/v1/investigation/reviews/{review_id}/sign", {"opinion": OPINIONS[who]},
                            **bearer(token_for(org.users[who])))
        assert response.status_code == 200
    assert response.json()["signed"] is True
    assert [p["opinion"] for p in response.json()["reviews"][0]["participants"]] == [
        OPINIONS["leader"], OPINIONS["head"], OPINIONS["supervisor"]]


def test_the_investigation_panel_forms_keep_what_was_typed(client, org):
    case = handled_case(org)
    client.force_login(org.users["handler"])
    response = client.post(f"/staff/investigation/cases/{case.number}/notes/", {"note-body": "短"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "Write at least 2 characters." in response.content.decode()
    response = client.post(f"/staff/investigation/cases/{case.number}/site-visits/", {
        "visit-visited_at": "2026-03-02T15:00", "visit-place": "幸福路口", "visit-participants": ["handler"],
        "visit-findings": "太短"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "幸福路口" in response.content.decode()
    response = client.post(f"/staff/investigation/cases/{case.number}/notes/", {"note-body": NOTE_TEXT})
    assert response.status_code == 302
    record = client.get(f"/api/v1/investigation/cases/{case.number}/record").json()
    assert [n["body"] for n in record["notes"]] == [NOTE_TEXT]


def test_ownership_through_the_staff_forms(client, org):
    case = handled_case(org)
    client.force_login(org.users["supervisor"])
    url = f"/staff/investigation/cases/{case.number}/ownership/"
    response = client.post(url, {"ownership-leader": "leader", "ownership-reason": "difficult",
                                 "ownership-plan": "太短", "ownership-interval_days": "14"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "Write at least 10 characters." in response.content.decode()
    response = client.post(url, {"ownership-leader": "leader", "ownership-reason": "difficult",
                                 "ownership-plan": PLAN, "ownership-interval_days": "10"})
    assert response.status_code == 302
    ownership = CaseOwnership.objects.get(case=case)
    assert ownership.interval_days == 10 and ownership.leader == org.users["leader"]
    html = page(client, org, "leader", case)
    assert "Save the progress entry" in html and PLAN in html
    response = client.post(f"/staff/investigation/ownerships/{ownership.public_id}/progress/",
                           {"progress-body": PROGRESS})
    assert response.status_code == 302 and ownership.progress.count() == 1


@pytest.mark.parametrize("count", [1, 6])
def test_the_ownership_list_costs_the_same_however_long(client, org, count, django_assert_max_num_queries):
    for _ in range(count):
        case = handled_case(org)
        ownership_assign(actor=org.actor("leader"), number=case.number, leader="leader", reason="repeated",
                         plan=PLAN, now=at(case))
    client.force_login(org.users["leader"])
    client.get("/staff/investigation/ownerships/")  # warm up per-process caches
    with django_assert_max_num_queries(7):
        response = client.get("/staff/investigation/ownerships/?mine=1")
    assert response.status_code == 200
    assert response.content.decode().count("#ownership") == count


@pytest.mark.parametrize("count", [1, 5])
def test_the_to_sign_list_costs_the_same_however_long(client, org, count, django_assert_max_num_queries):
    for _ in range(count):
        record(org, handled_case(org, grade="major"))
    client.force_login(org.users["supervisor"])
    client.get("/staff/investigation/reviews/to-sign/")
    with django_assert_max_num_queries(7):
        response = client.get("/staff/investigation/reviews/to-sign/")
    assert response.content.decode().count("#collective-review") == count
    client.force_login(org.users["handler"])
    assert "#collective-review" not in client.get("/staff/investigation/reviews/to-sign/").content.decode()


def test_the_ownership_list_shows_only_cases_one_can_see(client, org):
    from tests.helpers import WEST_VILLAGE, drive

    west = drive(org, "in_progress", region=WEST_VILLAGE)
    ownership_assign(actor=org.actor("supervisor"), number=west.number, leader="supervisor", reason="both",
                     plan=PLAN, now=at(west))
    client.force_login(org.users["supervisor_east"])
    assert west.number not in client.get("/staff/investigation/ownerships/").content.decode()
    client.force_login(org.users["leader"])
    assert west.number in client.get("/staff/investigation/ownerships/").content.decode()
    response = client.get("/api/v1/investigation/ownerships")
    assert [o["case"] for o in response.json()] == [west.number]


def test_the_chain_of_signatures_is_complete_before_conclusion_in_the_page(client, org):
    case = handled_case(org, grade="major")
    sign_all(org, case, record(org, case))
    assert "Signed by every participant" in page(client, org, "head", case)
