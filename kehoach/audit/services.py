"""Entries for the few writes django-auditlog's signals cannot see: a conditional UPDATE (optimistic
locking) and bulk_create. Everything else is recorded by its receivers on save() and delete()."""

from collections.abc import Iterable

from auditlog.diff import model_instance_diff
from django.conf import settings
from django.db.models import Model

from .models import AuditEntry


def update_logged(*, before: Model, after: Model) -> AuditEntry | None:
    """Record the change from `before` to `after` (the same object, read before and after a
    QuerySet.update); nothing when no audited field changed."""
    changes = model_instance_diff(
        before, after, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES
    )
    if not changes:
        return None
    entry: AuditEntry | None = AuditEntry.objects.log_create(
        after, action=AuditEntry.Action.UPDATE, changes=changes
    )
    return entry


def created_logged(objects: Iterable[Model]) -> None:
    """Record objects made by bulk_create (they must have their primary keys)."""
    for obj in objects:
        changes = model_instance_diff(
            None, obj, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES
        )
        AuditEntry.objects.log_create(obj, action=AuditEntry.Action.CREATE, changes=changes)
