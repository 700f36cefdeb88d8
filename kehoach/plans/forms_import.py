"""Forms of the plan importer: the upload, and the review of a draft with one row per target,
task and reporting duty (rows can be added and removed).

A draft (the importer's JSON) goes into these forms as initial values and comes out of their
cleaned data as a draft again, so the review page, its re-check and `kehoach import-plan` all
validate with the same rules before services.plan_import writes anything.
"""

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from kehoach.units.models import Unit

from .forms import UnitChoiceField
from .importing import split_names
from .models import Plan, Recurrence, ReportPeriod

MAX_ROWS = 1000  # a posted row count above this is a forged form, not a plan


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Plan document"))
    issuer = UnitChoiceField(
        label=_("Issuing unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Find it in the document"),
    )

    def __init__(self, *args: Any, issuers: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuers  # type: ignore[attr-defined]


class PlanChoiceField(forms.ModelChoiceField[Plan]):
    def label_from_instance(self, obj: Plan) -> str:
        return f"{obj.number or '—'} · {obj.title[:90]} ({obj.year})"


class NumberField(forms.DecimalField):
    """A figure as Vietnamese write it (1,7) or as the draft stores it (1.7)."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace(",", ".")
        return super().to_python(value)


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _iso(value: Any) -> dt.date | Any:
    """A draft's ISO date as a date, so the date input shows it; anything else as it is."""
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return value


def _date_out(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _number_out(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


class DraftHeaderForm(forms.Form):
    title = forms.CharField(label=_("Title"), widget=forms.Textarea(attrs={"rows": 2}))
    number = forms.CharField(label=_("Number and symbol"), max_length=60, required=False)
    date = _date_field(_("Date issued"))
    year = forms.IntegerField(label=_("Year"), min_value=1945, max_value=2100)
    issuer_unit = UnitChoiceField(label=_("Issuing unit"), queryset=Unit.objects.none())
    issuer = forms.CharField(label=_("Issuer as written"), max_length=255, required=False)
    period_time = forms.CharField(label=_("Implementation time"), max_length=255, required=False)
    period_start = _date_field(_("Start"))
    period_end = _date_field(_("End"))
    implements = forms.CharField(
        label=_("Implements"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    replace = PlanChoiceField(
        label=_("Replace an existing plan"),
        queryset=Plan.objects.none(),
        required=False,
        empty_label=_("No: create a new plan"),
        help_text=_(
            "Choose a plan to update it from this document: its tasks keep their status and "
            "history."
        ),
    )

    def __init__(
        self, *args: Any, issuers: QuerySet[Unit], plans: QuerySet[Plan], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuer_unit"].queryset = issuers  # type: ignore[attr-defined]
        self.fields["replace"].queryset = plans  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end date cannot be earlier than the start date."))
        return data

    @staticmethod
    def initial_from(draft: Mapping[str, Any]) -> dict[str, Any]:
        period = draft.get("period") or {}
        return {
            "title": draft.get("title") or "",
            "number": draft.get("number") or "",
            "date": _iso(draft.get("date")),
            "year": draft.get("year"),
            "issuer": draft.get("issuer") or "",
            "period_time": period.get("time") or "",
            "period_start": _iso(period.get("start")),
            "period_end": _iso(period.get("end")),
            "implements": draft.get("implements") or "",
        }

    def to_draft(self) -> dict[str, Any]:
        data = self.cleaned_data
        draft: dict[str, Any] = {
            "title": data["title"].strip(),
            "issuer": data["issuer"].strip() or None,
            "number": data["number"].strip() or None,
            "date": _date_out(data["date"]),
            "year": data["year"],
        }
        if data["period_time"] or data["period_start"] or data["period_end"]:
            draft["period"] = {
                "time": data["period_time"] or None,
                "start": _date_out(data["period_start"]),
                "end": _date_out(data["period_end"]),
            }
        if data["implements"].strip():
            draft["implements"] = data["implements"].strip()
        return draft


class RowForm(forms.Form):
    """One item of a list; a row ticked "remove", or left entirely empty, is dropped."""

    remove = forms.BooleanField(label=_("Remove"), required=False)
    source_line = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    content_fields: tuple[str, ...] = ()
    required_fields: tuple[str, ...] = ()

    def is_blank(self) -> bool:
        return not any(
            str(self.data.get(self.add_prefix(name)) or "").strip() for name in self.content_fields
        )

    @property
    def dropped(self) -> bool:
        return bool(self.is_bound and (self.is_blank() or self.data.get(self.add_prefix("remove"))))

    def full_clean(self) -> None:
        if self.is_bound and self.dropped:
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.required_fields:
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("This field is required."))
        return data

    @staticmethod
    def initial_from(item: Mapping[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def to_item(self) -> dict[str, Any]:
        raise NotImplementedError


class TargetRowForm(RowForm):
    text = forms.CharField(label=_("Target"), widget=forms.Textarea(attrs={"rows": 2}))
    value = NumberField(label=_("Value"), required=False, max_digits=14, decimal_places=3)
    value_max = NumberField(label=_("Upper value"), required=False, max_digits=14, decimal_places=3)
    unit = forms.CharField(label=_("Unit of measure"), max_length=60, required=False)
    content_fields = ("text", "value", "value_max", "unit")
    required_fields = ("text",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False  # checked in clean(), after blank rows are dropped

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        value, value_max = data.get("value"), data.get("value_max")
        if value_max is not None and (value is None or value_max < value):
            self.add_error("value_max", _("A target range must run from low to high."))
        return data

    @staticmethod
    def initial_from(item: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "text": item.get("text") or "",
            "value": item.get("value"),
            "value_max": item.get("value_max"),
            "unit": item.get("unit") or "",
            "source_line": item.get("source_line"),
        }

    def to_item(self) -> dict[str, Any]:
        data = self.cleaned_data
        item: dict[str, Any] = {
            "text": data["text"].strip(),
            "value": _number_out(data["value"]),
            "unit": data["unit"].strip() or None,
            "source_line": data["source_line"],
        }
        if data["value_max"] is not None:
            item["value_max"] = _number_out(data["value_max"])
        return item


def _names_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=4000,
        help_text=_("Separate units with a semicolon (;)."),
    )


def _check_names(form: forms.Form, data: Mapping[str, Any], name: str) -> list[str]:
    names = split_names(data.get(name) or "")
    if any(len(part) > 255 for part in names):
        form.add_error(name, _("A unit name may have at most 255 characters."))
    return names


class TaskRowForm(RowForm):
    number = forms.CharField(label=_("Number"), max_length=20, required=False)
    title = forms.CharField(label=_("Task"), widget=forms.Textarea(attrs={"rows": 2}))
    lead = _names_field(_("Lead units"))
    support = _names_field(_("Coordinating units"))
    time = forms.CharField(label=_("Time as written"), max_length=255, required=False)
    start = _date_field(_("Start"))
    end = _date_field(_("End"))
    recurrence = forms.ChoiceField(label=_("Recurrence"), choices=Recurrence.choices)
    details = forms.CharField(
        label=_("Details"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    content_fields = ("number", "title", "lead", "support", "time", "start", "end", "details")
    required_fields = ("title",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False  # checked in clean(), after blank rows are dropped

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["lead_names"] = _check_names(self, data, "lead")
        data["support_names"] = _check_names(self, data, "support")
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date cannot be earlier than the start date."))
        return data

    @staticmethod
    def initial_from(item: Mapping[str, Any]) -> dict[str, Any]:
        recurrence = item.get("recurrence") or (
            Recurrence.CONTINUOUS if item.get("recurring") else Recurrence.NONE
        )
        return {
            "number": item.get("number") or "",
            "title": item.get("title") or "",
            "lead": "; ".join(item.get("lead") or []),
            "support": "; ".join(item.get("support") or []),
            "time": item.get("time") or "",
            "start": _iso(item.get("start")),
            "end": _iso(item.get("end")),
            "recurrence": recurrence,
            "details": item.get("details") or "",
            "source_line": item.get("source_line"),
        }

    def to_item(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "number": data["number"].strip() or None,
            "title": data["title"].strip(),
            "lead": data["lead_names"],
            "support": data["support_names"],
            "time": data["time"].strip() or None,
            "start": _date_out(data["start"]),
            "end": _date_out(data["end"]),
            "recurring": data["recurrence"] != Recurrence.NONE,
            "recurrence": data["recurrence"],
            "details": data["details"].strip() or None,
            "source_line": data["source_line"],
        }


_DUE = re.compile(r"^(\*\*|0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


class ReportingRowForm(RowForm):
    who = forms.CharField(label=_("Who reports"), max_length=255)
    what = forms.CharField(label=_("What"), widget=forms.Textarea(attrs={"rows": 2}))
    due = forms.CharField(
        label=_("Due (MM-DD)"),
        max_length=5,
        required=False,
        help_text=_("For example 11-30; **-15 for the 15th of every month."),
    )
    period = forms.ChoiceField(
        label=_("Period"), choices=[("", "—"), *ReportPeriod.choices], required=False
    )
    to_whom = forms.CharField(label=_("To whom"), max_length=255, required=False)
    content_fields = ("who", "what", "due", "to_whom")
    required_fields = ("who", "what")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["who"].required = self.fields["what"].required = False

    def clean_due(self) -> str:
        due = str(self.cleaned_data.get("due") or "").strip()
        if due and not _DUE.match(due):
            raise forms.ValidationError(
                _("%(due)s is not a due day (MM-DD)."), params={"due": due}, code="invalid"
            )
        return due

    @staticmethod
    def initial_from(item: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "who": item.get("who") or "",
            "what": item.get("what") or "",
            "due": item.get("due") or "",
            "period": item.get("period") or "",
            "to_whom": item.get("to_whom") or "",
            "source_line": item.get("source_line"),
        }

    def to_item(self) -> dict[str, Any]:
        data = self.cleaned_data
        item: dict[str, Any] = {
            "who": data["who"].strip(),
            "what": data["what"].strip(),
            "due": data["due"] or None,
            "period": data["period"] or None,
            "source_line": data["source_line"],
        }
        if data["to_whom"].strip():
            item["to_whom"] = data["to_whom"].strip()
        return item


# (draft key, form prefix, row form)
SECTIONS: tuple[tuple[str, type[RowForm]], ...] = (
    ("targets", TargetRowForm),
    ("tasks", TaskRowForm),
    ("reporting", ReportingRowForm),
)


def _row_count(data: Mapping[str, Any], key: str) -> int:
    try:
        return max(0, min(int(data.get(f"{key}-count") or 0), MAX_ROWS))
    except (TypeError, ValueError):
        return 0


@dataclass
class ReviewForms:
    """The whole review page: the header form and the rows of each list."""

    header: DraftHeaderForm
    rows: dict[str, list[RowForm]]

    @classmethod
    def build(
        cls,
        *,
        draft: Mapping[str, Any],
        data: Mapping[str, Any] | None,
        issuers: QuerySet[Unit],
        plans: QuerySet[Plan],
        issuer: Unit | None = None,
        replace: Plan | None = None,
    ) -> "ReviewForms":
        """Bound to posted `data`, or (data None) unbound with the draft as initial values."""
        initial = DraftHeaderForm.initial_from(draft)
        initial["issuer_unit"] = issuer
        initial["replace"] = replace
        header = DraftHeaderForm(data, initial=initial, issuers=issuers, plans=plans)
        rows: dict[str, list[RowForm]] = {}
        for key, form_class in SECTIONS:
            if data is not None:
                rows[key] = [
                    form_class(data, prefix=f"{key}-{index}")
                    for index in range(_row_count(data, key))
                ]
            else:
                rows[key] = [
                    form_class(initial=form_class.initial_from(item), prefix=f"{key}-{index}")
                    for index, item in enumerate(draft.get(key) or [])
                ]
        return cls(header=header, rows=rows)

    def is_valid(self) -> bool:
        valid = self.header.is_valid()
        for forms_ in self.rows.values():
            for form in forms_:
                valid = form.is_valid() and valid
        return valid

    def to_draft(self, base: Mapping[str, Any]) -> dict[str, Any]:
        """The corrected draft: the edited fields over `base` (what the page does not show,
        such as themes or duties, is kept)."""
        draft = dict(base)
        draft.pop("period", None)
        draft.pop("implements", None)
        draft.update(self.header.to_draft())
        for key, forms_ in self.rows.items():
            draft[key] = [form.to_item() for form in forms_ if not form.dropped]
        return draft

    def error_messages(self) -> list[str]:
        """Every error as one line ("tasks 3, end: ..."), for the command line."""
        lines = []
        for name, errors in self.header.errors.items():
            for error in errors:
                lines.append(f"{name}: {error}")
        for key, forms_ in self.rows.items():
            for index, form in enumerate(forms_, start=1):
                for name, errors in form.errors.items():
                    for error in errors:
                        lines.append(f"{key} {index}, {name}: {error}")
        return lines


def draft_as_post(
    draft: Mapping[str, Any], *, issuer: Unit, replace: Plan | None = None
) -> dict[str, Any]:
    """The draft as the review page would post it, to check it with the same forms."""
    post: dict[str, Any] = {}
    for name, value in DraftHeaderForm.initial_from(draft).items():
        post[name] = "" if value is None else value
    post["issuer_unit"] = str(issuer.pk)
    post["replace"] = str(replace.pk) if replace else ""
    for key, form_class in SECTIONS:
        items: Sequence[Mapping[str, Any]] = draft.get(key) or []
        post[f"{key}-count"] = str(len(items))
        for index, item in enumerate(items):
            for name, value in form_class.initial_from(item).items():
                post[f"{key}-{index}-{name}"] = "" if value is None else value
    return post
