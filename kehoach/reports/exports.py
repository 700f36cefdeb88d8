"""A report as files: the Decree 30 .docx, its PDF (LibreOffice) and an .xlsx annex of figures."""

from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from kehoach.lib.documents import write_docx, write_pdf, write_xlsx_annex
from kehoach.lib.vntext import search_key

from .figures import SUMMED_FIGURES, figure_labels
from .models import Report
from .selectors import figures_table, report_document

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def report_file_name(report: Report, extension: str) -> str:
    """An ASCII file name: "bao-cao-xa-tam-xuan-i-6-thang-dau-nam-2024.docx"."""
    stem = slugify(search_key(f"bao cao {report.unit.name} {report.period.label}")) or "bao-cao"
    return f"{stem}.{extension}"


def report_docx(report: Report) -> bytes:
    return write_docx(report_document(report=report))


def report_pdf(report: Report) -> bytes:
    return write_pdf(report_docx(report))


def annex_tables(figures: dict[str, Any]) -> dict[str, list[list[object]]]:
    """The figures as sheets: totals, per unit (a consolidated report), per task, by language and
    by platform. Numbers stay numbers so that they add up in a spreadsheet."""
    labels = figure_labels()
    tables: dict[str, list[list[object]]] = {
        _("Figures"): [
            [_("Figure"), _("Value")],
            *([labels[key], int(figures.get(key, 0) or 0)] for key in SUMMED_FIGURES),
        ]
    }
    if figures.get("units"):
        rows: list[list[object]] = []
        for index, row in enumerate(figures_table(figures)):
            rows.append([cell if index == 0 or not cell.isdigit() else int(cell) for cell in row])
        tables[_("By unit")] = rows
    tables[_("By task")] = [
        [_("Number"), _("Task"), _("Records")],
        *(
            [t.get("number", ""), t.get("title", ""), int(t.get("count", 0))]
            for t in figures.get("tasks", [])
        ),
    ]
    tables[_("By language")] = [
        [_("Language"), _("Products")],
        *([name, count] for name, count in figures.get("products_by_language", {}).items()),
    ]
    tables[_("By platform")] = [
        [_("Platform"), _("Products")],
        *([name, count] for name, count in figures.get("products_by_platform", {}).items()),
    ]
    return tables


def report_xlsx(report: Report) -> bytes:
    title = _("Annex: figures of the report %(period)s of %(unit)s") % {
        "period": report.period.label,
        "unit": report.unit.name,
    }
    return write_xlsx_annex(title, annex_tables(report.figures))
