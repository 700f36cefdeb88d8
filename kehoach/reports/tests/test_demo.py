"""The demo's periodic reports: the seed plan's periods, the communes' 6-month 2024 reports in
every state, and the district's consolidated report as a Decree 30 document."""

import datetime as dt
import io
import struct
import subprocess
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Q
from django.test import TestCase
from docx import Document
from openpyxl import load_workbook

from kehoach.activities.models import Record, RecordKind
from kehoach.demo import UNITS_FILE, demo_load, load_json
from kehoach.lib.tests.test_documents import needs_soffice
from kehoach.plans.models import Plan, UnitScope
from kehoach.reports.demo import demo_reports_load, half_year_period
from kehoach.reports.exports import report_docx, report_pdf, report_xlsx
from kehoach.reports.models import Report, ReportEvent, ReportPeriod, ReportStatus
from kehoach.reports.selectors import completeness
from kehoach.units.models import COMMUNE_LEVEL_KINDS, Unit
from kehoach.units.services import units_load

DUE = dt.date(2024, 6, 30)
# Words of the district's texts that carry the letters a broken font or encoding loses first.
VIETNAMESE_WORDS = ["nắm", "bắt", "bằng", "khẳng", "sẵn", "đặc", "Cơ", "người", "Ưu", "Đảng"]


class DemoReportsTest(TestCase):
    plan: Plan
    district: Unit
    period: ReportPeriod

    @classmethod
    def setUpTestData(cls) -> None:
        demo_load()
        cls.plan = Plan.objects.get(issuer__name="Huyện Núi Thành", year=2024)
        cls.district = Unit.objects.get(name="Huyện Núi Thành")
        cls.period = half_year_period(cls.plan)

    def commune_reports(self) -> list[Report]:
        return list(Report.objects.filter(period=self.period).exclude(unit=self.district))

    def test_the_seed_plan_asks_the_communes_for_a_6_month_and_a_yearly_report(self):
        periods = ReportPeriod.objects.filter(plan=self.plan).order_by("start", "end")
        assert [(p.label, p.due) for p in periods] == [
            ("6 tháng đầu năm 2024", DUE),
            ("năm 2024", dt.date(2024, 11, 30)),
        ]
        for period in periods:
            duty = period.duty
            assert (duty.who, duty.who_scope, duty.to_whom) == (
                self.district,
                UnitScope.COMMUNES,
                self.district,
            )

    def test_the_district_waits_for_its_17_commune_level_units(self):
        communes = Unit.objects.filter(parent=self.district, kind__in=COMMUNE_LEVEL_KINDS)
        rows = completeness(period=self.period, receiver_unit=self.district).rows
        assert len(rows) == 17
        assert {row.unit.pk for row in rows} == set(communes.values_list("pk", flat=True))

    def test_every_state_is_there(self):
        counts = completeness(period=self.period, receiver_unit=self.district).counts
        # On time: 5 accepted, 3 submitted (one of them after a return); late: 2 accepted and
        # 2 submitted.
        assert counts == {"on_time": 8, "late": 4, "returned": 2, "draft": 2, "missing": 1}
        statuses = Counter(report.status for report in self.commune_reports())
        assert statuses == {
            ReportStatus.ACCEPTED: 7,
            ReportStatus.SUBMITTED: 5,
            ReportStatus.RETURNED: 2,
            ReportStatus.DRAFT: 2,
        }
        accepted_late = [r for r in self.commune_reports() if r.status == "accepted" and r.late]
        assert len(accepted_late) == 2

    def test_lateness_is_what_the_submission_day_says(self):
        for report in self.commune_reports():
            if report.submitted_at is None:
                continue
            assert report.submitted_at.year == 2024
            day = report.submitted_at.astimezone(dt.timezone(dt.timedelta(hours=7))).date()
            assert report.late == (day > DUE), report.unit.name
        # Every step of the history happened in 2024, on the day the demo table gives.
        assert not ReportEvent.objects.exclude(at__year=2024).exists()

    def test_xa_tam_xuan_i_is_left_a_draft_for_the_browser_tests_to_submit(self):
        report = Report.objects.get(period=self.period, unit__name="Xã Tam Xuân I")
        assert report.status == ReportStatus.DRAFT
        assert report.results

    def test_returned_reports_say_why_and_one_was_resubmitted(self):
        returned = Report.objects.filter(period=self.period, events__status_to="returned")
        assert returned.count() == 3
        for report in returned:
            comment = report.events.get(status_to="returned").comment
            assert "gửi lại trước ngày" in comment
        resubmitted = Report.objects.get(period=self.period, unit__name="Xã Tam Anh Nam")
        assert [e.status_to for e in resubmitted.events.all()] == [
            "draft",
            "submitted",
            "returned",
            "submitted",
        ]
        assert (resubmitted.status, resubmitted.late) == (ReportStatus.SUBMITTED, False)
        assert "420 lượt người" in resubmitted.results

    def test_the_district_s_draft_sums_the_accepted_reports_and_its_own_records(self):
        report = Report.objects.get(period=self.period, unit=self.district)
        assert report.status == ReportStatus.DRAFT
        accepted = Report.objects.filter(
            period=self.period, receiver=self.district, status=ReportStatus.ACCEPTED
        ).select_related("unit")
        assert accepted.count() == 7
        # Its own: records of the district's offices, centres and organisations, not of the
        # communes, in the period's data window and of the plan's tasks.
        under_a_commune = Q()
        for path in Unit.objects.filter(
            parent=self.district, kind__in=COMMUNE_LEVEL_KINDS
        ).values_list("path", flat=True):
            under_a_commune |= Q(unit__path__startswith=path)
        own = (
            Record.objects.filter(
                unit__path__startswith=self.district.path,
                date__gte=self.period.data_from,
                date__lte=self.period.data_to,
                tasks__plan=self.plan,
            )
            .exclude(under_a_commune)
            .distinct()
        )
        own_counts = {
            "records": own.count(),
            "products": own.filter(kind=RecordKind.PRODUCT).count(),
            "trainings": own.filter(kind=RecordKind.TRAINING).count(),
            "broadcasts": own.filter(kind=RecordKind.BROADCAST).count(),
        }
        assert own_counts["products"] > 0
        figures = report.figures
        for key, own_count in own_counts.items():
            assert figures[key] == own_count + sum(r.figures[key] for r in accepted), key
        rows = figures["units"]
        assert [row["unit"] for row in rows] == ["Huyện Núi Thành"] + [
            r.unit.name for r in accepted
        ]
        assert rows[0]["products"] == own_counts["products"]
        assert sum(row["broadcast_times"] for row in rows) == figures["broadcast_times"] > 0

    def test_loading_the_reports_again_adds_nothing(self):
        before = (Report.objects.count(), ReportPeriod.objects.count())
        units = units_load(data=load_json(UNITS_FILE))
        assert demo_reports_load(plan=self.plan, units=units) == []
        assert (Report.objects.count(), ReportPeriod.objects.count()) == before

    # -- acceptance: the district's consolidated report as files --------------------------------

    def district_report(self) -> Report:
        return Report.objects.get(period=self.period, unit=self.district)

    def test_the_consolidated_report_is_a_decree_30_docx_with_a_row_per_unit(self):
        document = Document(io.BytesIO(report_docx(self.district_report())))
        text = "\n".join(p.text for p in document.paragraphs)
        header = "\n".join(p.text for cell in document.tables[0]._cells for p in cell.paragraphs)
        for expected in [
            "ỦY BAN NHÂN DÂN",
            "HUYỆN NÚI THÀNH",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
        ]:
            assert expected in header, expected
        assert "BÁO CÁO" in text
        assert "Kính gửi: Ủy ban nhân dân tỉnh Quảng Nam" in text
        first_columns = [[row.cells[0].text for row in table.rows] for table in document.tables]
        by_unit = next(column for column in first_columns if "Huyện Núi Thành" in column)
        # A header, the district's own records, the 7 accepted reports, the total.
        assert len(by_unit) == 10
        assert by_unit[2:9] == [
            "Thị trấn Núi Thành",
            "Xã Tam Giang",
            "Xã Tam Hải",
            "Xã Tam Hòa",
            "Xã Tam Sơn",
            "Xã Tam Thạnh",
            "Xã Tam Xuân II",
        ]

    def test_the_consolidated_report_s_annex_adds_up_per_unit(self):
        workbook = load_workbook(io.BytesIO(report_xlsx(self.district_report())))
        sheet = next(
            ws
            for ws in workbook.worksheets
            if any(row[0] == "Xã Tam Giang" for row in ws.iter_rows(values_only=True))
        )
        rows: list[list[Any]] = [list(row) for row in sheet.iter_rows(values_only=True) if row[0]]
        names = [row[0] for row in rows]
        # The district's own records, the 7 accepted reports, then the total of each column,
        # with numbers kept as numbers.
        body, total = rows[names.index("Huyện Núi Thành") : -1], rows[-1]
        assert [row[0] for row in body][1:3] == ["Thị trấn Núi Thành", "Xã Tam Giang"]
        assert len(body) == 8
        for column in range(1, len(total)):
            assert total[column] == sum(row[column] for row in body)

    @pytest.mark.slow
    @needs_soffice
    def test_the_consolidated_report_prints_as_a_real_pdf_page_in_vietnamese(self):
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        pdf = folder / "bao-cao-huyen-nui-thanh.pdf"
        pdf.write_bytes(report_pdf(self.district_report()))

        subprocess.run(
            ["pdftoppm", "-r", "100", "-f", "1", "-l", "1", "-png", str(pdf), str(folder / "p")],
            check=True,
        )
        png = next(folder.glob("p*.png")).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
        width, height = struct.unpack(">II", png[16:24])
        assert (width, height) in {(827, 1169), (827, 1170)}  # A4 at 100 dpi
        # A blank A4 page at 100 dpi compresses to a few kilobytes; text, table lines make more.
        assert len(png) > 40_000, len(png)

        text = unicodedata.normalize(
            "NFC",
            subprocess.run(
                ["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
                capture_output=True,
                check=True,
            ).stdout.decode(),
        )
        for expected in [
            "ỦY BAN NHÂN DÂN",
            "HUYỆN NÚI THÀNH",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Kính gửi",
            "BÁO CÁO",
            *VIETNAMESE_WORDS,
        ]:
            assert expected in text, expected
        for letter in "ắằẳẵặơưđƯĐ":
            assert letter in text, letter

        fonts = subprocess.run(
            ["pdffonts", str(pdf)], capture_output=True, check=True
        ).stdout.decode()
        header, _rule, *lines = fonts.splitlines()
        emb = header.index("emb")
        assert lines, fonts
        assert all(line[emb : emb + 3] == "yes" for line in lines), fonts
