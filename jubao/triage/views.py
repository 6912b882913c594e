"""Staff pages for triage: decisions on the case page, emergency events, classifier models.

Adapters only: parse, check access, call one service, render or redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jubao.accounts.actors import Actor
from jubao.accounts.http import StaffRequest
from jubao.accounts.models import Role
from jubao.cases.errors import CaseError, CaseNotFound

from .forms import EmergencyDeclareForm, override_form_for
from .models import ClassifierModel, ClassifierTarget, EmergencyEvent, Step
from .selectors import classifier_models, emergency_events
from .services import emergency_declare, emergency_end, triage_accept, triage_override, triage_request_supplement


def _case_page(request: StaffRequest, number: str, *, status: int, error: str = "",
               bound: Any = None) -> HttpResponse:
    from jubao.cases.views import _detail_context

    try:
        context = _detail_context(request, number, triage_bound=bound)
    except CaseNotFound as exc:
        raise Http404(exc.message) from exc
    context["triage_error"] = error
    context["triage_open"] = bound.step if bound is not None else ""
    return render(request, "cases/detail.html", context, status=status)


def _after(request: StaffRequest, number: str, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(f"{redirect('cases:detail', number=number).url}#triage")


@login_required
@require_POST
def accept(request: StaffRequest, number: str, step: str) -> HttpResponse:
    if step not in Step.values:
        raise Http404(_("Unknown triage step."))
    try:
        triage_accept(actor=Actor.staff(request.user), report_public_id_or_case_number=number, step=step)
    except CaseNotFound as exc:
        raise Http404(exc.message) from exc
    except CaseError as exc:
        return _case_page(request, number, status=exc.status_code, error=exc.message)
    return _after(request, number, _("Accepted: %(step)s.") % {"step": Step(step).label})


@login_required
@require_POST
def override(request: StaffRequest, number: str, step: str) -> HttpResponse:
    from .models import TriageResult

    if step not in Step.values:
        raise Http404(_("Unknown triage step."))
    form = override_form_for(TriageResult(step=step), request.POST)
    if form.is_valid():
        try:
            triage_override(actor=Actor.staff(request.user), report_public_id_or_case_number=number, step=step,
                            value=form.value(), reason=form.cleaned_data.get("reason", ""))
        except CaseNotFound as exc:
            raise Http404(exc.message) from exc
        except CaseError as exc:
            target = exc.field if exc.field in form.fields else None
            if target is None and exc.field == "category_id":
                target = "category_id"
            form.add_error(target, exc.message)
            return _case_page(request, number, status=exc.status_code, bound=form)
        return _after(request, number, _("Changed: %(step)s.") % {"step": Step(step).label})
    return _case_page(request, number, status=400, bound=form)


@login_required
@require_POST
def request_supplement(request: StaffRequest, number: str) -> HttpResponse:
    try:
        triage_request_supplement(actor=Actor.staff(request.user), report_public_id_or_case_number=number)
    except CaseNotFound as exc:
        raise Http404(exc.message) from exc
    except CaseError as exc:
        return _case_page(request, number, status=exc.status_code, error=exc.message)
    return _after(request, number, _("The request for the missing information was sent to the reporter."))


# --- administrators ---------------------------------------------------------------------------------
def _require_admin(request: StaffRequest) -> Actor:
    actor = Actor.staff(request.user)
    if actor.role != Role.ADMIN:
        raise PermissionDenied(_("Only administrators may do this."))
    return actor


@login_required
def emergencies(request: StaffRequest) -> HttpResponse:
    actor = _require_admin(request)
    form = EmergencyDeclareForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                event = emergency_declare(actor=actor, **form.service_data())
            except CaseError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("Emergency declared: %(name)s.") % {"name": event.name})
                return redirect("triage:emergencies")
    return render(request, "triage/emergencies.html", {"form": form, "events": emergency_events()}, status=status)


@login_required
@require_POST
def emergency_finish(request: StaffRequest, public_id: str) -> HttpResponse:
    actor = _require_admin(request)
    event = get_object_or_404(EmergencyEvent, public_id=public_id)
    try:
        emergency_end(actor=actor, event=event)
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Emergency ended: %(name)s.") % {"name": event.name})
    return redirect("triage:emergencies")


@login_required
def models(request: StaffRequest) -> HttpResponse:
    _require_admin(request)
    return render(request, "triage/models.html", {
        "models": classifier_models(), "targets": ClassifierTarget.choices,
    })


@login_required
@require_POST
def model_activate(request: StaffRequest, public_id: str) -> HttpResponse:
    from jubao.triage.classify import classifier_activate

    actor = _require_admin(request)
    model = get_object_or_404(ClassifierModel.objects.defer("blob"), public_id=public_id)
    try:
        classifier_activate(actor=actor, model=model)
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Model %(version)s is now active.") % {"version": model.version})
    return redirect("triage:models")


@login_required
@require_POST
def model_train(request: StaffRequest) -> HttpResponse:
    from jubao.triage.classify import classifier_train_enqueue

    actor = _require_admin(request)
    target = request.POST.get("target", "")
    if target not in ClassifierTarget.values:
        messages.error(request, _("Choose one of the listed options."))
        return redirect("triage:models")
    try:
        classifier_train_enqueue(actor=actor, target=target)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Training has started in the background; the new version appears here when "
                                    "it is done. Check its evaluation, then activate it."))
    return redirect("triage:models")
