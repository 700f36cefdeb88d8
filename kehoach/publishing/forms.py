"""Forms of the staff pages of publishing: filters, texts, approval time, withdrawal reason."""

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kehoach.plans.models import Plan
from kehoach.units.models import Unit

from .models import Licence, PublicationKind, PublicationState


class PublicationFilterForm(forms.Form):
    q = forms.CharField(label=_("Text"), required=False)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *PublicationState.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *PublicationKind.choices]
    )
    plan = forms.ModelChoiceField(
        label=_("Plan"), required=False, queryset=Plan.objects.none(), empty_label=_("All")
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"), required=False, queryset=Unit.objects.none(), empty_label=_("All")
    )

    def __init__(self, *args: Any, plans: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class PublicationForm(forms.Form):
    """The texts the public sees, in Vietnamese and in English, and the licence."""

    title = forms.CharField(
        label=_("Title"), max_length=500, widget=forms.TextInput(attrs={"class": "wide"})
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Plain text; leave a blank line between paragraphs. Simple formatting is kept: "
            "<b>bold</b>, <i>italic</i>, lists (<ul><li>…</li></ul>) and links "
            '(<a href="https://…">…</a>); anything else is removed.'
        ),
    )
    title_en = forms.CharField(
        label=_("Title in English"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"class": "wide"}),
    )
    summary_en = forms.CharField(
        label=_("Summary in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The same formatting as the summary."),
    )
    licence = forms.ChoiceField(label=_("Licence"), choices=Licence.choices)


class ApproveForm(forms.Form):
    """Publish now (button "now") or at a date and time (button "schedule")."""

    action = forms.ChoiceField(choices=[("now", "now"), ("schedule", "schedule")])
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "schedule":
            at: dt.datetime | None = data.get("publish_at")
            if at is None:
                self.add_error("publish_at", _("Give the date and time of publication."))
            elif at <= timezone.now():
                self.add_error("publish_at", _("The time has passed: publish now instead."))
        else:
            data["publish_at"] = None
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the history of the publication."),
    )
