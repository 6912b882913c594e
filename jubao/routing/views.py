"""Staff pages for routing: the dispatch catalogue, the "who gets this and why" tool, the dispatch queue.

Adapters only: parse, check access, call a selector, render. They work without JavaScript (GET forms).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from jubao.accounts.actors import Actor
from jubao.accounts.http import StaffRequest
from jubao.cases.errors import CaseError, CaseNotFound
from jubao.cases.selectors import cases_visible_to

from .forms import ExplainForm, RuleFilterForm
from .selectors import RuleFilters, dispatch_rules, routing_explain_case, routing_explain_input
from .services import may_use_routing, query_for_case, routing_decide

PAGE_SIZE = 50
QUEUE_PAGE_SIZE = 25
# What waits for a dispatcher: accepted, returned, escalated or reopened cases (and new ones not yet accepted).
QUEUE_STATES = ("registered", "accepted", "returned", "escalated", "reopened")


def _require_routing(request: StaffRequest) -> Actor:
    actor = Actor.staff(request.user)
    if not may_use_routing(actor):
        raise PermissionDenied
    return actor


@login_required
def rules(request: StaffRequest) -> HttpResponse:
    _require_routing(request)
    form = RuleFilterForm(request.GET or None)
    filters = RuleFilters()
    if form.is_bound:
        form.is_valid()  # invalid values are shown next to their field; the valid ones still filter
        data = form.cleaned_data
        filters = RuleFilters(q=data.get("q", ""), category=data.get("category"), region=data.get("region", ""),
                              department=data.get("department", ""), kind=data.get("kind", ""),
                              sector=data.get("sector", ""), status=data.get("status", ""))
    page = Paginator(dispatch_rules(request.user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "routing/rules.html", {"form": form, "page": page, "query": query.urlencode()},
                  status=200 if not form.is_bound or form.is_valid() else 400)


@login_required
def explain(request: StaffRequest) -> HttpResponse:
    actor = _require_routing(request)
    form = ExplainForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "explanation": None, "case": None, "check": None}
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["case"]:
                    routing = routing_explain_case(actor=actor, number=data["case"], on=data["date"])
                    context.update(explanation=routing.explanation, case=routing.case, check=routing.check)
                else:
                    context["explanation"] = routing_explain_input(
                        actor=actor, category_id=data["category"], sector=data["sector"], region=data["region"],
                        kind=data["kind"], on=data["date"])
            except CaseNotFound as exc:
                form.add_error("case", exc.message)
            except CaseError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                status = 200
    return render(request, "routing/explain.html", context, status=status)


@login_required
def queue(request: StaffRequest) -> HttpResponse:
    """Cases waiting for a dispatcher, each with the catalogue's suggestion (ranked candidates on the case page)."""
    _require_routing(request)
    cases = (cases_visible_to(request.user).filter(state__in=QUEUE_STATES)
             .select_related("region", "category", "sector", "kind").order_by("-overdue", "next_due_at", "created_at"))
    page = Paginator(cases, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(case, routing_decide(query_for_case(case))[1]) for case in page.object_list]
    return render(request, "routing/queue.html", {"page": page, "rows": rows})
