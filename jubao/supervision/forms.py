"""The filters of the supervision page. They parse; the selector decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import PROBLEM_LABELS, DepartmentCounts, OverviewFilters


class OverviewFilterForm(forms.Form):
    problem = forms.ChoiceField(label=_("Problem"), required=False)
    department = forms.CharField(label=_("Lead department"), required=False, max_length=40,
                                 widget=forms.Select)
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["problem"].choices = [("", _("Any problem")), *PROBLEM_LABELS.items()]  # type: ignore[attr-defined]
        self.fields["region"].choices = [("", _("Whole jurisdiction")), *regions]  # type: ignore[attr-defined]

    def set_departments(self, departments: list[DepartmentCounts]) -> None:
        """The department choices are those with problem cases, with their counts (known only after the query)."""
        choices: list[tuple[str, Any]] = [("", _("Any department"))]
        for department in departments:
            if department.code:
                choices.append((department.code, f"{department.name} ({department.total})"))
            else:
                choices.append(("none", _("Not dispatched yet (%(n)s)") % {"n": department.total}))
        wanted = self.data.get("department", "") if self.is_bound else ""
        if wanted and wanted not in {code for code, _label in choices}:
            choices.append((wanted, wanted))  # keep the chosen value selected even when it has no cases now
        self.fields["department"].widget.choices = choices

    def selects(self) -> list[tuple[Any, list[tuple[str, Any]], str]]:
        """(bound field, choices, chosen value) per field: the template writes the options itself, since rendering
        a few hundred regions through the widget templates costs more than the two queries of the page."""
        result = []
        for name in ("problem", "department", "region"):
            bound = self[name]
            field = self.fields[name]
            choices = field.widget.choices if name == "department" else field.choices  # type: ignore[attr-defined]
            chosen = str(self.data.get(name, "")) if self.is_bound else ""
            result.append((bound, list(choices), chosen))
        return result

    def filters(self, page: str | None) -> OverviewFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        try:
            number = max(1, int(page or 1))
        except ValueError:
            number = 1
        return OverviewFilters(problem=data.get("problem", ""), department=data.get("department", ""),
                               region=data.get("region", ""), page=number)


# --- supervision notices -----------------------------------------------------------------------------------------
class NoticeIssueForm(forms.Form):
    prefix = "notice"

    reason = forms.CharField(label=_("Why is the case supervised?"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3}), required=False)
    demands = forms.CharField(label=_("What must the department do?"), max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}), required=False)
    due_in_days = forms.IntegerField(label=_("Reply within (working days)"), min_value=1, max_value=60,
                                     initial=5, required=False)


class NoticeReplyForm(forms.Form):
    prefix = "reply"

    reply_text = forms.CharField(label=_("Reply: what the department did"), max_length=4000,
                                 widget=forms.Textarea(attrs={"rows": 3}), required=False)


class NoticeDecisionForm(forms.Form):
    prefix = "decision"

    decision = forms.ChoiceField(label=_("Decision"), choices=[("accept", _("Accept the reply")),
                                                              ("reject", _("Reject the reply"))])
    note = forms.CharField(label=_("Note (required to reject)"), max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    due_in_days = forms.IntegerField(label=_("New reply deadline (working days, to reject)"), min_value=1,
                                     max_value=60, required=False)

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"accept": data["decision"] == "accept", "note": data.get("note", ""),
                "due_in_days": data.get("due_in_days")}


class NoticeFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("Any")), ("open", _("Awaiting reply")), ("overdue", _("Overdue")), ("replied", _("Reply to decide")),
        ("accepted", _("Done"))])


class QuarterField(forms.CharField):
    def clean(self, value: Any) -> Any:
        from jubao.quality.periods import parse_quarter

        value = super().clean(value)
        if not value:
            return None
        quarter = parse_quarter(value)
        if quarter is None:
            raise forms.ValidationError(_("Give a quarter as YYYY-Qn, e.g. 2026-Q1."))
        return quarter


class RankingFilterForm(forms.Form):
    quarter = QuarterField(label=_("Quarter"), required=False, max_length=7,
                           widget=forms.TextInput(attrs={"placeholder": "2026-Q1"}))
