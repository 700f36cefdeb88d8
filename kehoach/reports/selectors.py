"""Reads of periodic reports: who has reported, the consolidated figures, the document."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kehoach.lib.documents import OfficialDocument, Section
from kehoach.plans.models import UnitScope
from kehoach.units.models import COMMUNE_LEVEL_KINDS, Unit

from .models import Report, ReportPeriod, ReportStatus
from .services import SUMMED_FIGURES, compute_figures


def _valid_in(queryset: QuerySet[Unit], period: ReportPeriod) -> QuerySet[Unit]:
    """Units that existed at some time in the period (merged ones reported before they ended)."""
    return queryset.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=period.end),
        Q(valid_to__isnull=True) | Q(valid_to__gte=period.start),
    )


def expected_units(*, period: ReportPeriod, receiver_unit: Unit) -> list[Unit]:
    duty = period.duty
    if duty.who_scope == UnitScope.COMMUNES or duty.who is None:
        under = duty.who or receiver_unit
        queryset = Unit.objects.filter(path__startswith=under.path, kind__in=COMMUNE_LEVEL_KINDS)
        return list(_valid_in(queryset.exclude(pk=under.pk), period).order_by("sort_key"))
    return [duty.who]


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


@dataclass
class Consolidation:
    totals: dict[str, int]
    per_unit: list[tuple[Unit, dict[str, Any]]]
    table: list[list[str]]


def _table(per_unit: list[tuple[Unit, dict[str, Any]]], totals: dict[str, int]) -> list[list[str]]:
    header = [
        _("Unit"),
        _("Products"),
        _("In minority or foreign languages"),
        _("Trainings"),
        _("Attendance"),
        _("Broadcasts"),
    ]
    keys = ("products", "products_minority_or_foreign", "trainings", "attendance", "broadcasts")
    rows = [header]
    for unit, figures in per_unit:
        rows.append([unit.name, *(str(figures.get(key, 0)) for key in keys)])
    rows.append([_("Total"), *(str(totals.get(key, 0)) for key in keys)])
    return rows


def consolidate(*, period: ReportPeriod, unit: Unit) -> Consolidation:
    """The unit's own figures plus those of the accepted reports of the units below it."""
    own = compute_figures(period=period, unit=unit, subtree=False)
    accepted = (
        Report.objects.filter(
            period=period,
            status=ReportStatus.ACCEPTED,
            unit__path__startswith=unit.path,
        )
        .exclude(unit=unit)
        .select_related("unit")
        .order_by("unit__sort_key")
    )
    per_unit: list[tuple[Unit, dict[str, Any]]] = [(unit, own)]
    per_unit += [(report.unit, report.figures) for report in accepted]
    totals = {key: sum(int(f.get(key, 0)) for _u, f in per_unit) for key in SUMMED_FIGURES}
    return Consolidation(totals=totals, per_unit=per_unit, table=_table(per_unit, totals))


def _issuer_parent(unit: Unit) -> str:
    parent = unit.parent
    if unit.kind in ("district", "commune", "ward", "township", "province") or parent is None:
        return "ỦY BAN NHÂN DÂN"
    return parent.short_name or parent.name


def report_document(*, report: Report) -> OfficialDocument:
    """The report in the layout of Decree 30, with a table per unit when it consolidates others."""
    period = report.period
    plan = period.plan
    unit = report.unit
    subject = f"Kế hoạch số {plan.number}" if plan.number else plan.title
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
    below = Report.objects.filter(period=period, unit__path__startswith=unit.path).exclude(
        unit=unit
    )
    if below.filter(status=ReportStatus.ACCEPTED).exists():
        consolidation = consolidate(period=period, unit=unit)
        sections.append(Section(heading=_("FIGURES BY UNIT"), table=consolidation.table))
    receiver = period.duty.to_whom
    to_whom = receiver.name if receiver else period.duty.to_whom_as_written
    return OfficialDocument(
        issuer_parent=_issuer_parent(unit),
        issuer=unit.name,
        number="",
        type_code="BC",
        issuer_code="UBND",
        place=unit.short_name or unit.name,
        date=None,
        title_kind="BÁO CÁO",
        title=f"Kết quả thực hiện {subject} {period.label}",
        recipients_to=[to_whom] if to_whom else [],
        sections=sections,
        recipients_cc=[_("As above;"), _("Kept on file.")],
    )
