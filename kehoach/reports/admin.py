"""Django admin for reports: read-mostly; changes go through the services."""

from django.contrib import admin

from .models import Report, ReportEvent, ReportPeriod


@admin.register(ReportPeriod)
class ReportPeriodAdmin(admin.ModelAdmin[ReportPeriod]):
    list_display = ["label", "plan", "start", "end", "due", "data_from", "data_to"]
    list_select_related = ["plan"]


class ReportEventInline(admin.TabularInline[ReportEvent, Report]):
    model = ReportEvent
    extra = 0
    can_delete = False
    readonly_fields = ["status_from", "status_to", "comment", "by", "at"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin[Report]):
    list_display = ["unit", "period", "status", "submitted_at", "late"]
    list_filter = ["status", "late"]
    list_select_related = ["unit", "period"]
    readonly_fields = ["figures", "status", "submitted_at", "late", "version"]
    inlines = [ReportEventInline]
