"""System check: every registration channel is a report channel, so the report keeps the same channel."""

from __future__ import annotations

from django.core import checks

from jubao.cases.models import Channel

from .models import RegistrationChannel


@checks.register()
def registration_channels_are_report_channels(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    unknown = sorted(set(RegistrationChannel.values) - set(Channel.values))
    if unknown:
        return [checks.Error(f"registration channels {unknown} are not values of jubao.cases.models.Channel",
                             id="registration.E001")]
    return []
