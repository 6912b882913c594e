from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .throttle import login_blocked, login_failed, login_succeeded


class ThrottledLoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Too many failed attempts. Wait %(minutes)d minutes and try again."),
    }

    def _ip(self) -> str:
        return (self.request.META.get("REMOTE_ADDR") or "") if self.request else ""

    def clean(self):  # type: ignore[no-untyped-def]
        from django.conf import settings

        username = self.cleaned_data.get("username") or ""
        if login_blocked(username, self._ip()):
            raise forms.ValidationError(
                self.error_messages["throttled"], code="throttled",
                params={"minutes": max(1, settings.LOGIN_THROTTLE_WINDOW_SECONDS // 60)},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_failed(username, self._ip())
            raise
        login_succeeded(username, self._ip())
        return cleaned
