"""Reporter-side API: submit a report; follow it with the tracking number and the receipt (or phone)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security import APIKeyHeader

from jubao.cases.errors import CaseError
from jubao.cases.models import CaseState
from jubao.organisation.models import Region

from . import public, ratelimit
from .receipts import display_receipt
from .services import (
    IntakeError,
    ReporterLoginFailed,
    Submission,
    report_submit,
    reporter_login,
    reporter_message_send,
    reporter_rate,
    reporter_request_review,
    reporter_supplement_answer,
)

router = Router(tags=["reporter"])


class ReceiptAuth(APIKeyHeader):
    """`X-Tracking-Number` plus `X-Receipt` (anonymous) or `X-Phone` (real-name)."""

    param_name = "X-Tracking-Number"

    def authenticate(self, request: HttpRequest, key: str | None):  # type: ignore[no-untyped-def]
        if not key:
            return None
        try:
            return reporter_login(tracking_number=key, receipt=request.headers.get("X-Receipt", ""),
                                  phone=request.headers.get("X-Phone", ""))
        except ReporterLoginFailed:
            return None


class SubmitIn(Schema):
    kind: str
    title: str = Field(max_length=100)
    body: str = Field(max_length=10000)
    region: str = Field(description="Division code of the place (down to village).")
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    occurred_on: date | None = None
    occurred_text: str = ""
    reported_subject: str = ""
    real_name: bool = False
    name: str = ""
    id_number: str = ""
    phone: str = ""
    contact_preference: str = ""
    acknowledged_false_accusation_notice: bool = False


class SubmitOut(Schema):
    tracking_number: str
    receipt: str | None = Field(None, description="Anonymous only: shown once, never retrievable again.")


class ErrorOut(Schema):
    detail: str
    field: str | None = None


class EventOut(Schema):
    at: datetime
    text: str
    detail: str


class MessageOut(Schema):
    direction: str
    kind: str
    body: str
    created_at: datetime


class ReportOut(Schema):
    tracking_number: str
    status: str
    state: str
    deadlines: list[str]
    timeline: list[EventOut]
    messages: list[MessageOut]
    supplement_request: str | None
    answer: str
    redirect_notice: str


class TextIn(Schema):
    body: str = Field(max_length=10000)


class RatingIn(Schema):
    satisfaction: str
    reason: str = ""


class ReviewIn(Schema):
    reason: str = Field(max_length=5000)


def _error(exc: Any) -> Status:
    return Status(exc.status_code, {"detail": exc.message, "field": exc.field})


@router.post("/reports", auth=None, response={201: SubmitOut, 400: ErrorOut, 429: ErrorOut})
def submit(request: HttpRequest, payload: SubmitIn):  # type: ignore[no-untyped-def]
    if not ratelimit.allow_submission(request):
        return Status(429, {"detail": _("Too many reports from this connection; wait a few minutes."), "field": None})
    region = Region.objects.filter(code=payload.region).first()
    if region is None:
        return Status(400, {"detail": _("Unknown region code."), "field": "region"})
    from .forms import SubmissionForm

    form = SubmissionForm(data={
        "kind": payload.kind, "title": payload.title, "body": payload.body, "region": payload.region,
        "identity": "real_name" if payload.real_name else "anonymous", "name": payload.name,
        "id_number": payload.id_number, "phone": payload.phone, "contact_preference": payload.contact_preference,
        "acknowledged_notice": payload.acknowledged_false_accusation_notice, "address": payload.address,
        "occurred_text": payload.occurred_text, "reported_subject": payload.reported_subject,
        "occurred_on": payload.occurred_on.isoformat() if payload.occurred_on else "",
        "latitude": payload.latitude if payload.latitude is not None else "",
        "longitude": payload.longitude if payload.longitude is not None else "",
    })
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        return Status(400, {"detail": str(errors[0]), "field": None if field == "__all__" else field})
    data = form.cleaned_data
    try:
        result = report_submit(channel="api", submission=Submission(
            kind=data["kind"], title=data["title"], body=data["body"], region=region, address=data["address"],
            latitude=data["latitude"], longitude=data["longitude"], occurred_on=data["occurred_on"],
            occurred_text=data["occurred_text"], reported_subject=data["reported_subject"],
            contact_preference=data.get("contact_preference") or "", real_name=payload.real_name,
            name=data["name"], id_number=data["id_number"], phone=data["phone"],
            acknowledged_notice=data["acknowledged_notice"],
            language=translation.get_language() or settings.LANGUAGE_CODE,
        ))
    except IntakeError as exc:
        return _error(exc)
    return Status(201, {"tracking_number": result.report.tracking_number,
                        "receipt": display_receipt(result.receipt) if result.receipt else None})


@router.get("/reporter/report", auth=ReceiptAuth(), response={200: ReportOut})
def my_report(request: HttpRequest):  # type: ignore[no-untyped-def]
    report = request.auth  # type: ignore[attr-defined]
    case = report.case
    answered = case.state in (CaseState.ANSWERED, CaseState.RATED, CaseState.UNDER_REVIEW, CaseState.CLOSED)
    return {
        "tracking_number": report.tracking_number, "status": public.public_status(case), "state": case.state,
        "deadlines": public.public_deadlines(case), "timeline": public.public_timeline(case),
        "messages": list(report.messages.order_by("created_at")),
        "supplement_request": public.open_supplement_request(case, report),
        "answer": case.feedback_text if answered else "",
        "redirect_notice": case.redirect_notice if case.state == CaseState.REFUSED else "",
    }


def _act(request: HttpRequest, action: Any) -> Any:
    try:
        action(request.auth)  # type: ignore[attr-defined]
    except CaseError as exc:
        return _error(exc)
    return my_report(request)


REPLIES = {200: ReportOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.post("/reporter/messages", auth=ReceiptAuth(), response=REPLIES)
def send_message(request: HttpRequest, payload: TextIn):  # type: ignore[no-untyped-def]
    return _act(request, lambda report: reporter_message_send(report=report, body=payload.body))


@router.post("/reporter/supplement", auth=ReceiptAuth(), response=REPLIES)
def answer_supplement(request: HttpRequest, payload: TextIn):  # type: ignore[no-untyped-def]
    return _act(request, lambda report: reporter_supplement_answer(report=report, body=payload.body))


@router.post("/reporter/rating", auth=ReceiptAuth(), response=REPLIES)
def rate(request: HttpRequest, payload: RatingIn):  # type: ignore[no-untyped-def]
    return _act(request, lambda report: reporter_rate(report=report, satisfaction=payload.satisfaction,
                                                      reason=payload.reason))


@router.post("/reporter/review", auth=ReceiptAuth(), response=REPLIES)
def review(request: HttpRequest, payload: ReviewIn):  # type: ignore[no-untyped-def]
    return _act(request, lambda report: reporter_request_review(report=report, reason=payload.reason))
