"""A plan (kế hoạch) as issued: targets, content themes, tasks, funding, duties and reporting."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kehoach.lib.vntext import search_key
from kehoach.units.models import Unit


class Convention(models.Model):
    """One of the core UN human-rights conventions; a taxonomy shared by all plans."""

    abbr = models.CharField(_("abbreviation"), max_length=20, unique=True)
    name_vi = models.CharField(_("Vietnamese name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255)
    vn_year = models.PositiveSmallIntegerField(_("year Vietnam joined"), null=True, blank=True)
    # Phrases that name the convention in plan texts, one per line ("quyền trẻ em").
    keywords = models.TextField(_("keywords"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        ordering = ["order", "abbr"]

    def __str__(self) -> str:
        return f"{self.abbr} — {self.name_vi}"

    def is_named_in(self, text: str) -> bool:
        """Whether the text names this convention (by a keyword, with or without marks)."""
        key = search_key(text)
        return any(search_key(k) in key for k in self.keywords.splitlines() if k.strip())


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In force")
    CLOSED = "closed", _("Closed")


class Plan(models.Model):
    number = models.CharField(
        _("number and symbol"), max_length=60, blank=True, help_text=_("For example 3901/KH-UBND")
    )
    title = models.TextField(_("title"))
    issuer = models.ForeignKey(
        Unit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="plans"
    )
    issuer_as_written = models.CharField(_("issuer as written"), max_length=255, blank=True)
    issued_on = models.DateField(_("date issued"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    implements = models.ForeignKey(
        "self",
        verbose_name=_("implements plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="implemented_by",
    )
    implements_as_written = models.TextField(_("implements (as written)"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.ACTIVE
    )
    period_text = models.CharField(_("implementation time"), max_length=255, blank=True)
    period_start = models.DateField(_("start"), null=True, blank=True)
    period_end = models.DateField(_("end"), null=True, blank=True)
    purposes = models.TextField(_("purposes"), blank=True)
    requirements = models.TextField(_("requirements"), blank=True)
    general_objective = models.TextField(_("general objective"), blank=True)
    funding = models.TextField(_("funding"), blank=True)
    source_text = models.TextField(_("source text"), blank=True)
    source_name = models.CharField(_("source file"), max_length=255, blank=True)
    search_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        # NULL dates last on SQLite and PostgreSQL alike (they disagree by default).
        ordering = ["-year", models.F("issued_on").desc(nulls_last=True), "-pk"]

    def __str__(self) -> str:
        return f"{self.number or _('Plan (no number)')} — {self.title[:80]}"

    def refresh_keys(self) -> None:
        self.search_text = search_key(f"{self.number} {self.title}")


class Theme(models.Model):
    """A content theme of the plan (section III): records and tasks are tagged with it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="themes")
    order = models.PositiveSmallIntegerField(default=0)
    number = models.CharField(_("number as written"), max_length=20, blank=True)
    short_title = models.CharField(_("short title"), max_length=160)
    text = models.TextField(_("text"))
    conventions = models.ManyToManyField(
        Convention, verbose_name=_("conventions"), blank=True, related_name="themes"
    )

    class Meta:
        verbose_name = _("content theme")
        verbose_name_plural = _("content themes")
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return self.short_title


class Target(models.Model):
    """A numeric or qualitative target; later computed from records by a stored rule."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("text"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=3, null=True, blank=True)
    value_max = models.DecimalField(
        _("upper value"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    unit_of_measure = models.CharField(_("unit of measure"), max_length=60, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    source_line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["plan", "order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value_max__isnull=True)
                | models.Q(value__isnull=False, value_max__gte=models.F("value")),
                name="target_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Recurrence(models.TextChoices):
    NONE = "none", _("Once")
    CONTINUOUS = "continuous", _("Continuous")
    YEARLY = "yearly", _("Every year")
    QUARTERLY = "quarterly", _("Every quarter")
    MONTHLY = "monthly", _("Every month")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_TASK_STATUSES = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)


class Task(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField(default=0)
    number = models.CharField(_("number as written"), max_length=20, blank=True)
    title = models.TextField(_("title"))
    details = models.TextField(_("details"), blank=True)
    time_text = models.CharField(_("time as written"), max_length=255, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    recurrence = models.CharField(
        _("recurrence"), max_length=12, choices=Recurrence.choices, default=Recurrence.NONE
    )
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="tasks"
    )
    source_line = models.PositiveIntegerField(null=True, blank=True)
    search_text = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "order", "pk"]
        indexes = [models.Index(fields=["plan", "status"]), models.Index(fields=["plan", "end"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__isnull=True)
                | models.Q(end__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="task_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title[:80]}" if self.number else self.title[:80]

    def refresh_keys(self) -> None:
        self.search_text = search_key(f"{self.number} {self.title} {self.details}")

    def is_overdue(self, today: dt.date) -> bool:
        return bool(self.end and self.end < today and self.status in OPEN_TASK_STATUSES)


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead unit")
    SUPPORT = "support", _("Coordinating unit")


class UnitScope(models.TextChoices):
    """What a unit named in a plan covers: itself, or a group written as one phrase."""

    UNIT = "unit", _("The unit itself")
    COMMUNES = "communes", _("Every commune-level unit under it")
    ALL_BODIES = "all", _("Every agency and unit under it")


class Assignment(models.Model):
    """A unit named as lead or coordinating for a task, kept as written and resolved if possible."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("role"), max_length=10, choices=AssignmentRole.choices)
    order = models.PositiveSmallIntegerField(default=0)
    name_as_written = models.CharField(_("as written"), max_length=255)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="task_assignments"
    )
    scope = models.CharField(max_length=10, choices=UnitScope.choices, default=UnitScope.UNIT)

    class Meta:
        verbose_name = _("task unit")
        verbose_name_plural = _("task units")
        ordering = ["task", "role", "order"]

    def __str__(self) -> str:
        return self.name_as_written


class TaskEvent(models.Model):
    """Append-only history of a task's status."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    status_from = models.CharField(max_length=12, choices=TaskStatus.choices, blank=True)
    status_to = models.CharField(max_length=12, choices=TaskStatus.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.status_from or '—'} → {self.status_to}"


class UnitDuty(models.Model):
    """What the plan asks of one unit (section "Tổ chức thực hiện")."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="unit_duties")
    order = models.PositiveSmallIntegerField(default=0)
    name_as_written = models.CharField(_("unit as written"), max_length=255)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scope = models.CharField(max_length=10, choices=UnitScope.choices, default=UnitScope.UNIT)
    text = models.TextField(_("duties"))

    class Meta:
        verbose_name = _("unit duty")
        verbose_name_plural = _("unit duties")
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return self.name_as_written


class ReportPeriod(models.TextChoices):
    HALF_YEAR = "6 tháng", _("Six months")
    YEAR = "năm", _("Year")
    QUARTER = "quý", _("Quarter")
    MONTH = "tháng", _("Month")
    AD_HOC = "đột xuất", _("Ad hoc")


class ReportingDuty(models.Model):
    """Who reports what to whom and by when. `due` is "MM-DD", or "**-DD" for monthly reports."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reporting_duties")
    order = models.PositiveSmallIntegerField(default=0)
    who_as_written = models.CharField(_("who (as written)"), max_length=255)
    who = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    who_scope = models.CharField(max_length=10, choices=UnitScope.choices, default=UnitScope.UNIT)
    to_whom_as_written = models.CharField(_("to whom"), max_length=255, blank=True)
    to_whom = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    what = models.TextField(_("what"))
    due = models.CharField(_("due (MM-DD)"), max_length=5, blank=True)
    period = models.CharField(_("period"), max_length=10, choices=ReportPeriod.choices, blank=True)

    class Meta:
        verbose_name = _("reporting duty")
        verbose_name_plural = _("reporting duties")
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return f"{self.who_as_written}: {self.what[:60]}"

    def due_date(self, year: int) -> dt.date | None:
        if not self.due or self.due.startswith("*"):
            return None
        month, day = (int(part) for part in self.due.split("-"))
        return dt.date(year, month, day)


class ImportDraft(models.Model):
    """A document read by the importer, waiting for staff to correct and confirm it.

    `data` is the draft in the JSON format of the importer (shared/plans/README.md) with
    `source_line` on every item, numbered like the lines of `source_text`. Drafts are temporary:
    confirming one writes the plan and deletes it; unconfirmed ones expire.
    """

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("file type"), max_length=10, blank=True)
    source_text = models.TextField(_("extracted text"), blank=True)
    data = models.JSONField(_("draft"), default=dict)
    issuer = models.ForeignKey(
        Unit, verbose_name=_("issuing unit"), on_delete=models.CASCADE, related_name="+"
    )
    replace = models.ForeignKey(
        Plan,
        verbose_name=_("plan to update"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("import draft")
        verbose_name_plural = _("import drafts")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name
