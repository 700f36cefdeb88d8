"""Back-office admin for the unit tree; every save goes through units.services or refresh_keys."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from .models import Unit, UnitAlias, UnitMerge
from .services import unit_create, unit_merge, unit_update


class UnitAliasInline(admin.TabularInline[UnitAlias, Unit]):
    model = UnitAlias
    fields = ["name"]
    extra = 1


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ["name", "short_name", "kind", "parent", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "code", "search_text"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "depth", "name_key", "sort_key", "search_text"]
    inlines = [UnitAliasInline]

    def get_readonly_fields(
        self, request: HttpRequest, obj: Unit | None = None
    ) -> list[str] | tuple[Any, ...]:
        # Moving a unit would need its whole subtree's paths rewritten: record a merge instead.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "parent"] if obj else fields

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Unit], search_term: str
    ) -> tuple[QuerySet[Unit], bool]:
        # search_text holds names without diacritics: "tam xuan" finds "Xã Tam Xuân I".
        from kehoach.units.selectors import unit_search

        if not search_term:
            return queryset, False
        return unit_search(queryset, search_term), False

    def save_model(
        self, request: HttpRequest, obj: Unit, form: ModelForm[Unit], change: bool
    ) -> None:
        if change:
            unit_update(unit=obj)
            return
        created = unit_create(
            name=obj.name,
            kind=obj.kind,
            parent=obj.parent,
            short_name=obj.short_name,
            code=obj.code,
            valid_from=obj.valid_from,
            valid_to=obj.valid_to,
            note=obj.note,
        )
        obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
        obj.name_key, obj.sort_key, obj.search_text = (
            created.name_key,
            created.sort_key,
            created.search_text,
        )

    def save_related(
        self,
        request: HttpRequest,
        form: ModelForm[Unit],
        formsets: list[BaseInlineFormSet[Any, Unit, Any]],
        change: bool,
    ) -> None:
        super().save_related(request, form, formsets, change)
        # Aliases feed the unit's search text: recompute it after the inline saved them.
        unit_update(unit=form.instance)


@admin.register(UnitMerge)
class UnitMergeAdmin(admin.ModelAdmin[UnitMerge]):
    list_display = ["source", "successor", "effective_on", "legal_basis"]
    list_filter = ["effective_on"]
    search_fields = ["source__name", "successor__name", "legal_basis"]
    autocomplete_fields = ["source", "successor"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: UnitMerge | None = None
    ) -> list[str] | tuple[Any, ...]:
        # A recorded merge has ended its source; only its references may be corrected.
        return ["source", "successor", "effective_on"] if obj else []

    def save_model(
        self, request: HttpRequest, obj: UnitMerge, form: ModelForm[UnitMerge], change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        (merge,) = unit_merge(
            sources=[obj.source],
            into=obj.successor,
            on=obj.effective_on,
            legal_basis=obj.legal_basis,
            source_url=obj.source_url,
        )
        obj.pk = merge.pk
