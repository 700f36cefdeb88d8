"""Django admin for reports: read-mostly; changes go through the services."""

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from kehoach.plans.models import Plan

from .models import DataCutoff, Report, ReportEvent, ReportPeriod
from .services import periods_generate


@admin.register(DataCutoff)
class DataCutoffAdmin(admin.ModelAdmin[DataCutoff]):
    list_display = ["period_kind", "day", "source"]

    def save_model(
        self, request: HttpRequest, obj: DataCutoff, form: ModelForm[DataCutoff], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        # Periods nobody has reported on yet take the new window at once.
        for plan in Plan.objects.filter(report_periods__kind=obj.period_kind).distinct():
            periods_generate(plan=plan)


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
