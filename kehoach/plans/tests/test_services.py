from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kehoach.plans.models import Plan, Task, TaskEvent, TaskStatus
from kehoach.plans.services import plan_import, task_create, task_set_status, task_update
from kehoach.testing import KehoachTestCase


class PlanImportTest(KehoachTestCase):
    def test_it_writes_nothing_when_one_task_is_bad(self):
        plans_before, tasks_before = Plan.objects.count(), Task.objects.count()
        data = {
            "title": "Kế hoạch phổ biến pháp luật năm 2025",
            "year": 2025,
            "tasks": [
                {"title": "Tập huấn cho cán bộ xã", "start": "2025-04-01", "end": "2025-06-30"},
                {"title": "Hội nghị sơ kết", "start": "2025-12-01", "end": "2025-06-30"},
            ],
        }
        with pytest.raises(ValidationError) as error:
            plan_import(data=data, issuer=self.district)
        assert "end" in error.value.message_dict
        assert (Plan.objects.count(), Task.objects.count()) == (plans_before, tasks_before)

    def test_it_requires_a_title_and_a_year(self):
        with pytest.raises(ValidationError) as error:
            plan_import(data={"title": " ", "year": 2024}, issuer=self.district)
        assert "title" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            plan_import(data={"title": "Kế hoạch", "year": None}, issuer=self.district)
        assert "year" in error.value.message_dict

    def test_it_keeps_ranges_and_decimal_commas(self):
        plan = plan_import(
            data={
                "title": "Kế hoạch bình đẳng giới",
                "year": 2025,
                "targets": [
                    {"text": "chiếm từ 15 - 20%", "value": 15, "value_max": 20, "unit": "%"},
                    {"text": "đạt 99,86%", "value": "99,86", "unit": "%"},
                ],
            },
            issuer=self.district,
        )
        first, second = plan.targets.all()
        assert (first.value, first.value_max) == (Decimal(15), Decimal(20))
        assert str(second.value) == "99.860"

    def test_it_refuses_a_reversed_range(self):
        with pytest.raises(ValidationError):
            plan_import(
                data={
                    "title": "Kế hoạch",
                    "year": 2025,
                    "targets": [{"text": "x", "value": 20, "value_max": 15, "unit": "%"}],
                },
                issuer=self.district,
            )

    def test_it_refuses_a_malformed_due_day(self):
        with pytest.raises(ValidationError):
            plan_import(
                data={
                    "title": "Kế hoạch",
                    "year": 2025,
                    "reporting": [{"who": "UBND các xã", "what": "báo cáo", "due": "13-40"}],
                },
                issuer=self.district,
            )

    def test_it_keeps_unresolved_unit_names_as_written(self):
        plan = plan_import(
            data={
                "title": "Kế hoạch",
                "year": 2025,
                "tasks": [{"title": "Tuyên truyền", "lead": ["Đài Phát thanh xã Tam Kỳ"]}],
            },
            issuer=self.district,
            resolve_unit=lambda name: None,
        )
        assignment = plan.tasks.get().assignments.get()
        assert assignment.name_as_written == "Đài Phát thanh xã Tam Kỳ"
        assert assignment.unit is None


class TaskStatusTest(KehoachTestCase):
    def test_each_change_is_recorded_once(self):
        task_set_status(task=self.office_task, status=TaskStatus.IN_PROGRESS, by=self.office_staff)
        task_set_status(task=self.office_task, status=TaskStatus.IN_PROGRESS, by=self.office_staff)
        task_set_status(task=self.office_task, status=TaskStatus.DONE, by=self.manager, note="Xong")
        events = list(TaskEvent.objects.filter(task=self.office_task).order_by("at", "pk"))
        assert [(e.status_from, e.status_to) for e in events] == [
            ("not_started", "in_progress"),
            ("in_progress", "done"),
        ]
        assert events[-1].by == self.manager and events[-1].note == "Xong"

    def test_it_refuses_an_unknown_status(self):
        with pytest.raises(ValidationError):
            task_set_status(task=self.office_task, status="finished", by=self.manager)
        self.office_task.refresh_from_db()
        assert self.office_task.status == TaskStatus.NOT_STARTED


class TaskEditTest(KehoachTestCase):
    def test_it_refuses_an_end_before_the_start(self):
        with pytest.raises(ValidationError):
            task_create(
                plan=self.district_plan,
                data={"title": "Hội nghị", "start": "2024-09-01", "end": "2024-08-01"},
            )
        assert not Task.objects.filter(title="Hội nghị").exists()

    def test_it_refuses_a_theme_of_another_plan(self):
        with pytest.raises(ValidationError):
            task_update(task=self.commune_a_task, themes=[self.theme])

    def test_it_updates_the_search_text(self):
        task_update(task=self.office_task, title="Theo dõi thông tin trên mạng xã hội")
        assert "mang xa hoi" in Task.objects.get(pk=self.office_task.pk).search_text
