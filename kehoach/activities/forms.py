"""Forms of the record pages: the list filters and one form per record kind.

Form fields of a kind carry the names of the service's `detail` keys, so that the service's
ValidationError (keyed by field) lands on the right field.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kehoach.accounts import access
from kehoach.people.models import Person
from kehoach.plans import selectors as plan_selectors
from kehoach.plans.forms import DateInput
from kehoach.plans.models import Convention, Task, Theme
from kehoach.units.models import Unit

from .models import (
    Language,
    Platform,
    ProductKind,
    Record,
    RecordKind,
    TrainingKind,
    VisualItem,
)
from .selectors import RecordFilters

User = AbstractBaseUser | AnonymousUser

# The detail row of each kind, as Record's one-to-one related name.
DETAIL_ATTR = {
    RecordKind.PRODUCT: "product",
    RecordKind.TRAINING: "training",
    RecordKind.BRIEFING: "briefing",
    RecordKind.BROADCAST: "broadcast",
    RecordKind.PORTAL_POST: "portal_post",
    RecordKind.VISUAL: "visual",
    RecordKind.CONTEST: "contest_entry",
    RecordKind.BULLETIN: "bulletin",
}


def visible_tasks(user: User) -> QuerySet[Task]:
    """Tasks a record may be tied to: those of the plans the user sees."""
    return (
        plan_selectors.tasks_for_user(user)
        .select_related("plan")
        .order_by("-plan__year", "plan_id", "order", "pk")
    )


def visible_themes(user: User) -> QuerySet[Theme]:
    return Theme.objects.filter(
        access.plan_visibility_q(user, issuer_field="plan__issuer")
    ).select_related("plan")


def scope_people(user: User) -> QuerySet[Person]:
    """People of the user's subtrees: who may be listed as attendees or spokesperson."""
    scope = access.scope_for(user)
    people = Person.objects.filter(erased_at__isnull=True).select_related("unit")
    return people.filter(scope.subtree_q("unit__path"))


class UnitChoiceField(forms.ModelChoiceField[Unit]):
    def label_from_instance(self, obj: Unit) -> str:
        return "\u2003" * max(obj.depth - 1, 0) + obj.name


class TaskChoiceField(forms.ModelChoiceField[Task]):
    def label_from_instance(self, obj: Task) -> str:
        return _task_label(obj)


class TasksField(forms.ModelMultipleChoiceField[Task]):
    def label_from_instance(self, obj: Task) -> str:
        return _task_label(obj)


def _task_label(task: Task) -> str:
    plan = task.plan.number or task.plan.title[:40]
    number = f"{task.number}. " if task.number else ""
    return f"{plan} · {number}{task.title[:120]}"


class ThemesField(forms.ModelMultipleChoiceField[Theme]):
    def label_from_instance(self, obj: Theme) -> str:
        plan = obj.plan.number or obj.plan.title[:40]
        return f"{plan} · {obj.number} {obj.short_title}".strip()


class PersonField(forms.ModelChoiceField[Person]):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.full_name} — {obj.unit.name}"


class PeopleField(forms.ModelMultipleChoiceField[Person]):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.full_name} — {obj.unit.name}"


class ProductRecordField(forms.ModelChoiceField[Record]):
    def label_from_instance(self, obj: Record) -> str:
        return f"{obj.title[:100]} ({obj.date:%d/%m/%Y})"


class RecordFilterForm(forms.Form):
    """GET filters of the record list; an invalid value drops only that filter."""

    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *RecordKind.choices], required=False
    )
    unit = UnitChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All units")
    )
    task = TaskChoiceField(
        label=_("Task"), queryset=Task.objects.none(), required=False, empty_label=_("All tasks")
    )
    theme = ThemesField(label=_("Theme"), queryset=Theme.objects.none(), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = access.writable_units(user).order_by("path")  # type: ignore[attr-defined]
        self.fields["task"].queryset = visible_tasks(user)  # type: ignore[attr-defined]
        # One theme at a time: a select, not a multiple choice.
        self.fields["theme"] = forms.ModelChoiceField(
            label=_("Theme"),
            queryset=visible_themes(user),
            required=False,
            empty_label=_("All themes"),
        )

    def filters(self) -> RecordFilters:
        self.is_valid()
        data = self.cleaned_data
        unit, task, theme = data.get("unit"), data.get("task"), data.get("theme")
        return RecordFilters(
            kind=data.get("kind") or "",
            unit_id=unit.pk if unit else None,
            task_id=task.pk if task else None,
            theme_id=theme.pk if theme else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            query=(data.get("q") or "").strip(),
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class RecordForm(forms.Form):
    """What every kind shares; subclasses add the kind's fields and say how to read them."""

    kind: str = ""
    detail_fields: Sequence[str] = ()

    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    date = forms.DateField(label=_("Date"), widget=DateInput())
    title = forms.CharField(label=_("Title"), max_length=500)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    tasks = TasksField(
        label=_("Tasks"),
        queryset=Task.objects.none(),
        help_text=_("The tasks of the plans this record carries out."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    themes = ThemesField(
        label=_("Themes"),
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    conventions = forms.ModelMultipleChoiceField(
        label=_("Conventions"),
        queryset=Convention.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    documents = MultipleFileField(label=_("Files"), required=False)
    photos = MultipleFileField(
        label=_("Photos"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*"}),
    )
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One web address per line."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"].queryset = access.writable_units(user).order_by("path")  # type: ignore[attr-defined]
        self.fields["tasks"].queryset = visible_tasks(user)  # type: ignore[attr-defined]
        self.fields["themes"].queryset = visible_themes(user)  # type: ignore[attr-defined]
        self.fields["conventions"].queryset = Convention.objects.order_by("order", "abbr")  # type: ignore[attr-defined]

    @property
    def common_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in COMMON_FIELDS]

    @property
    def kind_fields(self) -> list[forms.BoundField]:
        """The kind's own fields, in declaration order."""
        skip = {*COMMON_FIELDS, *ATTACHMENT_FIELDS}
        return [self[name] for name in self.fields if name not in skip]

    def clean_links(self) -> list[str]:
        links = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        check = URLValidator()
        for link in links:
            try:
                check(link)
            except ValidationError as error:
                raise ValidationError(
                    _("“%(link)s” is not a web address."), params={"link": link}
                ) from error
        return links

    def common(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "unit": data["unit"],
            "date": data["date"],
            "title": data["title"],
            "description": data["description"],
            "tasks": list(data["tasks"]),
            "themes": list(data["themes"]),
            "conventions": list(data["conventions"]),
        }

    def detail(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.detail_fields}

    def add_service_error(self, error: ValidationError) -> None:
        """Put the service's messages on the fields they name; the rest above the form."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                target = field if field in self.fields else None
                for item in errors:
                    self.add_error(target, item)
        else:
            self.add_error(None, error)

    @staticmethod
    def initial_from(record: Record) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "unit": record.unit_id,
            "date": record.date,
            "title": record.title,
            "description": record.description,
            "tasks": [t.pk for t in record.tasks.all()],
            "themes": [t.pk for t in record.themes.all()],
            "conventions": [c.pk for c in record.conventions.all()],
        }
        return initial


class ProductForm(RecordForm):
    kind = RecordKind.PRODUCT
    detail_fields = ("product_kind", "url", "digitised", "published_online")

    product_kind = forms.ChoiceField(label=_("Product kind"), choices=ProductKind.choices)
    languages = forms.ModelMultipleChoiceField(
        label=_("Languages"),
        queryset=Language.objects.all(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    platforms = forms.ModelMultipleChoiceField(
        label=_("Platforms"),
        queryset=Platform.objects.all(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    url = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")
    digitised = forms.BooleanField(label=_("Digitised"), required=False)
    published_online = forms.BooleanField(label=_("Published online"), required=False)

    def detail(self) -> dict[str, Any]:
        data = super().detail()
        data["url"] = data["url"] or ""
        data["languages"] = [language.code for language in self.cleaned_data["languages"]]
        data["platforms"] = [platform.code for platform in self.cleaned_data["platforms"]]
        return data


class TrainingForm(RecordForm):
    kind = RecordKind.TRAINING
    detail_fields = ("training_kind", "organiser")

    training_kind = forms.ChoiceField(label=_("Training kind"), choices=TrainingKind.choices)
    organiser = forms.CharField(label=_("Organiser"), max_length=255, required=False)
    attendees = PeopleField(
        label=_("Attendees"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("People of your units who attended."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["attendees"].queryset = scope_people(user)  # type: ignore[attr-defined]

    def detail(self) -> dict[str, Any]:
        data = super().detail()
        data["attendees"] = [person.pk for person in self.cleaned_data["attendees"]]
        return data


class BriefingForm(RecordForm):
    kind = RecordKind.BRIEFING
    detail_fields = ("journalists",)

    spokesperson = PersonField(
        label=_("Spokesperson"), queryset=Person.objects.none(), required=False
    )
    journalists = forms.IntegerField(label=_("Journalists present"), min_value=0, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["spokesperson"].queryset = scope_people(user)  # type: ignore[attr-defined]

    def detail(self) -> dict[str, Any]:
        data = super().detail()
        person = self.cleaned_data.get("spokesperson")
        data["spokesperson"] = person.pk if person else None
        return data


def _products_of(user: User) -> QuerySet[Record]:
    scope = access.scope_for(user)
    return Record.objects.filter(scope.subtree_q("unit__path"), kind=RecordKind.PRODUCT).order_by(
        "-date", "-pk"
    )


class _WithProduct(RecordForm):
    product = ProductRecordField(
        label=_("Product"),
        queryset=Record.objects.none(),
        required=False,
        help_text=_("A communication product recorded by your units."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["product"].queryset = _products_of(user)  # type: ignore[attr-defined]

    def detail(self) -> dict[str, Any]:
        data = super().detail()
        product = self.cleaned_data.get("product")
        data["product"] = product.pk if product else None
        return data


class BroadcastForm(_WithProduct):
    kind = RecordKind.BROADCAST
    detail_fields = ("station", "first_aired", "last_aired", "times_aired")

    station = forms.CharField(label=_("Station"), max_length=255)
    first_aired = forms.DateField(label=_("First aired"), widget=DateInput())
    last_aired = forms.DateField(label=_("Last aired"), widget=DateInput(), required=False)
    times_aired = forms.IntegerField(label=_("Times aired"), min_value=1, initial=1)


class PortalPostForm(_WithProduct):
    kind = RecordKind.PORTAL_POST
    detail_fields = ("url",)

    url = forms.URLField(label=_("Link"), max_length=500, assume_scheme="https")


class VisualForm(RecordForm):
    kind = RecordKind.VISUAL
    detail_fields = ("item", "quantity", "location")

    item = forms.ChoiceField(label=_("Item"), choices=VisualItem.choices)
    quantity = forms.IntegerField(label=_("How many"), min_value=1)
    location = forms.CharField(label=_("Where"), max_length=255)


class ContestForm(RecordForm):
    kind = RecordKind.CONTEST
    detail_fields = ("contest", "url")

    contest = forms.CharField(label=_("Contest"), max_length=255)
    url = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")

    def detail(self) -> dict[str, Any]:
        data = super().detail()
        data["url"] = data["url"] or ""
        return data


class BulletinForm(RecordForm):
    kind = RecordKind.BULLETIN
    detail_fields = ("period_start", "period_end", "items")

    period_start = forms.DateField(label=_("Period start"), widget=DateInput())
    period_end = forms.DateField(label=_("Period end"), widget=DateInput())
    items = forms.IntegerField(label=_("Items reported"), min_value=0, initial=0)


KIND_FORMS: Mapping[str, type[RecordForm]] = {
    RecordKind.PRODUCT: ProductForm,
    RecordKind.TRAINING: TrainingForm,
    RecordKind.BRIEFING: BriefingForm,
    RecordKind.BROADCAST: BroadcastForm,
    RecordKind.PORTAL_POST: PortalPostForm,
    RecordKind.VISUAL: VisualForm,
    RecordKind.CONTEST: ContestForm,
    RecordKind.BULLETIN: BulletinForm,
}

# Fields of the kind's form shown in their own box, in this order.
COMMON_FIELDS = ("unit", "date", "title", "description", "tasks", "themes", "conventions")
ATTACHMENT_FIELDS = ("documents", "photos", "links")


def detail_initial(record: Record) -> dict[str, Any]:
    """The kind's form fields as stored, for the edit form."""
    detail = getattr(record, DETAIL_ATTR[RecordKind(record.kind)], None)
    if detail is None:
        return {}
    initial: dict[str, Any] = {}
    form_class = KIND_FORMS[record.kind]
    for name in form_class.base_fields:
        if name in COMMON_FIELDS or name in ATTACHMENT_FIELDS:
            continue
        if name == "languages":
            initial[name] = [language.code for language in detail.languages.all()]
        elif name == "platforms":
            initial[name] = [platform.code for platform in detail.platforms.all()]
        elif name == "attendees":
            initial[name] = [a.person_id for a in detail.attendance.all()]
        elif name == "spokesperson":
            initial[name] = detail.spokesperson_id
        elif name == "product":
            initial[name] = detail.product_id  # Product's key is its record's id
        elif hasattr(detail, name):
            initial[name] = getattr(detail, name)
    return initial


def parse_day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def in_scope_q(user: User, path_field: str) -> Q:
    return access.scope_for(user).subtree_q(path_field)
