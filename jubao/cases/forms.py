"""Forms that parse what staff type; the services decide whether it is acceptable."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jubao.deadlines.models import Light
from jubao.organisation.models import Department
from jubao.taxonomy.models import Category

from .models import CaseState, Finding, Grade, RefusalReason, Satisfaction, Urgency
from .workflow import Transition


def _blank(choices) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [("", "—"), *choices]


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Number or title"), required=False)
    state = forms.ChoiceField(label=_("State"), choices=_blank(CaseState.choices), required=False)
    light = forms.ChoiceField(label=_("Light"), choices=_blank(Light.choices), required=False)
    department = forms.ChoiceField(label=_("Lead department"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=_blank(Urgency.choices), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    needs_human = forms.BooleanField(label=_("Needs a person only"), required=False)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = _blank(
            [(d.code, str(d)) for d in Department.objects.filter(is_active=True).select_related("region")]
        )
        self.fields["category"].choices = _blank(
            [(str(c.pk), c.full_name) for c in Category.objects.filter(is_active=True, depth__lte=2)]
        )


def _department_choices() -> list[tuple[str, str]]:
    return [(d.code, str(d)) for d in Department.objects.filter(is_active=True).select_related("region")]


FIELD_BUILDERS = {
    "category": lambda: forms.ChoiceField(
        label=_("Category"), required=False,
        choices=_blank([(str(c.pk), c.full_name) for c in Category.objects.filter(is_active=True)])),
    "grade": lambda: forms.ChoiceField(label=_("Grade"), choices=_blank(Grade.choices), required=False),
    "urgency": lambda: forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, required=False),
    "refusal_reason": lambda: forms.ChoiceField(label=_("Refusal reason"), choices=_blank(RefusalReason.choices),
                                                required=False),
    "redirect_notice": lambda: forms.CharField(label=_("Where the reporter should go instead"),
                                               widget=forms.Textarea(attrs={"rows": 3}), required=False),
    "target": lambda: forms.CharField(label=_("Merge into case number"), required=False),
    "department": lambda: forms.ChoiceField(label=_("Lead department"), choices=_blank(_department_choices()),
                                            required=False),
    "co_departments": lambda: forms.MultipleChoiceField(
        label=_("Co-handling departments"), choices=_department_choices(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 5})),
    "report_back_days": lambda: forms.IntegerField(
        label=_("Report back within (working days, optional)"), min_value=1, max_value=60, required=False,
        help_text=_("For a case assigned down to a lower level: the department must report back by then.")),
    "finding": lambda: forms.ChoiceField(label=_("Finding"), choices=_blank(Finding.choices), required=False),
    "conclusion_text": lambda: forms.CharField(label=_("Facts established and measures taken"),
                                               widget=forms.Textarea(attrs={"rows": 4}), required=False),
    "feedback_text": lambda: forms.CharField(
        label=_("Answer to the reporter (what was checked, found and done, what happens next)"),
        widget=forms.Textarea(attrs={"rows": 5}), required=False),
    "satisfaction": lambda: forms.ChoiceField(label=_("Satisfaction"), choices=_blank(Satisfaction.choices),
                                              required=False),
}


class TransitionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, transition: Transition, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("prefix", transition.name)
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.transition = transition
        for name in transition.fields:
            self.fields[name] = FIELD_BUILDERS[name]()
        self.fields["reason"] = forms.CharField(
            label=_("Reason") if transition.reason_required else _("Note (optional)"),
            widget=forms.Textarea(attrs={"rows": 2}), required=False,
        )

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.transition.fields}
