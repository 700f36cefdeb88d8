import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import translation

from kehoach.activities.testing import make_record
from kehoach.plans.models import ReportingDuty
from kehoach.reports.models import Report, ReportPeriod, ReportStatus
from kehoach.reports.services import (
    periods_generate,
    report_accept,
    report_open,
    report_refresh,
    report_return,
    report_save,
    report_submit,
)

from .base import ReportsTestCase, today_is


class PeriodsGenerateTests(ReportsTestCase):
    def test_it_makes_the_first_half_year_due_on_the_duty_day(self) -> None:
        self.assertEqual(self.period.label, "6 tháng đầu năm 2024")
        self.assertEqual(self.period.start, dt.date(2024, 1, 1))
        self.assertEqual(self.period.end, dt.date(2024, 6, 30))
        self.assertEqual(self.period.due, dt.date(2024, 6, 15))
        # Decree 09/2019: the data of the first half runs from 15/12 of the year before to 14/6.
        self.assertEqual(self.period.data_from, dt.date(2023, 12, 15))
        self.assertEqual(self.period.data_to, dt.date(2024, 6, 14))

    def test_it_runs_a_yearly_report_up_to_its_due_date_and_is_idempotent(self) -> None:
        ReportingDuty.objects.create(
            plan=self.district_plan,
            order=1,
            who_as_written="Phòng Văn hóa và Thông tin",
            who=self.office,
            what="Báo cáo kết quả thực hiện năm",
            due="11-20",
            period="năm",
        )
        ReportingDuty.objects.create(
            plan=self.district_plan, order=2, who_as_written="Các xã", what="Đột xuất"
        )
        periods = periods_generate(plan=self.district_plan)
        self.assertEqual(len(periods), 2)
        yearly = periods[1]
        self.assertEqual((yearly.start, yearly.end), (dt.date(2024, 1, 1), dt.date(2024, 11, 20)))
        self.assertEqual(yearly.label, "năm 2024")
        periods_generate(plan=self.district_plan)
        self.assertEqual(ReportPeriod.objects.filter(plan=self.district_plan).count(), 2)


class ReportOpenTests(ReportsTestCase):
    def test_it_prefills_the_figures_of_the_period_and_the_plan(self) -> None:
        report = report_open(period=self.period, unit=self.commune_a, by=self.commune_a_staff)
        figures = report.figures
        self.assertEqual(figures["records"], 4)
        self.assertEqual(figures["products"], 2)
        self.assertEqual(figures["products_minority_or_foreign"], 1)
        self.assertEqual(figures["products_digital"], 1)
        self.assertEqual(figures["products_by_language"], {"Tiếng Cơ Tu": 1, "Tiếng Việt": 1})
        self.assertEqual(figures["products_by_platform"], {"Báo in, ấn phẩm": 1, "Mạng xã hội": 1})
        self.assertEqual(figures["trainings"], 1)
        self.assertEqual(figures["attendance"], 2)
        self.assertEqual((figures["broadcasts"], figures["broadcast_times"]), (1, 3))
        counts = {task["title"]: task["count"] for task in figures["tasks"]}
        self.assertEqual(counts["Phát sóng trên đài truyền thanh xã"], 4)
        self.assertEqual(counts["Cổ động trực quan tại các xã"], 1)
        self.assertEqual(counts["Theo dõi thông tin báo chí"], 0)

    def test_it_drafts_a_narrative_from_the_numbers(self) -> None:
        report = report_open(period=self.period, unit=self.commune_a, by=self.commune_a_staff)
        self.assertIn(
            "đơn vị đã thực hiện 2 sản phẩm truyền thông, trong đó 1 sản phẩm", report.narrative
        )
        self.assertIn("tổng cộng 3 lượt phát", report.narrative)
        self.assertEqual(report.status, ReportStatus.DRAFT)

    def test_it_opens_the_same_report_twice(self) -> None:
        first = report_open(period=self.period, unit=self.commune_a, by=self.commune_a_staff)
        second = report_open(period=self.period, unit=self.commune_a, by=self.commune_a_staff)
        self.assertEqual(first.pk, second.pk)
        self.assertEqual(Report.objects.count(), 1)


class ReportSaveTests(ReportsTestCase):
    def test_it_saves_the_texts_and_bumps_the_version(self) -> None:
        report = report_open(period=self.period, unit=self.commune_a, by=self.commune_a_staff)
        saved = report_save(
            report=report,
            by=self.commune_a_staff,
            version=1,
            results="Tổ chức tốt việc tuyên truyền trên loa truyền thanh.",
        )
        self.assertEqual(saved.version, 2)
        self.assertIn("loa truyền thanh", saved.results)

    def test_it_refuses_a_stale_version_and_changes_nothing(self) -> None:
        report = report_open(period=self.period, unit=self.commune_a, by=self.commune_a_staff)
        report_save(report=report, by=self.commune_a_staff, version=1, proposals="Cấp kinh phí.")
        with translation.override("en"), self.assertRaises(ValidationError) as caught:
            report_save(report=report, by=self.manager, version=1, proposals="Bản cũ.")
        self.assertEqual(caught.exception.code, "stale")
        self.assertIn("someone else", caught.exception.messages[0])
        report.refresh_from_db()
        self.assertEqual((report.proposals, report.version), ("Cấp kinh phí.", 2))


class ReportWorkflowTests(ReportsTestCase):
    def open(self) -> Report:
        return report_open(period=self.period, unit=self.commune_a, by=self.commune_a_staff)

    def test_figures_follow_records_until_submission_then_freeze(self) -> None:
        report = self.open()
        make_record(unit=self.commune_a, tasks=[self.commune_task], date=dt.date(2024, 6, 10))
        report = report_refresh(report=report)
        self.assertEqual(report.figures["products"], 3)
        with today_is(dt.date(2024, 6, 14)):
            report = report_submit(report=report, by=self.commune_a_staff)
        make_record(unit=self.commune_a, tasks=[self.commune_task], date=dt.date(2024, 6, 20))
        with self.assertRaises(ValidationError):
            report_refresh(report=report)
        report.refresh_from_db()
        self.assertEqual(report.figures["products"], 3)
        self.assertFalse(report.late)
        with self.assertRaises(ValidationError):
            report_save(report=report, by=self.commune_a_staff, version=report.version, results="x")

    def test_it_marks_a_report_submitted_after_the_due_date_late(self) -> None:
        with today_is(dt.date(2024, 6, 16)):
            report = report_submit(report=self.open(), by=self.commune_a_staff)
        self.assertTrue(report.late)
        self.assertIsNotNone(report.submitted_at)

    def test_return_keeps_the_comment_and_resubmission_keeps_the_history(self) -> None:
        report = report_submit(report=self.open(), by=self.commune_a_staff)
        with self.assertRaises(ValidationError):
            report_return(report=report, by=self.manager, comment="  ")
        report = report_return(
            report=report, by=self.manager, comment="Bổ sung số liệu lớp tập huấn."
        )
        self.assertEqual(report.status, ReportStatus.RETURNED)
        report = report_save(
            report=report, by=self.commune_a_staff, version=report.version, results="Đã bổ sung."
        )
        report = report_submit(report=report, by=self.commune_a_staff)
        report = report_accept(report=report, by=self.manager)
        events = list(report.events.values_list("status_from", "status_to", "comment"))
        self.assertEqual(
            events,
            [
                ("", "draft", ""),
                ("draft", "submitted", ""),
                ("submitted", "returned", "Bổ sung số liệu lớp tập huấn."),
                ("returned", "submitted", ""),
                ("submitted", "accepted", ""),
            ],
        )

    def test_it_refuses_invalid_transitions(self) -> None:
        report = self.open()
        with self.assertRaises(ValidationError):
            report_accept(report=report, by=self.manager)
        with self.assertRaises(ValidationError):
            report_return(report=report, by=self.manager, comment="Chưa nộp.")
        report = report_accept(
            report=report_submit(report=report, by=self.commune_a_staff), by=self.manager
        )
        with self.assertRaises(ValidationError):
            report_submit(report=report, by=self.commune_a_staff)
        report.refresh_from_db()
        self.assertEqual(report.status, ReportStatus.ACCEPTED)
        self.assertEqual(report.events.count(), 3)
