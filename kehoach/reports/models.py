"""Periodic reports: the periods a plan's reporting duties call for, and each unit's report.

A report's figures are computed from execution records and follow them until it is submitted;
from then on they are frozen, so what the receiver accepted is what was sent.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kehoach.plans.models import Plan, ReportingDuty
from kehoach.plans.models import ReportPeriod as PeriodKind
from kehoach.units.models import Unit


class DataCutoff(models.Model):
    """How the data of a periodic report is cut, per kind of period: configurable data.

    Decree 09/2019 (Article 12) closes the data on the 14th: a month runs from the 15th of the
    month before to the 14th, a half year from 15/12 of the year before to 14/6. `day` empty means
    calendar months. Kept apart from due dates, which come from each plan's reporting duties.
    """

    period_kind = models.CharField(
        _("kind of period"), max_length=10, choices=PeriodKind.choices, unique=True
    )
    day = models.PositiveSmallIntegerField(
        _("first day of the data window"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2), MaxValueValidator(28)],
        help_text=_(
            "The data window starts on this day of the month before the period and ends the day "
            "before it in the period's last month. Leave empty for calendar months."
        ),
    )
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("data cut-off rule")
        verbose_name_plural = _("data cut-off rules")
        ordering = ["period_kind"]

    def __str__(self) -> str:
        return f"{self.get_period_kind_display()}: {self.day or '-'}"


class ReportPeriod(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="report_periods")
    duty = models.ForeignKey(ReportingDuty, on_delete=models.PROTECT, related_name="periods")
    kind = models.CharField(_("kind"), max_length=10, choices=PeriodKind.choices)
    label = models.CharField(_("label"), max_length=120)
    # The period as named ("6 tháng đầu năm 2024" is 1/1–30/6) ...
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    due = models.DateField(_("due date"))
    # ... and the window of records it counts, cut by the DataCutoff rule of its kind.
    data_from = models.DateField(_("data from"))
    data_to = models.DateField(_("data to"))
    # When the receiving unit's consolidated report is due upward; empty: no deadline set.
    upward_due = models.DateField(_("consolidated report due"), null=True, blank=True)

    class Meta:
        verbose_name = _("report period")
        verbose_name_plural = _("report periods")
        ordering = ["plan", "start", "end", "duty__order"]
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
    # The unit the report is sent to (set when it is opened): it reviews it and consolidates it.
    receiver = models.ForeignKey(
        Unit,
        verbose_name=_("sent to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_reports",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    results = models.TextField(_("results"), blank=True)
    shortcomings = models.TextField(_("shortcomings and limitations"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    # The period's due date for the units it asks to report, its upward date for a receiver.
    due = models.DateField(_("due date"), null=True, blank=True)
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
        indexes = [models.Index(fields=["period", "receiver", "status"])]

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
