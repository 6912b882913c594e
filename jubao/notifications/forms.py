from django import forms
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    email_copies = forms.BooleanField(
        label=_("Also send my notices by e-mail"), required=False,
        help_text=_("Every notice in your inbox is also sent to your e-mail address, if you have one."))
