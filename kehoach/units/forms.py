"""Forms of the unit pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class UnitForm(forms.Form):
    name = forms.CharField(
        label=_("Official name"),
        max_length=255,
        error_messages={"required": _("The unit name is required.")},
    )
    short_name = forms.CharField(label=_("Short name"), max_length=120, required=False)
    code = forms.CharField(label=_("Official code"), max_length=20, required=False)
    valid_from = forms.DateField(
        label=_("Valid from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the date as YYYY-MM-DD.")},
    )
    valid_to = forms.DateField(
        label=_("Valid to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the date as YYYY-MM-DD.")},
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea)
    new_alias = forms.CharField(
        label=_("Add another name"),
        max_length=255,
        required=False,
        help_text=_("An abbreviation or other spelling the plans use for this unit."),
    )
