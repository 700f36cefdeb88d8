"""Web pages of plans: the list, a plan's home page, its document, its tasks and their status."""

import csv
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kehoach.accounts import access
from kehoach.lib.vndates import date_short
from kehoach.units.models import Unit

from . import importing, selectors, services
from .extensions import TargetValue, target_values
from .forms import TaskFilterForm, TaskForm, TaskStatusForm
from .models import (
    Assignment,
    AssignmentRole,
    Convention,
    Plan,
    Target,
    Task,
    TaskEvent,
    TaskStatus,
    Theme,
    UnitScope,
)


def _get_plan_for_user(request: HttpRequest, pk: int, write: bool = False) -> Plan:
    """The plan if the user may see it (404 otherwise); with write, 403 unless they manage it."""
    plan = (
        selectors.plans_for_user(request.user)
        .select_related("implements__issuer")
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise Http404(_("No such plan."))
    if write and not selectors.can_edit_plan(request.user, plan):
        raise PermissionDenied(_("Only the plan's managers may change it."))
    return plan


def _get_task_for_user(request: HttpRequest, pk: int, write: bool = False) -> Task:
    """The task if the user may see its plan (404 otherwise); with write, 403 unless they may
    change its status (plan managers, or staff of a unit named as its lead)."""
    task = selectors.task_for_user(request.user, pk)
    if task is None:
        raise Http404(_("No such task."))
    if write and not selectors.can_change_task(request.user, task):
        raise PermissionDenied(_("You may not change the status of this task."))
    return task


def _is_htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


@dataclass(frozen=True)
class UnitRef:
    """A unit as the plan writes it, with the resolved unit when the user may open it."""

    assignment: Assignment
    link: bool

    @property
    def unresolved(self) -> bool:
        return self.assignment.unit_id is None

    @property
    def is_group(self) -> bool:
        return self.assignment.scope != UnitScope.UNIT


@dataclass(frozen=True)
class TaskRow:
    task: Task
    overdue: bool
    lead: list[Assignment]
    support: list[Assignment]


def _task_rows(tasks: list[Task], today: dt.date) -> list[TaskRow]:
    rows = []
    for task in tasks:
        assignments = list(task.assignments.all())
        rows.append(
            TaskRow(
                task=task,
                overdue=task.is_overdue(today),
                lead=[a for a in assignments if a.role == AssignmentRole.LEAD],
                support=[a for a in assignments if a.role == AssignmentRole.SUPPORT],
            )
        )
    return rows


def _amount(value: Decimal) -> str:
    plain = int(value) if value == value.to_integral_value() else value.normalize()
    return number_format(plain, use_l10n=True)


@dataclass(frozen=True)
class TargetRow:
    target: Target
    amount: str  # "100 %", "15–20 %", "" when the target is qualitative
    computed: TargetValue | None = None  # from records, where an app computes it


def _target_rows(
    targets: list[Target], values: dict[int, TargetValue] | None = None
) -> list[TargetRow]:
    rows = []
    for target in targets:
        amount = ""
        if target.value is not None:
            amount = _amount(target.value)
            if target.value_max is not None:
                amount += "–" + _amount(target.value_max)
            if target.unit_of_measure:
                amount += " " + target.unit_of_measure
        rows.append(TargetRow(target=target, amount=amount, computed=(values or {}).get(target.pk)))
    return rows


def _conventions_of(themes: Sequence[Theme]) -> list[Convention]:
    seen: dict[int, Convention] = {}
    for theme in themes:
        for convention in theme.conventions.all():
            seen.setdefault(convention.pk, convention)
    return sorted(seen.values(), key=lambda c: (c.order, c.abbr))


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    visible = selectors.plans_for_user(request.user)
    years = sorted(set(visible.values_list("year", flat=True)), reverse=True)
    query = request.GET.get("q", "").strip()
    year = request.GET.get("year", "")
    plans = selectors.plan_search(visible, query)
    if year.isdigit():
        plans = plans.filter(year=int(year))
    plans = selectors.plans_with_task_counts(plans, today=today)
    page = Paginator(plans, settings.KEHOACH_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/plan_list.html",
        {
            "nav": "plans",
            "page": page,
            "query": query,
            "year": int(year) if year.isdigit() else None,
            "years": years,
            "can_import": importing.manages_some_unit(request.user),
        },
    )


@login_required
@require_GET
def plan_home(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request, pk)
    today = timezone.localdate()
    dashboard = selectors.plan_dashboard(plan=plan, today=today)
    themes = list(plan.themes.annotate(n_tasks=Count("tasks")).prefetch_related("conventions"))
    status_rows = [
        (value, label, dashboard.status_counts.get(value, 0)) for value, label in TaskStatus.choices
    ]
    implements = plan.implements
    return render(
        request,
        "plans/plan_home.html",
        {
            "nav": "plans",
            "plan": plan,
            "today": today,
            "dashboard": dashboard,
            "status_rows": status_rows,
            "overdue_rows": _task_rows(dashboard.overdue, today),
            "due_rows": _task_rows(dashboard.due_this_month, today),
            "reporting": [(duty, day, day < today) for duty, day in dashboard.reporting_due],
            "targets": _target_rows(list(plan.targets.all()), target_values(plan, today)),
            "themes": themes,
            "conventions": _conventions_of(themes),
            "implements_visible": bool(
                implements and access.can_read_plan_of(request.user, implements.issuer)
            ),
            "can_edit": selectors.can_edit_plan(request.user, plan),
        },
    )


@login_required
@require_GET
def plan_document(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request, pk)
    today = timezone.localdate()
    targets = list(plan.targets.all())
    tasks = list(selectors.task_list(plan=plan, filters=selectors.TaskFilters(), today=today))
    themes = list(plan.themes.prefetch_related("conventions"))
    referenced = {t.source_line for t in targets if t.source_line} | {
        t.source_line for t in tasks if t.source_line
    }
    return render(
        request,
        "plans/plan_document.html",
        {
            "nav": "plans",
            "plan": plan,
            "targets": _target_rows(targets),
            "task_rows": _task_rows(tasks, today),
            "themes": themes,
            "duties": list(plan.unit_duties.select_related("unit")),
            "reporting": list(plan.reporting_duties.all()),
            "source_lines": plan.source_text.splitlines(),
            "referenced": referenced,
        },
    )


@login_required
@require_GET
def task_list(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request, pk)
    today = timezone.localdate()
    form = TaskFilterForm(request.GET, plan=plan)
    filters = form.filters()
    tasks = selectors.task_list(plan=plan, filters=filters, today=today)
    page = Paginator(tasks, settings.KEHOACH_PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = any(
        [filters.unit_id, filters.status, filters.time, filters.quarter, filters.theme_id]
    ) or bool(filters.query)
    context = {
        "nav": "plans",
        "plan": plan,
        "form": form,
        "page": page,
        "rows": _task_rows(list(page.object_list), today),
        "filtered": filtered,
        "selected_unit": filters.unit_id,
        "can_edit": selectors.can_edit_plan(request.user, plan),
    }
    if _is_htmx(request):
        return render(request, "plans/task_list.html#task-table", context)
    # A province plan offers thousands of communes: plain rows render far faster than widgets.
    context["unit_options"] = list(
        form.fields["unit"].queryset.values_list("pk", "name")  # type: ignore[attr-defined]
    )
    return render(request, "plans/task_list.html", context)


@login_required
@require_GET
def task_list_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The filtered task list as CSV (UTF-8 with BOM so spreadsheet programs read the marks)."""
    plan = _get_plan_for_user(request, pk)
    today = timezone.localdate()
    filters = TaskFilterForm(request.GET, plan=plan).filters()
    tasks = selectors.task_list(plan=plan, filters=filters, today=today)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-tasks.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Number"),
            _("Task"),
            _("Lead units"),
            _("Coordinating units"),
            _("Time as written"),
            _("Start"),
            _("End"),
            _("Status"),
            _("Overdue"),
            _("Themes"),
        ]
    )
    for row in _task_rows(list(tasks), today):
        task = row.task
        writer.writerow(
            [
                task.number,
                task.title,
                "; ".join(a.name_as_written for a in row.lead),
                "; ".join(a.name_as_written for a in row.support),
                task.time_text,
                date_short(task.start) if task.start else "",
                date_short(task.end) if task.end else "",
                task.get_status_display(),
                _("Yes") if row.overdue else "",
                "; ".join(theme.short_title for theme in task.themes.all()),
            ]
        )
    return response


def _unit_refs(request: HttpRequest, task: Task, role: str) -> list[UnitRef]:
    return [
        UnitRef(
            assignment=a,
            link=bool(a.unit and access.can_read_unit(request.user, a.unit)),
        )
        for a in task.assignments.all()
        if a.role == role
    ]


def _status_context(
    request: HttpRequest, task: Task, form: TaskStatusForm | None = None
) -> dict[str, object]:
    return {
        "task": task,
        "today": timezone.localdate(),
        "overdue": task.is_overdue(timezone.localdate()),
        "events": list(TaskEvent.objects.filter(task=task).select_related("by")),
        "can_change": selectors.can_change_task(request.user, task),
        "status_form": form or TaskStatusForm(initial={"status": task.status}),
    }


@login_required
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = _get_task_for_user(request, pk)
    return render(
        request,
        "plans/task_detail.html",
        {
            "nav": "plans",
            "plan": task.plan,
            "lead": _unit_refs(request, task, AssignmentRole.LEAD),
            "support": _unit_refs(request, task, AssignmentRole.SUPPORT),
            "can_edit": selectors.can_edit_plan(request.user, task.plan),
            **_status_context(request, task),
        },
    )


@login_required
@require_POST
def task_status(request: HttpRequest, pk: int) -> HttpResponse:
    task = _get_task_for_user(request, pk, write=True)
    form = TaskStatusForm(request.POST)
    changed = False
    if form.is_valid():
        try:
            services.task_set_status(
                task=task,
                status=form.cleaned_data["status"],
                by=request.user,  # type: ignore[arg-type]
                note=form.cleaned_data["note"],
            )
            changed = True
        except ValidationError as error:
            form.add_error(None, error)
    if changed:
        task = _get_task_for_user(request, pk)  # reload: status and history changed
    if _is_htmx(request):
        context = _status_context(request, task, None if changed else form)
        context["changed"] = changed
        return render(request, "plans/task_detail.html#task-status", context)
    if changed:
        messages.success(request, _("The status of the task was changed."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
    return redirect("plans:task", pk=task.pk)


def _units(form: TaskForm, name: str) -> list[Unit]:
    return list(form.cleaned_data.get(name) or [])


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request, pk, write=True)
    form = TaskForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.task_create(
                plan=plan,
                data={
                    "number": data["number"],
                    "title": data["title"],
                    "details": data["details"],
                    "time": data["time_text"],
                    "start": data["start"],
                    "end": data["end"],
                    "recurrence": data["recurrence"],
                },
                themes=list(data["themes"]),
                lead_units=_units(form, "lead_units"),
                support_units=_units(form, "support_units"),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The task was added to the plan."))
            return redirect("plans:task", pk=task.pk)
    return render(
        request,
        "plans/task_form.html",
        {"nav": "plans", "plan": plan, "form": form, "task": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = _get_task_for_user(request, pk)
    plan = task.plan
    if not selectors.can_edit_plan(request.user, plan):
        raise PermissionDenied(_("Only the plan's managers may edit its tasks."))
    form = TaskForm(request.POST or None, plan=plan, task=task)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.task_update(
                task=task,
                number=data["number"],
                title=data["title"],
                details=data["details"],
                time_text=data["time_text"],
                clear_dates=True,
                start=data["start"],
                end=data["end"],
                recurrence=data["recurrence"],
                themes=list(data["themes"]),
                lead_units=_units(form, "lead_units"),
                support_units=_units(form, "support_units"),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The task was saved."))
            return redirect("plans:task", pk=task.pk)
    kept = [a for a in task.assignments.all() if a.unit_id is None or a.scope != UnitScope.UNIT]
    return render(
        request,
        "plans/task_form.html",
        {"nav": "plans", "plan": plan, "form": form, "task": task, "kept": kept},
    )


@login_required
@require_GET
def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan as JSON (the importer's format), as a download."""
    plan = _get_plan_for_user(request, pk)
    body = json.dumps(selectors.plan_export(plan=plan), ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}.json"'
    return response
