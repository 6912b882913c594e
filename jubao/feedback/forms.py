"""Forms that parse what staff type; the services decide whether it is acceptable."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jubao.accounts.models import User
from jubao.cases.models import Finding, Satisfaction
from jubao.taxonomy.models import Category

from .models import Outcome, ResponseTemplate
from .sections import SECTION_HINTS, SECTION_KEYS, SECTION_LABELS


def _blank(choices: Any) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


def _section_fields(form: forms.Form, rows: int = 4) -> None:
    for key in SECTION_KEYS:
        form.fields[key] = forms.CharField(label=SECTION_LABELS[key], help_text=SECTION_HINTS[key], required=False,
                                           widget=forms.Textarea(attrs={"rows": rows}))


class AnswerForm(forms.Form):
    """The answer on the case page: four sections, optionally started from a template."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    template = forms.ChoiceField(label=_("Start from a template"), required=False)

    def __init__(self, *args: Any, templates: list[ResponseTemplate] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "answer")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        template_field: Any = self.fields["template"]
        template_field.choices = _blank([(str(t.public_id), t.title) for t in (templates or [])])
        _section_fields(self)

    def sections(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key) or "" for key in SECTION_KEYS}


class TemplateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    category = forms.ChoiceField(label=_("Category (optional)"), required=False)
    finding = forms.ChoiceField(label=_("Finding (optional)"), choices=_blank(Finding.choices), required=False)
    is_active = forms.BooleanField(label=_("Offer this template to handlers"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        category_field: Any = self.fields["category"]
        category_field.choices = _blank([(str(c.pk), c.full_name) for c in Category.objects.filter(is_active=True)])
        _section_fields(self, rows=5)
        for key in SECTION_KEYS:
            self.fields[key].help_text = _("Placeholders: {case_number} {title} {finding} {department} {region} "
                                           "{category} {reported_on} {today}. Mark what the handler must write "
                                           "as 【请填写：…】.")

    @classmethod
    def initial_for(cls, template: ResponseTemplate) -> dict[str, Any]:
        return {"title": template.title, "category": str(template.category_id or ""), "finding": template.finding,
                "is_active": template.is_active, **{key: getattr(template, key) for key in SECTION_KEYS}}

    def category_id(self) -> int | None:
        value = self.cleaned_data.get("category")
        return int(value) if value else None


class FollowUpRecordForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome of this attempt"), widget=forms.RadioSelect,
                                choices=[(Outcome.REACHED, Outcome.REACHED.label),
                                         (Outcome.UNREACHABLE, Outcome.UNREACHABLE.label)])
    satisfaction = forms.ChoiceField(label=_("How satisfied is the reporter?"), widget=forms.RadioSelect,
                                     choices=Satisfaction.choices, required=False)
    reason = forms.CharField(label=_("Why dissatisfied (in the reporter's words)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ReviewAssignForm(forms.Form):
    reviewer = forms.ChoiceField(label=_("Reviewer"))

    def __init__(self, *args: Any, candidates: list[User] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "review")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        reviewer_field: Any = self.fields["reviewer"]
        reviewer_field.choices = _blank([(str(u.public_id), f"{u} · {u.get_role_display()}")
                                         for u in (candidates or [])])
