from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jubao.accounts.http import StaffRequest

from .forms import PreferenceForm
from .models import Notification
from .services import (
    notification_mark_read,
    notification_preference_get,
    notification_preference_set,
    notifications_mark_all_read,
)


@login_required
def inbox(request: StaffRequest) -> HttpResponse:
    items = Notification.objects.filter(user=request.user).order_by("-created_at")
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def open_notification(request: StaffRequest, public_id: str) -> HttpResponse:
    notification = Notification.objects.filter(public_id=public_id, user=request.user).first()
    if notification is None:
        raise Http404
    notification_mark_read(actor=request.user, notification=notification)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: StaffRequest) -> HttpResponse:
    notifications_mark_all_read(actor=request.user)
    return redirect("notifications:inbox")


@login_required
def preferences(request: StaffRequest) -> HttpResponse:
    """Whether the user's notices are also sent to their e-mail address."""
    preference = notification_preference_get(request.user)
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            notification_preference_set(actor=request.user, email_copies=form.cleaned_data["email_copies"])
            messages.success(request, _("Your notification settings were saved."))
            return redirect("notifications:preferences")
        return render(request, "notifications/preferences.html", {"form": form}, status=400)
    form = PreferenceForm(initial={"email_copies": preference.email_copies})
    return render(request, "notifications/preferences.html", {"form": form})
