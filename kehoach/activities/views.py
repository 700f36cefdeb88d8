"""Web pages of records: the list and its export, one form per kind, a record's page, a target
traced to the records behind it, and the dashboards per plan, unit and task.

Every list on these pages downloads as .xlsx or .csv with `?format=xlsx|csv` (and `table=` where a
page holds several lists).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kehoach.accounts import access
from kehoach.lib import tabular, uploads
from kehoach.lib.tabular import Cell, Sheet
from kehoach.people.models import Person
from kehoach.plans import selectors as plan_selectors
from kehoach.plans.models import Plan, Target, Task
from kehoach.publishing.models import Publication
from kehoach.publishing.services import PUBLISHABLE_KINDS
from kehoach.units.models import Unit

from . import selectors, services
from .forms import DETAIL_ATTR, KIND_FORMS, RecordFilterForm, RecordForm
from .models import Record, RecordKind
from .selectors import RecordFilters

# How many members of a target's numerator and denominator the page lists; the download has all.
MEMBERS_SHOWN = 50
RECENT_SHOWN = 10

# Target status → the badge colours app.css already has.
STATUS_BADGE = {"met": "done", "exceeded": "done", "on_track": "in_progress", "behind": "overdue"}
# Chart colours per record kind (stable: the same kind has the same colour on every chart).
KIND_COLOURS = {
    RecordKind.PRODUCT: "#0b5cad",
    RecordKind.TRAINING: "#1b7f3b",
    RecordKind.BRIEFING: "#a4161a",
    RecordKind.BROADCAST: "#b26b00",
    RecordKind.PORTAL_POST: "#6a3d9a",
    RecordKind.VISUAL: "#1f9e89",
    RecordKind.CONTEST: "#e377c2",
    RecordKind.BULLETIN: "#5b6b7c",
}


# --- access helpers: the one place per noun that turns other units' objects into 404/403 -------


def _get_record_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Record:
    """The record if it belongs to the user's subtrees (404 otherwise); 403 on a write the user
    may not make."""
    record = (
        selectors.records_for_user(request.user)
        .select_related("unit", "created_by")
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise Http404(_("No such record."))
    if write and not access.can_write_unit(request.user, record.unit):
        raise PermissionDenied(_("Only the unit's staff and the units above it may change it."))
    return record


def _get_plan_for_user(request: HttpRequest, pk: int) -> Plan:
    plan = plan_selectors.plans_for_user(request.user).filter(pk=pk).first()
    if plan is None:
        raise Http404(_("No such plan."))
    return plan


def _get_target_for_user(request: HttpRequest, pk: int) -> Target:
    """A target of a plan the user sees (its value concerns everyone the plan applies to)."""
    visible = plan_selectors.plans_for_user(request.user).values("pk")
    target = Target.objects.filter(pk=pk, plan__in=visible).select_related("plan__issuer").first()
    if target is None:
        raise Http404(_("No such target."))
    return target


def _get_unit_for_user(request: HttpRequest, pk: int) -> Unit:
    """A unit whose records the user sees: 404 when the unit is not theirs to read at all, 403
    for a unit above them (they see its plans, not its subtree's records)."""
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None or not access.can_read_unit(request.user, unit):
        raise Http404(_("No such unit."))
    if not access.can_write_unit(request.user, unit):
        raise PermissionDenied(_("Only the unit's staff and the units above it see its records."))
    return unit


def _get_task_for_user(request: HttpRequest, pk: int) -> Task:
    task = plan_selectors.task_for_user(request.user, pk)
    if task is None:
        raise Http404(_("No such task."))
    return task


def _scoped(request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Members of a target the user may list: records, people and units of their subtrees."""
    scope = access.scope_for(request.user)
    model = queryset.model
    if model is Unit:
        return queryset.filter(scope.subtree_q("path"))
    if model in (Record, Person):
        return queryset.filter(scope.subtree_q("unit__path")).select_related("unit")
    return queryset.none()


# --- downloads ----------------------------------------------------------------------------------


def _format(request: HttpRequest) -> str:
    value = request.GET.get("format", "")
    return value if value in tabular.FORMATS else ""


def _download(request: HttpRequest, sheets: Sequence[Sheet], *, name: str) -> HttpResponse:
    """The sheets as .xlsx, or the sheet named by `table` (default the first) as .csv."""
    if _format(request) == "xlsx":
        response = HttpResponse(
            tabular.xlsx_bytes(sheets=sheets), content_type=tabular.XLSX_CONTENT_TYPE
        )
        response["Content-Disposition"] = tabular.attachment_header(f"{name}.xlsx")
        return response
    sheet = sheets[0]
    stream = StreamingHttpResponse(
        tabular.csv_chunks(headers=sheet.headers, rows=sheet.rows),
        content_type=tabular.CSV_CONTENT_TYPE,
    )
    stream["Content-Disposition"] = tabular.attachment_header(f"{name}.csv")
    return stream  # type: ignore[return-value]


def _pick(request: HttpRequest, sheets: dict[str, Sheet]) -> list[Sheet]:
    """The sheet named by ?table=, else all in page order (a CSV takes the first)."""
    table = request.GET.get("table", "")
    return [sheets[table]] if table in sheets else list(sheets.values())


def _join(items: Iterable[Any]) -> str:
    return "; ".join(str(item) for item in items)


def _record_sheet(records: Iterable[Record], title: str = "") -> Sheet:
    headers = [
        _("Date"),
        _("Kind"),
        _("Title"),
        _("Unit"),
        _("Tasks"),
        _("Themes"),
        _("Description"),
    ]

    def rows() -> Iterator[list[Cell]]:
        for record in records:
            yield [
                record.date,
                record.get_kind_display(),
                record.title,
                record.unit.name,
                _join(_task_ref(task) for task in record.tasks.all()),
                _join(theme.short_title for theme in record.themes.all()),
                record.description,
            ]

    return Sheet(title=title or _("Records"), headers=headers, rows=rows())


def _task_ref(task: Task) -> str:
    return f"{task.number}. {task.title}" if task.number else task.title


def _iterate(queryset: QuerySet[Record]) -> Iterator[Record]:
    # Chunks keep memory flat on a million records; prefetches still run once per chunk.
    return queryset.iterator(chunk_size=2000)


# --- records --------------------------------------------------------------------------------------


def _filtered_records(request: HttpRequest) -> tuple[RecordFilterForm, QuerySet[Record], bool]:
    form = RecordFilterForm(request.GET, user=request.user)
    filters = form.filters()
    records = selectors.record_list(
        queryset=selectors.records_for_user(request.user), filters=filters
    )
    filtered = filters != RecordFilters()
    return form, records, filtered


@login_required
@require_GET
def record_list(request: HttpRequest) -> HttpResponse:
    form, records, filtered = _filtered_records(request)
    page = Paginator(records, settings.KEHOACH_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/record_list.html",
        {
            "nav": "records",
            "form": form,
            "page": page,
            "filtered": filtered,
            "kinds": RecordKind.choices,
            "can_add": access.writable_units(request.user).exists(),
        },
    )


@login_required
@require_GET
def record_export(request: HttpRequest) -> HttpResponse:
    """The filtered list, whole, as .xlsx or .csv (?format=)."""
    if not _format(request):
        return HttpResponse(_("Choose the format: xlsx or csv."), status=400)
    _form, records, _filtered = _filtered_records(request)
    today = timezone.localdate()
    return _download(request, [_record_sheet(_iterate(records))], name=f"ho-so-{today:%Y-%m-%d}")


def _save_attachments(record: Record, form: RecordForm) -> None:
    """Check every file first, so that one refused file stores none (the refusal is shown on
    the form's field of that file); then attach the files and the links."""
    checked: list[uploads.CheckedUpload] = []
    refusals: dict[str, list[str]] = {}
    for field, allowed in (("documents", None), ("photos", [uploads.UploadKind.IMAGE])):
        for upload in form.cleaned_data.get(field, []):
            try:
                checked.append(uploads.check_upload(upload, allowed_kinds=allowed))
            except uploads.UploadRefused as refused:
                refusals.setdefault(field, []).extend(refused.messages)
    if refusals:
        raise ValidationError(refusals)
    for upload in checked:
        services.attachment_add(record=record, file=upload, caption=upload.name)
    for link in form.cleaned_data.get("links", []):
        services.attachment_add(record=record, url=link)


@login_required
@require_http_methods(["GET", "POST"])
def record_create(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in KIND_FORMS:
        # First step: which kind of record. A task link may come along (?task=).
        return render(
            request,
            "activities/record_kind.html",
            {"nav": "records", "kinds": RecordKind.choices, "task": request.GET.get("task", "")},
        )
    if not access.writable_units(request.user).exists():
        raise PermissionDenied(_("Only staff of a unit may add its records."))
    initial: dict[str, Any] = {"date": timezone.localdate()}
    if request.GET.get("task", "").isdigit():
        initial["tasks"] = [int(request.GET["task"])]
    scope = access.scope_for(request.user)
    if len(scope.unit_ids) == 1:
        initial["unit"] = scope.unit_ids[0]
    form = KIND_FORMS[kind](
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # a refused attachment leaves no half-saved record
                record = services.record_create(
                    kind=kind,
                    by=request.user,
                    detail=form.detail(),
                    **form.common(),
                )
                _save_attachments(record, form)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The record was saved."))
            return redirect("activities:detail", pk=record.pk)
    return render(
        request,
        "activities/record_form.html",
        {"nav": "records", "form": form, "kind": kind, "kind_label": RecordKind(kind).label},
    )


def _detail_facts(record: Record) -> list[tuple[str, str]]:
    """The kind's own fields as (label, value) for the record page."""
    detail = getattr(record, DETAIL_ATTR[RecordKind(record.kind)], None)
    if detail is None:
        return []
    facts: list[tuple[str, str]] = []
    for field in detail._meta.get_fields():
        if field.auto_created or not getattr(field, "editable", False) or field.name == "record":
            continue
        if field.name == "attendees":
            continue  # listed on its own with the duties held
        label = str(field.verbose_name).capitalize()
        if field.many_to_many:
            value = _join(getattr(detail, field.name).all())
        elif getattr(field, "choices", None):
            value = getattr(detail, f"get_{field.name}_display")()
        else:
            raw = getattr(detail, field.name)
            if isinstance(raw, bool):
                value = _("Yes") if raw else _("No")
            elif isinstance(raw, dt.date):
                value = raw.strftime("%d/%m/%Y")
            else:
                value = "" if raw is None else str(raw)
        facts.append((label, value))
    return facts


@login_required
@require_GET
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_record_for_user(request, pk)
    attendance = []
    if record.kind == RecordKind.TRAINING and hasattr(record, "training"):
        attendance = list(record.training.attendance.select_related("person__unit"))
    return render(
        request,
        "activities/record_detail.html",
        {
            "nav": "records",
            "record": record,
            "facts": _detail_facts(record),
            "attendance": attendance,
            "tasks": list(record.tasks.select_related("plan")),
            "themes": list(record.themes.all()),
            "conventions": list(record.conventions.all()),
            "attachments": list(record.attachments.all()),
            "can_edit": access.can_write_unit(request.user, record.unit),
            # Publishing (kehoach/publishing): the record's public page, or a link to make one.
            "publication": Publication.objects.filter(record=record).first(),
            "can_publish": record.kind in PUBLISHABLE_KINDS
            and access.can_draft_publication(request.user, record.unit),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_record_for_user(request, pk, write=True)
    initial = {**RecordForm.initial_from(record), **services.record_detail(record)}
    form = KIND_FORMS[record.kind](
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    # The record's own unit stays choosable even when it has since ended.
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.record_update(
                    record=record,
                    by=request.user,
                    detail=form.detail(),
                    **form.common(),
                )
                _save_attachments(record, form)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The record was saved."))
            return redirect("activities:detail", pk=record.pk)
    return render(
        request,
        "activities/record_form.html",
        {
            "nav": "records",
            "form": form,
            "record": record,
            "kind": record.kind,
            "kind_label": record.get_kind_display(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_delete(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_record_for_user(request, pk, write=True)
    if request.method == "POST":
        services.record_delete(record=record, by=request.user)
        messages.success(request, _("The record was deleted."))
        return redirect("activities:list")
    return render(request, "activities/record_delete.html", {"nav": "records", "record": record})


# --- targets --------------------------------------------------------------------------------------


def _as_of(request: HttpRequest, year: int) -> dt.date:
    """The day a value is computed for: today within the plan's year, else the year's edge."""
    today = timezone.localdate()
    asked = request.GET.get("as_of", "")
    try:
        day = dt.date.fromisoformat(asked) if asked else today
    except ValueError:
        day = today
    return min(max(day, dt.date(year, 1, 1)), dt.date(year, 12, 31))


def _number(value: Decimal | int | float | None) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class MemberList:
    part: str
    label: str
    total: int
    shown: list[Any]
    visible: int

    @property
    def hidden(self) -> int:
        return self.total - self.visible


def _member_sheet(part: str, label: str, members: Iterable[Any]) -> Sheet:
    items = list(members)
    if items and isinstance(items[0], Person):
        headers = [_("Full name"), _("Position"), _("Unit")]
        rows: list[list[Cell]] = [[p.full_name, p.position, p.unit.name] for p in items]
    elif items and isinstance(items[0], Unit):
        headers = [_("Unit"), _("Kind")]
        rows = [[u.name, u.get_kind_display()] for u in items]
    else:
        headers = [_("Date"), _("Kind"), _("Title"), _("Unit")]
        rows = [[r.date, r.get_kind_display(), r.title, r.unit.name] for r in items]
    return Sheet(title=label, headers=headers, rows=rows)


def _chart_months(course: Sequence[tuple[dt.date, Any]]) -> list[str]:
    return [f"{day.month}/{day.year}" for day, _value in course]


@login_required
@require_GET
def target_detail(request: HttpRequest, target_pk: int) -> HttpResponse:
    target = _get_target_for_user(request, target_pk)
    plan = target.plan
    as_of = _as_of(request, plan.year)
    progress = selectors.target_progress(target=target, as_of=as_of)
    parts = [("numerator", _("Counted")), ("denominator", _("Out of"))]
    lists: list[MemberList] = []
    if progress is not None:
        for part, label in parts:
            members = selectors.target_members(target=target, part=part, as_of=as_of)
            scoped = _scoped(request, members)
            lists.append(
                MemberList(
                    part=part,
                    label=label,
                    total=members.count(),
                    shown=list(scoped[:MEMBERS_SHOWN]),
                    visible=scoped.count(),
                )
            )
    name = f"chi-tieu-{target.pk}"
    if _format(request):
        if progress is None:
            raise Http404(_("This target is not computed from records."))
        sheets = {
            part: _member_sheet(
                part,
                label,
                _scoped(request, selectors.target_members(target=target, part=part, as_of=as_of)),
            )
            for part, label in parts
        }
        sheets["course"] = Sheet(
            title=_("Course over the year"),
            headers=[_("Month"), _("Value")],
            rows=[[day, _number(value)] for day, value in progress.course],
        )
        return _download(request, _pick(request, sheets), name=name)
    chart: dict[str, Any] | None = None
    if progress is not None:
        datasets: list[dict[str, Any]] = [
            {
                "label": _("Value"),
                "data": [_number(value) for _day, value in progress.course],
                "borderColor": "#0b5cad",
                "tension": 0.2,
            }
        ]
        for bound, label in ((target.value, _("Target")), (target.value_max, _("Upper target"))):
            if bound is not None:
                datasets.append(
                    {
                        "label": label,
                        "data": [float(bound)] * len(progress.course),
                        "borderColor": "#b26b00",
                        "borderDash": [6, 4],
                        "pointRadius": 0,
                    }
                )
        chart = {
            "type": "line",
            "labels": _chart_months(progress.course),
            "datasets": datasets,
        }
    rule = getattr(target, "rule", None) if progress is None else None
    return render(
        request,
        "activities/target_detail.html",
        {
            "nav": "plans",
            "plan": plan,
            "target": target,
            "progress": progress,
            "rule": rule,
            "as_of": as_of,
            "lists": lists,
            "chart": chart,
            "badge": STATUS_BADGE.get(progress.status, "") if progress else "",
            "members_shown": MEMBERS_SHOWN,
        },
    )


# --- dashboards -------------------------------------------------------------------------------


def _month_chart(by_month: dict[str, list[int]], year: int) -> dict[str, Any]:
    labels = [f"{month}/{year}" for month in range(1, 13)]
    datasets = [
        {
            "label": str(RecordKind(kind).label),
            "data": counts,
            "backgroundColor": KIND_COLOURS.get(RecordKind(kind), "#5b6b7c"),
        }
        for kind, counts in by_month.items()
        if any(counts)
    ]
    return {"type": "bar", "labels": labels, "datasets": datasets, "stacked": True}


def _month_sheet(by_month: dict[str, list[int]], year: int) -> Sheet:
    headers = [_("Kind")] + [f"{month}/{year}" for month in range(1, 13)] + [_("Total")]
    rows: list[list[Cell]] = [
        [str(RecordKind(kind).label), *counts, sum(counts)] for kind, counts in by_month.items()
    ]
    return Sheet(title=_("Records by month"), headers=headers, rows=rows)


@dataclass(frozen=True)
class UnitCount:
    unit_id: int
    name: str
    by_kind: dict[str, int]
    link: bool

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())

    @property
    def cells(self) -> list[int]:
        """Counts in the order of RecordKind (the table's columns)."""
        return [self.by_kind.get(kind, 0) for kind in RecordKind.values]


def _unit_counts(
    request: HttpRequest, records: QuerySet[Record], *, group_under: Unit | None = None
) -> list[UnitCount]:
    """Records per unit and kind in one grouped query. With `group_under`, units below its
    children are counted under the child that contains them."""
    rows = (
        records.order_by()
        .values("unit_id", "unit__name", "unit__path", "kind")
        .annotate(n=Count("pk", distinct=True))
    )
    children: dict[str, Unit] = {}
    if group_under is not None:
        children = {child.path: child for child in group_under.children.all()}
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names: dict[int, tuple[str, str]] = {}
    for row in rows:
        unit_id, name, path = row["unit_id"], row["unit__name"], row["unit__path"]
        if group_under is not None:
            holder = next((c for p, c in children.items() if path.startswith(p)), None)
            if holder is None:
                unit_id, name, path = group_under.pk, group_under.name, group_under.path
            else:
                unit_id, name, path = holder.pk, holder.name, holder.path
        counts[unit_id][row["kind"]] += row["n"]
        names[unit_id] = (name, path)
    scope = access.scope_for(request.user)
    result = [
        UnitCount(
            unit_id=unit_id,
            name=names[unit_id][0],
            by_kind=dict(by_kind),
            link=scope.is_admin or any(names[unit_id][1].startswith(p) for p in scope.paths),
        )
        for unit_id, by_kind in counts.items()
    ]
    return sorted(result, key=lambda c: names[c.unit_id][1])


def _unit_sheet(counts: list[UnitCount], kinds: Sequence[tuple[str, str]]) -> Sheet:
    headers = [_("Unit"), *[str(label) for _value, label in kinds], _("Total")]
    rows: list[list[Cell]] = [
        [c.name, *[c.by_kind.get(value, 0) for value, _label in kinds], c.total] for c in counts
    ]
    return Sheet(title=_("Records by unit"), headers=headers, rows=rows)


@dataclass(frozen=True)
class TargetLine:
    target: Target
    progress: selectors.TargetProgress | None


def _target_sheet(lines: list[TargetLine]) -> Sheet:
    headers = [_("Target"), _("Value"), _("Counted"), _("Out of"), _("Status")]
    rows: list[list[Cell]] = []
    for line in lines:
        p = line.progress
        rows.append(
            [
                line.target.text,
                _number(p.value) if p else None,
                p.numerator if p else None,
                p.denominator if p else None,
                p.status_label if p else _("Not computed"),
            ]
        )
    return Sheet(title=_("Targets"), headers=headers, rows=rows)


@dataclass(frozen=True)
class TaskLine:
    task: Task
    progress: selectors.TaskProgress


def _task_sheet(lines: list[TaskLine]) -> Sheet:
    headers = [_("No."), _("Task"), _("Status"), _("Records"), _("Last record")]
    rows: list[list[Cell]] = [
        [
            line.task.number,
            line.task.title,
            line.progress.status_label,
            line.progress.records,
            line.progress.last_record,
        ]
        for line in lines
    ]
    return Sheet(title=_("Tasks"), headers=headers, rows=rows)


@login_required
@require_GET
def plan_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request, pk)
    today = timezone.localdate()
    as_of = _as_of(request, plan.year)
    targets = [
        TargetLine(target=t, progress=selectors.target_progress(target=t, as_of=as_of))
        for t in plan.targets.all()
    ]
    plan_tasks = list(plan.tasks.order_by("order", "pk"))
    progress_of = selectors.task_progress_map(tasks=plan_tasks, today=today)
    tasks = [TaskLine(task=t, progress=progress_of[t.pk]) for t in plan_tasks]
    by_month = selectors.activity_by_month(plan=plan, year=plan.year)
    # Counts per unit are the plan's progress, shown to all who see the plan; the records
    # themselves stay with their units (the list links only where the user may open them).
    plan_records = Record.objects.filter(tasks__plan=plan, date__year=plan.year)
    units = _unit_counts(request, plan_records)
    kinds = [(value, str(label)) for value, label in RecordKind.choices]
    if _format(request):
        sheets = {
            "targets": _target_sheet(targets),
            "tasks": _task_sheet(tasks),
            "months": _month_sheet(by_month, plan.year),
            "units": _unit_sheet(units, kinds),
        }
        return _download(
            request, _pick(request, sheets), name=f"bang-dieu-khien-ke-hoach-{plan.pk}"
        )
    return render(
        request,
        "activities/plan_dashboard.html",
        {
            "nav": "plans",
            "plan": plan,
            "as_of": as_of,
            "targets": [
                (line, STATUS_BADGE.get(line.progress.status, "") if line.progress else "")
                for line in targets
            ],
            "tasks": tasks,
            "chart": _month_chart(by_month, plan.year),
            "units": units,
            "kinds": kinds,
            "total": sum(sum(counts) for counts in by_month.values()),
        },
    )


@login_required
@require_GET
def unit_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _get_unit_for_user(request, pk)
    today = timezone.localdate()
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else today.year
    if not 2000 <= year <= 2100:
        year = today.year
    by_month = selectors.activity_by_month(unit=unit, year=year)
    in_year = Record.objects.filter(unit__path__startswith=unit.path, date__year=year)
    children = _unit_counts(request, in_year, group_under=unit)
    kinds = [(value, str(label)) for value, label in RecordKind.choices]
    if _format(request):
        sheets = {
            "months": _month_sheet(by_month, year),
            "units": _unit_sheet(children, kinds),
        }
        return _download(request, _pick(request, sheets), name=f"don-vi-{unit.pk}-{year}")
    recent = selectors.record_list(
        queryset=selectors.records_for_user(request.user),
        filters=RecordFilters(
            unit_id=unit.pk, date_from=dt.date(year, 1, 1), date_to=dt.date(year, 12, 31)
        ),
    )[:RECENT_SHOWN]
    totals = [
        (label, sum(by_month.get(value, [])), value)
        for value, label in kinds
        if sum(by_month.get(value, []))
    ]
    return render(
        request,
        "activities/unit_dashboard.html",
        {
            "nav": "records",
            "unit": unit,
            "year": year,
            "here": f"{reverse('activities:unit_dashboard', args=[unit.pk])}?year={year}",
            "years": list(range(today.year, today.year - 5, -1)),
            "chart": _month_chart(by_month, year),
            "totals": totals,
            "total": sum(t for _l, t, _v in totals),
            "children": children,
            "kinds": kinds,
            "recent": list(recent),
        },
    )


@login_required
@require_GET
def task_records(request: HttpRequest, pk: int) -> HttpResponse:
    """A task's records (those of the user's units) and the progress derived from all of them."""
    task = _get_task_for_user(request, pk)
    today = timezone.localdate()
    progress = selectors.task_progress(task=task, today=today)
    records = selectors.record_list(
        queryset=selectors.records_for_user(request.user), filters=RecordFilters(task_id=task.pk)
    )
    if _format(request):
        return _download(request, [_record_sheet(_iterate(records))], name=f"nhiem-vu-{task.pk}")
    page = Paginator(records, settings.KEHOACH_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/task_records.html",
        {
            "nav": "plans",
            "task": task,
            "plan": task.plan,
            "progress": progress,
            "page": page,
            "can_add": access.writable_units(request.user).exists(),
        },
    )
