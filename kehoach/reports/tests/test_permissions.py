"""Every reports URL, visited as every role: who gets in, who is turned away, and that the turned
away change nothing. The global URL test checks COVERED_URL_NAMES against all URL names.

Rules (kehoach/accounts/access.py): a unit's staff, and the plan managers above it, write and send
its report; the staff of the unit it is sent to read and review it. A report nobody of the user's
units writes or receives does not exist for them (404); a visible report or period answers 403 to
an action the user may not take (a commune accepting its own report, reminding, making periods).
"""

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse

from kehoach.activities.models import Notification
from kehoach.plans.models import ReportingDuty, UnitScope
from kehoach.reports.models import Report, ReportEvent, ReportPeriod, ReportStatus
from kehoach.reports.services import period_create_ad_hoc, report_open, report_submit

from .base import ReportsTestCase

COVERED_URL_NAMES: set[str] = {
    "reports:periods",
    "reports:period",
    "reports:remind",
    "reports:unit_report",
    "reports:report",
    "reports:refresh",
    "reports:submit",
    "reports:return",
    "reports:accept",
    "reports:export",
    "reports:period_new",
    "reports:generate",
}

REPORT_READS = {"reports:report", "reports:unit_report", "reports:export"}
REPORT_WRITES = {"reports:refresh", "reports:submit"}
REPORT_REVIEWS = {"reports:return", "reports:accept"}
PLAN_MANAGEMENT = {"reports:period_new", "reports:generate"}


def snapshot() -> list[Any]:
    return [
        list(ReportPeriod.objects.order_by("pk").values()),
        list(Report.objects.order_by("pk").values()),
        list(ReportEvent.objects.order_by("pk").values()),
        list(Notification.objects.order_by("pk").values()),
    ]


class ReportPermissionCase(ReportsTestCase):
    """Xã Tam Xuân I has submitted its report to the district; Xã Tam Xuân II has none yet."""

    report: Report

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.report = report_open(period=cls.period, unit=cls.commune_a, by=cls.commune_a_staff)
        report_submit(report=cls.report, by=cls.commune_a_staff)

    def every_request(self) -> list[tuple[str, str, str, dict[str, Any]]]:
        """(name, method, url, data) for every URL of the app about the period and the report."""
        period, report, plan = self.period, self.report, self.district_plan
        report.refresh_from_db()
        texts = {"results": "Đã sửa kết quả", "version": report.version}
        ad_hoc = {
            "duty": self.half_year_duty.pk,
            "label": "đột xuất về Ngày Quyền con người",
            "start": "2024-11-01",
            "end": "2024-12-10",
            "due": "2024-12-15",
        }
        remind = reverse("reports:remind", args=[period.pk, self.district.pk])
        return [
            ("reports:periods", "get", reverse("reports:periods"), {}),
            ("reports:period", "get", reverse("reports:period", args=[period.pk]), {}),
            ("reports:remind", "get", remind, {}),
            ("reports:remind", "post", remind, {}),
            (
                "reports:unit_report",
                "get",
                reverse("reports:unit_report", args=[period.pk, self.commune_a.pk]),
                {},
            ),
            ("reports:report", "get", reverse("reports:report", args=[report.pk]), {}),
            ("reports:export", "get", reverse("reports:export", args=[report.pk, "xlsx"]), {}),
            ("reports:report", "post", reverse("reports:report", args=[report.pk]), texts),
            ("reports:refresh", "post", reverse("reports:refresh", args=[report.pk]), {}),
            ("reports:submit", "post", reverse("reports:submit", args=[report.pk]), {}),
            (
                "reports:return",
                "post",
                reverse("reports:return", args=[report.pk]),
                {"comment": "Bổ sung số liệu phát sóng"},
            ),
            ("reports:accept", "post", reverse("reports:accept", args=[report.pk]), {}),
            ("reports:period_new", "get", reverse("reports:period_new", args=[plan.pk]), {}),
            ("reports:period_new", "post", reverse("reports:period_new", args=[plan.pk]), ad_hoc),
            ("reports:generate", "post", reverse("reports:generate", args=[plan.pk]), {}),
        ]

    def send(self, method: str, url: str, data: dict[str, Any]) -> Any:
        return getattr(self.client, method)(url, data)

    def expect(self, user: User, expected: dict[tuple[str, str], int]) -> None:
        """Visit every URL as the user; `expected` maps (name, method) to the status code."""
        self.login(user)
        for name, method, url, data in self.every_request():
            with self.subTest(user=user.username, name=name, method=method):
                status = self.send(method, url, data).status_code
                assert status == expected[(name, method)], (name, method, status)


def _all(status: int) -> dict[tuple[str, str], int]:
    return {
        (name, method): status
        for name, methods in {
            "reports:periods": ["get"],
            "reports:period": ["get"],
            "reports:remind": ["get", "post"],
            "reports:unit_report": ["get"],
            "reports:report": ["get", "post"],
            "reports:export": ["get"],
            "reports:refresh": ["post"],
            "reports:submit": ["post"],
            "reports:return": ["post"],
            "reports:accept": ["post"],
            "reports:period_new": ["get", "post"],
            "reports:generate": ["post"],
        }.items()
        for method in methods
    }


class AnonymousTest(ReportPermissionCase):
    def test_it_is_sent_to_sign_in_everywhere(self):
        login = reverse("accounts:login")
        before = snapshot()
        for name, method, url, data in self.every_request():
            with self.subTest(name=name, method=method):
                response = self.send(method, url, data)
                assert response.status_code == 302
                assert response["Location"].startswith(login)
        assert snapshot() == before

    def test_the_matrix_visits_every_covered_url(self):
        visited = {name for name, _m, _u, _d in self.every_request()}
        assert visited == COVERED_URL_NAMES
        assert set(_all(0)) == {(n, m) for n, m, _u, _d in self.every_request()}


class OutsiderTest(ReportPermissionCase):
    def test_nothing_of_another_district_exists(self):
        before = snapshot()
        expected = _all(404)
        expected[("reports:periods", "get")] = 200
        self.expect(self.outsider, expected)
        assert snapshot() == before
        response = self.client.get(reverse("reports:periods"))
        assert response.context["rows"] == []


class SiblingCommuneTest(ReportPermissionCase):
    def test_it_sees_the_period_but_not_the_neighbours_report(self):
        before = snapshot()
        expected = _all(404)
        expected |= {("reports:periods", "get"): 200, ("reports:period", "get"): 200}
        # The district is above it: visible, but not the commune's to remind from or to manage.
        expected |= {("reports:remind", m): 403 for m in ("get", "post")}
        expected |= {("reports:period_new", m): 403 for m in ("get", "post")}
        expected[("reports:generate", "post")] = 403
        self.expect(self.commune_b_staff, expected)
        assert snapshot() == before

    def test_the_board_shows_only_its_own_report(self):
        self.login(self.commune_b_staff)
        response = self.client.get(reverse("reports:period", args=[self.period.pk]))
        assert response.context["boards"] == []
        assert [unit for unit, _r in response.context["own"]] == [self.commune_b]
        self.assertNotContains(response, "Xã Tam Xuân I<")


class OfficeStaffTest(ReportPermissionCase):
    def test_a_district_office_neither_writes_nor_receives_the_communes_reports(self):
        before = snapshot()
        expected = _all(404)
        expected |= {("reports:periods", "get"): 200, ("reports:period", "get"): 200}
        expected |= {("reports:remind", m): 403 for m in ("get", "post")}
        expected |= {("reports:period_new", m): 403 for m in ("get", "post")}
        expected[("reports:generate", "post")] = 403
        self.expect(self.office_staff, expected)
        assert snapshot() == before


class CommuneStaffTest(ReportPermissionCase):
    def test_it_writes_and_sends_its_report_but_does_not_review_it(self):
        expected = _all(200)
        expected |= {
            ("reports:unit_report", "get"): 302,
            ("reports:report", "post"): 409,  # submitted: frozen, the text stays in the form
            ("reports:refresh", "post"): 302,
            ("reports:submit", "post"): 302,
            ("reports:return", "post"): 403,
            ("reports:accept", "post"): 403,
            ("reports:remind", "get"): 403,
            ("reports:remind", "post"): 403,
            ("reports:period_new", "get"): 403,
            ("reports:period_new", "post"): 403,
            ("reports:generate", "post"): 403,
        }
        before = snapshot()
        self.expect(self.commune_a_staff, expected)
        # Refreshing and resubmitting a submitted report are refused with a message, so the
        # only change is none at all.
        assert snapshot() == before

    def test_the_districts_consolidated_report_does_not_exist_for_it(self):
        consolidated = report_open(period=self.period, unit=self.district, by=self.manager)
        self.login(self.commune_a_staff)
        assert self.client.get(reverse("reports:report", args=[consolidated.pk])).status_code == (
            404
        )
        url = reverse("reports:unit_report", args=[self.period.pk, self.district.pk])
        assert self.client.get(url).status_code == 404


class ManagerAndAdminTest(ReportPermissionCase):
    def check_everything_allowed(self, user: User) -> None:
        expected = _all(302)
        expected |= {
            ("reports:periods", "get"): 200,
            ("reports:period", "get"): 200,
            ("reports:remind", "get"): 200,
            ("reports:report", "get"): 200,
            ("reports:export", "get"): 200,
            ("reports:period_new", "get"): 200,
            ("reports:report", "post"): 409,  # submitted: frozen, the text stays in the form
        }
        self.expect(user, expected)
        self.report.refresh_from_db()
        # Returned with the comment; accepting it next is refused (it goes back to the unit).
        assert self.report.status == ReportStatus.RETURNED
        assert ReportPeriod.objects.filter(label="đột xuất về Ngày Quyền con người").exists()
        assert Notification.objects.filter(user=self.commune_b_staff).exists()

    def test_the_district_manager_reviews_and_manages(self):
        self.check_everything_allowed(self.manager)

    def test_the_administrator_may_do_everything(self):
        self.check_everything_allowed(self.admin)


class ReceiverOnlyTest(ReportsTestCase):
    """A duty sends the communes' reports to the district office: its staff review them but do
    not write them."""

    def setUp(self) -> None:
        duty = ReportingDuty.objects.create(
            plan=self.district_plan,
            order=1,
            who_as_written="UBND các xã",
            who=self.district,
            who_scope=UnitScope.COMMUNES,
            to_whom_as_written="Phòng Văn hóa và Thông tin",
            to_whom=self.office,
            what="Báo cáo đột xuất về tuyên truyền",
        )
        self.period = period_create_ad_hoc(
            plan=self.district_plan,
            duty=duty,
            label="đột xuất tháng 8 năm 2024",
            start=dt.date(2024, 8, 1),
            end=dt.date(2024, 8, 31),
            due=dt.date(2024, 9, 5),
        )
        self.report = report_open(period=self.period, unit=self.commune_a, by=None)
        report_submit(report=self.report, by=None)
        self.login(self.office_staff)

    def test_the_office_reviews_the_report_it_receives(self):
        url = reverse("reports:report", args=[self.report.pk])
        assert self.client.get(url).status_code == 200
        assert self.client.post(url, {"results": "x", "version": 1}).status_code == 403
        accept = reverse("reports:accept", args=[self.report.pk])
        assert self.client.post(accept).status_code == 302
        self.report.refresh_from_db()
        assert self.report.status == ReportStatus.ACCEPTED

    def test_the_office_cannot_start_a_missing_communes_report(self):
        url = reverse("reports:unit_report", args=[self.period.pk, self.commune_b.pk])
        assert self.client.get(url).status_code == 403
        assert not Report.objects.filter(unit=self.commune_b).exists()

    def test_the_office_reminds_the_missing_commune(self):
        url = reverse("reports:remind", args=[self.period.pk, self.office.pk])
        assert self.client.post(url).status_code == 302
        assert list(Notification.objects.values_list("user__username", flat=True)) == ["tamxuan2"]
