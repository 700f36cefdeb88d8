"""Bulk entry of records from .xlsx/.csv: templates, every row checked by the services, nothing
saved while a row is invalid unless the valid ones are kept, errors by row and column."""

import csv
import io
import tempfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kehoach.activities import bulk
from kehoach.activities.models import Product, Record, VisualCampaign
from kehoach.testing import KehoachTestCase

VISUAL_HEADERS = [
    "Đơn vị (*)",
    "Ngày (*)",
    "Tên hoạt động (*)",
    "Nhiệm vụ (*)",
    "Loại hình (*)",
    "Số lượng (*)",
    "Địa điểm (*)",
]


def visual_row(unit: str = "Xã Tam Xuân I", **changes: Any) -> list[Any]:
    row = {
        "unit": unit,
        "date": "19/05/2024",
        "title": "Treo băng rôn tuyên truyền quyền con người",
        "task": "3",
        "item": "banner",
        "quantity": "12",
        "location": "Thôn Phú Tân",
    }
    row.update(changes)
    return list(row.values())


def csv_bytes(headers: list[str], rows: list[list[Any]]) -> bytes:
    lines = [",".join(headers)] + [",".join(str(v) for v in row) for row in rows]
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def xlsx_bytes(headers: list[str], rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class BulkTestCase(KehoachTestCase):
    def run_import(
        self, data: bytes, *, name: str = "ban-ghi.csv", kind: str = "visual", **options: Any
    ) -> bulk.BulkResult:
        options.setdefault("by", self.commune_a_staff)
        options.setdefault("commit", True)
        table = bulk.read_table(name=name, data=data)
        return bulk.bulk_import(kind=kind, plan=self.district_plan, table=table, **options)


class BulkImportTest(BulkTestCase):
    def test_it_saves_every_row_when_all_are_valid(self):
        data = csv_bytes(
            VISUAL_HEADERS, [visual_row(), visual_row("Tam Xuân 1", date="2024-06-01")]
        )
        result = self.run_import(data)
        assert result.ok and result.saved == 2
        records = Record.objects.order_by("date")
        assert [r.unit for r in records] == [self.commune_a, self.commune_a]
        assert [r.created_by for r in records] == [self.commune_a_staff] * 2
        assert list(records[0].tasks.all()) == [self.communes_group_task]
        assert VisualCampaign.objects.get(record=records[1]).quantity == 12

    def test_it_saves_nothing_while_any_row_is_invalid(self):
        rows = [visual_row(), visual_row(quantity="mười"), visual_row()]
        result = self.run_import(csv_bytes(VISUAL_HEADERS, rows))
        assert result.saved == 0
        assert (result.rows, result.valid_rows, result.invalid_rows) == (3, 2, 1)
        assert not Record.objects.exists()

    def test_it_keeps_the_valid_rows_when_asked(self):
        rows = [visual_row(), visual_row(quantity="mười"), visual_row(title="Pa nô ở chợ")]
        result = self.run_import(csv_bytes(VISUAL_HEADERS, rows), keep_valid=True)
        assert result.saved == 2
        assert sorted(Record.objects.values_list("title", flat=True)) == [
            "Pa nô ở chợ",
            "Treo băng rôn tuyên truyền quyền con người",
        ]

    def test_a_dry_run_checks_but_saves_nothing(self):
        result = self.run_import(csv_bytes(VISUAL_HEADERS, [visual_row()]), commit=False)
        assert result.ok and result.saved == 0
        assert not Record.objects.exists()

    def test_it_reports_each_error_with_its_row_and_column(self):
        rows = [
            visual_row(),
            visual_row(date="31/02/2024", task="9"),
            visual_row(title="", item="bảng lớn"),
        ]
        result = self.run_import(csv_bytes(VISUAL_HEADERS, rows))
        found = {(e.row, e.column) for e in result.errors}
        # The header is row 1: the second data row is row 3 as the spreadsheet shows it.
        assert found == {(3, "Ngày"), (3, "Nhiệm vụ"), (4, "Tên hoạt động"), (4, "Loại hình")}
        message = next(e.message for e in result.errors if e.column == "Nhiệm vụ")
        assert "9" in message
        report = bulk.errors_csv(result)
        assert report.splitlines()[1].startswith("3,")

    def test_it_rejects_rows_for_units_outside_the_users_scope(self):
        rows = [visual_row(), visual_row("Xã Tam Xuân II"), visual_row("Huyện Núi Thành")]
        result = self.run_import(csv_bytes(VISUAL_HEADERS, rows), keep_valid=True)
        assert [(e.row, e.column) for e in result.errors] == [(3, "Đơn vị"), (4, "Đơn vị")]
        assert result.saved == 1
        assert set(Record.objects.values_list("unit", flat=True)) == {self.commune_a.pk}

    def test_it_names_units_by_code_and_a_manager_reaches_the_whole_district(self):
        rows = [visual_row("Tam Xuân II"), visual_row("Phòng VH&TT")]
        result = self.run_import(csv_bytes(VISUAL_HEADERS, rows), by=self.manager)
        assert result.ok, result.errors
        assert set(Record.objects.values_list("unit", flat=True)) == {
            self.commune_b.pk,
            self.office.pk,
        }

    def test_it_refuses_a_file_with_unknown_or_missing_columns(self):
        data = csv_bytes(["Đơn vị", "Ngày", "Màu sắc"], [["Xã Tam Xuân I", "19/05/2024", "đỏ"]])
        result = self.run_import(data)
        assert "Màu sắc" in result.file_error
        assert not Record.objects.exists()

    def test_it_reads_semicolon_separated_csv_and_real_xlsx_dates(self):
        text = ";".join(VISUAL_HEADERS) + "\n" + ";".join(visual_row()) + "\n"
        assert self.run_import(text.encode("utf-8")).saved == 1
        import datetime as dt

        row = visual_row(date=dt.datetime(2024, 5, 20), quantity=7)
        result = self.run_import(xlsx_bytes(VISUAL_HEADERS, [row]), name="ban-ghi.xlsx")
        assert result.saved == 1
        assert Record.objects.filter(date=dt.date(2024, 5, 20)).exists()

    def test_it_reads_products_with_language_and_platform_codes(self):
        headers = [
            "Đơn vị",
            "Ngày",
            "Tên hoạt động",
            "Nhiệm vụ",
            "Loại sản phẩm",
            "Ngôn ngữ",
            "Nền tảng",
            "Đã số hóa",
        ]
        rows = [
            ["Xã Tam Xuân I", "10/04/2024", "Tin bài tiếng Cơ Tu", "2", "article", "vi; katu",
             "portal", "có"],
            ["Xã Tam Xuân I", "11/04/2024", "Tờ rơi", "2", "leaflet", "", "print", "không"],
        ]  # fmt: skip
        result = self.run_import(csv_bytes(headers, rows), kind="product", keep_valid=True)
        assert [(e.row, e.column) for e in result.errors] == [(3, "Ngôn ngữ")]
        product = Product.objects.get()
        assert product.in_minority_or_foreign_language and product.on_digital_platform
        assert product.digitised

    def test_a_file_of_5000_rows_is_read_checked_and_saved(self):
        rows = [visual_row(title=f"Băng rôn số {n}") for n in range(5000)]
        result = self.run_import(xlsx_bytes(VISUAL_HEADERS, rows), name="ca-nam.xlsx")
        assert result.ok and result.saved == 5000
        assert Record.objects.count() == 5000


class BulkTemplateTest(BulkTestCase):
    def test_the_xlsx_template_round_trips(self):
        data = bulk.template_bytes(kind="visual", fmt="xlsx", plan=self.district_plan,
                                   user=self.commune_a_staff)  # fmt: skip
        workbook = load_workbook(io.BytesIO(data))
        sheet = workbook.worksheets[0]
        headers = [cell.value for cell in sheet[1]]
        assert headers[:3] == ["Đơn vị (*)", "Ngày (*)", "Tên hoạt động (*)"]
        # The notes and the allowed values travel on their own sheets.
        assert len(workbook.worksheets) == 3
        values = [row for row in workbook.worksheets[2].iter_rows(values_only=True)]
        assert ("Đơn vị", "Tam Xuân I", "Xã Tam Xuân I") in values
        assert ("Nhiệm vụ", "3", "Cổ động trực quan tại các xã") in values
        assert not any(row[2] == "Xã Tam Xuân II" for row in values)
        filled = dict(zip(
            ["unit", "date", "title", "tasks", "themes", "conventions", "description", "item",
             "quantity", "location"],
            ["Tam Xuân I", "19/05/2024", "Pa nô", "3", "", "", "", "panel", 2, "Chợ Tam Xuân"],
            strict=True,
        ))  # fmt: skip
        sheet.append(list(filled.values()))
        out = io.BytesIO()
        workbook.save(out)
        result = self.run_import(out.getvalue(), name="mau.xlsx")
        assert result.ok and result.saved == 1, result.errors

    def test_the_csv_template_round_trips_with_its_note_row(self):
        data = bulk.template_bytes(kind="visual", fmt="csv")
        lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert lines[0][:2] == ["Đơn vị (*)", "Ngày (*)"]
        # The note row is in the user's language (Vietnamese by default) and starts with "#".
        assert lines[1][0].startswith("# Đơn vị thực hiện")
        filled = data + "Xã Tam Xuân I,2024-05-19,Pa nô,3,,,,panel,2,Chợ Tam Xuân\n".encode()
        result = self.run_import(filled)
        assert result.ok and result.saved == 1, result.errors

    def test_every_kind_has_a_template(self):
        for kind in bulk.KIND_COLUMNS:
            for fmt in bulk.FORMATS:
                assert bulk.template_bytes(kind=kind, fmt=fmt)


class ImportRecordsCommandTest(BulkTestCase):
    def write(self, rows: list[list[Any]]) -> str:
        path = self.tmp / "ban-ghi.csv"
        path.write_bytes(csv_bytes(VISUAL_HEADERS, rows))
        return str(path)

    def setUp(self) -> None:
        import tempfile
        from pathlib import Path

        self._dir = tempfile.TemporaryDirectory()
        self.tmp = Path(self._dir.name)
        self.addCleanup(self._dir.cleanup)

    def test_it_imports_a_valid_file(self):
        out = io.StringIO()
        path = self.write([visual_row(), visual_row("Xã Tam Xuân II")])
        call_command("import_records", path, kind="visual", plan=self.district_plan.pk, stdout=out)
        assert Record.objects.count() == 2
        assert "2" in out.getvalue()

    def test_it_fails_and_saves_nothing_on_an_invalid_row(self):
        path = self.write([visual_row(), visual_row(quantity="-3")])
        err = io.StringIO()
        with self.assertRaises(CommandError):
            call_command(
                "import_records", path, kind="visual", plan=self.district_plan.pk, stderr=err
            )
        assert "3" in err.getvalue()
        assert not Record.objects.exists()

    def test_it_keeps_the_valid_rows_when_asked(self):
        path = self.write([visual_row(), visual_row(quantity="-3")])
        call_command(
            "import_records",
            path,
            kind="visual",
            plan=self.district_plan.pk,
            keep_valid=True,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        assert Record.objects.count() == 1

    def test_a_user_limits_the_units(self):
        path = self.write([visual_row("Xã Tam Xuân II")])
        with self.assertRaises(CommandError):
            call_command(
                "import_records",
                path,
                kind="visual",
                plan=self.district_plan.pk,
                user="tamxuan1",
                stderr=io.StringIO(),
            )
        assert not Record.objects.exists()


@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="kehoach-bulk-"))
class BulkViewsTest(BulkTestCase):
    def setUp(self) -> None:
        self.login(self.commune_a_staff)

    def upload(self, rows: list[list[Any]], **extra: Any) -> Any:
        data = {
            "kind": "visual",
            "plan": self.district_plan.pk,
            "file": SimpleUploadedFile("ban-ghi.csv", csv_bytes(VISUAL_HEADERS, rows)),
            **extra,
        }
        return self.client.post(reverse("activities:bulk_import"), data)

    def token(self) -> str:
        [token] = self.client.session["kehoach_bulk_imports"]
        return str(token)

    def test_the_page_offers_a_template_per_kind(self):
        response = self.client.get(reverse("activities:bulk_import"))
        assert response.status_code == 200
        assert reverse("activities:bulk_template", args=["broadcast", "xlsx"]) in response.text

    def test_it_downloads_a_template_listing_the_plans_tasks(self):
        url = reverse("activities:bulk_template", args=["visual", "xlsx"])
        response = self.client.get(url, {"plan": self.district_plan.pk})
        assert response.status_code == 200
        assert "mau-nhap-visual.xlsx" in response["Content-Disposition"]
        workbook = load_workbook(io.BytesIO(response.content))
        values = list(workbook.worksheets[2].iter_rows(values_only=True))
        assert ("Nhiệm vụ", "2", "Phát sóng trên đài truyền thanh xã") in values

    def test_a_hidden_plan_or_unknown_kind_has_no_template(self):
        url = reverse("activities:bulk_template", args=["visual", "csv"])
        assert self.client.get(url, {"plan": self.commune_b_plan.pk}).status_code == 404
        bad = reverse("activities:bulk_template", args=["recipe", "csv"])
        assert self.client.get(bad).status_code == 404

    def test_a_valid_file_is_checked_then_saved(self):
        response = self.upload([visual_row(), visual_row()])
        assert response.status_code == 200
        assert not Record.objects.exists()
        response = self.client.post(reverse("activities:bulk_save", args=[self.token()]))
        assert response.status_code == 302
        assert Record.objects.count() == 2
        assert self.client.session["kehoach_bulk_imports"] == {}

    def test_an_invalid_row_is_reported_and_nothing_is_saved_without_consent(self):
        response = self.upload([visual_row(), visual_row(date="hôm qua")])
        assert response.status_code == 200
        assert "hôm qua" in response.text
        token = self.token()
        report = self.client.get(reverse("activities:bulk_errors", args=[token]))
        lines = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
        assert lines[1][:2] == ["3", "Ngày"]
        # Saving without choosing to keep the valid rows saves nothing.
        self.client.post(reverse("activities:bulk_save", args=[token]))
        assert not Record.objects.exists()
        self.client.post(reverse("activities:bulk_save", args=[token]), {"keep_valid": "1"})
        assert Record.objects.count() == 1

    def test_a_file_that_is_not_a_table_is_refused_on_the_form(self):
        data = {
            "kind": "visual",
            "plan": self.district_plan.pk,
            "file": SimpleUploadedFile("ke-hoach.docx", b"PK\x03\x04"),
        }
        response = self.client.post(reverse("activities:bulk_import"), data)
        assert response.status_code == 200
        assert response.context["form"].errors["file"]
        assert "kehoach_bulk_imports" not in self.client.session

    def test_another_session_cannot_save_or_read_the_upload(self):
        self.upload([visual_row()])
        token = self.token()
        self.client.logout()
        self.login(self.commune_a_staff)
        assert self.client.post(reverse("activities:bulk_save", args=[token])).status_code == 404
        assert self.client.get(reverse("activities:bulk_errors", args=[token])).status_code == 404
        assert not Record.objects.exists()
