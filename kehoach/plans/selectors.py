"""Reads of plans: what a user sees, the plan home page, the task list, the JSON export."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, F, Prefetch, Q, QuerySet, prefetch_related_objects

from kehoach.accounts import access
from kehoach.lib.vndates import month_bounds, quarter_bounds
from kehoach.lib.vntext import search_key
from kehoach.units.models import ADMINISTRATIVE_KINDS, COMMUNE_LEVEL_KINDS, Unit

from .models import (
    OPEN_TASK_STATUSES,
    Assignment,
    AssignmentRole,
    Plan,
    Recurrence,
    Task,
    TaskStatus,
    UnitScope,
)

User = AbstractBaseUser | AnonymousUser


def plans_for_user(user: User) -> QuerySet[Plan]:
    return Plan.objects.filter(
        access.plan_visibility_q(user, issuer_field="issuer")
    ).select_related("issuer")


def tasks_for_user(user: User) -> QuerySet[Task]:
    return Task.objects.filter(access.plan_visibility_q(user, issuer_field="plan__issuer"))


def plan_search(queryset: QuerySet[Plan], query: str) -> QuerySet[Plan]:
    key = search_key(query)
    return queryset.filter(search_text__contains=key) if key else queryset


def lead_units(task: Task) -> list[Unit]:
    """Units named by themselves as lead (groups such as "UBND các xã" lead no single unit)."""
    return [
        a.unit
        for a in task.assignments.all()
        if a.role == AssignmentRole.LEAD and a.unit and a.scope == UnitScope.UNIT
    ]


def can_change_task(user: User, task: Task) -> bool:
    return access.can_change_task(user, task.plan.issuer, lead_units(task))


def can_edit_plan(user: User, plan: Plan) -> bool:
    return access.can_edit_plan_of(user, plan.issuer)


def _with_assignments(queryset: QuerySet[Task]) -> QuerySet[Task]:
    return queryset.prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("unit")),
        "themes",
    )


class TimeFilter:
    THIS_MONTH = "this_month"
    OVERDUE = "overdue"
    NEXT_30_DAYS = "next_30_days"
    CONTINUOUS = "continuous"


@dataclass(frozen=True)
class TaskFilters:
    unit_id: int | None = None
    status: str = ""
    time: str = ""
    quarter: int | None = None
    theme_id: int | None = None
    query: str = ""


def _units_matching(unit: Unit) -> Q:
    """Assignments that concern a unit: naming it or a unit below it (a district covers its
    offices and communes), or naming a group above it that contains it."""
    condition = Q(assignments__unit__path__startswith=unit.path)
    ancestors = [int(p) for p in unit.path.strip("/").split("/")[:-1] if p]
    if ancestors:
        condition |= Q(assignments__unit_id__in=ancestors, assignments__scope=UnitScope.ALL_BODIES)
        # "UBND các xã" above a commune, or above a district that has communes, concerns it.
        if unit.kind in ADMINISTRATIVE_KINDS:
            condition |= Q(
                assignments__unit_id__in=ancestors, assignments__scope=UnitScope.COMMUNES
            )
    return condition


def task_list(*, plan: Plan, filters: TaskFilters, today: dt.date) -> QuerySet[Task]:
    queryset = plan.tasks.all()
    if filters.unit_id:
        unit = Unit.objects.filter(pk=filters.unit_id).first()
        queryset = queryset.filter(_units_matching(unit)) if unit else queryset.none()
    if filters.status == "overdue":
        queryset = queryset.filter(end__lt=today, status__in=OPEN_TASK_STATUSES)
    elif filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.time == TimeFilter.THIS_MONTH:
        first, last = month_bounds(today.year, today.month)
        queryset = queryset.filter(_overlaps(first, last))
    elif filters.time == TimeFilter.OVERDUE:
        queryset = queryset.filter(end__lt=today, status__in=OPEN_TASK_STATUSES)
    elif filters.time == TimeFilter.NEXT_30_DAYS:
        queryset = queryset.filter(end__gte=today, end__lte=today + dt.timedelta(days=30))
    elif filters.time == TimeFilter.CONTINUOUS:
        queryset = queryset.exclude(recurrence=Recurrence.NONE)
    if filters.quarter:
        first, last = quarter_bounds(plan.year, filters.quarter)
        queryset = queryset.filter(_overlaps(first, last))
    if filters.theme_id:
        queryset = queryset.filter(themes__id=filters.theme_id)
    if filters.query:
        queryset = queryset.filter(search_text__contains=search_key(filters.query))
    return _with_assignments(queryset.distinct().order_by("order", "pk"))


def _overlaps(first: dt.date, last: dt.date) -> Q:
    """Tasks whose dated span touches [first, last]; undated continuous tasks always do."""
    dated = (Q(start__isnull=True) | Q(start__lte=last)) & (Q(end__isnull=True) | Q(end__gte=first))
    has_a_date = Q(start__isnull=False) | Q(end__isnull=False)
    return (dated & has_a_date) | Q(recurrence__in=[Recurrence.CONTINUOUS, Recurrence.MONTHLY])


@dataclass(frozen=True)
class PlanDashboard:
    status_counts: dict[str, int]
    total: int
    overdue: list[Task]
    due_this_month: list[Task]
    reporting_due: list[tuple[Any, dt.date]]


def plan_dashboard(*, plan: Plan, today: dt.date) -> PlanDashboard:
    """What the plan home page shows: a fixed number of queries whatever the plan's size."""
    counts = dict(
        plan.tasks.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    status_counts = {status: counts.get(status, 0) for status in TaskStatus.values}
    first, last = month_bounds(today.year, today.month)
    overdue = list(
        plan.tasks.filter(end__lt=today, status__in=OPEN_TASK_STATUSES).order_by("end", "order")[
            :20
        ]
    )
    due = list(
        plan.tasks.filter(end__gte=first, end__lte=last)
        .exclude(pk__in=[t.pk for t in overdue])
        .order_by("end", "order")[:20]
    )
    # One prefetch for both lists: the query count does not depend on which list is empty.
    prefetch_related_objects(
        [*overdue, *due],
        Prefetch("assignments", queryset=Assignment.objects.select_related("unit")),
        "themes",
    )
    reporting = []
    for duty in plan.reporting_duties.all():
        due_day = duty.due_date(plan.year)
        if due_day:
            reporting.append((duty, due_day))
    return PlanDashboard(
        status_counts=status_counts,
        total=sum(status_counts.values()),
        overdue=overdue,
        due_this_month=due,
        reporting_due=reporting,
    )


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def plan_export(*, plan: Plan) -> dict[str, Any]:
    """The plan in the JSON format of shared/plans/README.md, plus ids and extra fields."""
    tasks = _with_assignments(plan.tasks.order_by("order", "pk"))
    return {
        "id": plan.pk,
        "title": plan.title,
        "issuer": plan.issuer_as_written or plan.issuer.name,
        "issuer_unit_id": plan.issuer_id,
        "number": plan.number or None,
        "date": plan.issued_on.isoformat() if plan.issued_on else None,
        "year": plan.year,
        "implements": plan.implements_as_written or None,
        "period": {
            "time": plan.period_text or None,
            "start": plan.period_start.isoformat() if plan.period_start else None,
            "end": plan.period_end.isoformat() if plan.period_end else None,
        },
        "purposes": plan.purposes,
        "requirements": plan.requirements,
        "funding": plan.funding,
        "targets": [
            {
                "text": t.text,
                "value": _number(t.value),
                **({"value_max": _number(t.value_max)} if t.value_max is not None else {}),
                "unit": t.unit_of_measure or None,
                "deadline": t.deadline.isoformat() if t.deadline else None,
            }
            for t in plan.targets.all()
        ],
        "themes": [
            {
                "number": th.number,
                "short_title": th.short_title,
                "text": th.text,
                "conventions": [c.abbr for c in th.conventions.all()],
            }
            for th in plan.themes.prefetch_related("conventions")
        ],
        "tasks": [_export_task(task) for task in tasks],
        "duties": [
            {"who": d.name_as_written, "unit_id": d.unit_id, "text": d.text}
            for d in plan.unit_duties.all()
        ],
        "reporting": [
            {
                "who": r.who_as_written,
                "what": r.what,
                "due": r.due or None,
                "period": r.period or None,
                "to_whom": r.to_whom_as_written or None,
            }
            for r in plan.reporting_duties.all()
        ],
    }


def _export_task(task: Task) -> dict[str, Any]:
    assignments = list(task.assignments.all())
    return {
        "id": task.pk,
        "number": task.number or None,
        "title": task.title,
        "lead": [a.name_as_written for a in assignments if a.role == AssignmentRole.LEAD],
        "support": [a.name_as_written for a in assignments if a.role == AssignmentRole.SUPPORT],
        "lead_unit_ids": [a.unit_id for a in assignments if a.role == AssignmentRole.LEAD],
        "support_unit_ids": [a.unit_id for a in assignments if a.role == AssignmentRole.SUPPORT],
        "time": task.time_text or None,
        "start": task.start.isoformat() if task.start else None,
        "end": task.end.isoformat() if task.end else None,
        "recurring": task.recurrence != Recurrence.NONE,
        "recurrence": task.recurrence,
        "status": task.status,
        "details": task.details or None,
        "themes": [th.number for th in task.themes.all()],
    }


def _valid_in_year(queryset: QuerySet[Unit], year: int) -> QuerySet[Unit]:
    """Units that existed at some time in the year (a 2024 plan names the 2024 communes)."""
    return queryset.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=dt.date(year, 12, 31)),
        Q(valid_to__isnull=True) | Q(valid_to__gte=dt.date(year, 1, 1)),
    )


# Above this many communes (a province has thousands) the filter offers the units one level
# below the issuer instead; each of them covers the communes under it.
FILTER_COMMUNES_LIMIT = 200


def task_filter_units(*, plan: Plan) -> QuerySet[Unit]:
    """Units offered by the task list's unit filter: those named in the plan's assignments, the
    units directly under the issuer, and the commune-level units under it (reached through
    "UBND các xã" groups) when there are not too many of them."""
    named = Assignment.objects.filter(task__plan=plan, unit__isnull=False).values("unit_id")
    below = Unit.objects.filter(path__startswith=plan.issuer.path).exclude(pk=plan.issuer_id)
    communes = _valid_in_year(below.filter(kind__in=COMMUNE_LEVEL_KINDS), plan.year)
    offered = Q(pk__in=named) | Q(
        pk__in=_valid_in_year(below, plan.year).filter(parent_id=plan.issuer_id).values("pk")
    )
    if communes.count() <= FILTER_COMMUNES_LIMIT:
        offered |= Q(pk__in=communes.values("pk"))
    return Unit.objects.filter(offered).order_by("depth", "sort_key")  # issuer first, then A–Z


def plan_assignable_units(*, plan: Plan, include: Sequence[int] = ()) -> QuerySet[Unit]:
    """Units a task of the plan may be assigned to: the issuer's subtree in the plan's year,
    plus `include` (units already assigned, so editing an old task never loses them)."""
    subtree = _valid_in_year(Unit.objects.filter(path__startswith=plan.issuer.path), plan.year)
    return Unit.objects.filter(Q(pk__in=subtree.values("pk")) | Q(pk__in=include)).order_by("path")


def plans_with_task_counts(queryset: QuerySet[Plan], *, today: dt.date) -> QuerySet[Plan]:
    """Annotate n_tasks, n_done and n_overdue for the plan list, in the list's one query."""
    return queryset.annotate(
        n_tasks=Count("tasks", distinct=True),
        n_done=Count("tasks", filter=Q(tasks__status=TaskStatus.DONE), distinct=True),
        n_overdue=Count(
            "tasks",
            filter=Q(tasks__end__lt=today, tasks__status__in=OPEN_TASK_STATUSES),
            distinct=True,
        ),
    ).order_by(  # Meta.ordering is dropped by aggregation
        "-year", F("issued_on").desc(nulls_last=True), "-pk"
    )


def plan_for_home(user: User) -> Plan | None:
    """The plan a user lands on: the latest plan of their own unit, else of the nearest unit
    above them (a commune lands on the district's plan), else any plan they can see."""
    scope = access.scope_for(user)
    visible = plans_for_user(user)
    latest = ("-year", F("issued_on").desc(nulls_last=True), "-pk")
    own = visible.filter(issuer_id__in=scope.unit_ids).order_by(*latest).first()
    if own:
        return own
    units = Unit.objects.filter(pk__in=scope.unit_ids)
    for unit in units:
        for ancestor_id in reversed([int(p) for p in unit.path.strip("/").split("/")[:-1] if p]):
            found = visible.filter(issuer_id=ancestor_id).order_by(*latest).first()
            if found:
                return found
    return visible.order_by(*latest).first()


def task_for_user(user: User, pk: int) -> Task | None:
    """One task, with its plan, units and themes, if the user may see its plan."""
    return (
        _with_assignments(tasks_for_user(user).select_related("plan__issuer")).filter(pk=pk).first()
    )
