"""Staff pages and case-page actions for handling: adapters that parse, check access, call one service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jubao.accounts.actors import Actor
from jubao.accounts.http import StaffRequest
from jubao.cases.errors import CaseError, CaseNotFound
from jubao.cases.views import render_case_detail

from . import forms as f
from . import services
from .selectors import department_statistics, pending_approvals_for

Service = Callable[[Actor, str, dict[str, Any], str], Any]

# action → (form, bound-form key (may name the task), the service call, message on success)
ACTIONS: dict[str, tuple[Callable[..., forms.Form], Service, Any]] = {
    "assign": (lambda data: f.HandlerAssignForm(data, choices=[(data.get("handler", ""), "")]),
               lambda a, n, d, _t: services.handler_assign(actor=a, number=n, username=d["handler"],
                                                           reason=d["reason"]),
               lambda: _("Handler assigned.")),
    "recuse": (f.RecuseForm,
               lambda a, n, d, _t: services.case_recuse(actor=a, number=n, username=d["username"],
                                                        reason=d["reason"]),
               lambda: _("Recusal recorded.")),
    "report": (f.TaskReportForm,
               lambda a, n, d, t: services.task_report(actor=a, number=n, task_id=t, text=d["text"]),
               lambda: _("Report sent.")),
    "release": (f.TaskReleaseForm,
                lambda a, n, d, t: services.task_release(actor=a, number=n, task_id=t, reason=d["reason"]),
                lambda: _("Task released.")),
    "extension": (f.ExtensionRequestForm,
                  lambda a, n, d, _t: services.extension_request(actor=a, number=n, reason=d["reason"]),
                  lambda: _("Extension requested; the approver has been told.")),
    "extension-decide": (f.DecisionForm,
                         lambda a, n, d, _t: services.extension_decide(
                             actor=a, number=n, approve=d["decision"] == "approve", note=d["note"]),
                         lambda: _("Decision recorded.")),
    "conclusion": (f.ConclusionForm,
                   lambda a, n, d, _t: services.conclusion_submit(
                       actor=a, number=n, finding=d["finding"], facts=d["facts"], measures=d["measures"],
                       legal_basis=d["legal_basis"], malicious=d["malicious"], malicious_basis=d["malicious_basis"]),
                   lambda: _("Conclusion recorded.")),
    "conclusion-decide": (f.DecisionForm,
                          lambda a, n, d, _t: services.conclusion_decide(
                              actor=a, number=n, approve=d["decision"] == "approve", note=d["note"]),
                          lambda: _("Decision recorded.")),
}


@login_required
@require_POST
def act(request: StaffRequest, number: str, action: str, task: str = "") -> HttpResponse:
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404(_("Unknown action."))
    make_form, call, success = spec
    data = request.POST.copy()
    # The decision is the button pressed, so that "approve" and "refuse" share one form.
    if "approve" in data or "reject" in data:
        data["decision"] = "approve" if "approve" in data else "reject"
    form = make_form(data)
    key = f"{action}:{task}" if task else action
    if form.is_valid():
        try:
            call(Actor.staff(request.user), number, form.cleaned_data, task)
        except CaseNotFound as exc:
            raise Http404(exc.message) from exc
        except CaseError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return render_case_detail(request, number, panel="handling", bound={"key": key, "form": form},
                                      status=exc.status_code)
        messages.success(request, success())
        return redirect("cases:detail", number=number)
    return render_case_detail(request, number, panel="handling", bound={"key": key, "form": form})


@login_required
def approvals(request: StaffRequest) -> HttpResponse:
    return render(request, "handling/approvals.html", {"items": pending_approvals_for(request.user)})


@login_required
def departments(request: StaffRequest) -> HttpResponse:
    return render(request, "handling/departments.html", {"rows": department_statistics(request.user)})


@login_required
def conflicts(request: StaffRequest) -> HttpResponse:
    actor = Actor.staff(request.user)
    form, profile_form = f.ConflictForm(), None
    if request.method == "POST":
        try:
            if "withdraw" in request.POST:
                services.conflict_withdraw(actor=actor, public_id=request.POST["withdraw"])
                messages.success(request, _("Declaration withdrawn."))
                return redirect("handling:conflicts")
            if "profile" in request.POST:
                profile_form = f.ProfileForm(request.POST)
                if profile_form.is_valid():
                    services.handler_profile_update(actor=actor, **profile_form.cleaned_data)
                    messages.success(request, _("Saved."))
                    return redirect("handling:conflicts")
            else:
                form = f.ConflictForm(request.POST)
                if form.is_valid():
                    services.conflict_declare(actor=actor, **form.cleaned_data)
                    messages.success(request, _("Declaration recorded."))
                    return redirect("handling:conflicts")
        except CaseError as exc:
            target = form if "profile" not in request.POST else profile_form
            if target is not None:
                target.add_error(exc.field if exc.field in target.fields else None, exc.message)
            else:
                messages.error(request, exc.message)
    from .selectors import own_conflicts, own_profile

    profile = own_profile(request.user)
    if profile_form is None:
        profile_form = f.ProfileForm(initial={"person_name": profile.person_name if profile else "",
                                              "capability_tags": profile.capability_tags if profile else ""})
    status = 400 if (form.errors or profile_form.errors) else 200
    return render(request, "handling/conflicts.html", {
        "form": form, "profile_form": profile_form, "declarations": own_conflicts(request.user),
    }, status=status)
