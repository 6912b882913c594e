"""Routing endpoints: the same selectors as the explain tool, with the same access rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Query, Router, Schema

from jubao.accounts.actors import Actor
from jubao.accounts.http import StaffRequest

from .selectors import routing_explain_case, routing_explain_input

router = Router(tags=["routing"])
cases_router = Router(tags=["routing"])


class DepartmentOut(Schema):
    code: str
    name: str


class MatchOut(Schema):
    dimension: str
    label: str
    value: str
    level: int = Field(description="0 = any; otherwise the depth at which the rule names this dimension.")


class CandidateOut(Schema):
    rule: int
    rank: int
    winner: bool
    reason: str
    lead_department: DepartmentOut
    co_departments: list[DepartmentOut]
    priority: int
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    note: str
    matched: list[MatchOut]


class NotInForceOut(Schema):
    rule: int
    reason: str


class ExplanationOut(Schema):
    date: dt.date
    summary: str
    ambiguous: bool
    rule: int | None = Field(None, description="The winning rule, or null when none matches or rules conflict.")
    lead_department: DepartmentOut | None = None
    co_departments: list[DepartmentOut]
    candidates: list[CandidateOut] = Field(description="Every matching rule in force, best first, with why it "
                                                       "won or was shadowed.")
    not_in_force: list[NotInForceOut]


class CaseRoutingOut(ExplanationOut):
    case: str
    auto_dispatch_allowed: bool
    confidence: float | None = None
    threshold: float
    blockers: list[str] = Field(description="Why the case is (or was) not dispatched automatically.")


class ExplainQuery(Schema):
    category: int | None = None
    sector: str = ""
    region: str = Field("", description="Division code or exact name of the region.")
    kind: str = ""
    date: dt.date | None = None


class ErrorOut(Schema):
    detail: str
    field: str | None = None


@router.get("/explain", response={200: ExplanationOut, 400: ErrorOut, 403: ErrorOut})
def explain(request: StaffRequest, params: Query[ExplainQuery]):  # type: ignore[no-untyped-def]
    explanation = routing_explain_input(actor=Actor.staff(request.user), category_id=params.category,
                                        sector=params.sector, region=params.region, kind=params.kind,
                                        on=params.date)
    return explanation.as_json()


@cases_router.get("/{number}/routing", response={200: CaseRoutingOut, 403: ErrorOut, 404: ErrorOut})
def case_routing(request: StaffRequest, number: str, on: dt.date | None = None):  # type: ignore[no-untyped-def]
    routing = routing_explain_case(actor=Actor.staff(request.user), number=number, on=on)
    body: dict[str, Any] = routing.explanation.as_json()
    body.update(case=routing.case.number, auto_dispatch_allowed=routing.check.allowed,
                confidence=routing.check.confidence, threshold=routing.check.threshold,
                blockers=routing.check.blockers)
    return body
