"""Web pages of periodic reports: the periods, a period's board for the receiving units, a unit's
report with its workflow, exports, reminders, and the periods plan managers create.

Permissions come from kehoach/accounts/access.py: a unit's staff (and those above it) write and
send its report; the staff of the unit it is sent to review it. A report the user may not read
does not exist for them (404); an action they may not take answers 403.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kehoach.accounts import access
from kehoach.lib.documents import ConverterMissingError
from kehoach.lib.tabular import attachment_header
from kehoach.plans import selectors as plan_selectors
from kehoach.plans.models import Plan
from kehoach.units.models import Unit

from . import exports, selectors, services
from .figures import SUMMED_FIGURES, figure_labels
from .forms import AdHocPeriodForm, PeriodFilterForm, ReportTextsForm, ReturnForm
from .models import Report, ReportEvent, ReportPeriod, ReportStatus
from .selectors import ReportState

# A board's states in the order its counts are shown, with the badge colours app.css has.
STATES = (
    (ReportState.ON_TIME, "done"),
    (ReportState.LATE, "overdue"),
    (ReportState.MISSING, "cancelled"),
    (ReportState.DRAFT, "not_started"),
    (ReportState.RETURNED, "report"),
)
# Units a receiver may remind: those whose report has not reached it.
REMINDED_STATES = {ReportState.MISSING, ReportState.DRAFT, ReportState.RETURNED}
EDITABLE = {ReportStatus.DRAFT, ReportStatus.RETURNED}


def state_labels() -> dict[str, str]:
    return {
        ReportState.ON_TIME: _("On time"),
        ReportState.LATE: _("Late"),
        ReportState.MISSING: _("Missing"),
        ReportState.DRAFT: _("Draft"),
        ReportState.RETURNED: _("Returned"),
    }


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required
    return request.user


# --- access helpers: the one place per noun that turns other units' objects into 404/403 -------


def _get_period_for_user(request: HttpRequest, pk: int) -> ReportPeriod:
    period = selectors.periods_for_user(request.user).filter(pk=pk).first()
    if period is None:
        raise Http404(_("No such report period."))
    return period


def _get_report_for_user(
    request: HttpRequest, pk: int, *, edit: bool = False, review: bool = False
) -> Report:
    """The report if the user may read it (404 otherwise); with edit, 403 unless they write the
    unit's report; with review, 403 unless they cover the unit it is sent to."""
    report = (
        selectors.reports_for_user(request.user)
        .select_related("period__duty", "period__plan__issuer", "unit__parent", "receiver")
        .filter(pk=pk)
        .first()
    )
    if report is None or not access.can_read_report(request.user, report.unit, report.receiver):
        raise Http404(_("No such report."))
    if edit and not access.can_edit_report(request.user, report.unit):
        raise PermissionDenied(_("Only the unit's staff and the units above it write its report."))
    if review and not access.can_review_report(request.user, report.receiver):
        raise PermissionDenied(_("Only the unit the report is sent to reviews it."))
    return report


def _get_plan_to_manage(request: HttpRequest, pk: int) -> Plan:
    """A plan the user sees (404 otherwise) and manages (403 otherwise)."""
    plan = plan_selectors.plans_for_user(request.user).filter(pk=pk).first()
    if plan is None:
        raise Http404(_("No such plan."))
    if not access.can_edit_plan_of(request.user, plan.issuer):
        raise PermissionDenied(_("Only the plan's managers set its report periods."))
    return plan


def _get_receiver_for_user(request: HttpRequest, period: ReportPeriod, pk: int) -> Unit:
    """A unit that receives reports in the period and that the user reviews for."""
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None or not access.can_read_unit(request.user, unit):
        raise Http404(_("No such unit."))
    if not services.consolidates(period, unit):
        raise Http404(_("This unit receives no report for the period."))
    if not access.can_review_report(request.user, unit):
        raise PermissionDenied(_("Only the unit the reports are sent to reminds its units."))
    return unit


# --- periods ------------------------------------------------------------------------------------


def _plans_with_reports(request: HttpRequest) -> QuerySet[Plan]:
    return (
        plan_selectors.plans_for_user(request.user)
        .filter(Q(report_periods__isnull=False) | Q(reporting_duties__isnull=False))
        .distinct()
    )


@login_required
@require_GET
def period_list(request: HttpRequest) -> HttpResponse:
    visible = selectors.periods_for_user(request.user)
    form = PeriodFilterForm(request.GET, periods=visible, plans=_plans_with_reports(request))
    periods = form.apply(visible)
    page = Paginator(periods, settings.KEHOACH_PAGE_SIZE).get_page(request.GET.get("page"))
    # The report of the user's own units (where they are assigned) in each period on the page.
    own_units = access.scope_for(request.user).unit_ids
    own_reports: dict[int, list[Report]] = {}
    for report in Report.objects.filter(
        period__in=[p.pk for p in page.object_list], unit_id__in=own_units
    ).select_related("unit"):
        own_reports.setdefault(report.period_id, []).append(report)
    plan = form.cleaned_data.get("plan") if form.is_valid() else None
    return render(
        request,
        "reports/period_list.html",
        {
            "nav": "reports",
            "form": form,
            "page": page,
            "rows": [(period, own_reports.get(period.pk, [])) for period in page.object_list],
            "filtered": form.filtered,
            "plan": plan,
            "can_manage": bool(plan and access.can_edit_plan_of(request.user, plan.issuer)),
        },
    )


@login_required
@require_POST
def periods_generate(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = _get_plan_to_manage(request, plan_pk)
    periods = services.periods_generate(plan=plan)
    messages.success(
        request,
        _("The plan's reporting duties call for %(count)s report periods in %(year)s.")
        % {"count": len(periods), "year": plan.year},
    )
    return redirect(reverse("reports:periods") + f"?plan={plan.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def period_create(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """An ad hoc (đột xuất) report asked of the units of one of the plan's duties."""
    plan = _get_plan_to_manage(request, plan_pk)
    form = AdHocPeriodForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.period_create_ad_hoc(plan=plan, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The ad hoc report period was created."))
            return redirect("reports:period", period_pk=period.pk)
    return render(
        request, "reports/period_form.html", {"nav": "reports", "plan": plan, "form": form}
    )


# --- a period's board ---------------------------------------------------------------------------


def _board(request: HttpRequest, period: ReportPeriod, receiver: Unit) -> dict[str, Any]:
    """What a receiving unit sees of a period: how each expected report stands, and its own."""
    result = selectors.completeness(period=period, receiver_unit=receiver)
    labels = state_labels()
    rows = [
        {
            "unit": row.unit,
            "report": row.report,
            "state": row.state,
            "state_label": labels[row.state],
            "can_open": row.report is None and access.can_edit_report(request.user, row.unit),
        }
        for row in result.rows
    ]
    return {
        "receiver": receiver,
        "rows": rows,
        "counts": [(state, badge, labels[state], result.counts[state]) for state, badge in STATES],
        "expected": len(rows),
        "to_remind": sum(1 for row in result.rows if row.state in REMINDED_STATES),
        "can_review": access.can_review_report(request.user, receiver),
        "own_report": Report.objects.filter(period=period, unit=receiver).first(),
        "can_edit_own": access.can_edit_report(request.user, receiver),
    }


@login_required
@require_GET
def period_board(request: HttpRequest, period_pk: int) -> HttpResponse:
    period = _get_period_for_user(request, period_pk)
    boards = [
        _board(request, period, receiver)
        for receiver in selectors.receivers_for_user(request.user, period)
    ]
    shown = {row["unit"].pk for board in boards for row in board["rows"]}
    shown |= {board["receiver"].pk for board in boards}
    # The units the user writes for that report in the period and that no board above lists.
    own_units = [
        unit
        for unit in services.reporters(period)
        if unit.pk not in shown and access.can_edit_report(request.user, unit)
    ]
    reports = {
        report.unit_id: report
        for report in Report.objects.filter(period=period, unit__in=[u.pk for u in own_units])
    }
    return render(
        request,
        "reports/period_board.html",
        {
            "nav": "reports",
            "period": period,
            "boards": boards,
            "own": [(unit, reports.get(unit.pk)) for unit in own_units],
            "can_manage": access.can_edit_plan_of(request.user, period.plan.issuer),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def remind(request: HttpRequest, period_pk: int, unit_pk: int) -> HttpResponse:
    """Ask first (GET), then remind the units whose report has not reached the receiver (POST)."""
    period = _get_period_for_user(request, period_pk)
    receiver = _get_receiver_for_user(request, period, unit_pk)
    rows = [
        row
        for row in selectors.completeness(period=period, receiver_unit=receiver).rows
        if row.state in REMINDED_STATES
    ]
    if request.method == "POST":

        def link_for(unit: Unit) -> str:
            # The path, as the daily reminders write it: one reminder a day per link and user.
            return reverse("reports:unit_report", args=[period.pk, unit.pk])

        sent = services.reminders_send_missing(
            period=period, receiver=receiver, units=[row.unit for row in rows], link_for=link_for
        )
        if sent:
            messages.success(
                request, _("%(count)s reminders were sent to the units' staff.") % {"count": sent}
            )
        else:
            messages.info(request, _("No new reminder: the units were already reminded today."))
        return redirect("reports:period", period_pk=period.pk)
    labels = state_labels()
    return render(
        request,
        "reports/remind_confirm.html",
        {
            "nav": "reports",
            "period": period,
            "receiver": receiver,
            "rows": [(row.unit, labels[row.state]) for row in rows],
        },
    )


# --- a unit's report ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def unit_report(request: HttpRequest, period_pk: int, unit_pk: int) -> HttpResponse:
    """The unit's report for the period, opened (pre-filled) the first time its staff ask."""
    period = _get_period_for_user(request, period_pk)
    unit = Unit.objects.filter(pk=unit_pk).first()
    if unit is None:
        raise Http404(_("No such unit."))
    report = Report.objects.filter(period=period, unit=unit).first()
    if report is not None:
        if not access.can_read_report(request.user, unit, report.receiver):
            raise Http404(_("No such report."))
        return redirect("reports:report", pk=report.pk)
    if not (services.is_reporter(period, unit) or services.consolidates(period, unit)):
        raise Http404(_("This unit has no report to send for the period."))
    receiver = services.report_receiver(period, unit)
    if not access.can_read_report(request.user, unit, receiver):
        raise Http404(_("No such report."))
    if not access.can_edit_report(request.user, unit):
        raise PermissionDenied(_("The unit has not started its report yet."))
    report = services.report_open(period=period, unit=unit, by=_user(request))
    return redirect("reports:report", pk=report.pk)


def _figure_rows(figures: dict[str, Any]) -> list[tuple[str, int]]:
    labels = figure_labels()
    return [(labels[key], int(figures.get(key, 0) or 0)) for key in SUMMED_FIGURES]


def _history(request: HttpRequest, report: Report) -> list[tuple[Report, bool]]:
    """The unit's other reports and those of the units merged into it, each with whether the
    user may open it (a predecessor's report may sit outside the user's subtrees)."""
    history = [r for r in selectors.report_history(report.unit) if r.pk != report.pk]
    readable = set(
        selectors.reports_for_user(request.user)
        .filter(pk__in=[r.pk for r in history])
        .values_list("pk", flat=True)
    )
    return [(r, r.pk in readable) for r in history]


def _render_report(
    request: HttpRequest,
    report: Report,
    *,
    form: ReportTextsForm | None = None,
    return_form: ReturnForm | None = None,
    conflict: bool = False,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    editable = report.status in EDITABLE and access.can_edit_report(user, report.unit)
    reviewable = report.status == ReportStatus.SUBMITTED and access.can_review_report(
        user, report.receiver
    )
    if form is None:
        form = ReportTextsForm(
            initial={
                **{name: getattr(report, name) for name in ReportTextsForm.TEXTS},
                "version": report.version,
            }
        )
    events = list(
        ReportEvent.objects.filter(report=report).select_related("by").order_by("at", "pk")
    )
    returned = [e for e in events if e.status_to == ReportStatus.RETURNED]
    figures = report.figures or {}
    return render(
        request,
        "reports/report_detail.html",
        {
            "nav": "reports",
            "report": report,
            "period": report.period,
            "form": form,
            "return_form": return_form or ReturnForm(),
            "editable": editable,
            "reviewable": reviewable,
            "figure_rows": _figure_rows(figures),
            "tasks": figures.get("tasks", []),
            "by_language": sorted((figures.get("products_by_language") or {}).items()),
            "by_platform": sorted((figures.get("products_by_platform") or {}).items()),
            "units_table": selectors.figures_table(figures) if figures.get("units") else [],
            "events": events,
            "return_comment": returned[-1] if report.status == ReportStatus.RETURNED else None,
            "history": _history(request, report),
            "formats": list(exports.CONTENT_TYPES),
            "conflict": conflict,
        },
        status=status,
    )


def _save_texts(request: HttpRequest, report: Report, form: ReportTextsForm) -> HttpResponse | None:
    """Save the posted texts; on a refusal, the page again with the user's text and why (409)."""
    try:
        services.report_save(
            report=report,
            by=_user(request),
            version=form.cleaned_data["version"],
            **form.texts(),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        report.refresh_from_db()
        stale = error.code == "stale"
        return _render_report(request, report, form=form, conflict=stale, status=409)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The report: figures, the texts to write (POST saves them), its history and actions."""
    if request.method != "POST":
        return _render_report(request, _get_report_for_user(request, pk))
    report = _get_report_for_user(request, pk, edit=True)
    form = ReportTextsForm(request.POST)
    if not form.is_valid():
        return _render_report(request, report, form=form, status=400)
    refused = _save_texts(request, report, form)
    if refused is not None:
        return refused
    messages.success(request, _("The report was saved."))
    return redirect("reports:report", pk=report.pk)


@login_required
@require_POST
def report_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get_report_for_user(request, pk, edit=True)
    try:
        services.report_refresh(report=report)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The figures were counted again from the records."))
    return redirect("reports:report", pk=report.pk)


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the report; the texts posted with it (from the report's form) are saved first."""
    report = _get_report_for_user(request, pk, edit=True)
    if "version" in request.POST:
        form = ReportTextsForm(request.POST)
        if not form.is_valid():
            return _render_report(request, report, form=form, status=400)
        if report.status in EDITABLE:
            refused = _save_texts(request, report, form)
            if refused is not None:
                return refused
            report.refresh_from_db()
    try:
        services.report_submit(report=report, by=_user(request))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        receiver = report.receiver.name if report.receiver else ""
        messages.success(request, _("The report was sent to %(unit)s.") % {"unit": receiver})
    return redirect("reports:report", pk=report.pk)


@login_required
@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get_report_for_user(request, pk, review=True)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _render_report(request, report, return_form=form, status=400)
    try:
        services.report_return(
            report=report, by=_user(request), comment=form.cleaned_data["comment"]
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The report was returned to %(unit)s.") % {"unit": report.unit})
    return redirect("reports:report", pk=report.pk)


@login_required
@require_POST
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get_report_for_user(request, pk, review=True)
    try:
        services.report_accept(report=report, by=_user(request))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The report was accepted."))
    return redirect("reports:report", pk=report.pk)


@login_required
@require_GET
def report_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The report as an official document (.docx, .pdf) or its annex of figures (.xlsx)."""
    report = _get_report_for_user(request, pk)
    if fmt not in exports.CONTENT_TYPES:
        raise Http404(_("No such format."))
    if fmt == "pdf":
        try:
            content = exports.report_pdf(report)
        except (ConverterMissingError, RuntimeError) as error:
            missing = isinstance(error, ConverterMissingError)
            return render(
                request,
                "reports/export_error.html",
                {"nav": "reports", "report": report, "missing": missing},
                status=503,
            )
    elif fmt == "docx":
        content = exports.report_docx(report)
    else:
        content = exports.report_xlsx(report)
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = attachment_header(exports.report_file_name(report, fmt))
    return response
