"""Reading the audit trail: what a user may see, filtered, and each entry's changes as rows."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kehoach.accounts import access
from kehoach.lib.vntext import search_key
from kehoach.units.models import Unit

from .models import AuditEntry
from .registry import AUDITED, MASK


def entries_visible(user: AbstractBaseUser | AnonymousUser) -> QuerySet[AuditEntry]:
    entries: QuerySet[AuditEntry] = (
        AuditEntry.objects.filter(access.audit_visibility_q(user, unit_field="unit"))
        .select_related("actor", "content_type", "unit")
        .order_by("-timestamp", "-pk")
    )
    return entries


def kind_label(kind: ContentType) -> str:
    model = kind.model_class()
    return str(model._meta.verbose_name) if model is not None else kind.model


def audited_kinds() -> list[ContentType]:
    """The kinds of object the trail records, for the filter (by their names)."""
    from django.apps import apps

    kinds = [ContentType.objects.get_for_model(apps.get_model(label)) for label in AUDITED]
    return sorted(kinds, key=lambda kind: search_key(kind_label(kind)))


def action_label(action: int) -> str:
    """What happened, in the user's language (auditlog's own labels are not translated)."""
    labels = {
        AuditEntry.Action.CREATE: _("created"),
        AuditEntry.Action.UPDATE: _("changed"),
        AuditEntry.Action.DELETE: _("deleted"),
        AuditEntry.Action.ACCESS: _("opened"),
    }
    return str(labels.get(action, action))


@dataclass(frozen=True)
class EntryRow:
    entry: AuditEntry
    kind: str
    action: str
    changes: list["ChangeRow"]


def entry_rows(entries: Iterable[AuditEntry]) -> list[EntryRow]:
    return [
        EntryRow(
            entry=entry,
            kind=kind_label(entry.content_type),
            action=action_label(entry.action),
            changes=change_rows(entry),
        )
        for entry in entries
    ]


@dataclass(frozen=True)
class EntryFilters:
    unit: Unit | None = None
    kind: ContentType | None = None
    action: int | None = None
    source: str = ""
    actor: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    text: str = ""


def entries_filtered(entries: QuerySet[AuditEntry], filters: EntryFilters) -> QuerySet[AuditEntry]:
    if filters.unit is not None:
        entries = entries.filter(unit__path__startswith=filters.unit.path)
    if filters.kind is not None:
        entries = entries.filter(content_type=filters.kind)
    if filters.action is not None:
        entries = entries.filter(action=filters.action)
    if filters.source:
        entries = entries.filter(source=filters.source)
    if filters.actor:
        entries = entries.filter(
            Q(actor__username__iexact=filters.actor) | Q(actor_email__iexact=filters.actor)
        )
    zone = timezone.get_current_timezone()
    if filters.date_from:
        start = dt.datetime.combine(filters.date_from, dt.time.min, tzinfo=zone)
        entries = entries.filter(timestamp__gte=start)
    if filters.date_to:
        end = dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        entries = entries.filter(timestamp__lt=end)
    if filters.text:
        entries = entries.filter(object_repr__icontains=filters.text)
    return entries


def object_entries(
    user: AbstractBaseUser | AnonymousUser, kind: ContentType, object_pk: str
) -> QuerySet[AuditEntry]:
    return entries_visible(user).filter(content_type=kind, object_pk=object_pk)


@dataclass(frozen=True)
class ChangeRow:
    field: str
    before: str
    after: str


def _shown(value: Any) -> str:
    if value is None or value == "None":
        return "—"
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value)
    text = str(value)
    return text if text != "" else "—"


def _related_label(field: Any, value: Any) -> str:
    """A foreign key's value as the related object's name (its number when it is personal data
    or gone)."""
    model = field.related_model
    spec = AUDITED.get(model._meta.label)
    if spec is not None and spec.personal:
        return f"{model._meta.verbose_name} #{value}"
    related = model._base_manager.filter(pk=value).first()
    return str(related) if related is not None else f"#{value}"


def _value_shown(field: Any, value: Any) -> str:
    if value is None or value in ("None", ""):
        return "—"
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and field.many_to_one:
        return _related_label(field, value)
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return _shown(value)


def change_rows(entry: AuditEntry) -> list[ChangeRow]:
    """The entry's changes: the fields' names in the user's language, choices by their labels,
    related objects by their names; links added or removed for many-to-many fields."""
    model = entry.content_type.model_class()
    rows = []
    for name, values in (entry.changes or {}).items():
        try:
            field: Any = model._meta.get_field(name) if model is not None else None
        except FieldDoesNotExist:
            field = None
        if field is not None and (not hasattr(field, "verbose_name") or field.primary_key):
            continue  # the object's own number, or a relation seen from the other side
        label = str(field.verbose_name) if field is not None else name
        if isinstance(values, dict):  # many-to-many: {"type": "m2m", "operation", "objects"}
            objects = _shown(values.get("objects", []))
            added = values.get("operation") == "add"
            rows.append(ChangeRow(label, "—" if added else objects, objects if added else "—"))
            continue
        before, after = [*list(values), None, None][:2]
        if MASK in (before, after):
            rows.append(ChangeRow(label, MASK, MASK))
            continue
        rows.append(ChangeRow(label, _value_shown(field, before), _value_shown(field, after)))
    return rows
