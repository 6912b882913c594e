"""Forms of the routing pages: the explain tool and the catalogue filters. They parse; the selectors decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jubao.organisation.models import Department
from jubao.taxonomy.models import Category, Kind, Sector


def _blank(choices: list[tuple[str, Any]], label: Any = "—") -> list[tuple[str, Any]]:
    return [("", label), *choices]


def _categories() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in Category.objects.filter(is_active=True).values_list("pk", "full_name")]


def _sectors() -> list[tuple[str, str]]:
    return list(Sector.objects.filter(is_active=True).values_list("code", "name"))


def _kinds() -> list[tuple[str, str]]:
    return list(Kind.objects.filter(is_active=True).values_list("code", "name"))


class ExplainForm(forms.Form):
    case = forms.CharField(label=_("Case number"), required=False, max_length=40,
                           help_text=_("Give a case number, or describe a case with the fields below."))
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int, empty_value=None)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    region = forms.CharField(label=_("Region"), required=False, max_length=100,
                             help_text=_("Division code or exact name, e.g. 990102001001 or 东华社区."))
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    date = forms.DateField(label=_("On"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                           help_text=_("Empty means today."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _blank(_categories(), _("any or unknown"))  # type: ignore[attr-defined]
        self.fields["sector"].choices = _blank(_sectors(), _("any or unknown"))  # type: ignore[attr-defined]
        self.fields["kind"].choices = _blank(_kinds(), _("any or unknown"))  # type: ignore[attr-defined]

    def clean_region(self) -> str:
        """Checked here so that every wrong field is reported at once; the code is what the selector gets."""
        from jubao.cases.errors import TransitionRejected

        from .selectors import region_find

        try:
            region = region_find(self.cleaned_data.get("region") or "")
        except TransitionRejected as exc:
            raise forms.ValidationError(exc.message) from exc
        return region.code if region else ""


STATUS_CHOICES = [
    ("in_force", _("In force today")), ("future", _("Not yet in force")), ("expired", _("Expired")),
    ("inactive", _("Switched off")),
]


class RuleFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.TypedChoiceField(label=_("Category (with subcategories)"), required=False, coerce=int,
                                      empty_value=None)
    region = forms.CharField(label=_("Region code (with everything below)"), required=False, max_length=12)
    department = forms.ChoiceField(label=_("Department (lead or co-handling)"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(STATUS_CHOICES, _("all")))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _blank(_categories())  # type: ignore[attr-defined]
        self.fields["department"].choices = _blank(  # type: ignore[attr-defined]
            [(d.code, str(d)) for d in Department.objects.select_related("region")])
        self.fields["kind"].choices = _blank(_kinds())  # type: ignore[attr-defined]
        self.fields["sector"].choices = _blank(_sectors())  # type: ignore[attr-defined]
