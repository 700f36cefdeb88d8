"""Forms of the monitoring pages: sources, the queue's filters, review decisions, fact-checks
and bulletins. The services in review.py and bulletins.py do the checks that matter."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kehoach.plans.forms import DateInput
from kehoach.plans.models import Plan, Task
from kehoach.units.models import Unit

from .models import BulletinKind, Decision, FactCheck, MatchStrength, Source

THEME_CHOICES = [(code, code) for code in ("T1", "T2", "T3", "T4", "T5")]


class SourceForm(forms.ModelForm[Source]):
    class Meta:
        model = Source
        fields = [
            "unit",
            "name",
            "kind",
            "url",
            "interval_minutes",
            "max_items",
            "silent_after_days",
        ]

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        """`units`: the units whose sources the user manages."""
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units.order_by("path")


class QueueFilterForm(forms.Form):
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    outlet = forms.CharField(label=_("Outlet"), required=False, max_length=255)
    strength = forms.ChoiceField(label=_("Match strength"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("All themes")), *THEME_CHOICES]  # type: ignore[attr-defined]
        self.fields["strength"].choices = [("", _("Stories and matches")), *MatchStrength.choices]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class StoryReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Decision.RELEVANT, Decision.RELEVANT.label),
            (Decision.NOT_RELEVANT, Decision.NOT_RELEVANT.label),
        ],
    )
    themes = forms.MultipleChoiceField(
        label=_("Themes"),
        choices=THEME_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MatchReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Decision.CONFIRMED, Decision.CONFIRMED.label),
            (Decision.REJECTED, Decision.REJECTED.label),
            (Decision.ANSWERED, Decision.ANSWERED.label),
        ],
    )
    note = forms.CharField(
        label=_("Note or the answer given"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FactCheckForm(forms.ModelForm[FactCheck]):
    class Meta:
        model = FactCheck
        fields = [
            "claim",
            "verdict",
            "verdict_as_written",
            "explanation",
            "source_url",
            "publisher",
            "published",
            "lang",
        ]
        widgets = {
            "claim": forms.Textarea(attrs={"rows": 3}),
            "explanation": forms.Textarea(attrs={"rows": 4}),
            "published": DateInput(),
        }


class ClaimReviewImportForm(forms.Form):
    document = forms.CharField(
        label=_("The fact-check page's HTML or its JSON-LD"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=2_000_000,
    )


class TaskChoiceField(forms.ModelChoiceField[Task]):
    def label_from_instance(self, obj: Task) -> str:
        return f"{obj.number}. {obj.title}" if obj.number else obj.title


class BulletinForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=BulletinKind.choices)
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())
    task = TaskChoiceField(label=_("Task it is a record of"), queryset=Task.objects.none())

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        task_field = self.fields["task"]
        assert isinstance(task_field, TaskChoiceField)
        task_field.queryset = plan.tasks.order_by("order")
        first = plan.tasks.order_by("order").first()
        if first is not None and not self.is_bound:
            task_field.initial = first.pk

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The bulletin's period ends before it starts."))
        return data
