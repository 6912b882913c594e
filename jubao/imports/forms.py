"""Forms that parse what staff send; the services decide whether it is acceptable."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jubao.cases.models import Channel
from jubao.taxonomy.models import Kind

from .fields import TARGET_FIELDS
from .services import max_upload_bytes


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or Excel .xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,text/csv"}))
    channel = forms.ChoiceField(
        label=_("channel"), choices=Channel.choices, initial=Channel.IMPORT,
        help_text=_("Where the reports originally came in, e.g. Hotline for a 12345 export. The same external "
                    "id is imported only once per channel."),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(_("The file is larger than %(mb)d MB. Split it into smaller files."),
                                        params={"mb": limit // (1024 * 1024)})
        return upload


class MappingForm(forms.Form):
    """One select per target field listing the file's columns, plus defaults for kind and region."""

    def __init__(self, *args: Any, headers: list[str], **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        columns = [("", _("— not imported —")), *[(h, h) for h in headers]]
        for target in TARGET_FIELDS:
            help_text = _("Required.") if target.required else ""
            if target.identity:
                help_text = _("Stored encrypted in the identity vault; never shown in the rejected-row report.")
            self.fields[target.name] = forms.ChoiceField(label=str(target.label), choices=columns, required=False,
                                                         help_text=help_text)
        self.fields["default_kind"] = forms.ChoiceField(
            label=_("Kind for rows without one"), required=False,
            choices=[("", "—"), *[(k.code, k.name) for k in Kind.objects.filter(is_active=True)]])
        self.fields["default_region"] = forms.CharField(
            label=_("Region for rows without one"), required=False, max_length=100,
            help_text=_("Division code or name."))

    def target_fields(self) -> list[Any]:
        return [self[target.name] for target in TARGET_FIELDS]

    def default_fields(self) -> list[Any]:
        return [self["default_kind"], self["default_region"]]

    def mapping(self) -> dict[str, str]:
        return {t.name: self.cleaned_data.get(t.name, "") for t in TARGET_FIELDS if self.cleaned_data.get(t.name)}

    def defaults(self) -> dict[str, str]:
        return {"kind": self.cleaned_data.get("default_kind", ""),
                "region": self.cleaned_data.get("default_region", "")}
