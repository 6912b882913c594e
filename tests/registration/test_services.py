"""The two-person check through the services: enter, check, dispute, settle, withdraw."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.db import connection

from jubao.audit.models import AuditEvent
from jubao.cases.models import CaseState, Report
from jubao.notifications.models import OutboxMessage
from jubao.protection.models import ReporterIdentity
from jubao.protection.vault import identity_reveal, keyed_hash
from jubao.registration.errors import RegistrationConflict, RegistrationForbidden, RegistrationRejected
from jubao.registration.models import CheckDifference, Registration, RegistrationStatus, Resolution
from jubao.registration.services import (
    ResolutionInput,
    normalise_text,
    registration_check,
    registration_resolve,
    registration_withdraw,
)

from .factories import (
    CALLER_ID_NUMBER,
    CALLER_NAME,
    CALLER_PHONE,
    EAST_VILLAGE,
    SENDER_ADDRESS,
    SUBJECT,
    T0,
    TITLE,
    WEST_VILLAGE,
    enter,
    enter_and_check,
    hotline_entry,
    letter_entry,
    same_check,
    says,
    visit_entry,
)

OWN_ENTRY = "You entered this registration yourself; a second clerk must check it."
OWN_CHECK = "You checked this registration; someone else must settle the differences."

LATER = T0 + timedelta(minutes=5)
SETTLED = T0 + timedelta(minutes=30)


def raw_row(registration: Registration) -> str:
    """The registration's row exactly as the database holds it."""
    table = connection.ops.quote_name(Registration._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [registration.pk])
        return " ".join(str(value) for value in cursor.fetchone())


def registration_traces() -> str:
    """Everything written about registrations outside the vault: audit events, outbox, differences."""
    events = AuditEvent.objects.filter(kind__startswith="registration.") | AuditEvent.objects.filter(
        kind="case.registered")
    parts = [json.dumps([e.payload, e.reason], ensure_ascii=False) for e in events]
    parts += [f"{m.subject} {m.body} {json.dumps(m.payload)}" for m in OutboxMessage.objects.all()]
    parts += [" ".join(map(str, d.values())) for d in CheckDifference.objects.values()]
    return " ".join(parts)


# --- the happy path ----------------------------------------------------------------------------------
def test_a_hotline_registration_checked_identically_becomes_a_registered_real_name_report(org):
    registration = enter(org, hotline_entry(org))
    assert registration.status == RegistrationStatus.AWAITING_CHECK
    assert Report.objects.count() == 0

    registration = registration_check(actor=org.actor("clerk2"), registration=registration,
                                      data=same_check(registration), now=LATER)

    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.checked_by == org.users["clerk2"]
    report = registration.report
    assert report is not None and report.channel == "hotline"
    assert report.case.state == CaseState.REGISTERED
    assert (report.title, report.reported_subject, report.occurred_on) == (TITLE, SUBJECT, date(2026, 2, 27))
    assert report.region == org.regions[EAST_VILLAGE] and report.kind_id == "complaint"
    assert report.external_id == f"registration:{registration.public_id}"
    # The caller is in the vault and nowhere else.
    assert not report.is_anonymous and report.identity_id == registration.identity_id is not None
    assert report.case.is_real_name
    identity = ReporterIdentity.objects.get(pk=report.identity_id)
    assert identity.phone_hmac == keyed_hash("phone", CALLER_PHONE)
    revealed = identity_reveal(identity)
    assert (revealed["name"], revealed["phone"], revealed["id_number"]) == (CALLER_NAME, CALLER_PHONE,
                                                                           CALLER_ID_NUMBER)
    assert report.reporter_pseudonym == identity.pseudonym
    for secret in (CALLER_PHONE, CALLER_NAME, CALLER_ID_NUMBER):
        assert secret not in raw_row(registration)
        assert secret not in registration_traces()
    kinds = list(AuditEvent.objects.filter(kind__startswith="registration.").values_list("kind", flat=True))
    assert kinds == ["registration.entered", "registration.confirmed"]
    confirmed = AuditEvent.objects.get(kind="registration.confirmed")
    assert confirmed.case_id == report.case_id and confirmed.actor == org.users["clerk2"]


def test_entry_notifies_the_clerks_covering_the_region_without_naming_the_key_fields(org):
    registration = enter(org, hotline_entry(org))
    message = OutboxMessage.objects.get(topic="registration.awaiting_check")
    assert message.channel == "inbox"
    assert message.audience == {"role": "clerk", "covering_path": registration.region.path}
    assert message.payload["link"] == f"/staff/registrations/{registration.public_id}/check/"
    assert TITLE not in message.subject + message.body and SUBJECT not in message.subject + message.body


def test_spacing_and_full_width_characters_are_not_differences(org):
    registration = enter(org, hotline_entry(org, title="路口商户ABC占道 经营", reported_subject="某水果店（A座）"))
    checked = registration_check(
        actor=org.actor("clerk2"), registration=registration, now=LATER,
        data=same_check(registration, title="路口商户ＡＢＣ占道经营 ", reported_subject="某水果店(A座)",
                        phone="+86 139-1234-5678"))
    assert checked.status == RegistrationStatus.CONFIRMED
    assert checked.report.title == "路口商户ABC占道 经营"  # the entered text, as entered
    assert normalise_text("Ａ　Ｂ") == "AB"


# --- the two-person rule -----------------------------------------------------------------------------
def test_the_clerk_who_entered_cannot_check_their_own_entry(org):
    registration = enter(org, hotline_entry(org))
    with pytest.raises(RegistrationForbidden) as refused:
        registration_check(actor=org.actor("clerk"), registration=registration, data=same_check(registration),
                           now=LATER)
    assert refused.value.message == says(OWN_ENTRY) and refused.value.status_code == 403
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.AWAITING_CHECK and registration.checked_by is None
    assert Report.objects.count() == 0


def test_only_clerks_enter_and_check(org):
    with pytest.raises(RegistrationForbidden):
        enter(org, hotline_entry(org), who="dispatcher")
    registration = enter(org, hotline_entry(org))
    for who in ("dispatcher", "handler"):
        with pytest.raises(RegistrationForbidden):
            registration_check(actor=org.actor(who), registration=registration, data=same_check(registration))


def test_a_confirmed_registration_cannot_be_checked_again(org):
    registration = enter_and_check(org, hotline_entry(org))
    with pytest.raises(RegistrationConflict):
        registration_check(actor=org.actor("clerk2"), registration=registration, data=same_check(registration))
    assert Report.objects.count() == 1


# --- differences -------------------------------------------------------------------------------------
def _disputed(org):
    registration = enter(org, hotline_entry(org))
    return registration_check(
        actor=org.actor("clerk2"), registration=registration, now=LATER,
        data=same_check(registration, region=org.regions[WEST_VILLAGE], title="路口水果店占道"))


def test_a_disagreement_on_region_and_title_gives_two_differences_and_no_report(org):
    registration = _disputed(org)
    assert registration.status == RegistrationStatus.DISPUTED and registration.report is None
    assert Report.objects.count() == 0
    differences = {d.field: d for d in registration.differences.all()}
    assert set(differences) == {"region", "title"}
    assert (differences["region"].entered_value, differences["region"].checked_value) == (EAST_VILLAGE,
                                                                                          WEST_VILLAGE)
    assert (differences["title"].entered_value, differences["title"].checked_value) == (TITLE, "路口水果店占道")
    assert all(not d.resolution for d in differences.values())
    event = AuditEvent.objects.get(kind="registration.disputed")
    assert sorted(event.payload["fields"]) == ["region", "title"]
    assert OutboxMessage.objects.get(topic="registration.disputed").recipient_user == org.users["clerk"]


def test_the_entering_clerk_settles_with_the_checked_region_and_a_corrected_title(org):
    registration = _disputed(org)
    registration = registration_resolve(actor=org.actor("clerk"), registration=registration, now=SETTLED,
                                        resolutions={
        "region": ResolutionInput(choice=Resolution.CHECKED),
        "title": ResolutionInput(choice=Resolution.OTHER, value="东华社区路口水果店占道经营",
                                 note="按来电录音核对标题"),
    })
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.resolved_by == org.users["clerk"]
    report = registration.report
    assert report.region == org.regions[WEST_VILLAGE] and report.title == "东华社区路口水果店占道经营"
    assert report.case.state == CaseState.REGISTERED and report.case.region_path == org.regions[WEST_VILLAGE].path
    # Both originals stay on record, next to the decision.
    region, title = (registration.differences.get(field=f) for f in ("region", "title"))
    assert (region.entered_value, region.checked_value, region.resolution, region.resolved_value) == (
        EAST_VILLAGE, WEST_VILLAGE, "checked", WEST_VILLAGE)
    assert (title.entered_value, title.checked_value, title.resolution, title.resolved_value, title.note) == (
        TITLE, "路口水果店占道", "other", "东华社区路口水果店占道经营", "按来电录音核对标题")
    assert title.resolved_by == org.users["clerk"] and title.resolved_at == SETTLED
    # The entry itself is not overwritten.
    registration.refresh_from_db()
    assert (registration.title, registration.region_id) == (TITLE, org.regions[EAST_VILLAGE].pk)
    event = AuditEvent.objects.get(kind="registration.resolved")
    assert event.payload["resolutions"] == {"region": "checked", "title": "other"}


def test_the_checker_cannot_settle_and_a_correction_needs_a_note(org):
    registration = _disputed(org)
    with pytest.raises(RegistrationForbidden) as forbidden:
        registration_resolve(actor=org.actor("clerk2"), registration=registration,
                             resolutions={"region": ResolutionInput("entered"), "title": ResolutionInput("entered")})
    assert forbidden.value.message == says(OWN_CHECK)
    with pytest.raises(RegistrationRejected) as refused:
        registration_resolve(actor=org.actor("dispatcher"), registration=registration, resolutions={
            "region": ResolutionInput("entered"), "title": ResolutionInput("other", value="新标题")})
    assert set(refused.value.errors) == {"title"}
    with pytest.raises(RegistrationRejected) as refused:
        registration_resolve(actor=org.actor("dispatcher"), registration=registration,
                             resolutions={"title": ResolutionInput("checked")})
    assert set(refused.value.errors) == {"region"}
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.DISPUTED and Report.objects.count() == 0
    assert not registration.differences.exclude(resolution="").exists()


def test_a_dispatcher_may_settle(org):
    registration = _disputed(org)
    registration = registration_resolve(actor=org.actor("dispatcher"), registration=registration, resolutions={
        "region": ResolutionInput("entered"), "title": ResolutionInput("entered")})
    assert registration.report.region == org.regions[EAST_VILLAGE] and registration.report.title == TITLE
    for who in ("handler", "supervisor"):
        other = _disputed(org)
        with pytest.raises(RegistrationForbidden):
            registration_resolve(actor=org.actor(who), registration=other, resolutions={})


def test_a_different_caller_number_is_a_difference_kept_only_in_the_vault(org):
    registration = enter(org, hotline_entry(org))
    registration = registration_check(actor=org.actor("clerk2"), registration=registration, now=LATER,
                                      data=same_check(registration, phone="13912345687"))
    assert registration.status == RegistrationStatus.DISPUTED
    difference = registration.differences.get()
    assert difference.field == "caller_phone"
    assert (difference.entered_value, difference.checked_value) == ("", "")
    assert difference.checked_identity.phone_hmac == keyed_hash("phone", "13912345687")
    for secret in (CALLER_PHONE, "13912345687"):
        assert secret not in raw_row(registration) and secret not in registration_traces()

    # Settled by typing the number again: it matches the checker's entry.
    registration = registration_resolve(actor=org.actor("clerk"), registration=registration, now=SETTLED,
                                        resolutions={"caller_phone": ResolutionInput(value="139 1234 5687")})
    difference.refresh_from_db()
    assert difference.resolution == Resolution.CHECKED and difference.resolved_value == ""
    report = registration.report
    assert report.identity_id == difference.resolved_identity_id != registration.identity_id
    revealed = identity_reveal(report.identity)
    assert (revealed["name"], revealed["phone"], revealed["id_number"]) == (CALLER_NAME, "139 1234 5687",
                                                                           CALLER_ID_NUMBER)
    assert identity_reveal(registration.identity)["phone"] == CALLER_PHONE  # the entry, untouched
    assert "13912345687" not in registration_traces()


def test_a_caller_number_matching_the_entry_keeps_the_entered_identity(org):
    registration = enter(org, hotline_entry(org))
    registration = registration_check(actor=org.actor("clerk2"), registration=registration, now=LATER,
                                      data=same_check(registration, phone="13900000000"))
    with pytest.raises(RegistrationRejected):  # neither entry, and no note
        registration_resolve(actor=org.actor("clerk"), registration=registration,
                             resolutions={"caller_phone": ResolutionInput(value="13811112222")})
    registration = registration_resolve(actor=org.actor("clerk"), registration=registration,
                                        resolutions={"caller_phone": ResolutionInput(value=CALLER_PHONE)})
    assert registration.differences.get().resolution == Resolution.ENTERED
    assert registration.report.identity_id == registration.identity_id


# --- channels ----------------------------------------------------------------------------------------
def test_a_letter_keeps_its_letter_fields_and_the_sender_address_goes_to_the_vault(org):
    registration = enter(org, letter_entry(org))
    assert (registration.letter_date, registration.letter_reference) == (date(2026, 2, 20), "挂号信 XA123456789CN")
    assert registration.call_received_at is None and registration.visit_record == ""
    assert identity_reveal(registration.identity)["address"] == SENDER_ADDRESS
    assert SENDER_ADDRESS not in raw_row(registration)
    # The letter's date is one of the blind fields.
    registration = registration_check(actor=org.actor("clerk2"), registration=registration, now=LATER,
                                      data=same_check(registration, letter_date=date(2026, 2, 21)))
    difference = registration.differences.get()
    assert (difference.field, difference.entered_value, difference.checked_value) == (
        "letter_date", "2026-02-20", "2026-02-21")
    registration = registration_resolve(actor=org.actor("clerk"), registration=registration, resolutions={
        "letter_date": ResolutionInput("checked", note="邮戳日期为 2 月 21 日")})
    report = registration.report
    assert report.channel == "letter" and report.kind_id == "accusation" and not report.is_anonymous
    assert report.region == org.regions[WEST_VILLAGE]
    assert registration.differences.get().resolved_value == "2026-02-21"


def test_an_anonymous_visit_keeps_its_visit_fields(org):
    registration = enter_and_check(org, visit_entry(org))
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.visitors_count == 3 and registration.visit_at == T0 - timedelta(hours=1)
    assert registration.visit_record.startswith("问：反映什么问题？")
    assert registration.identity is None
    report = registration.report
    assert report.channel == "visit" and report.is_anonymous and report.identity is None
    assert report.reporter_pseudonym.startswith("匿名-")


def test_mailbox_and_mobile_service_point_registrations(org):
    mailbox = enter_and_check(org, visit_entry(org, channel="mailbox", mailbox_opened_at=T0 - timedelta(hours=2),
                                               mailbox_location="东华社区服务中心门口"))
    assert mailbox.report.channel == "mailbox" and mailbox.mailbox_location == "东华社区服务中心门口"
    assert mailbox.visit_at is None and mailbox.visitors_count is None and mailbox.visit_record == ""
    mobile = enter_and_check(org, visit_entry(org, channel="mobile", service_point="柳林镇集市流动服务站"))
    assert mobile.report.channel == "mobile" and mobile.service_point == "柳林镇集市流动服务站"


# --- refused entries ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("overrides", "field"), [
    ({"id_number": "110105194912310021"}, "id_number"),
    ({"phone": ""}, "phone"),
    ({"name": ""}, "name"),
    ({"is_anonymous": True}, "name"),
    ({"call_received_at": None}, "call_received_at"),
    ({"call_received_at": T0 + timedelta(days=1)}, "call_received_at"),
    ({"title": "  "}, "title"),
    ({"kind": "nonsense"}, "kind"),
    ({"channel": "web"}, "channel"),
])
def test_bad_entries_are_refused_with_the_field_named(org, overrides, field):
    with pytest.raises(RegistrationRejected) as refused:
        enter(org, hotline_entry(org, **overrides))
    assert field in refused.value.errors
    assert not Registration.objects.exists() and not ReporterIdentity.objects.exists()


def test_a_visit_needs_its_record_and_other_channels_fields_are_ignored(org):
    with pytest.raises(RegistrationRejected) as refused:
        enter(org, visit_entry(org, visit_record="", visitors_count=None))
    assert set(refused.value.errors) == {"visit_record", "visitors_count"}
    registration = enter(org, visit_entry(org, letter_reference="x" * 500, mailbox_location="ignored"))
    assert registration.letter_reference == "" and registration.mailbox_location == ""


def test_a_region_outside_the_clerks_jurisdiction_is_refused(org):
    from jubao.organisation.models import Region, RegionLevel

    elsewhere = Region.objects.create(code="980000", name="别省", level=RegionLevel.PROVINCE, path="/980000/")
    with pytest.raises(RegistrationRejected) as refused:
        enter(org, hotline_entry(org, region=elsewhere))
    assert "region" in refused.value.errors


# --- withdrawal --------------------------------------------------------------------------------------
def test_withdrawal_by_the_entering_clerk_or_a_dispatcher(org):
    registration = enter(org, hotline_entry(org))
    with pytest.raises(RegistrationForbidden):
        registration_withdraw(actor=org.actor("clerk2"), registration=registration, reason="重复")
    with pytest.raises(RegistrationRejected):
        registration_withdraw(actor=org.actor("clerk"), registration=registration, reason=" ")
    registration = registration_withdraw(actor=org.actor("clerk"), registration=registration,
                                         reason="与 DJ-1 重复登记")
    assert registration.status == RegistrationStatus.WITHDRAWN and registration.withdrawn_by == org.users["clerk"]
    with pytest.raises(RegistrationConflict):
        registration_check(actor=org.actor("clerk2"), registration=registration, data=same_check(registration))
    disputed = _disputed(org)
    disputed = registration_withdraw(actor=org.actor("dispatcher"), registration=disputed, reason="来电人撤回")
    assert disputed.status == RegistrationStatus.WITHDRAWN
    assert AuditEvent.objects.filter(kind="registration.withdrawn").count() == 2
    assert Report.objects.count() == 0
