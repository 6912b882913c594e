"""Handling endpoints: the same services as the case page, with the same access rules (recusal included)."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Router, Schema

from jubao.accounts.actors import Actor
from jubao.accounts.http import StaffRequest
from jubao.cases.api import ErrorOut
from jubao.cases.selectors import case_get_for

from . import services
from .models import CaseReturn, ConclusionDraft, ExtensionRequest, HandlingTask, RequestStatus, TaskStatus
from .recusal import recusal_reasons

router = Router(tags=["handling"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class TaskOut(Schema):
    id: uuid.UUID
    department: str
    kind: str
    status: str
    due_at: dt.datetime
    overdue: bool
    report_text: str
    reported_at: dt.datetime | None


class ReturnOut(Schema):
    sequence: int
    department: str
    reason: str
    returned_at: dt.datetime
    decision: str


class RequestOut(Schema):
    status: str
    requested_by: str
    reason: str


class HandlingOut(Schema):
    case: str
    bounce_count: int
    you_must_recuse: list[str]
    tasks: list[TaskOut]
    returns: list[ReturnOut]
    pending_extension: RequestOut | None
    pending_conclusion: RequestOut | None


class HandlerOut(Schema):
    username: str
    name: str
    open_cases: int
    matching_tags: list[str]
    recused: list[str]


class AssignIn(Schema):
    handler: str
    reason: str = ""


class RecuseIn(Schema):
    reason: str
    username: str = ""


class TextIn(Schema):
    text: str


class ReasonIn(Schema):
    reason: str


class DecisionIn(Schema):
    approve: bool
    note: str = ""


class ConclusionIn(Schema):
    finding: str
    facts: str
    measures: str
    legal_basis: str = ""
    malicious: bool = False
    malicious_basis: str = ""


def _summary(request: StaffRequest, number: str) -> HandlingOut:
    case = case_get_for(request.user, number)
    extension = ExtensionRequest.objects.filter(case=case, status=RequestStatus.PENDING).select_related(
        "requested_by").first()
    draft = ConclusionDraft.objects.filter(case=case, status=RequestStatus.PENDING).select_related(
        "drafted_by").first()
    return HandlingOut(
        case=case.number, bounce_count=case.bounce_count, you_must_recuse=recusal_reasons(request.user, case),
        tasks=[TaskOut(id=t.public_id, department=t.department.code, kind=t.kind, status=t.status, due_at=t.due_at,
                       overdue=t.overdue, report_text=t.report_text, reported_at=t.reported_at)
               for t in HandlingTask.objects.filter(case=case).exclude(status=TaskStatus.CANCELLED)
               .select_related("department")],
        returns=[ReturnOut(sequence=r.sequence, department=r.department.code, reason=r.reason,
                           returned_at=r.returned_at, decision=r.decision)
                 for r in CaseReturn.objects.filter(case=case).select_related("department")],
        pending_extension=RequestOut(status=extension.status, requested_by=extension.requested_by.username,
                                     reason=extension.reason) if extension else None,
        pending_conclusion=RequestOut(status=draft.status, requested_by=draft.drafted_by.username,
                                      reason=draft.facts) if draft else None,
    )


@router.get("/cases/{number}", response={200: HandlingOut, **ERRORS})
def handling_summary(request: StaffRequest, number: str):  # type: ignore[no-untyped-def]
    return _summary(request, number)


@router.get("/cases/{number}/handlers", response={200: list[HandlerOut], **ERRORS})
def handler_list(request: StaffRequest, number: str):  # type: ignore[no-untyped-def]
    case = case_get_for(request.user, number)
    department_id = request.user.department_id or case.lead_department_id
    if department_id is None:
        return []
    return [HandlerOut(username=s.user.username, name=str(s.user), open_cases=s.open_cases,
                       matching_tags=s.matching_tags, recused=s.recused)
            for s in services.handler_suggestions(case, department_id)]


@router.post("/cases/{number}/handler", response={200: HandlingOut, **ERRORS})
def assign_handler(request: StaffRequest, number: str, body: AssignIn):  # type: ignore[no-untyped-def]
    services.handler_assign(actor=Actor.staff(request.user), number=number, username=body.handler, reason=body.reason)
    return _summary(request, number)


@router.post("/cases/{number}/recusal", response={200: HandlingOut, **ERRORS})
def recuse(request: StaffRequest, number: str, body: RecuseIn):  # type: ignore[no-untyped-def]
    services.case_recuse(actor=Actor.staff(request.user), number=number, username=body.username, reason=body.reason)
    return _summary(request, number)


@router.post("/cases/{number}/tasks/{task_id}/report", response={200: HandlingOut, **ERRORS})
def report_task(request: StaffRequest, number: str, task_id: uuid.UUID, body: TextIn):  # type: ignore[no-untyped-def]
    services.task_report(actor=Actor.staff(request.user), number=number, task_id=str(task_id), text=body.text)
    return _summary(request, number)


@router.post("/cases/{number}/tasks/{task_id}/release", response={200: HandlingOut, **ERRORS})
def release_task(request: StaffRequest, number: str, task_id: uuid.UUID,  # type: ignore[no-untyped-def]
                 body: ReasonIn):
    services.task_release(actor=Actor.staff(request.user), number=number, task_id=str(task_id), reason=body.reason)
    return _summary(request, number)


@router.post("/cases/{number}/extension", response={200: HandlingOut, **ERRORS})
def request_extension(request: StaffRequest, number: str, body: ReasonIn):  # type: ignore[no-untyped-def]
    services.extension_request(actor=Actor.staff(request.user), number=number, reason=body.reason)
    return _summary(request, number)


@router.post("/cases/{number}/extension/decision", response={200: HandlingOut, **ERRORS})
def decide_extension(request: StaffRequest, number: str, body: DecisionIn):  # type: ignore[no-untyped-def]
    services.extension_decide(actor=Actor.staff(request.user), number=number, approve=body.approve, note=body.note)
    return _summary(request, number)


@router.post("/cases/{number}/conclusion", response={200: HandlingOut, **ERRORS})
def submit_conclusion(request: StaffRequest, number: str, body: ConclusionIn):  # type: ignore[no-untyped-def]
    services.conclusion_submit(actor=Actor.staff(request.user), number=number, **body.dict())
    return _summary(request, number)


@router.post("/cases/{number}/conclusion/decision", response={200: HandlingOut, **ERRORS})
def decide_conclusion(request: StaffRequest, number: str, body: DecisionIn):  # type: ignore[no-untyped-def]
    services.conclusion_decide(actor=Actor.staff(request.user), number=number, approve=body.approve, note=body.note)
    return _summary(request, number)
