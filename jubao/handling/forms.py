"""Forms of the handling panel: they parse what staff type; the services decide whether it is acceptable."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jubao.cases.models import Finding


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class HandlerAssignForm(_Form):
    handler = forms.ChoiceField(label=_("Handler"))
    reason = forms.CharField(label=_("Reason (needed when you do not take the suggestion)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, choices=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["handler"].choices = list(choices)


class RecuseForm(_Form):
    username = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=_("Why you must stay away from this case"),
                             widget=forms.Textarea(attrs={"rows": 2}))


class TaskReportForm(_Form):
    text = forms.CharField(label=_("Report to the lead department"), widget=forms.Textarea(attrs={"rows": 3}))


class TaskReleaseForm(_Form):
    reason = forms.CharField(label=_("Why the lead may conclude without this report"),
                             widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionRequestForm(_Form):
    reason = forms.CharField(label=_("Why more time is needed"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(_Form):
    note = forms.CharField(label=_("Note (required when refusing)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Refuse"))],
                                 widget=forms.HiddenInput, required=False)


class ConclusionForm(_Form):
    finding = forms.ChoiceField(label=_("Finding"), choices=[("", "—"), *Finding.choices])
    facts = forms.CharField(label=_("Facts established"), widget=forms.Textarea(attrs={"rows": 4}))
    measures = forms.CharField(label=_("Measures taken"), widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(label=_("Legal basis"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    malicious = forms.BooleanField(label=_("The accusation was malicious or knowingly false (诬告陷害)"),
                                   required=False)
    malicious_basis = forms.CharField(label=_("Grounds for that finding"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))


class ConflictForm(_Form):
    subject = forms.CharField(label=_("Unit or person"), max_length=100)
    relation = forms.CharField(label=_("Your link with them"), max_length=200)


class ProfileForm(_Form):
    person_name = forms.CharField(label=_("Your name as reporters would write it"), max_length=40, required=False)
    capability_tags = forms.CharField(label=_("Capabilities (comma-separated)"), max_length=255, required=False)
