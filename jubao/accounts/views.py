from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from jubao.accounts.http import StaffRequest

from .models import ApiToken
from .services import api_token_create, api_token_revoke


class TokenForm(forms.Form):
    name = forms.CharField(label=_("What the token is for"), max_length=80)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


@login_required
def tokens(request: StaffRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _token, secret = api_token_create(actor=request.user, name=form.cleaned_data["name"])
        form = TokenForm()
    return render(request, "accounts/tokens.html", {
        "form": form, "secret": secret,
        "tokens": ApiToken.objects.filter(user=request.user, revoked_at__isnull=True).order_by("-created_at"),
    }, status=400 if request.method == "POST" and secret is None else 200)


@login_required
@require_POST
def token_revoke(request: StaffRequest, public_id: str) -> HttpResponse:
    token = ApiToken.objects.filter(public_id=public_id, user=request.user).first()
    if token is None:
        raise Http404
    api_token_revoke(actor=request.user, token=token)
    return redirect("accounts:tokens")
