"""Fuzzed spreadsheets of records (the web page's and `kehoach import-records`' reader): whatever
the headers and cells, the file is refused with a message, or every row is either saved or
reported with its row number and column; with an error and without "keep the valid rows"
nothing is written.

Inputs: .xlsx written by openpyxl and .csv (comma, semicolon or tab; UTF-8 with or without BOM,
or an 8-bit code page) with the template's headers written in different ways, left out,
repeated, reordered or unknown; cells with dates in odd formats and as spreadsheet dates, units
by name, alias and code (some outside the user's units), task numbers, Vietnamese text, huge and
negative numbers, formulas, control characters, empty rows and note rows.
"""

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from kehoach.activities import bulk
from kehoach.activities.models import RecordKind
from kehoach.lib.vntext import search_key
from kehoach.plans.services import conventions_load
from kehoach.testing import Cast
from kehoach.tests.fuzzing import COUNTS, count, table_counts, vietnamese_text

CONVENTIONS = Path(__file__).resolve().parents[2] / "plans" / "data" / "conventions.json"
UNITS = ("Xã Tam Xuân I", "Tam Xuân 1", "UBND xã Tam Xuân I", "tam xuan ii", "Phòng VH&TT",
         "Huyện Núi Thành", "Xã Tam Đàn", "49", "Xã Tam Xuân")  # fmt: skip
DATES: tuple[Any, ...] = (
    "15/03/2024", "2024-03-15", "15-03-2024", "15.03.2024", "15/3/24", "2024/03/15",
    "31/02/2024", "00/00/0000", "ngày 15 tháng 3 năm 2024", "45366", "15/03/2024 08:30",
    dt.date(2024, 3, 15), dt.datetime(2024, 3, 15, 8, 30), dt.date(1900, 1, 1),
    dt.date(9999, 12, 31), 45366, 45366.5,
)  # fmt: skip
NUMBERS: tuple[Any, ...] = (
    "12", "0", "-1", "1.5", "1,5", "1e30", "٣", "１２", "99999999999999999999999", 10**30,
    -5, 1.5, 2**63, float("inf"), "=1+1", "=SUM(A1:A3)",
)  # fmt: skip
CODES = ("vi", "cor", "vi; cor", "en;fr", "xx", "portal", "social; portal", "CRC", "crc; cedaw",
         "1", "1; 2", "2.", "9", "1;;2", "training", "conference", "article", "banner", "có",
         "không", "x", "yes", "0")  # fmt: skip


def cell_value(column: bulk.Column) -> st.SearchStrategy[Any]:
    typed: dict[str, st.SearchStrategy[Any]] = {
        "unit": st.sampled_from(UNITS),
        "date": st.sampled_from(DATES),
        "int": st.sampled_from(NUMBERS),
    }
    return st.one_of(
        st.just(column.example),
        typed.get(column.kind, st.sampled_from(CODES)),
        vietnamese_text(max_size=40),
        st.sampled_from([None, "", " ", "#", "=A1", '=HYPERLINK("https://x")', "\t\n"]),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=True, allow_infinity=True),
    )


def valid_value(column: bulk.Column) -> st.SearchStrategy[Any]:
    typed: dict[str, st.SearchStrategy[Any]] = {
        "unit": st.sampled_from(["Xã Tam Xuân I", "Tam Xuân 1", "UBND xã Tam Xuân I"]),
        "date": st.sampled_from(["15/03/2024", "2024-03-16", dt.date(2024, 3, 17)]),
        "int": st.sampled_from(["12", 3]),
    }
    if column.key == "product":
        return st.just("")  # a record number: the cast has no product to name
    return typed.get(column.kind, st.just(column.example))


def header_as_written(column: bulk.Column) -> st.SearchStrategy[str]:
    return st.sampled_from(
        [
            column.header,
            f"{column.header} (*)",
            column.key,
            column.header.upper(),
            search_key(column.header),
            f" {column.header}: ",
        ]
    )


@st.composite
def spreadsheet(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(RecordKind.values))
    columns = [c for c in bulk.columns_of(kind) if c.required or draw(st.booleans())]
    if draw(st.integers(0, 9)) == 0 and columns:
        del columns[draw(st.integers(0, len(columns) - 1))]  # a required column missing
    columns = draw(st.permutations(columns))
    headers: list[Any] = [draw(header_as_written(c)) for c in columns]
    if draw(st.integers(0, 9)) == 0:
        headers.insert(draw(st.integers(0, len(headers))), draw(vietnamese_text(max_size=20)))
    if draw(st.integers(0, 19)) == 0 and headers:
        headers.append(headers[0])  # a column twice
    rows: list[list[Any]] = []
    for _row in range(draw(st.integers(0, 8))):
        shape = draw(st.integers(0, 9))
        if shape == 0:
            rows.append([])  # an empty row
        elif shape == 1:
            rows.append(["# ghi chú: " + draw(vietnamese_text(max_size=20))])
        else:
            # Most cells as the template's example says, a few fuzzed: rows get saved too.
            fuzzed = set(draw(st.lists(st.integers(0, len(columns)), max_size=len(columns))))
            row = [
                draw(cell_value(c)) if i in fuzzed else draw(valid_value(c))
                for i, c in enumerate(columns)
            ]
            if draw(st.integers(0, 9)) == 0:
                row = row[: draw(st.integers(0, len(row)))]  # a short row
            rows.append(row)
    notes = [["# Mẫu nhập hồ sơ"]] if draw(st.booleans()) else []
    table = [*notes, headers, *rows]
    fmt = draw(st.sampled_from(bulk.FORMATS))
    if fmt == "xlsx":
        data = _xlsx(table)
    else:
        delimiter = draw(st.sampled_from([",", ";", "\t"]))
        encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "cp1258"]))
        data = _csv(table, delimiter, encoding)
    return {
        "kind": kind,
        "name": f"ho-so.{fmt}",
        "data": data,
        "user": draw(st.sampled_from(["commune_a_staff", "manager", "office_staff", None])),
        "keep_valid": draw(st.booleans()),
    }


def _xlsx(table: list[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for number, row in enumerate(table, start=1):
        for column, value in enumerate(row, start=1):
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)  # Excel cannot hold them either
            elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
                value = str(value)  # openpyxl would write a number Excel cannot read back
            sheet.cell(row=number, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv(table: list[list[Any]], delimiter: str, encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in table:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue().encode(encoding, errors="replace")


class BulkImportFuzzTest(Cast, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast_create()
        conventions = json.loads(CONVENTIONS.read_text(encoding="utf-8"))["conventions"]
        conventions_load(items=conventions)

    @given(spreadsheet())
    # Found by this test: a whole number too large for the database failed the import with
    # OverflowError (SQLite) instead of reporting the cell.
    @example(
        {
            "kind": RecordKind.BRIEFING,
            "name": "ho-so.csv",
            "data": _csv(
                [
                    ["Đơn vị", "Ngày", "Tên hoạt động", "Nhiệm vụ", "Số nhà báo dự"],
                    ["Xã Tam Xuân I", "15/03/2024", "Họp báo", "2", "99999999999999999999999"],
                ],
                ",",
                "utf-8",
            ),
            "user": "commune_a_staff",
            "keep_valid": True,
        }
    )
    @example(
        {
            "kind": RecordKind.BROADCAST,
            "name": "ho-so.csv",
            "data": _csv(
                [
                    ["Đơn vị", "Ngày", "Tên hoạt động", "Nhiệm vụ", "Đài phát", "Ngày phát đầu"],
                    ["Xã Tam Xuân I", "15/03/2024", "Phát thanh", "2", "Đài xã", "31/02/2024"],
                    ["Xã Tam Xuân I", "15/03/2024", "Phát thanh", "2", "Đài xã", "16/03/2024"],
                ],
                ",",
                "utf-8",
            ),
            "user": "commune_a_staff",
            "keep_valid": False,
        }
    )
    def test_every_row_is_saved_or_reported_and_a_refused_file_writes_nothing(
        self, sheet: dict[str, Any]
    ) -> None:
        count("spreadsheet", f"spreadsheet:{sheet['name'].rsplit('.', 1)[1]}")
        user = getattr(self, sheet["user"]) if sheet["user"] else None
        before = table_counts()
        try:
            table = bulk.read_table(name=sheet["name"], data=sheet["data"])
        except bulk.BulkFileError as error:
            assert error.message.strip()
            count("spreadsheet:file-refused")
            return
        result = bulk.bulk_import(
            kind=sheet["kind"],
            plan=self.district_plan,
            table=table,
            by=user,
            commit=True,
            keep_valid=sheet["keep_valid"],
        )
        after = table_counts()
        records_added = after["activities_record"] - before["activities_record"]
        if result.file_error:
            count("spreadsheet:file-refused")
            assert after == before
            return
        numbers = {number for number, _cells in table.rows}
        for row_error in result.errors:
            assert row_error.row in numbers, f"{row_error} names no row of the file"
            assert row_error.column, f"{row_error} names no column"
            assert row_error.message.strip()
        assert result.rows == len(table.rows)
        if result.errors and not sheet["keep_valid"]:
            count("spreadsheet:rows-refused")
            assert result.saved == 0
            assert after == before, "a refused file wrote something"
        else:
            count("spreadsheet:rows-saved")
            COUNTS["spreadsheet:records-saved"] += result.saved
            assert result.saved == result.rows - result.invalid_rows
            assert records_added == result.saved
