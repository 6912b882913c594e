"""Staff pages for registrations: adapters that parse, check access, call one service, render."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jubao.accounts.actors import Actor
from jubao.accounts.http import StaffRequest
from jubao.cases.errors import CaseError

from .errors import RegistrationError, RegistrationForbidden
from .forms import CheckForm, EntryForm, ResolveForm, WithdrawForm
from .models import CheckedField, Registration, RegistrationStatus
from .selectors import (
    CHECK_ROLES,
    ENTER_ROLES,
    RESOLVE_ROLES,
    VIEW_ROLES,
    WITHDRAW_ROLES,
    RegistrationNotFound,
    registration_get_for,
    registration_lists,
    role_of,
)
from .services import (
    CHANNEL_FIELDS,
    blind_fields,
    display_value,
    registration_check,
    registration_enter,
    registration_resolve,
    registration_withdraw,
)

BLIND_CHANNEL_FIELDS = frozenset({CheckedField.LETTER_DATE})


def _require(request: StaffRequest, roles: frozenset[str]) -> None:
    if role_of(request.user) not in roles:
        raise PermissionDenied(_("Registrations are for intake clerks, dispatchers and administrators."))


def _get(request: StaffRequest, public_id: Any) -> Registration:
    try:
        return registration_get_for(request.user, public_id)
    except RegistrationNotFound as exc:
        raise Http404(exc.message) from exc


def _permissions(user: Any, registration: Registration) -> dict[str, bool]:
    role = role_of(user)
    status = registration.status
    own = registration.entered_by_id == user.pk
    return {
        "can_check": role in CHECK_ROLES and status == RegistrationStatus.AWAITING_CHECK and not own,
        "can_resolve": (role in RESOLVE_ROLES and status == RegistrationStatus.DISPUTED
                        and registration.checked_by_id != user.pk),
        "can_withdraw": registration.is_open and (own or role in WITHDRAW_ROLES),
        # A clerk who may still check it must not see the key fields before typing them.
        "blind": role in CHECK_ROLES and status == RegistrationStatus.AWAITING_CHECK and not own,
    }


def _shown(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def channel_facts(registration: Registration, *, blind: bool) -> list[tuple[str, str]]:
    facts = []
    for name in CHANNEL_FIELDS[registration.channel]:
        if name == "sender_address":
            if registration.identity_id:
                facts.append((_("Sender's address"), _("in the identity vault")))
            continue
        if blind and name in BLIND_CHANNEL_FIELDS:
            continue
        label = str(getattr(Registration._meta.get_field(name), "verbose_name", name))
        facts.append((label[:1].upper() + label[1:], _shown(getattr(registration, name))))
    return facts


def _differences(registration: Registration) -> list[dict[str, Any]]:
    return [{
        "difference": d,
        "entered": display_value(d.field, d.entered_value),
        "checked": display_value(d.field, d.checked_value),
        "resolved": display_value(d.field, d.resolved_value),
    } for d in registration.differences.select_related("resolved_by").order_by("pk")]


def _detail_context(request: StaffRequest, registration: Registration, **extra: Any) -> dict[str, Any]:
    permissions = _permissions(request.user, registration)
    return {
        "registration": registration, **permissions,
        "channel_facts": channel_facts(registration, blind=permissions["blind"]),
        "differences": _differences(registration),
        "withdraw_form": extra.pop("withdraw_form", None) or WithdrawForm(),
        **extra,
    }


def _refused(request: StaffRequest, registration: Registration, exc: CaseError) -> HttpResponse:
    """A service refused the act itself (wrong person, wrong moment): say so on the detail page."""
    registration = _get(request, registration.public_id)
    return render(request, "registration/detail.html", _detail_context(request, registration, error=exc.message),
                  status=exc.status_code)


# --- pages -----------------------------------------------------------------------------------------
@login_required
def index(request: StaffRequest) -> HttpResponse:
    _require(request, VIEW_ROLES)
    return render(request, "registration/index.html", {
        **registration_lists(request.user), "can_enter": role_of(request.user) in ENTER_ROLES,
    })


@login_required
@require_http_methods(["GET", "POST"])
def enter(request: StaffRequest) -> HttpResponse:
    _require(request, ENTER_ROLES)
    form = EntryForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                registration = registration_enter(actor=Actor.staff(request.user), data=form.entry_data())
            except RegistrationError as exc:
                status = exc.status_code
                form.add_service_errors(exc.errors, exc.message)
            else:
                messages.success(request, _("Registered as %(reference)s. A second clerk will now check it.")
                                 % {"reference": registration.reference})
                return redirect("registration:detail", public_id=registration.public_id)
    form.annotate_errors()
    return render(request, "registration/enter.html", {"form": form}, status=status)


@login_required
def detail(request: StaffRequest, public_id: str) -> HttpResponse:
    _require(request, VIEW_ROLES)
    registration = _get(request, public_id)
    return render(request, "registration/detail.html", _detail_context(request, registration))


@login_required
@require_http_methods(["GET", "POST"])
def check(request: StaffRequest, public_id: str) -> HttpResponse:
    _require(request, VIEW_ROLES)
    registration = _get(request, public_id)
    if role_of(request.user) not in CHECK_ROLES:
        return _refused(request, registration, RegistrationForbidden(_("Only intake clerks check registrations.")))
    if registration.entered_by_id == request.user.pk:
        return _refused(request, registration, RegistrationForbidden(
            _("You entered this registration yourself; a second clerk must check it.")))
    if registration.status != RegistrationStatus.AWAITING_CHECK:
        messages.info(request, _("This registration is no longer waiting for a check."))
        return redirect("registration:detail", public_id=registration.public_id)
    form = CheckForm(request.POST or None, registration=registration, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                registration = registration_check(actor=Actor.staff(request.user), registration=registration,
                                                  data=form.check_data())
            except RegistrationError as exc:
                if not exc.errors:
                    return _refused(request, registration, exc)
                status = exc.status_code
                form.add_service_errors(exc.errors, exc.message)
            except CaseError as exc:
                status = exc.status_code
                form.add_error(None, exc.message)
            else:
                if registration.status == RegistrationStatus.CONFIRMED:
                    messages.success(request, _("Both entries agree: the report is registered as case %(case)s.")
                                     % {"case": registration.report.case.number})  # type: ignore[union-attr]
                else:
                    messages.warning(request, _("The entries differ. The differences must now be settled "
                                                "by someone other than you."))
                return redirect("registration:detail", public_id=registration.public_id)
    form.annotate_errors()
    return render(request, "registration/check.html", {
        "registration": registration, "form": form,
        "channel_facts": channel_facts(registration, blind=True),
        "blind_count": len(blind_fields(registration)),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def resolve(request: StaffRequest, public_id: str) -> HttpResponse:
    _require(request, RESOLVE_ROLES)
    registration = _get(request, public_id)
    if registration.checked_by_id == request.user.pk:
        return _refused(request, registration, RegistrationForbidden(
            _("You checked this registration; someone else must settle the differences.")))
    if registration.status != RegistrationStatus.DISPUTED:
        messages.info(request, _("This registration has no open differences."))
        return redirect("registration:detail", public_id=registration.public_id)
    differences = list(registration.differences.order_by("pk"))
    form = ResolveForm(request.POST or None, differences=differences, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                registration = registration_resolve(actor=Actor.staff(request.user), registration=registration,
                                                    resolutions=form.resolutions())
            except RegistrationError as exc:
                if not exc.errors:
                    return _refused(request, registration, exc)
                status = exc.status_code
                form.add_service_errors(exc.errors, exc.message, mapping=form.error_mapping())
            except CaseError as exc:
                status = exc.status_code
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Differences settled: the report is registered as case %(case)s.")
                                 % {"case": registration.report.case.number})  # type: ignore[union-attr]
                return redirect("registration:detail", public_id=registration.public_id)
    form.annotate_errors()
    return render(request, "registration/resolve.html", {
        "registration": registration, "form": form, "rows": form.rows(),
        "channel_facts": channel_facts(registration, blind=False),
    }, status=status)


@login_required
@require_POST
def withdraw(request: StaffRequest, public_id: str) -> HttpResponse:
    _require(request, VIEW_ROLES)
    registration = _get(request, public_id)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            registration_withdraw(actor=Actor.staff(request.user), registration=registration,
                                  reason=form.cleaned_data["reason"])
        except RegistrationError as exc:
            if not exc.errors:
                return _refused(request, registration, exc)
            form.add_service_errors(exc.errors, exc.message)
        else:
            messages.success(request, _("Registration %(reference)s withdrawn.")
                             % {"reference": registration.reference})
            return redirect("registration:detail", public_id=registration.public_id)
    form.annotate_errors()
    return render(request, "registration/detail.html",
                  _detail_context(request, registration, withdraw_form=form, open_withdraw=True), status=400)
