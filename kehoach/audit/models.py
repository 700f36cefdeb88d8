"""The audit trail: one row per change of an audited object, never edited nor deleted.

django-auditlog writes the rows (its signal receivers, its middleware for the request's user); this
model adds the unit the object belongs to (the per-unit history and who may read it) and the way the
change came in. The database refuses UPDATE and DELETE on the table (migration 0002), except
Django's SET NULL of the actor when a user account is deleted; `actor_email` keeps who it was.
"""

from typing import Any

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.db import models
from django.db.models import Model
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    WEB = "web", _("web app")
    API = "api", _("API")
    ADMIN = "admin", _("administration site")
    IMPORT = "import", _("import")
    WORKER = "worker", _("background worker")
    COMMAND = "command", _("command line")


def _author_of(instance: Model) -> Any:
    for name in ("created_by", "by"):
        if getattr(instance, f"{name}_id", None) is not None:
            return getattr(instance, name)
    return None


class AuditEntryManager(LogEntryManager):  # type: ignore[misc]
    """auditlog's manager, filling in the unit and the source of every entry it writes."""

    def log_create(self, instance: Model, force_log: bool = False, **kwargs: Any) -> Any:
        self._defaults(instance, kwargs)
        return super().log_create(instance, force_log, **kwargs)

    def log_m2m_changes(
        self, changed_queryset: Any, instance: Model, operation: Any, field_name: str, **kwargs: Any
    ) -> Any:
        self._defaults(instance, kwargs)
        return super().log_m2m_changes(changed_queryset, instance, operation, field_name, **kwargs)

    @staticmethod
    def _defaults(instance: Model, kwargs: dict[str, Any]) -> None:
        from .context import current_actor, process_source
        from .registry import object_label, unit_id_of

        kwargs.setdefault("unit_id", unit_id_of(instance))
        if kwargs.get("action") == AbstractLogEntry.Action.CREATE and current_actor() is None:
            # Outside a request (a command, an import, the worker): whoever the object itself
            # says made it (`created_by`, an event's `by`) is, for a creation, its author.
            author = _author_of(instance)
            if author is not None:
                kwargs.setdefault("actor", author)
                kwargs.setdefault("actor_email", getattr(author, "email", None))
        kwargs.setdefault("source", process_source())
        label = object_label(instance)
        if label is not None:
            kwargs.setdefault("object_repr", label)


class AuditEntry(AbstractLogEntry):  # type: ignore[misc]
    # No database constraint: the entry outlives a deleted unit, and deleting a unit must not try
    # to touch the (unchangeable) audit rows.
    unit: models.ForeignKey[Any, Any] = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    source: models.CharField[str, str] = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.COMMAND
    )

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):  # type: ignore[misc]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["unit", "-timestamp"], name="audit_unit_time"),
            models.Index(fields=["content_type", "object_pk"], name="audit_object"),
        ]
