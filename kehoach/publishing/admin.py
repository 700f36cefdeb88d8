"""Django admin for publications: a fallback to look and correct texts; the workflow (approve,
withdraw, reopen) goes through the staff pages, whose services write the history."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Publication, PublicationEvent


class PublicationEventInline(admin.TabularInline[PublicationEvent, Publication]):
    model = PublicationEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("at", "action", "by", "comment")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin[Publication]):
    list_display = ["title", "kind", "state", "unit", "plan", "published_at"]
    list_filter = ["state", "kind", "licence"]
    search_fields = ["title", "title_en"]
    list_select_related = ["unit", "plan"]
    fields = [
        "kind",
        "record",
        "plan",
        "unit",
        "state",
        "publish_at",
        "published_at",
        "withdrawn_at",
        "withdrawal_reason",
        "title",
        "title_en",
        "summary",
        "summary_en",
        "licence",
        "created_by",
        "created_at",
        "updated_at",
    ]
    # The state and its dates change only through kehoach.publishing.services.
    readonly_fields = [
        "kind",
        "record",
        "plan",
        "unit",
        "state",
        "publish_at",
        "published_at",
        "withdrawn_at",
        "withdrawal_reason",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [PublicationEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
