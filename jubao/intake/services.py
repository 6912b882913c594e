"""The reporter's side: submitting, coming back with a receipt, messages, supplements, rating, review.

Reporter identity goes only to the vault; the receipt only as a peppered Argon2id hash. No
IP address, user agent or fingerprint is stored for anyone.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.accounts.models import User
from jubao.cases.errors import CaseError
from jubao.cases.models import Case, CaseState, Report
from jubao.cases.numbers import normalise
from jubao.cases.services import ReportInput, case_register, case_transition
from jubao.fastinsert import insert_one
from jubao.organisation.models import Region
from jubao.protection.vault import identity_store, keyed_hash

from . import milestones
from .models import MessageDirection, MessageKind, ReporterAccess, ReporterMessage
from .receipts import hash_receipt, new_receipt, verify_receipt

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class IntakeError(CaseError):
    """Bad reporter input; `field` names the form field at fault."""


class ReporterLoginFailed(CaseError):
    status_code = 403


@dataclass
class Submission:
    kind: str
    title: str
    body: str
    region: Region
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    occurred_on: date | None = None
    occurred_text: str = ""
    reported_subject: str = ""
    contact_preference: str = ""
    real_name: bool = False
    name: str = ""
    id_number: str = ""
    phone: str = ""
    email: str = ""
    acknowledged_notice: bool = False
    language: str = ""
    files: list[Any] = field(default_factory=list)  # attachments.checks.CheckedUpload


@dataclass
class SubmitResult:
    report: Report
    receipt: str | None  # shown once to an anonymous reporter, never stored in clear


def _anonymous_pseudonym() -> str:
    return "匿名-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(6))


def _store_files(report: Report, files: list[Any], actor: Actor) -> None:
    if not files:
        return
    from jubao.attachments.services import attachment_save

    for checked in files:
        attachment_save(actor=actor, report=report, checked=checked)


def report_submit(*, submission: Submission, channel: str = "web", now: datetime | None = None) -> SubmitResult:
    """A report from the public portal (or the reporter API): real-name into the vault, anonymous with a receipt."""
    now = now or timezone.now()
    if submission.real_name and not submission.acknowledged_notice:
        raise IntakeError(_("Please confirm that you have read the notice on false accusations."),
                          field="acknowledged_notice")
    # Hashing is deliberately slow: done before the transaction, it holds no lock.
    receipt = None if submission.real_name else new_receipt()
    receipt_hash = hash_receipt(receipt) if receipt else ""
    with transaction.atomic():
        identity = None
        if submission.real_name:
            identity = identity_store(actor=None, name=submission.name, id_number=submission.id_number,
                                      phone=submission.phone, email=submission.email)
            pseudonym = identity.pseudonym
        else:
            pseudonym = _anonymous_pseudonym()
        actor = Actor.reporter(pseudonym)

        def complete(report: Report) -> None:
            insert_one(ReporterAccess(
                report=report, receipt_hash=receipt_hash,
                acknowledged_false_accusation_notice_at=now if identity else None, language=submission.language,
            ))
            _store_files(report, submission.files, actor)
            milestones.report_received(report)

        report = case_register(actor=actor, now=now, complete=complete, report=ReportInput(
            channel=channel, kind=submission.kind, title=submission.title, body=submission.body,
            region=submission.region, address=submission.address, occurred_on=submission.occurred_on,
            occurred_text=submission.occurred_text, reported_subject=submission.reported_subject,
            latitude=submission.latitude, longitude=submission.longitude,
            contact_preference=submission.contact_preference, identity_id=identity.pk if identity else None,
            reporter_pseudonym=pseudonym,
        ))
    return SubmitResult(report=report, receipt=receipt)


@transaction.atomic
def reporter_receipt_issue(*, actor: Actor, report: Report) -> str:
    """Issue a fresh receipt for an anonymous report (e.g. one registered by a clerk from a phone call,
    read out to the caller once). Any earlier receipt stops working."""
    if report.identity_id is not None:
        raise IntakeError(_("Real-name reporters follow their report with their phone number."))
    receipt = new_receipt()
    ReporterAccess.objects.update_or_create(
        report=report, defaults={"receipt_hash": hash_receipt(receipt), "failed_attempts": 0, "locked_until": None},
    )
    return receipt


# --- coming back -----------------------------------------------------------------------------------
def _access_for(tracking_number: str) -> ReporterAccess | None:
    return (ReporterAccess.objects.select_related("report", "report__identity")
            .filter(report__tracking_number=normalise(tracking_number)).first())


def _check_lock(access: ReporterAccess | None, now: datetime) -> None:
    if access is not None and access.locked_until and access.locked_until > now:
        minutes = max(1, int((access.locked_until - now).total_seconds() // 60) + 1)
        raise ReporterLoginFailed(_("Too many wrong attempts for this report. Try again in %(n)d minutes.")
                                  % {"n": minutes})


def _record(access: ReporterAccess | None, ok: bool, now: datetime) -> None:
    if access is None:
        return
    if ok:
        ReporterAccess.objects.filter(pk=access.pk).update(failed_attempts=0, locked_until=None)
        return
    failures = access.failed_attempts + 1
    locked = now + timedelta(minutes=LOCK_MINUTES) if failures >= MAX_FAILED_LOGINS else None
    ReporterAccess.objects.filter(pk=access.pk).update(failed_attempts=0 if locked else failures, locked_until=locked)


def reporter_login(*, tracking_number: str, receipt: str = "", phone: str = "", now: datetime | None = None) -> Report:
    """Check a receipt (anonymous) or the phone on file (real-name) for a tracking number."""
    now = now or timezone.now()
    access = _access_for(tracking_number)
    _check_lock(access, now)
    if receipt:
        ok = verify_receipt(access.receipt_hash if access else None, receipt)
    else:
        identity = access.report.identity if access else None
        ok = bool(identity and phone and identity.phone_hmac and keyed_hash("phone", phone) == identity.phone_hmac)
    _record(access, ok, now)
    if not ok or access is None:
        raise ReporterLoginFailed(_("The tracking number and the receipt (or phone number) do not match."))
    return access.report


def report_for_session(public_id: str | None) -> Report | None:
    if not public_id:
        return None
    return Report.objects.select_related("case", "case__region", "region", "kind").filter(public_id=public_id).first()


def _actor(report: Report) -> Actor:
    return Actor.reporter(report.reporter_pseudonym)


# --- messages, supplements, rating, review -------------------------------------------------------------
def _clean_body(body: str, field_name: str = "body") -> str:
    text = (body or "").strip()
    if not text:
        raise IntakeError(_("Please write something."), field=field_name)
    if len(text) > 10000:
        raise IntakeError(_("Please keep it under 10,000 characters."), field=field_name)
    return text


@transaction.atomic
def reporter_message_send(*, report: Report, body: str, files: list[Any] | None = None,
                          now: datetime | None = None) -> ReporterMessage:
    message = ReporterMessage.objects.create(
        report=report, direction=MessageDirection.FROM_REPORTER, body=_clean_body(body),
        created_at=now or timezone.now(),
    )
    _store_files(report, files or [], _actor(report))
    milestones.staff_message_received(report)
    return message


# Other apps that asked the reporter for more during handling take the answer (jubao.investigation):
# handler(report=, message=, now=) → True when it was theirs.
SUPPLEMENT_ANSWER_HANDLERS: list[Callable[..., bool]] = []


@transaction.atomic
def reporter_supplement_answer(*, report: Report, body: str, files: list[Any] | None = None,
                               now: datetime | None = None) -> Case:
    """Answer the consolidated request for information. Before acceptance the case goes back to triage with its
    clocks resumed; during handling the request that asked for it is closed and the handlers are told."""
    now = now or timezone.now()
    message = ReporterMessage.objects.create(report=report, direction=MessageDirection.FROM_REPORTER,
                                             kind=MessageKind.SUPPLEMENT_ANSWER, body=_clean_body(body),
                                             created_at=now)
    _store_files(report, files or [], _actor(report))
    if report.case.state != CaseState.NEEDS_INFO:
        if any(handler(report=report, message=message, now=now) for handler in SUPPLEMENT_ANSWER_HANDLERS):
            return report.case
        raise IntakeError(_("Nothing is being asked of you at the moment; send a message instead."))
    return case_transition(actor=_actor(report), number=report.case.number, transition="receive_info", now=now)


def reporter_rate(*, report: Report, satisfaction: str, reason: str = "", now: datetime | None = None) -> Case:
    return case_transition(actor=_actor(report), number=report.case.number, transition="rate", reason=reason,
                           data={"satisfaction": satisfaction}, now=now)


def reporter_request_review(*, report: Report, reason: str, now: datetime | None = None) -> Case:
    return case_transition(actor=_actor(report), number=report.case.number, transition="request_review",
                           reason=reason, now=now)


@transaction.atomic
def reporter_message_reply(*, actor: User, report: Report, body: str, now: datetime | None = None) -> ReporterMessage:
    """A handler writes to the reporter (visible on the follow-up page; never an internal note)."""
    message = ReporterMessage.objects.create(
        report=report, direction=MessageDirection.TO_REPORTER, body=_clean_body(body), author=actor,
        created_at=now or timezone.now(),
    )
    milestones.reporter_message_waiting(report)
    return message


def messages_mark_read(*, report: Report, direction: str, now: datetime | None = None) -> int:
    return ReporterMessage.objects.filter(report=report, direction=direction, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
