"""Periods from reporting duties, their data windows (Decree 09 rules as data), ad hoc periods."""

import datetime as dt

from django.core.exceptions import ValidationError

from kehoach.plans.models import ReportingDuty, UnitScope
from kehoach.reports.models import DataCutoff, ReportPeriod
from kehoach.reports.services import (
    period_create_ad_hoc,
    periods_generate,
    report_open,
    report_submit,
)

from .base import ReportsTestCase


class DutyPeriodsTests(ReportsTestCase):
    def duty(self, period: str, due: str, order: int = 5) -> ReportingDuty:
        return ReportingDuty.objects.create(
            plan=self.district_plan,
            order=order,
            who_as_written="UBND các xã, thị trấn",
            who=self.district,
            who_scope=UnitScope.COMMUNES,
            to_whom=self.district,
            what="Báo cáo định kỳ",
            due=due,
            period=period,
        )

    def periods_of(self, duty: ReportingDuty) -> list[ReportPeriod]:
        periods_generate(plan=self.district_plan)
        return list(ReportPeriod.objects.filter(duty=duty).order_by("start"))

    def test_a_quarterly_duty_makes_four_quarters_due_after_the_data_closes(self) -> None:
        quarters = self.periods_of(self.duty("quý", "**-20"))
        self.assertEqual(
            [q.label for q in quarters],
            ["quý I năm 2024", "quý II năm 2024", "quý III năm 2024", "quý IV năm 2024"],
        )
        second = quarters[1]
        self.assertEqual((second.start, second.end), (dt.date(2024, 4, 1), dt.date(2024, 6, 30)))
        self.assertEqual(second.due, dt.date(2024, 6, 20))
        # Decree 09: from the 15th of the month before the quarter to the 14th of its last month.
        self.assertEqual(
            (second.data_from, second.data_to), (dt.date(2024, 3, 15), dt.date(2024, 6, 14))
        )

    def test_a_monthly_report_due_early_in_the_month_is_due_in_the_next_month(self) -> None:
        months = self.periods_of(self.duty("tháng", "**-05"))
        self.assertEqual(len(months), 12)
        january, december = months[0], months[-1]
        self.assertEqual(january.label, "tháng 1 năm 2024")
        self.assertEqual(january.due, dt.date(2024, 2, 5))
        self.assertEqual(december.due, dt.date(2025, 1, 5))
        self.assertEqual(
            (january.data_from, january.data_to), (dt.date(2023, 12, 15), dt.date(2024, 1, 14))
        )

    def test_a_six_month_duty_due_late_in_the_year_is_the_second_half(self) -> None:
        (second_half,) = self.periods_of(self.duty("6 tháng", "12-20"))
        self.assertEqual(second_half.label, "6 tháng cuối năm 2024")
        self.assertEqual(
            (second_half.start, second_half.end), (dt.date(2024, 7, 1), dt.date(2024, 12, 31))
        )
        self.assertEqual(
            (second_half.data_from, second_half.data_to),
            (dt.date(2024, 6, 15), dt.date(2024, 12, 14)),
        )

    def test_a_year_due_before_december_closes_its_data_on_the_14th_before_the_due_date(
        self,
    ) -> None:
        # The seed plan's annual report is due 30/11, before Decree 09's 14/12: the data closes
        # on the 14th of the due month, the nearest Decree 09 day before the deadline.
        (year,) = self.periods_of(self.duty("năm", "11-30"))
        self.assertEqual(
            (year.data_from, year.data_to), (dt.date(2023, 12, 15), dt.date(2024, 11, 14))
        )

    def test_cut_off_rules_are_data_an_office_can_change(self) -> None:
        DataCutoff.objects.filter(period_kind="quý").update(day=None)
        quarters = self.periods_of(self.duty("quý", "**-20"))
        self.assertEqual(
            (quarters[0].data_from, quarters[0].data_to),
            (dt.date(2024, 1, 1), dt.date(2024, 3, 20)),
        )
        self.assertEqual(
            (quarters[3].data_from, quarters[3].data_to),
            (dt.date(2024, 10, 1), dt.date(2024, 12, 20)),
        )

    def test_regenerating_keeps_the_dates_a_report_was_sent_under(self) -> None:
        report_submit(report=report_open(period=self.period, unit=self.commune_a, by=None), by=None)
        self.half_year_duty.due = "06-25"
        self.half_year_duty.save()
        periods_generate(plan=self.district_plan)
        self.period.refresh_from_db()
        self.assertEqual(self.period.due, dt.date(2024, 6, 15))

    def test_regenerating_follows_the_duty_while_nobody_has_sent_a_report(self) -> None:
        report_open(period=self.period, unit=self.commune_a, by=None)
        self.half_year_duty.due = "06-25"
        self.half_year_duty.save()
        periods_generate(plan=self.district_plan)
        self.period.refresh_from_db()
        self.assertEqual(self.period.due, dt.date(2024, 6, 25))
        self.assertEqual(ReportPeriod.objects.filter(duty=self.half_year_duty).count(), 1)


class AdHocPeriodTests(ReportsTestCase):
    def test_it_counts_the_records_between_its_own_dates(self) -> None:
        period = period_create_ad_hoc(
            plan=self.district_plan,
            duty=self.half_year_duty,
            label="Báo cáo đột xuất về công tác truyền thông tháng 5/2024",
            start=dt.date(2024, 5, 1),
            end=dt.date(2024, 5, 31),
            due=dt.date(2024, 6, 5),
        )
        self.assertEqual(
            (period.data_from, period.data_to), (dt.date(2024, 5, 1), dt.date(2024, 5, 31))
        )
        report = report_open(period=period, unit=self.commune_a, by=None)
        # Only the Cơ Tu leaflet of 20/5 falls in May.
        self.assertEqual(report.figures["products"], 1)

    def test_it_explains_every_wrong_field(self) -> None:
        with self.assertRaises(ValidationError) as raised:
            period_create_ad_hoc(
                plan=self.commune_a_plan,
                duty=self.half_year_duty,
                label=" ",
                start=dt.date(2024, 5, 31),
                end=dt.date(2024, 5, 1),
                due=dt.date(2024, 4, 1),
            )
        self.assertEqual(set(raised.exception.message_dict), {"duty", "label", "end", "due"})
        self.assertFalse(ReportPeriod.objects.filter(plan=self.commune_a_plan).exists())


class DataCutoffAdminTests(ReportsTestCase):
    def test_changing_a_rule_in_the_administration_moves_periods_not_yet_reported(self) -> None:
        rule = DataCutoff.objects.get(period_kind="6 tháng")
        self.client.force_login(self.admin)
        response = self.client.post(
            f"/admin/reports/datacutoff/{rule.pk}/change/",
            {"period_kind": "6 tháng", "day": "", "source": "Lịch dương"},
        )
        self.assertEqual(response.status_code, 302)
        self.period.refresh_from_db()
        self.assertEqual(
            (self.period.data_from, self.period.data_to),
            (dt.date(2024, 1, 1), dt.date(2024, 6, 15)),
        )
