"""The audit trail in the admin: read only, for everyone (the database refuses changes anyway)."""

from typing import Any

from auditlog.admin import LogEntryAdmin
from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEntry

if admin.site.is_registered(AuditEntry):
    admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(LogEntryAdmin):  # type: ignore[misc]
    list_filter = ["action", "source", "content_type"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
