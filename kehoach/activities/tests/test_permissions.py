"""Every records URL, visited as every role: who gets in, who is turned away, and that the turned
away change nothing. The global URL test checks COVERED_URL_NAMES against all URL names.

Rules (kehoach/accounts/access.py): a unit user sees and changes the records of their unit and its
subtree only; another unit's record does not exist for them (404). Targets and dashboards of a plan
are visible to everyone who sees the plan; a unit's dashboard only inside the user's subtrees (a
unit above them answers 403: they see its plans, not its records).
"""

import datetime as dt
import tempfile
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from kehoach.activities.models import Attachment, Record, RecordKind
from kehoach.activities.services import target_rule_set
from kehoach.activities.testing import make_record
from kehoach.plans.models import Target
from kehoach.testing import KehoachTestCase

COVERED_URL_NAMES: set[str] = {
    "activities:list",
    "activities:export",
    "activities:create",
    "activities:detail",
    "activities:edit",
    "activities:delete",
    "activities:target",
    "activities:plan_dashboard",
    "activities:unit_dashboard",
    "activities:task",
}
# Bulk entry: its pages are checked in the Bulk* classes below (an upload lives in a session).
BULK_URL_NAMES: set[str] = {
    "activities:bulk_import",
    "activities:bulk_template",
    "activities:bulk_save",
    "activities:bulk_errors",
}
COVERED_URL_NAMES |= BULK_URL_NAMES
# The user's own reminders: checked by NotificationPermissionTest below.
NOTIFICATION_URL_NAMES = {"activities:notifications", "activities:notifications_read"}
COVERED_URL_NAMES |= NOTIFICATION_URL_NAMES

RECORD_READS = ["activities:detail"]
RECORD_WRITES = ["activities:edit", "activities:delete"]


def snapshot() -> list[Any]:
    return [
        list(Record.objects.order_by("pk").values()),
        list(Record.tasks.through.objects.order_by("pk").values()),
        list(Attachment.objects.order_by("pk").values()),
    ]


class RecordPermissionCase(KehoachTestCase):
    record: Record
    target: Target

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.record = make_record(
            unit=cls.commune_a,
            tasks=[cls.commune_task],
            kind=RecordKind.BROADCAST,
            date=dt.date(2024, 3, 5),
            title="Phát sóng chuyên mục quyền trẻ em trên loa xã Tam Xuân I",
        )
        cls.target = Target.objects.create(
            plan=cls.district_plan,
            order=1,
            text="15–20% sản phẩm bằng tiếng dân tộc thiểu số, tiếng nước ngoài, trên nền tảng số",
            value=15,
            value_max=20,
            unit_of_measure="%",
        )
        target_rule_set(
            target=cls.target, kind="product_share", params={"condition": "language_or_digital"}
        )

    def edit_post(self) -> dict[str, Any]:
        return {
            "unit": self.commune_a.pk,
            "date": "2024-03-06",
            "title": "Đã sửa: phát sóng chuyên mục quyền trẻ em",
            "tasks": [self.commune_task.pk],
            "station": "Đài Truyền thanh xã Tam Xuân I",
            "first_aired": "2024-03-06",
            "times_aired": "3",
        }

    def every_request(self) -> list[tuple[str, str, str]]:
        """(name, method, url) for every URL of the app about the record, its task and target."""
        requests = [
            ("activities:list", "get", reverse("activities:list")),
            ("activities:export", "get", reverse("activities:export") + "?format=csv"),
            ("activities:create", "get", reverse("activities:create") + "?kind=broadcast"),
            ("activities:create", "post", reverse("activities:create") + "?kind=broadcast"),
            ("activities:target", "get", reverse("activities:target", args=[self.target.pk])),
            (
                "activities:plan_dashboard",
                "get",
                reverse("activities:plan_dashboard", args=[self.district_plan.pk]),
            ),
            (
                "activities:unit_dashboard",
                "get",
                reverse("activities:unit_dashboard", args=[self.commune_a.pk]),
            ),
            ("activities:task", "get", reverse("activities:task", args=[self.commune_task.pk])),
        ]
        for name in RECORD_READS + RECORD_WRITES:
            requests.append((name, "get", reverse(name, args=[self.record.pk])))
        for name in RECORD_WRITES:
            requests.append((name, "post", reverse(name, args=[self.record.pk])))
        return requests

    def send(self, method: str, url: str) -> Any:
        if method == "post":
            return self.client.post(url, self.edit_post())
        return self.client.get(url)


class AnonymousTest(RecordPermissionCase):
    def test_it_is_sent_to_sign_in_everywhere(self):
        login = reverse("accounts:login")
        before = snapshot()
        for name, method, url in self.every_request():
            with self.subTest(name=name, method=method):
                response = self.send(method, url)
                assert response.status_code == 302
                assert response["Location"].startswith(login)
        assert snapshot() == before

    def test_the_matrix_visits_every_covered_url(self):
        visited = {name for name, _m, _u in self.every_request()}
        assert visited | BULK_URL_NAMES | NOTIFICATION_URL_NAMES == COVERED_URL_NAMES


class OutsiderTest(RecordPermissionCase):
    def setUp(self) -> None:
        self.login(self.outsider)

    def test_the_communes_record_its_task_its_plan_and_its_unit_do_not_exist(self):
        before = snapshot()
        for name, method, url in self.every_request():
            if name in {"activities:list", "activities:export", "activities:create"}:
                continue
            with self.subTest(name=name, method=method):
                assert self.send(method, url).status_code == 404, (name, method)
        assert snapshot() == before

    def test_the_list_and_the_export_leave_the_record_out(self):
        response = self.client.get(reverse("activities:list"))
        assert list(response.context["page"].object_list) == []
        export = self.client.get(reverse("activities:export") + "?format=csv")
        assert "Tam Xuân I" not in export.getvalue().decode()

    def test_it_may_not_record_for_a_unit_outside_its_district(self):
        before = snapshot()
        response = self.client.post(
            reverse("activities:create") + "?kind=broadcast", self.edit_post()
        )
        assert response.status_code == 200  # the form again: the unit is not a choice
        assert "unit" in response.context["form"].errors
        assert snapshot() == before


class SiblingCommuneTest(RecordPermissionCase):
    def setUp(self) -> None:
        self.login(self.commune_b_staff)

    def test_the_neighbours_record_does_not_exist(self):
        before = snapshot()
        for name in RECORD_READS + RECORD_WRITES:
            url = reverse(name, args=[self.record.pk])
            assert self.client.get(url).status_code == 404
            if name in RECORD_WRITES:
                assert self.client.post(url, self.edit_post()).status_code == 404
        assert snapshot() == before

    def test_the_neighbours_dashboard_does_not_exist(self):
        url = reverse("activities:unit_dashboard", args=[self.commune_a.pk])
        assert self.client.get(url).status_code == 404

    def test_it_sees_the_district_plans_dashboard_target_and_task_without_the_record(self):
        for name, arg in [
            ("activities:plan_dashboard", self.district_plan),
            ("activities:target", self.target),
            ("activities:task", self.commune_task),
        ]:
            assert self.client.get(reverse(name, args=[arg.pk])).status_code == 200
        task_page = self.client.get(reverse("activities:task", args=[self.commune_task.pk]))
        assert list(task_page.context["page"].object_list) == []
        assert task_page.context["progress"].records == 1  # counted, not listed

    def test_the_district_above_answers_forbidden(self):
        url = reverse("activities:unit_dashboard", args=[self.district.pk])
        assert self.client.get(url).status_code == 403


class CommuneStaffTest(RecordPermissionCase):
    def setUp(self) -> None:
        self.login(self.commune_a_staff)

    def test_it_reads_every_page_about_its_record(self):
        for name, method, url in self.every_request():
            if method == "get":
                with self.subTest(name=name):
                    assert self.send(method, url).status_code == 200, name

    def test_it_edits_and_deletes_its_own_record(self):
        url = reverse("activities:edit", args=[self.record.pk])
        assert self.client.post(url, self.edit_post()).status_code == 302
        self.record.refresh_from_db()
        assert self.record.title == "Đã sửa: phát sóng chuyên mục quyền trẻ em"
        assert self.record.broadcast.times_aired == 3
        response = self.client.post(reverse("activities:delete", args=[self.record.pk]))
        assert response.status_code == 302
        assert not Record.objects.filter(pk=self.record.pk).exists()


class ManagerAndAdminTest(RecordPermissionCase):
    def check_everything_allowed(self, user: User) -> None:
        self.login(user)
        for name, method, url in self.every_request():
            if name == "activities:delete" and method == "post":
                continue  # checked last: it removes the record the others use
            with self.subTest(user=user.username, name=name, method=method):
                expected = 302 if method == "post" else 200
                assert self.send(method, url).status_code == expected, (name, method)
        url = reverse("activities:delete", args=[self.record.pk])
        assert self.client.post(url).status_code == 302
        # Created through the form (one), the original deleted: one record remains.
        assert Record.objects.get().title == "Đã sửa: phát sóng chuyên mục quyền trẻ em"

    def test_the_district_manager_changes_the_communes_records(self):
        self.check_everything_allowed(self.manager)

    def test_the_administrator_may_do_everything(self):
        self.check_everything_allowed(self.admin)


@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="kehoach-bulk-perm-"))
class BulkPermissionTest(RecordPermissionCase):
    """Bulk entry: signed-in unit staff only; rows only for the user's units; an upload belongs
    to the session that checked it."""

    def upload(self, unit: str) -> Any:
        row = f"{unit},19/05/2024,Treo băng rôn tại thôn Phú Tân,3,banner,12,Thôn Phú Tân\n"
        data = "Đơn vị,Ngày,Tên hoạt động,Nhiệm vụ,Loại hình,Số lượng,Địa điểm\n" + row
        return self.client.post(
            reverse("activities:bulk_import"),
            {
                "kind": "visual",
                "plan": self.district_plan.pk,
                "file": SimpleUploadedFile("ban-ghi.csv", data.encode()),
            },
        )

    def bulk_urls(self, token: str = "khong-co") -> list[tuple[str, str, str]]:
        return [
            ("activities:bulk_import", "get", reverse("activities:bulk_import")),
            ("activities:bulk_import", "post", reverse("activities:bulk_import")),
            (
                "activities:bulk_template",
                "get",
                reverse("activities:bulk_template", args=["visual", "xlsx"]),
            ),
            ("activities:bulk_save", "post", reverse("activities:bulk_save", args=[token])),
            ("activities:bulk_errors", "get", reverse("activities:bulk_errors", args=[token])),
        ]

    def test_the_anonymous_are_sent_to_sign_in(self):
        login = reverse("accounts:login")
        for name, method, url in self.bulk_urls():
            with self.subTest(name=name, method=method):
                response = getattr(self.client, method)(url)
                assert response.status_code == 302
                assert response["Location"].startswith(login)
        assert {name for name, _m, _u in self.bulk_urls()} == BULK_URL_NAMES

    def test_a_user_without_a_unit_is_refused(self):
        nobody = User.objects.create_user("khach", password="mat-khau-khach-2024")
        self.login(nobody)
        for name, method, url in self.bulk_urls()[:3]:
            with self.subTest(name=name, method=method):
                assert getattr(self.client, method)(url).status_code == 403

    def test_the_outsider_cannot_name_a_commune_of_another_district(self):
        self.login(self.outsider)
        before = snapshot()
        response = self.upload("Xã Tam Xuân I")
        # The district plan is not the outsider's: not a choice on the form.
        assert response.status_code == 200
        assert "plan" in response.context["form"].errors
        template = reverse("activities:bulk_template", args=["visual", "csv"])
        assert self.client.get(template, {"plan": self.district_plan.pk}).status_code == 404
        assert snapshot() == before

    def test_a_sibling_communes_rows_are_rejected_and_nothing_is_saved(self):
        self.login(self.commune_b_staff)
        before = snapshot()
        response = self.upload("Xã Tam Xuân I")
        assert response.status_code == 200
        result = response.context["result"]
        assert [(e.row, e.column) for e in result.errors] == [(2, "Đơn vị")]
        [token] = self.client.session["kehoach_bulk_imports"]
        self.client.post(reverse("activities:bulk_save", args=[token]), {"keep_valid": "1"})
        assert snapshot() == before

    def test_an_upload_belongs_to_the_session_that_checked_it(self):
        self.login(self.commune_a_staff)
        self.upload("Xã Tam Xuân I")
        [token] = self.client.session["kehoach_bulk_imports"]
        before = snapshot()
        for user in (self.commune_b_staff, self.manager, self.commune_a_staff):
            self.client.logout()
            self.login(user)
            with self.subTest(user=user.username):
                for name, method, url in self.bulk_urls(token)[3:]:
                    assert getattr(self.client, method)(url).status_code == 404, name
        assert snapshot() == before

    def test_the_commune_and_those_above_it_save_its_rows(self):
        for user in (self.commune_a_staff, self.manager, self.admin):
            self.client.logout()
            self.login(user)
            with self.subTest(user=user.username):
                count = Record.objects.count()
                self.upload("Xã Tam Xuân I")
                [token] = self.client.session["kehoach_bulk_imports"]
                url = reverse("activities:bulk_errors", args=[token])
                assert self.client.get(url).status_code == 200
                response = self.client.post(reverse("activities:bulk_save", args=[token]))
                assert response.status_code == 302
                assert Record.objects.count() == count + 1


class NotificationPermissionTest(KehoachTestCase):
    """Reminders belong to one user: nobody else sees or marks them."""

    def setUp(self):
        from kehoach.activities.models import Notification

        self.mine = Notification.objects.create(
            user=self.commune_a_staff,
            task=self.commune_task,
            kind="overdue",
            day=dt.date(2024, 7, 1),
            message="Nhiệm vụ phát sóng đã quá hạn",
        )
        self.theirs = Notification.objects.create(
            user=self.commune_b_staff,
            task=self.communes_group_task,
            kind="due_soon",
            day=dt.date(2024, 7, 1),
            message="Nhiệm vụ cổ động trực quan sắp đến hạn",
        )

    def test_anonymous_users_are_sent_to_sign_in(self):
        for name, method in (
            ("activities:notifications", "get"),
            ("activities:notifications_read", "post"),
        ):
            response = getattr(self.client, method)(reverse(name))
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_a_user_sees_only_their_own_reminders(self):
        self.client.force_login(self.commune_a_staff)
        response = self.client.get(reverse("activities:notifications"))
        self.assertContains(response, "Nhiệm vụ phát sóng đã quá hạn")
        self.assertNotContains(response, "Nhiệm vụ cổ động trực quan sắp đến hạn")

    def test_marking_read_touches_only_the_users_own_reminders(self):
        self.client.force_login(self.commune_a_staff)
        assert self.client.get(reverse("activities:notifications_read")).status_code == 405
        self.client.post(reverse("activities:notifications_read"))
        self.mine.refresh_from_db()
        self.theirs.refresh_from_db()
        assert self.mine.read_at is not None and self.theirs.read_at is None
