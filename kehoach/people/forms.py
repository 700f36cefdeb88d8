"""Forms of the people pages."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kehoach.units.models import Unit

from .models import Duty


class UnitChoiceField(forms.ModelChoiceField[Unit]):
    def label_from_instance(self, obj: Unit) -> str:
        # Indent by depth so the choice list reads like the tree.
        return "\u2003" * obj.depth + obj.name


class PersonForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=120,
        error_messages={"required": _("The full name is required.")},
    )
    position = forms.CharField(label=_("Position"), max_length=160, required=False)
    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        error_messages={
            "required": _("Choose the unit the person works in."),
            "invalid_choice": _("Choose one of the units you are responsible for."),
        },
    )
    phone = forms.CharField(label=_("Work phone"), max_length=30, required=False)
    email = forms.EmailField(
        label=_("Work email"),
        required=False,
        error_messages={"invalid": _("The email address is not valid.")},
    )
    duties = forms.MultipleChoiceField(
        label=_("Duties"),
        choices=Duty.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    active = forms.BooleanField(label=_("Still in this post"), required=False, initial=True)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the user's writable units can be chosen; anything else is an invalid choice.
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
