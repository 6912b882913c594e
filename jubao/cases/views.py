"""Staff pages for cases: adapters that parse, check access, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jubao.accounts.actors import Actor
from jubao.accounts.http import StaffRequest
from jubao.deadlines.models import LIGHT_ORDER

from .errors import CaseError, CaseNotFound
from .forms import QueueFilterForm, TransitionForm
from .panels import PANEL_OWNED_TRANSITIONS, panels_for
from .selectors import QueueFilters, case_get_for, case_queue
from .services import case_transition
from .timeline import case_timeline
from .workflow import TRANSITIONS, transitions_available

PAGE_SIZE = 25


@login_required
def queue(request: StaffRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    filters = QueueFilters()
    if form.is_bound:
        form.is_valid()  # invalid values are shown next to their field; the valid ones still filter
        data = form.cleaned_data
        filters = QueueFilters(
            state=data.get("state", ""), light=data.get("light", ""), department=data.get("department", ""),
            category=int(data["category"]) if data.get("category") else None, urgency=data.get("urgency", ""),
            q=data.get("q", ""), overdue=data.get("overdue", False), needs_human=data.get("needs_human", False),
        )
    page = Paginator(case_queue(request.user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cases/queue.html", {
        "form": form, "page": page, "query": query.urlencode(), "light_order": LIGHT_ORDER,
    })


def _detail_context(request: StaffRequest, number: str, bound: TransitionForm | None = None,
                    triage_bound: Any = None, panel_bound: dict[str, Any] | None = None) -> dict:
    from jubao.routing.selectors import routing_panel
    from jubao.triage.selectors import transition_initial, triage_panel

    case = case_get_for(request.user, number)
    actor = Actor.staff(request.user)
    forms = []
    # Triage proposals are the starting values of the forms (the category to accept with, the refusal notice…),
    # and the dispatch catalogue's winning rule those of the dispatch form.
    initial = transition_initial(case)
    routing = routing_panel(actor, case)
    if routing is not None and routing.initial:
        initial.setdefault("dispatch", routing.initial)
    for transition in transitions_available(actor, case):
        if transition.name in PANEL_OWNED_TRANSITIONS:
            continue
        if bound is not None and bound.transition.name == transition.name:
            forms.append(bound)
        else:
            forms.append(TransitionForm(transition, initial={"version": case.version,
                                                             **initial.get(transition.name, {})}))
    return {
        "case": case,
        "reports": case.reports.select_related("region", "kind").prefetch_related("messages__author"),
        "deadlines": case.deadlines.select_related("policy").order_by(
            F("completed_at").asc(nulls_first=True), "-started_at"),
        "assignments": case.assignments.select_related("department", "handler").order_by("-assigned_at"),
        "timeline": case_timeline(case),
        "action_forms": forms,
        "open_action": bound.transition.name if bound is not None else "",
        "triage": triage_panel(actor, case, bound=triage_bound),
        "routing": routing,
        "panels": panels_for(actor, case, panel_bound),
    }


def render_case_detail(request: StaffRequest, number: str, *, panel: str, bound: Any,
                       status: int = 400) -> HttpResponse:
    """The case page again, with one panel's rejected form (errors and everything typed) in place."""
    try:
        context = _detail_context(request, number, panel_bound={panel: bound})
    except CaseNotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "cases/detail.html", context, status=status)


@login_required
def detail(request: StaffRequest, number: str) -> HttpResponse:
    try:
        context = _detail_context(request, number)
    except CaseNotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "cases/detail.html", context)


@login_required
@require_POST
def act(request: StaffRequest, number: str, transition: str) -> HttpResponse:
    spec = TRANSITIONS.get(transition)
    if spec is None:
        raise Http404(_("Unknown action."))
    form = TransitionForm(spec, request.POST)
    status = 400
    if form.is_valid():
        try:
            case = case_transition(
                actor=Actor.staff(request.user), number=number, transition=transition,
                reason=form.cleaned_data["reason"], data=form.service_data(),
                expected_version=form.cleaned_data["version"],
            )
        except CaseNotFound as exc:
            raise Http404(exc.message) from exc
        except CaseError as exc:
            status = exc.status_code
            target = exc.field if exc.field in form.fields else None
            form.add_error(target, exc.message)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": spec.label})
            return redirect("cases:detail", number=case.number)
    try:
        context = _detail_context(request, number, bound=form)
    except CaseNotFound as exc:
        raise Http404(exc.message) from exc
    if form.transition.name not in {f.transition.name for f in context["action_forms"]}:
        # The action is no longer (or never was) available: show the error on the page, keep nothing hidden.
        context["action_error"] = form.non_field_errors() or [_("This action is not available on this case.")]
    return render(request, "cases/detail.html", context, status=status)
