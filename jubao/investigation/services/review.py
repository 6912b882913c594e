"""Collective review (集体研判): the meeting record, each participant's own opinion and signature, and the
conclusion guard for major and must-review cases."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.accounts.models import Role, User
from jubao.cases.errors import TransitionRejected
from jubao.cases.models import CLOSED_STATES, Case, Grade

from ..models import CollectiveReview, MeetingFormat, ReviewParticipant
from .common import audit, clean_text, forbidden, lock_case, notify, office_language, staff_seeing, staff_user

MIN_PARTICIPANTS = 3
MIN_DECISION_CHARS = 10
# Who may sit on a collective review: the people who decide, never clerks, custodians or auditors.
PARTICIPANT_ROLES = frozenset({Role.HANDLER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR, Role.LEADERSHIP, Role.DISPATCHER})


def review_reasons(case: Case) -> list[str]:
    """Why this case must go through collective review: "major" and/or the triage reasons (必研)."""
    reasons = ["major"] if case.grade == Grade.MAJOR else []
    from jubao.triage.models import CaseTriage

    triage = CaseTriage.objects.filter(case=case).values_list(
        "collective_review_required", "collective_review_reasons").first()
    if triage is not None and triage[0]:
        reasons.extend(list(triage[1] or []) or ["must_review"])
    return reasons


def has_signed_review(case: Case) -> bool:
    return CollectiveReview.objects.filter(case=case, completed_at__isnull=False).exists()


def may_convene(actor: Actor, case: Case) -> bool:
    """The head of the lead department, supervisors and the leadership group (all of whom can see the case)."""
    user = actor.user
    if user is None:
        return False
    if user.role == Role.DEPARTMENT_HEAD:
        return user.department_id is not None and user.department_id == case.lead_department_id
    return user.role in (Role.SUPERVISOR, Role.LEADERSHIP)


def eligible_participants(case: Case):  # type: ignore[no-untyped-def]
    return staff_seeing(case, PARTICIPANT_ROLES)


@dataclass
class ReviewInput:
    held_at: datetime | None
    meeting_format: str
    location: str
    chair: str  # username
    participants: Sequence[str]  # usernames; the chair is added if missing
    decision: str


def _parse(case: Case, data: ReviewInput, now: datetime) -> tuple[dict, list[User]]:
    if data.held_at is None:
        raise TransitionRejected(_("Say when the meeting was held."), field="held_at")
    if data.held_at > now + timedelta(minutes=5):
        raise TransitionRejected(_("The meeting cannot be recorded before it is held."), field="held_at")
    if data.meeting_format not in MeetingFormat.values:
        raise TransitionRejected(_("Choose one of the listed options."), field="meeting_format")
    location = str(data.location or "").strip()[:200]
    if data.meeting_format != MeetingFormat.WRITTEN and not location:
        raise TransitionRejected(_("Say where the meeting was held (room, or the video platform)."),
                                 field="location")
    eligible = {u.username: u for u in eligible_participants(case)}
    chair = eligible.get(str(data.chair or "").strip())
    if chair is None:
        raise TransitionRejected(_("Choose the chair among the staff who can take part in this case."), field="chair")
    names = [str(n).strip() for n in data.participants if str(n).strip()]
    unknown = [n for n in names if n not in eligible]
    if unknown:
        raise TransitionRejected(_("These people cannot take part in a review of this case: %(names)s.")
                                 % {"names": ", ".join(unknown)}, field="participants")
    ordered = list(dict.fromkeys([chair.username, *names]))
    if len(ordered) < MIN_PARTICIPANTS:
        raise TransitionRejected(_("A collective review needs at least %(n)d participants, the chair included.")
                                 % {"n": MIN_PARTICIPANTS}, field="participants")
    decision = clean_text(data.decision, "decision", min_chars=MIN_DECISION_CHARS, max_chars=20000)
    fields = {"held_at": data.held_at, "meeting_format": data.meeting_format, "location": location,
              "chair": chair, "decision": decision}
    return fields, [eligible[n] for n in ordered]


def record_digest(review: CollectiveReview, usernames: Sequence[str], opinion: str = "") -> str:
    """SHA-256 of what a participant signs: the record as it stands plus their own opinion."""
    body = {"review": str(review.public_id), "case": review.case.number, "held_at": review.held_at.isoformat(),
            "format": review.meeting_format, "location": review.location, "chair": review.chair.username,
            "participants": sorted(usernames), "decision": review.decision, "opinion": opinion}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _notify_participants(review: CollectiveReview, users: Sequence[User], actor: Actor) -> None:
    with office_language():
        subject = _("Please give your opinion and sign the collective review of case %(number)s") % {
            "number": review.case.number}
    for user in users:
        if user.pk != actor.user_id:
            notify(review.case, topic="investigation.review_to_sign", subject=subject, recipient=user)


@transaction.atomic
def collective_review_create(*, actor: Actor, number: str, data: ReviewInput,
                             now: datetime | None = None) -> CollectiveReview:
    now = now or timezone.now()
    case = lock_case(actor, number)
    if not may_convene(actor, case):
        raise forbidden(_("Only the head of the lead department, supervisors and the leadership group may "
                          "record a collective review."))
    if case.state in CLOSED_STATES:
        raise TransitionRejected(_("The case is closed."))
    if CollectiveReview.objects.filter(case=case, completed_at__isnull=True).exists():
        raise TransitionRejected(_("A collective review record of this case is still waiting for signatures; "
                                   "change that one instead of starting another."))
    fields, users = _parse(case, data, now)
    assert actor.user is not None  # lock_case refuses an actor without a user
    review = CollectiveReview.objects.create(case=case, created_by=actor.user, created_at=now, updated_at=now,
                                             **fields)
    ReviewParticipant.objects.bulk_create([ReviewParticipant(review=review, user=u) for u in users])
    audit(actor, case, "investigation.review_recorded", now=now, payload={
        "review": str(review.public_id), "participants": [u.username for u in users],
        "held_at": review.held_at.isoformat(), "format": review.meeting_format})
    _notify_participants(review, users, actor)
    return review


def _locked_review(actor: Actor, review_id: str) -> tuple[CollectiveReview, Case]:
    staff_user(actor)
    number = CollectiveReview.objects.filter(public_id=review_id).values_list("case__number", flat=True).first()
    if number is None:
        raise TransitionRejected(_("No collective review record with that id was found."))
    case = lock_case(actor, number)  # a record of a case one cannot see does not exist for them
    review = CollectiveReview.objects.select_related("chair").get(public_id=review_id)
    review.case = case
    if review.is_complete:
        raise TransitionRejected(_("Every participant has signed this record; it can no longer be changed."))
    return review, case


@transaction.atomic
def collective_review_update(*, actor: Actor, review_id: str, data: ReviewInput,
                             now: datetime | None = None) -> CollectiveReview:
    """Change a record still being signed. Signatures given so far are cleared: they signed another text."""
    now = now or timezone.now()
    review, case = _locked_review(actor, review_id)
    if not may_convene(actor, case):
        raise forbidden(_("Only the head of the lead department, supervisors and the leadership group may "
                          "change a collective review record."))
    fields, users = _parse(case, data, now)
    for name, value in fields.items():
        setattr(review, name, value)
    review.updated_at = now
    review.save(update_fields=[*fields, "updated_at"])
    keep = {u.pk for u in users}
    review.participants.exclude(user_id__in=keep).delete()
    existing = set(review.participants.values_list("user_id", flat=True))
    ReviewParticipant.objects.bulk_create([ReviewParticipant(review=review, user=u) for u in users
                                           if u.pk not in existing])
    cleared = review.participants.filter(signed_at__isnull=False).update(signed_at=None, signed_digest="")
    audit(actor, case, "investigation.review_changed", now=now, payload={
        "review": str(review.public_id), "participants": [u.username for u in users], "signatures_cleared": cleared})
    _notify_participants(review, users, actor)
    return review


@transaction.atomic
def collective_review_sign(*, actor: Actor, review_id: str, opinion: str,
                           now: datetime | None = None) -> CollectiveReview:
    """A participant signs with their own opinion; the last signature completes and freezes the record."""
    now = now or timezone.now()
    review, case = _locked_review(actor, review_id)
    mine = review.participants.select_for_update().filter(user=actor.user).first()
    if mine is None:
        raise forbidden(_("Only the participants named in the record can sign it."))
    if mine.signed_at is not None:
        raise TransitionRejected(_("You have already signed this record."))
    mine.opinion = clean_text(opinion, "opinion", min_chars=2, max_chars=5000,
                              message=_("Write your opinion before signing."))
    usernames = list(review.participants.values_list("user__username", flat=True))
    mine.signed_at, mine.signed_digest = now, record_digest(review, usernames, mine.opinion)
    mine.save(update_fields=["opinion", "signed_at", "signed_digest"])
    audit(actor, case, "investigation.review_signed", now=now,
          payload={"review": str(review.public_id), "digest": mine.signed_digest})
    if not review.participants.filter(signed_at__isnull=True).exists():
        review.completed_at = now
        review.save(update_fields=["completed_at"])
        audit(actor, case, "investigation.review_completed", now=now,
              payload={"review": str(review.public_id), "participants": sorted(usernames)})
    return review


def require_collective_review(ctx) -> None:  # type: ignore[no-untyped-def]
    """Conclusion guard: a major or must-review (必研) case needs a record signed by every participant."""
    if review_reasons(ctx.case) and not has_signed_review(ctx.case):
        raise TransitionRejected(_(
            "A major case, or one that requires collective review, cannot be concluded without a collective "
            "review record signed by every participant."))
