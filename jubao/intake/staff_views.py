"""Staff side of the reporter channel: writing to the reporter from the case page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jubao.accounts.http import StaffRequest
from jubao.accounts.models import Role
from jubao.cases.errors import CaseNotFound
from jubao.cases.selectors import case_get_for

from .forms import ReplyForm
from .services import IntakeError, reporter_message_reply

# Reading the trail is not the same as speaking for the office.
MAY_WRITE = {Role.CLERK, Role.DISPATCHER, Role.HANDLER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR, Role.ADMIN}


@login_required
@require_POST
def reply(request: StaffRequest, number: str, tracking_number: str) -> HttpResponse:
    try:
        case = case_get_for(request.user, number)
    except CaseNotFound as exc:
        raise Http404(exc.message) from exc
    report = case.reports.filter(tracking_number=tracking_number).first()
    if report is None:
        raise Http404
    if request.user.role not in MAY_WRITE and not request.user.is_superuser:
        raise PermissionDenied
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            reporter_message_reply(actor=request.user, report=report, body=form.cleaned_data["body"])
        except IntakeError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your message was sent to the reporter."))
    else:
        messages.error(request, _("Write a message before sending."))
    return redirect(reverse("cases:detail", args=[case.number]) + f"#report-{report.tracking_number}")
