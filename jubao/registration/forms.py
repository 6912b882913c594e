"""Forms that parse what clerks type; the services decide whether it is acceptable."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jubao.accounts.models import User
from jubao.organisation.models import Region
from jubao.taxonomy.models import Kind

from .models import CheckDifference, CheckedField, ContactPreference, Registration, RegistrationChannel, Resolution
from .selectors import region_labels, regions_in_scope
from .services import CHANNEL_FIELDS, CheckData, EntryData, ResolutionInput, blind_fields

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
NO_AUTOFILL = {"autocomplete": "off", "spellcheck": "false"}


def _blank(choices: Any) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(label=label, required=False,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def _datetime_field(label: Any, **kwargs: Any) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, required=False, widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format=DATETIME_FORMAT), **kwargs)


def kind_choices() -> list[tuple[str, str]]:
    return _blank(Kind.objects.filter(is_active=True).values_list("code", "name"))


def region_choices(user: User) -> list[tuple[str, str]]:
    return _blank(region_labels(regions_in_scope(user)))


def region_from_code(code: str) -> Region | None:
    return Region.objects.filter(code=code).first() if code else None


def _choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class ErrorAnnotationMixin:
    """Ties each error message to its input for screen readers (aria-invalid, aria-describedby)."""

    def annotate_errors(self) -> None:
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            if name in self.errors:  # type: ignore[attr-defined]
                bound = self[name]  # type: ignore[index]
                ids = [f"{bound.auto_id}_error"] + ([f"{bound.auto_id}_helptext"] if field.help_text else [])
                field.widget.attrs.update({"aria-invalid": "true", "aria-describedby": " ".join(ids)})

    def add_service_errors(self, errors: dict[str, str], message: str, mapping: dict[str, str] | None = None) -> None:
        placed = False
        for name, text in errors.items():
            target = (mapping or {}).get(name, name)
            if target in self.fields:  # type: ignore[attr-defined]
                self.add_error(target, text)  # type: ignore[attr-defined]
                placed = True
        if not placed:
            self.add_error(None, message)  # type: ignore[attr-defined]


# --- entry -----------------------------------------------------------------------------------------
class EntryForm(ErrorAnnotationMixin, forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=_blank(RegistrationChannel.choices),
                                widget=forms.Select(attrs={"data-channel-select": ""}))
    # The report.
    kind = forms.ChoiceField(label=_("Kind"))
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 6}))
    region = forms.ChoiceField(label=_("Where (region)"))
    address = forms.CharField(label=_("Address of the matter"), max_length=255, required=False)
    occurred_on = _date_field(_("Date it happened"))
    occurred_text = forms.CharField(label=_("When (as told)"), max_length=100, required=False)
    reported_subject = forms.CharField(label=_("Reported person or unit"), max_length=200, required=False)
    contact_preference = forms.ChoiceField(label=_("Contact preference"), required=False,
                                           choices=_blank(ContactPreference.choices))
    # The reporter: everything below goes to the identity vault, never into the registration.
    is_anonymous = forms.BooleanField(label=_("Anonymous (the reporter gives no name)"), required=False,
                                      initial=True)
    name = forms.CharField(label=_("Reporter's name"), max_length=60, required=False,
                           widget=forms.TextInput(attrs=NO_AUTOFILL))
    phone = forms.CharField(label=_("Phone (for a hotline call: the caller's number)"), max_length=30,
                            required=False, widget=forms.TextInput(attrs={**NO_AUTOFILL, "inputmode": "tel"}))
    id_number = forms.CharField(label=_("ID number"), max_length=30, required=False,
                                widget=forms.TextInput(attrs=NO_AUTOFILL))
    # Hotline.
    call_received_at = _datetime_field(_("Call received at"))
    # Letter.
    letter_date = _date_field(_("Date of the letter"))
    letter_reference = forms.CharField(label=_("Postmark or registered-mail number"), max_length=100,
                                       required=False)
    sender_address = forms.CharField(label=_("Sender's address (goes to the identity vault)"), max_length=255,
                                     required=False, widget=forms.TextInput(attrs=NO_AUTOFILL))
    # Visit.
    visit_at = _datetime_field(_("Visit at"))
    visitors_count = forms.IntegerField(label=_("Number of visitors"), min_value=1, max_value=999, required=False,
                                        initial=1)
    visit_record = forms.CharField(label=_("Interview record"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 6}))
    # Report mailbox.
    mailbox_opened_at = _datetime_field(_("Mailbox opened at"))
    mailbox_location = forms.CharField(label=_("Mailbox location"), max_length=200, required=False)
    # Mobile service point.
    service_point = forms.CharField(label=_("Service point"), max_length=200, required=False)

    REPORT_FIELDS = ("kind", "title", "body", "region", "address", "occurred_on", "occurred_text",
                     "reported_subject", "contact_preference")
    REPORTER_FIELDS = ("is_anonymous", "name", "phone", "id_number")

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        _choices(self, "kind", kind_choices())
        _choices(self, "region", region_choices(user))
        if not self.is_bound:
            now = timezone.localtime().replace(second=0, microsecond=0)
            for name in ("call_received_at", "visit_at", "mailbox_opened_at"):
                self.fields[name].initial = now

    def chosen_channel(self) -> str:
        return str(self.data.get(self.add_prefix("channel"), "")) if self.is_bound else ""

    def full_clean(self) -> None:
        super().full_clean()
        chosen = self.chosen_channel()
        if chosen in CHANNEL_FIELDS:
            # Every channel's section is on the page (without JavaScript); only the chosen one counts.
            for channel, names in CHANNEL_FIELDS.items():
                if channel != chosen:
                    for name in names:
                        self.errors.pop(name, None)
                        self.cleaned_data.pop(name, None)

    def fieldsets(self) -> list[dict[str, Any]]:
        channel_labels = dict(RegistrationChannel.choices)
        sets = [
            {"legend": _("The report"), "fields": [self[n] for n in self.REPORT_FIELDS], "channel": ""},
            {"legend": _("The reporter"), "fields": [self[n] for n in self.REPORTER_FIELDS], "channel": "",
             "note": _("Name, phone number and ID number go straight to the identity vault; staff see only a "
                       "pseudonym. Leave them empty for an anonymous report.")},
        ]
        for channel, names in CHANNEL_FIELDS.items():
            sets.append({
                "legend": _("%(channel)s (used only when this channel is chosen)") % {
                    "channel": channel_labels[channel]},
                "fields": [self[n] for n in names], "channel": channel,
            })
        return sets

    def entry_data(self) -> EntryData:
        data = self.cleaned_data
        text = {name: data.get(name) or "" for name in (
            "title", "body", "address", "occurred_text", "reported_subject", "contact_preference", "name", "phone",
            "id_number", "sender_address", "letter_reference", "visit_record", "mailbox_location", "service_point")}
        return EntryData(
            channel=data["channel"], kind=data["kind"], region=region_from_code(data.get("region", "")),
            occurred_on=data.get("occurred_on"), is_anonymous=bool(data.get("is_anonymous")),
            call_received_at=data.get("call_received_at"), letter_date=data.get("letter_date"),
            visit_at=data.get("visit_at"), visitors_count=data.get("visitors_count"),
            mailbox_opened_at=data.get("mailbox_opened_at"), **text,
        )


# --- check -----------------------------------------------------------------------------------------
class CheckForm(ErrorAnnotationMixin, forms.Form):
    """The key fields, empty: the checker types them from the source without seeing the first entry."""

    kind = forms.ChoiceField(label=_("Kind"))
    title = forms.CharField(label=_("Title"), max_length=200)
    region = forms.ChoiceField(label=_("Where (region)"))
    reported_subject = forms.CharField(label=_("Reported person or unit"), max_length=200, required=False)
    occurred_on = _date_field(_("Date it happened"))
    phone = forms.CharField(label=_("Caller number (compared without being shown)"), max_length=30,
                            required=False, widget=forms.TextInput(attrs={**NO_AUTOFILL, "inputmode": "tel"}))
    letter_date = _date_field(_("Date of the letter"))

    def __init__(self, *args: Any, registration: Registration, user: User, **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        _choices(self, "kind", kind_choices())
        _choices(self, "region", region_choices(user))
        blind = blind_fields(registration)
        if CheckedField.CALLER_PHONE not in blind:
            del self.fields["phone"]
        else:
            self.fields["phone"].required = True
        if CheckedField.LETTER_DATE not in blind:
            del self.fields["letter_date"]

    def check_data(self) -> CheckData:
        data = self.cleaned_data
        return CheckData(kind=data["kind"], title=data["title"], region=region_from_code(data.get("region", "")),
                         reported_subject=data.get("reported_subject") or "", occurred_on=data.get("occurred_on"),
                         phone=data.get("phone") or "", letter_date=data.get("letter_date"))


# --- resolve ---------------------------------------------------------------------------------------
class ResolveForm(ErrorAnnotationMixin, forms.Form):
    """One row per difference: which value is right, or a corrected value with a note."""

    def __init__(self, *args: Any, differences: list[CheckDifference], user: User, **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.differences = differences
        labels = dict(CheckedField.choices)
        for difference in differences:
            name, label = difference.field, labels[difference.field]
            if name == CheckedField.CALLER_PHONE:
                self.fields[f"{name}-value"] = forms.CharField(
                    label=_("Type the caller's number again from the source (call record)"), max_length=30,
                    required=False, widget=forms.TextInput(attrs={**NO_AUTOFILL, "inputmode": "tel"}))
            else:
                self.fields[f"{name}-choice"] = forms.ChoiceField(
                    label=_("Which value is correct for “%(field)s”?") % {"field": label}, required=False,
                    choices=Resolution.choices, widget=forms.RadioSelect)
                self.fields[f"{name}-value"] = self._value_field(name, user)
            self.fields[f"{name}-note"] = forms.CharField(
                label=_("Note (required for a corrected value)"), required=False,
                widget=forms.Textarea(attrs={"rows": 2}))

    @staticmethod
    def _value_field(name: str, user: User) -> forms.Field:
        label = _("Corrected value")
        if name == CheckedField.KIND:
            return forms.ChoiceField(label=label, required=False, choices=kind_choices())
        if name == CheckedField.REGION:
            return forms.ChoiceField(label=label, required=False, choices=region_choices(user))
        if name in (CheckedField.OCCURRED_ON, CheckedField.LETTER_DATE):
            return _date_field(label)
        return forms.CharField(label=label, required=False, max_length=200)

    def rows(self) -> list[dict[str, Any]]:
        from .services import display_value

        return [{
            "difference": d,
            "choice": self[f"{d.field}-choice"] if f"{d.field}-choice" in self.fields else None,
            "value": self[f"{d.field}-value"],
            "note": self[f"{d.field}-note"],
            "entered": display_value(d.field, d.entered_value),
            "checked": display_value(d.field, d.checked_value),
            "errors": self.errors.get(f"{d.field}-choice", []),
        } for d in self.differences]

    def resolutions(self) -> dict[str, ResolutionInput]:
        data = self.cleaned_data
        result = {}
        for d in self.differences:
            value = data.get(f"{d.field}-value")
            if d.field == CheckedField.REGION:
                value = region_from_code(value or "")
            result[d.field] = ResolutionInput(choice=data.get(f"{d.field}-choice") or "", value=value,
                                              note=data.get(f"{d.field}-note") or "")
        return result

    def error_mapping(self) -> dict[str, str]:
        return {d.field: f"{d.field}-choice" if f"{d.field}-choice" in self.fields else f"{d.field}-value"
                for d in self.differences}


class WithdrawForm(ErrorAnnotationMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawal (no names or numbers of the reporter)"),
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
