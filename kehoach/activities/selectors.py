"""Reads of execution records, and the targets computed from them.

Targets are computed on every call from the records (no cache), in a fixed number of SQL queries
whatever the number of records: counts are aggregates with filters, the course over the year is
grouped by month in the database.
"""

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    Count,
    Exists,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
)
from django.db.models.functions import TruncMonth
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from kehoach.accounts import access
from kehoach.lib.vntext import search_key
from kehoach.people.models import DUTY_FIELDS, Duty, Person
from kehoach.plans.extensions import TargetValue
from kehoach.plans.models import Plan, Target, Task, TaskStatus
from kehoach.units.models import Unit

from .models import Attendance, Product, Record, RecordKind, RuleKind, TargetRule
from .services import rule_explanation

User = AbstractBaseUser | AnonymousUser

HUNDRED = Decimal(100)


# --- records -----------------------------------------------------------------------------------


def records_for_user(user: User) -> QuerySet[Record]:
    """Records of the units in the user's subtrees (administrators: all)."""
    return Record.objects.filter(access.scope_for(user).subtree_q("unit__path"))


@dataclass(frozen=True)
class RecordFilters:
    kind: str = ""
    unit_id: int | None = None  # the unit and every unit under it
    task_id: int | None = None
    theme_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    query: str = ""
    plan_id: int | None = None


def record_list(*, queryset: QuerySet[Record], filters: RecordFilters) -> QuerySet[Record]:
    """Filter records and load what a list shows, in a fixed number of queries."""
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.unit_id:
        path = Unit.objects.filter(pk=filters.unit_id).values("path")[:1]
        queryset = queryset.filter(unit__path__startswith=Subquery(path))
    if filters.task_id:
        queryset = queryset.filter(
            Exists(
                Record.tasks.through.objects.filter(
                    record_id=OuterRef("pk"), task_id=filters.task_id
                )
            )
        )
    if filters.plan_id:
        queryset = queryset.filter(
            Exists(
                Record.tasks.through.objects.filter(
                    record_id=OuterRef("pk"), task__plan_id=filters.plan_id
                )
            )
        )
    if filters.theme_id:
        queryset = queryset.filter(
            Exists(
                Record.themes.through.objects.filter(
                    record_id=OuterRef("pk"), theme_id=filters.theme_id
                )
            )
        )
    if filters.date_from:
        queryset = queryset.filter(date__gte=filters.date_from)
    if filters.date_to:
        queryset = queryset.filter(date__lte=filters.date_to)
    query = search_key(filters.query)
    if query:
        # With or without diacritics, in either tone placement (Record.search_text).
        queryset = queryset.filter(search_text__contains=query)
    return queryset.select_related(
        "unit",
        "created_by",
        "product",
        "training",
        "briefing__spokesperson",
        "broadcast__product__record",
        "portal_post",
        "visual",
        "contest_entry",
        "bulletin",
    ).prefetch_related(
        "tasks",
        "themes",
        "attachments",
        "product__languages",
        "product__platforms",
    )


# --- targets -----------------------------------------------------------------------------------


class ProgressStatus(TextChoices):
    MET = "met", _("Met")
    ON_TRACK = "on_track", _("On track")
    BEHIND = "behind", _("Behind")
    EXCEEDED = "exceeded", _("Exceeded")


@dataclass(frozen=True)
class TargetProgress:
    """A target's value computed from records on a day.

    `value` is a percentage (one decimal) for shares and a count for record counts; None when a
    share has nothing to divide by yet. `course` has one (first day of month, value) per month of
    the plan year, cumulative from 1 January to the month's end; months after `as_of` are None.
    """

    target: Target
    rule: TargetRule
    value: Decimal | None
    numerator: int
    denominator: int | None
    status: str
    course: list[tuple[dt.date, Decimal | None]]
    explanation: str
    goal: Decimal | None  # what the value is compared with (100 for a share without a number)
    goal_max: Decimal | None
    is_share: bool
    member_kind: str  # what target_members lists: "unit", "person" or "record"
    as_of: dt.date = field(default_factory=dt.date.today)

    @property
    def status_label(self) -> str:
        return str(ProgressStatus(self.status).label)


@dataclass(frozen=True)
class _Window:
    """The plan year, and the day counting stops (as_of, within the year)."""

    start: dt.date
    end: dt.date
    cut: dt.date

    @classmethod
    def of(cls, plan: Plan, as_of: dt.date) -> "_Window":
        start, end = dt.date(plan.year, 1, 1), dt.date(plan.year, 12, 31)
        return cls(start=start, end=end, cut=min(as_of, end))

    def months(self) -> list[tuple[dt.date, dt.date | None]]:
        """(first day, last day counted) of each month; None for months not reached yet."""
        result: list[tuple[dt.date, dt.date | None]] = []
        for month in range(1, 13):
            first = dt.date(self.start.year, month, 1)
            last = first.replace(day=calendar.monthrange(first.year, month)[1])
            result.append((first, min(last, self.cut) if first <= self.cut else None))
        return result


def _share(numerator: int, denominator: int | None) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def elapsed_share(*, start: dt.date, end: dt.date, as_of: dt.date) -> Decimal:
    """The part of the period [start, end] gone by on as_of (whole days, 0 to 1)."""
    total = (end - start).days + 1
    gone = min(max((as_of - start).days + 1, 0), total)
    return Decimal(gone) / Decimal(total)


def progress_status(
    *, value: Decimal | None, goal: Decimal | None, goal_max: Decimal | None, elapsed: Decimal
) -> str:
    """Compare a value with its goal (or range) at a point of the period.

    Above the range's top (or above a single goal): exceeded; inside the range (or at the goal):
    met; below: on track while the value keeps pace with the goal times the elapsed share of the
    period, else behind.
    """
    current = value if value is not None else Decimal(0)
    if goal is None:
        return ProgressStatus.ON_TRACK if current > 0 else ProgressStatus.BEHIND
    top = goal_max if goal_max is not None else goal
    if current > top:
        return ProgressStatus.EXCEEDED
    if current >= goal:
        return ProgressStatus.MET
    if current >= goal * elapsed:
        return ProgressStatus.ON_TRACK
    return ProgressStatus.BEHIND


def _rule_for(target: Target) -> TargetRule | None:
    return (
        TargetRule.objects.select_related("target__plan__issuer")
        .filter(target_id=target.pk)
        .first()
    )


def _in_issuer_subtree(issuer: Unit, prefix: str) -> Q:
    return Q(**{f"{prefix}unit__path__startswith": issuer.path})


def _agencies(rule: TargetRule, window: _Window) -> QuerySet[Unit]:
    """Units directly under the issuer, of the rule's kinds, existing at some time in the year."""
    issuer = rule.target.plan.issuer
    kinds = rule.params.get("unit_kinds") or ["office"]
    return Unit.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=window.end),
        Q(valid_to__isnull=True) | Q(valid_to__gte=window.start),
        parent_id=issuer.pk,
        kind__in=kinds,
    )


def _spokesperson_q() -> Exists:
    return Exists(
        Person.objects.filter(
            unit_id=OuterRef("pk"), active=True, is_spokesperson=True, erased_at=None
        )
    )


def _briefings(window: _Window) -> QuerySet[Record]:
    return Record.objects.filter(
        kind=RecordKind.BRIEFING,
        unit_id=OuterRef("pk"),
        date__gte=window.start,
        date__lte=window.cut,
    )


def _officials(rule: TargetRule) -> QuerySet[Person]:
    issuer = rule.target.plan.issuer
    duties = rule.params.get("duties") or [Duty.HUMAN_RIGHTS, Duty.FOREIGN_INFORMATION]
    holds = Q()
    for duty in duties:
        holds |= Q(**{DUTY_FIELDS[Duty(duty)]: True})
    if not duties:
        holds = Q(pk__in=[])
    return Person.objects.filter(
        holds, active=True, erased_at=None, unit__path__startswith=issuer.path
    )


def _attendance(window: _Window) -> QuerySet[Attendance]:
    return Attendance.objects.filter(
        person_id=OuterRef("pk"),
        training__record__date__gte=window.start,
        training__record__date__lte=window.cut,
    )


def _product_condition(condition: str, prefix: str = "") -> Q:
    language = Q(**{f"{prefix}in_minority_or_foreign_language": True})
    digital = Q(**{f"{prefix}on_digital_platform": True})
    if condition == "digitised_online":
        return Q(**{f"{prefix}digitised": True, f"{prefix}published_online": True})
    if condition == "language":
        return language
    if condition == "digital":
        return digital
    return language | digital


def _products(rule: TargetRule, window: _Window) -> QuerySet[Product]:
    return Product.objects.filter(
        _in_issuer_subtree(rule.target.plan.issuer, "record__"),
        record__date__gte=window.start,
        record__date__lte=window.cut,
    )


def _counted_records(rule: TargetRule, window: _Window) -> QuerySet[Record]:
    records = Record.objects.filter(
        _in_issuer_subtree(rule.target.plan.issuer, ""),
        date__gte=window.start,
        date__lte=window.cut,
    )
    kind = rule.params.get("record_kind")
    return records.filter(kind=kind) if kind else records


def _by_first_date(
    rows: Iterable[dict[str, Any]], window: _Window, *, counts: str = "counts"
) -> tuple[int, int, list[tuple[dt.date, int | None]]]:
    """From rows (first, counts, n): total members, members counted by the cut, and the
    cumulative count at each month's end."""
    total = 0
    dated: list[tuple[dt.date | None, int]] = []
    for row in rows:
        total += row["n"]
        if row[counts]:
            dated.append((row["first"], row["n"]))
    counted = sum(n for first, n in dated if first is not None)
    course: list[tuple[dt.date, int | None]] = []
    for first_day, last in window.months():
        if last is None:
            course.append((first_day, None))
        else:
            course.append((first_day, sum(n for f, n in dated if f is not None and f <= last)))
    return total, counted, course


Course = list[tuple[dt.date, int | None, int | None]]  # (month, numerator, denominator)


@dataclass(frozen=True)
class _Counts:
    numerator: int
    denominator: int | None
    course: Course
    member_kind: str


def _count_spokespersons(rule: TargetRule, window: _Window) -> _Counts:
    first = _briefings(window).order_by("date").values("date")[:1]
    require = rule.params.get("require_briefing", True)
    # One row per (has a spokesperson, date of the first briefing): as many rows as distinct
    # dates at most, whatever the number of records.
    rows = (
        _agencies(rule, window)
        .annotate(counts=_spokesperson_q(), first=Subquery(first))
        .values("counts", "first")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # Without briefings required, an agency with a spokesperson counts from 1 January.
    rows_list = list(rows) if require else [{**r, "first": window.start} for r in rows]
    total, counted, course = _by_first_date(rows_list, window)
    return _Counts(counted, total, [(m, n, total) for m, n in course], "unit")


def _count_trained(rule: TargetRule, window: _Window) -> _Counts:
    first = (
        _attendance(window).order_by("training__record__date").values("training__record__date")[:1]
    )
    rows = (
        _officials(rule)
        .annotate(first=Subquery(first))
        .values("first")
        .annotate(n=Count("pk"))
        .order_by()
    )
    total, counted, course = _by_first_date([{**r, "counts": True} for r in rows], window)
    return _Counts(counted, total, [(m, n, total) for m, n in course], "person")


def _count_products(rule: TargetRule, window: _Window) -> _Counts:
    condition = _product_condition(str(rule.params.get("condition", "")))
    monthly = {
        row["month"]: (row["total"], row["counted"])
        for row in _products(rule, window)
        .values(month=TruncMonth("record__date"))
        .annotate(total=Count("pk"), counted=Count("pk", filter=condition))
        .order_by()
    }
    counted, total, course = _cumulative(monthly, window)
    return _Counts(counted, total, course, "record")


def _count_records(rule: TargetRule, window: _Window) -> _Counts:
    monthly = {
        row["month"]: (row["n"], row["n"])
        for row in _counted_records(rule, window)
        .values(month=TruncMonth("date"))
        .annotate(n=Count("pk"))
        .order_by()
    }
    counted, _total, course = _cumulative(monthly, window)
    return _Counts(counted, None, [(m, n, None) for m, n, _d in course], "record")


def _compute(rule: TargetRule, window: _Window) -> _Counts:
    if rule.kind == RuleKind.SPOKESPERSON_SHARE:
        return _count_spokespersons(rule, window)
    if rule.kind == RuleKind.TRAINED_SHARE:
        return _count_trained(rule, window)
    if rule.kind == RuleKind.PRODUCT_SHARE:
        return _count_products(rule, window)
    return _count_records(rule, window)


def _month_key(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _cumulative(monthly: dict[Any, tuple[int, int]], window: _Window) -> tuple[int, int, Course]:
    """Running totals of (total, counted) per month: counted, total and the course."""
    by_month = {_month_key(k): v for k, v in monthly.items() if k is not None}
    course: Course = []
    total = counted = 0
    for first_day, last in window.months():
        if last is None:
            course.append((first_day, None, None))
            continue
        month_total, month_counted = by_month.get(first_day, (0, 0))
        total += month_total
        counted += month_counted
        course.append((first_day, counted, total))
    return counted, total, course


def target_progress(*, target: Target, as_of: dt.date) -> TargetProgress | None:
    """The target's value from the records up to as_of; None when the target has no rule."""
    rule = _rule_for(target)
    if rule is None:
        return None
    plan = rule.target.plan
    window = _Window.of(plan, as_of)
    counts = _compute(rule, window)
    numerator, denominator = counts.numerator, counts.denominator
    is_share = rule.kind != RuleKind.RECORD_COUNT
    goal = rule.target.value
    if goal is None and is_share:
        goal = HUNDRED  # a share without a number aims at all (the national project's T9)
    course: list[tuple[dt.date, Decimal | None]] = []
    for month, num, den in counts.course:
        if num is None:
            course.append((month, None))
        elif is_share:
            course.append((month, _share(num, den)))
        else:
            course.append((month, Decimal(num)))
    value = _share(numerator, denominator) if is_share else Decimal(numerator)
    period_end = rule.target.deadline or window.end
    elapsed = elapsed_share(start=window.start, end=period_end, as_of=as_of)
    return TargetProgress(
        target=rule.target,
        rule=rule,
        value=value,
        numerator=numerator,
        denominator=denominator,
        status=progress_status(
            value=value, goal=goal, goal_max=rule.target.value_max, elapsed=elapsed
        ),
        course=course,
        explanation=rule.explanation or rule_explanation(kind=rule.kind, params=rule.params),
        goal=goal,
        goal_max=rule.target.value_max,
        is_share=is_share,
        member_kind=counts.member_kind,
        as_of=as_of,
    )


def target_members(*, target: Target, part: str, as_of: dt.date) -> QuerySet[Any]:
    """What a target's numerator or denominator counts: units, people or records.

    The web app and the API list these to trace a value back to the records behind it.
    """
    if part not in ("numerator", "denominator"):
        raise ValueError(f"part must be numerator or denominator, not {part!r}")
    rule = _rule_for(target)
    if rule is None:
        return Record.objects.none()
    window = _Window.of(rule.target.plan, as_of)
    numerator = part == "numerator"
    if rule.kind == RuleKind.SPOKESPERSON_SHARE:
        agencies = _agencies(rule, window).order_by("sort_key")
        if not numerator:
            return agencies
        agencies = agencies.filter(_spokesperson_q())
        if rule.params.get("require_briefing", True):
            agencies = agencies.filter(Exists(_briefings(window)))
        return agencies
    if rule.kind == RuleKind.TRAINED_SHARE:
        officials = _officials(rule)
        return officials.filter(Exists(_attendance(window))) if numerator else officials
    records = Record.objects.select_related("unit")
    if rule.kind == RuleKind.PRODUCT_SHARE:
        products = _products(rule, window)
        if numerator:
            products = products.filter(_product_condition(str(rule.params.get("condition"))))
        return records.filter(pk__in=products.values("record_id"))
    if not numerator:
        return Record.objects.none()
    return records.filter(pk__in=_counted_records(rule, window).values("pk"))


def plan_target_values(plan: Plan, as_of: dt.date) -> dict[int, TargetValue]:
    """The computed targets of a plan as the plan home page shows them (plans.extensions)."""
    values = {}
    for progress in plan_targets_progress(plan=plan, as_of=as_of):
        shown = "—"
        if progress.value is not None:
            shown = number_format(progress.value, decimal_pos=1, use_l10n=True)
            shown += " %" if progress.is_share else ""
        values[progress.target.pk] = TargetValue(
            value=shown, status=progress.status, status_label=progress.status_label
        )
    return values


def plan_targets_progress(*, plan: Plan, as_of: dt.date) -> list[TargetProgress]:
    """Every computed target of a plan, in the plan's order (targets without rules left out)."""
    result = []
    for target in plan.targets.filter(rule__isnull=False).order_by("order", "pk"):
        progress = target_progress(target=target, as_of=as_of)
        if progress is not None:
            result.append(progress)
    return result


# --- tasks and activity ------------------------------------------------------------------------


class TaskProgressStatus(TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    OVERDUE = "overdue", _("Overdue")
    CANCELLED = "cancelled", _("Cancelled")


@dataclass(frozen=True)
class TaskProgress:
    status: str
    records: int
    last_record: dt.date | None

    @property
    def status_label(self) -> str:
        return str(TaskProgressStatus(self.status).label)


def _derive(task: Task, records: int, today: dt.date) -> str:
    # Done and cancelled are decided by people and stay; the rest follows records and dates.
    if task.status == TaskStatus.DONE:
        return TaskProgressStatus.DONE
    if task.status == TaskStatus.CANCELLED:
        return TaskProgressStatus.CANCELLED
    if task.end and task.end < today:
        return TaskProgressStatus.OVERDUE
    if records or task.status == TaskStatus.IN_PROGRESS:
        return TaskProgressStatus.IN_PROGRESS
    return TaskProgressStatus.NOT_STARTED


def task_progress(*, task: Task, today: dt.date) -> TaskProgress:
    """A task's status derived from its records and dates (one query)."""
    counts = Record.tasks.through.objects.filter(task_id=task.pk).aggregate(
        n=Count("record_id"), last=Max("record__date")
    )
    return TaskProgress(
        status=_derive(task, counts["n"], today), records=counts["n"], last_record=counts["last"]
    )


def task_progress_map(*, tasks: Iterable[Task], today: dt.date) -> dict[int, TaskProgress]:
    """task_progress for many tasks in one query (lists and dashboards)."""
    tasks = list(tasks)
    rows = {
        row["task_id"]: row
        for row in Record.tasks.through.objects.filter(task_id__in=[t.pk for t in tasks])
        .values("task_id")
        .annotate(n=Count("record_id"), last=Max("record__date"))
        .order_by()
    }
    result = {}
    for task in tasks:
        row = rows.get(task.pk, {"n": 0, "last": None})
        result[task.pk] = TaskProgress(
            status=_derive(task, row["n"], today), records=row["n"], last_record=row["last"]
        )
    return result


def activity_by_month(
    *, plan: Plan | None = None, unit: Unit | None = None, task: Task | None = None, year: int
) -> dict[str, list[int]]:
    """Records per kind and month of a year (12 counts per kind, every kind present)."""
    records = Record.objects.filter(date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31))
    # Joins driven from the plan's or task's rows (a record counted once per month by the
    # DISTINCT): an EXISTS per record would scan every record of the year at province scale.
    if plan is not None:
        records = records.filter(tasks__plan_id=plan.pk)
    if task is not None:
        records = records.filter(tasks__id=task.pk)
    if unit is not None:
        records = records.filter(unit__path__startswith=unit.path)
    result = {kind: [0] * 12 for kind in RecordKind.values}
    rows = (
        records.values("kind", month=TruncMonth("date"))
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    for row in rows:
        result[row["kind"]][_month_key(row["month"]).month - 1] = row["n"]
    return result
