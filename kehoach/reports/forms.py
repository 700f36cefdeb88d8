"""Forms of the report pages: the period list's filters, a report's texts, a return's comment and
an ad hoc period. The services do the checks that matter (stale versions, dates, transitions)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kehoach.plans.forms import DateInput
from kehoach.plans.models import Plan, ReportingDuty
from kehoach.plans.models import ReportPeriod as PeriodKind

from .models import ReportPeriod


class PlanChoiceField(forms.ModelChoiceField[Plan]):
    def label_from_instance(self, obj: Plan) -> str:
        return f"{obj.number} – {obj.title}" if obj.number else obj.title


class PeriodFilterForm(forms.Form):
    plan = PlanChoiceField(label=_("Plan"), queryset=Plan.objects.none(), required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(label=_("Kind of period"), required=False)

    def __init__(
        self, *args: Any, periods: QuerySet[ReportPeriod], plans: QuerySet[Plan], **kwargs: Any
    ) -> None:
        """`plans`: the plans to choose from (those with reporting duties the user sees)."""
        super().__init__(*args, **kwargs)
        plan_field = self.fields["plan"]
        assert isinstance(plan_field, PlanChoiceField)
        plan_field.queryset = plans.select_related("issuer").order_by("-year", "title")
        plan_field.empty_label = str(_("All plans"))
        years = sorted(set(periods.values_list("plan__year", flat=True)), reverse=True)
        self.fields["year"].choices = [("", _("All years")), *((y, str(y)) for y in years)]  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", _("All kinds")), *PeriodKind.choices]  # type: ignore[attr-defined]

    def apply(self, periods: QuerySet[ReportPeriod]) -> QuerySet[ReportPeriod]:
        """The periods matching the valid filters (an invalid one is ignored and shown)."""
        if not self.is_valid():
            return periods
        data = self.cleaned_data
        if data.get("plan") is not None:
            periods = periods.filter(plan=data["plan"])
        if data.get("year") is not None:
            periods = periods.filter(plan__year=data["year"])
        if data.get("kind"):
            periods = periods.filter(kind=data["kind"])
        return periods

    @property
    def filtered(self) -> bool:
        return self.is_valid() and any(
            value not in (None, "") for value in self.cleaned_data.values()
        )


class ReportTextsForm(forms.Form):
    """The sections people write. `version` names the version the writer started from: a save
    from an older one is refused by report_save and the text typed stays in the form."""

    results = forms.CharField(
        label=_("Results"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    shortcomings = forms.CharField(
        label=_("Shortcomings and limitations"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    proposals = forms.CharField(
        label=_("Proposals"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    narrative = forms.CharField(
        label=_("Narrative of the figures"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("Drafted from the figures; edit it as you see fit."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    TEXTS = ("results", "shortcomings", "proposals", "narrative")

    def texts(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.TEXTS}


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Why is it returned?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The unit sees this comment on its report."),
    )


class AdHocPeriodForm(forms.Form):
    duty = forms.ModelChoiceField(
        label=_("Reporting duty"), queryset=ReportingDuty.objects.none(), empty_label=None
    )
    label = forms.CharField(
        label=_("Name of the report"),
        max_length=120,
        help_text=_("For example “đột xuất về công tác tuyên truyền Ngày Quyền con người”."),
    )
    start = forms.DateField(label=_("Records from"), widget=DateInput())
    end = forms.DateField(label=_("Records to"), widget=DateInput())
    due = forms.DateField(label=_("Due date"), widget=DateInput())

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["duty"].queryset = plan.reporting_duties.order_by("order")  # type: ignore[attr-defined]

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's error beside its field, or above the form when it has none."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)
