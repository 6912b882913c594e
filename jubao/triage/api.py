"""Triage endpoints: the same selectors and services as the case page, with the same access rules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Router, Schema

from jubao.accounts.actors import Actor
from jubao.accounts.http import StaffRequest
from jubao.cases.selectors import case_get_for

from .models import CaseTriage
from .selectors import triage_results_for
from .services import triage_accept, triage_override

router = Router(tags=["triage"])


class CueOut(Schema):
    text: str
    means: str
    weight: float = 1.0


class ResultOut(Schema):
    step: str
    proposal: dict[str, Any]
    confidence: float
    version: str
    cues: list[CueOut]
    needs_human: bool
    decision: str
    decided_value: dict[str, Any] | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    report: str = Field(description="Tracking number of the triaged report.")

    @staticmethod
    def resolve_decided_by(obj: Any) -> str | None:
        return obj.decided_by.username if obj.decided_by_id else None

    @staticmethod
    def resolve_report(obj: Any) -> str:
        return str(obj.report.tracking_number)


class TriageOut(Schema):
    status: str
    emergency_event: str | None = None
    collective_review_required: bool = False
    collective_review_reasons: list[str] = []
    reporter_repeat_count: int = 0
    subject_repeat_count: int = 0
    results: list[ResultOut]


class DecisionIn(Schema):
    reason: str = ""


class OverrideIn(Schema):
    value: dict[str, Any] = Field(description="The step's value in the shape of its proposal, e.g. "
                                              '{"category_id": 12} or {"urgency": "urgent", "impact": "medium", '
                                              '"grade": "simple"}.')
    reason: str = ""


class ErrorOut(Schema):
    detail: str
    field: str | None = None


def _triage(request: StaffRequest, number: str) -> dict[str, Any]:
    case = case_get_for(request.user, number)
    summary = CaseTriage.objects.filter(case=case).select_related("emergency_event").first()
    return {
        "status": summary.status if summary else "pending",
        "emergency_event": str(summary.emergency_event.public_id) if summary and summary.emergency_event else None,
        "collective_review_required": bool(summary and summary.collective_review_required),
        "collective_review_reasons": list(summary.collective_review_reasons) if summary else [],
        "reporter_repeat_count": summary.reporter_repeat_count if summary else 0,
        "subject_repeat_count": summary.subject_repeat_count if summary else 0,
        "results": triage_results_for(case),
    }


@router.get("/{number}/triage", response={200: TriageOut, 404: ErrorOut})
def get_triage(request: StaffRequest, number: str):  # type: ignore[no-untyped-def]
    return _triage(request, number)


@router.post("/{number}/triage/{step}/accept",
             response={200: TriageOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def accept_step(request: StaffRequest, number: str, step: str, body: DecisionIn | None = None):  # type: ignore[no-untyped-def]
    triage_accept(actor=Actor.staff(request.user), report_public_id_or_case_number=number, step=step,
                  reason=body.reason if body else "")
    return _triage(request, number)


@router.post("/{number}/triage/{step}/override",
             response={200: TriageOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def override_step(request: StaffRequest, number: str, step: str, body: OverrideIn):  # type: ignore[no-untyped-def]
    triage_override(actor=Actor.staff(request.user), report_public_id_or_case_number=number, step=step,
                    value=body.value, reason=body.reason)
    return _triage(request, number)
