"""Staff JSON API for feedback: the same selectors and services as the pages, with the same permissions.

The generic POST /api/v1/cases/{number}/transitions also answers a case ("answer" with data.feedback_text), but
only with the composed text carrying all four section headings; POST /api/v1/feedback/cases/{number}/answer takes
the sections themselves and composes them.
"""

import uuid
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from jubao.accounts.actors import Actor
from jubao.accounts.http import StaffRequest
from jubao.attachments.responses import private_download
from jubao.cases.errors import CaseNotFound, TransitionForbidden
from jubao.cases.selectors import case_get_for

from .followups import followup_contact, followup_record
from .hooks import open_review
from .letters import letter_download
from .models import CaseReview, FeedbackAnswer, FollowUp, FollowUpStatus
from .sections import SECTION_KEYS
from .selectors import followup_queue, may_list_followups, template_get, template_sections, templates_all
from .services import answer_send, review_assign

router = Router(tags=["feedback"])


class ErrorOut(Schema):
    detail: str
    field: str | None = None


class Sections(Schema):
    checked: str = Field("", description="What was checked: who looked into it, when and how.")
    found: str = Field("", description="What was found, in plain words.")
    done: str = Field("", description="What was done about it.")
    next_steps: str = Field("", description="What happens next, and what the reporter can do.")


class TemplateOut(Sections):
    id: uuid.UUID = Field(alias="public_id")
    title: str
    category: str | None = None
    finding: str
    is_active: bool

    @staticmethod
    def resolve_category(obj: Any) -> str | None:
        return obj.category.full_name if obj.category_id else None


class PrefillOut(Sections):
    template: uuid.UUID


class LetterOut(Schema):
    reference: str
    sha256: str
    size: int
    generated_at: datetime


class AnswerOut(Sections):
    version: int
    text: str
    finding: str
    answered_at: datetime
    answered_by: str = Field(alias="actor_label")
    template: str | None = None
    review_until: datetime | None = None
    letter: LetterOut | None = None

    @staticmethod
    def resolve_template(obj: Any) -> str | None:
        return obj.template.title if obj.template_id else None

    @staticmethod
    def resolve_letter(obj: Any) -> Any:
        return getattr(obj, "letter", None)


class AnswerIn(Schema):
    sections: Sections
    template: uuid.UUID | None = Field(None, description="The response template the answer started from.")
    expected_version: int | None = Field(None, description="The case version you saw; a stale one is refused (409).")


class FollowUpOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    case: str
    report: str
    selection: str
    channel: str
    status: str
    due_at: datetime
    overdue: bool
    attempts: int
    outcome: str
    satisfaction: str
    reason: str
    notes: str

    @staticmethod
    def resolve_case(obj: Any) -> str:
        return obj.case.number

    @staticmethod
    def resolve_report(obj: Any) -> str:
        return obj.report.tracking_number


class FollowUpQuery(Schema):
    status: str = Field(FollowUpStatus.OPEN.value, description="open, done, unreachable, or empty for all.")
    overdue: bool = False


class RecordIn(Schema):
    outcome: str = Field(description="reached or unreachable")
    satisfaction: str = Field("", description="satisfied, basically or dissatisfied (when reached)")
    reason: str = Field("", description="Why the reporter is dissatisfied (required then).")
    notes: str = ""


class ReviewerIn(Schema):
    reviewer: uuid.UUID


class ReviewOut(Schema):
    round: int
    status: str
    reason: str
    opened_at: datetime
    due_at: datetime | None
    first_handler: str | None = None
    reviewer: str | None = None

    @staticmethod
    def resolve_first_handler(obj: Any) -> str | None:
        return obj.first_handler.username if obj.first_handler_id else None

    @staticmethod
    def resolve_reviewer(obj: Any) -> str | None:
        return obj.reviewer.username if obj.reviewer_id else None


def _actor(request: StaffRequest) -> Actor:
    return Actor.staff(request.user)


@router.get("/templates", response=list[TemplateOut])
def list_templates(request: StaffRequest):  # type: ignore[no-untyped-def]
    return list(templates_all().filter(is_active=True))


@router.get("/cases/{number}/prefill", response={200: PrefillOut, 400: ErrorOut, 404: ErrorOut})
def prefill(request: StaffRequest, number: str, template: uuid.UUID):  # type: ignore[no-untyped-def]
    case = case_get_for(request.user, number)
    found = template_get(template)
    if found is None:
        raise CaseNotFound(_("No template with that id was found."))
    return {"template": found.public_id, **template_sections(found, case)}


@router.post("/cases/{number}/answer",
             response={200: AnswerOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def answer(request: StaffRequest, number: str, body: AnswerIn):  # type: ignore[no-untyped-def]
    return answer_send(actor=_actor(request), number=number,
                       sections={key: getattr(body.sections, key) for key in SECTION_KEYS},
                       template_id=str(body.template) if body.template else None,
                       expected_version=body.expected_version)


@router.get("/cases/{number}/answers", response={200: list[AnswerOut], 404: ErrorOut})
def answers(request: StaffRequest, number: str):  # type: ignore[no-untyped-def]
    case = case_get_for(request.user, number)
    return list(FeedbackAnswer.objects.filter(case=case).select_related("template", "letter")
                .defer("letter__pdf").order_by("-version"))


@router.get("/cases/{number}/answers/{version}/letter", response={200: None, 404: ErrorOut},
            description="The reply letter (PDF) of a real-name report's answer; every download is audited.")
def letter(request: StaffRequest, number: str, version: int):  # type: ignore[no-untyped-def]
    found = letter_download(actor=_actor(request), number=number, version=version)
    return private_download(bytes(found.pdf), content_type="application/pdf", filename=f"答复函-{found.reference}.pdf")


@router.get("/cases/{number}/reviews", response={200: list[ReviewOut], 404: ErrorOut})
def reviews(request: StaffRequest, number: str):  # type: ignore[no-untyped-def]
    case = case_get_for(request.user, number)
    return list(CaseReview.objects.filter(case=case).select_related("first_handler", "reviewer").order_by("-round"))


@router.post("/cases/{number}/review/reviewer",
             response={200: ReviewOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def reviewer(request: StaffRequest, number: str, body: ReviewerIn):  # type: ignore[no-untyped-def]
    review_assign(actor=_actor(request), number=number, reviewer_id=str(body.reviewer))
    return open_review(case_get_for(request.user, number))


@router.get("/followups", response=list[FollowUpOut])
@paginate(LimitOffsetPagination)
def followups(request: StaffRequest, filters: Query[FollowUpQuery]):  # type: ignore[no-untyped-def]
    if not may_list_followups(_actor(request)):
        raise TransitionForbidden(_("Only intake clerks, supervisors and administrators see the follow-ups."))
    return followup_queue(request.user, status=filters.status, overdue=filters.overdue)


@router.post("/followups/{followup_id}/record",
             response={200: FollowUpOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def record(request: StaffRequest, followup_id: uuid.UUID, body: RecordIn):  # type: ignore[no-untyped-def]
    result = followup_record(actor=_actor(request), followup_id=str(followup_id), outcome=body.outcome,
                             satisfaction=body.satisfaction, reason=body.reason, notes=body.notes)
    return FollowUp.objects.select_related("case", "report").get(pk=result.followup.pk)


@router.post("/followups/{followup_id}/send",
             response={200: FollowUpOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def send(request: StaffRequest, followup_id: uuid.UUID):  # type: ignore[no-untyped-def]
    return followup_contact(actor=_actor(request), followup_id=str(followup_id))
