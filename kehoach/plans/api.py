"""JSON API of plans and tasks: reading what a user sees, adding and editing tasks, status."""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from kehoach.accounts.api import ERROR_RESPONSES, api_user, patch_changes
from kehoach.lib.pagination import PageNumberPagination
from kehoach.units.api import readable_units_by_id

from . import selectors, services
from .models import Plan, Task, Theme
from .schemas import (
    PlanFilters,
    PlanOut,
    TaskCreateIn,
    TaskFilters,
    TaskOut,
    TaskPatchIn,
    TaskStatusIn,
)

router = Router(tags=["plans"])


def _get_plan_for_user(request: HttpRequest, plan_id: int, *, write: bool = False) -> Plan:
    """404 for a plan the user cannot see; 403 for a write to a plan they only read."""
    user = api_user(request)
    plan = selectors.plans_for_user(user).filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    if write and not selectors.can_edit_plan(user, plan):
        raise PermissionDenied
    return plan


def _get_task_for_user(request: HttpRequest, task_id: int, *, write: bool = False) -> Task:
    """Like _get_plan_for_user; `write` means editing the task's fields (plan managers)."""
    user = api_user(request)
    task = selectors.task_for_user(user, task_id)
    if task is None:
        raise Http404
    if write and not selectors.can_edit_plan(user, task.plan):
        raise PermissionDenied
    return task


def _themes_of(plan: Plan, ids: Sequence[int]) -> list[Theme]:
    found = plan.themes.in_bulk(list(ids))
    missing = [theme_id for theme_id in ids if theme_id not in found]
    if missing:
        raise ValidationError(
            {
                "theme_ids": [
                    _("No theme with id %(id)s in this plan.") % {"id": theme_id}
                    for theme_id in missing
                ]
            }
        )
    return [found[theme_id] for theme_id in ids]


def _fresh(task: Task) -> Task:
    """Reload a task with what TaskOut reads (after a write changed it)."""
    return Task.objects.prefetch_related("assignments", "themes").get(pk=task.pk)


@router.get("/plans", response={200: list[PlanOut], **ERROR_RESPONSES})
@paginate(PageNumberPagination, page_size=settings.KEHOACH_PAGE_SIZE)
def plan_list(request: HttpRequest, filters: Query[PlanFilters]) -> QuerySet[Plan]:
    plans = selectors.plans_for_user(api_user(request))
    if filters.year is not None:
        plans = plans.filter(year=filters.year)
    return selectors.plan_search(plans, filters.q).order_by("-year", "-issued_on", "-pk")


@router.get("/plans/{plan_id}", response={200: dict[str, Any], **ERROR_RESPONSES})
def plan_detail(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    """The whole plan in the JSON format of the importer (targets, themes, tasks, duties)."""
    return selectors.plan_export(plan=_get_plan_for_user(request, plan_id))


@router.get("/plans/{plan_id}/tasks", response={200: list[TaskOut], **ERROR_RESPONSES})
@paginate(PageNumberPagination, page_size=settings.KEHOACH_PAGE_SIZE)
def plan_tasks(request: HttpRequest, plan_id: int, filters: Query[TaskFilters]) -> QuerySet[Task]:
    """The tasks of a plan, filtered like the web task list."""
    plan = _get_plan_for_user(request, plan_id)
    return selectors.task_list(
        plan=plan,
        filters=selectors.TaskFilters(
            unit_id=filters.unit,
            status=filters.status or "",
            time=filters.time or "",
            quarter=filters.quarter,
            theme_id=filters.theme,
            query=filters.q,
        ),
        today=timezone.localdate(),
    )


@router.post("/plans/{plan_id}/tasks", response={201: TaskOut, **ERROR_RESPONSES})
def task_add(request: HttpRequest, plan_id: int, payload: TaskCreateIn) -> Status[Task]:
    plan = _get_plan_for_user(request, plan_id, write=True)
    user = api_user(request)
    # Every id is checked before the service writes anything.
    lead = readable_units_by_id(user, payload.lead_unit_ids, field="lead_unit_ids")
    support = readable_units_by_id(user, payload.support_unit_ids, field="support_unit_ids")
    themes = _themes_of(plan, payload.theme_ids)
    task = services.task_create(
        plan=plan,
        data={
            "title": payload.title,
            "number": payload.number,
            "details": payload.details,
            "time": payload.time,
            "start": payload.start,
            "end": payload.end,
            "recurrence": payload.recurrence,
        },
        lead_units=lead,
        support_units=support,
        themes=themes,
    )
    return Status(201, _fresh(task))


@router.get("/tasks/{task_id}", response={200: TaskOut, **ERROR_RESPONSES})
def task_detail(request: HttpRequest, task_id: int) -> Task:
    return _get_task_for_user(request, task_id)


@router.patch("/tasks/{task_id}", response={200: TaskOut, **ERROR_RESPONSES})
def task_change(request: HttpRequest, task_id: int, payload: TaskPatchIn) -> Task:
    task = _get_task_for_user(request, task_id, write=True)
    changes = patch_changes(payload, nullable=frozenset({"start", "end"}))
    # task_update clears both dates at once; keep the one the client did not send.
    clear = any(name in changes and changes[name] is None for name in ("start", "end"))
    theme_ids = changes.get("theme_ids")
    services.task_update(
        task=task,
        title=changes.get("title"),
        details=changes.get("details"),
        time_text=changes.get("time"),
        clear_dates=clear,
        start=changes.get("start", task.start),
        end=changes.get("end", task.end),
        themes=_themes_of(task.plan, theme_ids) if theme_ids is not None else None,
    )
    return _fresh(task)


@router.post("/tasks/{task_id}/status", response={200: TaskOut, **ERROR_RESPONSES})
def task_status(request: HttpRequest, task_id: int, payload: TaskStatusIn) -> Task:
    """Change a task's status with a note; lead units may do this, not only plan managers."""
    task = _get_task_for_user(request, task_id)
    user = api_user(request)
    if not selectors.can_change_task(user, task):
        raise PermissionDenied
    services.task_set_status(task=task, status=payload.status, by=user, note=payload.note)
    return _fresh(task)
