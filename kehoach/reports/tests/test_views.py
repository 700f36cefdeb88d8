"""The report pages: periods, a unit's pre-filled report, saving without overwriting, the
workflow with its history, the receiver's board and reminders, consolidation, and exports."""

import datetime as dt
import io
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import override_settings
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from kehoach.accounts.models import Role
from kehoach.accounts.services import user_create_with_role
from kehoach.activities.models import Notification, NotificationKind
from kehoach.plans.models import ReportingDuty, UnitScope
from kehoach.plans.models import ReportPeriod as PeriodKind
from kehoach.reports.models import Report, ReportEvent, ReportPeriod, ReportStatus
from kehoach.reports.services import (
    period_create_ad_hoc,
    report_accept,
    report_open,
    report_return,
    report_save,
    report_submit,
)
from kehoach.testing import PASSWORD
from kehoach.units.models import Unit, UnitKind
from kehoach.units.services import unit_create, unit_merge

from .base import ReportsTestCase, today_is


class ReportViewCase(ReportsTestCase):
    def setUp(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # read the English msgids

    def relogin(self, user: User) -> None:
        """Log out and in as another user; logging out forgets the language cookie."""
        self.client.logout()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.login(user)

    def open_report(self, unit: Unit | None = None) -> Report:
        unit = unit or self.commune_a
        return report_open(period=self.period, unit=unit, by=self.commune_a_staff)

    def report_url(self, report: Report, name: str = "reports:report") -> str:
        return reverse(name, args=[report.pk])

    def texts(self, report: Report, **changes: str) -> dict[str, object]:
        data: dict[str, object] = {
            "results": report.results,
            "shortcomings": report.shortcomings,
            "proposals": report.proposals,
            "narrative": report.narrative,
            "version": report.version,
        }
        data.update(changes)
        return data


class PeriodListTest(ReportViewCase):
    def test_it_shows_each_periods_data_window_and_due_date(self):
        self.login(self.commune_a_staff)
        response = self.client.get(reverse("reports:periods"))
        assert response.status_code == 200
        self.assertContains(response, "6 tháng đầu năm 2024")
        # Decree 09/2019: records from 15/12 of the year before to 14/6; due on 15/6.
        self.assertContains(response, "15/12/2023 – 14/6/2024")
        self.assertContains(response, "15/6/2024")

    def test_it_shows_the_status_of_the_users_own_report(self):
        report = self.open_report()
        report_submit(report=report, by=self.commune_a_staff)
        self.login(self.commune_a_staff)
        response = self.client.get(reverse("reports:periods"))
        assert response.context["rows"] == [(self.period, [report])]
        self.assertContains(response, "Submitted")

    def test_it_filters_by_plan_year_and_kind(self):
        ad_hoc = period_create_ad_hoc(
            plan=self.district_plan,
            duty=self.half_year_duty,
            label="đột xuất về Ngày Quyền con người 10/12",
            start=dt.date(2024, 11, 1),
            end=dt.date(2024, 12, 10),
            due=dt.date(2024, 12, 15),
        )
        self.login(self.manager)
        url = reverse("reports:periods")
        by_kind = self.client.get(url, {"kind": PeriodKind.AD_HOC})
        assert [period for period, _own in by_kind.context["rows"]] == [ad_hoc]
        by_plan = self.client.get(url, {"plan": self.district_plan.pk, "year": 2024})
        assert {period for period, _own in by_plan.context["rows"]} == {self.period, ad_hoc}
        half_year = self.client.get(url, {"kind": PeriodKind.HALF_YEAR.value, "year": "2024"})
        assert [period for period, _own in half_year.context["rows"]] == [self.period]

    @override_settings(KEHOACH_PAGE_SIZE=1)
    def test_it_pages_the_list(self):
        period_create_ad_hoc(
            plan=self.district_plan,
            duty=self.half_year_duty,
            label="đột xuất quý III",
            start=dt.date(2024, 7, 1),
            end=dt.date(2024, 9, 30),
            due=dt.date(2024, 10, 5),
        )
        self.login(self.manager)
        first = self.client.get(reverse("reports:periods"))
        assert len(first.context["rows"]) == 1
        assert first.context["page"].paginator.num_pages == 2
        self.assertContains(first, "Page 1 of 2")
        second = self.client.get(reverse("reports:periods"), {"page": 2})
        assert second.context["rows"][0][0] != first.context["rows"][0][0]

    def test_the_plans_managers_get_the_buttons_to_make_periods(self):
        url = reverse("reports:periods") + f"?plan={self.district_plan.pk}"
        generate = reverse("reports:generate", args=[self.district_plan.pk])
        self.login(self.manager)
        self.assertContains(self.client.get(url), generate)
        self.relogin(self.commune_a_staff)
        self.assertNotContains(self.client.get(url), generate)


class PeriodManagementTest(ReportViewCase):
    def test_generating_adds_the_periods_of_a_new_quarterly_duty(self):
        ReportingDuty.objects.create(
            plan=self.district_plan,
            order=1,
            who_as_written="Phòng Văn hóa và Thông tin",
            who=self.office,
            to_whom=self.district,
            what="Báo cáo quý",
            due="**-20",
            period=PeriodKind.QUARTER,
        )
        self.login(self.manager)
        response = self.client.post(reverse("reports:generate", args=[self.district_plan.pk]))
        assert response.status_code == 302
        labels = list(
            ReportPeriod.objects.filter(plan=self.district_plan).values_list("label", flat=True)
        )
        assert len(labels) == 5
        assert "quý II năm 2024" in labels

    def test_a_manager_creates_an_ad_hoc_period(self):
        self.login(self.manager)
        url = reverse("reports:period_new", args=[self.district_plan.pk])
        assert self.client.get(url).status_code == 200
        response = self.client.post(
            url,
            {
                "duty": self.half_year_duty.pk,
                "label": "đột xuất về tuyên truyền Ngày Quyền con người",
                "start": "2024-11-01",
                "end": "2024-12-10",
                "due": "2024-12-15",
            },
        )
        period = ReportPeriod.objects.get(kind=PeriodKind.AD_HOC)
        self.assertRedirects(response, reverse("reports:period", args=[period.pk]))
        assert (period.data_from, period.data_to) == (dt.date(2024, 11, 1), dt.date(2024, 12, 10))
        board = self.client.get(reverse("reports:period", args=[period.pk]))
        self.assertContains(board, "1/11/2024 – 10/12/2024")

    def test_the_ad_hoc_form_shows_why_dates_are_refused(self):
        self.login(self.manager)
        response = self.client.post(
            reverse("reports:period_new", args=[self.district_plan.pk]),
            {
                "duty": self.half_year_duty.pk,
                "label": "đột xuất",
                "start": "2024-11-01",
                "end": "2024-10-01",
                "due": "2024-12-15",
            },
        )
        assert response.status_code == 200
        assert "end" in response.context["form"].errors
        self.assertContains(response, "The period ends before it starts.")
        assert not ReportPeriod.objects.filter(kind=PeriodKind.AD_HOC).exists()


class UnitReportTest(ReportViewCase):
    def test_the_communes_staff_open_a_report_prefilled_from_its_records(self):
        self.login(self.commune_a_staff)
        response = self.client.get(
            reverse("reports:unit_report", args=[self.period.pk, self.commune_a.pk])
        )
        report = Report.objects.get(period=self.period, unit=self.commune_a)
        self.assertRedirects(response, self.report_url(report))
        page = self.client.get(self.report_url(report))
        rows = dict(page.context["figure_rows"])
        assert rows["Products"] == 2
        assert rows["In minority or foreign languages"] == 1
        assert rows["Attendance"] == 2
        assert rows["Times aired"] == 3
        self.assertContains(page, "Tiếng Cơ Tu")
        self.assertContains(page, "Mạng xã hội")
        # The drafted narrative is in the form, to be edited.
        assert page.context["form"].initial["narrative"] == report.narrative
        # Drafted in the site's language for the official document, whatever the reader's.
        self.assertContains(page, "đơn vị đã thực hiện 2 sản phẩm truyền thông")

    def test_opening_twice_gives_the_same_report(self):
        self.login(self.commune_a_staff)
        url = reverse("reports:unit_report", args=[self.period.pk, self.commune_a.pk])
        self.client.get(url)
        self.client.get(url)
        assert Report.objects.filter(period=self.period).count() == 1

    def test_a_unit_that_neither_reports_nor_receives_has_no_report(self):
        self.login(self.manager)
        url = reverse("reports:unit_report", args=[self.period.pk, self.office.pk])
        assert self.client.get(url).status_code == 404
        assert not Report.objects.exists()


class ReportSaveTest(ReportViewCase):
    def test_it_saves_the_texts(self):
        report = self.open_report()
        self.login(self.commune_a_staff)
        response = self.client.post(
            self.report_url(report),
            self.texts(report, results="Đã phát 12 chuyên mục trên loa truyền thanh."),
        )
        self.assertRedirects(response, self.report_url(report))
        report.refresh_from_db()
        assert report.results == "Đã phát 12 chuyên mục trên loa truyền thanh."
        assert report.version == 2

    def test_a_stale_save_is_refused_and_the_typed_text_stays_in_the_form(self):
        report = self.open_report()
        self.login(self.commune_a_staff)
        stale = self.texts(report, results="Văn bản anh Hùng vừa gõ, chưa lưu.")
        # Meanwhile a colleague saved from the same version.
        report_save(
            report=report, by=self.manager, version=report.version, results="Bản của huyện."
        )
        response = self.client.post(self.report_url(report), stale)
        assert response.status_code == 409
        self.assertContains(response, "updated by someone else", status_code=409)
        self.assertContains(response, "Văn bản anh Hùng vừa gõ, chưa lưu.", status_code=409)
        report.refresh_from_db()
        assert report.results == "Bản của huyện."
        # The colleague's text is shown beside; the form keeps the version the user started
        # from, so saving again is refused too: nothing is ever overwritten silently.
        self.assertContains(response, "Bản của huyện.", status_code=409)
        assert response.context["form"]["version"].value() == str(stale["version"])

    def test_a_submitted_report_can_no_longer_be_changed(self):
        report = self.open_report()
        report_submit(report=report, by=self.commune_a_staff)
        self.login(self.commune_a_staff)
        response = self.client.post(
            self.report_url(report), self.texts(report, results="Sửa sau khi gửi")
        )
        assert response.status_code == 409
        self.assertContains(response, "can no longer be changed", status_code=409)
        report.refresh_from_db()
        assert report.results == ""


class WorkflowTest(ReportViewCase):
    def test_sending_saves_the_texts_and_submits_with_who_and_when(self):
        report = self.open_report()
        self.login(self.commune_a_staff)
        with today_is(dt.date(2024, 6, 10)):
            response = self.client.post(
                self.report_url(report, "reports:submit"),
                self.texts(report, results="Hoàn thành các nhiệm vụ 6 tháng đầu năm."),
            )
        self.assertRedirects(response, self.report_url(report))
        report.refresh_from_db()
        assert report.status == ReportStatus.SUBMITTED
        assert report.results == "Hoàn thành các nhiệm vụ 6 tháng đầu năm."
        assert not report.late
        page = self.client.get(self.report_url(report))
        assert not page.context["editable"]
        self.assertContains(page, "Draft → Submitted")
        self.assertContains(page, "Lê Văn Hùng")

    def test_a_report_sent_after_its_due_date_is_marked_late(self):
        report = self.open_report()
        self.login(self.commune_a_staff)
        with today_is(dt.date(2024, 6, 20)):
            self.client.post(self.report_url(report, "reports:submit"))
        report.refresh_from_db()
        assert report.status == ReportStatus.SUBMITTED and report.late

    def test_a_return_needs_a_comment(self):
        report = self.open_report()
        report_submit(report=report, by=self.commune_a_staff)
        self.login(self.manager)
        response = self.client.post(self.report_url(report, "reports:return"), {"comment": " "})
        assert response.status_code == 400
        assert "comment" in response.context["return_form"].errors
        report.refresh_from_db()
        assert report.status == ReportStatus.SUBMITTED

    def test_the_return_comment_is_shown_to_the_unit_and_resubmitting_keeps_the_history(self):
        report = self.open_report()
        report_submit(report=report, by=self.commune_a_staff)
        self.login(self.manager)
        comment = "Bổ sung số lượt phát sóng tiếng Cơ Tu tại thôn Phú Tân."
        self.client.post(self.report_url(report, "reports:return"), {"comment": comment})
        report.refresh_from_db()
        assert report.status == ReportStatus.RETURNED

        self.relogin(self.commune_a_staff)
        page = self.client.get(self.report_url(report))
        assert page.context["return_comment"].comment == comment
        assert page.context["editable"]
        self.assertContains(page, "Returned by Nguyễn Văn Toàn")
        self.client.post(
            self.report_url(report, "reports:submit"),
            self.texts(report, results="Đã bổ sung: 6 lượt phát sóng tiếng Cơ Tu."),
        )
        report.refresh_from_db()
        assert report.status == ReportStatus.SUBMITTED
        steps = list(report.events.values_list("status_from", "status_to", "by__username"))
        assert steps == [
            ("", "draft", "tamxuan1"),
            ("draft", "submitted", "tamxuan1"),
            ("submitted", "returned", "quanly"),
            ("returned", "submitted", "tamxuan1"),
        ]
        page = self.client.get(self.report_url(report))
        assert page.context["return_comment"] is None
        self.assertContains(page, comment)  # kept in the history

    def test_the_receiver_accepts_a_submitted_report(self):
        report = self.open_report()
        report_submit(report=report, by=self.commune_a_staff)
        self.login(self.manager)
        page = self.client.get(self.report_url(report))
        assert page.context["reviewable"]
        self.client.post(self.report_url(report, "reports:accept"))
        report.refresh_from_db()
        assert report.status == ReportStatus.ACCEPTED
        assert ReportEvent.objects.filter(report=report, status_to="accepted").get().by == (
            self.manager
        )

    def test_an_impossible_move_is_explained_not_made(self):
        report = self.open_report()
        self.login(self.manager)
        response = self.client.post(self.report_url(report, "reports:accept"), follow=True)
        self.assertContains(response, "cannot become")
        report.refresh_from_db()
        assert report.status == ReportStatus.DRAFT

    def test_refreshing_counts_records_entered_since(self):
        from kehoach.activities.testing import make_record

        report = self.open_report()
        make_record(unit=self.commune_a, tasks=[self.commune_task], date=dt.date(2024, 6, 1))
        self.login(self.commune_a_staff)
        self.client.post(self.report_url(report, "reports:refresh"))
        report.refresh_from_db()
        assert report.figures["products"] == 3


class BoardTest(ReportViewCase):
    """Hand-counted: of the five communes, Tam Xuân I sent on time, Tam Anh Bắc late, Tam Xuân II
    never opened its report, Tam Anh Nam keeps a draft and Tam Hòa's report was returned."""

    commune_c: Unit
    commune_d: Unit
    commune_e: Unit

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()

        def commune(name: str, username: str) -> Unit:
            unit = unit_create(name=name, kind=UnitKind.COMMUNE, parent=cls.district)
            user_create_with_role(
                username=username, password=PASSWORD, role=Role.UNIT_STAFF, unit=unit
            )
            return unit

        cls.commune_c = commune("Xã Tam Anh Bắc", "tamanhbac")
        cls.commune_d = commune("Xã Tam Anh Nam", "tamanhnam")
        cls.commune_e = commune("Xã Tam Hòa", "tamhoa")
        opened = {
            unit.pk: report_open(period=cls.period, unit=unit, by=None)
            for unit in (cls.commune_a, cls.commune_c, cls.commune_d, cls.commune_e)
        }
        with today_is(dt.date(2024, 6, 14)):
            report_submit(report=opened[cls.commune_a.pk], by=None)
            report_submit(report=opened[cls.commune_e.pk], by=None)
        with today_is(dt.date(2024, 6, 25)):
            report_submit(report=opened[cls.commune_c.pk], by=None)
        report_return(report=opened[cls.commune_e.pk], by=cls.manager, comment="Thiếu số liệu")

    def board(self):
        self.login(self.manager)
        response = self.client.get(reverse("reports:period", args=[self.period.pk]))
        assert response.status_code == 200
        [board] = response.context["boards"]
        return response, board

    def test_it_counts_each_state_as_counted_by_hand(self):
        response, board = self.board()
        assert board["receiver"] == self.district
        counts = {state: count for state, _badge, _label, count in board["counts"]}
        assert counts == {"on_time": 1, "late": 1, "missing": 1, "draft": 1, "returned": 1}
        assert board["expected"] == 5
        states = {row["unit"].name: row["state"] for row in board["rows"]}
        assert states == {
            "Xã Tam Xuân I": "on_time",
            "Xã Tam Xuân II": "missing",
            "Xã Tam Anh Bắc": "late",
            "Xã Tam Anh Nam": "draft",
            "Xã Tam Hòa": "returned",
        }
        assert board["to_remind"] == 3
        self.assertContains(
            response, reverse("reports:remind", args=[self.period.pk, self.district.pk])
        )

    def test_a_commune_sees_its_own_report_not_the_board(self):
        self.login(self.commune_a_staff)
        response = self.client.get(reverse("reports:period", args=[self.period.pk]))
        assert response.context["boards"] == []
        [(unit, report)] = response.context["own"]
        assert unit == self.commune_a and report.status == ReportStatus.SUBMITTED
        self.assertNotContains(response, "Xã Tam Anh Nam")

    def test_reminding_asks_first_and_then_writes_to_the_missing_units_staff_only(self):
        self.login(self.manager)
        url = reverse("reports:remind", args=[self.period.pk, self.district.pk])
        confirm = self.client.get(url)
        assert {unit.name for unit, _state in confirm.context["rows"]} == {
            "Xã Tam Xuân II",
            "Xã Tam Anh Nam",
            "Xã Tam Hòa",
        }
        assert not Notification.objects.exists()

        response = self.client.post(url)
        self.assertRedirects(response, reverse("reports:period", args=[self.period.pk]))
        reminded = Notification.objects.filter(kind=NotificationKind.REPORT)
        assert sorted(reminded.values_list("user__username", flat=True)) == [
            "tamanhnam",
            "tamhoa",
            "tamxuan2",
        ]
        note = reminded.get(user__username="tamxuan2")
        assert note.link == reverse("reports:unit_report", args=[self.period.pk, self.commune_b.pk])
        # Once a day: reminding again the same day writes nothing more.
        again = self.client.post(url, follow=True)
        assert reminded.count() == 3
        self.assertContains(again, "already reminded today")

    def test_the_missing_commune_follows_the_reminders_link_to_a_new_report(self):
        self.login(self.commune_b_staff)
        link = reverse("reports:unit_report", args=[self.period.pk, self.commune_b.pk])
        response = self.client.get(link)
        report = Report.objects.get(period=self.period, unit=self.commune_b)
        self.assertRedirects(response, self.report_url(report))

    def test_the_district_builds_its_consolidated_report_from_accepted_reports(self):
        accepted = Report.objects.get(period=self.period, unit=self.commune_a)
        report_accept(report=accepted, by=self.manager)
        response, board = self.board()
        assert board["own_report"] is None
        url = reverse("reports:unit_report", args=[self.period.pk, self.district.pk])
        self.assertContains(response, url)

        opened = self.client.get(url)
        consolidated = Report.objects.get(period=self.period, unit=self.district)
        self.assertRedirects(opened, self.report_url(consolidated))
        assert consolidated.receiver == self.province
        page = self.client.get(self.report_url(consolidated))
        table = page.context["units_table"]
        assert [row[0] for row in table[1:]] == ["Huyện Núi Thành", "Xã Tam Xuân I", "Total"]
        assert table[-1][1] == "2"  # products: only the accepted report's
        self.assertContains(page, "Figures by unit")

        # It is sent upward like any report; the district does not review its own.
        self.client.post(self.report_url(consolidated, "reports:submit"))
        consolidated.refresh_from_db()
        assert consolidated.status == ReportStatus.SUBMITTED
        assert self.client.post(self.report_url(consolidated, "reports:accept")).status_code == 403


class HistoryTest(ReportViewCase):
    def test_a_merged_communes_reports_show_under_its_successor(self):
        old_report = self.open_report()
        report_submit(report=old_report, by=self.commune_a_staff)
        successor = unit_create(
            name="Xã Tam Xuân",
            kind=UnitKind.COMMUNE,
            parent=self.district,
            valid_from=dt.date(2025, 7, 1),
        )
        unit_merge(sources=[self.commune_a, self.commune_b], into=successor, on=dt.date(2025, 7, 1))
        period = period_create_ad_hoc(
            plan=self.district_plan,
            duty=self.half_year_duty,
            label="đột xuất tháng 9 năm 2025",
            start=dt.date(2025, 9, 1),
            end=dt.date(2025, 9, 30),
            due=dt.date(2025, 10, 5),
        )
        new_report = report_open(period=period, unit=successor, by=self.manager)
        self.login(self.manager)
        page = self.client.get(self.report_url(new_report))
        assert page.context["history"] == [(old_report, True)]
        self.assertContains(page, self.report_url(old_report))


class ExportTest(ReportViewCase):
    def setUp(self) -> None:
        super().setUp()
        self.report = self.open_report()
        report_save(
            report=self.report,
            by=self.commune_a_staff,
            version=self.report.version,
            results="Tổ chức 01 lớp tập huấn cho cán bộ thôn.",
        )
        self.login(self.commune_a_staff)

    def export(self, fmt: str):
        return self.client.get(reverse("reports:export", args=[self.report.pk, fmt]))

    def test_the_docx_is_an_official_report(self):
        response = self.export("docx")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in response["Content-Disposition"]
        assert "bao-cao-xa-tam-xuan-i" in response["Content-Disposition"]
        document = Document(io.BytesIO(response.content))
        text = "\n".join(p.text for p in document.paragraphs)
        text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
        assert "BÁO CÁO" in text
        assert "Tổ chức 01 lớp tập huấn cho cán bộ thôn." in text

    def test_the_xlsx_annex_holds_the_figures_as_numbers(self):
        response = self.export("xlsx")
        assert response.status_code == 200
        workbook = load_workbook(io.BytesIO(response.content))
        first = workbook.worksheets[0]
        values = [row[1] for row in first.iter_rows(min_row=4, values_only=True)]
        # records, products, minority/foreign, digital, trainings, attendance, broadcasts, aired
        assert values == [4, 2, 1, 1, 1, 2, 1, 3]

    @pytest.mark.slow
    def test_the_pdf_is_made_by_libreoffice(self):
        response = self.export("pdf")
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF")

    def test_without_libreoffice_the_pdf_answers_a_page_that_says_so(self):
        with mock.patch("kehoach.lib.documents.shutil.which", return_value=None):
            response = self.export("pdf")
        assert response.status_code == 503
        self.assertContains(response, "libreoffice-writer-nogui", status_code=503)
        self.assertContains(
            response, reverse("reports:export", args=[self.report.pk, "docx"]), status_code=503
        )

    def test_an_unknown_format_does_not_exist(self):
        assert self.export("odt").status_code == 404


class SingleUnitDutyTest(ReportViewCase):
    def test_a_unit_reporting_alone_sends_to_its_district(self):
        duty = ReportingDuty.objects.create(
            plan=self.district_plan,
            order=3,
            who_as_written="Phòng Văn hóa và Thông tin",
            who=self.office,
            who_scope=UnitScope.UNIT,
            what="Báo cáo đột xuất",
        )
        period = period_create_ad_hoc(
            plan=self.district_plan,
            duty=duty,
            label="đột xuất tháng 8",
            start=dt.date(2024, 8, 1),
            end=dt.date(2024, 8, 31),
            due=dt.date(2024, 9, 5),
        )
        self.login(self.office_staff)
        board = self.client.get(reverse("reports:period", args=[period.pk]))
        [(unit, report)] = board.context["own"]
        assert unit == self.office and report is None
        opened = self.client.get(reverse("reports:unit_report", args=[period.pk, self.office.pk]))
        report = Report.objects.get(period=period)
        self.assertRedirects(opened, self.report_url(report))
        assert report.receiver == self.district
