"""Forms of the plan pages: the task list filters, the task form and the status change."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kehoach.lib.vndates import ROMAN_QUARTERS
from kehoach.units.models import Unit

from . import selectors
from .models import AssignmentRole, Plan, Recurrence, Task, TaskStatus, Theme, UnitScope
from .selectors import TaskFilters, TimeFilter

OVERDUE = "overdue"

STATUS_FILTER_CHOICES = [
    ("", _("All statuses")),
    *TaskStatus.choices,
    (OVERDUE, _("Overdue")),
]
TIME_FILTER_CHOICES = [
    ("", _("Any time")),
    (TimeFilter.THIS_MONTH, _("This month")),
    (TimeFilter.OVERDUE, _("Overdue")),
    (TimeFilter.NEXT_30_DAYS, _("Due in the next 30 days")),
    (TimeFilter.CONTINUOUS, _("Continuous or recurring")),
]
QUARTER_CHOICES = [("", _("Any quarter"))] + [
    # format_lazy: the label is translated when shown, in the user's language, not at import.
    (str(number), format_lazy(_("Quarter {roman}"), roman=roman))
    for number, roman in ROMAN_QUARTERS.items()
]


class UnitChoiceField(forms.ModelChoiceField[Unit]):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.display_name


class IndentedUnitsField(forms.ModelMultipleChoiceField[Unit]):
    """Units listed in tree order, indented by depth so the district's agencies stand out."""

    base_depth = 0

    def label_from_instance(self, obj: Unit) -> str:
        return "\u2003" * max(obj.depth - self.base_depth, 0) + obj.name


class TaskFilterForm(forms.Form):
    """GET filters of the task list; an invalid value drops only that filter."""

    q = forms.CharField(label=_("Search"), required=False)
    unit = UnitChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All units")
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_FILTER_CHOICES, required=False)
    time = forms.ChoiceField(
        label=pgettext_lazy("when a task happens", "Time"),
        choices=TIME_FILTER_CHOICES,
        required=False,
    )
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), choices=QUARTER_CHOICES, coerce=int, required=False, empty_value=None
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"), queryset=Theme.objects.none(), required=False, empty_label=_("All themes")
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.task_filter_units(plan=plan)  # type: ignore[attr-defined]
        self.fields["theme"].queryset = plan.themes.all()  # type: ignore[attr-defined]

    def filters(self) -> TaskFilters:
        self.is_valid()
        data = self.cleaned_data
        unit = data.get("unit")
        theme = data.get("theme")
        return TaskFilters(
            unit_id=unit.pk if unit else None,
            status=data.get("status") or "",
            time=data.get("time") or "",
            quarter=data.get("quarter"),
            theme_id=theme.pk if theme else None,
            query=(data.get("q") or "").strip(),
        )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        # ISO format whatever the language: the browser's date picker shows it localised.
        super().__init__(format="%Y-%m-%d")


class TaskForm(forms.Form):
    """Create or edit a task; the plan's services do the checks that matter (dates, title)."""

    number = forms.CharField(label=_("Number as written"), max_length=20, required=False)
    title = forms.CharField(label=_("Title"), widget=forms.Textarea(attrs={"rows": 2}))
    details = forms.CharField(
        label=_("Details"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    time_text = forms.CharField(
        label=_("Time as written"),
        max_length=255,
        required=False,
        help_text=_("As the plan writes it, for example “Quý II/2024” or “Thường xuyên”."),
    )
    start = forms.DateField(label=_("Start"), required=False, widget=DateInput())
    end = forms.DateField(label=_("End"), required=False, widget=DateInput())
    recurrence = forms.ChoiceField(
        label=_("Recurrence"), choices=Recurrence.choices, initial=Recurrence.NONE
    )
    lead_units = IndentedUnitsField(
        label=_("Lead units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    support_units = IndentedUnitsField(
        label=_("Coordinating units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, plan: Plan, task: Task | None = None, **kwargs: Any) -> None:
        if task is not None and "initial" not in kwargs:
            kwargs["initial"] = _task_initial(task)
        super().__init__(*args, **kwargs)
        assigned = [a.unit_id for a in task.assignments.all() if a.unit_id] if task else []
        units = selectors.plan_assignable_units(plan=plan, include=assigned)
        for name in ("lead_units", "support_units"):
            field = self.fields[name]
            assert isinstance(field, IndentedUnitsField)
            field.queryset = units
            field.base_depth = plan.issuer.depth
        self.fields["themes"].queryset = plan.themes.all()  # type: ignore[attr-defined]

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's error beside its field, or above the form when it has none."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


def _task_initial(task: Task) -> dict[str, Any]:
    by_name = [a for a in task.assignments.all() if a.unit_id and a.scope == UnitScope.UNIT]
    return {
        "number": task.number,
        "title": task.title,
        "details": task.details,
        "time_text": task.time_text,
        "start": task.start,
        "end": task.end,
        "recurrence": task.recurrence,
        "lead_units": [a.unit_id for a in by_name if a.role == AssignmentRole.LEAD],
        "support_units": [a.unit_id for a in by_name if a.role == AssignmentRole.SUPPORT],
        "themes": [theme.pk for theme in task.themes.all()],
    }


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=TaskStatus.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What was done, or why the status changes."),
    )
