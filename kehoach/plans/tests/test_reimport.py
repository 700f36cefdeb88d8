"""Re-importing a corrected document updates its plan in place: tasks keep their rows, statuses
and history; what left the document is removed, or kept cancelled when records hang on it."""

import copy
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from kehoach.plans.models import Plan, Target, Task, TaskEvent, TaskStatus
from kehoach.plans.resolve import make_resolver
from kehoach.plans.services import plan_import, plan_reimport, task_set_status
from kehoach.testing import KehoachTestCase

SOURCE_V1 = "KẾ HOẠCH\nTuyên truyền về quyền con người năm 2024\n(bản 1)"
SOURCE_V2 = "KẾ HOẠCH\nTuyên truyền về quyền con người năm 2024\n(bản 2, đã sửa)"

DRAFT: dict[str, Any] = {
    "title": "Tuyên truyền về quyền con người năm 2024",
    "issuer": "UBND huyện Núi Thành",
    "number": "57/KH-UBND",
    "date": "2024-03-12",
    "year": 2024,
    "targets": [
        {"text": "100% xã, thị trấn tổ chức tuyên truyền", "value": 100, "unit": "%"},
        {"text": "Ít nhất 04 tin, bài mỗi quý", "value": 4, "unit": "tin, bài"},
    ],
    "tasks": [
        {
            "number": "1",
            "title": "Tổ chức hội nghị quán triêt Kế hoạch",  # typo, fixed in the second version
            "lead": ["Phòng VH&TT"],
            "support": ["UBND các xã, thị trấn"],
            "time": "Quý II/2024",
            "start": "2024-04-01",
            "end": "2024-06-30",
            "recurring": False,
        },
        {
            "number": "2",
            "title": "Tuyên truyền trên hệ thống truyền thanh cơ sở",
            "lead": ["UBND xã Tam Xuân I"],
            "support": [],
            "time": "Thường xuyên",
            "recurring": True,
        },
        {
            "number": "3",
            "title": "Biên soạn tài liệu hỏi đáp về quyền trẻ em",
            "lead": ["Phòng VH&TT"],
            "support": [],
            "time": "Quý III/2024",
            "start": "2024-07-01",
            "end": "2024-09-30",
        },
    ],
    "reporting": [
        {"who": "Phòng VH&TT", "what": "Báo cáo kết quả", "due": "11-30", "period": "năm"},
    ],
}


class PlanReimportTest(KehoachTestCase):
    plan: Plan

    def setUp(self) -> None:
        self.resolver = make_resolver(issuer=self.district, on=dt.date(2024, 3, 12))
        self.plan = plan_import(
            data=DRAFT,
            issuer=self.district,
            resolve_unit=self.resolver,
            source_text=SOURCE_V1,
            source_name="kh-57-ban-1.docx",
        )
        self.tasks = list(self.plan.tasks.order_by("order"))

    def reimport(self, data: dict[str, Any]) -> Any:
        return plan_reimport(
            plan=self.plan,
            data=data,
            resolve_unit=self.resolver,
            by=self.manager,
            source_text=SOURCE_V2,
            source_name="kh-57-ban-2.docx",
        )

    def corrected(self) -> dict[str, Any]:
        return copy.deepcopy(DRAFT)

    def test_it_keeps_a_tasks_row_status_and_history_through_a_typo_fix_and_a_new_time(self):
        first = self.tasks[0]
        task_set_status(task=first, status=TaskStatus.IN_PROGRESS, by=self.manager, note="Đã họp")
        data = self.corrected()
        # The corrected document fixes the typo in the title and moves the time to Quý III.
        data["tasks"][0]["title"] = "Tổ chức hội nghị quán triệt Kế hoạch"
        data["tasks"][0].update(time="Quý III/2024", start="2024-07-01", end="2024-09-30")
        result = self.reimport(data)
        task = Task.objects.get(pk=first.pk)
        assert task.title == "Tổ chức hội nghị quán triệt Kế hoạch"
        assert (task.time_text, task.start, task.end) == (
            "Quý III/2024",
            dt.date(2024, 7, 1),
            dt.date(2024, 9, 30),
        )
        assert task.status == TaskStatus.IN_PROGRESS
        assert list(TaskEvent.objects.filter(task=task).values_list("note", flat=True)) == [
            "Đã họp"
        ]
        assert result.tasks_updated == 3
        assert result.tasks_created == 0

    def test_it_updates_the_header_and_the_source_text(self):
        data = self.corrected()
        data.update(number="57/KH-UBND-2", date="2024-03-15")
        self.reimport(data)
        self.plan.refresh_from_db()
        assert self.plan.number == "57/KH-UBND-2"
        assert self.plan.issued_on == dt.date(2024, 3, 15)
        assert self.plan.source_text == SOURCE_V2
        assert self.plan.source_name == "kh-57-ban-2.docx"

    def test_it_creates_new_tasks_in_the_documents_order(self):
        data = self.corrected()
        data["tasks"].insert(
            1,
            {"number": "2", "title": "Tổ chức cuộc thi tìm hiểu pháp luật về quyền con người"},
        )
        result = self.reimport(data)
        titles = list(self.plan.tasks.order_by("order").values_list("title", flat=True))
        assert titles[1] == "Tổ chức cuộc thi tìm hiểu pháp luật về quyền con người"
        assert titles[2] == "Tuyên truyền trên hệ thống truyền thanh cơ sở"
        assert result.tasks_created == 1
        assert set(self.plan.tasks.values_list("pk", flat=True)) > {t.pk for t in self.tasks}

    def test_a_dropped_task_with_nothing_attached_is_deleted(self):
        data = self.corrected()
        del data["tasks"][2]
        result = self.reimport(data)
        assert not Task.objects.filter(pk=self.tasks[2].pk).exists()
        assert result.tasks_deleted == 1

    def test_a_dropped_task_with_a_history_is_kept_cancelled_with_a_note(self):
        dropped = self.tasks[2]
        task_set_status(task=dropped, status=TaskStatus.DONE, by=self.manager)
        data = self.corrected()
        del data["tasks"][2]
        result = self.reimport(data)
        dropped.refresh_from_db()
        assert dropped.status == TaskStatus.CANCELLED
        event = TaskEvent.objects.filter(task=dropped).first()
        assert event is not None
        assert event.status_to == TaskStatus.CANCELLED
        assert "kh-57-ban-2.docx" in event.note
        assert result.tasks_cancelled == 1
        assert dropped.order == 2  # after the document's tasks

    def test_units_still_named_keep_their_rows_and_new_names_are_resolved(self):
        first = self.tasks[0]
        kept = first.assignments.get(role="lead")
        data = self.corrected()
        data["tasks"][0]["support"] = ["UBND các xã, thị trấn", "UBND xã Tam Xuân I", "Hội Cựu X"]
        self.reimport(data)
        assert first.assignments.get(role="lead").pk == kept.pk
        support = list(first.assignments.filter(role="support").order_by("order"))
        assert [a.name_as_written for a in support] == [
            "UBND các xã, thị trấn",
            "UBND xã Tam Xuân I",
            "Hội Cựu X",
        ]
        assert support[1].unit == self.commune_a
        assert support[2].unit is None  # unresolved, kept as written

    def test_targets_are_updated_in_place(self):
        first = self.plan.targets.order_by("order").first()
        assert first is not None
        data = self.corrected()
        data["targets"][0] = {"text": "100% xã, thị trấn tổ chức tuyên truyền", "value": 95}
        data["targets"].pop()
        result = self.reimport(data)
        first.refresh_from_db()
        assert first.value == 95
        assert Target.objects.filter(plan=self.plan).count() == 1
        assert (result.targets_updated, result.targets_deleted) == (1, 1)

    def test_reporting_duties_follow_the_document(self):
        duty = self.plan.reporting_duties.get()
        data = self.corrected()
        data["reporting"][0]["due"] = "12-15"
        self.reimport(data)
        duty.refresh_from_db()
        assert duty.due == "12-15"

    def test_a_bad_draft_changes_nothing(self):
        before = list(Task.objects.filter(plan=self.plan).values())
        data = self.corrected()
        data["tasks"][0]["title"] = "Tổ chức hội nghị quán triệt Kế hoạch"
        data["tasks"][1]["end"] = "30/6/2024"  # not ISO
        with self.assertRaises(ValidationError):
            self.reimport(data)
        assert list(Task.objects.filter(plan=self.plan).values()) == before
        self.plan.refresh_from_db()
        assert self.plan.source_text == SOURCE_V1

    def test_a_rewritten_task_is_not_mistaken_for_the_old_one(self):
        data = self.corrected()
        data["tasks"][2]["title"] = "Tổ chức tọa đàm với học sinh về phòng chống bạo lực học đường"
        result = self.reimport(data)
        assert not Task.objects.filter(pk=self.tasks[2].pk).exists()
        assert (result.tasks_updated, result.tasks_created, result.tasks_deleted) == (2, 1, 1)
