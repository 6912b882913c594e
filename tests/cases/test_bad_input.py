"""Wrong input and wrong moments: clear errors, translated, and nothing changed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from jubao.cases.models import Case, CaseState
from jubao.cases.workflow import TRANSITIONS
from tests.helpers import REDIRECT_NOTICE, api_post, bearer, category, drive, snapshot, token_for

API = "/api/v1/cases"
LANGUAGES = ["en", "zh-hans"]


def message(lang: str, msgid: str, **params) -> str:
    """The text a user of `lang` should see (the English msgid where no translation exists)."""
    with translation.override(lang):
        text = translation.gettext(msgid)
        return text % {k: v if isinstance(v, int) else str(v) for k, v in params.items()} if params else text


def assert_says(body: str, msgid: str, lang: str, **params) -> None:
    """The message is shown in `lang`: translated when the catalogue has it, the English msgid otherwise."""
    english = message("en", msgid, **params)
    expected = message(lang, msgid, **params)
    assert escape(expected) in body or expected in body, expected
    if expected != english:
        assert english not in body and escape(english) not in body


def client_in(lang: str, *, cookie: bool = False) -> Client:
    if cookie:
        client = Client()
        client.cookies["django_language"] = lang
        return client
    return Client(HTTP_ACCEPT_LANGUAGE=lang)


def accept_form(case: Case, *, version: int | None = None) -> dict:
    return {"accept-version": case.version if version is None else version,
            "accept-category": category().pk, "accept-grade": "simple", "accept-urgency": "normal"}


@pytest.fixture
def registered(org):
    return drive(org, CaseState.REGISTERED)


# --- unknown transition --------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_unknown_transition_via_the_api_is_a_409_with_a_clear_message(org, registered, lang):
    client = client_in(lang)
    before = snapshot(registered)
    response = api_post(client, f"{API}/{registered.number}/transitions", {"transition": "teleport"},
                        **bearer(token_for(org.users["dispatcher"])))
    assert response.status_code == 409
    body = response.json()
    assert set(body) >= {"detail"}
    assert body["detail"] == message(lang, "Unknown action “%(name)s”.", name="teleport")
    assert snapshot(registered) == before


def test_an_unknown_action_in_the_staff_pages_is_a_404(org, client, registered):
    client.force_login(org.users["dispatcher"])
    before = snapshot(registered)
    response = client.post(reverse("cases:act", args=[registered.number, "teleport"]), {"teleport-version": 1})
    assert response.status_code == 404
    assert snapshot(registered) == before


def test_the_act_url_only_accepts_post(org, client, registered):
    client.force_login(org.users["dispatcher"])
    assert client.get(reverse("cases:act", args=[registered.number, "accept"])).status_code == 405


def test_a_malformed_api_body_is_refused_and_changes_nothing(org, client, registered):
    before = snapshot(registered)
    auth = bearer(token_for(org.users["dispatcher"]))
    response = api_post(client, f"{API}/{registered.number}/transitions", {"reason": "no transition"}, **auth)
    assert response.status_code == 422
    assert "detail" in response.json()
    response = client.post(f"{API}/{registered.number}/transitions", data="{not json",
                           content_type="application/json", **auth)
    assert response.status_code in (400, 422)
    assert snapshot(registered) == before


# --- a role that may not fire --------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_role_that_may_not_fire_gets_403_from_the_api(org, registered, lang):
    client = client_in(lang)
    before = snapshot(registered)
    response = api_post(client, f"{API}/{registered.number}/transitions",
                        {"transition": "accept", "data": {"category": category().pk, "grade": "simple",
                                                          "urgency": "normal"}},
                        **bearer(token_for(org.users["clerk"])))
    assert response.status_code == 403
    with translation.override(lang):
        expected = message(lang, "You are not allowed to “%(action)s” on this case.",
                           action=TRANSITIONS["accept"].label)
    assert response.json()["detail"] == expected
    assert snapshot(registered) == before


@pytest.mark.parametrize("cookie", [False, True], ids=["accept-language", "cookie"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_role_that_may_not_fire_sees_the_page_again_with_a_403_and_the_message(org, registered, lang, cookie):
    client = client_in(lang, cookie=cookie)
    client.force_login(org.users["clerk"])
    before = snapshot(registered)
    response = client.post(reverse("cases:act", args=[registered.number, "accept"]), accept_form(registered))
    assert response.status_code == 403
    body = response.content.decode()
    assert registered.number in body  # the case page, not a bare error page
    with translation.override(lang):
        label = str(TRANSITIONS["accept"].label)
    assert_says(body, "You are not allowed to “%(action)s” on this case.", lang, action=label)
    assert snapshot(registered) == before


# --- stale version -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_stale_expected_version_via_the_api_is_a_409_and_changes_nothing(org, registered, lang):
    client = client_in(lang)
    before = snapshot(registered)
    response = api_post(client, f"{API}/{registered.number}/transitions",
                        {"transition": "request_info", "reason": "请补充具体地址",
                         "expected_version": registered.version - 1},
                        **bearer(token_for(org.users["dispatcher"])))
    assert response.status_code == 409
    assert response.json()["detail"] == message(
        lang, "Someone else changed this case while you were looking at it. Reload and try again.")
    assert snapshot(registered) == before


def test_a_stale_form_in_the_staff_pages_is_a_409_and_changes_nothing(org, client, registered):
    client = client_in("en")
    client.force_login(org.users["dispatcher"])
    before = snapshot(registered)
    response = client.post(reverse("cases:act", args=[registered.number, "accept"]),
                           accept_form(registered, version=registered.version + 5))
    assert response.status_code == 409
    assert_says(response.content.decode(),
                "Someone else changed this case while you were looking at it. Reload and try again.", "en")
    assert snapshot(registered) == before


def test_a_form_without_its_version_is_refused_and_changes_nothing(org, client, registered):
    client.force_login(org.users["dispatcher"])
    before = snapshot(registered)
    form = accept_form(registered)
    del form["accept-version"]
    response = client.post(reverse("cases:act", args=[registered.number, "accept"]), form)
    assert response.status_code == 400
    assert snapshot(registered) == before


# --- a rejected form keeps what was typed -------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_rejected_form_keeps_what_the_user_typed_and_shows_the_field_error(org, registered, lang):
    client = client_in(lang)
    client.force_login(org.users["dispatcher"])
    before = snapshot(registered)
    typed_reason = "双方系房屋租赁合同纠纷，属于民事纠纷"
    response = client.post(reverse("cases:act", args=[registered.number, "refuse"]), {
        "refuse-version": registered.version, "refuse-reason": typed_reason,
        "refuse-refusal_reason": "civil_dispute", "refuse-redirect_notice": "去法院",
    })
    assert response.status_code == 400
    body = response.content.decode()
    assert typed_reason in body
    assert "去法院" in body
    assert 'id="id_refuse-redirect_notice_error"' in body
    assert_says(body, "Tell the reporter where to go instead (at least %(n)d characters).", lang, n=10)
    assert "<details open" in body  # the refused action stays open
    assert snapshot(registered) == before

    response = client.post(reverse("cases:act", args=[registered.number, "refuse"]), {
        "refuse-version": registered.version, "refuse-reason": typed_reason,
        "refuse-refusal_reason": "civil_dispute", "refuse-redirect_notice": REDIRECT_NOTICE,
    })
    assert response.status_code == 302
    assert Case.objects.get(pk=registered.pk).state == CaseState.REFUSED


def test_a_rejected_api_call_names_the_field_at_fault(org, client, registered):
    before = snapshot(registered)
    response = api_post(client, f"{API}/{registered.number}/transitions",
                        {"transition": "refuse", "reason": "民事纠纷",
                         "data": {"refusal_reason": "civil_dispute", "redirect_notice": "去法院"}},
                        **bearer(token_for(org.users["dispatcher"])))
    assert response.status_code == 400
    assert response.json()["field"] == "redirect_notice"
    assert snapshot(registered) == before


def test_a_missing_reason_is_shown_on_the_reason_field(org, registered):
    client = client_in("en")
    client.force_login(org.users["dispatcher"])
    response = client.post(reverse("cases:act", args=[registered.number, "request_info"]),
                           {"request_info-version": registered.version, "request_info-reason": "   "})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_request_info-reason_error"' in body
    assert_says(body, "A reason is required.", "en")
