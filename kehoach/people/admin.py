"""Back-office admin for people; saves recompute the search and sort keys."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy, ngettext

from kehoach.lib.vntext import search_key

from .models import Person
from .services import person_erase


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = [
        "full_name",
        "position",
        "unit",
        "is_human_rights_officer",
        "is_foreign_info_officer",
        "is_spokesperson",
        "active",
        "erased_at",
    ]
    list_filter = [
        "is_human_rights_officer",
        "is_foreign_info_officer",
        "is_spokesperson",
        "active",
    ]
    search_fields = ["full_name", "search_text"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["erased_at", "sort_key", "search_text", "created_at", "updated_at"]
    actions = ["erase_selected"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Person], search_term: str
    ) -> tuple[QuerySet[Person], bool]:
        # search_text has no diacritics: "le van hung" finds "Lê Văn Hùng".
        if not search_term:
            return queryset, False
        return queryset.filter(search_text__contains=search_key(search_term)), False

    def save_model(
        self, request: HttpRequest, obj: Person, form: ModelForm[Person], change: bool
    ) -> None:
        obj.refresh_keys()
        super().save_model(request, obj, form, change)

    @admin.action(description=gettext_lazy("Erase the personal data of the selected people"))
    def erase_selected(self, request: HttpRequest, queryset: QuerySet[Person]) -> None:
        count = 0
        for person in queryset.filter(erased_at__isnull=True):
            person_erase(person=person)
            count += 1
        self.message_user(
            request,
            ngettext(
                "The personal data of %(count)d person has been erased.",
                "The personal data of %(count)d people has been erased.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
