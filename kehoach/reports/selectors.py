"""Reads of periodic reports: who has reported, the consolidated figures, the document."""

import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.accounts.access import plan_visibility_q, scope_for
from kehoach.lib.documents import OfficialDocument, Section
from kehoach.units.models import Unit
from kehoach.units.selectors import unit_predecessor_ids

from .figures import TABLE_FIGURES, figure_labels
from .models import Report, ReportPeriod, ReportStatus
from .services import (
    ADMINISTRATIVE_KINDS,
    Consolidation,
    consolidate,
    duty_receiver,
    reporting_units,
)

__all__ = ["Consolidation", "consolidate"]


def expected_units(*, period: ReportPeriod, receiver_unit: Unit) -> list[Unit]:
    """The units whose report the receiver waits for in the period."""
    return reporting_units(period, receiver_unit)


class ReportState:
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    DRAFT = "draft"
    RETURNED = "returned"


@dataclass(frozen=True)
class CompletenessRow:
    unit: Unit
    report: Report | None
    state: str


@dataclass
class Completeness:
    rows: list[CompletenessRow]
    counts: dict[str, int] = field(default_factory=dict)


def _state(report: Report | None) -> str:
    if report is None:
        return ReportState.MISSING
    if report.status == ReportStatus.DRAFT:
        return ReportState.DRAFT
    if report.status == ReportStatus.RETURNED:
        return ReportState.RETURNED
    return ReportState.LATE if report.late else ReportState.ON_TIME


def completeness(*, period: ReportPeriod, receiver_unit: Unit) -> Completeness:
    """One row per unit expected to report, with how its report stands."""
    units = expected_units(period=period, receiver_unit=receiver_unit)
    reports = {
        report.unit_id: report
        for report in Report.objects.filter(period=period, unit__in=[u.pk for u in units])
    }
    rows = [
        CompletenessRow(unit, reports.get(unit.pk), _state(reports.get(unit.pk))) for unit in units
    ]
    counts = {
        state: sum(1 for row in rows if row.state == state)
        for state in (
            ReportState.ON_TIME,
            ReportState.LATE,
            ReportState.MISSING,
            ReportState.DRAFT,
            ReportState.RETURNED,
        )
    }
    return Completeness(rows=rows, counts=counts)


def figures_table(figures: dict[str, Any]) -> list[list[str]]:
    """The table per unit of a consolidated report, from its (frozen) figures."""
    labels = figure_labels()
    header = [_("Unit"), *(labels[key] for key in TABLE_FIGURES)]
    rows = [header]
    for row in figures.get("units", []):
        rows.append([row["unit"], *(str(row.get(key, 0)) for key in TABLE_FIGURES)])
    rows.append([_("Total"), *(str(figures.get(key, 0)) for key in TABLE_FIGURES)])
    return rows


def _is_government(unit: Unit) -> bool:
    return unit.kind in ADMINISTRATIVE_KINDS


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def addressee(unit: Unit) -> str:
    """How a report is addressed to the unit: "Ủy ban nhân dân huyện Núi Thành"."""
    if _is_government(unit):
        return f"Ủy ban nhân dân {_lower_first(unit.name)}"
    return unit.name


# Words naming the kind of a unit, dropped from the place name of the date line.
_KIND_WORDS = re.compile(
    r"^(tỉnh|thành phố|huyện|thị xã|quận|xã|phường|thị trấn|đặc khu)\s+", re.IGNORECASE
)


def place_name(unit: Unit) -> str:
    """The place of the date line (Decree 30): "Núi Thành" for huyện Núi Thành or its offices."""
    government: Unit | None = unit
    while government is not None and not _is_government(government):
        government = government.parent
    named = government or unit
    return _KIND_WORDS.sub("", named.name).strip() or named.name


def _issuer_lines(unit: Unit) -> tuple[str, str]:
    """The two lines of the issuer in the header (Decree 30): the People's Committee of a level
    of government, or an agency under the committee of its level."""
    if _is_government(unit) or unit.parent is None:
        return "ỦY BAN NHÂN DÂN", unit.name
    parent = unit.parent
    above = f"UBND {_lower_first(parent.name)}" if _is_government(parent) else parent.name
    return above, unit.name


def report_document(*, report: Report) -> OfficialDocument:
    """The report in the layout of Decree 30, with a table per unit when it consolidates others."""
    period = report.period
    plan = period.plan
    unit = report.unit
    subject = (
        f"Kế hoạch số {plan.number}" if plan.number else f"Kế hoạch {_lower_first(plan.title)}"
    )
    figures = report.figures
    sections = [
        Section(
            heading=_("I. RESULTS"),
            paragraphs=[p for p in (report.narrative, report.results) if p.strip()],
            table=[
                [_("Task"), _("Records")],
                *([t["title"], str(t["count"])] for t in figures.get("tasks", [])),
            ],
        ),
        Section(
            heading=_("II. SHORTCOMINGS AND LIMITATIONS"),
            paragraphs=[report.shortcomings] if report.shortcomings.strip() else [],
        ),
        Section(
            heading=_("III. PROPOSALS"),
            paragraphs=[report.proposals] if report.proposals.strip() else [],
        ),
    ]
    if len(figures.get("units", [])) > 1:
        sections.append(Section(heading=_("FIGURES BY UNIT"), table=figures_table(figures)))
    receiver = report.receiver
    to_whom = addressee(receiver) if receiver else period.duty.to_whom_as_written
    issuer_parent, issuer = _issuer_lines(unit)
    government = _is_government(unit)
    return OfficialDocument(
        issuer_parent=issuer_parent,
        issuer=issuer,
        signer_authority="TM. ỦY BAN NHÂN DÂN" if government else "",
        signer_title="CHỦ TỊCH" if government else "THỦ TRƯỞNG CƠ QUAN",
        number="",
        type_code="BC",
        issuer_code="UBND",
        place=place_name(unit),
        # A sent report is dated the day it was sent; a draft leaves the day to the signer.
        date=timezone.localtime(report.submitted_at).date() if report.submitted_at else None,
        title_kind="BÁO CÁO",
        title=f"Kết quả thực hiện {subject} {period.label}",
        recipients_to=[to_whom] if to_whom else [],
        sections=sections,
        recipients_cc=[_("As above;"), _("Kept on file.")],
    )


# --- for pages and the API ---------------------------------------------------------------------


def periods_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[ReportPeriod]:
    """Periods of the plans the user sees, newest first."""
    return (
        ReportPeriod.objects.filter(plan_visibility_q(user, issuer_field="plan__issuer"))
        .select_related("plan", "duty")
        .order_by("-plan__year", "start", "end", "duty__order")
    )


def reports_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Report]:
    """Reports a user may open: of the units they cover, or sent to a unit they cover."""
    scope = scope_for(user)
    return (
        Report.objects.filter(scope.subtree_q("unit__path") | scope.subtree_q("receiver__path"))
        .select_related("period", "period__plan", "unit", "receiver")
        .distinct()
    )


def report_history(unit: Unit) -> QuerySet[Report]:
    """Every report of the unit and of the units merged into it, newest period first: reports
    sent before a merger stay with the old unit and show under its successor."""
    return (
        Report.objects.filter(unit_id__in=unit_predecessor_ids(unit))
        .select_related("period", "period__plan", "unit")
        .order_by("-period__start", "unit__sort_key")
    )


def receivers_for_user(user: AbstractBaseUser | AnonymousUser, period: ReportPeriod) -> list[Unit]:
    """Units the user covers that receive reports in the period: the duty's receiver and any
    unit that reports have been sent to."""
    scope = scope_for(user)
    candidates: dict[int, Unit] = {}
    receiver = duty_receiver(period)
    if receiver is not None:
        candidates[receiver.pk] = receiver
    for unit in Unit.objects.filter(
        pk__in=Report.objects.filter(period=period).values("receiver_id")
    ):
        candidates.setdefault(unit.pk, unit)
    return sorted(
        (unit for unit in candidates.values() if scope.covers(unit)), key=lambda u: u.sort_key
    )
