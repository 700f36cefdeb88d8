"""The plan pages: what each shows, how the task list filters, and what the forms change."""

import csv
import datetime as dt
import io
import json
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kehoach.plans.models import Assignment, Plan, Task, TaskEvent, TaskStatus, UnitScope
from kehoach.plans.resolve import make_resolver
from kehoach.plans.services import plan_import, task_set_status
from kehoach.testing import KehoachTestCase, make_plan
from kehoach.units.models import Unit

# 15 June 2024, morning in Vietnam: the office's press task (ends 30/6) is due this month.
JUNE_15 = dt.datetime(2024, 6, 15, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
# 15 July 2024: the press task is overdue.
JULY_15 = dt.datetime(2024, 7, 15, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

SOURCE_TEXT = "\n".join(
    [
        "ỦY BAN NHÂN DÂN HUYỆN NÚI THÀNH",
        "KẾ HOẠCH",
        "Triển khai thực hiện Đề án truyền thông về quyền con người năm 2024",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "- 100% cán bộ, công chức phụ trách được tập huấn kiến thức truyền thông.",
        "II. NHIỆM VỤ",
        "1. Tổ chức tập huấn cho đội ngũ báo cáo viên",
        "2. Xây dựng chuyên mục trên Cổng thông tin điện tử huyện",
    ]
)


def make_rich_plan(issuer: Unit, *, n_tasks: int = 2) -> Plan:
    """A plan with every part the pages show: targets, themes, tasks, duties, reporting."""
    tasks = [
        {
            "number": "1",
            "title": "Tổ chức tập huấn cho đội ngũ báo cáo viên",
            "lead": ["Phòng VH&TT"],
            "support": ["Hội Nông dân huyện"],  # not in the test tree: stays unresolved
            "time": "Quý II/2024",
            "start": "2024-04-01",
            "end": "2024-06-30",
            "themes": ["1"],
        },
        {
            "number": "2",
            "title": "Xây dựng chuyên mục trên Cổng thông tin điện tử huyện",
            "lead": ["UBND các xã, thị trấn"],
            "time": "Thường xuyên",
            "recurring": True,
        },
    ]
    for n in range(3, n_tasks + 1):
        tasks.append(
            {
                "number": str(n),
                "title": f"Tuyên truyền tại thôn số {n}",
                "lead": ["Tam Xuân 1"] if n % 2 else ["Phòng VH&TT"],
                "support": ["Tam Xuân 2"],
                "start": "2024-03-01",
                "end": f"2024-06-{(n % 28) + 1:02d}",
                "themes": ["1", "2"],
            }
        )
    return plan_import(
        data={
            "title": "Triển khai thực hiện Đề án truyền thông về quyền con người năm 2024",
            "number": "88/KH-UBND",
            "date": "2024-03-12",
            "year": 2024,
            "targets": [
                {
                    "text": "100% cán bộ, công chức phụ trách được tập huấn kiến thức "
                    "truyền thông.",
                    "value": 100,
                    "unit": "%",
                },
                {
                    "text": "Sản phẩm truyền thông số chiếm 15 - 20%",
                    "value": 15,
                    "value_max": 20,
                    "unit": "%",
                },
            ],
            "themes": [
                {
                    "number": "1",
                    "short_title": "Công ước quốc tế",
                    "text": "Tuyên truyền công ước",
                    "conventions": [],
                },
                {
                    "number": "2",
                    "short_title": "Pháp luật Việt Nam",
                    "text": "Tuyên truyền pháp luật",
                },
            ],
            "tasks": tasks[:n_tasks],
            "duties": [{"who": "Phòng VH&TT", "text": "Chủ trì, theo dõi, tổng hợp."}],
            "reporting": [
                {
                    "who": "Các cơ quan, đơn vị",
                    "what": "Báo cáo kết quả 6 tháng",
                    "due": "06-30",
                    "period": "6 tháng",
                    "to_whom": "Phòng VH&TT",
                },
                {
                    "who": "Các cơ quan, đơn vị",
                    "what": "Báo cáo kết quả năm",
                    "due": "11-30",
                    "period": "năm",
                },
            ],
        },
        issuer=issuer,
        resolve_unit=make_resolver(issuer=issuer, on=None),
        source_text=SOURCE_TEXT,
    )


class PlanListTest(KehoachTestCase):
    url = reverse("plans:list")

    def test_it_lists_the_plans_that_apply_to_a_commune_but_not_a_sibling_communes(self):
        self.login(self.commune_a_staff)
        response = self.client.get(self.url)
        assert response.status_code == 200
        assert response.context["nav"] == "plans"
        titles = [plan.title for plan in response.context["page"].object_list]
        assert self.district_plan.title in titles
        assert self.commune_a_plan.title in titles
        assert self.commune_b_plan.title not in titles

    def test_it_shows_number_issuer_and_task_counts(self):
        self.login(self.manager)
        response = self.client.get(self.url)
        self.assertContains(response, "125/KH-UBND")
        self.assertContains(response, reverse("plans:home", args=[self.district_plan.pk]))
        plans = {plan.pk: plan for plan in response.context["page"].object_list}
        assert plans[self.district_plan.pk].n_tasks == 3
        assert plans[self.commune_a_plan.pk].n_tasks == 1

    def test_it_finds_a_plan_by_title_typed_without_diacritics(self):
        self.login(self.manager)
        response = self.client.get(self.url, {"q": "tuyen truyen cua xa tam xuan ii"})
        assert [p.pk for p in response.context["page"].object_list] == [self.commune_b_plan.pk]

    def test_it_filters_by_year(self):
        make_plan(issuer=self.district, title="Kế hoạch năm 2025", year=2025)
        self.login(self.manager)
        response = self.client.get(self.url, {"year": "2025"})
        assert [p.title for p in response.context["page"].object_list] == ["Kế hoạch năm 2025"]
        assert response.context["years"] == [2025, 2024]

    def test_it_paginates(self):
        self.login(self.manager)
        with self.settings(KEHOACH_PAGE_SIZE=2):
            first = self.client.get(self.url)
            second = self.client.get(self.url, {"page": 2})
        assert len(first.context["page"].object_list) == 2
        assert len(second.context["page"].object_list) == 1


@time_machine.travel(JULY_15, tick=False)
class PlanHomeTest(KehoachTestCase):
    plan: Plan

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_rich_plan(cls.district)

    def test_it_shows_the_header_with_the_date_in_vietnamese(self):
        self.login(self.manager)
        response = self.client.get(reverse("plans:home", args=[self.plan.pk]))
        assert response.status_code == 200
        self.assertContains(response, "88/KH-UBND")
        self.assertContains(response, "ngày 12 tháng 3 năm 2024")
        self.assertContains(response, reverse("units:detail", args=[self.district.pk]))

    def test_it_counts_tasks_by_status_with_links_into_the_task_list(self):
        task_set_status(task=self.plan.tasks.get(number="2"), status=TaskStatus.DONE, by=None)
        self.login(self.manager)
        response = self.client.get(reverse("plans:home", args=[self.plan.pk]))
        counts = {value: n for value, _label, n in response.context["status_rows"]}
        assert counts == {"not_started": 1, "in_progress": 0, "done": 1, "cancelled": 0}
        self.assertContains(response, reverse("plans:tasks", args=[self.plan.pk]) + "?status=done")

    def test_it_lists_what_is_overdue_and_the_reporting_deadlines(self):
        self.login(self.manager)
        response = self.client.get(reverse("plans:home", args=[self.plan.pk]))
        overdue = [row.task.number for row in response.context["overdue_rows"]]
        assert overdue == ["1"]
        deadlines = [
            (duty.what, day, passed) for duty, day, passed in response.context["reporting"]
        ]
        assert deadlines == [
            ("Báo cáo kết quả 6 tháng", dt.date(2024, 6, 30), True),
            ("Báo cáo kết quả năm", dt.date(2024, 11, 30), False),
        ]

    @time_machine.travel(JUNE_15, tick=False)
    def test_it_lists_what_is_due_this_month(self):
        self.login(self.manager)
        response = self.client.get(reverse("plans:home", args=[self.plan.pk]))
        assert [row.task.number for row in response.context["due_rows"]] == ["1"]
        assert response.context["overdue_rows"] == []

    def test_it_shows_targets_as_value_or_range_not_yet_computed(self):
        self.login(self.manager)
        response = self.client.get(reverse("plans:home", args=[self.plan.pk]))
        assert [row.amount for row in response.context["targets"]] == ["100 %", "15–20 %"]
        self.assertContains(response, "Chưa tính toán", count=2)

    def test_it_runs_the_same_queries_for_3_and_30_tasks(self):
        small = make_rich_plan(self.district, n_tasks=3)
        large = make_rich_plan(self.district, n_tasks=30)
        self.login(self.manager)
        self.client.get(reverse("plans:home", args=[small.pk]))  # warm the session
        with CaptureQueriesContext(connection) as small_queries:
            assert self.client.get(reverse("plans:home", args=[small.pk])).status_code == 200
        with self.assertNumQueries(len(small_queries)):
            response = self.client.get(reverse("plans:home", args=[large.pk]))
        assert len(response.context["overdue_rows"]) == 20  # the list is capped, not the count

    @time_machine.travel(JUNE_15, tick=False)
    def test_an_empty_overdue_list_does_not_change_the_query_count(self):
        large = make_rich_plan(self.district, n_tasks=30)
        self.login(self.manager)
        self.client.get(reverse("plans:home", args=[large.pk]))
        with CaptureQueriesContext(connection) as large_queries:
            response = self.client.get(reverse("plans:home", args=[large.pk]))
        assert response.context["overdue_rows"] and response.context["due_rows"]
        with self.assertNumQueries(len(large_queries)):
            response = self.client.get(reverse("plans:home", args=[self.district_plan.pk]))
        assert response.context["overdue_rows"] == [] and response.context["due_rows"]


class PlanDocumentTest(KehoachTestCase):
    plan: Plan

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_rich_plan(cls.district)

    def test_it_shows_the_source_line_by_line_with_anchors(self):
        self.login(self.commune_a_staff)
        response = self.client.get(reverse("plans:document", args=[self.plan.pk]))
        assert response.status_code == 200
        self.assertContains(response, 'id="L1"')
        self.assertContains(response, 'id="L8"')
        self.assertNotContains(response, 'id="L9"')

    def test_it_links_items_to_their_source_lines(self):
        task = self.plan.tasks.get(number="1")
        target = self.plan.targets.order_by("order")[0]
        assert task.source_line == 7 and target.source_line == 5
        self.login(self.manager)
        response = self.client.get(reverse("plans:document", args=[self.plan.pk]))
        self.assertContains(response, 'href="#L7"')
        self.assertContains(response, 'href="#L5"')
        assert response.context["referenced"] == {5, 7, 8}

    def test_it_marks_units_that_were_not_resolved(self):
        unresolved = Assignment.objects.get(task__plan=self.plan, unit__isnull=True)
        assert unresolved.name_as_written == "Hội Nông dân huyện"
        self.login(self.manager)
        response = self.client.get(reverse("plans:document", args=[self.plan.pk]))
        self.assertContains(response, "Hội Nông dân huyện")
        self.assertContains(response, 'class="badge unresolved"')
        self.assertContains(response, "Báo cáo kết quả 6 tháng")
        self.assertContains(response, "Chủ trì, theo dõi, tổng hợp.")


class TaskListTest(KehoachTestCase):
    def url(self, plan: Plan | None = None) -> str:
        return reverse("plans:tasks", args=[(plan or self.district_plan).pk])

    def numbers(self, response: Any) -> list[str]:
        return [row.task.number for row in response.context["rows"]]

    def test_a_commune_sees_its_own_tasks_and_those_of_all_communes(self):
        self.login(self.commune_a_staff)
        response = self.client.get(self.url(), {"unit": self.commune_a.pk})
        assert response.status_code == 200
        # Task 2 names Tam Xuân I; task 3 names "UBND các xã, thị trấn", which includes it.
        assert self.numbers(response) == ["2", "3"]
        self.assertContains(response, f'<option value="{self.commune_a.pk}" selected>Xã Tam Xuân I')

    def test_the_unit_filter_offers_named_units_and_the_communes(self):
        self.login(self.manager)
        response = self.client.get(self.url())
        offered = {pk for pk, _name in response.context["unit_options"]}
        assert {
            u.pk for u in (self.office, self.commune_a, self.commune_b, self.district)
        } <= offered
        assert self.outsider_commune.pk not in offered

    def test_it_filters_by_status(self):
        task_set_status(task=self.commune_task, status=TaskStatus.IN_PROGRESS, by=self.manager)
        self.login(self.manager)
        response = self.client.get(self.url(), {"status": "in_progress"})
        assert self.numbers(response) == ["2"]

    @time_machine.travel(JULY_15, tick=False)
    def test_it_filters_what_is_overdue_on_a_frozen_day(self):
        self.login(self.manager)
        response = self.client.get(self.url(), {"status": "overdue"})
        assert self.numbers(response) == ["1"]
        self.assertContains(response, 'class="badge overdue"')
        assert self.numbers(self.client.get(self.url(), {"time": "overdue"})) == ["1"]

    def test_it_filters_by_quarter_and_keeps_continuous_tasks(self):
        self.login(self.manager)
        response = self.client.get(self.url(), {"quarter": "1"})
        assert self.numbers(response) == ["2", "3"]

    def test_it_filters_by_theme(self):
        self.login(self.manager)
        response = self.client.get(self.url(), {"theme": self.theme.pk})
        assert self.numbers(response) == ["1"]

    def test_it_finds_tasks_by_text_without_diacritics(self):
        self.login(self.commune_a_staff)
        response = self.client.get(self.url(), {"q": "dai truyen thanh"})
        assert self.numbers(response) == ["2"]

    def test_an_invalid_filter_is_reported_and_ignored(self):
        self.login(self.manager)
        response = self.client.get(self.url(), {"unit": "khong-phai-so", "status": "done"})
        assert response.status_code == 200
        assert "unit" in response.context["form"].errors
        assert self.numbers(response) == []  # the valid status filter still applies

    def test_an_htmx_request_gets_only_the_table(self):
        self.login(self.manager)
        response = self.client.get(self.url(), {"q": "bao chi"}, headers={"HX-Request": "true"})
        body = response.content.decode()
        assert body.lstrip().startswith('<div id="task-table">')
        assert "<html" not in body and "<form" not in body
        assert "Theo dõi thông tin báo chí" in body
        assert "Phát sóng trên đài truyền thanh xã" not in body

    def test_the_full_page_has_the_htmx_filter_form(self):
        self.login(self.manager)
        response = self.client.get(self.url())
        self.assertContains(response, 'hx-target="#task-table"')
        self.assertContains(response, 'hx-push-url="true"')
        self.assertContains(response, "1/4/2024 – 30/6/2024")

    def test_it_exports_the_filtered_list_as_csv(self):
        self.login(self.commune_a_staff)
        response = self.client.get(
            reverse("plans:tasks_csv", args=[self.district_plan.pk]), {"unit": self.commune_a.pk}
        )
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [row[1] for row in rows[1:]] == [
            "Phát sóng trên đài truyền thanh xã",
            "Cổ động trực quan tại các xã",
        ]
        assert rows[2][2] == "UBND các xã, thị trấn"

    def test_it_runs_the_same_queries_for_3_and_30_tasks(self):
        small = make_rich_plan(self.district, n_tasks=3)
        large = make_rich_plan(self.district, n_tasks=30)
        self.login(self.manager)
        cases: list[dict[str, str | int]] = [
            {},
            {"unit": self.commune_a.pk, "status": "not_started"},
        ]
        for params in cases:
            with self.subTest(params=params):
                self.client.get(self.url(small), params)
                with CaptureQueriesContext(connection) as small_queries:
                    self.client.get(self.url(small), params)
                with self.assertNumQueries(len(small_queries)):
                    response = self.client.get(self.url(large), params)
                assert response.context["rows"]


class TaskDetailTest(KehoachTestCase):
    def test_it_shows_the_task_with_its_units_and_themes(self):
        self.login(self.office_staff)
        response = self.client.get(reverse("plans:task", args=[self.office_task.pk]))
        assert response.status_code == 200
        self.assertContains(response, "Theo dõi thông tin báo chí")
        self.assertContains(response, "Quý II/2024")
        self.assertContains(response, "ngày 30 tháng 6 năm 2024")
        self.assertContains(response, reverse("units:detail", args=[self.office.pk]))
        self.assertContains(response, "Công ước quốc tế")

    def test_it_does_not_link_a_unit_the_user_cannot_open(self):
        # A commune reads the district's plan but not the office's unit page.
        self.login(self.commune_a_staff)
        response = self.client.get(reverse("plans:task", args=[self.office_task.pk]))
        self.assertContains(response, "Phòng VH&amp;TT")
        self.assertNotContains(response, reverse("units:detail", args=[self.office.pk]))

    def test_it_offers_the_status_form_only_to_who_may_change_it(self):
        self.login(self.commune_a_staff)
        own = self.client.get(reverse("plans:task", args=[self.commune_task.pk]))
        other = self.client.get(reverse("plans:task", args=[self.office_task.pk]))
        status_url = reverse("plans:task_status", args=[self.commune_task.pk])
        self.assertContains(own, f'hx-post="{status_url}"')
        assert own.context["can_change"] is True
        self.assertNotContains(other, "hx-post=")
        assert other.context["can_change"] is False

    def test_it_shows_the_status_history(self):
        task_set_status(
            task=self.commune_task,
            status=TaskStatus.IN_PROGRESS,
            by=self.commune_a_staff,
            note="Đã phát 12 buổi trên đài truyền thanh xã.",
        )
        self.login(self.manager)
        response = self.client.get(reverse("plans:task", args=[self.commune_task.pk]))
        self.assertContains(response, "Đã phát 12 buổi trên đài truyền thanh xã.")
        self.assertContains(response, "Lê Văn Hùng")

    def test_it_shows_a_change_recorded_without_a_user(self):
        # The demo and the importer change status with by=None.
        task_set_status(task=self.commune_task, status=TaskStatus.DONE, by=None)
        self.login(self.manager)
        response = self.client.get(reverse("plans:task", args=[self.commune_task.pk]))
        assert response.status_code == 200
        self.assertContains(response, 'class="badge done"')


class TaskStatusTest(KehoachTestCase):
    def url(self, task: Task) -> str:
        return reverse("plans:task_status", args=[task.pk])

    def test_a_lead_commune_changes_the_status_and_a_task_event_is_written(self):
        self.login(self.commune_a_staff)
        response = self.client.post(
            self.url(self.commune_task), {"status": "in_progress", "note": "Đã bắt đầu phát sóng."}
        )
        self.assertRedirects(response, reverse("plans:task", args=[self.commune_task.pk]))
        self.commune_task.refresh_from_db()
        assert self.commune_task.status == TaskStatus.IN_PROGRESS
        event = TaskEvent.objects.get(task=self.commune_task)
        assert (event.status_from, event.status_to) == ("not_started", "in_progress")
        assert event.note == "Đã bắt đầu phát sóng."
        assert event.by == self.commune_a_staff

    def test_an_htmx_post_returns_the_status_fragment(self):
        self.login(self.manager)
        response = self.client.post(
            self.url(self.office_task), {"status": "done"}, headers={"HX-Request": "true"}
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert body.lstrip().startswith('<section class="card" id="task-status">')
        assert "<html" not in body
        assert 'class="badge done"' in body

    def test_an_unknown_status_changes_nothing(self):
        self.login(self.manager)
        response = self.client.post(
            self.url(self.office_task), {"status": "finished"}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        assert "errorlist" in response.content.decode()
        self.office_task.refresh_from_db()
        assert self.office_task.status == TaskStatus.NOT_STARTED
        assert not TaskEvent.objects.exists()

    def test_a_commune_cannot_change_the_offices_task(self):
        self.login(self.commune_a_staff)
        response = self.client.post(self.url(self.office_task), {"status": "done"})
        assert response.status_code == 403
        assert not TaskEvent.objects.exists()


class TaskCreateTest(KehoachTestCase):
    def url(self) -> str:
        return reverse("plans:task_create", args=[self.district_plan.pk])

    def test_a_manager_adds_a_task_with_units_and_themes(self):
        self.login(self.manager)
        response = self.client.post(
            self.url(),
            {
                "number": "4",
                "title": "Tổ chức cuộc thi tìm hiểu pháp luật về quyền con người",
                "time_text": "Quý III/2024",
                "start": "2024-07-01",
                "end": "2024-09-30",
                "recurrence": "none",
                "lead_units": [self.office.pk],
                "support_units": [self.commune_a.pk, self.commune_b.pk],
                "themes": [self.theme.pk],
            },
        )
        task = self.district_plan.tasks.get(number="4")
        self.assertRedirects(response, reverse("plans:task", args=[task.pk]))
        assert task.end == dt.date(2024, 9, 30)
        assert [(a.role, a.unit) for a in task.assignments.order_by("role", "order")] == [
            ("lead", self.office),
            ("support", self.commune_a),
            ("support", self.commune_b),
        ]
        assert list(task.themes.all()) == [self.theme]

    def test_an_end_before_the_start_is_shown_and_nothing_is_created(self):
        self.login(self.manager)
        before = Task.objects.count()
        response = self.client.post(
            self.url(),
            {
                "title": "Hội nghị tập huấn",
                "start": "2024-09-30",
                "end": "2024-07-01",
                "recurrence": "none",
                "lead_units": [self.office.pk],
            },
        )
        assert response.status_code == 200
        assert "end" in response.context["form"].errors
        self.assertContains(response, 'class="errorlist"')
        assert Task.objects.count() == before
        assert not Assignment.objects.filter(task__title="Hội nghị tập huấn").exists()

    def test_an_empty_title_is_shown_and_nothing_is_created(self):
        self.login(self.manager)
        before = Task.objects.count()
        response = self.client.post(self.url(), {"title": "   ", "recurrence": "none"})
        assert "title" in response.context["form"].errors
        assert Task.objects.count() == before

    def test_it_offers_only_units_of_the_issuers_subtree(self):
        self.login(self.manager)
        response = self.client.get(self.url())
        offered = set(response.context["form"].fields["lead_units"].queryset)
        assert {self.district, self.office, self.commune_a, self.commune_b} <= offered
        assert self.outsider_commune not in offered and self.province not in offered

    def test_a_unit_outside_the_subtree_is_refused(self):
        self.login(self.manager)
        before = Task.objects.count()
        response = self.client.post(
            self.url(),
            {
                "title": "Việc ngoài huyện",
                "recurrence": "none",
                "lead_units": [self.outsider_commune.pk],
            },
        )
        assert "lead_units" in response.context["form"].errors
        assert Task.objects.count() == before


class TaskEditTest(KehoachTestCase):
    def test_a_manager_edits_a_task_and_keeps_group_assignments(self):
        task = self.communes_group_task
        self.login(self.manager)
        page = self.client.get(reverse("plans:task_edit", args=[task.pk]))
        assert page.context["form"]["title"].value() == "Cổ động trực quan tại các xã"
        self.assertContains(page, "UBND các xã, thị trấn")  # kept as written, shown apart
        response = self.client.post(
            reverse("plans:task_edit", args=[task.pk]),
            {
                "number": "3",
                "title": "Cổ động trực quan tại các xã, thị trấn",
                "time_text": "Năm 2024",
                "start": "2024-01-01",
                "end": "2024-12-31",
                "recurrence": "yearly",
                "lead_units": [self.office.pk],
                "themes": [self.theme.pk],
            },
        )
        self.assertRedirects(response, reverse("plans:task", args=[task.pk]))
        task.refresh_from_db()
        assert task.title == "Cổ động trực quan tại các xã, thị trấn"
        assert task.recurrence == "yearly"
        assert task.end == dt.date(2024, 12, 31)
        leads = {(a.name_as_written, a.scope) for a in task.assignments.filter(role="lead")}
        assert leads == {
            ("UBND các xã, thị trấn", UnitScope.COMMUNES),
            ("Phòng VH&TT", UnitScope.UNIT),
        }

    def test_removing_a_lead_unit_and_clearing_dates(self):
        task = self.office_task
        self.login(self.manager)
        self.client.post(
            reverse("plans:task_edit", args=[task.pk]),
            {"title": task.title, "recurrence": "none", "lead_units": [self.commune_b.pk]},
        )
        task.refresh_from_db()
        assert task.start is None and task.end is None
        assert [a.unit for a in task.assignments.all()] == [self.commune_b]

    def test_an_end_before_the_start_changes_nothing(self):
        task = self.office_task
        self.login(self.manager)
        response = self.client.post(
            reverse("plans:task_edit", args=[task.pk]),
            {"title": "Tên mới", "start": "2024-06-30", "end": "2024-04-01", "recurrence": "none"},
        )
        assert "end" in response.context["form"].errors
        task.refresh_from_db()
        assert task.title == "Theo dõi thông tin báo chí"
        assert task.end == dt.date(2024, 6, 30)


class PlanExportTest(KehoachTestCase):
    def test_it_downloads_the_plan_as_json_with_vietnamese_letters(self):
        self.login(self.commune_a_staff)
        response = self.client.get(reverse("plans:export", args=[self.district_plan.pk]))
        assert response.status_code == 200
        assert response["Content-Disposition"] == (
            f'attachment; filename="plan-{self.district_plan.pk}.json"'
        )
        body = response.content.decode("utf-8")
        assert "Theo dõi thông tin báo chí" in body  # not \\u escapes
        data = json.loads(body)
        assert data["number"] == "125/KH-UBND"
        assert [t["title"] for t in data["tasks"]][:1] == ["Theo dõi thông tin báo chí"]


class PlanHomeComputedTargetsTest(KehoachTestCase):
    """A target with a rule shows its value from records; the others stay 'not yet computed'."""

    def test_it_shows_the_value_computed_from_records(self):
        from kehoach.activities.services import target_rule_set
        from kehoach.activities.testing import make_record

        plan = make_plan(
            issuer=self.district,
            title="Kế hoạch có chỉ tiêu tính từ hồ sơ",
            targets=[
                {
                    "text": "Sản phẩm tiếng dân tộc hoặc trên nền tảng số 15 - 20%",
                    "value": 15,
                    "value_max": 20,
                    "unit": "%",
                },
                {"text": "Chỉ tiêu chưa có quy tắc tính", "value": None, "unit": None},
            ],
            tasks=[{"title": "Sản xuất sản phẩm truyền thông"}],
        )
        computed, manual = plan.targets.order_by("order")
        target_rule_set(
            target=computed, kind="product_share", params={"condition": "language_or_digital"}
        )
        task = plan.tasks.get()
        make_record(unit=self.commune_a, tasks=[task], languages=["cor"], platforms=["radio"])
        make_record(unit=self.commune_a, tasks=[task], languages=["vi"], platforms=["radio"])
        self.login(self.manager)
        response = self.client.get(reverse("plans:home", args=[plan.pk]))
        values = {row.target.pk: row.computed for row in response.context["targets"]}
        assert values[computed.pk] is not None and values[computed.pk].value == "50,0 %"
        assert values[manual.pk] is None
        self.assertContains(response, "Chưa tính toán", count=1)
