"""Every plans URL, visited as every role: who gets in, who is turned away, and that the turned-away
change nothing. The global URL test checks COVERED_URL_NAMES against all URL names.

Rules (kehoach/accounts/access.py): a plan is visible inside its issuer's subtree and to the units
below the issuer; only plan managers (and administrators) edit tasks; staff change the status of a
task only where their own unit is named as its lead. Invisible objects answer 404, visible but
read-only ones 403.
"""

import re
from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse

from kehoach.plans.models import Assignment, ImportDraft, Plan, Task, TaskEvent
from kehoach.plans.tests.test_import_views import SEED, make_import_draft, review_post, upload
from kehoach.testing import KehoachTestCase

COVERED_URL_NAMES: set[str] = {
    "plans:list",
    "plans:home",
    "plans:document",
    "plans:tasks",
    "plans:tasks_csv",
    "plans:export",
    "plans:task",
    "plans:task_create",
    "plans:task_edit",
    "plans:task_status",
    "plans:import",
    "plans:import_review",
    "plans:import_units",
    "plans:import_confirm",
    "plans:import_discard",
}

# Pages that read a plan (argument: the plan) or a task (argument: the task); GET only.
PLAN_READS = ["plans:home", "plans:document", "plans:tasks", "plans:tasks_csv", "plans:export"]
TASK_READS = ["plans:task"]
# Writes: (name, what the argument is).
WRITES = [("plans:task_create", "plan"), ("plans:task_edit", "task"), ("plans:task_status", "task")]

# The importer (argument: a draft issued by the plan's issuer, one per request, since confirming
# and discarding use it up). "plans:import" itself takes no argument: managers only.
IMPORT_PAGES = [
    ("plans:import_review", "get"),
    ("plans:import_review", "post"),
    ("plans:import_units", "get"),
    ("plans:import_confirm", "post"),
    ("plans:import_discard", "post"),
]

VALID_TASK = {"title": "Tổ chức tọa đàm về quyền trẻ em", "recurrence": "none"}
VALID_STATUS = {"status": "in_progress", "note": "Đã triển khai"}


def snapshot() -> list[Any]:
    """Everything a write could change in the plans app."""
    return [
        list(Task.objects.order_by("pk").values()),
        list(Assignment.objects.order_by("pk").values()),
        list(TaskEvent.objects.order_by("pk").values()),
        list(Plan.objects.order_by("pk").values()),
        list(ImportDraft.objects.order_by("pk").values()),
    ]


class PermissionTestCase(KehoachTestCase):
    def url(self, name: str, obj: Any = None) -> str:
        return reverse(name, args=[obj.pk] if obj is not None else [])

    def post_data(self, name: str, url: str = "", method: str = "post") -> Any:
        if name == "plans:import" and method == "post":
            return {"file": upload("ke-hoach.md", SEED.read_bytes())}
        if name in {"plans:import_review", "plans:import_confirm"}:
            found = re.search(r"/import/(\d+)/", url)
            assert found, url
            return review_post(ImportDraft.objects.get(pk=found.group(1)))
        if name == "plans:import_units":
            return {"tasks-0-lead": "Phòng VH&TT"}
        return VALID_STATUS if name == "plans:task_status" else VALID_TASK

    def every_request(self, plan: Any, task: Any) -> list[tuple[str, str, str]]:
        """(name, method, url) for every URL of the app about this plan and task."""
        requests = [("plans:list", "get", self.url("plans:list"))]
        requests += [(name, "get", self.url(name, plan)) for name in PLAN_READS]
        requests += [(name, "get", self.url(name, task)) for name in TASK_READS]
        for name, kind in WRITES:
            url = self.url(name, plan if kind == "plan" else task)
            if name != "plans:task_status":
                requests.append((name, "get", url))
            requests.append((name, "post", url))
        requests += [("plans:import", "get", self.url("plans:import"))]
        requests += [("plans:import", "post", self.url("plans:import"))]
        for name, method in IMPORT_PAGES:
            draft = make_import_draft(by=self.manager, issuer=plan.issuer)
            requests.append((name, method, self.url(name, draft)))
        return requests

    def assert_turned_away(self, user: User | None, plan: Any, task: Any, status: int) -> None:
        if user:
            self.login(user)
        requests = self.every_request(plan, task)
        before = snapshot()
        for name, method, url in requests:
            if name in {"plans:list", "plans:import"}:
                continue  # not about this plan; the upload page is checked by role below
            with self.subTest(name=name, method=method):
                response = getattr(self.client, method)(url, self.post_data(name, url, method))
                assert response.status_code == status, (name, method, response.status_code)
        assert snapshot() == before


class AnonymousTest(PermissionTestCase):
    def test_it_is_sent_to_sign_in_everywhere(self):
        login = reverse("accounts:login")
        requests = self.every_request(self.district_plan, self.office_task)
        before = snapshot()
        for name, method, url in requests:
            with self.subTest(name=name, method=method):
                response = getattr(self.client, method)(url, self.post_data(name, url, method))
                assert response.status_code == 302
                assert response["Location"].startswith(login)
        assert snapshot() == before

    def test_the_matrix_visits_every_covered_url(self):
        visited = {
            name for name, _m, _u in self.every_request(self.district_plan, self.office_task)
        }
        assert visited == COVERED_URL_NAMES


class OutsiderTest(PermissionTestCase):
    def test_it_may_not_import_plans(self):
        self.login(self.outsider)
        before = snapshot()
        assert self.client.get(self.url("plans:import")).status_code == 403
        response = self.client.post(self.url("plans:import"), self.post_data("plans:import"))
        assert response.status_code == 403
        assert snapshot() == before

    def test_the_district_plan_does_not_exist_for_another_district(self):
        self.assert_turned_away(self.outsider, self.district_plan, self.office_task, 404)

    def test_the_plan_list_shows_none_of_the_districts_plans(self):
        self.login(self.outsider)
        response = self.client.get(reverse("plans:list"))
        assert response.status_code == 200
        assert list(response.context["page"].object_list) == []


class SiblingCommuneTest(PermissionTestCase):
    def test_a_commune_cannot_see_its_neighbours_plan(self):
        self.assert_turned_away(self.commune_b_staff, self.commune_a_plan, self.commune_a_task, 404)

    def test_the_plan_list_leaves_out_the_neighbours_plan(self):
        self.login(self.commune_b_staff)
        response = self.client.get(reverse("plans:list"))
        pks = {plan.pk for plan in response.context["page"].object_list}
        assert self.commune_a_plan.pk not in pks
        assert {self.commune_b_plan.pk, self.district_plan.pk} <= pks


class CommuneStaffOnTheDistrictPlanTest(PermissionTestCase):
    def setUp(self) -> None:
        self.login(self.commune_a_staff)

    def test_it_reads_every_page_of_the_plan(self):
        for name in PLAN_READS:
            with self.subTest(name=name):
                url = self.url(name, self.district_plan)
                assert self.client.get(url).status_code == 200
        for task in (self.office_task, self.commune_task, self.communes_group_task):
            assert self.client.get(self.url("plans:task", task)).status_code == 200

    def test_it_may_not_add_or_edit_tasks(self):
        before = snapshot()
        create = self.url("plans:task_create", self.district_plan)
        edit = self.url("plans:task_edit", self.commune_task)
        assert self.client.get(create).status_code == 403
        assert self.client.post(create, VALID_TASK).status_code == 403
        assert self.client.get(edit).status_code == 403
        assert self.client.post(edit, VALID_TASK).status_code == 403
        assert snapshot() == before

    def test_it_changes_the_status_of_a_task_its_commune_leads(self):
        response = self.client.post(self.url("plans:task_status", self.commune_task), VALID_STATUS)
        assert response.status_code == 302
        self.commune_task.refresh_from_db()
        assert self.commune_task.status == "in_progress"

    def test_it_may_not_change_the_offices_task_nor_a_group_task(self):
        # "UBND các xã, thị trấn" leads no single commune: only the managers change it.
        before = snapshot()
        for task in (self.office_task, self.communes_group_task):
            response = self.client.post(self.url("plans:task_status", task), VALID_STATUS)
            assert response.status_code == 403
        assert snapshot() == before

    def test_it_may_see_that_the_district_imports_but_not_import(self):
        # A draft of the district's plan is visible from below, like the plan: 403, not 404.
        requests = [
            (name, method, url)
            for name, method, url in self.every_request(self.district_plan, self.office_task)
            if name.startswith("plans:import")
        ]
        before = snapshot()
        for name, method, url in requests:
            with self.subTest(name=name, method=method):
                response = getattr(self.client, method)(url, self.post_data(name, url, method))
                assert response.status_code == 403, (name, method, response.status_code)
        assert snapshot() == before

    def test_a_get_on_the_status_url_is_not_allowed(self):
        response = self.client.get(self.url("plans:task_status", self.commune_task))
        assert response.status_code == 405


class OfficeStaffTest(PermissionTestCase):
    def setUp(self) -> None:
        self.login(self.office_staff)

    def test_it_reads_the_plan_and_changes_its_own_task_only(self):
        for name in PLAN_READS:
            assert self.client.get(self.url(name, self.district_plan)).status_code == 200
        assert self.client.get(self.url("plans:task", self.office_task)).status_code == 200
        own = self.client.post(self.url("plans:task_status", self.office_task), VALID_STATUS)
        assert own.status_code == 302
        other = self.client.post(self.url("plans:task_status", self.commune_task), VALID_STATUS)
        assert other.status_code == 403
        assert TaskEvent.objects.get().task == self.office_task

    def test_it_may_not_add_or_edit_tasks(self):
        before = snapshot()
        create = self.url("plans:task_create", self.district_plan)
        assert self.client.post(create, VALID_TASK).status_code == 403
        assert self.client.get(self.url("plans:task_edit", self.office_task)).status_code == 403
        assert snapshot() == before

    def test_it_cannot_see_the_communes_own_plans(self):
        # The office is a sibling of the communes, not above them.
        assert self.client.get(self.url("plans:home", self.commune_a_plan)).status_code == 404


class ManagerAndAdminTest(PermissionTestCase):
    def check_everything_allowed(self, user: User) -> None:
        self.login(user)
        for name, method, url in self.every_request(self.district_plan, self.office_task):
            with self.subTest(user=user.username, name=name, method=method):
                response = getattr(self.client, method)(url, self.post_data(name, url, method))
                expected = 302 if method == "post" else 200
                assert response.status_code == expected, (name, method, response.status_code)
        self.office_task.refresh_from_db()
        assert self.office_task.title == VALID_TASK["title"]  # edited through task_edit
        assert self.district_plan.tasks.filter(title=VALID_TASK["title"]).count() == 2

    def test_the_district_manager_may_do_everything_on_the_district_plan(self):
        self.check_everything_allowed(self.manager)

    def test_the_manager_reaches_the_communes_plans_below(self):
        self.login(self.manager)
        response = self.client.post(
            self.url("plans:task_status", self.commune_b_task), VALID_STATUS
        )
        assert response.status_code == 302

    def test_the_administrator_may_do_everything(self):
        self.check_everything_allowed(self.admin)
