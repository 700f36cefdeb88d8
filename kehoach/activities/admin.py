"""Django admin for records: a fallback for corrections; the web pages are the way to work.

Records are read-only here: they change only through the services, which validate the detail of
each kind and keep the product flags the targets count. Deleting goes through record_delete.
Languages and platforms are editable; saving one refreshes the product flags that depend on it.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .models import (
    Attachment,
    Attendance,
    Broadcast,
    Bulletin,
    ContestEntry,
    Language,
    Platform,
    PortalPost,
    PressBriefing,
    Product,
    Record,
    TargetRule,
    Training,
    VisualCampaign,
)
from .services import product_flags_refresh, record_delete, rule_params_clean, target_rule_set


class _ReadOnlyInline(admin.StackedInline[Any, Record]):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ProductInline(_ReadOnlyInline):
    model = Product
    fields = readonly_fields = (
        "product_kind",
        "languages",
        "platforms",
        "url",
        "digitised",
        "published_online",
        "in_minority_or_foreign_language",
        "on_digital_platform",
    )


class TrainingInline(_ReadOnlyInline):
    model = Training
    fields = ["training_kind", "organiser"]


class BriefingInline(_ReadOnlyInline):
    model = PressBriefing
    fields = ["spokesperson", "journalists"]


class BroadcastInline(_ReadOnlyInline):
    model = Broadcast
    fields = ["product", "station", "first_aired", "last_aired", "times_aired"]


class PortalPostInline(_ReadOnlyInline):
    model = PortalPost
    fields = ["url", "product"]


class VisualInline(_ReadOnlyInline):
    model = VisualCampaign
    fields = ["item", "quantity", "location"]


class ContestInline(_ReadOnlyInline):
    model = ContestEntry
    fields = ["contest", "url"]


class BulletinInline(_ReadOnlyInline):
    model = Bulletin
    fields = ["period_start", "period_end", "items"]


class AttachmentInline(admin.TabularInline[Attachment, Record]):
    """Captions and links may be corrected here; files are added on the record's page only,
    where every upload is checked (kehoach.lib.uploads)."""

    model = Attachment
    extra = 0
    fields = ["file", "url", "caption", "content_type", "size"]
    readonly_fields = ["file", "content_type", "size"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Record)
class RecordAdmin(admin.ModelAdmin[Record]):
    list_display = ["title", "kind", "unit", "date", "created_by"]
    list_filter = ["kind", "date"]
    search_fields = ["title", "description"]
    date_hierarchy = "date"
    list_select_related = ["unit", "created_by"]
    fields = readonly_fields = (
        "kind",
        "unit",
        "date",
        "title",
        "description",
        "tasks",
        "themes",
        "conventions",
        "created_by",
        "created_at",
        "updated_at",
    )
    inlines = [
        ProductInline,
        TrainingInline,
        BriefingInline,
        BroadcastInline,
        PortalPostInline,
        VisualInline,
        ContestInline,
        BulletinInline,
        AttachmentInline,
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Record) -> None:
        record_delete(record=obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Record]) -> None:
        for record in queryset:
            record_delete(record=record, by=request.user)


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin[Attendance]):
    list_display = ["person", "training", "duties"]
    raw_id_fields = ["person", "training"]
    search_fields = ["person__full_name", "training__record__title"]


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin[Language]):
    list_display = ["name", "code", "group", "order"]
    list_editable = ["order"]

    def save_model(
        self, request: HttpRequest, obj: Language, form: ModelForm[Language], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        # The group decides the products' language flag (services._write_product).
        product_flags_refresh(products=Product.objects.filter(languages=obj))


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin[Platform]):
    list_display = ["name", "code", "digital", "order"]
    list_editable = ["order"]

    def save_model(
        self, request: HttpRequest, obj: Platform, form: ModelForm[Platform], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        product_flags_refresh(products=Product.objects.filter(platforms=obj))


class TargetRuleForm(forms.ModelForm[TargetRule]):
    class Meta:
        model = TargetRule
        fields = ["target", "kind", "params", "explanation"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        params = data.get("params")
        if not isinstance(params, dict):
            self.add_error("params", _("The parameters must be a set of named values."))
        elif data.get("kind"):
            try:
                data["params"] = rule_params_clean(kind=data["kind"], params=params)
            except ValidationError as error:
                self.add_error("params", error.message_dict.get("params", error.messages))
        return data


@admin.register(TargetRule)
class TargetRuleAdmin(admin.ModelAdmin[TargetRule]):
    form = TargetRuleForm
    list_display = ["target", "kind"]
    list_filter = ["kind"]
    raw_id_fields = ["target"]

    def save_model(
        self, request: HttpRequest, obj: TargetRule, form: ModelForm[TargetRule], change: bool
    ) -> None:
        target_rule_set(
            target=obj.target, kind=obj.kind, params=obj.params, explanation=obj.explanation
        )
