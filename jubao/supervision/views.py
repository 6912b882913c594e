"""The supervisor's pages: adapters only (parse, check access, call the selector or one service, render). They work
without JavaScript."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jubao.accounts.actors import Actor
from jubao.accounts.http import StaffRequest
from jubao.accounts.models import Role
from jubao.cases.errors import CaseError, CaseNotFound
from jubao.cases.views import render_case_detail
from jubao.quality.periods import quarter_label

from .forms import (
    NoticeDecisionForm,
    NoticeFilterForm,
    NoticeIssueForm,
    NoticeReplyForm,
    OverviewFilterForm,
    RankingFilterForm,
)
from .ratings import bands
from .selectors import (
    PROBLEM_LABELS,
    case_problems,
    may_supervise,
    notice_case_number,
    notices_for,
    overdue_notices,
    rating_quarters,
    ratings_for,
    supervision_overview,
    supervision_regions,
)
from .services import notice_decide, notice_issue, notice_reply

INDENT = "\u3000"  # a full-width space per level below the city, so the region list reads as a tree
PAGE_SIZE = 25
PANEL = "supervision"


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
        "query": query.urlencode(), "overdue_notices": overdue_notices(request.user),
    }, status=status)


def _notice_case_number(public_id: str) -> str:
    number = notice_case_number(public_id)
    if number is None:
        raise Http404
    return number


def _submit(request: StaffRequest, number: str, form: Any, key: str, call: Any, done: str) -> HttpResponse:
    """Run one service with a valid form; on refusal show the case page again with the form and its error."""
    if form.is_valid():
        try:
            call(form)
        except CaseNotFound as exc:
            raise Http404(exc.message) from exc
        except CaseError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return render_case_detail(request, number, panel=PANEL, bound={key: form}, status=exc.status_code)
        messages.success(request, done)
        return redirect("cases:detail", number=number)
    return render_case_detail(request, number, panel=PANEL, bound={key: form})


@login_required
@require_POST
def notice_issue_view(request: StaffRequest, number: str) -> HttpResponse:
    form = NoticeIssueForm(request.POST)
    return _submit(request, number, form, "issue", lambda f: notice_issue(
        actor=Actor.staff(request.user), number=number, **f.cleaned_data), _("Supervision notice issued."))


@login_required
@require_POST
def notice_reply_view(request: StaffRequest, public_id: str) -> HttpResponse:
    number = _notice_case_number(public_id)
    form = NoticeReplyForm(request.POST)
    return _submit(request, number, form, "reply", lambda f: notice_reply(
        actor=Actor.staff(request.user), public_id=public_id, **f.cleaned_data), _("Reply sent."))


@login_required
@require_POST
def notice_decide_view(request: StaffRequest, public_id: str) -> HttpResponse:
    number = _notice_case_number(public_id)
    form = NoticeDecisionForm(request.POST)
    return _submit(request, number, form, "decision", lambda f: notice_decide(
        actor=Actor.staff(request.user), public_id=public_id, **f.service_data()), _("Decision recorded."))


@login_required
def notices(request: StaffRequest) -> HttpResponse:
    user = request.user
    if not (may_supervise(user) or user.role in (Role.HANDLER, Role.DEPARTMENT_HEAD, Role.AUDITOR)):
        raise PermissionDenied
    form = NoticeFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    status = form.cleaned_data.get("status", "") if form.is_bound and valid else ""
    page = Paginator(notices_for(user, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "supervision/notices.html", {"form": form, "page": page, "query": query.urlencode()},
                  status=200 if valid else 400)


@login_required
def ranking(request: StaffRequest) -> HttpResponse:
    user = request.user
    if not (may_supervise(user) or user.role == Role.AUDITOR):
        raise PermissionDenied
    form = RankingFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    quarters = rating_quarters()
    quarter = (form.cleaned_data.get("quarter") if form.is_bound and valid else None) or (
        quarters[0] if quarters else None)
    return render(request, "supervision/ranking.html", {
        "form": form, "rows": ratings_for(user, quarter), "quarter_label": quarter_label(quarter) if quarter else "",
        "quarters": [quarter_label(q) for q in quarters], "bands": bands(),
    }, status=200 if valid else 400)
