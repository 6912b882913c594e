"""Public portal forms. They parse and validate what people type; services decide the rest."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jubao.cases.models import Satisfaction
from jubao.organisation.models import Region, RegionLevel
from jubao.protection.vault import normalise_phone, validate_id_number
from jubao.taxonomy.models import Kind

MAX_FILES = 10
PHONE = RegexValidator(r"^1\d{10}$", _("Enter an 11-digit mobile number."))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("Attach at most %(n)d files.") % {"n": MAX_FILES})
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


_choices_cache: dict[str, tuple[float, Any]] = {}


def _cached_choices(name: str, build: Any) -> Any:
    """Regions and kinds change rarely; every form build re-reading them would tax each submission.
    Other processes see a change within JUBAO_CONFIG_CACHE_SECONDS."""
    ttl = getattr(settings, "JUBAO_CONFIG_CACHE_SECONDS", 5)
    hit = _choices_cache.get(name)
    if hit is not None and ttl and time.monotonic() - hit[0] < ttl:
        return hit[1]
    choices = build()
    _choices_cache[name] = (time.monotonic(), choices)
    return choices


def cached_region(code: str) -> Region:
    """The region a submission names: read once per process and cache period, not per submission."""
    region: Region = _cached_choices(f"region:{code}", lambda: Region.objects.get(code=code))
    return region


def region_choices() -> list[tuple[str, str]]:
    """Every region, indented by level, so a plain <select> works without JavaScript."""
    depth = {level.value: i for i, level in enumerate(RegionLevel)}
    regions = list(Region.objects.order_by("path").values_list("code", "name", "level"))
    top = min((depth[level] for _code, _name, level in regions), default=0)
    return [("", "—")] + [(code, "\u3000" * (depth[level] - top) + name) for code, name, level in regions]


class PortalForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SubmissionForm(PortalForm):
    kind = forms.ChoiceField(label=_("What kind of report is this?"), widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=100,
                            help_text=_("A few words, e.g. “Rubbish not collected for a week”."))
    body = forms.CharField(label=_("What happened?"), widget=forms.Textarea(attrs={"rows": 7}), max_length=10000,
                           help_text=_("Who did what, where and when; what you saw or know; any evidence."))
    region = forms.ChoiceField(label=_("Where? (region)"))
    address = forms.CharField(label=_("Street address or place"), max_length=255, required=False)
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False,
                                  min_value=-90, max_value=90)
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, required=False,
                                   min_value=-180, max_value=180)
    occurred_on = forms.DateField(label=_("When did it happen? (date)"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    occurred_text = forms.CharField(label=_("When, in your own words"), max_length=100, required=False,
                                    help_text=_("e.g. “every night since March”"))
    reported_subject = forms.CharField(label=_("Who or which unit are you reporting? (optional)"), max_length=200,
                                       required=False)
    attachments = MultipleFileField(label=_("Photos, videos, recordings or documents (optional)"), required=False,
                                    help_text=_("Up to 10 files. Location and camera details are removed from "
                                                "photos and PDFs before they are stored."))
    identity = forms.ChoiceField(
        label=_("Do you want to give your name?"), widget=forms.RadioSelect, initial="anonymous",
        choices=[("anonymous", _("No, report anonymously — I will get a secret receipt to follow my report")),
                 ("real_name", _("Yes, report under my real name — I will be told of progress by SMS"))],
    )
    name = forms.CharField(label=_("Your name"), max_length=60, required=False)
    id_number = forms.CharField(label=_("ID card number"), max_length=18, required=False)
    phone = forms.CharField(label=_("Mobile number"), max_length=20, required=False)
    contact_preference = forms.ChoiceField(
        label=_("How should we tell you about progress?"), required=False, initial="sms",
        choices=[("sms", _("SMS")), ("phone", _("Phone call")), ("none", _("Do not contact me; I will check"))],
    )
    acknowledged_notice = forms.BooleanField(
        label=_("I understand that knowingly making a false accusation is against the law and may have "
                "legal consequences for me."), required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Labels follow the reader's language: cached per language.
        kind_field: Any = self.fields["kind"]
        kind_field.choices = _cached_choices(f"kinds:{get_language()}", lambda: [
            (kind.code, kind.public_label()) for kind in Kind.objects.filter(is_active=True)
        ])
        region_field: Any = self.fields["region"]
        region_field.choices = _cached_choices("regions", region_choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("identity") != "real_name":
            return data
        if not (data.get("name") or "").strip():
            self.add_error("name", _("Please give your name, or choose to report anonymously."))
        id_number = (data.get("id_number") or "").strip().upper()
        if not validate_id_number(id_number):
            self.add_error("id_number", _("This is not a valid 18-digit ID card number; please check it."))
        phone = normalise_phone(data.get("phone") or "")
        try:
            PHONE(phone)
        except forms.ValidationError as exc:
            self.add_error("phone", exc)
        if not data.get("acknowledged_notice"):
            self.add_error("acknowledged_notice", _("Please confirm that you have read this notice."))
        data["id_number"], data["phone"] = id_number, phone
        return data


class FollowupLoginForm(PortalForm):
    tracking_number = forms.CharField(
        label=_("Tracking number"), max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    receipt = forms.CharField(label=_("Secret receipt (16 digits)"), max_length=40, required=False,
                              widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}))
    phone = forms.CharField(label=_("Or, if you reported under your name: your mobile number"), max_length=20,
                            required=False, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("receipt") and not data.get("phone"):
            raise forms.ValidationError(_("Enter your secret receipt, or the mobile number you gave."))
        return data


class MessageForm(PortalForm):
    body = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)
    attachments = MultipleFileField(label=_("Add files (optional)"), required=False)


class SupplementForm(PortalForm):
    body = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)
    attachments = MultipleFileField(label=_("Add files (optional)"), required=False)


class RatingForm(PortalForm):
    satisfaction = forms.ChoiceField(label=_("Are you satisfied with the answer?"), widget=forms.RadioSelect,
                                     choices=Satisfaction.choices)
    reason = forms.CharField(label=_("Why? (required if you are not satisfied)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ReviewForm(PortalForm):
    reason = forms.CharField(label=_("Why should the answer be reviewed?"), widget=forms.Textarea(attrs={"rows": 4}),
                             max_length=5000)


class ReplyForm(forms.Form):
    """Staff writing to the reporter."""

    body = forms.CharField(label=_("Message to the reporter"), widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=10000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
