"""JSON API of periodic reports: periods, who has reported, each report, its texts, workflow and
files.

A report is read by its unit's staff and by the staff of the unit it is sent to
(accounts.access.can_read_report), otherwise it does not exist (404). Its unit's staff change its
texts and submit it; the receiving unit's staff return or accept it; anyone else who reads it
gets 403. A save started from an old version answers 409 and changes nothing.
"""

from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from kehoach.accounts import access
from kehoach.accounts.api import ERROR_RESPONSES, ErrorOut, api_user, patch_changes
from kehoach.lib.documents import ConverterMissingError
from kehoach.lib.pagination import PageNumberPagination
from kehoach.units.models import Unit

from . import exports, selectors, services
from .models import Report, ReportPeriod
from .schemas import (
    CompletenessOut,
    CompletenessQuery,
    PeriodFilters,
    PeriodOut,
    ReportOut,
    ReportReturnIn,
    ReportTextsIn,
)

router = Router(tags=["reports"])

ExportFormat = Literal["docx", "pdf", "xlsx"]


# -- access helpers ---------------------------------------------------------------------------


def _get_period_for_user(request: HttpRequest, period_id: int) -> ReportPeriod:
    """Periods of plans the user cannot see do not exist for them."""
    period = selectors.periods_for_user(api_user(request)).filter(pk=period_id).first()
    if period is None:
        raise Http404
    return period


def _get_report_for_user(
    request: HttpRequest, report_id: int, *, edit: bool = False, review: bool = False
) -> Report:
    """404 for a report the user may not read; 403 for a change they may not make (`edit`: the
    reporting unit's texts and submission; `review`: returning or accepting it)."""
    user = api_user(request)
    report = (
        Report.objects.select_related("period", "unit", "receiver").filter(pk=report_id).first()
    )
    if report is None or not access.can_read_report(user, report.unit, report.receiver):
        raise Http404
    if edit and not access.can_edit_report(user, report.unit):
        raise PermissionDenied
    if review and not access.can_review_report(user, report.receiver):
        raise PermissionDenied
    return report


def _get_unit_for_user(request: HttpRequest, unit_id: int) -> Unit:
    unit = access.readable_units(api_user(request)).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


def _fresh(report: Report) -> Report:
    """The report with what ReportOut reads (after a write changed it)."""
    return (
        Report.objects.select_related("period", "unit", "receiver")
        .prefetch_related("events__by")
        .get(pk=report.pk)
    )


def _error(message: str, field: str | None = None) -> dict[str, Any]:
    """The API's error body (kehoach/api.py) for an answer an endpoint gives itself."""
    return {"detail": message, "errors": [{"field": field, "message": message}] if field else []}


# -- periods ----------------------------------------------------------------------------------


@router.get("/reports/periods", response={200: list[PeriodOut], **ERROR_RESPONSES})
@paginate(PageNumberPagination, page_size=settings.KEHOACH_PAGE_SIZE)
def period_list(request: HttpRequest, filters: Query[PeriodFilters]) -> QuerySet[ReportPeriod]:
    """Report periods of the plans the user sees, newest year first."""
    periods = selectors.periods_for_user(api_user(request))
    if filters.plan is not None:
        periods = periods.filter(plan_id=filters.plan)
    if filters.year is not None:
        periods = periods.filter(plan__year=filters.year)
    if filters.kind is not None:
        periods = periods.filter(kind=filters.kind)
    return periods


@router.get(
    "/reports/periods/{period_id}/completeness",
    response={200: CompletenessOut, **ERROR_RESPONSES},
)
def period_completeness(
    request: HttpRequest, period_id: int, query: Query[CompletenessQuery]
) -> dict[str, Any]:
    """Who has reported to the receiving unit: a row per unit it waits for, and the counts."""
    period = _get_period_for_user(request, period_id)
    receiver = (
        _get_unit_for_user(request, query.receiver)
        if query.receiver is not None
        else services.duty_receiver(period)
    )
    if receiver is None:
        raise ValidationError(
            {
                "receiver": _(
                    "The duty of this period names no receiving unit: give one as receiver."
                )
            }
        )
    if not access.can_review_report(api_user(request), receiver):
        raise PermissionDenied
    completeness = selectors.completeness(period=period, receiver_unit=receiver)
    return {
        "period_id": period.pk,
        "receiver_id": receiver.pk,
        "receiver_name": receiver.name,
        "counts": completeness.counts,
        "rows": [
            {
                "unit_id": row.unit.pk,
                "unit_name": row.unit.name,
                "state": row.state,
                "report_id": row.report.pk if row.report else None,
                "status": row.report.status if row.report else None,
                "submitted_at": row.report.submitted_at if row.report else None,
                "late": bool(row.report and row.report.late),
            }
            for row in completeness.rows
        ],
    }


@router.post(
    "/reports/periods/{period_id}/units/{unit_id}/open",
    response={200: ReportOut, 201: ReportOut, **ERROR_RESPONSES},
)
def report_open(request: HttpRequest, period_id: int, unit_id: int) -> Status[Report]:
    """The unit's report for the period: created pre-filled the first time (201), else as it is."""
    period = _get_period_for_user(request, period_id)
    unit = _get_unit_for_user(request, unit_id)
    user = api_user(request)
    if not access.can_edit_report(user, unit):
        raise PermissionDenied
    if not (services.is_reporter(period, unit) or services.consolidates(period, unit)):
        raise ValidationError(
            {"unit_id": _("This unit neither reports nor receives reports for this period.")}
        )
    existed = Report.objects.filter(period=period, unit=unit).exists()
    report = services.report_open(period=period, unit=unit, by=user)
    return Status(200 if existed else 201, _fresh(report))


# -- reports ----------------------------------------------------------------------------------


@router.get("/reports/{report_id}", response={200: ReportOut, **ERROR_RESPONSES})
def report_detail(request: HttpRequest, report_id: int) -> Report:
    """A report: figures, texts, status, version and its history with the receiver's comments."""
    return _fresh(_get_report_for_user(request, report_id))


@router.put("/reports/{report_id}", response={200: ReportOut, 409: ErrorOut, **ERROR_RESPONSES})
def report_change(
    request: HttpRequest, report_id: int, payload: ReportTextsIn
) -> Report | Status[dict[str, Any]]:
    """Save the texts sent. 409 when someone saved since `version` was read: nothing is saved."""
    report = _get_report_for_user(request, report_id, edit=True)
    texts = patch_changes(payload)
    version = texts.pop("version")
    try:
        report = services.report_save(report=report, by=api_user(request), version=version, **texts)
    except ValidationError as error:
        if getattr(error, "code", None) == "stale":
            return Status(409, _error(error.messages[0], "version"))
        raise
    return _fresh(report)


@router.post("/reports/{report_id}/submit", response={200: ReportOut, **ERROR_RESPONSES})
def report_submit(request: HttpRequest, report_id: int) -> Report:
    """Send the report to its receiver; its figures are frozen as they are now."""
    report = _get_report_for_user(request, report_id, edit=True)
    return _fresh(services.report_submit(report=report, by=api_user(request)))


@router.post("/reports/{report_id}/return", response={200: ReportOut, **ERROR_RESPONSES})
def report_return(request: HttpRequest, report_id: int, payload: ReportReturnIn) -> Report:
    """Send a submitted report back to its unit, saying what to fix."""
    report = _get_report_for_user(request, report_id, review=True)
    return _fresh(
        services.report_return(report=report, by=api_user(request), comment=payload.comment)
    )


@router.post("/reports/{report_id}/accept", response={200: ReportOut, **ERROR_RESPONSES})
def report_accept(request: HttpRequest, report_id: int) -> Report:
    """Accept a submitted report: its figures count in the receiver's consolidated report."""
    report = _get_report_for_user(request, report_id, review=True)
    return _fresh(services.report_accept(report=report, by=api_user(request)))


_FILE = {"schema": {"type": "string", "format": "binary"}}


@router.get(
    "/reports/{report_id}/export.{fmt}",
    response={503: ErrorOut, **ERROR_RESPONSES},
    openapi_extra={
        "responses": {
            200: {
                "description": "The report as a file: Decree 30 .docx or PDF, or an .xlsx annex "
                "of its figures",
                "content": {content_type: _FILE for content_type in exports.CONTENT_TYPES.values()},
            }
        }
    },
)
def report_export(request: HttpRequest, report_id: int, fmt: ExportFormat) -> HttpResponse:
    """The report as .docx, .pdf or .xlsx (a download)."""
    report = _get_report_for_user(request, report_id)
    writers = {
        "docx": exports.report_docx,
        "pdf": exports.report_pdf,
        "xlsx": exports.report_xlsx,
    }
    try:
        content = writers[fmt](report)
    except ConverterMissingError:
        message = _("PDF files cannot be made on this server: LibreOffice is not installed.")
        return JsonResponse(_error(message), status=503, json_dumps_params={"ensure_ascii": False})
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.report_file_name(report, fmt)}"'
    )
    return response
