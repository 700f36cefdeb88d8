"""Django admin for plans: a fallback for corrections; the web pages are the way to work.

Task status is read-only here: it changes only through services.task_set_status (the task page),
so that every change leaves a TaskEvent.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from .models import (
    Assignment,
    Convention,
    Plan,
    ReportingDuty,
    Target,
    Task,
    TaskEvent,
    Theme,
    UnitDuty,
)


class TargetInline(admin.TabularInline[Target, Plan]):
    model = Target
    extra = 0
    fields = ["order", "text", "value", "value_max", "unit_of_measure", "deadline", "source_line"]


class ThemeInline(admin.TabularInline[Theme, Plan]):
    model = Theme
    extra = 0
    fields = ["order", "number", "short_title", "text", "conventions"]


class TaskInline(admin.TabularInline[Task, Plan]):
    """Read-mostly: tasks are edited on their own admin page or in the app."""

    model = Task
    extra = 0
    fields = ["order", "number", "title", "time_text", "start", "end", "status"]
    readonly_fields = ["number", "title", "time_text", "start", "end", "status"]
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin[Plan]):
    list_display = ["number", "title", "issuer", "issued_on", "year", "status"]
    list_filter = ["year", "status"]
    search_fields = ["number", "title", "search_text"]
    raw_id_fields = ["issuer", "implements", "created_by"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [TargetInline, ThemeInline, TaskInline]

    def save_model(
        self, request: HttpRequest, obj: Plan, form: ModelForm[Plan], change: bool
    ) -> None:
        obj.refresh_keys()  # keeps the search key in step with number and title
        super().save_model(request, obj, form, change)


class AssignmentInline(admin.TabularInline[Assignment, Task]):
    model = Assignment
    extra = 0
    fields = ["role", "order", "name_as_written", "unit", "scope"]
    raw_id_fields = ["unit"]


class TaskEventInline(admin.TabularInline[TaskEvent, Task]):
    """The status history, append-only."""

    model = TaskEvent
    extra = 0
    fields = ["at", "status_from", "status_to", "note", "by"]
    readonly_fields = ["at", "status_from", "status_to", "note", "by"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin[Task]):
    list_display = ["__str__", "plan", "start", "end", "status"]
    list_filter = ["status", "recurrence", "plan__year"]
    list_select_related = ["plan"]
    search_fields = ["number", "title", "search_text"]
    raw_id_fields = ["plan"]
    readonly_fields = ["status", "updated_at"]
    filter_horizontal = ["themes"]
    inlines = [AssignmentInline, TaskEventInline]

    def save_model(
        self, request: HttpRequest, obj: Task, form: ModelForm[Task], change: bool
    ) -> None:
        obj.refresh_keys()
        super().save_model(request, obj, form, change)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Task]:
        return super().get_queryset(request).select_related("plan")


@admin.register(Convention)
class ConventionAdmin(admin.ModelAdmin[Convention]):
    list_display = ["abbr", "name_vi", "name_en", "vn_year", "order"]
    search_fields = ["abbr", "name_vi", "name_en"]


@admin.register(ReportingDuty)
class ReportingDutyAdmin(admin.ModelAdmin[ReportingDuty]):
    list_display = ["who_as_written", "what", "due", "period", "plan"]
    list_filter = ["period"]
    list_select_related = ["plan"]
    search_fields = ["who_as_written", "what"]
    raw_id_fields = ["plan", "who", "to_whom"]


@admin.register(UnitDuty)
class UnitDutyAdmin(admin.ModelAdmin[UnitDuty]):
    list_display = ["name_as_written", "unit", "plan"]
    list_select_related = ["plan", "unit"]
    search_fields = ["name_as_written", "text"]
    raw_id_fields = ["plan", "unit"]
