"""Writes of periodic reports: periods from the plan's duties, opening, saving and the workflow.

Draft → submitted → accepted, or submitted → returned → submitted again. Every transition is a
ReportEvent, so a report returned and resubmitted keeps its whole history.
"""

import datetime as dt
from collections import Counter
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.activities.models import Attendance, Product, Record, RecordKind
from kehoach.plans.models import Plan
from kehoach.plans.models import ReportPeriod as PeriodKind
from kehoach.units.models import Unit

from .models import Report, ReportEvent, ReportPeriod, ReportStatus

TEXT_FIELDS = ("results", "shortcomings", "proposals", "narrative")
# Figures that add up across units when reports are consolidated.
SUMMED_FIGURES = (
    "records",
    "products",
    "products_minority_or_foreign",
    "products_digital",
    "trainings",
    "attendance",
    "broadcasts",
    "broadcast_times",
)
TRANSITIONS: dict[str, set[str]] = {
    ReportStatus.DRAFT: {ReportStatus.SUBMITTED},
    ReportStatus.SUBMITTED: {ReportStatus.RETURNED, ReportStatus.ACCEPTED},
    ReportStatus.RETURNED: {ReportStatus.SUBMITTED},
    ReportStatus.ACCEPTED: set(),
}


# --- periods -----------------------------------------------------------------------------------


def _window(kind: str, year: int, due: dt.date) -> tuple[str, dt.date, dt.date] | None:
    if kind == PeriodKind.HALF_YEAR:
        return f"6 tháng đầu năm {year}", dt.date(year, 1, 1), dt.date(year, 6, 30)
    if kind == PeriodKind.YEAR:
        # A yearly report due before 31 December covers the year up to its due date.
        end = min(dt.date(year, 12, 31), due) if due.year == year else dt.date(year, 12, 31)
        return f"năm {year}", dt.date(year, 1, 1), end
    return None


def periods_generate(*, plan: Plan) -> list[ReportPeriod]:
    """The periods of the plan's reporting duties that name a period and a due day; idempotent.

    Only six-monthly and yearly duties make periods for now.
    """
    periods: list[ReportPeriod] = []
    for duty in plan.reporting_duties.exclude(due="").exclude(period="").order_by("order"):
        due = duty.due_date(plan.year)
        if due is None:
            continue
        window = _window(duty.period, plan.year, due)
        if window is None:
            continue
        label, start, end = window
        period, _created = ReportPeriod.objects.get_or_create(
            duty=duty,
            start=start,
            end=end,
            defaults={"plan": plan, "label": label, "due": due, "cutoff": end},
        )
        periods.append(period)
    return periods


# --- figures -----------------------------------------------------------------------------------


def period_records(*, period: ReportPeriod, unit: Unit, subtree: bool = True) -> Any:
    """Records of the plan's tasks by the unit (and the units under it) within the window."""
    where = Q(unit__path__startswith=unit.path) if subtree else Q(unit=unit)
    return Record.objects.filter(
        where,
        date__gte=period.start,
        date__lte=min(period.end, period.cutoff),
        tasks__plan_id=period.plan_id,
    ).distinct()


def compute_figures(*, period: ReportPeriod, unit: Unit, subtree: bool = True) -> dict[str, Any]:
    records = period_records(period=period, unit=unit, subtree=subtree)
    record_ids = records.values("pk")
    kinds = Counter(records.values_list("kind", flat=True))
    products = Product.objects.filter(record_id__in=record_ids)
    by_language: Counter[str] = Counter(
        products.values_list("languages__name", flat=True).exclude(languages__isnull=True)
    )
    by_platform: Counter[str] = Counter(
        products.values_list("platforms__name", flat=True).exclude(platforms__isnull=True)
    )
    task_counts = Counter(
        Record.tasks.through.objects.filter(
            record_id__in=record_ids, task__plan_id=period.plan_id
        ).values_list("task_id", flat=True)
    )
    tasks = [
        {"number": task.number, "title": task.title, "count": task_counts.get(task.pk, 0)}
        for task in period.plan.tasks.order_by("order")
    ]
    times = Record.objects.filter(pk__in=record_ids, kind=RecordKind.BROADCAST).aggregate(
        total=Sum("broadcast__times_aired")
    )["total"]
    return {
        "records": sum(kinds.values()),
        "tasks": tasks,
        "products": kinds.get(RecordKind.PRODUCT, 0),
        "products_minority_or_foreign": products.filter(
            in_minority_or_foreign_language=True
        ).count(),
        "products_digital": products.filter(on_digital_platform=True).count(),
        "products_by_language": dict(sorted(by_language.items())),
        "products_by_platform": dict(sorted(by_platform.items())),
        "trainings": kinds.get(RecordKind.TRAINING, 0),
        "attendance": Attendance.objects.filter(training__record_id__in=record_ids).count(),
        "broadcasts": kinds.get(RecordKind.BROADCAST, 0),
        "broadcast_times": times or 0,
    }


def draft_narrative(figures: dict[str, Any]) -> str:
    """Sentences built from the figures; staff edit them before submitting."""
    sentences = [
        _(
            "During the period, the unit produced %(products)s communication products, of which "
            "%(minority)s were in an ethnic minority or foreign language and %(digital)s were "
            "published on digital platforms."
        )
        % {
            "products": figures.get("products", 0),
            "minority": figures.get("products_minority_or_foreign", 0),
            "digital": figures.get("products_digital", 0),
        },
        _("It organised %(trainings)s training courses with %(attendance)s attendances.")
        % {"trainings": figures.get("trainings", 0), "attendance": figures.get("attendance", 0)},
        _("It broadcast %(broadcasts)s programmes, aired %(times)s times in all.")
        % {
            "broadcasts": figures.get("broadcasts", 0),
            "times": figures.get("broadcast_times", 0),
        },
    ]
    return " ".join(sentences)


# --- reports -----------------------------------------------------------------------------------


def _event(
    report: Report, status_from: str, status_to: str, by: User | None, comment: str = ""
) -> None:
    ReportEvent.objects.create(
        report=report, status_from=status_from, status_to=status_to, by=by, comment=comment
    )


@transaction.atomic
def report_open(*, period: ReportPeriod, unit: Unit, by: User | None) -> Report:
    """The unit's report for the period, created pre-filled the first time."""
    existing = Report.objects.filter(period=period, unit=unit).first()
    if existing is not None:
        return existing
    figures = compute_figures(period=period, unit=unit)
    report = Report.objects.create(
        period=period, unit=unit, figures=figures, narrative=draft_narrative(figures)
    )
    _event(report, "", ReportStatus.DRAFT, by)
    return report


def _editable(report: Report) -> None:
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise ValidationError(
            _("This report has been submitted; it can no longer be changed."), code="frozen"
        )


def report_refresh(*, report: Report) -> Report:
    """Figures follow the records until the report is submitted."""
    _editable(report)
    report.figures = compute_figures(period=report.period, unit=report.unit)
    report.save(update_fields=["figures", "updated_at"])
    return report


@transaction.atomic
def report_save(*, report: Report, by: User | None, version: int, **texts: str) -> Report:
    """Save the texts people write, refusing a save started from an older version."""
    unknown = set(texts) - set(TEXT_FIELDS)
    if unknown:
        raise ValueError(f"not a text of a report: {sorted(unknown)}")
    _editable(report)
    updated = Report.objects.filter(pk=report.pk, version=version).update(
        **texts, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise ValidationError(
            _(
                "The report has been updated by someone else since you opened it. "
                "Reload it and make your changes again."
            ),
            code="stale",
        )
    report.refresh_from_db()
    return report


def _move(report: Report, to: str, by: User | None, comment: str = "") -> tuple[str, Report]:
    if to not in TRANSITIONS[report.status]:
        raise ValidationError(
            _("A report that is %(current)s cannot become %(new)s.")
            % {
                "current": ReportStatus(report.status).label,
                "new": ReportStatus(to).label,
            },
            code="transition",
        )
    previous = report.status
    report.status = to
    return previous, report


@transaction.atomic
def report_submit(*, report: Report, by: User | None) -> Report:
    """Freeze the figures as they are now and mark the report late after the due date."""
    previous, report = _move(report, ReportStatus.SUBMITTED, by)
    report.figures = compute_figures(period=report.period, unit=report.unit)
    report.submitted_at = timezone.now()
    report.late = timezone.localdate() > report.period.due
    report.version += 1
    report.save()
    _event(report, previous, ReportStatus.SUBMITTED, by)
    return report


@transaction.atomic
def report_return(*, report: Report, by: User | None, comment: str) -> Report:
    comment = comment.strip()
    if not comment:
        raise ValidationError(
            _("Say why the report is returned, so the unit knows what to fix."), code="comment"
        )
    previous, report = _move(report, ReportStatus.RETURNED, by)
    report.version += 1
    report.save()
    _event(report, previous, ReportStatus.RETURNED, by, comment)
    return report


@transaction.atomic
def report_accept(*, report: Report, by: User | None) -> Report:
    previous, report = _move(report, ReportStatus.ACCEPTED, by)
    report.version += 1
    report.save()
    _event(report, previous, ReportStatus.ACCEPTED, by)
    return report
