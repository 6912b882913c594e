"""Forms that parse what staff type on triage pages; the services decide whether it is acceptable."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jubao.cases.models import Grade, Impact, RefusalReason, Urgency, Verifiability
from jubao.organisation.models import Region
from jubao.taxonomy.models import Category, Kind, Sector

from .models import EmergencyEvent, Step, TriageResult


def _blank(choices: list[tuple[str, str]] | Any) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


def _choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class OverrideForm(forms.Form):
    """One step's override: the fields depend on the step; every form carries an optional reason."""

    step: str = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", f"override-{self.step}")
        super().__init__(*args, **kwargs)
        self.fields["reason"] = forms.CharField(label=_("Why (optional)"), required=False,
                                                widget=forms.TextInput(attrs={"maxlength": 500}))

    def value(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}


class ScopeOverrideForm(OverrideForm):
    step = Step.SCOPE
    in_scope = forms.TypedChoiceField(label=_("Remit"), coerce=lambda v: v == "yes",
                                      choices=[("yes", _("Within the remit")), ("no", _("Outside the remit"))])
    refusal_reason = forms.ChoiceField(label=_("Refusal reason"), required=False,
                                       choices=_blank(RefusalReason.choices))
    redirect_notice = forms.CharField(label=_("Where the reporter should go instead"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))


class ClassificationOverrideForm(OverrideForm):
    step = Step.CLASSIFICATION
    category_id = forms.ChoiceField(label=_("Category"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "category_id", _blank(
            [(str(pk), name) for pk, name in Category.objects.filter(is_active=True).values_list("pk", "full_name")]))
        _choices(self, "kind", _blank(list(Kind.objects.filter(is_active=True).values_list("code", "name"))))
        _choices(self, "sector", _blank(
            list(Sector.objects.filter(is_active=True).values_list("code", "name"))))


class UrgencyOverrideForm(OverrideForm):
    step = Step.URGENCY
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    impact = forms.ChoiceField(label=_("Impact"), choices=Impact.choices)
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices)


class EmergencyOverrideForm(OverrideForm):
    step = Step.EMERGENCY
    event = forms.ChoiceField(label=_("Emergency event"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        events = EmergencyEvent.objects.filter(ended_at__isnull=True).values_list("public_id", "name")
        _choices(self, "event", [("", _("Not part of an emergency")),
                           *[(str(pk), name) for pk, name in events]])


class DuplicatesOverrideForm(OverrideForm):
    step = Step.DUPLICATES
    merge_into = forms.CharField(label=_("Merge into case number (empty: not a duplicate)"), required=False)


class VerifiabilityOverrideForm(OverrideForm):
    step = Step.VERIFIABILITY
    # "class" is a keyword, so the field is declared under its proposal key through the fields dict.

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["class"] = forms.ChoiceField(label=_("Verifiability"), choices=Verifiability.choices)
        self.order_fields(["class", "reason"])


class CollectiveOverrideForm(OverrideForm):
    step = Step.COLLECTIVE_REVIEW
    reasons = forms.MultipleChoiceField(
        label=_("Collective review required because it is"), required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[("top_leader", _("about the unit's top leader")),
                 ("collective_assets", _("about collective assets, resources or funds (三资)")),
                 ("election", _("about an election"))])

    def value(self) -> dict[str, Any]:
        reasons = list(self.cleaned_data.get("reasons") or [])
        return {"required": bool(reasons), "reasons": reasons}


OVERRIDE_FORMS: dict[str, type[OverrideForm]] = {
    form.step: form for form in (ScopeOverrideForm, ClassificationOverrideForm, UrgencyOverrideForm,
                                 EmergencyOverrideForm, DuplicatesOverrideForm, VerifiabilityOverrideForm,
                                 CollectiveOverrideForm)
}


def _initial(result: TriageResult) -> dict[str, Any]:
    value = dict(result.proposal or {})
    if isinstance(result.decided_value, dict):
        value.update(result.decided_value)
    if result.step == Step.SCOPE:
        value["in_scope"] = "yes" if value.get("in_scope", True) else "no"
    if result.step == Step.DUPLICATES:
        suggestions = value.get("suggestions") or []
        value.setdefault("merge_into", suggestions[0].get("case") if suggestions else "")
    return value


def override_form_for(result: TriageResult, data: Any = None) -> OverrideForm:
    form_class = OVERRIDE_FORMS[result.step]
    return form_class(data) if data is not None else form_class(initial=_initial(result))


class EmergencyDeclareForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    regions = forms.MultipleChoiceField(label=_("Regions (none: everywhere)"), required=False,
                                        widget=forms.SelectMultiple(attrs={"size": 8}))
    categories = forms.MultipleChoiceField(label=_("Categories"), required=False,
                                           widget=forms.SelectMultiple(attrs={"size": 8}))
    cue_words = forms.CharField(label=_("Cue words, one per line"), required=False,
                                widget=forms.Textarea(attrs={"rows": 4}))
    starts_at = forms.DateTimeField(label=_("Starts at"), required=False,
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                               format="%Y-%m-%dT%H:%M"))
    ends_at = forms.DateTimeField(label=_("Planned end (optional)"), required=False,
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                             format="%Y-%m-%dT%H:%M"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        _choices(self, "regions", [
            (str(pk), "\u3000" * max(0, path.count("/") - 2) + name)
            for pk, name, path in Region.objects.order_by("path").values_list("pk", "name", "path")
        ])
        _choices(self, "categories", [
            (str(pk), name) for pk, name in Category.objects.filter(is_active=True).values_list("pk", "full_name")
        ])
        if not self.is_bound:
            self.initial.setdefault("starts_at", timezone.localtime().replace(second=0, microsecond=0))

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"], "description": data.get("description", ""),
            "region_ids": [int(pk) for pk in data.get("regions") or []],
            "category_ids": [int(pk) for pk in data.get("categories") or []],
            "cue_words": data.get("cue_words", ""), "starts_at": data.get("starts_at"), "ends_at": data.get("ends_at"),
        }
