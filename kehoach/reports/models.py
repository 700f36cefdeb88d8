"""Periodic reports: the periods a plan's reporting duties call for, and each unit's report.

A report's figures are computed from execution records and follow them until it is submitted;
from then on they are frozen, so what the receiver accepted is what was sent.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kehoach.plans.models import Plan, ReportingDuty
from kehoach.units.models import Unit


class ReportPeriod(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="report_periods")
    duty = models.ForeignKey(ReportingDuty, on_delete=models.PROTECT, related_name="periods")
    label = models.CharField(_("label"), max_length=120)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    due = models.DateField(_("due date"))
    # Records dated after the cut-off are left to the next period (default: the period's end).
    cutoff = models.DateField(_("data cut-off"))

    class Meta:
        verbose_name = _("report period")
        verbose_name_plural = _("report periods")
        ordering = ["plan", "start", "duty__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["duty", "start", "end"], name="reportperiod_unique_per_duty"
            )
        ]

    def __str__(self) -> str:
        return self.label


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


class Report(models.Model):
    period = models.ForeignKey(ReportPeriod, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports")
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    results = models.TextField(_("results"), blank=True)
    shortcomings = models.TextField(_("shortcomings and limitations"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    late = models.BooleanField(_("late"), default=False)
    # Optimistic locking: a save names the version it started from.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["period", "unit__sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="report_unique_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.period}"


class ReportEvent(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    status_from = models.CharField(max_length=10, choices=ReportStatus.choices, blank=True)
    status_to = models.CharField(max_length=10, choices=ReportStatus.choices)
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["report", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.status_from} → {self.status_to}"
