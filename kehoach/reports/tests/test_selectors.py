import datetime as dt
import io
from unittest import mock

import docx
from django.utils.translation import gettext as _

from kehoach.activities.testing import make_record
from kehoach.lib.documents import write_docx
from kehoach.reports.selectors import completeness, consolidate, figures_table, report_document
from kehoach.reports.services import (
    report_accept,
    report_open,
    report_return,
    report_save,
    report_submit,
)
from kehoach.units.models import Unit, UnitKind
from kehoach.units.services import unit_create

from .base import ReportsTestCase, today_is


class CompletenessTests(ReportsTestCase):
    def test_it_lists_every_commune_valid_in_the_period_with_its_state(self) -> None:
        tam_anh = unit_create(name="Xã Tam Anh Bắc", kind=UnitKind.COMMUNE, parent=self.district)
        tam_hiep = unit_create(name="Xã Tam Hiệp", kind=UnitKind.COMMUNE, parent=self.district)
        # Merged away before 2024: not expected to report.
        unit_create(
            name="Xã Tam Hòa",
            kind=UnitKind.COMMUNE,
            parent=self.district,
            valid_to=dt.date(2023, 12, 31),
        )
        with today_is(dt.date(2024, 6, 15)):
            report_submit(
                report=report_open(period=self.period, unit=self.commune_a, by=None), by=None
            )
        with today_is(dt.date(2024, 6, 20)):
            report_submit(report=report_open(period=self.period, unit=tam_anh, by=None), by=None)
        report_open(period=self.period, unit=tam_hiep, by=None)

        result = completeness(period=self.period, receiver_unit=self.district)

        states = {row.unit.name: row.state for row in result.rows}
        self.assertEqual(
            states,
            {
                "Xã Tam Xuân I": "on_time",
                "Xã Tam Xuân II": "missing",
                "Xã Tam Anh Bắc": "late",
                "Xã Tam Hiệp": "draft",
            },
        )
        self.assertEqual(
            result.counts,
            {"on_time": 1, "late": 1, "missing": 1, "draft": 1, "returned": 0},
        )

    def test_a_returned_report_shows_as_returned(self) -> None:
        report = report_submit(
            report=report_open(period=self.period, unit=self.commune_b, by=None), by=None
        )
        report_return(report=report, by=self.manager, comment="Thiếu số liệu phát thanh.")
        result = completeness(period=self.period, receiver_unit=self.district)
        row = next(row for row in result.rows if row.unit == self.commune_b)
        self.assertEqual(row.state, "returned")
        assert row.report is not None
        comments = list(row.report.events.values_list("comment", flat=True))
        self.assertEqual(comments[-1], "Thiếu số liệu phát thanh.")


class ConsolidateTests(ReportsTestCase):
    def accepted(self, unit: Unit) -> None:
        report = report_open(period=self.period, unit=unit, by=None)
        report_accept(report=report_submit(report=report, by=None), by=self.manager)

    def test_it_sums_the_accepted_reports_below_and_the_units_own_figures(self) -> None:
        self.accepted(self.commune_a)
        self.accepted(self.commune_b)
        # The district's own record: 1 product.
        make_record(unit=self.district, tasks=[self.office_task], date=dt.date(2024, 4, 2))

        result = consolidate(period=self.period, unit=self.district)

        # Products: district 1 + Tam Xuân I 2 + Tam Xuân II 1.
        self.assertEqual(result.totals["products"], 4)
        self.assertEqual(result.totals["trainings"], 1)
        self.assertEqual(result.totals["attendance"], 2)
        self.assertEqual(result.totals["broadcast_times"], 3)
        names = [unit.name for unit, _figures in result.per_unit]
        self.assertEqual(names, ["Huyện Núi Thành", "Xã Tam Xuân I", "Xã Tam Xuân II"])
        district_report = report_open(period=self.period, unit=self.district, by=None)
        self.assertEqual(figures_table(district_report.figures)[-1][:2], [_("Total"), "4"])

    def test_it_leaves_out_reports_not_yet_accepted(self) -> None:
        self.accepted(self.commune_a)
        report_submit(report=report_open(period=self.period, unit=self.commune_b, by=None), by=None)
        result = consolidate(period=self.period, unit=self.district)
        self.assertEqual(result.totals["products"], 2)
        self.assertEqual(len(result.per_unit), 2)


class ReportDocumentTests(ReportsTestCase):
    def test_it_builds_a_decree_30_report_with_title_receiver_and_texts(self) -> None:
        report = report_open(period=self.period, unit=self.commune_a, by=None)
        report = report_save(
            report=report,
            by=None,
            version=report.version,
            shortcomings="Một số thôn chưa có loa truyền thanh.",
        )
        document = report_document(report=report)
        self.assertEqual(document.title_kind, "BÁO CÁO")
        self.assertEqual(
            document.title, "Kết quả thực hiện Kế hoạch số 125/KH-UBND 6 tháng đầu năm 2024"
        )
        self.assertEqual(document.recipients_to, ["Ủy ban nhân dân huyện Núi Thành"])
        self.assertEqual(
            (document.issuer_parent, document.issuer), ("ỦY BAN NHÂN DÂN", "Xã Tam Xuân I")
        )
        # A draft: the signer fills in the day.
        self.assertEqual(document.place, "Tam Xuân I")
        self.assertIsNone(document.date)

        text = "\n".join(p.text for p in docx.Document(io.BytesIO(write_docx(document))).paragraphs)
        self.assertIn("6 tháng đầu năm 2024", text)
        self.assertIn("Một số thôn chưa có loa truyền thanh.", text)

    def test_a_sent_report_is_dated_the_day_it_was_sent(self) -> None:
        with today_is(dt.date(2024, 6, 14)):
            report = report_open(period=self.period, unit=self.commune_a, by=None)
        with mock.patch(
            "kehoach.reports.services.timezone.now",
            return_value=dt.datetime(2024, 6, 14, 3, 0, tzinfo=dt.UTC),
        ):
            report = report_submit(report=report, by=None)
        document = report_document(report=report)
        self.assertEqual(document.date, dt.date(2024, 6, 14))
        self.assertEqual(document.place_date_line, "Tam Xuân I, ngày 14 tháng 6 năm 2024")

    def test_an_office_writes_under_its_district_committee(self) -> None:
        report = report_open(period=self.period, unit=self.office, by=None)
        document = report_document(report=report)
        self.assertEqual(
            (document.issuer_parent, document.issuer),
            ("UBND huyện Núi Thành", "Phòng Văn hóa và Thông tin huyện Núi Thành"),
        )
        self.assertEqual(document.place, "Núi Thành")
        self.assertEqual(document.recipients_to, ["Ủy ban nhân dân huyện Núi Thành"])

    def test_a_plan_without_number_is_named_by_its_title(self) -> None:
        self.district_plan.number = ""
        self.district_plan.save()
        report = report_open(period=self.period, unit=self.commune_a, by=None)
        self.assertEqual(
            report_document(report=report).title,
            "Kết quả thực hiện Kế hoạch triển khai Đề án truyền thông về quyền con người năm 2024"
            " 6 tháng đầu năm 2024",
        )

    def test_a_consolidated_report_has_a_table_per_unit(self) -> None:
        accepted = report_open(period=self.period, unit=self.commune_a, by=None)
        report_accept(report=report_submit(report=accepted, by=None), by=self.manager)
        district_report = report_open(period=self.period, unit=self.district, by=None)
        document = report_document(report=district_report)
        table = document.sections[-1].table
        assert table is not None
        self.assertEqual(
            [row[0] for row in table[1:]], ["Huyện Núi Thành", "Xã Tam Xuân I", _("Total")]
        )
        rendered = docx.Document(io.BytesIO(write_docx(document)))
        cells = {cell.text for t in rendered.tables for row in t.rows for cell in row.cells}
        self.assertIn("Xã Tam Xuân I", cells)
