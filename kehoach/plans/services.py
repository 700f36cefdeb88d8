"""Writes of plans: creating a plan from its structured form, editing tasks, changing status.

`plan_import` takes the JSON structure of shared/plans/README.md (the importer's output,
with extra fields) so the demo data file, the document importer and the API all create plans
the same way.
"""

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from kehoach.audit.context import audited_as
from kehoach.audit.models import Source as AuditSource
from kehoach.lib.vntext import match_key, search_key
from kehoach.units.models import Unit

from .models import (
    Assignment,
    AssignmentRole,
    Convention,
    ImportDraft,
    Plan,
    Recurrence,
    ReportingDuty,
    ReportPeriod,
    Target,
    Task,
    TaskEvent,
    TaskStatus,
    Theme,
    UnitDuty,
    UnitScope,
)

# Resolves a unit name as written in a plan to (unit, scope); None when it cannot be resolved.
UnitResolver = Callable[[str], tuple[Unit, str] | None]


def _parse_date(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as error:
        raise ValidationError(
            {field: _("%(value)s is not a date (expected YYYY-MM-DD).") % {"value": value}}
        ) from error


def _parse_decimal(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except InvalidOperation as error:
        raise ValidationError(
            {field: _("%(value)s is not a number.") % {"value": value}}
        ) from error


def check_dates(start: dt.date | None, end: dt.date | None, where: str) -> None:
    if start and end and end < start:
        raise ValidationError({where: _("The end date cannot be earlier than the start date.")})


def _resolve(name: str, resolver: UnitResolver | None) -> tuple[Unit | None, str]:
    found = resolver(name) if resolver else None
    return (found[0], found[1]) if found else (None, UnitScope.UNIT)


def _recurrence(task: Mapping[str, Any]) -> str:
    value = task.get("recurrence")
    if value:
        if value not in Recurrence.values:
            raise ValidationError({"recurrence": _("Unknown recurrence: %(v)s.") % {"v": value}})
        return str(value)
    return Recurrence.CONTINUOUS if task.get("recurring") else Recurrence.NONE


def _add_assignments(
    task: Task, role: str, names: Sequence[str], resolver: UnitResolver | None
) -> None:
    for order, name in enumerate(names):
        unit, scope = _resolve(name, resolver)
        Assignment.objects.create(
            task=task, role=role, order=order, name_as_written=name, unit=unit, scope=scope
        )


@audited_as(AuditSource.IMPORT)
@transaction.atomic
def plan_import(
    *,
    data: Mapping[str, Any],
    issuer: Unit,
    resolve_unit: UnitResolver | None = None,
    by: User | None = None,
    source_text: str = "",
    source_name: str = "",
) -> Plan:
    """Create a plan with its targets, themes, tasks, duties and reporting duties.

    Everything is written in one transaction: on any error nothing is saved.
    """
    title = (data.get("title") or "").strip()
    if not title:
        raise ValidationError({"title": _("The plan title is required.")})
    year = data.get("year")
    if not isinstance(year, int) or not 1945 <= year <= 2100:
        raise ValidationError({"year": _("The plan year is required (for example 2024).")})
    period = data.get("period") or {}
    period_start = _parse_date(period.get("start"), "period")
    period_end = _parse_date(period.get("end"), "period")
    check_dates(period_start, period_end, "period")
    implements = None
    if data.get("implements_number"):
        implements = Plan.objects.filter(number=data["implements_number"]).first()
    plan = Plan(
        number=(data.get("number") or "").strip(),
        title=title,
        issuer=issuer,
        issuer_as_written=data.get("issuer") or issuer.name,
        issued_on=_parse_date(data.get("date"), "date"),
        year=year,
        implements=implements,
        implements_as_written=data.get("implements") or "",
        period_text=period.get("time") or "",
        period_start=period_start,
        period_end=period_end,
        purposes=data.get("purposes") or "",
        requirements=data.get("requirements") or "",
        general_objective=data.get("general_objective") or "",
        funding=data.get("funding") or "",
        source_text=source_text,
        source_name=source_name,
        created_by=by,
    )
    plan.refresh_keys()
    plan.save()

    conventions = {c.abbr: c for c in Convention.objects.all()}
    themes_by_number: dict[str, Theme] = {}
    for order, item in enumerate(data.get("themes") or []):
        theme = Theme.objects.create(
            plan=plan,
            order=order,
            number=str(item.get("number") or order + 1),
            short_title=item.get("short_title") or item["text"][:160],
            text=item["text"],
        )
        if "conventions" in item:
            unknown = [a for a in item["conventions"] or [] if a not in conventions]
            if unknown:
                raise ValidationError(
                    {"themes": _("Unknown convention: %(abbr)s.") % {"abbr": ", ".join(unknown)}}
                )
            named = [conventions[a] for a in item["conventions"] or []]
        else:
            # A theme read from a document: tag it with the conventions its text names.
            named = [c for c in conventions.values() if c.is_named_in(item["text"])]
        theme.conventions.set(named)
        themes_by_number[theme.number] = theme

    for order, item in enumerate(data.get("targets") or []):
        value = _parse_decimal(item.get("value"), "targets")
        value_max = _parse_decimal(item.get("value_max"), "targets")
        if value_max is not None and (value is None or value_max < value):
            raise ValidationError({"targets": _("A target range must run from low to high.")})
        Target.objects.create(
            plan=plan,
            order=order,
            text=item["text"],
            value=value,
            value_max=value_max,
            unit_of_measure=item.get("unit") or "",
            deadline=_parse_date(item.get("deadline"), "targets"),
            source_line=item.get("source_line") or _find_line(source_text, item["text"]),
        )

    for order, item in enumerate(data.get("tasks") or []):
        task_create(
            plan=plan,
            order=order,
            data=item,
            resolve_unit=resolve_unit,
            themes=[themes_by_number[str(n)] for n in item.get("themes") or []],
        )

    _unit_duties_create(plan, data.get("duties") or [], resolve_unit)

    for order, item in enumerate(data.get("reporting") or []):
        reporting_duty_create(plan=plan, order=order, data=item, resolve_unit=resolve_unit)
    return plan


def _unit_duties_create(
    plan: Plan, items: Sequence[Mapping[str, Any]], resolve_unit: UnitResolver | None
) -> None:
    """The duties of each unit (section "Tổ chức thực hiện"), names resolved where possible."""
    for order, item in enumerate(items):
        unit, scope = _resolve(item["who"], resolve_unit)
        UnitDuty.objects.create(
            plan=plan,
            order=order,
            name_as_written=item["who"],
            unit=unit,
            scope=scope,
            text=item["text"],
        )


def reporting_duty_create(
    *, plan: Plan, order: int, data: Mapping[str, Any], resolve_unit: UnitResolver | None
) -> ReportingDuty:
    period = data.get("period") or ""
    if period and period not in ReportPeriod.values:
        raise ValidationError({"reporting": _("Unknown report period: %(p)s.") % {"p": period}})
    due = data.get("due") or ""
    if due and not _valid_due(due):
        raise ValidationError({"reporting": _("%(due)s is not a due day (MM-DD).") % {"due": due}})
    who, who_scope = _resolve(data["who"], resolve_unit)
    to_whom_name = data.get("to_whom") or ""
    to_whom = _resolve(to_whom_name, resolve_unit)[0] if to_whom_name else None
    return ReportingDuty.objects.create(
        plan=plan,
        order=order,
        who_as_written=data["who"],
        who=who,
        who_scope=who_scope,
        to_whom_as_written=to_whom_name,
        to_whom=to_whom,
        what=data["what"],
        due=due,
        period=period,
    )


def _find_line(source_text: str, text: str) -> int | None:
    """The 1-based line of the source where an item's text starts, to link the two on screen."""
    needle = search_key(text)[:40]
    if not source_text or not needle:
        return None
    for number, line in enumerate(source_text.splitlines(), start=1):
        if needle in search_key(line.replace("*", "")):
            return number
    return None


def _valid_due(due: str) -> bool:
    month, _sep, day = due.partition("-")
    if not day.isdigit() or not 1 <= int(day) <= 31:
        return False
    return month == "**" or (month.isdigit() and 1 <= int(month) <= 12)


@transaction.atomic
def task_create(
    *,
    plan: Plan,
    data: Mapping[str, Any],
    order: int | None = None,
    resolve_unit: UnitResolver | None = None,
    themes: Sequence[Theme] = (),
    lead_units: Sequence[Unit] = (),
    support_units: Sequence[Unit] = (),
) -> Task:
    """Create a task. Units come as written (`lead`/`support` names, resolved when possible)
    or as known units (`lead_units`/`support_units`, from the web form or the API)."""
    title = (data.get("title") or "").strip()
    if not title:
        raise ValidationError({"title": _("The task title is required.")})
    start = _parse_date(data.get("start"), "start")
    end = _parse_date(data.get("end"), "end")
    check_dates(start, end, "end")
    if order is None:
        order = plan.tasks.count()
    task = Task(
        plan=plan,
        order=order,
        number=str(data.get("number") or ""),
        title=title,
        details=data.get("details") or "",
        time_text=data.get("time") or "",
        start=start,
        end=end,
        recurrence=_recurrence(data),
        source_line=data.get("source_line") or _find_line(plan.source_text, title),
    )
    task.refresh_keys()
    task.save()
    _add_assignments(task, AssignmentRole.LEAD, data.get("lead") or [], resolve_unit)
    _add_assignments(task, AssignmentRole.SUPPORT, data.get("support") or [], resolve_unit)
    for role, units in ((AssignmentRole.LEAD, lead_units), (AssignmentRole.SUPPORT, support_units)):
        for unit in units:
            Assignment.objects.create(
                task=task,
                role=role,
                order=task.assignments.count(),
                name_as_written=unit.display_name,
                unit=unit,
            )
    if themes:
        if any(theme.plan_id != plan.pk for theme in themes):
            raise ValidationError({"themes": _("A theme of another plan cannot be used.")})
        task.themes.set(themes)
    return task


@transaction.atomic
def task_update(
    *,
    task: Task,
    title: str | None = None,
    details: str | None = None,
    time_text: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    clear_dates: bool = False,
    themes: Sequence[Theme] | None = None,
    number: str | None = None,
    recurrence: str | None = None,
    lead_units: Sequence[Unit] | None = None,
    support_units: Sequence[Unit] | None = None,
) -> Task:
    """Change the given fields. `lead_units`/`support_units` replace the units chosen by name;
    assignments kept as written (unresolved, or groups such as "UBND các xã") stay as they are."""
    if title is not None:
        if not title.strip():
            raise ValidationError({"title": _("The task title is required.")})
        task.title = title.strip()
    if details is not None:
        task.details = details
    if number is not None:
        task.number = number.strip()
    if recurrence is not None:
        if recurrence not in Recurrence.values:
            message = _("Unknown recurrence: %(v)s.") % {"v": recurrence}
            raise ValidationError({"recurrence": message})
        task.recurrence = recurrence
    if time_text is not None:
        task.time_text = time_text
    if clear_dates:
        task.start = task.end = None
    if start is not None:
        task.start = start
    if end is not None:
        task.end = end
    check_dates(task.start, task.end, "end")
    task.refresh_keys()
    task.save()
    if themes is not None:
        if any(theme.plan_id != task.plan_id for theme in themes):
            raise ValidationError({"themes": _("A theme of another plan cannot be used.")})
        task.themes.set(themes)
    for role, units in ((AssignmentRole.LEAD, lead_units), (AssignmentRole.SUPPORT, support_units)):
        if units is not None:
            _replace_units(task, role, units)
    return task


def _replace_units(task: Task, role: str, units: Sequence[Unit]) -> None:
    """Make the units named by themselves in `role` exactly `units`, keeping the others."""
    wanted = {unit.pk: unit for unit in units}
    by_name = task.assignments.filter(role=role, unit__isnull=False, scope=UnitScope.UNIT)
    by_name.exclude(unit_id__in=wanted).delete()
    present = set(by_name.values_list("unit_id", flat=True))
    order = task.assignments.filter(role=role).count()
    for unit_id, unit in wanted.items():
        if unit_id not in present:
            Assignment.objects.create(
                task=task, role=role, order=order, name_as_written=unit.display_name, unit=unit
            )
            order += 1


@transaction.atomic
def task_set_status(*, task: Task, status: str, by: User | None, note: str = "") -> Task:
    """The one owner of a task's status: every change is recorded as a TaskEvent."""
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("Unknown status: %(status)s.") % {"status": status}})
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.status == status:
        return locked
    TaskEvent.objects.create(
        task=locked, status_from=locked.status, status_to=status, note=note, by=by
    )
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    return locked


@transaction.atomic
def conventions_load(*, items: Sequence[Mapping[str, Any]]) -> list[Convention]:
    """Create or update the convention taxonomy (idempotent)."""
    loaded = []
    for order, item in enumerate(items):
        convention, _created = Convention.objects.update_or_create(
            abbr=item["abbr"],
            defaults={
                "name_vi": item["name_vi"],
                "name_en": item["name_en"],
                "vn_year": item.get("vn_year"),
                "keywords": "\n".join(item.get("keywords", [])),
                "order": order,
            },
        )
        loaded.append(convention)
    return loaded


# --- Re-import: a corrected document updates its plan without losing what hangs on it ---------

# Pairing thresholds (0..1, on normalised text): a fixed typo scores above 0.9; a task rewritten
# beyond recognition falls below and becomes a new task, the old one kept or removed below.
TASK_MATCH_THRESHOLD = 0.75
ITEM_MATCH_THRESHOLD = 0.6


@dataclass(frozen=True)
class PlanReimport:
    """What a re-import did, to tell staff."""

    plan: Plan
    tasks_updated: int = 0
    tasks_created: int = 0
    tasks_deleted: int = 0
    tasks_cancelled: int = 0
    targets_updated: int = 0
    targets_created: int = 0
    targets_deleted: int = 0
    kept: list[str] = field(default_factory=list)  # old items kept because records hang on them


def _similarity(a: str, b: str) -> float:
    return float(fuzz.ratio(a, b)) / 100 if a and b else 0.0


def _pair_up(
    scores: Callable[[int, int], float], n_old: int, n_new: int, threshold: float
) -> dict[int, int]:
    """Pair new items with old ones, best score first; returns {new index: old index}."""
    candidates = []
    for i in range(n_old):
        for j in range(n_new):
            score = scores(i, j)
            if score >= threshold:
                candidates.append((-score, abs(i - j), i, j))
    candidates.sort()
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for _score, _distance, i, j in candidates:
        if i not in used and j not in pairs:
            pairs[j] = i
            used.add(i)
    return pairs


def _has_records(obj: Model, *, ignore: Sequence[type[Model]] = ()) -> bool:
    """True when rows of another table point at `obj` (records, reports, history...).

    Generic on purpose: an app added later that attaches rows to tasks or targets is covered
    without this function knowing it. Rows the document itself decides are in `ignore`.
    """
    for relation in obj._meta.related_objects:
        model = relation.related_model
        if not isinstance(model, type) or model in ignore:
            continue
        if model is TaskEvent:
            # The creation of a task is not a record; any later status change is.
            if TaskEvent.objects.filter(task_id=obj.pk).exclude(status_from="").exists():
                return True
            continue
        if model._default_manager.filter(**{relation.field.name: obj}).exists():
            return True
    return False


def _sync_assignments(
    task: Task, role: str, names: Sequence[str], resolver: UnitResolver | None
) -> None:
    """Make the task's units in `role` the names of the document, keeping the rows (and a unit
    chosen by hand for an unresolved name) of the names that are still there."""
    existing: dict[str, list[Assignment]] = {}
    for assignment in task.assignments.filter(role=role).order_by("order", "pk"):
        existing.setdefault(match_key(assignment.name_as_written), []).append(assignment)
    kept = []
    for order, name in enumerate(names):
        same = existing.get(match_key(name))
        if same:
            assignment = same.pop(0)
            assignment.order = order
            assignment.name_as_written = name
            if assignment.unit_id is None:
                assignment.unit, assignment.scope = _resolve(name, resolver)
            assignment.save()
        else:
            unit, scope = _resolve(name, resolver)
            assignment = Assignment.objects.create(
                task=task, role=role, order=order, name_as_written=name, unit=unit, scope=scope
            )
        kept.append(assignment.pk)
    task.assignments.filter(role=role).exclude(pk__in=kept).delete()


def _task_refresh(
    *,
    task: Task,
    order: int,
    data: Mapping[str, Any],
    resolve_unit: UnitResolver | None,
    themes_by_number: Mapping[str, Theme],
) -> None:
    """Update a task in place from the document: same row, same status and history."""
    title = (data.get("title") or "").strip()
    if not title:
        raise ValidationError({"title": _("The task title is required.")})
    start = _parse_date(data.get("start"), "start")
    end = _parse_date(data.get("end"), "end")
    check_dates(start, end, "end")
    task.order = order
    task.number = str(data.get("number") or "")
    task.title = title
    if "details" in data:
        task.details = data.get("details") or ""
    task.time_text = data.get("time") or ""
    task.start, task.end = start, end
    task.recurrence = _recurrence(data)
    task.source_line = data.get("source_line") or _find_line(task.plan.source_text, title)
    task.refresh_keys()
    task.save()
    _sync_assignments(task, AssignmentRole.LEAD, data.get("lead") or [], resolve_unit)
    _sync_assignments(task, AssignmentRole.SUPPORT, data.get("support") or [], resolve_unit)
    if "themes" in data:
        task.themes.set([themes_by_number[str(n)] for n in data.get("themes") or []])


def _target_values(item: Mapping[str, Any], source_text: str) -> dict[str, Any]:
    value = _parse_decimal(item.get("value"), "targets")
    value_max = _parse_decimal(item.get("value_max"), "targets")
    if value_max is not None and (value is None or value_max < value):
        raise ValidationError({"targets": _("A target range must run from low to high.")})
    text = (item.get("text") or "").strip()
    if not text:
        raise ValidationError({"targets": _("A target needs its text.")})
    return {
        "text": text,
        "value": value,
        "value_max": value_max,
        "unit_of_measure": item.get("unit") or "",
        "deadline": _parse_date(item.get("deadline"), "targets"),
        "source_line": item.get("source_line") or _find_line(source_text, text),
    }


def _reimport_header(plan: Plan, data: Mapping[str, Any]) -> None:
    """The plan's own fields from the document; fields the draft does not carry are kept."""
    title = (data.get("title") or "").strip()
    if not title:
        raise ValidationError({"title": _("The plan title is required.")})
    year = data.get("year")
    if not isinstance(year, int) or not 1945 <= year <= 2100:
        raise ValidationError({"year": _("The plan year is required (for example 2024).")})
    plan.title = title
    plan.year = year
    plan.number = (data.get("number") or "").strip()
    plan.issued_on = _parse_date(data.get("date"), "date")
    if data.get("issuer"):
        plan.issuer_as_written = data["issuer"]
    if "implements" in data:
        plan.implements_as_written = data.get("implements") or ""
    if data.get("implements_number"):
        plan.implements = (
            Plan.objects.filter(number=data["implements_number"]).exclude(pk=plan.pk).first()
        )
    if "period" in data:
        period = data.get("period") or {}
        plan.period_text = period.get("time") or ""
        plan.period_start = _parse_date(period.get("start"), "period")
        plan.period_end = _parse_date(period.get("end"), "period")
        check_dates(plan.period_start, plan.period_end, "period")
    for name in ("purposes", "requirements", "general_objective", "funding"):
        if name in data:
            setattr(plan, name, data.get(name) or "")


def _reporting_values(data: Mapping[str, Any], resolve_unit: UnitResolver | None) -> dict[str, Any]:
    """The fields of a reporting duty, checked as reporting_duty_create checks them."""
    period = data.get("period") or ""
    if period and period not in ReportPeriod.values:
        raise ValidationError({"reporting": _("Unknown report period: %(p)s.") % {"p": period}})
    due = data.get("due") or ""
    if due and not _valid_due(due):
        raise ValidationError({"reporting": _("%(due)s is not a due day (MM-DD).") % {"due": due}})
    who, who_scope = _resolve(data["who"], resolve_unit)
    to_whom_name = data.get("to_whom") or ""
    return {
        "who_as_written": data["who"],
        "who": who,
        "who_scope": who_scope,
        "to_whom_as_written": to_whom_name,
        "to_whom": _resolve(to_whom_name, resolve_unit)[0] if to_whom_name else None,
        "what": data["what"],
        "due": due,
        "period": period,
    }


@audited_as(AuditSource.IMPORT)
@transaction.atomic
def plan_reimport(
    *,
    plan: Plan,
    data: Mapping[str, Any],
    resolve_unit: UnitResolver | None = None,
    by: User | None = None,
    source_text: str = "",
    source_name: str = "",
) -> PlanReimport:
    """Update a plan from a corrected version of its document.

    Tasks are paired old to new by title (and number); a paired task is updated in place, so its
    status, history and every record attached to it stay. New tasks are created. A task that is
    no longer in the document is deleted when nothing is attached to it, and otherwise kept,
    cancelled, with a note. Targets and reporting duties are paired the same way by their text.
    Everything is written in one transaction: on any error nothing is saved.
    """
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _reimport_header(plan, data)
    plan.source_text = source_text
    plan.source_name = source_name
    plan.refresh_keys()
    plan.save()

    themes_by_number = {theme.number: theme for theme in plan.themes.all()}
    if "themes" in data:
        conventions = {c.abbr: c for c in Convention.objects.all()}
        for order, item in enumerate(data.get("themes") or []):
            number = str(item.get("number") or order + 1)
            unknown = [a for a in item.get("conventions") or [] if a not in conventions]
            if unknown:
                raise ValidationError(
                    {"themes": _("Unknown convention: %(abbr)s.") % {"abbr": ", ".join(unknown)}}
                )
            theme, _created = Theme.objects.update_or_create(
                plan=plan,
                number=number,
                defaults={
                    "order": order,
                    "short_title": item.get("short_title") or item["text"][:160],
                    "text": item["text"],
                },
            )
            theme.conventions.set([conventions[a] for a in item.get("conventions") or []])
            themes_by_number[number] = theme

    counts: dict[str, int] = {}
    kept: list[str] = []

    # Tasks.
    old_tasks = list(plan.tasks.order_by("order", "pk"))
    new_tasks = list(data.get("tasks") or [])
    old_keys = [search_key(t.title) for t in old_tasks]
    new_keys = [search_key(str(t.get("title") or "")) for t in new_tasks]

    def task_score(i: int, j: int) -> float:
        score = _similarity(old_keys[i], new_keys[j])
        number = str(new_tasks[j].get("number") or "")
        if number and number == old_tasks[i].number:
            score += 0.1
        return score

    pairs = _pair_up(task_score, len(old_tasks), len(new_tasks), TASK_MATCH_THRESHOLD)
    for order, item in enumerate(new_tasks):
        if order in pairs:
            _task_refresh(
                task=old_tasks[pairs[order]],
                order=order,
                data=item,
                resolve_unit=resolve_unit,
                themes_by_number=themes_by_number,
            )
            counts["tasks_updated"] = counts.get("tasks_updated", 0) + 1
        else:
            task_create(
                plan=plan,
                order=order,
                data=item,
                resolve_unit=resolve_unit,
                themes=[themes_by_number[str(n)] for n in item.get("themes") or []],
            )
            counts["tasks_created"] = counts.get("tasks_created", 0) + 1
    paired_old = set(pairs.values())
    order = len(new_tasks)
    for index, task in enumerate(old_tasks):
        if index in paired_old:
            continue
        if not _has_records(task, ignore=(Assignment,)):
            task.delete()
            counts["tasks_deleted"] = counts.get("tasks_deleted", 0) + 1
            continue
        # Records hang on it: keep it, after the document's tasks, cancelled with a note.
        task.order = order
        order += 1
        task.save(update_fields=["order", "updated_at"])
        if task.status != TaskStatus.CANCELLED:
            note = _("No longer in the document %(name)s; kept because records are attached.")
            task_set_status(
                task=task,
                status=TaskStatus.CANCELLED,
                by=by,
                note=note % {"name": source_name or "—"},
            )
            counts["tasks_cancelled"] = counts.get("tasks_cancelled", 0) + 1
        kept.append(str(task))

    # Targets: by text, then what is left at the same position.
    old_targets = list(plan.targets.order_by("order", "pk"))
    new_targets = [_target_values(item, source_text) for item in data.get("targets") or []]
    old_texts = [search_key(t.text) for t in old_targets]
    new_texts = [search_key(t["text"]) for t in new_targets]
    target_pairs = _pair_up(
        lambda i, j: _similarity(old_texts[i], new_texts[j]),
        len(old_targets),
        len(new_targets),
        ITEM_MATCH_THRESHOLD,
    )
    for j in range(min(len(old_targets), len(new_targets))):
        if j not in target_pairs and j not in target_pairs.values():
            target_pairs[j] = j
    for order, values in enumerate(new_targets):
        if order in target_pairs:
            target = old_targets[target_pairs[order]]
            for name, value in values.items():
                setattr(target, name, value)
            target.order = order
            target.save()
            counts["targets_updated"] = counts.get("targets_updated", 0) + 1
        else:
            Target.objects.create(plan=plan, order=order, **values)
            counts["targets_created"] = counts.get("targets_created", 0) + 1
    paired_targets = set(target_pairs.values())
    order = len(new_targets)
    for index, target in enumerate(old_targets):
        if index in paired_targets:
            continue
        if _has_records(target):
            target.order = order
            order += 1
            target.save(update_fields=["order"])
            kept.append(str(target))
        else:
            target.delete()
            counts["targets_deleted"] = counts.get("targets_deleted", 0) + 1

    # Reporting duties: by who and what.
    old_duties = list(plan.reporting_duties.order_by("order", "pk"))
    new_duties = list(data.get("reporting") or [])
    old_reports = [search_key(f"{d.who_as_written} {d.what}") for d in old_duties]
    new_reports = [search_key(f"{d.get('who') or ''} {d.get('what') or ''}") for d in new_duties]
    duty_pairs = _pair_up(
        lambda i, j: _similarity(old_reports[i], new_reports[j]),
        len(old_duties),
        len(new_duties),
        ITEM_MATCH_THRESHOLD,
    )
    for order, item in enumerate(new_duties):
        if order in duty_pairs:
            duty = old_duties[duty_pairs[order]]
            # The same row (what may hang on it), with the new values.
            for name, value in _reporting_values(item, resolve_unit).items():
                setattr(duty, name, value)
            duty.order = order
            duty.save()
        else:
            reporting_duty_create(plan=plan, order=order, data=item, resolve_unit=resolve_unit)
    paired_duties = set(duty_pairs.values())
    for index, duty in enumerate(old_duties):
        if index not in paired_duties:
            if _has_records(duty):
                kept.append(str(duty))
            else:
                duty.delete()

    if "duties" in data:
        plan.unit_duties.all().delete()
        _unit_duties_create(plan, data.get("duties") or [], resolve_unit)
    return PlanReimport(plan=plan, kept=kept, **counts)


# --- Import drafts: what the importer read, kept until staff confirm it -------------------------


@transaction.atomic
def import_draft_create(
    *,
    by: User,
    file_name: str,
    kind: str,
    source_text: str,
    data: Mapping[str, Any],
    issuer: Unit,
    lifetime: dt.timedelta,
) -> ImportDraft:
    """Keep a read document for review; expired drafts are cleared on the way."""
    now = timezone.now()
    ImportDraft.objects.filter(expires_at__lte=now).delete()
    return ImportDraft.objects.create(
        uploaded_by=by,
        file_name=file_name[:255],
        kind=kind,
        source_text=source_text,
        data=dict(data),
        issuer=issuer,
        expires_at=now + lifetime,
    )


def import_draft_update(
    *, draft: ImportDraft, data: Mapping[str, Any], issuer: Unit, replace: Plan | None
) -> ImportDraft:
    """Store the corrections made on the review page."""
    draft.data = dict(data)
    draft.issuer = issuer
    draft.replace = replace
    draft.save(update_fields=["data", "issuer", "replace"])
    return draft
