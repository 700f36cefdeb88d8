"""Reports going up the levels, merged units reporting through their successor, reminders."""

import datetime as dt

from django.urls import reverse

from kehoach.activities.models import Notification, NotificationKind
from kehoach.activities.reminders import daily_reminders_send
from kehoach.activities.testing import make_record
from kehoach.plans.models import Plan, ReportingDuty, Task, UnitScope
from kehoach.reports.models import ReportPeriod, ReportStatus
from kehoach.reports.selectors import completeness, report_history
from kehoach.reports.services import (
    periods_generate,
    reminders_send_missing,
    report_accept,
    report_open,
    report_reminders_send,
    report_submit,
)
from kehoach.testing import make_plan
from kehoach.units.models import Unit, UnitKind
from kehoach.units.services import unit_create, unit_merge

from .base import ReportsTestCase


class UpwardTests(ReportsTestCase):
    def accepted(self, unit: Unit) -> None:
        report = report_open(period=self.period, unit=unit, by=None)
        report_accept(report=report_submit(report=report, by=None), by=self.manager)

    def test_a_commune_reports_to_the_district_and_the_district_to_the_province(self) -> None:
        commune = report_open(period=self.period, unit=self.commune_a, by=None)
        district = report_open(period=self.period, unit=self.district, by=None)
        self.assertEqual(commune.receiver, self.district)
        self.assertEqual(district.receiver, self.province)

    def test_the_districts_own_figures_count_its_offices_but_not_its_communes(self) -> None:
        make_record(unit=self.office, tasks=[self.office_task], date=dt.date(2024, 4, 2))
        # Tam Xuân I has records but has not reported: they wait for its report.
        report = report_open(period=self.period, unit=self.district, by=None)
        self.assertEqual(report.figures["products"], 1)
        self.assertEqual([row["unit"] for row in report.figures["units"]], ["Huyện Núi Thành"])

    def test_the_province_sums_the_district_report_without_counting_communes_twice(self) -> None:
        self.accepted(self.commune_a)
        self.accepted(self.commune_b)
        make_record(unit=self.office, tasks=[self.office_task], date=dt.date(2024, 4, 2))
        district = report_open(period=self.period, unit=self.district, by=None)
        # Products: office 1 + Tam Xuân I 2 + Tam Xuân II 1.
        self.assertEqual(district.figures["products"], 4)
        report_accept(report=report_submit(report=district, by=self.manager), by=self.admin)

        province = report_open(period=self.period, unit=self.province, by=None)

        self.assertEqual(province.figures["products"], 4)
        self.assertEqual(
            [row["unit"] for row in province.figures["units"]],
            ["Tỉnh Quảng Nam", "Huyện Núi Thành"],
        )
        self.assertEqual(province.figures["units"][1]["products"], 4)

    def test_a_consolidated_report_adds_up_products_by_language_and_per_task(self) -> None:
        self.accepted(self.commune_a)
        self.accepted(self.commune_b)
        district = report_open(period=self.period, unit=self.district, by=None)
        self.assertEqual(
            district.figures["products_by_language"], {"Tiếng Cơ Tu": 1, "Tiếng Việt": 2}
        )
        counts = {task["number"]: task["count"] for task in district.figures["tasks"]}
        # Task 2: four records of Tam Xuân I; task 3: its leaflet and Tam Xuân II's product.
        self.assertEqual(counts, {"1": 0, "2": 4, "3": 2})

    def test_figures_frozen_at_submission_keep_the_table_per_unit(self) -> None:
        self.accepted(self.commune_a)
        district = report_submit(
            report=report_open(period=self.period, unit=self.district, by=None), by=self.manager
        )
        self.accepted(self.commune_b)
        district.refresh_from_db()
        self.assertEqual(district.status, ReportStatus.SUBMITTED)
        self.assertEqual(len(district.figures["units"]), 2)
        self.assertEqual(district.figures["products"], 2)


class MergedUnitsTests(ReportsTestCase):
    """Tam Xuân I and II merge into the new xã Tam Xuân on 1/7/2025, directly under the province."""

    plan_2025: Plan
    task_2025: Task
    first_half: ReportPeriod
    second_half: ReportPeriod
    tam_xuan: Unit

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan_2025 = make_plan(
            issuer=cls.province,
            title="Kế hoạch truyền thông về quyền con người năm 2025",
            year=2025,
            tasks=[{"number": "1", "title": "Tuyên truyền trên hệ thống truyền thanh cơ sở"}],
        )
        cls.task_2025 = cls.plan_2025.tasks.get()
        for order, due in enumerate(("06-20", "12-20")):
            ReportingDuty.objects.create(
                plan=cls.plan_2025,
                order=order,
                who_as_written="UBND các xã, phường",
                who=cls.province,
                who_scope=UnitScope.COMMUNES,
                to_whom=cls.province,
                what="Báo cáo 6 tháng",
                due=due,
                period="6 tháng",
            )
        cls.first_half, cls.second_half = periods_generate(plan=cls.plan_2025)
        cls.tam_xuan = unit_create(
            name="Xã Tam Xuân",
            kind=UnitKind.COMMUNE,
            parent=cls.province,
            valid_from=dt.date(2025, 7, 1),
        )
        unit_merge(
            sources=[cls.commune_a, cls.commune_b], into=cls.tam_xuan, on=dt.date(2025, 7, 1)
        )
        make_record(unit=cls.commune_a, tasks=[cls.task_2025], date=dt.date(2025, 3, 10))
        make_record(unit=cls.commune_a, tasks=[cls.task_2025], date=dt.date(2025, 6, 20))
        make_record(unit=cls.tam_xuan, tasks=[cls.task_2025], date=dt.date(2025, 10, 1))

    def expected(self, period: ReportPeriod) -> list[str]:
        rows = completeness(period=period, receiver_unit=self.province).rows
        return [row.unit.name for row in rows]

    def test_before_the_merger_the_old_communes_report(self) -> None:
        self.assertEqual(
            self.expected(self.first_half), ["Xã Tam Đàn", "Xã Tam Xuân I", "Xã Tam Xuân II"]
        )

    def test_after_the_merger_the_successor_reports_for_them(self) -> None:
        self.assertEqual(self.expected(self.second_half), ["Xã Tam Đàn", "Xã Tam Xuân"])
        report = report_open(period=self.second_half, unit=self.tam_xuan, by=None)
        # Its own October record and Tam Xuân I's record of 20/6 (in the 15/6–14/12 window).
        self.assertEqual(report.figures["products"], 2)

    def test_reports_before_the_merger_stay_with_the_old_unit_and_show_under_the_successor(
        self,
    ) -> None:
        old = report_open(period=self.first_half, unit=self.commune_a, by=None)
        new = report_open(period=self.second_half, unit=self.tam_xuan, by=None)
        self.assertEqual(old.unit, self.commune_a)
        self.assertEqual(old.figures["products"], 1)
        self.assertEqual(list(report_history(self.tam_xuan)), [new, old])


class ReminderTests(ReportsTestCase):
    def remind(self) -> int:
        rows = completeness(period=self.period, receiver_unit=self.district).rows
        return reminders_send_missing(
            period=self.period,
            receiver=self.district,
            units=[row.unit for row in rows if row.state == "missing"],
            link_for=lambda unit: f"/reports/periods/{self.period.pk}/units/{unit.pk}/",
            today=dt.date(2024, 6, 10),
        )

    def test_it_reminds_the_staff_of_units_that_have_not_reported_once_a_day(self) -> None:
        report_submit(report=report_open(period=self.period, unit=self.commune_a, by=None), by=None)
        self.assertEqual(self.remind(), 1)
        self.assertEqual(self.remind(), 0)
        (notification,) = Notification.objects.filter(kind=NotificationKind.REPORT)
        self.assertEqual(notification.user, self.commune_b_staff)
        self.assertIsNone(notification.task)
        self.assertIn("Xã Tam Xuân II", notification.message)
        self.assertIn("ngày 15 tháng 6 năm 2024", notification.message)
        self.assertEqual(
            notification.link, f"/reports/periods/{self.period.pk}/units/{self.commune_b.pk}/"
        )


class DailyReportRemindersTests(ReportsTestCase):
    def test_the_daily_job_reminds_units_that_have_not_sent_a_report_due_soon(self) -> None:
        report_submit(report=report_open(period=self.period, unit=self.commune_a, by=None), by=None)
        # Due 15/6; reminders start KEHOACH_REMINDER_DAYS (7) before.
        self.assertEqual(report_reminders_send(today=dt.date(2024, 6, 7)), 0)
        self.assertEqual(report_reminders_send(today=dt.date(2024, 6, 8)), 1)
        (notification,) = Notification.objects.filter(kind=NotificationKind.REPORT)
        self.assertEqual(notification.user, self.commune_b_staff)
        self.assertEqual(
            notification.link,
            reverse("reports:unit_report", args=[self.period.pk, self.commune_b.pk]),
        )

    def test_it_stops_two_weeks_after_the_due_date(self) -> None:
        self.assertEqual(report_reminders_send(today=dt.date(2024, 6, 29)), 2)
        self.assertEqual(report_reminders_send(today=dt.date(2024, 6, 30)), 0)

    def test_the_daily_reminders_job_of_activities_runs_them(self) -> None:
        # activities does not import reports: reports registers itself in its AppConfig.ready().
        self.assertEqual(daily_reminders_send(today=dt.date(2024, 6, 10)), 2)
        self.assertEqual(Notification.objects.filter(kind=NotificationKind.REPORT).count(), 2)
