"""The staff pages: entry form, blind check form, resolution page, detail, lists and permissions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import escape

from jubao.cases.models import Report
from jubao.registration.models import Registration, RegistrationStatus
from jubao.registration.services import registration_check

from .factories import (
    CALLER_ID_NUMBER,
    CALLER_NAME,
    CALLER_PHONE,
    EAST_VILLAGE,
    SUBJECT,
    TITLE,
    WEST_VILLAGE,
    enter,
    hotline_entry,
    same_check,
    says,
)

INDEX = "/staff/registrations/"
NEW = "/staff/registrations/new/"
BODY = "来电反映：东华社区路口水果店长期占用人行道经营，行人只能走机动车道。"


def url(registration: Registration, page: str = "") -> str:
    return f"/staff/registrations/{registration.public_id}/" + (f"{page}/" if page else "")


def local(delta: timedelta = timedelta(hours=-1), fmt: str = "%Y-%m-%dT%H:%M") -> str:
    return (timezone.localtime() + delta).strftime(fmt)


def entry_form(**overrides: str) -> dict[str, str]:
    data = {
        "channel": "hotline", "kind": "complaint", "title": TITLE, "body": BODY, "region": EAST_VILLAGE,
        "address": "解放路与东华路交叉口", "occurred_on": "2026-02-27", "occurred_text": "近一个月",
        "reported_subject": SUBJECT, "contact_preference": "phone", "name": CALLER_NAME, "phone": CALLER_PHONE,
        "id_number": CALLER_ID_NUMBER, "call_received_at": local(), "visitors_count": "1",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def check_form(**overrides: str) -> dict[str, str]:
    data = {"kind": "complaint", "title": TITLE, "region": EAST_VILLAGE, "reported_subject": SUBJECT,
            "occurred_on": "2026-02-27", "phone": CALLER_PHONE}
    data.update(overrides)
    return data


@pytest.fixture
def as_user(client, org):
    def login(username: str):
        client.force_login(org.users[username])
        return client
    return login


def inline_scripts(html: str) -> list[str]:
    return re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)


# --- entry -------------------------------------------------------------------------------------------
def test_the_entry_form_shows_every_channel_section_and_loads_its_script_from_a_file(as_user):
    response = as_user("clerk").get(NEW)
    assert response.status_code == 200
    html = response.content.decode()
    for channel in ("hotline", "letter", "visit", "mailbox", "mobile"):
        assert f'data-channel-section="{channel}"' in html
    assert "data-channel-select" in html
    assert re.search(r'<script src="/static/registration/registration\.js" defer></script>', html)
    assert inline_scripts(html) == []
    assert 'name="id_number"' in html and 'for="id_channel">' in html  # label_suffix="": no colon
    assert "id_channel:" not in html


def test_the_script_is_served(client):
    response = client.get("/static/registration/registration.js")
    assert response.status_code == 200
    assert b"data-channel-section" in b"".join(response.streaming_content)


def test_a_hotline_call_entered_and_checked_through_the_pages_opens_a_case(as_user, org):
    client = as_user("clerk")
    response = client.post(NEW, entry_form(letter_reference="only used for letters", call_received_at=local()))
    registration = Registration.objects.get()
    assert response.status_code == 302 and response["Location"] == url(registration)
    assert registration.status == RegistrationStatus.AWAITING_CHECK and registration.letter_reference == ""

    client = as_user("clerk2")
    page = client.get(url(registration, "check")).content.decode()
    assert BODY in page  # the rest is shown …
    assert TITLE not in page and SUBJECT not in page and CALLER_PHONE not in page  # … the key fields are not
    assert re.search(r'<input type="text" name="title"[^>]*>', page) and 'value="' + TITLE not in page

    response = client.post(url(registration, "check"), check_form(title=f" {TITLE} ", phone="139-1234-5678"))
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    case_number = registration.report.case.number
    detail = client.get(url(registration)).content.decode()
    assert f'href="/staff/cases/{case_number}/"' in detail
    assert client.get(f"/staff/cases/{case_number}/").status_code == 200


def test_a_rejected_entry_keeps_what_was_typed_with_errors_next_to_the_fields(as_user):
    client = as_user("clerk")
    response = client.post(NEW, entry_form(id_number="110105194912310021", call_received_at="",
                                           channel="hotline", letter_date="not a date"))
    assert response.status_code == 400
    html = response.content.decode()
    assert not Registration.objects.exists()
    for typed in (TITLE, BODY, SUBJECT, CALLER_NAME, "110105194912310021", "解放路与东华路交叉口"):
        assert escape(typed) in html
    assert re.search(r'<option value="complaint" selected>', html)
    assert re.search(rf'<option value="{EAST_VILLAGE}" selected>', html)
    id_error = re.search(r'<span class="error" id="id_id_number_error">([^<]+)</span>', html)
    assert id_error and id_error.group(1) == escape(
        says("This is not a valid 18-digit ID number (check the last character)."))
    assert re.search(r'<input[^>]*name="id_number"[^>]*aria-invalid="true"', html)
    assert 'id="id_call_received_at_error"' in html
    assert 'id="id_letter_date_error"' not in html  # another channel's field: ignored, never an error


def test_a_service_refusal_is_shown_on_the_field(as_user):
    response = as_user("clerk").post(NEW, entry_form(channel="visit", visit_at=local(), visit_record="",
                                                     is_anonymous="on", name="", phone="", id_number=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_visit_record_error"' in html and escape(BODY) in html


# --- check -------------------------------------------------------------------------------------------
def test_the_entering_clerk_is_told_clearly_that_they_cannot_check(as_user, org):
    registration = enter(org, hotline_entry(org))
    response = as_user("clerk").get(url(registration, "check"))
    assert response.status_code == 403
    assert escape(says("You entered this registration yourself; a second clerk must check it.")) in (
        response.content.decode())
    response = as_user("clerk").post(url(registration, "check"), check_form())
    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.AWAITING_CHECK


def test_a_rejected_check_keeps_what_was_typed(as_user, org):
    registration = enter(org, hotline_entry(org))
    response = as_user("clerk2").post(url(registration, "check"), check_form(phone="12", title="我输入的标题"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_phone_error"' in html and "我输入的标题" in html
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.AWAITING_CHECK


def test_a_differing_check_through_the_page_disputes_the_registration(as_user, org):
    registration = enter(org, hotline_entry(org))
    response = as_user("clerk2").post(url(registration, "check"), check_form(region=WEST_VILLAGE))
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.DISPUTED and not Report.objects.exists()


# --- resolve -----------------------------------------------------------------------------------------
@pytest.fixture
def disputed(org):
    registration = enter(org, hotline_entry(org))
    return registration_check(actor=org.actor("clerk2"), registration=registration,
                              data=same_check(registration, region=org.regions[WEST_VILLAGE], title="路口水果店占道"))


def test_the_resolution_page_shows_both_values_side_by_side(as_user, disputed):
    html = as_user("clerk").get(url(disputed, "resolve")).content.decode()
    assert "示范省示范市东城区东华街道东华社区" in html and "示范省示范市西城区西湖街道西湖社区" in html
    assert TITLE in html and "路口水果店占道" in html
    for field in ("region", "title"):
        for choice in ("entered", "checked", "other"):
            assert re.search(rf'<input type="radio" name="{field}-choice" value="{choice}"', html)


def test_settling_on_the_resolution_page_registers_the_report(as_user, disputed):
    client = as_user("clerk")
    form = {"region-choice": "checked", "title-choice": "other", "title-value": "东华社区路口水果店占道经营",
            "title-note": ""}
    response = client.post(url(disputed, "resolve"), form)
    assert response.status_code == 400  # a corrected value needs a note; the choices are kept
    html = response.content.decode()
    assert re.search(r'<input type="radio" name="region-choice" value="checked"[^>]*checked', html)
    assert "东华社区路口水果店占道经营" in html and 'class="has-error"' in html
    assert not Report.objects.exists()

    response = client.post(url(disputed, "resolve"), {**form, "title-note": "按来电录音核对"})
    assert response.status_code == 302
    disputed.refresh_from_db()
    assert disputed.status == RegistrationStatus.CONFIRMED
    assert disputed.report.title == "东华社区路口水果店占道经营"
    detail = client.get(url(disputed)).content.decode()
    assert "按来电录音核对" in detail and f"/staff/cases/{disputed.report.case.number}/" in detail


def test_the_checker_cannot_open_the_resolution_page(as_user, disputed):
    response = as_user("clerk2").get(url(disputed, "resolve"))
    assert response.status_code == 403
    assert escape(says("You checked this registration; someone else must settle the differences.")) in (
        response.content.decode())


# --- lists, detail, withdrawal ----------------------------------------------------------------------
def test_the_lists_hide_my_own_entries_from_awaiting_and_the_key_fields_from_checkers(as_user, org):
    registration = enter(org, hotline_entry(org))
    mine = as_user("clerk").get(INDEX).content.decode()
    awaiting_a = mine.split('id="h-awaiting"')[1].split('id="h-disputed"')[0]
    assert registration.reference not in awaiting_a
    assert registration.reference in mine.split('id="h-mine"')[1] and TITLE in mine

    theirs = as_user("clerk2").get(INDEX).content.decode()
    assert registration.reference in theirs.split('id="h-awaiting"')[1].split('id="h-disputed"')[0]
    assert TITLE not in theirs
    detail = as_user("clerk2").get(url(registration)).content.decode()
    assert TITLE not in detail and SUBJECT not in detail and BODY[:10] not in TITLE
    assert TITLE in as_user("dispatcher").get(url(registration)).content.decode()


def test_withdrawal_through_the_detail_page(as_user, org):
    registration = enter(org, hotline_entry(org))
    client = as_user("clerk")
    response = client.post(url(registration, "withdraw"), {"reason": ""})
    assert response.status_code == 400 and 'id="id_reason_error"' in response.content.decode()
    response = client.post(url(registration, "withdraw"), {"reason": "重复登记"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.WITHDRAWN


# --- permissions -------------------------------------------------------------------------------------
@pytest.mark.parametrize("page", ["", "check", "resolve"])
def test_a_handler_gets_403(as_user, disputed, page):
    client = as_user("handler")
    assert client.get(url(disputed, page)).status_code == 403
    assert client.get(INDEX).status_code == 403
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, entry_form()).status_code == 403
    assert client.post(url(disputed, "withdraw"), {"reason": "x"}).status_code == 403


def test_dispatchers_view_and_settle_but_do_not_enter(as_user, disputed):
    client = as_user("dispatcher")
    assert client.get(INDEX).status_code == 200
    assert client.get(url(disputed)).status_code == 200
    assert client.get(url(disputed, "resolve")).status_code == 200
    assert client.get(NEW).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, disputed):
    for page in (INDEX, NEW, url(disputed)):
        response = client.get(page)
        assert response.status_code == 302 and "/staff/account/login/" in response["Location"]


def test_an_unknown_reference_is_404(as_user):
    assert as_user("clerk").get("/staff/registrations/00000000-0000-0000-0000-000000000000/").status_code == 404
