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
