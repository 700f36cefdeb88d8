"""Tables as downloads: .xlsx (openpyxl) and .csv (UTF-8 with BOM), plus the download header.

Pure: headers arrive already translated and rows as plain values; nothing here imports a model.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .vntext import strip_diacritics

Cell = str | int | float | Decimal | dt.date | bool | None

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")

# Excel refuses a workbook holding control characters; openpyxl raises on them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A spreadsheet runs a cell that starts like a formula ("=HYPERLINK(...)"): user text must not.
_FORMULA_START = ("=", "+", "@", "\t", "\r")
_SHEET_TITLE_BAD = re.compile(r"[\\/*?:\[\]]")


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Cell]]


def _safe_text(text: str) -> str:
    if text.startswith(_FORMULA_START) or (
        text.startswith("-") and len(text) > 1 and not text[1].isspace()
    ):
        return "'" + text
    return text


def _csv_value(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")  # the way Vietnamese tables write dates
    if isinstance(value, str):
        return _safe_text(value)
    return str(value)


def csv_chunks(*, headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterator[str]:
    """The table as CSV text, one line per chunk, starting with a BOM so Excel reads UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: Iterable[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield "\ufeff" + line(_safe_text(h) for h in headers)
    for row in rows:
        yield line(_csv_value(v) for v in row)


def csv_text(*, headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    return "".join(csv_chunks(headers=headers, rows=rows))


def _sheet_title(title: str, used: set[str]) -> str:
    base = _SHEET_TITLE_BAD.sub(" ", title).strip()[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.casefold() in used:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.casefold())
    return candidate


def xlsx_bytes(*, sheets: Sequence[Sheet]) -> bytes:
    """A workbook with one sheet per table: bold headers, real dates and numbers."""
    # Write-only mode streams rows to disk: a list of a million records stays small in memory.
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for sheet in sheets:
        worksheet = workbook.create_sheet(_sheet_title(sheet.title, used))
        header_cells = []
        for header in sheet.headers:
            cell = WriteOnlyCell(worksheet, value=_ILLEGAL.sub("", header))
            cell.font = Font(bold=True)
            header_cells.append(cell)
        worksheet.append(header_cells)
        for row in sheet.rows:
            worksheet.append([_xlsx_cell(worksheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(worksheet: Any, value: Cell) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(worksheet, value=dt.datetime.combine(value, dt.time()))
        cell.number_format = "DD/MM/YYYY"
        return cell
    if isinstance(value, str):
        # Typed as a string, a leading "=" stays text instead of becoming a formula.
        cell = WriteOnlyCell(worksheet, value=_ILLEGAL.sub("", value))
        cell.data_type = "s"
        return cell
    return value


def attachment_header(filename: str) -> str:
    """Content-Disposition for a download: an ASCII name for old clients and the UTF-8 name."""
    ascii_name = strip_diacritics(filename).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip("-") or "download"
    if ascii_name == filename:
        return f'attachment; filename="{ascii_name}"'
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
