"""Writes to registrations. Views call these and nothing else.

    registration_enter     clerk A enters a report (identity straight to the vault)   → awaiting_check
    registration_check     clerk B re-enters the key fields blind                     → confirmed | disputed
    registration_resolve   someone other than B settles each difference               → confirmed
    registration_withdraw  A, a dispatcher or an administrator takes it back          → withdrawn

Confirming calls `case_register`, so the report enters triage as a case in state `registered`.
Every service appends one `registration.*` audit event; no payload carries reporter identity.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.accounts.models import Role
from jubao.audit.chain import EventDraft, append_event
from jubao.cases.models import Channel, Report
from jubao.cases.services import ReportInput, case_register
from jubao.notifications.services import outbox_put
from jubao.organisation.models import Region
from jubao.protection.models import ReporterIdentity
from jubao.protection.vault import (
    identity_reveal,
    identity_store,
    keyed_hash,
    normalise_id_number,
    normalise_phone,
    validate_id_number,
)
from jubao.taxonomy.models import Kind

from .errors import RegistrationConflict, RegistrationForbidden, RegistrationRejected
from .models import (
    CheckDifference,
    CheckedField,
    ContactPreference,
    Registration,
    RegistrationChannel,
    RegistrationStatus,
    Resolution,
)
from .selectors import CHECK_ROLES, ENTER_ROLES, RESOLVE_ROLES, WITHDRAW_ROLES, region_in_scope, role_of

# Fields that belong to one channel; the others are ignored (and stored empty) for that channel.
CHANNEL_FIELDS: dict[str, tuple[str, ...]] = {
    RegistrationChannel.HOTLINE: ("call_received_at",),
    RegistrationChannel.LETTER: ("letter_date", "letter_reference", "sender_address"),
    RegistrationChannel.VISIT: ("visit_at", "visitors_count", "visit_record"),
    RegistrationChannel.MAILBOX: ("mailbox_opened_at", "mailbox_location"),
    RegistrationChannel.MOBILE: ("service_point",),
}
REQUIRED_CHANNEL_FIELDS: dict[str, tuple[str, ...]] = {
    RegistrationChannel.HOTLINE: ("call_received_at",),
    RegistrationChannel.LETTER: (),
    RegistrationChannel.VISIT: ("visit_at", "visitors_count", "visit_record"),
    RegistrationChannel.MAILBOX: ("mailbox_opened_at", "mailbox_location"),
    RegistrationChannel.MOBILE: ("service_point",),
}
# Model columns of the channel fields (sender_address goes to the vault instead).
CHANNEL_COLUMNS = ("call_received_at", "letter_date", "letter_reference", "visit_at", "visitors_count",
                   "visit_record", "mailbox_opened_at", "mailbox_location", "service_point")
TEXT_COLUMNS = frozenset({"letter_reference", "visit_record", "mailbox_location", "service_point"})
IDENTITY_FIELDS = ("name", "phone", "id_number", "sender_address")
TEXT_FIELDS = frozenset({CheckedField.TITLE, CheckedField.REPORTED_SUBJECT})
DATE_FIELDS = frozenset({CheckedField.OCCURRED_ON, CheckedField.LETTER_DATE})
# Fields that the report carries (letter_date stays with the registration and its differences).
REPORT_FIELDS = ("kind", "title", "region", "reported_subject", "occurred_on")
MAX_LENGTHS = {"title": 200, "address": 255, "occurred_text": 100, "reported_subject": 200,
               "letter_reference": 100, "mailbox_location": 200, "service_point": 200, "name": 60,
               "sender_address": 255}
PHONE_DIGITS = (5, 15)
CLOCK_SKEW = timedelta(minutes=5)
EXTERNAL_ID_PREFIX = "registration:"


@dataclass
class EntryData:
    """What the first clerk types. Identity fields are kept out of repr (tracebacks, logs)."""

    channel: str
    kind: str
    title: str
    body: str
    region: Region | None
    address: str = ""
    occurred_on: date | None = None
    occurred_text: str = ""
    reported_subject: str = ""
    is_anonymous: bool = True
    contact_preference: str = ""
    name: str = field(default="", repr=False)
    phone: str = field(default="", repr=False)
    id_number: str = field(default="", repr=False)
    sender_address: str = field(default="", repr=False)
    call_received_at: datetime | None = None
    letter_date: date | None = None
    letter_reference: str = ""
    visit_at: datetime | None = None
    visitors_count: int | None = None
    visit_record: str = ""
    mailbox_opened_at: datetime | None = None
    mailbox_location: str = ""
    service_point: str = ""


@dataclass
class CheckData:
    """What the second clerk re-enters without seeing the first entry."""

    kind: str
    title: str
    region: Region | None
    reported_subject: str = ""
    occurred_on: date | None = None
    phone: str = field(default="", repr=False)
    letter_date: date | None = None


@dataclass
class ResolutionInput:
    """How one difference is settled. `value` is the corrected value for `other` (a Region, kind code,
    date or text). For the caller number, `value` is the number typed again from the source and the
    choice follows from which entry it matches."""

    choice: str = ""
    value: Any = field(default=None, repr=False)
    note: str = ""


# --- helpers ---------------------------------------------------------------------------------------
def normalise_text(value: str) -> str:
    """For comparison only: full-width forms folded to half-width (NFKC) and all whitespace dropped."""
    return "".join(unicodedata.normalize("NFKC", value or "").split())


def blind_fields(registration: Registration) -> list[str]:
    """The fields the checker re-enters without seeing them, in form order."""
    names = [CheckedField.KIND, CheckedField.TITLE, CheckedField.REGION, CheckedField.REPORTED_SUBJECT,
             CheckedField.OCCURRED_ON]
    if registration.channel == RegistrationChannel.HOTLINE and registration.identity_id is not None:
        names.append(CheckedField.CALLER_PHONE)
    if registration.channel == RegistrationChannel.LETTER:
        names.append(CheckedField.LETTER_DATE)
    return [str(name) for name in names]


def canonical(name: str, value: Any) -> str:
    """The string stored in CheckDifference for a value of field `name`."""
    if value is None or value == "":
        return ""
    if name == CheckedField.REGION:
        return value.code if isinstance(value, Region) else str(value)
    if name == CheckedField.KIND:
        return value.code if isinstance(value, Kind) else str(value)
    if name in DATE_FIELDS:
        return value.isoformat() if isinstance(value, date) else str(value)
    return str(value).strip()


def from_canonical(name: str, value: str) -> Any:
    if name == CheckedField.REGION:
        return Region.objects.get(code=value)
    if name in DATE_FIELDS:
        return date.fromisoformat(value) if value else None
    return value


def display_value(name: str, value: str) -> str:
    """A canonical value as staff read it (region full name, kind name)."""
    if not value:
        return ""
    if name == CheckedField.REGION:
        region = Region.objects.filter(code=value).first()
        return region.full_name() if region else value
    if name == CheckedField.KIND:
        return str(Kind.objects.filter(code=value).values_list("name", flat=True).first() or value)
    return value


def _same(name: str, entered: str, checked: str) -> bool:
    if name in TEXT_FIELDS:
        return normalise_text(entered) == normalise_text(checked)
    return entered == checked


def _entered(registration: Registration, name: str) -> str:
    if name == CheckedField.KIND:
        return str(registration.kind_id)
    if name == CheckedField.REGION:
        return registration.region.code
    return canonical(name, getattr(registration, name))


def _phone_problem(phone: str) -> str:
    digits = normalise_phone(phone)
    if not PHONE_DIGITS[0] <= len(digits) <= PHONE_DIGITS[1]:
        return _("Enter a phone number of %(min)d to %(max)d digits.") % {"min": PHONE_DIGITS[0],
                                                                         "max": PHONE_DIGITS[1]}
    return ""


def _not_future(value: date | datetime | None, now: datetime) -> bool:
    if value is None:
        return True
    if isinstance(value, datetime):
        return value <= now + CLOCK_SKEW
    return value <= timezone.localtime(now).date()


def _require_role(actor: Actor, roles: frozenset[str], message: str) -> None:
    if role_of(actor.user) not in roles:
        raise RegistrationForbidden(message)


def _require_scope(actor: Actor, registration: Registration) -> None:
    if role_of(actor.user) != Role.ADMIN and not region_in_scope(actor.user, registration.region):  # type: ignore[arg-type]
        raise RegistrationForbidden(_("This registration lies outside your jurisdiction."))


def _reject(problems: dict[str, str]) -> None:
    if problems:
        raise RegistrationRejected(next(iter(problems.values())), errors=problems)


def _report_problems(actor: Actor, values: Mapping[str, Any], problems: dict[str, str]) -> None:
    """Shared by entry and check: kind, title, region, reported subject, date."""
    kind = values.get("kind") or ""
    if not kind:
        problems["kind"] = _("Choose the kind of report.")
    elif not Kind.objects.filter(code=kind, is_active=True).exists():
        problems["kind"] = _("Unknown kind.")
    title = (values.get("title") or "").strip()
    if not title:
        problems["title"] = _("Give the report a short title.")
    region = values.get("region")
    if region is None:
        problems["region"] = _("Choose where it happened.")
    elif role_of(actor.user) != Role.ADMIN and not region_in_scope(actor.user, region):  # type: ignore[arg-type]
        problems["region"] = _("This region lies outside your jurisdiction.")
    for name, limit in MAX_LENGTHS.items():
        if name in values and len(str(values[name] or "").strip()) > limit:
            problems.setdefault(name, _("At most %(n)d characters.") % {"n": limit})


def entry_problems(data: EntryData, *, actor: Actor, now: datetime) -> dict[str, str]:
    """Everything wrong with an entry, by field, so a form can show all the errors at once."""
    problems: dict[str, str] = {}
    if data.channel not in RegistrationChannel.values or data.channel not in Channel.values:
        problems["channel"] = _("Choose the channel the report came in by.")
    values = {name: getattr(data, name) for name in (*REPORT_FIELDS, *MAX_LENGTHS)}
    _report_problems(actor, values, problems)
    if not data.body.strip():
        problems["body"] = _("Say what happened.")
    if data.contact_preference and data.contact_preference not in ContactPreference.values:
        problems["contact_preference"] = _("Unknown contact preference.")
    if not _not_future(data.occurred_on, now):
        problems["occurred_on"] = _("This date is in the future.")
    own = CHANNEL_FIELDS.get(data.channel, ())
    if data.is_anonymous:
        for name in IDENTITY_FIELDS:
            if (name in own or name != "sender_address") and (getattr(data, name) or "").strip():
                problems[name] = _("An anonymous report takes no name, phone number, ID number or sender "
                                   "address: clear this field or untick “anonymous”.")
    else:
        if not data.name.strip():
            problems["name"] = _("A real-name report needs the reporter's name.")
        if data.channel == RegistrationChannel.HOTLINE and not data.phone.strip():
            problems["phone"] = _("Enter the number the caller rang from (it goes to the identity vault).")
        elif data.phone.strip() and _phone_problem(data.phone):
            problems["phone"] = _phone_problem(data.phone)
        if data.id_number.strip() and not validate_id_number(data.id_number):
            problems["id_number"] = _("This is not a valid 18-digit ID number (check the last character).")
    for name in REQUIRED_CHANNEL_FIELDS.get(data.channel, ()):
        value = getattr(data, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems[name] = _("Required for this channel.")
    if data.channel == RegistrationChannel.VISIT and data.visitors_count is not None and data.visitors_count < 1:
        problems["visitors_count"] = _("At least one person.")
    for name in ("call_received_at", "letter_date", "visit_at", "mailbox_opened_at"):
        if name in own and not _not_future(getattr(data, name), now):
            problems[name] = _("This is in the future.")
    for names in CHANNEL_FIELDS.values():
        for name in names:
            if name not in own:
                problems.pop(name, None)  # another channel's field: ignored, never an error
    return problems


def _lock(registration: Registration) -> Registration:
    return (Registration.objects.select_for_update(of=("self",))
            .select_related("region", "identity", "entered_by").get(pk=registration.pk))


def _event(actor: Actor, kind: str, registration: Registration, *, now: datetime, case_id: int | None = None,
           reason: str = "", **payload: Any) -> None:
    append_event(EventDraft(
        kind=kind, case_id=case_id, actor_kind=actor.kind, actor_id=actor.user_id, actor_label=actor.label,
        reason=reason, payload={"registration": str(registration.public_id), "reference": registration.reference,
                                "channel": registration.channel, "status": registration.status, **payload},
    ), now=now)


def _link(name: str, registration: Registration) -> str:
    return reverse(f"registration:{name}", args=[registration.public_id])


def _register_report(actor: Actor, registration: Registration, values: Mapping[str, Any],
                     identity_id: int | None, now: datetime) -> Report:
    return case_register(actor=actor, now=now, report=ReportInput(
        channel=registration.channel, kind=values["kind"], title=values["title"], body=registration.body,
        region=values["region"], address=registration.address, occurred_on=values["occurred_on"],
        occurred_text=registration.occurred_text, reported_subject=values["reported_subject"],
        contact_preference=registration.contact_preference, identity_id=identity_id,
        external_id=f"{EXTERNAL_ID_PREFIX}{registration.public_id}",
    ))


def _entered_values(registration: Registration) -> dict[str, Any]:
    return {"kind": registration.kind_id, "title": registration.title, "region": registration.region,
            "reported_subject": registration.reported_subject, "occurred_on": registration.occurred_on}


def _confirm(registration: Registration, from_status: str, report: Report, **values: Any) -> None:
    """Move to confirmed only if nobody else moved the registration first (the lock makes this a formality)."""
    moved = Registration.objects.filter(pk=registration.pk, status=from_status).update(
        status=RegistrationStatus.CONFIRMED, report=report, **values)
    if moved != 1:
        raise RegistrationConflict(_("Someone else has just changed this registration; reload the page."))
    registration.refresh_from_db()


# --- enter -----------------------------------------------------------------------------------------
@transaction.atomic
def registration_enter(*, actor: Actor, data: EntryData, now: datetime | None = None) -> Registration:
    """Clerk A registers a report. Identity goes to the vault now; the registration waits for a second clerk."""
    now = now or timezone.now()
    _require_role(actor, ENTER_ROLES, _("Only intake clerks register reports."))
    _reject(entry_problems(data, actor=actor, now=now))
    own = CHANNEL_FIELDS[data.channel]
    identity = None
    if not data.is_anonymous:
        identity = identity_store(
            actor=actor, name=data.name.strip(), phone=data.phone.strip(),
            id_number=normalise_id_number(data.id_number) if data.id_number.strip() else "",
            address=data.sender_address.strip() if "sender_address" in own else "",
            extra={"source": "registration", "channel": data.channel},
        )
    channel_values: dict[str, Any] = {}
    for name in CHANNEL_COLUMNS:
        value = getattr(data, name) if name in own else None
        channel_values[name] = (value or "").strip() if name in TEXT_COLUMNS else value
    assert actor.user is not None and data.region is not None  # both checked above
    registration = Registration.objects.create(
        channel=data.channel, status=RegistrationStatus.AWAITING_CHECK, entered_by=actor.user, entered_at=now,
        kind_id=data.kind, title=data.title.strip(), body=data.body.strip(), region=data.region,
        address=data.address.strip(), occurred_on=data.occurred_on, occurred_text=data.occurred_text.strip(),
        reported_subject=data.reported_subject.strip(), is_anonymous=data.is_anonymous,
        contact_preference=data.contact_preference, identity=identity, **channel_values,
    )
    _event(actor, "registration.entered", registration, now=now, real_name=identity is not None)
    with translation.override(settings.LANGUAGE_CODE):
        # The subject names no report content: the checker must not see the entered values beforehand.
        outbox_put(
            topic="registration.awaiting_check", channel="inbox",
            subject=_("Registration %(reference)s (%(channel)s) is waiting for a second check") % {
                "reference": registration.reference, "channel": registration.get_channel_display()},
            body=_("Entered by %(clerk)s. Open it to re-enter the key fields.") % {"clerk": str(actor.user)},
            audience={"role": Role.CLERK.value, "covering_path": registration.region.path},
            payload={"registration": str(registration.public_id), "link": _link("check", registration)},
        )
    return registration


# --- check -----------------------------------------------------------------------------------------
def check_problems(registration: Registration, data: CheckData, *, actor: Actor) -> dict[str, str]:
    problems: dict[str, str] = {}
    _report_problems(actor, {"kind": data.kind, "title": data.title, "region": data.region,
                             "reported_subject": data.reported_subject}, problems)
    fields = blind_fields(registration)
    if CheckedField.CALLER_PHONE in fields:
        if not data.phone.strip():
            problems["phone"] = _("Re-enter the number the caller rang from.")
        elif _phone_problem(data.phone):
            problems["phone"] = _phone_problem(data.phone)
    return problems


@transaction.atomic
def registration_check(*, actor: Actor, registration: Registration, data: CheckData,
                       now: datetime | None = None) -> Registration:
    """Clerk B re-enters the key fields. All agree → the report is registered; otherwise → disputed."""
    now = now or timezone.now()
    _require_role(actor, CHECK_ROLES, _("Only intake clerks check registrations."))
    registration = _lock(registration)
    if registration.entered_by_id == actor.user_id:
        raise RegistrationForbidden(_("You entered this registration yourself; a second clerk must check it."))
    if registration.status != RegistrationStatus.AWAITING_CHECK:
        raise RegistrationConflict(_("This registration is no longer waiting for a check (it is %(status)s).")
                                   % {"status": registration.get_status_display()})
    _require_scope(actor, registration)
    _reject(check_problems(registration, data, actor=actor))

    differences: list[CheckDifference] = []
    for name in blind_fields(registration):
        if name == CheckedField.CALLER_PHONE:
            assert registration.identity is not None
            if keyed_hash("phone", data.phone) != registration.identity.phone_hmac:
                # The checker's number is kept, encrypted, so the decision can say who was right.
                checker_number = identity_store(actor=actor, phone=data.phone.strip(),
                                                extra={"source": "registration-check"})
                differences.append(CheckDifference(registration=registration, field=name,
                                                   checked_identity=checker_number))
            continue
        entered = _entered(registration, name)
        checked_value = canonical(name, getattr(data, name))
        if not _same(name, entered, checked_value):
            differences.append(CheckDifference(registration=registration, field=name, entered_value=entered,
                                               checked_value=checked_value))

    checked: dict[str, Any] = {"checked_by": actor.user, "checked_at": now}
    if not differences:
        report = _register_report(actor, registration, _entered_values(registration), registration.identity_id, now)
        _confirm(registration, RegistrationStatus.AWAITING_CHECK, report, **checked)
        _event(actor, "registration.confirmed", registration, now=now, case_id=report.case_id,
               report=report.tracking_number, case=report.case.number)
        return registration

    CheckDifference.objects.bulk_create(differences)
    Registration.objects.filter(pk=registration.pk).update(status=RegistrationStatus.DISPUTED, **checked)
    registration.refresh_from_db()
    _event(actor, "registration.disputed", registration, now=now, fields=[d.field for d in differences])
    with translation.override(settings.LANGUAGE_CODE):
        outbox_put(
            topic="registration.disputed", channel="inbox", recipient_user=registration.entered_by,
            subject=_("Registration %(reference)s: the second check differs on %(n)d field(s)") % {
                "reference": registration.reference, "n": len(differences)},
            body=_("Settle the differences (you, another clerk or a dispatcher; not the checker)."),
            payload={"registration": str(registration.public_id), "link": _link("resolve", registration)},
        )
    return registration


# --- resolve ---------------------------------------------------------------------------------------
def _other_value(name: str, value: Any, actor: Actor) -> tuple[str, str]:
    """(canonical value, problem) for a typed correction."""
    if name == CheckedField.REGION:
        if not isinstance(value, Region):
            return "", _("Choose the correct region.")
        if role_of(actor.user) != Role.ADMIN and not region_in_scope(actor.user, value):  # type: ignore[arg-type]
            return "", _("This region lies outside your jurisdiction.")
    elif name == CheckedField.KIND:
        code = canonical(name, value)
        if not Kind.objects.filter(code=code, is_active=True).exists():
            return "", _("Choose the correct kind.")
    elif name in DATE_FIELDS:
        if value is not None and not isinstance(value, date):
            return "", _("Enter a valid date.")
    elif name == CheckedField.TITLE and not str(value or "").strip():
        return "", _("Type the correct title.")
    text = canonical(name, value)
    limit = MAX_LENGTHS.get(str(name))
    if limit and len(text) > limit:
        return "", _("At most %(n)d characters.") % {"n": limit}
    return text, ""


def _reseal_with_phone(actor: Actor, identity: ReporterIdentity, phone: str) -> ReporterIdentity:
    """A new vault record: the entered identity with the settled phone number. The document is opened
    inside this process only, never shown; the old record stays for the record."""
    document = identity_reveal(identity)
    return identity_store(actor=actor, name=document["name"], id_number=document["id_number"], phone=phone.strip(),
                          email=document["email"], address=document["address"],
                          extra={**document["extra"], "corrects": identity.pseudonym})


@transaction.atomic
def registration_resolve(*, actor: Actor, registration: Registration,
                         resolutions: Mapping[str, ResolutionInput], now: datetime | None = None) -> Registration:
    """Settle every difference (entered value, checked value or a corrected value with a note), then
    register the report with the settled values. Both original values stay on each difference."""
    now = now or timezone.now()
    _require_role(actor, RESOLVE_ROLES, _("Only intake clerks, dispatchers and administrators settle differences."))
    registration = _lock(registration)
    if registration.status != RegistrationStatus.DISPUTED:
        raise RegistrationConflict(_("This registration has no open differences (it is %(status)s).")
                                   % {"status": registration.get_status_display()})
    if registration.checked_by_id == actor.user_id:
        raise RegistrationForbidden(_("You checked this registration; someone else must settle the differences."))
    _require_scope(actor, registration)

    differences = list(registration.differences.select_related("checked_identity").order_by("pk"))
    values = _entered_values(registration)
    identity_id = registration.identity_id
    problems: dict[str, str] = {}
    for difference in differences:
        name = difference.field
        given = resolutions.get(name) or ResolutionInput()
        note = (given.note or "").strip()
        if name == CheckedField.CALLER_PHONE:
            typed = str(given.value or "")
            problem = _("Type the caller's number again from the source.") if not typed.strip() \
                else _phone_problem(typed)
            if problem:
                problems[name] = problem
                continue
            digest = keyed_hash("phone", typed)
            assert registration.identity is not None and difference.checked_identity is not None
            if digest == registration.identity.phone_hmac:
                choice = Resolution.ENTERED
            elif digest == difference.checked_identity.phone_hmac:
                choice = Resolution.CHECKED
            else:
                choice = Resolution.OTHER
            if choice == Resolution.OTHER and not note:
                problems[name] = _("The number matches neither entry: add a note saying where it comes from.")
                continue
            if choice != Resolution.ENTERED:
                difference.resolved_identity = _reseal_with_phone(actor, registration.identity, typed)
                identity_id = difference.resolved_identity.pk
            difference.resolution = choice
        else:
            if given.choice == Resolution.ENTERED:
                settled = difference.entered_value
            elif given.choice == Resolution.CHECKED:
                settled = difference.checked_value
            elif given.choice == Resolution.OTHER:
                settled, problem = _other_value(name, given.value, actor)
                if not problem and not note:
                    problem = _("Say in a note why this value is correct.")
                if problem:
                    problems[name] = problem
                    continue
            else:
                problems[name] = _("Choose which value is correct.")
                continue
            if name == CheckedField.TITLE and not settled.strip():
                problems[name] = _("The title cannot be empty: type the correct title.")
                continue
            difference.resolution = given.choice
            difference.resolved_value = settled
            if name in REPORT_FIELDS:
                values[name] = from_canonical(name, settled)
        difference.note = note
        difference.resolved_by = actor.user
        difference.resolved_at = now
    _reject(problems)

    for difference in differences:
        difference.save(update_fields=["resolution", "resolved_value", "resolved_identity", "resolved_by",
                                       "resolved_at", "note"])
    report = _register_report(actor, registration, values, identity_id, now)
    _confirm(registration, RegistrationStatus.DISPUTED, report, resolved_by=actor.user, resolved_at=now)
    _event(actor, "registration.resolved", registration, now=now, case_id=report.case_id,
           report=report.tracking_number, case=report.case.number,
           resolutions={d.field: d.resolution for d in differences})
    return registration


# --- withdraw --------------------------------------------------------------------------------------
@transaction.atomic
def registration_withdraw(*, actor: Actor, registration: Registration, reason: str,
                          now: datetime | None = None) -> Registration:
    """Take back a registration that has not become a report (duplicate, entered by mistake …)."""
    now = now or timezone.now()
    registration = _lock(registration)
    if registration.entered_by_id != actor.user_id:
        _require_role(actor, WITHDRAW_ROLES,
                      _("Only the clerk who entered it, a dispatcher or an administrator may withdraw it."))
        _require_scope(actor, registration)
    if registration.status not in (RegistrationStatus.AWAITING_CHECK, RegistrationStatus.DISPUTED):
        raise RegistrationConflict(_("This registration can no longer be withdrawn (it is %(status)s).")
                                   % {"status": registration.get_status_display()})
    reason = (reason or "").strip()
    if not reason:
        raise RegistrationRejected(_("Say why the registration is withdrawn."), field="reason")
    from_status = registration.status
    moved = Registration.objects.filter(pk=registration.pk, status=from_status).update(
        status=RegistrationStatus.WITHDRAWN, withdrawn_by=actor.user, withdrawn_at=now, withdraw_reason=reason)
    if moved != 1:
        raise RegistrationConflict(_("Someone else has just changed this registration; reload the page."))
    registration.refresh_from_db()
    _event(actor, "registration.withdrawn", registration, now=now, reason=reason, previous_status=from_status)
    return registration
