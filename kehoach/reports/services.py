"""Writes of periodic reports: periods from the plan's duties, opening, saving and the workflow.

Draft → submitted → accepted, or submitted → returned → submitted again. Every transition is a
ReportEvent, so a report returned and resubmitted keeps its whole history.
"""

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kehoach.accounts.models import RoleAssignment
from kehoach.activities.models import Notification, NotificationKind
from kehoach.activities.reminders import notifications_mail
from kehoach.audit.services import update_logged
from kehoach.lib.vndates import date_long
from kehoach.plans.models import Plan, ReportingDuty, UnitScope
from kehoach.plans.models import ReportPeriod as PeriodKind
from kehoach.units.models import COMMUNE_LEVEL_KINDS, Unit

from .figures import TABLE_FIGURES, compute_figures, sum_figures
from .models import DataCutoff, Report, ReportEvent, ReportPeriod, ReportStatus

TEXT_FIELDS = ("results", "shortcomings", "proposals", "narrative")
TRANSITIONS: dict[str, set[str]] = {
    ReportStatus.DRAFT: {ReportStatus.SUBMITTED},
    ReportStatus.SUBMITTED: {ReportStatus.RETURNED, ReportStatus.ACCEPTED},
    ReportStatus.RETURNED: {ReportStatus.SUBMITTED},
    ReportStatus.ACCEPTED: set(),
}
ROMAN = ("I", "II", "III", "IV")
# Levels of government: a unit's consolidated report goes to the nearest one above it.
ADMINISTRATIVE_KINDS = frozenset({"province", "city", "district", "town"}) | COMMUNE_LEVEL_KINDS


# --- periods -----------------------------------------------------------------------------------


def _month_shift(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _day_in(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _month_end(year: int, month: int) -> dt.date:
    return _day_in(year, month, 31)


def data_window(
    *, kind: str, start: dt.date, end: dt.date, due: dt.date
) -> tuple[dt.date, dt.date]:
    """The records a period counts, by the DataCutoff rule of its kind, closed by the due date."""
    rule = DataCutoff.objects.filter(period_kind=kind).first()
    if rule is None or not rule.day:
        return start, min(end, due)
    year, month = _month_shift(start.year, start.month, -1)
    data_from = dt.date(year, month, rule.day)
    data_to = dt.date(end.year, end.month, rule.day - 1)
    return data_from, min(data_to, due)


@dataclass(frozen=True)
class Window:
    label: str
    start: dt.date
    end: dt.date
    due: dt.date


def _due_day(duty: ReportingDuty) -> int | None:
    if not duty.due:
        return None
    return int(duty.due.split("-")[1])


def _after(year: int, month: int, day: int) -> dt.date:
    """The due date of a period ending with `month`: that month's `day`, or the next month's when
    the day falls before the data of the month is closed (the 15th)."""
    if day < 15:
        year, month = _month_shift(year, month, 1)
    return _day_in(year, month, day)


def duty_windows(duty: ReportingDuty, year: int) -> list[Window]:
    """The periods a duty calls for in a year: none for ad hoc reports or a duty with no due day."""
    day = _due_day(duty)
    if day is None:
        return []
    if duty.period in (PeriodKind.HALF_YEAR, PeriodKind.YEAR):
        due = duty.due_date(year)
        if due is None:
            return []
        if duty.period == PeriodKind.YEAR:
            # A yearly report due before 31 December covers the year up to its due date.
            return [
                Window(f"năm {year}", dt.date(year, 1, 1), min(dt.date(year, 12, 31), due), due)
            ]
        if due.month <= 9:
            return [
                Window(f"6 tháng đầu năm {year}", dt.date(year, 1, 1), dt.date(year, 6, 30), due)
            ]
        return [Window(f"6 tháng cuối năm {year}", dt.date(year, 7, 1), dt.date(year, 12, 31), due)]
    if duty.period == PeriodKind.QUARTER:
        return [
            Window(
                f"quý {ROMAN[q]} năm {year}",
                dt.date(year, 3 * q + 1, 1),
                _month_end(year, 3 * q + 3),
                _after(year, 3 * q + 3, day),
            )
            for q in range(4)
        ]
    if duty.period == PeriodKind.MONTH:
        return [
            Window(
                f"tháng {month} năm {year}",
                dt.date(year, month, 1),
                _month_end(year, month),
                _after(year, month, day),
            )
            for month in range(1, 13)
        ]
    return []


def _period_save(period: ReportPeriod, window: Window) -> None:
    period.label, period.due = window.label, window.due
    period.data_from, period.data_to = data_window(
        kind=period.kind, start=window.start, end=window.end, due=window.due
    )


@transaction.atomic
def periods_generate(*, plan: Plan) -> list[ReportPeriod]:
    """The periods of the plan's reporting duties in the plan's year; idempotent.

    Periods nobody has sent a report for yet follow changes of the duties and of the data
    cut-off rules; the others keep the dates their reports were sent under.
    """
    periods: list[ReportPeriod] = []
    for duty in plan.reporting_duties.exclude(period="").order_by("order"):
        for window in duty_windows(duty, plan.year):
            period = ReportPeriod.objects.filter(
                duty=duty, start=window.start, end=window.end
            ).first()
            if period is None:
                period = ReportPeriod(
                    plan=plan, duty=duty, kind=duty.period, start=window.start, end=window.end
                )
            elif period.reports.exclude(status=ReportStatus.DRAFT).exists():
                periods.append(period)
                continue
            _period_save(period, window)
            period.save()
            periods.append(period)
    return periods


@transaction.atomic
def period_create_ad_hoc(
    *, plan: Plan, duty: ReportingDuty, label: str, start: dt.date, end: dt.date, due: dt.date
) -> ReportPeriod:
    """An ad hoc (đột xuất) report asked of a duty's units, counting records from start to end."""
    label = label.strip()
    errors: dict[str, str] = {}
    if duty.plan_id != plan.pk:
        errors["duty"] = _("This reporting duty belongs to another plan.")
    if not label:
        errors["label"] = _("Give the report a name.")
    if end < start:
        errors["end"] = _("The period ends before it starts.")
    if due < start:
        errors["due"] = _("The due date is before the period starts.")
    if errors:
        raise ValidationError(errors)
    if ReportPeriod.objects.filter(duty=duty, start=start, end=end).exists():
        raise ValidationError(
            {"start": _("This duty already has a report for exactly these dates.")}
        )
    data_from, data_to = data_window(kind=PeriodKind.AD_HOC, start=start, end=end, due=due)
    return ReportPeriod.objects.create(
        plan=plan,
        duty=duty,
        kind=PeriodKind.AD_HOC,
        label=label,
        start=start,
        end=end,
        due=due,
        data_from=data_from,
        data_to=data_to,
    )


# --- who reports to whom -----------------------------------------------------------------------


def _valid_on(day: dt.date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def reporters(period: ReportPeriod) -> list[Unit]:
    """The units the period's duty asks to report: those that exist at the period's end, so a
    commune merged during the period reports through the commune that succeeded it."""
    duty = period.duty
    if duty.who is None:
        return []
    if duty.who_scope == UnitScope.UNIT:
        return [duty.who]
    under = Unit.objects.filter(path__startswith=duty.who.path).exclude(pk=duty.who.pk)
    if duty.who_scope == UnitScope.COMMUNES:
        under = under.filter(kind__in=COMMUNE_LEVEL_KINDS)
    else:
        under = under.filter(parent=duty.who)
    return list(under.filter(_valid_on(period.end)).order_by("sort_key"))


def duty_receiver(period: ReportPeriod) -> Unit | None:
    """Where the duty's reports go: the unit named as receiver, else the unit that groups the
    reporters, else the level above the reporting unit."""
    duty = period.duty
    if duty.to_whom is not None:
        return duty.to_whom
    if duty.who is not None and duty.who_scope != UnitScope.UNIT:
        return duty.who
    return administrative_parent(duty.who) if duty.who is not None else None


def is_reporter(period: ReportPeriod, unit: Unit) -> bool:
    duty = period.duty
    if duty.who is None:
        return False
    if duty.who_scope == UnitScope.UNIT:
        return unit.pk == duty.who_id
    if unit.pk == duty.who_id or not unit.path.startswith(duty.who.path):
        return False
    if duty.who_scope == UnitScope.COMMUNES and unit.kind not in COMMUNE_LEVEL_KINDS:
        return False
    if duty.who_scope == UnitScope.ALL_BODIES and unit.parent_id != duty.who_id:
        return False
    return Unit.objects.filter(_valid_on(period.end), pk=unit.pk).exists()


def administrative_parent(unit: Unit) -> Unit | None:
    """The nearest level of government above the unit (an office reports to its district)."""
    ancestor_ids = [int(part) for part in unit.path.strip("/").split("/")[:-1]]
    return (
        Unit.objects.filter(pk__in=ancestor_ids, kind__in=ADMINISTRATIVE_KINDS)
        .order_by("-depth")
        .first()
    )


def report_receiver(period: ReportPeriod, unit: Unit) -> Unit | None:
    """Who receives the unit's report for the period: the duty's receiver for the units it asks
    to report; for any other unit (a receiver sending its consolidated report upward), the level
    of government above it."""
    if is_reporter(period, unit):
        return duty_receiver(period)
    return administrative_parent(unit)


# --- figures -----------------------------------------------------------------------------------


@dataclass
class Consolidation:
    totals: dict[str, Any]
    per_unit: list[tuple[Unit, dict[str, Any]]]


def reporting_units(period: ReportPeriod, receiver: Unit) -> list[Unit]:
    """Units whose reports the receiver consolidates: those the duty sends to it, and any other
    that has sent it a report for the period."""
    units = {u.pk: u for u in reporters(period)} if duty_receiver(period) == receiver else {}
    # Only the units: the reports' figures are read once, by consolidate().
    sent = (
        Report.objects.filter(period=period, receiver=receiver)
        .exclude(unit_id__in=list(units))
        .values("unit_id")
    )
    for unit in Unit.objects.filter(pk__in=sent):
        units.setdefault(unit.pk, unit)
    units.pop(receiver.pk, None)
    return sorted(units.values(), key=lambda u: u.sort_key)


def _own_unit_ids(receiver: Unit, reporting: list[Unit]) -> list[int]:
    """The receiver's subtree without the subtrees of the units that report to it."""
    reporting_ids = {u.pk for u in reporting}
    own: list[int] = []
    for pk, path in Unit.objects.filter(path__startswith=receiver.path).values_list("pk", "path"):
        if not reporting_ids.intersection(int(part) for part in path.strip("/").split("/")):
            own.append(pk)
    return own


def consolidate(*, period: ReportPeriod, unit: Unit) -> Consolidation:
    """The unit's own records (its subtree without the units reporting to it) summed with the
    accepted reports it has received for the period, with the figures of each unit."""
    reporting = reporting_units(period, unit)
    own = compute_figures(period=period, unit=unit, only_unit_ids=_own_unit_ids(unit, reporting))
    accepted = (
        Report.objects.filter(period=period, receiver=unit, status=ReportStatus.ACCEPTED)
        .select_related("unit")
        .order_by("unit__sort_key")
    )
    per_unit: list[tuple[Unit, dict[str, Any]]] = [(unit, own)]
    per_unit += [(report.unit, report.figures) for report in accepted]
    return Consolidation(totals=sum_figures(f for _u, f in per_unit), per_unit=per_unit)


def consolidates(period: ReportPeriod, unit: Unit) -> bool:
    """True when the unit receives reports for the period, so its report sums theirs."""
    return (
        duty_receiver(period) == unit
        or Report.objects.filter(period=period, receiver=unit).exists()
    )


def report_figures(*, period: ReportPeriod, unit: Unit) -> dict[str, Any]:
    """A report's figures: from the unit's records, or consolidated when the unit receives
    reports, with a row per unit (frozen with the rest at submission)."""
    if not consolidates(period, unit):
        return compute_figures(period=period, unit=unit)
    consolidation = consolidate(period=period, unit=unit)
    figures = dict(consolidation.totals)
    figures["units"] = [
        {
            "unit_id": each.pk,
            "unit": each.name,
            **{key: int(f.get(key, 0) or 0) for key in TABLE_FIGURES},
        }
        for each, f in consolidation.per_unit
    ]
    return figures


def _site_language_narrative(figures: dict[str, Any]) -> str:
    # The narrative goes into an official document: written in the site's language (Vietnamese),
    # whatever language the person opening the report reads the app in.
    with translation.override(settings.LANGUAGE_CODE):
        return draft_narrative(figures)


def draft_narrative(figures: dict[str, Any]) -> str:
    """Sentences built from the figures; staff edit them before submitting."""
    sentences = [
        _(
            "During the period, the unit produced %(products)s communication products, of which "
            "%(minority)s were in an ethnic minority or foreign language and %(digital)s were "
            "published on digital platforms."
        )
        % {
            "products": figures.get("products", 0),
            "minority": figures.get("products_minority_or_foreign", 0),
            "digital": figures.get("products_digital", 0),
        },
        _("It organised %(trainings)s training courses with %(attendance)s attendances.")
        % {"trainings": figures.get("trainings", 0), "attendance": figures.get("attendance", 0)},
        _("It broadcast %(broadcasts)s programmes, aired %(times)s times in all.")
        % {
            "broadcasts": figures.get("broadcasts", 0),
            "times": figures.get("broadcast_times", 0),
        },
    ]
    if len(figures.get("units", [])) > 1:
        sentences.append(
            _("These figures add up the accepted reports of %(count)s units and the unit's own.")
            % {"count": len(figures["units"]) - 1}
        )
    return " ".join(sentences)


# --- reports -----------------------------------------------------------------------------------


def _event(
    report: Report, status_from: str, status_to: str, by: User | None, comment: str = ""
) -> None:
    ReportEvent.objects.create(
        report=report, status_from=status_from, status_to=status_to, by=by, comment=comment
    )


@transaction.atomic
def report_open(*, period: ReportPeriod, unit: Unit, by: User | None) -> Report:
    """The unit's report for the period, created pre-filled the first time."""
    existing = Report.objects.filter(period=period, unit=unit).first()
    if existing is not None:
        return existing
    reporting = is_reporter(period, unit)
    figures = report_figures(period=period, unit=unit)
    report = Report.objects.create(
        period=period,
        unit=unit,
        receiver=duty_receiver(period) if reporting else administrative_parent(unit),
        due=period.due if reporting else period.upward_due,
        figures=figures,
        narrative=_site_language_narrative(figures),
    )
    _event(report, "", ReportStatus.DRAFT, by)
    return report


def _editable(report: Report) -> None:
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise ValidationError(
            _("This report has been submitted; it can no longer be changed."), code="frozen"
        )


def report_refresh(*, report: Report) -> Report:
    """Figures follow the records until the report is submitted."""
    _editable(report)
    report.figures = report_figures(period=report.period, unit=report.unit)
    report.save(update_fields=["figures", "updated_at"])
    return report


@transaction.atomic
def report_save(*, report: Report, by: User | None, version: int, **texts: str) -> Report:
    """Save the texts people write, refusing a save started from an older version."""
    unknown = set(texts) - set(TEXT_FIELDS)
    if unknown:
        raise ValueError(f"not a text of a report: {sorted(unknown)}")
    _editable(report)
    before = Report.objects.get(pk=report.pk)
    updated = Report.objects.filter(pk=report.pk, version=version).update(
        **texts, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise ValidationError(
            _(
                "The report has been updated by someone else since you opened it. "
                "Reload it and make your changes again."
            ),
            code="stale",
        )
    report.refresh_from_db()
    update_logged(before=before, after=report)  # a conditional UPDATE: auditlog does not see it
    return report


def _move(report: Report, to: str, by: User | None, comment: str = "") -> tuple[str, Report]:
    if to not in TRANSITIONS[report.status]:
        raise ValidationError(
            _("A report that is %(current)s cannot become %(new)s.")
            % {
                "current": ReportStatus(report.status).label,
                "new": ReportStatus(to).label,
            },
            code="transition",
        )
    previous = report.status
    report.status = to
    return previous, report


@transaction.atomic
def report_submit(*, report: Report, by: User | None) -> Report:
    """Freeze the figures as they are now and mark the report late after the due date."""
    previous, report = _move(report, ReportStatus.SUBMITTED, by)
    report.figures = report_figures(period=report.period, unit=report.unit)
    report.submitted_at = timezone.now()
    report.late = report.due is not None and timezone.localdate() > report.due
    report.version += 1
    report.save()
    _event(report, previous, ReportStatus.SUBMITTED, by)
    return report


@transaction.atomic
def report_return(*, report: Report, by: User | None, comment: str) -> Report:
    comment = comment.strip()
    if not comment:
        raise ValidationError(
            _("Say why the report is returned, so the unit knows what to fix."), code="comment"
        )
    previous, report = _move(report, ReportStatus.RETURNED, by)
    report.version += 1
    report.save()
    _event(report, previous, ReportStatus.RETURNED, by, comment)
    return report


@transaction.atomic
def report_accept(*, report: Report, by: User | None) -> Report:
    previous, report = _move(report, ReportStatus.ACCEPTED, by)
    report.version += 1
    report.save()
    _event(report, previous, ReportStatus.ACCEPTED, by)
    return report


# --- reminders ---------------------------------------------------------------------------------


def reminders_send_missing(
    *,
    period: ReportPeriod,
    receiver: Unit,
    units: list[Unit],
    link_for: Callable[[Unit], str],
    today: dt.date | None = None,
) -> int:
    """Remind the staff of each unit that has not sent its report (in-app and by e-mail), once
    a day. Returns how many reminders were written."""
    today = today or timezone.localdate()
    unit_ids = [unit.pk for unit in units]
    users_by_unit: dict[int, set[int]] = {pk: set() for pk in unit_ids}
    for user_id, unit_id in RoleAssignment.objects.filter(
        unit_id__in=unit_ids, user__is_active=True
    ).values_list("user_id", "unit_id"):
        users_by_unit[unit_id].add(user_id)
    new: list[Notification] = []
    with translation.override(settings.LANGUAGE_CODE):
        for unit in units:
            link = link_for(unit)
            message = _(
                "%(receiver)s is waiting for the report “%(period)s” of %(unit)s, due on %(date)s."
            ) % {
                "receiver": receiver.name,
                "period": period.label,
                "unit": unit.name,
                "date": date_long(period.due),
            }
            for user_id in sorted(users_by_unit[unit.pk]):
                new.append(
                    Notification(
                        user_id=user_id,
                        kind=NotificationKind.REPORT,
                        day=today,
                        link=link,
                        link_label=_("Report %(period)s") % {"period": period.label},
                        message=message,
                    )
                )
    already = set(
        Notification.objects.filter(
            day=today,
            kind=NotificationKind.REPORT,
            task__isnull=True,
            link__in={n.link for n in new},
        ).values_list("user_id", "link")
    )
    new = [n for n in new if (n.user_id, n.link) not in already]
    with transaction.atomic():
        Notification.objects.bulk_create(new, ignore_conflicts=True)
        by_user: dict[int, list[str]] = {}
        for notification in new:
            by_user.setdefault(notification.user_id, []).append(notification.message)
        transaction.on_commit(lambda: notifications_mail(by_user))
    return len(new)


# Overdue reports are reminded of daily for this many days after their due date.
OVERDUE_REMINDER_DAYS = 14


def report_reminders_send(*, today: dt.date) -> int:
    """The daily reminders of reports: for every period due within KEHOACH_REMINDER_DAYS or
    overdue by up to two weeks, the staff of each unit that has not sent its report."""
    days = settings.KEHOACH_REMINDER_DAYS
    periods = ReportPeriod.objects.filter(
        due__gte=today - dt.timedelta(days=OVERDUE_REMINDER_DAYS),
        due__lte=today + dt.timedelta(days=days),
    ).select_related("duty", "duty__who", "duty__to_whom", "plan")
    written = 0
    for period in periods:
        receiver = duty_receiver(period)
        if receiver is None:
            continue
        sent = set(
            Report.objects.filter(
                period=period, status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED]
            ).values_list("unit_id", flat=True)
        )
        waiting = [unit for unit in reporters(period) if unit.pk not in sent]
        written += reminders_send_missing(
            period=period,
            receiver=receiver,
            units=waiting,
            link_for=partial(_unit_report_path, period),
            today=today,
        )
    return written


def report_reminders_daily(today: dt.date) -> int:
    """report_reminders_send as the daily reminders job calls it (registered in apps.py)."""
    return report_reminders_send(today=today)


def _unit_report_path(period: ReportPeriod, unit: Unit) -> str:
    return reverse("reports:unit_report", args=[period.pk, unit.pk])
