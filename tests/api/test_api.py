"""The JSON API: token authentication, the schema, and the same cases and transitions as the UI."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jubao.accounts.services import api_token_create, api_token_revoke
from jubao.audit.models import AuditEvent
from jubao.cases.models import Case, CaseState
from tests.helpers import api_post, bearer, category, drive, events_of, register, snapshot, token_for

API = "/api/v1/cases"


@pytest.fixture
def dispatcher_token(org) -> str:
    return token_for(org.users["dispatcher"])


# --- authentication ------------------------------------------------------------------------------
def test_a_bearer_token_lists_the_cases_its_user_can_see(org, client, dispatcher_token):
    east = register(org)
    response = client.get(API, **bearer(dispatcher_token))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [item] = body["items"]
    assert (item["number"], item["state"], item["version"]) == (east.number, "registered", 1)
    assert item["region"] == "990102001001"


def test_the_token_can_also_be_sent_as_a_header(org, client, dispatcher_token):
    register(org)
    assert client.get(API, HTTP_X_API_TOKEN=dispatcher_token).status_code == 200


@pytest.mark.parametrize("auth", [
    {},
    {"HTTP_AUTHORIZATION": "Bearer jbk_not-a-real-token"},
    {"HTTP_AUTHORIZATION": "Bearer "},
    {"HTTP_AUTHORIZATION": "Basic ZGlzcGF0Y2hlcjpqdWJhbw=="},
    {"HTTP_X_API_TOKEN": "jbk_not-a-real-token"},
], ids=["none", "unknown", "empty", "basic", "unknown-header"])
def test_a_missing_or_invalid_token_is_401(org, client, auth):
    register(org)
    assert client.get(API, **auth).status_code == 401
    assert client.get(f"{API}/AJ26030200000000", **auth).status_code == 401


def test_a_revoked_token_is_401(org, client):
    user = org.users["dispatcher"]
    token, secret = api_token_create(actor=user, name="to revoke")
    assert client.get(API, **bearer(secret)).status_code == 200
    api_token_revoke(actor=user, token=token)
    assert client.get(API, **bearer(secret)).status_code == 401


def test_an_expired_token_is_401(org, client):
    _, secret = api_token_create(actor=org.users["dispatcher"], name="old",
                                 expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(API, **bearer(secret)).status_code == 401


def test_a_token_of_a_deactivated_user_is_401(org, client, dispatcher_token):
    user = org.users["dispatcher"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    try:
        assert client.get(API, **bearer(dispatcher_token)).status_code == 401
    finally:
        user.is_active = True


def test_a_token_cannot_be_used_to_change_a_case_without_authentication(org, client):
    case = register(org)
    before = snapshot(case)
    response = api_post(client, f"{API}/{case.number}/transitions", {"transition": "request_info", "reason": "x"})
    assert response.status_code == 401
    assert snapshot(case) == before


def test_a_logged_in_staff_session_also_works(org, client):
    case = register(org)
    client.force_login(org.users["dispatcher"])
    assert [i["number"] for i in client.get(API).json()["items"]] == [case.number]


# --- schema --------------------------------------------------------------------------------------------
def test_the_openapi_schema_is_served_and_lists_the_case_endpoints(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/cases" in schema["paths"]
    assert "/api/v1/cases/{number}" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/cases/{number}/transitions"]
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


# --- transitions -----------------------------------------------------------------------------------------
ACCEPT = {"grade": "complex", "urgency": "urgent"}


def _event_summary(event: AuditEvent) -> tuple:
    payload = {k: v for k, v in event.payload.items() if k != "deadlines"}
    return (event.kind, event.actor_kind, event.actor_id, event.actor_label, event.from_state, event.to_state,
            event.reason, payload, event.reporter_visible)


def _case_summary(case: Case) -> tuple:
    case.refresh_from_db()
    return (case.state, case.version, case.category_id, case.grade, case.urgency, case.light,
            sorted(case.deadlines.values_list("stage", "status")))


def test_a_transition_via_the_api_has_the_same_effect_as_via_the_ui(org, dispatcher_token):
    user = org.users["dispatcher"]
    via_ui, via_api = register(org), register(org)
    data = {"category": category().pk, **ACCEPT}

    ui = Client()
    ui.force_login(user)
    response = ui.post(reverse("cases:act", args=[via_ui.number, "accept"]), {
        "accept-version": via_ui.version, "accept-reason": "线索具体，予以受理",
        **{f"accept-{k}": v for k, v in data.items()},
    })
    assert response.status_code == 302

    response = api_post(Client(), f"{API}/{via_api.number}/transitions",
                        {"transition": "accept", "reason": "线索具体，予以受理", "data": data, "expected_version": 1},
                        **bearer(dispatcher_token))
    assert response.status_code == 200

    assert _case_summary(via_api) == _case_summary(via_ui)
    assert via_api.state == CaseState.ACCEPTED
    [ui_event] = events_of(via_ui, "case.accept")
    [api_event] = events_of(via_api, "case.accept")
    assert _event_summary(api_event) == _event_summary(ui_event)
    assert api_event.actor_id == user.pk  # the token's user


def test_the_case_detail_lists_the_actions_the_user_may_take(org, client):
    case = drive(org, CaseState.DISPATCHED)
    expected = {
        "dispatcher": set(),
        "handler": {"return", "start", "escalate"},
        "head": {"return", "start", "escalate"},
        "supervisor": {"escalate"},
        "auditor": set(),
    }
    for who, actions in expected.items():
        response = client.get(f"{API}/{case.number}", **bearer(token_for(org.users[who])))
        assert response.status_code == 200, who
        body = response.json()
        assert body["number"] == case.number
        assert set(body["actions"]) == actions, who
        assert {d["stage"] for d in body["deadlines"]} >= {"response", "conclusion"}
        assert len(body["reports"]) == 1


def test_a_transition_via_the_api_answers_with_the_updated_case(org, client, dispatcher_token):
    case = register(org)
    response = api_post(client, f"{API}/{case.number}/transitions",
                        {"transition": "accept", "data": {"category": category().pk, **ACCEPT},
                         "expected_version": 1},
                        **bearer(dispatcher_token))
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["version"], body["grade"]) == ("accepted", 2, "complex")
    assert set(body["actions"]) == {"merge", "dispatch"}


def test_the_case_events_endpoint_is_the_timeline(org, client, dispatcher_token):
    case = drive(org, CaseState.ACCEPTED)
    response = client.get(f"{API}/{case.number}/events", **bearer(dispatcher_token))
    assert response.status_code == 200
    events = response.json()
    assert [(e["from_state"] != "", e["reason"]) for e in events] == [(False, ""), (True, "")]
    assert events[1]["payload"]["grade"] == "simple"
