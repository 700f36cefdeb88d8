"""The figures of a report, computed from execution records, and their sums across units.

A unit's figures count the records of its subtree and of the units merged into it (2025 merger:
a new commune reports what its predecessors did earlier in the period), dated within the period's
data window and linked to a task of the period's plan.
"""

from collections import Counter
from collections.abc import Collection, Iterable
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from kehoach.activities.models import Attendance, Product, Record, RecordKind
from kehoach.units.models import Unit
from kehoach.units.selectors import unit_predecessor_ids

from .models import ReportPeriod

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
COUNTED_BY = ("products_by_language", "products_by_platform")
# The columns of the table per unit in a consolidated report and in the .xlsx annex.
TABLE_FIGURES = (
    "products",
    "products_minority_or_foreign",
    "products_digital",
    "trainings",
    "attendance",
    "broadcasts",
    "broadcast_times",
)


def figure_labels() -> dict[str, str]:
    return {
        "records": _("Records"),
        "products": _("Products"),
        "products_minority_or_foreign": _("In minority or foreign languages"),
        "products_digital": _("On digital platforms"),
        "trainings": _("Trainings"),
        "attendance": _("Attendance"),
        "broadcasts": _("Broadcasts"),
        "broadcast_times": _("Times aired"),
    }


def unit_records_q(unit: Unit, *, subtree: bool = True) -> Q:
    """Records of the unit (and its subtree), and of every unit merged into it."""
    predecessors = unit_predecessor_ids(unit)
    if not subtree:
        return Q(unit_id__in=predecessors)
    paths = [unit.path]
    if len(predecessors) > 1:
        paths += list(
            Unit.objects.filter(pk__in=predecessors - {unit.pk}).values_list("path", flat=True)
        )
    where = Q()
    for path in paths:
        where |= Q(unit__path__startswith=path)
    return where


def period_records(*, period: ReportPeriod, where: Q) -> QuerySet[Record]:
    """Records of the period's plan within its data window, matching `where`."""
    return Record.objects.filter(
        where,
        date__gte=period.data_from,
        date__lte=period.data_to,
        tasks__plan_id=period.plan_id,
    ).distinct()


def compute_figures(
    *,
    period: ReportPeriod,
    unit: Unit,
    subtree: bool = True,
    only_unit_ids: Collection[int] | None = None,
) -> dict[str, Any]:
    """The unit's figures for the period; `only_unit_ids` counts those units' records instead."""
    where = (
        Q(unit_id__in=list(only_unit_ids))
        if only_unit_ids is not None
        else unit_records_q(unit, subtree=subtree)
    )
    records = period_records(period=period, where=where)
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


def sum_figures(many: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Add figures up: numbers, counts by language and platform, and records per task (by the
    task's title and number, which every report of one plan shares)."""
    totals: dict[str, Any] = {key: 0 for key in SUMMED_FIGURES}
    counted: dict[str, Counter[str]] = {key: Counter() for key in COUNTED_BY}
    tasks: dict[tuple[str, str], int] = {}
    for figures in many:
        for key in SUMMED_FIGURES:
            totals[key] += int(figures.get(key, 0) or 0)
        for key in COUNTED_BY:
            counted[key].update(figures.get(key, {}) or {})
        for task in figures.get("tasks", []) or []:
            index = (str(task.get("number", "")), str(task.get("title", "")))
            tasks[index] = tasks.get(index, 0) + int(task.get("count", 0) or 0)
    for key in COUNTED_BY:
        totals[key] = dict(sorted(counted[key].items()))
    totals["tasks"] = [
        {"number": number, "title": title, "count": count}
        for (number, title), count in tasks.items()
    ]
    return totals
