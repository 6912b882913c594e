"""The supervisor's page: adapters only (parse, check access, call the selector, render). Works without JavaScript."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from jubao.accounts.http import StaffRequest

from .forms import OverviewFilterForm
from .selectors import PROBLEM_LABELS, case_problems, may_supervise, supervision_overview, supervision_regions

INDENT = "\u3000"  # a full-width space per level below the city, so the region list reads as a tree


@login_required
def overview(request: StaffRequest) -> HttpResponse:
    if not may_supervise(request.user):
        raise PermissionDenied
    regions = [(code, INDENT * max(0, path.count("/") - 3) + name)
               for code, name, path in supervision_regions(request.user).values_list("code", "name", "path")]
    form = OverviewFilterForm(request.GET or None, regions=regions)
    filters = form.filters(request.GET.get("page"))
    result = supervision_overview(request.user, filters=filters)
    form.set_departments(result.departments)
    query = request.GET.copy()
    query.pop("page", None)
    rows = [(case, [(name, PROBLEM_LABELS[name]) for name in case_problems(case)]) for case in result.cases]
    counts = [(name, label, result.totals[name]) for name, label in PROBLEM_LABELS.items()]
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "supervision/overview.html", {
        "form": form, "selects": form.selects(), "overview": result, "rows": rows, "counts": counts,
        "query": query.urlencode(),
    }, status=status)
