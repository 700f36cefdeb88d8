"""Test support: a Django test client that checks every change a request makes is in the audit
trail, made by the request's user.

Around each request it takes a snapshot of every audited table (the audited fields of each row,
and the rows of the audited many-to-many fields), compares after the response, and requires, for
each row created, changed or deleted, an audit entry written during the request for that object
by the request's user (created/changed rows: any action; deleted rows: a deletion). It reads the
tables, not the signals, so writes that bypass auditlog (QuerySet.update, bulk_create) are caught.
The permission-matrix modules use it for every request (kehoach/conftest.py).
"""

from dataclasses import dataclass, field
from typing import Any

from auditlog.models import AbstractLogEntry
from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, Model
from django.test import Client

from .models import AuditEntry
from .registry import AUDITED, GLOBAL_EXCLUDE

Snapshot = dict[str, dict[Any, tuple[Any, ...]]]
M2MSnapshot = dict[tuple[str, str], set[tuple[Any, Any]]]


def _audited_fields(model: type[Model]) -> list[str]:
    spec = AUDITED[model._meta.label]
    skipped = {*GLOBAL_EXCLUDE, *spec.exclude}
    return [f.attname for f in model._meta.concrete_fields if f.name not in skipped]


def _models() -> list[type[Model]]:
    return [apps.get_model(label) for label in AUDITED]


def snapshot() -> tuple[Snapshot, M2MSnapshot]:
    rows: Snapshot = {}
    links: M2MSnapshot = {}
    for model in _models():
        names = _audited_fields(model)
        rows[model._meta.label] = {
            values[0]: values for values in model._base_manager.values_list("pk", *names)
        }
        for m2m in AUDITED[model._meta.label].m2m:
            through = model._meta.get_field(m2m).remote_field.through  # type: ignore[union-attr]
            source = model._meta.get_field(m2m).m2m_field_name()  # type: ignore[union-attr]
            target = model._meta.get_field(m2m).m2m_reverse_field_name()  # type: ignore[union-attr]
            links[(model._meta.label, m2m)] = set(through._base_manager.values_list(source, target))
    return rows, links


@dataclass
class Change:
    label: str
    pk: Any
    deleted: bool = False


@dataclass
class AuditGap:
    request: str
    user: str
    missing: list[str] = field(default_factory=list)


class AuditNotRecorded(AssertionError):
    pass


def changes_between(
    before: tuple[Snapshot, M2MSnapshot], after: tuple[Snapshot, M2MSnapshot]
) -> list[Change]:
    changes: list[Change] = []
    rows_before, links_before = before
    rows_after, links_after = after
    for label, old in rows_before.items():
        new = rows_after[label]
        for pk in new.keys() - old.keys():
            changes.append(Change(label, pk))
        for pk in old.keys() - new.keys():
            changes.append(Change(label, pk, deleted=True))
        for pk in old.keys() & new.keys():
            if old[pk] != new[pk]:
                changes.append(Change(label, pk))
    for (label, _m2m), old_links in links_before.items():
        for owner, _target in old_links ^ links_after[(label, _m2m)]:
            if owner in rows_after[label]:  # a deleted owner's links go with its deletion
                changes.append(Change(label, owner))
    return changes


def missing_entries(changes: list[Change], since_id: int, user_id: int | None) -> list[str]:
    entries = AuditEntry.objects.filter(pk__gt=since_id)
    found = {
        (content_type_id, object_pk, actor_id, action)
        for content_type_id, object_pk, actor_id, action in entries.values_list(
            "content_type_id", "object_pk", "actor_id", "action"
        )
    }
    missing = []
    for change in changes:
        content_type = ContentType.objects.get_for_model(apps.get_model(change.label))
        actions = (
            [AbstractLogEntry.Action.DELETE]
            if change.deleted
            else [AbstractLogEntry.Action.CREATE, AbstractLogEntry.Action.UPDATE]
        )
        if not any(
            (content_type.pk, str(change.pk), user_id, action) in found for action in actions
        ):
            what = "deletion of" if change.deleted else "change of"
            missing.append(f"{what} {change.label} #{change.pk}")
    return missing


def _last_entry_id() -> int:
    return AuditEntry.objects.aggregate(last=Max("pk"))["last"] or 0


def _user_of(request: Any) -> AbstractBaseUser | None:
    for candidate in (getattr(request, "user", None), getattr(request, "auth", None)):
        if isinstance(candidate, AbstractBaseUser) and candidate.is_authenticated:
            return candidate
    return None


class AuditCheckingClient(Client):
    """A test client whose every request must leave its changes in the audit trail."""

    checked_writes = 0  # requests that changed audited rows, over the whole run

    def request(self, **request: Any) -> Any:
        before = snapshot()
        since = _last_entry_id()
        response = super().request(**request)
        changes = changes_between(before, snapshot())
        if changes:
            type(self).checked_writes += 1
            wsgi_request = getattr(response, "wsgi_request", None)
            user = _user_of(wsgi_request)
            missing = missing_entries(changes, since, user.pk if user else None)
            if missing:
                raise AuditNotRecorded(
                    f"{request.get('REQUEST_METHOD')} {request.get('PATH_INFO')} by "
                    f"{user or 'anonymous'}: not in the audit trail: " + "; ".join(missing)
                )
        return response
