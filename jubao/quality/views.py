"""Staff pages of the quality app: adapters only (parse, check access, call one service or selector, render)."""

from __future__ import annotations

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
from jubao.cases.errors import CaseError, CaseNotFound
from jubao.cases.views import render_case_detail

from .flags import thresholds
from .forms import FlagFilterForm, RetrospectiveReviewForm, SampleFilterForm, SelfReviewFilterForm, SelfReviewForm
from .periods import month_label
from .selectors import (
    SampleFilters,
    department_flags_for,
    flag_months,
    may_oversee,
    may_see_self_reviews,
    retrospective_case_number,
    retrospective_items_for,
    sample_months,
    samples_for,
    self_review_case_number,
    self_reviews_for,
)
from .services import retrospective_review_submit, self_review_submit

PAGE_SIZE = 25
PANEL = "quality"


def _query(request: StaffRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def self_reviews(request: StaffRequest) -> HttpResponse:
    if not may_see_self_reviews(request.user):
        raise PermissionDenied
    form = SelfReviewFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_bound and form.is_valid() else ""
    page = Paginator(self_reviews_for(request.user, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "quality/self_reviews.html", {"form": form, "page": page, "query": _query(request)},
                  status=400 if form.is_bound and not form.is_valid() else 200)


@login_required
@require_POST
def self_review_fill(request: StaffRequest, public_id: str) -> HttpResponse:
    number = self_review_case_number(public_id)
    if number is None:
        raise Http404
    form = SelfReviewForm(request.POST)
    if form.is_valid():
        try:
            self_review_submit(actor=Actor.staff(request.user), public_id=public_id, **form.service_data())
        except CaseNotFound as exc:
            raise Http404(exc.message) from exc
        except CaseError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return render_case_detail(request, number, panel=PANEL, bound={"self_review": form},
                                      status=exc.status_code)
        messages.success(request, _("Self-review saved."))
        return redirect("cases:detail", number=number)
    return render_case_detail(request, number, panel=PANEL, bound={"self_review": form})


@login_required
@require_POST
def retrospective_review(request: StaffRequest, public_id: str) -> HttpResponse:
    number = retrospective_case_number(public_id)
    if number is None:
        raise Http404
    form = RetrospectiveReviewForm(request.POST)
    if form.is_valid():
        try:
            retrospective_review_submit(actor=Actor.staff(request.user), public_id=public_id,
                                        **form.service_data())
        except CaseNotFound as exc:
            raise Http404(exc.message) from exc
        except CaseError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return render_case_detail(request, number, panel=PANEL, bound={"retrospective": form},
                                      status=exc.status_code)
        messages.success(request, _("Retrospective review saved."))
        return redirect("cases:detail", number=number)
    return render_case_detail(request, number, panel=PANEL, bound={"retrospective": form})


@login_required
def retrospectives(request: StaffRequest) -> HttpResponse:
    if not may_oversee(request.user):
        raise PermissionDenied
    form = SampleFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    data = form.cleaned_data if form.is_bound and valid else {}
    months = sample_months()
    month = data.get("month") or (months[0] if months else None)
    filters = SampleFilters(month=month, status=data.get("status", ""))
    page = Paginator(retrospective_items_for(request.user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "quality/retrospectives.html", {
        "form": form, "page": page, "query": _query(request), "month": month,
        "month_label": month_label(month) if month else "", "months": [month_label(m) for m in months],
        "samples": samples_for(request.user, month),
    }, status=200 if valid else 400)


@login_required
def flags(request: StaffRequest) -> HttpResponse:
    if not may_oversee(request.user):
        raise PermissionDenied
    form = FlagFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    months = flag_months()
    month = (form.cleaned_data.get("month") if form.is_bound and valid else None) or (months[0] if months else None)
    return render(request, "quality/flags.html", {
        "form": form, "rows": department_flags_for(request.user, month), "month": month,
        "month_label": month_label(month) if month else "", "months": [month_label(m) for m in months],
        "limits": thresholds(),
    }, status=200 if valid else 400)
