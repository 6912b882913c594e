"""Public portal pages: adapters that parse input, call one service, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jubao.cases.errors import CaseError
from jubao.cases.models import CaseState, RefusalReason
from jubao.feedback.letters import reporter_letter_available

from . import handoff, public, ratelimit
from .forms import (
    FollowupLoginForm,
    MessageForm,
    RatingForm,
    ReviewForm,
    SubmissionForm,
    SupplementForm,
    cached_region,
)
from .models import MessageDirection
from .qr import qr_svg
from .receipts import display_receipt
from .services import (
    IntakeError,
    ReporterLoginFailed,
    Submission,
    messages_mark_read,
    report_for_session,
    report_submit,
    reporter_login,
    reporter_message_send,
    reporter_rate,
    reporter_request_review,
    reporter_supplement_answer,
)
from .uploads import UploadRejected, check_uploads

SESSION_REPORT = "reporter_report"
LARGE_TEXT_COOKIE = "jubao_large_text"


def _fresh_session(request: HttpRequest) -> None:
    """A new session key on login or submission (no session fixation); a visitor without a session
    simply gets a new one when the response is saved."""
    if request.session.session_key:
        request.session.cycle_key()


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"refusal_reasons": RefusalReason.choices})


def _submission(form: SubmissionForm, files: list[Any]) -> Submission:
    data = form.cleaned_data
    return Submission(
        kind=data["kind"], title=data["title"], body=data["body"],
        region=cached_region(data["region"]), address=data["address"], latitude=data["latitude"],
        longitude=data["longitude"], occurred_on=data["occurred_on"], occurred_text=data["occurred_text"],
        reported_subject=data["reported_subject"], contact_preference=data.get("contact_preference") or "",
        real_name=data["identity"] == "real_name", name=data.get("name", ""), id_number=data.get("id_number", ""),
        phone=data.get("phone", ""), acknowledged_notice=data["acknowledged_notice"],
        language=translation.get_language() or settings.LANGUAGE_CODE, files=files,
    )


@never_cache
def submit(request: HttpRequest) -> HttpResponse:
    form = SubmissionForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not ratelimit.allow_submission(request):
            form.add_error(None, _("Too many reports from this connection in a short time. Please wait a few "
                                   "minutes and send again; nothing you typed is lost."))
        elif form.is_valid():
            try:
                files = check_uploads(form.cleaned_data["attachments"])
                result = report_submit(submission=_submission(form, files))
            except UploadRejected as exc:
                form.add_error("attachments", exc.message)
            except IntakeError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                # No session yet: the receipt page signs the reporter in, so the receipt never sits in a
                # session row in the database.
                response = redirect("intake:receipt")
                response.set_cookie(
                    handoff.COOKIE, handoff.seal(handoff.Handoff(str(result.report.public_id), result.receipt)),
                    max_age=handoff.MAX_AGE_SECONDS, path=reverse("intake:receipt"), httponly=True,
                    samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
                )
                return response
        status = 400
    else:
        status = 200
    return render(request, "portal/submit.html", {"form": form}, status=status)


@never_cache
def receipt(request: HttpRequest) -> HttpResponse:
    handed = handoff.open_sealed(request.COOKIES.get(handoff.COOKIE))
    report = report_for_session(handed.report_public_id if handed else request.session.get(SESSION_REPORT))
    response: HttpResponse
    if report is None:
        response = redirect("intake:login")
    else:
        secret = handed.receipt if handed else None  # shown once: the cookie is deleted below
        if handed:
            _fresh_session(request)
            request.session[SESSION_REPORT] = str(report.public_id)
            request.session.set_expiry(0)
        qr = qr_svg(f"{report.tracking_number}\n{secret}") if secret else qr_svg(report.tracking_number)
        response = render(request, "portal/receipt.html", {
            "report": report, "receipt": display_receipt(secret) if secret else None, "qr": qr,
        })
    response.delete_cookie(handoff.COOKIE, path=reverse("intake:receipt"), samesite="Lax")
    return response


@never_cache
def login(request: HttpRequest) -> HttpResponse:
    form = FollowupLoginForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                report = reporter_login(tracking_number=form.cleaned_data["tracking_number"],
                                        receipt=form.cleaned_data["receipt"], phone=form.cleaned_data["phone"])
            except ReporterLoginFailed as exc:
                form.add_error(None, exc.message)
                status = 403
            else:
                _fresh_session(request)
                request.session[SESSION_REPORT] = str(report.public_id)
                request.session.set_expiry(0)
                return redirect("intake:followup")
    return render(request, "portal/login.html", {"form": form}, status=status)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    request.session.flush()
    return redirect("intake:home")


def _followup_context(report: Any, **forms: Any) -> dict[str, Any]:
    case = report.case
    supplement_request = public.open_supplement_request(case, report)
    return {
        "report": report, "case": case, "status": public.public_status(case),
        "letter_available": reporter_letter_available(report),
        "timeline": public.public_timeline(case), "deadlines": public.public_deadlines(case),
        "supplement_request": supplement_request,
        "messages": public.public_messages(report, supplement_request),
        "can_rate": case.state == CaseState.ANSWERED,
        "can_review": case.state in (CaseState.ANSWERED, CaseState.RATED),
        "answer": case.feedback_text if case.state in _ANSWERED_STATES else "",
        "redirect_notice": case.redirect_notice if case.state == CaseState.REFUSED else "",
        # Four forms share one page: each gets its own id prefix so labels and anchors never collide.
        "message_form": forms.get("message_form") or MessageForm(auto_id="message-%s"),
        "supplement_form": forms.get("supplement_form") or SupplementForm(auto_id="supplement-%s"),
        "rating_form": forms.get("rate_form") or RatingForm(auto_id="rate-%s"),
        "review_form": forms.get("review_form") or ReviewForm(auto_id="review-%s"),
        "open_form": forms.get("open_form", ""),
    }


_ANSWERED_STATES = {CaseState.ANSWERED, CaseState.RATED, CaseState.UNDER_REVIEW, CaseState.CLOSED,
                    CaseState.ARCHIVED, CaseState.REOPENED}


@never_cache
def followup(request: HttpRequest) -> HttpResponse:
    report = report_for_session(request.session.get(SESSION_REPORT))
    if report is None:
        return redirect("intake:login")
    if request.method == "GET":
        messages_mark_read(report=report, direction=MessageDirection.TO_REPORTER)
        return render(request, "portal/followup.html", _followup_context(report))
    action = request.POST.get("action", "")
    handlers: dict[str, tuple[Any, Any]] = {
        "message": (MessageForm, _send_message), "supplement": (SupplementForm, _answer_supplement),
        "rate": (RatingForm, _rate), "review": (ReviewForm, _review),
    }
    if action not in handlers:
        return redirect("intake:followup")
    form_class, handler = handlers[action]
    form = form_class(request.POST, request.FILES or None, auto_id=f"{action}-%s")
    if form.is_valid():
        try:
            handler(report, form)
        except UploadRejected as exc:
            form.add_error("attachments", exc.message)
        except CaseError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("intake:followup")
    context = _followup_context(report, **{f"{action}_form": form, "open_form": action})
    return render(request, "portal/followup.html", context, status=400)


def _send_message(report: Any, form: MessageForm) -> None:
    reporter_message_send(report=report, body=form.cleaned_data["body"],
                          files=check_uploads(form.cleaned_data["attachments"]))


def _answer_supplement(report: Any, form: SupplementForm) -> None:
    reporter_supplement_answer(report=report, body=form.cleaned_data["body"],
                               files=check_uploads(form.cleaned_data["attachments"]))


def _rate(report: Any, form: RatingForm) -> None:
    reporter_rate(report=report, satisfaction=form.cleaned_data["satisfaction"], reason=form.cleaned_data["reason"])


def _review(report: Any, form: ReviewForm) -> None:
    reporter_request_review(report=report, reason=form.cleaned_data["reason"])


@require_POST
def display(request: HttpRequest) -> HttpResponse:
    """Large-text mode: a cookie, so it persists without an account and without JavaScript."""
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = redirect(target)
    if request.POST.get("large_text") == "on":
        response.set_cookie(LARGE_TEXT_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax")
    else:
        response.delete_cookie(LARGE_TEXT_COOKIE)
    return response
