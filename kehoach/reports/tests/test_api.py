"""The reports API: periods, completeness for a receiver, a report's texts with optimistic
locking (409 on a stale version), the workflow, and the report as files."""

import datetime as dt
import io
import subprocess
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.utils import translation
from django.utils.translation import gettext
from docx import Document
from openpyxl import load_workbook

from kehoach.lib.tests.test_documents import needs_soffice
from kehoach.plans.models import ReportingDuty
from kehoach.reports.models import Report, ReportEvent, ReportStatus
from kehoach.reports.services import period_create_ad_hoc, report_open, report_submit

from .base import ReportsTestCase, today_is

STALE = (
    "The report has been updated by someone else since you opened it. "
    "Reload it and make your changes again."
)


class ReportsApiTestCase(ReportsTestCase):
    def open_a(self) -> Report:
        return report_open(period=self.period, unit=self.commune_a, by=self.commune_a_staff)

    def put(self, report: Report, body: dict[str, Any]) -> Any:
        return self.client.put(f"/api/reports/{report.pk}", body, content_type="application/json")

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(path, body or {}, content_type="application/json")


class PeriodListApiTest(ReportsApiTestCase):
    def test_it_lists_the_periods_of_the_plans_the_user_sees(self) -> None:
        self.login(self.commune_a_staff)
        body = self.client.get("/api/reports/periods").json()
        assert [item["id"] for item in body["items"]] == [self.period.pk]
        item = body["items"][0]
        assert item["label"] == "6 tháng đầu năm 2024"
        assert (item["start"], item["end"], item["due"]) == (
            "2024-01-01",
            "2024-06-30",
            "2024-06-15",
        )
        assert (item["data_from"], item["data_to"]) == ("2023-12-15", "2024-06-14")
        assert item["who"] == "UBND các xã, thị trấn"

    def test_it_filters_by_plan_and_year(self) -> None:
        self.login(self.manager)

        def count(query: str) -> int:
            return int(self.client.get("/api/reports/periods?" + query).json()["count"])

        assert count(f"plan={self.district_plan.pk}") == 1
        assert count(f"plan={self.commune_a_plan.pk}") == 0
        assert count("year=2024") == 1
        assert count("year=2025") == 0
        assert count("kind=6 tháng") == 1
        assert count("kind=quý") == 0

    def test_an_outsider_sees_no_period(self) -> None:
        self.login(self.outsider)
        assert self.client.get("/api/reports/periods").json()["count"] == 0


class CompletenessApiTest(ReportsApiTestCase):
    def test_it_counts_and_lists_every_commune_the_district_waits_for(self) -> None:
        with today_is(dt.date(2024, 6, 14)):
            report_submit(report=self.open_a(), by=self.commune_a_staff)
        self.login(self.manager)
        url = f"/api/reports/periods/{self.period.pk}/completeness?receiver={self.district.pk}"
        body = self.client.get(url).json()
        assert body["receiver_name"] == "Huyện Núi Thành"
        assert body["counts"] == {
            "on_time": 1,
            "late": 0,
            "missing": 1,
            "draft": 0,
            "returned": 0,
        }
        rows = {row["unit_name"]: row for row in body["rows"]}
        assert set(rows) == {"Xã Tam Xuân I", "Xã Tam Xuân II"}
        assert rows["Xã Tam Xuân I"]["state"] == "on_time"
        assert rows["Xã Tam Xuân I"]["status"] == "submitted"
        assert rows["Xã Tam Xuân II"] == {
            "unit_id": self.commune_b.pk,
            "unit_name": "Xã Tam Xuân II",
            "state": "missing",
            "report_id": None,
            "status": None,
            "submitted_at": None,
            "late": False,
        }

    def test_a_late_report_a_draft_and_a_returned_one_count_apart(self) -> None:
        with today_is(dt.date(2024, 6, 20)):
            report_submit(report=self.open_a(), by=self.commune_a_staff)
        report_open(period=self.period, unit=self.commune_b, by=self.commune_b_staff)
        self.login(self.manager)
        counts = self.client.get(f"/api/reports/periods/{self.period.pk}/completeness").json()[
            "counts"
        ]
        assert (counts["late"], counts["draft"], counts["on_time"]) == (1, 1, 0)

    def test_by_default_it_is_the_completeness_of_the_duty_s_receiver(self) -> None:
        self.login(self.manager)
        body = self.client.get(f"/api/reports/periods/{self.period.pk}/completeness").json()
        assert body["receiver_id"] == self.district.pk
        assert body["counts"]["missing"] == 2

    def test_it_asks_for_the_receiver_when_the_duty_names_none(self) -> None:
        duty = ReportingDuty.objects.create(
            plan=self.district_plan,
            order=9,
            who_as_written="Các cơ quan liên quan",
            what="Đột xuất",
        )
        period = period_create_ad_hoc(
            plan=self.district_plan,
            duty=duty,
            label="Báo cáo đột xuất tháng 9 năm 2024",
            start=dt.date(2024, 9, 1),
            end=dt.date(2024, 9, 15),
            due=dt.date(2024, 9, 20),
        )
        self.login(self.manager)
        response = self.client.get(f"/api/reports/periods/{period.pk}/completeness")
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "receiver"

    def test_a_commune_may_not_see_which_other_communes_have_reported(self) -> None:
        self.login(self.commune_a_staff)
        response = self.client.get(f"/api/reports/periods/{self.period.pk}/completeness")
        assert response.status_code == 403
        # A unit the commune cannot read does not exist for it.
        response = self.client.get(
            f"/api/reports/periods/{self.period.pk}/completeness?receiver={self.commune_b.pk}"
        )
        assert response.status_code == 404


class ReportTextsApiTest(ReportsApiTestCase):
    def test_it_saves_the_texts_sent_and_returns_the_next_version(self) -> None:
        report = self.open_a()
        self.login(self.commune_a_staff)
        response = self.put(
            report, {"version": 1, "results": "Phát 12 buổi trên loa truyền thanh các thôn."}
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["version"] == 2
        assert body["results"] == "Phát 12 buổi trên loa truyền thanh các thôn."
        # Texts not sent stay as they were: the narrative drafted from the figures.
        assert body["narrative"] == report.narrative != ""

    def test_a_stale_version_answers_409_with_the_reason_and_saves_nothing(self) -> None:
        report = self.open_a()
        self.login(self.commune_a_staff)
        assert (
            self.put(report, {"version": 1, "proposals": "Cấp thêm kinh phí."}).status_code == 200
        )
        self.login(self.manager)
        response = self.put(report, {"version": 1, "proposals": "Bản cũ của huyện."})
        assert response.status_code == 409
        with translation.override("vi"):
            expected = gettext(STALE)
        assert expected != STALE, "the message reaches users in Vietnamese"
        assert response.json() == {
            "detail": expected,
            "errors": [{"field": "version", "message": expected}],
        }
        report.refresh_from_db()
        assert (report.proposals, report.version) == ("Cấp thêm kinh phí.", 2)

    def test_it_refuses_a_change_once_the_report_is_submitted(self) -> None:
        report = self.open_a()
        with today_is(dt.date(2024, 6, 10)):
            report = report_submit(report=report, by=self.commune_a_staff)
        self.login(self.commune_a_staff)
        response = self.put(report, {"version": report.version, "results": "Sửa sau khi gửi"})
        assert response.status_code == 422
        report.refresh_from_db()
        assert report.results == ""

    def test_the_version_is_required(self) -> None:
        report = self.open_a()
        self.login(self.commune_a_staff)
        response = self.put(report, {"results": "Không có phiên bản"})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "version"


class ReportWorkflowApiTest(ReportsApiTestCase):
    def test_a_report_goes_from_opened_to_returned_resubmitted_and_accepted(self) -> None:
        self.login(self.commune_a_staff)
        opened = self.post(f"/api/reports/periods/{self.period.pk}/units/{self.commune_a.pk}/open")
        assert opened.status_code == 201, opened.content
        report = opened.json()
        assert (report["status"], report["unit_name"], report["receiver_name"]) == (
            "draft",
            "Xã Tam Xuân I",
            "Huyện Núi Thành",
        )
        assert report["figures"]["products"] == 2
        again = self.post(f"/api/reports/periods/{self.period.pk}/units/{self.commune_a.pk}/open")
        assert (again.status_code, again.json()["id"]) == (200, report["id"])

        with today_is(dt.date(2024, 6, 12)):
            submitted = self.post(f"/api/reports/{report['id']}/submit").json()
        assert (submitted["status"], submitted["late"]) == ("submitted", False)
        # The commune sends; only the district, which receives it, reviews it.
        assert self.post(f"/api/reports/{report['id']}/accept").status_code == 403

        self.login(self.manager)
        missing = self.post(f"/api/reports/{report['id']}/return", {})
        assert missing.status_code == 422
        assert missing.json()["errors"][0]["field"] == "comment"
        blank = self.post(f"/api/reports/{report['id']}/return", {"comment": "   "})
        assert blank.status_code == 422
        comment = "Đề nghị bổ sung số lượt người dự hội nghị tuyên truyền."
        returned = self.post(f"/api/reports/{report['id']}/return", {"comment": comment})
        assert returned.json()["status"] == "returned"

        self.login(self.commune_a_staff)
        fixed = self.put(
            Report.objects.get(pk=report["id"]),
            {"version": returned.json()["version"], "results": "Hội nghị có 120 lượt người dự."},
        )
        assert fixed.status_code == 200
        with today_is(dt.date(2024, 6, 14)):
            assert self.post(f"/api/reports/{report['id']}/submit").status_code == 200

        self.login(self.manager)
        accepted = self.post(f"/api/reports/{report['id']}/accept").json()
        assert accepted["status"] == "accepted"
        history = self.client.get(f"/api/reports/{report['id']}").json()["events"]
        assert [(e["status_from"], e["status_to"]) for e in history] == [
            ("", "draft"),
            ("draft", "submitted"),
            ("submitted", "returned"),
            ("returned", "submitted"),
            ("submitted", "accepted"),
        ]
        assert history[2]["comment"] == comment
        assert history[2]["by"] == "Nguyễn Văn Toàn"

    def test_an_accepted_report_cannot_be_submitted_or_returned_again(self) -> None:
        report = self.open_a()
        with today_is(dt.date(2024, 6, 12)):
            report_submit(report=report, by=self.commune_a_staff)
        self.login(self.manager)
        assert self.post(f"/api/reports/{report.pk}/accept").status_code == 200
        events = ReportEvent.objects.count()
        assert self.post(f"/api/reports/{report.pk}/submit").status_code == 422
        assert self.post(f"/api/reports/{report.pk}/return", {"comment": "Sai"}).status_code == 422
        assert ReportEvent.objects.count() == events
        report.refresh_from_db()
        assert report.status == ReportStatus.ACCEPTED

    def test_it_opens_only_reports_of_units_that_report_or_receive_in_the_period(self) -> None:
        self.login(self.manager)
        # Phòng VH&TT is not among the communes the duty asks to report.
        office = self.post(f"/api/reports/periods/{self.period.pk}/units/{self.office.pk}/open")
        assert office.status_code == 422
        # The district receives the communes' reports and sends its consolidated one.
        district = self.post(f"/api/reports/periods/{self.period.pk}/units/{self.district.pk}/open")
        assert district.status_code == 201
        assert not Report.objects.filter(unit=self.office).exists()

    def test_a_commune_opens_neither_the_district_s_report_nor_another_commune_s(self) -> None:
        self.login(self.commune_a_staff)
        base = f"/api/reports/periods/{self.period.pk}/units"
        assert self.post(f"{base}/{self.district.pk}/open").status_code == 403
        assert self.post(f"{base}/{self.commune_b.pk}/open").status_code == 404
        assert not Report.objects.exists()


class ReportExportApiTest(ReportsApiTestCase):
    def setUp(self) -> None:
        self.report = self.open_a()
        self.login(self.commune_a_staff)

    def test_it_downloads_the_report_as_a_decree_30_docx(self) -> None:
        response = self.client.get(f"/api/reports/{self.report.pk}/export.docx")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert response["Content-Disposition"] == (
            'attachment; filename="bao-cao-xa-tam-xuan-i-6-thang-dau-nam-2024.docx"'
        )
        text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
        assert "BÁO CÁO" in text

    def test_it_downloads_the_figures_as_an_xlsx_annex(self) -> None:
        response = self.client.get(f"/api/reports/{self.report.pk}/export.xlsx")
        assert response.status_code == 200
        workbook = load_workbook(io.BytesIO(response.content))
        values = [
            cell for row in workbook.worksheets[0].iter_rows(values_only=True) for cell in row
        ]
        assert 2 in values  # two products

    def test_an_unknown_format_is_refused(self) -> None:
        assert self.client.get(f"/api/reports/{self.report.pk}/export.odt").status_code == 422

    def test_it_says_so_when_no_pdf_can_be_made(self) -> None:
        with mock.patch("kehoach.lib.documents.shutil.which", return_value=None):
            response = self.client.get(f"/api/reports/{self.report.pk}/export.pdf")
        assert response.status_code == 503
        assert set(response.json()) == {"detail", "errors"}

    @pytest.mark.slow
    @needs_soffice
    def test_it_downloads_the_report_as_pdf(self) -> None:
        response = self.client.get(f"/api/reports/{self.report.pk}/export.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        pdf = Path(self.enterContext(tempfile.TemporaryDirectory())) / "bao-cao.pdf"
        pdf.write_bytes(response.content)
        text = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
            capture_output=True,
            check=True,
        ).stdout.decode()
        assert "XÃ TAM XUÂN I" in text
