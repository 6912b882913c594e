"""Case endpoints. Each one parses, calls the same selector or service as the UI, and serialises."""


from datetime import datetime
from typing import Any

from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from jubao.accounts.actors import Actor
from jubao.accounts.http import StaffRequest

from .selectors import QueueFilters, case_get_for, case_queue
from .services import case_transition
from .timeline import case_timeline
from .workflow import transitions_available

router = Router(tags=["cases"])


class CaseOut(Schema):
    number: str
    state: str
    version: int
    title: str
    kind: str = Field(alias="kind_id")
    category: str | None = None
    region: str
    urgency: str
    impact: str
    grade: str
    verifiability: str
    lead_department: str | None = None
    light: str
    overdue: bool
    next_due_at: datetime | None
    created_at: datetime
    bounce_count: int

    @staticmethod
    def resolve_category(obj: Any) -> str | None:
        return obj.category.full_name if obj.category_id else None

    @staticmethod
    def resolve_region(obj: Any) -> str:
        return obj.region.code

    @staticmethod
    def resolve_lead_department(obj: Any) -> str | None:
        return obj.lead_department.code if obj.lead_department_id else None


class DeadlineOut(Schema):
    stage: str
    status: str
    due_at: datetime
    light: str
    overdue: bool
    provisional: bool
    calendar_version: str
    rule: str


class ReportOut(Schema):
    tracking_number: str
    channel: str
    title: str
    body: str
    address: str
    reported_subject: str
    reporter_pseudonym: str
    is_anonymous: bool
    created_at: datetime


class CaseDetailOut(CaseOut):
    finding: str
    conclusion_text: str
    feedback_text: str
    satisfaction: str
    refusal_reason: str
    redirect_notice: str
    deadlines: list[DeadlineOut]
    reports: list[ReportOut]
    actions: list[str] = Field(description="The transitions the requesting user may fire now.")

    @staticmethod
    def resolve_deadlines(obj: Any) -> list[Any]:
        return list(obj.deadlines.order_by("-started_at"))

    @staticmethod
    def resolve_reports(obj: Any) -> list[Any]:
        return list(obj.reports.all())

    @staticmethod
    def resolve_actions(obj: Any, context: dict[str, Any]) -> list[str]:
        return [t.name for t in transitions_available(Actor.staff(context["request"].user), obj)]


class EventOut(Schema):
    at: datetime
    label: str
    actor: str
    from_state: str
    to_state: str
    reason: str
    payload: dict[str, Any]


class TransitionIn(Schema):
    transition: str
    reason: str = ""
    data: dict[str, Any] = {}
    expected_version: int | None = Field(None, description="The case version you saw; a stale one is refused (409).")


class ErrorOut(Schema):
    detail: str
    field: str | None = None


class QueueQuery(Schema):
    state: str = ""
    light: str = ""
    department: str = ""
    category: int | None = None
    urgency: str = ""
    q: str = ""
    overdue: bool = False
    needs_human: bool = False


@router.get("", response=list[CaseOut])
@paginate(LimitOffsetPagination)
def list_cases(request: StaffRequest, filters: Query[QueueQuery]):  # type: ignore[no-untyped-def]
    return case_queue(request.user, QueueFilters(**filters.dict()))


@router.get("/{number}", response={200: CaseDetailOut, 404: ErrorOut})
def get_case(request: StaffRequest, number: str):  # type: ignore[no-untyped-def]
    return case_get_for(request.user, number)


@router.get("/{number}/events", response={200: list[EventOut], 404: ErrorOut})
def case_events(request: StaffRequest, number: str):  # type: ignore[no-untyped-def]
    return case_timeline(case_get_for(request.user, number))


@router.post("/{number}/transitions",
             response={200: CaseDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def transition_case(request: StaffRequest, number: str, body: TransitionIn):  # type: ignore[no-untyped-def]
    case = case_transition(actor=Actor.staff(request.user), number=number, transition=body.transition,
                           reason=body.reason, data=body.data, expected_version=body.expected_version)
    return case
