"""Forms of the quality pages. They parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SCORE_FIELDS, SCORE_MAX, SCORE_MIN, RetrospectiveResult
from .periods import parse_month

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _yes_no(label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=YES_NO, widget=forms.RadioSelect, required=False)


class SelfReviewForm(forms.Form):
    prefix = "selfreview"

    facts_complete = _yes_no(_("Were the facts established completely?"))
    legal_basis_correct = _yes_no(_("Was the legal basis applied correctly?"))
    demands_answered = _yes_no(_("Were the reporter's demands answered?"))
    improvements = forms.CharField(label=_("What should be improved?"), required=False, max_length=4000,
                                   widget=forms.Textarea(attrs={"rows": 3}),
                                   help_text=_("Required when you answer “no”."))

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        answers = {name: {"yes": True, "no": False}.get(data.get(name) or "")
                   for name in ("facts_complete", "legal_basis_correct", "demands_answered")}
        return {**answers, "improvements": data.get("improvements", "")}


SCORE_CHOICES = [("", "—")] + [(str(n), str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)]


class RetrospectiveReviewForm(forms.Form):
    prefix = "retro"

    score_classification = forms.TypedChoiceField(label=_("Classification"), choices=SCORE_CHOICES, coerce=int,
                                                  required=False, empty_value=None)
    score_timeliness = forms.TypedChoiceField(label=_("Timeliness"), choices=SCORE_CHOICES, coerce=int,
                                              required=False, empty_value=None)
    score_substance = forms.TypedChoiceField(label=_("Substance of the answer"), choices=SCORE_CHOICES, coerce=int,
                                             required=False, empty_value=None)
    score_legality = forms.TypedChoiceField(label=_("Legality"), choices=SCORE_CHOICES, coerce=int,
                                            required=False, empty_value=None)
    result = forms.ChoiceField(label=_("Result"), choices=[("", "—"), *RetrospectiveResult.choices],
                               required=False)
    comments = forms.CharField(label=_("Comments"), required=False, max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 3}))

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"scores": {name: data.get(name) for name in SCORE_FIELDS}, "comments": data.get("comments", ""),
                "result": data.get("result", "")}


class MonthField(forms.CharField):
    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not value:
            return None
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError(_("Give a month as YYYY-MM."))
        return month


class SelfReviewFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("Any")), ("open", _("To fill in")), ("overdue", _("Overdue")), ("done", _("Filled in"))])


class SampleFilterForm(forms.Form):
    month = MonthField(label=_("Month"), required=False, max_length=7,
                       widget=forms.TextInput(attrs={"placeholder": "2026-03", "inputmode": "numeric"}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("Any")), ("pending", _("To review")), ("reviewed", _("Reviewed"))])


class FlagFilterForm(forms.Form):
    month = MonthField(label=_("Month"), required=False, max_length=7,
                       widget=forms.TextInput(attrs={"placeholder": "2026-03", "inputmode": "numeric"}))
