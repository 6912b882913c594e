"""Forms of the investigation panels. They parse what staff type; the services decide whether it is acceptable.
Choice lists of people are built from the case (who can take part), so each form takes the case."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jubao.cases.models import Case
from jubao.intake.forms import MultipleFileField

from .models import CustodyAction, EvidenceKind, MeetingFormat, OwnershipReason, SupplementStatus
from .services import eligible_leaders, eligible_participants, investigators
from .services.ownership import MAX_INTERVAL_DAYS, default_interval

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _people(users: Any) -> list[tuple[str, str]]:
    return [(u.username, f"{u} · {u.get_role_display()}") for u in users]


def _blank(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


class CaseForm(forms.Form):
    def __init__(self, case: Case, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", getattr(self, "form_prefix", None))
        super().__init__(*args, **kwargs)
        self.case = case
        self.setup(case)

    def setup(self, case: Case) -> None:
        pass


class ReviewForm(CaseForm):
    form_prefix = "review"
    held_at = forms.DateTimeField(label=_("Held at"), widget=DATETIME, required=False)
    meeting_format = forms.ChoiceField(label=_("Format"), choices=MeetingFormat.choices, required=False)
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    chair = forms.ChoiceField(label=_("Chair"), required=False)
    participants = forms.MultipleChoiceField(label=_("Participants"), widget=forms.CheckboxSelectMultiple,
                                             required=False,
                                             help_text=_("At least three, the chair included. Each one signs with "
                                                         "their own login."))
    decision = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 5}), required=False)

    def setup(self, case: Case) -> None:
        people = _people(eligible_participants(case))
        self.fields["chair"].choices = _blank(people)  # type: ignore[attr-defined]
        self.fields["participants"].choices = people  # type: ignore[attr-defined]


class SignForm(forms.Form):
    opinion = forms.CharField(label=_("Your opinion"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "sign")
        super().__init__(*args, **kwargs)


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                           help_text=_("Only the handling departments and supervisors read this; never the "
                                       "reporter."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "note")
        super().__init__(*args, **kwargs)


class EvidenceForm(CaseForm):
    form_prefix = "evidence"
    kind = forms.ChoiceField(label=_("Kind"), choices=EvidenceKind.choices, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}),
                                  required=False)
    collected_at = forms.DateTimeField(label=_("Collected at"), widget=DATETIME, required=False)
    custodian = forms.ChoiceField(label=_("Custodian"), required=False,
                                  help_text=_("Empty means you keep it."))
    file = forms.FileField(label=_("File (optional)"), required=False,
                           help_text=_("Stored encrypted exactly as uploaded; its SHA-256 is recorded."))

    def setup(self, case: Case) -> None:
        self.fields["custodian"].choices = _blank(_people(investigators(case)))  # type: ignore[attr-defined]


class CustodyForm(CaseForm):
    form_prefix = "custody"
    action = forms.ChoiceField(label=_("What happened"), required=False, choices=[
        (value, label) for value, label in CustodyAction.choices if value != CustodyAction.RECEIVED])
    to_user = forms.ChoiceField(label=_("Handed to (for a transfer)"), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def setup(self, case: Case) -> None:
        self.fields["to_user"].choices = _blank(_people(investigators(case)))  # type: ignore[attr-defined]


class SiteVisitForm(CaseForm):
    form_prefix = "visit"
    visited_at = forms.DateTimeField(label=_("Visited at"), widget=DATETIME, required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    participants = forms.MultipleChoiceField(label=_("Staff present"), widget=forms.CheckboxSelectMultiple,
                                             required=False, help_text=_("Empty means only you."))
    others_present = forms.CharField(label=_("Others present"), max_length=300, required=False)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    photos = MultipleFileField(label=_("Photos"), required=False)

    def setup(self, case: Case) -> None:
        self.fields["participants"].choices = _people(investigators(case))  # type: ignore[attr-defined]


class SupplementForm(CaseForm):
    form_prefix = "supplement"
    report = forms.ChoiceField(label=_("Reporter (report)"), required=False)
    items = forms.CharField(label=_("What the reporter should supply (one item per line)"), required=False,
                            widget=forms.Textarea(attrs={"rows": 4}))

    def setup(self, case: Case) -> None:
        self.fields["report"].choices = [  # type: ignore[attr-defined]
            (r.tracking_number, f"{r.tracking_number} · {r.reporter_pseudonym}") for r in case.reports.all()]


class SupplementCloseForm(forms.Form):
    status = forms.ChoiceField(choices=[(SupplementStatus.ANSWERED, SupplementStatus.ANSWERED.label),
                                        (SupplementStatus.WITHDRAWN, SupplementStatus.WITHDRAWN.label)])


class OwnershipForm(CaseForm):
    form_prefix = "ownership"
    leader = forms.ChoiceField(label=_("Leader"), required=False)
    reason = forms.ChoiceField(label=_("Why"), choices=OwnershipReason.choices, required=False)
    plan = forms.CharField(label=_("Resolution plan"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    interval_days = forms.IntegerField(label=_("Progress every (days)"), min_value=1, max_value=MAX_INTERVAL_DAYS,
                                       required=False)

    def setup(self, case: Case) -> None:
        self.fields["leader"].choices = _blank(_people(eligible_leaders(case)))  # type: ignore[attr-defined]
        self.fields["interval_days"].initial = default_interval()


class TransferForm(CaseForm):
    form_prefix = "transfer"
    leader = forms.ChoiceField(label=_("New leader"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def setup(self, case: Case) -> None:
        self.fields["leader"].choices = _blank(_people(eligible_leaders(case)))  # type: ignore[attr-defined]


class TextForm(forms.Form):
    """One text box: a progress entry ("progress") or the result that ends an ownership ("end")."""

    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, label: Any = "", **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["body"].label = label
