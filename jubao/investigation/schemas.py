"""Shapes of the investigation API (jubao.investigation.api)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from ninja import Field, Schema


class ErrorOut(Schema):
    detail: str
    field: str | None = None


def _user(obj: Any) -> str:
    return obj.username if obj is not None else ""


# --- schemas ----------------------------------------------------------------------------------------------------
class ParticipantOut(Schema):
    username: str
    name: str
    opinion: str
    signed_at: datetime | None

    @staticmethod
    def resolve_username(obj: Any) -> str:
        return obj.user.username

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.user)

    @staticmethod
    def resolve_opinion(obj: Any) -> str:
        return obj.opinion if obj.signed_at else ""


class ReviewOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    case: str
    held_at: datetime
    meeting_format: str
    location: str
    chair: str
    decision: str
    complete: bool = Field(alias="is_complete")
    completed_at: datetime | None
    participants: list[ParticipantOut]

    @staticmethod
    def resolve_case(obj: Any) -> str:
        return obj.case.number

    @staticmethod
    def resolve_chair(obj: Any) -> str:
        return obj.chair.username

    @staticmethod
    def resolve_participants(obj: Any) -> list[Any]:
        return list(obj.participants.all())


class ReviewsOut(Schema):
    required: bool
    reasons: list[str]
    signed: bool = Field(description="A record signed by every participant exists: the case may be concluded.")
    reviews: list[ReviewOut]


class ReviewIn(Schema):
    held_at: datetime
    meeting_format: str = Field(description="in_person, video or written")
    location: str = ""
    chair: str = Field(description="Username of the chair (a participant).")
    participants: list[str] = Field(description="Usernames; at least three with the chair.")
    decision: str


class SignIn(Schema):
    opinion: str


class NoteOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    author: str
    body: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return obj.author.username


class NoteIn(Schema):
    body: str


class CustodyOut(Schema):
    seq: int
    action: str
    from_user: str
    to_user: str
    recorded_by: str
    note: str
    at: datetime
    hash: str

    @staticmethod
    def resolve_from_user(obj: Any) -> str:
        return _user(obj.from_user)

    @staticmethod
    def resolve_to_user(obj: Any) -> str:
        return _user(obj.to_user)

    @staticmethod
    def resolve_recorded_by(obj: Any) -> str:
        return _user(obj.recorded_by)


class EvidenceOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    kind: str
    description: str
    status: str
    collected_at: datetime
    collected_by: str
    custodian: str
    site_visit: uuid.UUID | None = None
    file_name: str
    content_type: str
    size: int | None
    sha256: str

    @staticmethod
    def resolve_collected_by(obj: Any) -> str:
        return obj.collected_by.username

    @staticmethod
    def resolve_custodian(obj: Any) -> str:
        return obj.custodian.username

    @staticmethod
    def resolve_site_visit(obj: Any) -> uuid.UUID | None:
        return obj.site_visit.public_id if obj.site_visit_id else None


class EvidenceDetailOut(EvidenceOut):
    chain_intact: bool
    custody: list[CustodyOut]


class EvidenceIn(Schema):
    kind: str
    description: str
    collected_at: datetime
    custodian: str = ""
    site_visit: str = ""


class CustodyIn(Schema):
    action: str = Field(description="transferred, sealed, unsealed or returned")
    to_user: str = ""
    note: str = ""


class SiteVisitOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    visited_at: datetime
    place: str
    participants: list[str]
    others_present: str
    findings: str

    @staticmethod
    def resolve_participants(obj: Any) -> list[str]:
        return sorted(u.username for u in obj.participants.all())


class SiteVisitIn(Schema):
    visited_at: datetime
    place: str
    participants: list[str] = []
    others_present: str = ""
    findings: str


class SupplementOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    report: str
    items: list[str]
    status: str
    requested_at: datetime
    requested_by: str
    answer: str

    @staticmethod
    def resolve_report(obj: Any) -> str:
        return obj.report.tracking_number

    @staticmethod
    def resolve_requested_by(obj: Any) -> str:
        return obj.requested_by.username

    @staticmethod
    def resolve_answer(obj: Any) -> str:
        return obj.answer_message.body if obj.answer_message_id else ""


class SupplementIn(Schema):
    items: list[str]
    report: str = Field("", description="Tracking number; empty means the case's first report.")


class SupplementCloseIn(Schema):
    status: str = Field(description="answered (by the reporter's latest message) or withdrawn")


class RecordOut(Schema):
    case: str
    notes: list[NoteOut]
    evidence: list[EvidenceOut]
    site_visits: list[SiteVisitOut]
    supplements: list[SupplementOut]

    @staticmethod
    def resolve_case(obj: Any) -> str:
        return obj.case.number


class ProgressOut(Schema):
    author: str
    body: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return obj.author.username


class OwnershipOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    case: str
    leader: str
    reason: str
    plan: str
    interval_days: int
    next_progress_due_at: datetime | None
    overdue_reminded_at: datetime | None
    assigned_at: datetime
    ended_at: datetime | None
    result: str

    @staticmethod
    def resolve_case(obj: Any) -> str:
        return obj.case.number

    @staticmethod
    def resolve_leader(obj: Any) -> str:
        return obj.leader.username


class OwnershipDetailOut(OwnershipOut):
    progress: list[ProgressOut]

    @staticmethod
    def resolve_progress(obj: Any) -> list[Any]:
        return list(obj.progress.all())


class OwnershipIn(Schema):
    leader: str
    reason: str = Field(description="repeated, difficult or both")
    plan: str
    interval_days: int | None = None


class TextIn(Schema):
    body: str


class TransferIn(Schema):
    leader: str
    reason: str


class ToSignOut(Schema):
    review: uuid.UUID
    case: str
    held_at: datetime
    chair: str

    @staticmethod
    def resolve_review(obj: Any) -> uuid.UUID:
        return obj.review.public_id

    @staticmethod
    def resolve_case(obj: Any) -> str:
        return obj.review.case.number

    @staticmethod
    def resolve_held_at(obj: Any) -> datetime:
        return obj.review.held_at

    @staticmethod
    def resolve_chair(obj: Any) -> str:
        return obj.review.chair.username
