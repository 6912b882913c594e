"""Staff JSON API for quality: self-reviews, the retrospective sample and the 两低一高 flags. Each endpoint parses,
calls the same selector or service as the pages, and serialises. The supervision endpoints are attached below
under /supervision (see jubao.supervision.api)."""


from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from jubao.accounts.actors import Actor
from jubao.accounts.http import StaffRequest
from jubao.cases.errors import TransitionForbidden, TransitionRejected

from .periods import month_label, parse_month
from .selectors import (
    SampleFilters,
    department_flags_for,
    flag_months,
    may_oversee,
    may_see_self_reviews,
    retrospective_items_for,
    self_reviews_for,
)
from .services import retrospective_review_submit, self_review_submit

router = Router(tags=["quality"])


class ErrorOut(Schema):
    detail: str
    field: str | None = None


class SelfReviewOut(Schema):
    id: UUID = Field(alias="public_id")
    case: str
    department: str
    handler: str | None = None
    concluded_at: datetime
    due_at: datetime
    status: str
    overdue: bool
    facts_complete: bool | None
    legal_basis_correct: bool | None
    demands_answered: bool | None
    improvements: str
    submitted_at: datetime | None

    @staticmethod
    def resolve_case(obj: Any) -> str:
        return obj.case.number

    @staticmethod
    def resolve_department(obj: Any) -> str:
        return obj.department.code

    @staticmethod
    def resolve_handler(obj: Any) -> str | None:
        return obj.handler.username if obj.handler_id else None


class SelfReviewIn(Schema):
    facts_complete: bool | None = None
    legal_basis_correct: bool | None = None
    demands_answered: bool | None = None
    improvements: str = ""


class RetrospectiveOut(Schema):
    id: UUID = Field(alias="public_id")
    case: str
    month: str
    jurisdiction: str
    department: str | None = None
    status: str
    score_classification: int | None
    score_timeliness: int | None
    score_substance: int | None
    score_legality: int | None
    result: str
    comments: str
    reviewed_at: datetime | None

    @staticmethod
    def resolve_case(obj: Any) -> str:
        return obj.case.number

    @staticmethod
    def resolve_month(obj: Any) -> str:
        return month_label(obj.sample.period)

    @staticmethod
    def resolve_jurisdiction(obj: Any) -> str:
        return obj.sample.jurisdiction.code

    @staticmethod
    def resolve_department(obj: Any) -> str | None:
        return obj.department.code if obj.department_id else None


class RetrospectiveIn(Schema):
    score_classification: int | None = None
    score_timeliness: int | None = None
    score_substance: int | None = None
    score_legality: int | None = None
    result: str = Field("", description="pass | needs_improvement | fail")
    comments: str = ""


class FlagOut(Schema):
    month: str
    department: str
    concluded: int
    verified: int
    repeats: int
    rated: int
    satisfied: int
    verification_rate: float | None
    satisfaction_rate: float | None
    repeat_rate: float | None
    low_verification: bool
    low_satisfaction: bool
    high_repeat: bool
    two_low_one_high: bool

    @staticmethod
    def resolve_month(obj: Any) -> str:
        return month_label(obj.period)

    @staticmethod
    def resolve_department(obj: Any) -> str:
        return obj.department.code


class SampleQuery(Schema):
    month: str = Field("", description="YYYY-MM; empty: every month")
    status: str = Field("", description="pending | reviewed")


def _month(value: str) -> date | None:
    if not value:
        return None
    month = parse_month(value)
    if month is None:
        raise TransitionRejected(_("Give a month as YYYY-MM."), field="month")
    return month


@router.get("/self-reviews", response=list[SelfReviewOut])
@paginate(LimitOffsetPagination)
def list_self_reviews(request: StaffRequest, status: str = ""):  # type: ignore[no-untyped-def]
    if not may_see_self_reviews(request.user):
        raise TransitionForbidden(_("You may not see this."))
    return self_reviews_for(request.user, status=status)


@router.post("/self-reviews/{public_id}", response={200: SelfReviewOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def fill_self_review(request: StaffRequest, public_id: UUID, body: SelfReviewIn):  # type: ignore[no-untyped-def]
    return self_review_submit(actor=Actor.staff(request.user), public_id=str(public_id), **body.dict())


@router.get("/retrospectives", response={200: list[RetrospectiveOut], 400: ErrorOut})
@paginate(LimitOffsetPagination)
def list_retrospectives(request: StaffRequest, filters: Query[SampleQuery]):  # type: ignore[no-untyped-def]
    if not may_oversee(request.user):
        raise TransitionForbidden(_("You may not see this."))
    return retrospective_items_for(request.user, SampleFilters(month=_month(filters.month), status=filters.status))


@router.post("/retrospectives/{public_id}/review",
             response={200: RetrospectiveOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def review_retrospective(request: StaffRequest, public_id: UUID, body: RetrospectiveIn):  # type: ignore[no-untyped-def]
    data = body.dict()
    scores = {name: data.pop(name) for name in list(data) if name.startswith("score_")}
    item = retrospective_review_submit(actor=Actor.staff(request.user), public_id=str(public_id), scores=scores,
                                       **data)
    return item


@router.get("/flags", response={200: list[FlagOut], 400: ErrorOut})
def list_flags(request: StaffRequest, month: str = ""):  # type: ignore[no-untyped-def]
    if not may_oversee(request.user):
        raise TransitionForbidden(_("You may not see this."))
    chosen = _month(month)
    if chosen is None:
        months = flag_months()
        chosen = months[0] if months else None
    return department_flags_for(request.user, chosen)

