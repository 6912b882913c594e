"""Staff JSON API for supervision: notices and the quarterly department ratings. Attached by jubao.quality.api
under /api/v1/supervision/. Each endpoint parses, calls the same selector or service as the pages, and
serialises."""


from datetime import datetime
from typing import Any
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from jubao.accounts.actors import Actor
from jubao.accounts.http import StaffRequest
from jubao.accounts.models import Role
from jubao.cases.errors import TransitionForbidden, TransitionRejected

from .selectors import may_supervise, notices_for, rating_quarters, ratings_for
from .services import notice_decide, notice_issue, notice_reply

router = Router(tags=["supervision"])


class ErrorOut(Schema):
    detail: str
    field: str | None = None


class NoticeOut(Schema):
    id: UUID = Field(alias="public_id")
    case: str
    department: str
    issued_by: str
    issued_at: datetime
    reason: str
    demands: str
    due_in_days: int
    due_at: datetime
    status: str
    overdue: bool
    reply_text: str
    replied_at: datetime | None
    decided_at: datetime | None
    decision_note: str
    rejections: int

    @staticmethod
    def resolve_case(obj: Any) -> str:
        return obj.case.number

    @staticmethod
    def resolve_department(obj: Any) -> str:
        return obj.department.code

    @staticmethod
    def resolve_issued_by(obj: Any) -> str:
        return obj.issued_by.username


class NoticeIn(Schema):
    reason: str = ""
    demands: str = ""
    due_in_days: int | None = Field(None, description="Working days to reply, 1–60.")


class ReplyIn(Schema):
    reply_text: str = ""


class DecisionIn(Schema):
    accept: bool
    note: str = Field("", description="Required to reject.")
    due_in_days: int | None = Field(None, description="To reject: working days for the next reply, 1–60.")


class RatingOut(Schema):
    quarter: str
    rank: int
    department: str
    colour: str
    on_time_rate: float | None
    satisfaction_rate: float | None
    repeat_rate: float | None
    on_time_colour: str
    satisfaction_colour: str
    repeat_colour: str
    deadlines: int
    on_time: int
    rated: int
    satisfied: int
    concluded: int
    repeats: int

    @staticmethod
    def resolve_quarter(obj: Any) -> str:
        from jubao.quality.periods import quarter_label

        return quarter_label(obj.period)

    @staticmethod
    def resolve_department(obj: Any) -> str:
        return obj.department.code


@router.get("/notices", response=list[NoticeOut])
@paginate(LimitOffsetPagination)
def list_notices(request: StaffRequest, status: str = ""):  # type: ignore[no-untyped-def]
    return notices_for(request.user, status=status)


@router.post("/cases/{number}/notices", response={200: NoticeOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def issue_notice(request: StaffRequest, number: str, body: NoticeIn):  # type: ignore[no-untyped-def]
    return notice_issue(actor=Actor.staff(request.user), number=number, **body.dict())


@router.post("/notices/{public_id}/reply", response={200: NoticeOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def reply_notice(request: StaffRequest, public_id: UUID, body: ReplyIn):  # type: ignore[no-untyped-def]
    return notice_reply(actor=Actor.staff(request.user), public_id=str(public_id), **body.dict())


@router.post("/notices/{public_id}/decision",
             response={200: NoticeOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def decide_notice(request: StaffRequest, public_id: UUID, body: DecisionIn):  # type: ignore[no-untyped-def]
    return notice_decide(actor=Actor.staff(request.user), public_id=str(public_id), **body.dict())


@router.get("/ratings", response={200: list[RatingOut], 400: ErrorOut, 403: ErrorOut})
def list_ratings(request: StaffRequest, quarter: str = ""):  # type: ignore[no-untyped-def]
    from jubao.quality.periods import parse_quarter

    if not (may_supervise(request.user) or request.user.role == Role.AUDITOR):
        raise TransitionForbidden(_("You may not see this."))
    if quarter:
        chosen = parse_quarter(quarter)
        if chosen is None:
            raise TransitionRejected(_("Give a quarter as YYYY-Qn, e.g. 2026-Q1."), field="quarter")
    else:
        quarters = rating_quarters()
        chosen = quarters[0] if quarters else None
    return ratings_for(request.user, chosen)
