"""Staff pages for feedback: adapters that parse, check access, call one service, render. No JavaScript needed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jubao.accounts.actors import Actor
from jubao.accounts.http import StaffRequest
from jubao.attachments.responses import private_download
from jubao.cases.errors import CaseError, CaseNotFound
from jubao.cases.selectors import case_get_for
from jubao.cases.views import render_case_detail

from .followups import followup_contact, followup_record, may_record
from .forms import AnswerForm, FollowUpRecordForm, ReviewAssignForm, TemplateForm
from .hooks import open_review
from .letters import LetterUnavailable, letter_download
from .models import FollowUpStatus, ResponseTemplate
from .sections import SECTION_KEYS, problems
from .selectors import (
    followup_get,
    followup_queue,
    may_list_followups,
    template_get,
    template_sections,
    templates_all,
    templates_for_case,
)
from .services import TemplateInput, answer_send, may_edit_templates, review_assign, reviewer_candidates, template_save

PAGE_SIZE = 25
PANEL = "feedback"


def _case_anchor(number: str) -> str:
    return reverse("cases:detail", args=[number]) + "#feedback"


def _visible_case(request: StaffRequest, number: str):  # type: ignore[no-untyped-def]
    try:
        return case_get_for(request.user, number)
    except CaseNotFound as exc:
        raise Http404(exc.message) from exc


# --- answering on the case page ------------------------------------------------------------------
@login_required
def answer(request: StaffRequest, number: str) -> HttpResponse:
    """GET ?template=<uuid>: the case page with the sections filled from that template.
    POST: action=prefill does the same from the form's choice; anything else sends the answer."""
    case = _visible_case(request, number)
    templates = templates_for_case(case)
    if request.method == "GET":
        template = template_get(request.GET.get("template", ""))
        if template is None:
            return redirect(_case_anchor(case.number))
        return _prefilled(request, case, templates, template, case.version)
    form = AnswerForm(request.POST, templates=templates)
    if not form.is_valid():
        return render_case_detail(request, case.number, panel=PANEL, bound={"answer": form})
    if request.POST.get("action") == "prefill":
        template = template_get(form.cleaned_data["template"])
        if template is None:
            form.add_error("template", _("Choose a template first."))
            return render_case_detail(request, case.number, panel=PANEL, bound={"answer": form})
        return _prefilled(request, case, templates, template, form.cleaned_data["version"])
    for problem in problems(form.sections()):
        form.add_error(problem.field or None, problem.message)
    if form.errors:
        return render_case_detail(request, case.number, panel=PANEL, bound={"answer": form})
    try:
        sent = answer_send(actor=Actor.staff(request.user), number=case.number, sections=form.sections(),
                           template_id=form.cleaned_data["template"] or None,
                           expected_version=form.cleaned_data["version"])
    except CaseNotFound as exc:
        raise Http404(exc.message) from exc
    except CaseError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return render_case_detail(request, case.number, panel=PANEL, bound={"answer": form}, status=exc.status_code)
    messages.success(request, _("The answer (version %(version)d) was sent to the reporter.") % {
        "version": sent.version})
    return redirect("cases:detail", number=case.number)


def _prefilled(request: StaffRequest, case, templates, template: ResponseTemplate, version) -> HttpResponse:  # type: ignore[no-untyped-def]
    form = AnswerForm(templates=templates, initial={"version": version, "template": str(template.public_id),
                                                    **template_sections(template, case)})
    return render_case_detail(request, case.number, panel=PANEL, bound={"answer": form}, status=200)


@login_required
def letter(request: StaffRequest, number: str, version: int) -> HttpResponse:
    try:
        found = letter_download(actor=Actor.staff(request.user), number=number, version=version)
    except (CaseNotFound, LetterUnavailable) as exc:
        raise Http404(exc.message) from exc
    return private_download(bytes(found.pdf), content_type="application/pdf", filename=f"答复函-{found.reference}.pdf")


@login_required
@require_POST
def review_reviewer(request: StaffRequest, number: str) -> HttpResponse:
    case = _visible_case(request, number)
    review = open_review(case)
    form = ReviewAssignForm(request.POST, candidates=reviewer_candidates(review) if review else [])
    status = 400
    if form.is_valid():
        try:
            assigned = review_assign(actor=Actor.staff(request.user), number=case.number,
                                     reviewer_id=form.cleaned_data["reviewer"])
        except CaseNotFound as exc:
            raise Http404(exc.message) from exc
        except CaseError as exc:
            status = exc.status_code
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("%(name)s reviews the case.") % {"name": assigned.reviewer})
            return redirect(_case_anchor(case.number))
    elif review is not None and review.first_handler is not None \
            and request.POST.get("review-reviewer") == str(review.first_handler.public_id):
        form.errors["reviewer"] = form.error_class([
            _("%(name)s handled the case the first time and cannot review it.") % {"name": review.first_handler}])
    return render_case_detail(request, case.number, panel=PANEL, bound={"review": form}, status=status)


# --- the template knowledge base ------------------------------------------------------------------
def _require_template_editor(request: StaffRequest) -> Actor:
    actor = Actor.staff(request.user)
    if not may_edit_templates(actor):
        raise PermissionDenied
    return actor


@login_required
def templates(request: StaffRequest) -> HttpResponse:
    _require_template_editor(request)
    page = Paginator(templates_all(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "feedback/templates.html", {"page": page})


@login_required
def template_edit(request: StaffRequest, public_id: str | None = None) -> HttpResponse:
    actor = _require_template_editor(request)
    template = None
    if public_id is not None:
        template = ResponseTemplate.objects.filter(public_id=public_id).first()
        if template is None:
            raise Http404
    if request.method != "POST":
        form = TemplateForm(initial=TemplateForm.initial_for(template) if template else None)
        return render(request, "feedback/template_form.html", {"form": form, "template": template})
    form = TemplateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = template_save(actor=actor, template_id=str(template.public_id) if template else None,
                                  data=TemplateInput(title=data["title"], category_id=form.category_id(),
                                                     finding=data["finding"], is_active=data["is_active"],
                                                     **{key: data[key] for key in SECTION_KEYS}))
        except CaseError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Template “%(title)s” saved.") % {"title": saved.title})
            return redirect("feedback:templates")
    return render(request, "feedback/template_form.html", {"form": form, "template": template}, status=400)


# --- follow-ups --------------------------------------------------------------------------------------
STATUS_FILTERS = {"open": FollowUpStatus.OPEN, "done": FollowUpStatus.DONE,
                  "unreachable": FollowUpStatus.UNREACHABLE, "all": ""}


@login_required
def followups(request: StaffRequest) -> HttpResponse:
    if not may_list_followups(Actor.staff(request.user)):
        raise PermissionDenied
    key = request.GET.get("status", "open")
    status = STATUS_FILTERS.get(key, FollowUpStatus.OPEN)
    overdue = request.GET.get("overdue") == "1"
    page = Paginator(followup_queue(request.user, status=status, overdue=overdue), PAGE_SIZE).get_page(
        request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "feedback/followups.html", {
        "page": page, "query": query.urlencode(), "status": key if key in STATUS_FILTERS else "open",
        "overdue": overdue, "statuses": STATUS_FILTERS})


@login_required
def followup(request: StaffRequest, public_id: str) -> HttpResponse:
    actor = Actor.staff(request.user)
    if not may_list_followups(actor):
        raise PermissionDenied
    task = followup_get(request.user, public_id)
    if task is None:
        raise Http404(_("No follow-up with that id was found."))
    form = FollowUpRecordForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = followup_record(actor=actor, followup_id=str(task.public_id), outcome=data["outcome"],
                                         satisfaction=data["satisfaction"], reason=data["reason"], notes=data["notes"])
            except CaseNotFound as exc:
                raise Http404(exc.message) from exc
            except CaseError as exc:
                status = exc.status_code
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Follow-up recorded."))
                if result.review_opened:
                    messages.warning(request, _("The reporter is dissatisfied: case %(number)s is now under review.")
                                     % {"number": result.case.number})
                if result.note:
                    messages.warning(request, result.note)
                return redirect("feedback:followups")
    return render(request, "feedback/followup.html", {
        "task": task, "form": form, "may_record": may_record(actor) and task.status == FollowUpStatus.OPEN},
        status=status)


@login_required
@require_POST
def followup_send(request: StaffRequest, public_id: str) -> HttpResponse:
    try:
        followup_contact(actor=Actor.staff(request.user), followup_id=public_id)
    except CaseNotFound as exc:
        raise Http404(exc.message) from exc
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The follow-up question was sent to the reporter."))
    return redirect("feedback:followup", public_id=public_id)
