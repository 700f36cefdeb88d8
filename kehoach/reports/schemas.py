"""API shapes of report periods, completeness and reports (django-ninja schemas)."""

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from kehoach.plans.models import ReportPeriod as PeriodKind

from .models import Report, ReportEvent, ReportPeriod


class PeriodFilters(Schema):
    plan: int | None = Field(None, description="A plan id")
    year: int | None = Field(None, description="The plan's year")
    kind: PeriodKind | None = None


class PeriodOut(Schema):
    id: int
    plan_id: int
    plan_title: str
    duty_id: int
    kind: str
    kind_label: str
    label: str
    start: dt.date
    end: dt.date
    due: dt.date
    data_from: dt.date
    data_to: dt.date
    upward_due: dt.date | None
    who: str = Field(description="Who reports, as the plan writes it")
    to_whom: str = Field(description="Who receives the reports, as the plan writes it")

    @staticmethod
    def resolve_plan_title(period: ReportPeriod) -> str:
        return period.plan.title

    @staticmethod
    def resolve_kind_label(period: ReportPeriod) -> str:
        return str(period.get_kind_display())

    @staticmethod
    def resolve_who(period: ReportPeriod) -> str:
        return period.duty.who_as_written

    @staticmethod
    def resolve_to_whom(period: ReportPeriod) -> str:
        return period.duty.to_whom_as_written


class CompletenessQuery(Schema):
    receiver: int | None = Field(
        None, description="The receiving unit's id; by default the unit the duty reports to"
    )


class CompletenessRowOut(Schema):
    unit_id: int
    unit_name: str
    state: str = Field(description="on_time, late, missing, draft or returned")
    report_id: int | None
    status: str | None
    submitted_at: dt.datetime | None
    late: bool


class CompletenessOut(Schema):
    period_id: int
    receiver_id: int
    receiver_name: str
    counts: dict[str, int]
    rows: list[CompletenessRowOut]


class ReportEventOut(Schema):
    status_from: str
    status_to: str
    comment: str
    by: str | None
    at: dt.datetime

    @staticmethod
    def resolve_by(event: ReportEvent) -> str | None:
        if event.by is None:
            return None
        return event.by.get_full_name() or event.by.get_username()


class ReportOut(Schema):
    """`version` goes back with every change of the texts (optimistic locking)."""

    id: int
    period_id: int
    period_label: str
    unit_id: int
    unit_name: str
    receiver_id: int | None
    receiver_name: str | None
    status: str
    status_label: str
    due: dt.date | None
    submitted_at: dt.datetime | None
    late: bool
    version: int
    figures: dict[str, Any]
    results: str
    shortcomings: str
    proposals: str
    narrative: str
    events: list[ReportEventOut]

    @staticmethod
    def resolve_period_label(report: Report) -> str:
        return report.period.label

    @staticmethod
    def resolve_unit_name(report: Report) -> str:
        return report.unit.name

    @staticmethod
    def resolve_receiver_name(report: Report) -> str | None:
        return report.receiver.name if report.receiver else None

    @staticmethod
    def resolve_status_label(report: Report) -> str:
        return str(report.get_status_display())

    @staticmethod
    def resolve_events(report: Report) -> list[ReportEvent]:
        return list(report.events.all())


class ReportTextsIn(Schema):
    """The texts people write; only those sent change. `version` is the one the client read."""

    version: int = Field(..., ge=1)
    results: str | None = None
    shortcomings: str | None = None
    proposals: str | None = None
    narrative: str | None = None


class ReportReturnIn(Schema):
    comment: str = Field(..., description="Why the report is returned: what the unit must fix")
