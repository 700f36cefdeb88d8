"""API shapes of plans and tasks (django-ninja schemas)."""

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from .models import Assignment, AssignmentRole, Plan, Recurrence, Task, TaskStatus


class PlanOut(Schema):
    id: int
    number: str
    title: str
    issuer_id: int
    issuer_name: str
    year: int
    status: str
    issued_on: dt.date | None
    period_start: dt.date | None
    period_end: dt.date | None

    @staticmethod
    def resolve_issuer_name(plan: Plan) -> str:
        return plan.issuer_as_written or plan.issuer.name


class AssignmentOut(Schema):
    name_as_written: str
    unit_id: int | None
    scope: str


def _assignments(task: Task, role: str) -> list[AssignmentOut]:
    # .all() so the prefetch of selectors.task_list is used.
    found: list[Assignment] = [a for a in task.assignments.all() if a.role == role]
    return [
        AssignmentOut(name_as_written=a.name_as_written, unit_id=a.unit_id, scope=a.scope)
        for a in found
    ]


class TaskOut(Schema):
    id: int
    plan_id: int
    number: str
    title: str
    details: str
    time: str
    start: dt.date | None
    end: dt.date | None
    recurrence: str
    status: str
    status_label: str
    lead: list[AssignmentOut]
    support: list[AssignmentOut]
    theme_ids: list[int]

    @staticmethod
    def resolve_time(task: Task) -> str:
        return task.time_text

    @staticmethod
    def resolve_status_label(task: Task) -> str:
        return str(task.get_status_display())

    @staticmethod
    def resolve_lead(task: Task) -> list[AssignmentOut]:
        return _assignments(task, AssignmentRole.LEAD)

    @staticmethod
    def resolve_support(task: Task) -> list[AssignmentOut]:
        return _assignments(task, AssignmentRole.SUPPORT)

    @staticmethod
    def resolve_theme_ids(task: Task) -> list[int]:
        return [theme.pk for theme in task.themes.all()]


class TaskCreateIn(Schema):
    title: str
    number: str = Field("", max_length=20)
    details: str = ""
    time: str = Field("", max_length=255, description="Time as written, e.g. 'Quý II/2024'")
    start: dt.date | None = None
    end: dt.date | None = None
    recurrence: Recurrence = Recurrence.NONE
    lead_unit_ids: list[int] = []
    support_unit_ids: list[int] = []
    theme_ids: list[int] = []


class TaskPatchIn(Schema):
    """Only the fields sent are changed; `start`/`end` may be null to clear the date."""

    title: str | None = None
    details: str | None = None
    time: str | None = Field(None, max_length=255)
    start: dt.date | None = None
    end: dt.date | None = None
    theme_ids: list[int] | None = None


class TaskStatusIn(Schema):
    status: TaskStatus
    note: str = ""


StatusFilter = Literal["not_started", "in_progress", "done", "cancelled", "overdue"]
TimeFilterValue = Literal["this_month", "overdue", "next_30_days", "continuous"]


class PlanFilters(Schema):
    q: str = ""
    year: int | None = None


class TaskFilters(Schema):
    unit: int | None = None
    status: StatusFilter | None = None
    time: TimeFilterValue | None = None
    quarter: int | None = Field(None, ge=1, le=4)
    theme: int | None = None
    q: str = ""
