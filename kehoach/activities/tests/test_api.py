"""The records API: lists and filters, every kind's detail in and out, edits and deletes within
the user's units, links as attachments, and the computed progress of targets and tasks."""

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kehoach.activities.models import Attachment, Record, RecordKind
from kehoach.activities.services import target_rule_set
from kehoach.activities.testing import make_record
from kehoach.plans.models import Target
from kehoach.testing import KehoachTestCase


def product_body(t: Any, **extra: Any) -> dict[str, Any]:
    body = {
        "kind": "product",
        "unit_id": t.commune_a.pk,
        "date": "2024-05-10",
        "title": "Phóng sự về quyền của người dân tộc thiểu số bằng tiếng Cơ Tu",
        "task_ids": [t.commune_a_task.pk],
        "detail": {
            "product_kind": "radio",
            "languages": ["vi", "katu"],
            "platforms": ["radio", "social"],
            "digitised": True,
        },
    }
    body.update(extra)
    return body


class RecordListApiTest(KehoachTestCase):
    a_product: Record
    a_visual: Record
    b_product: Record

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.a_product = make_record(unit=cls.commune_a, tasks=[cls.commune_a_task])
        cls.a_visual = make_record(
            unit=cls.commune_a,
            tasks=[cls.commune_task],
            kind=RecordKind.VISUAL,
            date=dt.date(2024, 7, 2),
            title="Treo pa nô tại chợ Tam Xuân",
        )
        cls.b_product = make_record(unit=cls.commune_b, tasks=[cls.commune_b_task])

    def test_it_lists_only_the_records_of_the_users_units(self):
        self.login(self.commune_a_staff)
        body = self.client.get("/api/records").json()
        assert body["count"] == 2
        assert {item["id"] for item in body["items"]} == {self.a_product.pk, self.a_visual.pk}

    def test_a_district_manager_sees_the_communes_records(self):
        self.login(self.manager)
        assert self.client.get("/api/records").json()["count"] == 3

    def test_it_filters_by_kind_unit_task_dates_and_text(self):
        self.login(self.manager)

        def ids(query: str) -> set[int]:
            return {item["id"] for item in self.client.get("/api/records?" + query).json()["items"]}

        assert ids("kind=visual") == {self.a_visual.pk}
        assert ids(f"unit={self.commune_b.pk}") == {self.b_product.pk}
        assert ids(f"task={self.commune_task.pk}") == {self.a_visual.pk}
        assert ids("date_from=2024-07-01") == {self.a_visual.pk}
        assert ids("date_to=2024-06-30") == {self.a_product.pk, self.b_product.pk}
        assert ids("q=pa nô") == {self.a_visual.pk}

    def test_it_shows_the_kinds_detail(self):
        self.login(self.commune_a_staff)
        item = self.client.get(f"/api/records/{self.a_visual.pk}").json()
        assert item["kind"] == "visual"
        assert item["unit_name"] == "Xã Tam Xuân I"
        assert item["detail"] == {"item": "banner", "quantity": 10, "location": "Trục đường ĐT 617"}

    def test_the_list_takes_the_same_number_of_queries_for_more_records(self):
        self.login(self.manager)
        make_record(unit=self.commune_a, tasks=[self.commune_task], kind=RecordKind.TRAINING)
        self.client.get("/api/records")  # warm the session and scope
        with CaptureQueriesContext(connection) as few:
            self.client.get("/api/records")
        for n in range(5):
            make_record(unit=self.commune_b, tasks=[self.commune_b_task], title=f"Bài viết số {n}")
            make_record(
                unit=self.commune_a,
                tasks=[self.commune_task],
                kind=RecordKind.TRAINING,
                title=f"Tập huấn lần {n}",
                attendees=[self.commune_a_person.pk],
            )
        with CaptureQueriesContext(connection) as many:
            self.client.get("/api/records")
        assert len(many) == len(few)


class RecordWriteApiTest(KehoachTestCase):
    def setUp(self) -> None:
        self.login(self.commune_a_staff)

    def test_it_creates_a_product_and_keeps_its_flags(self):
        response = self.client.post(
            "/api/records", product_body(self), content_type="application/json"
        )
        assert response.status_code == 201, response.content
        item = response.json()
        assert item["detail"]["languages"] == ["vi", "katu"]
        assert item["detail"]["in_minority_or_foreign_language"] is True
        assert item["detail"]["on_digital_platform"] is True
        record = Record.objects.get(pk=item["id"])
        assert record.created_by == self.commune_a_staff
        assert list(record.tasks.all()) == [self.commune_a_task]

    def test_it_creates_a_training_with_its_attendees(self):
        body = {
            "kind": "training",
            "unit_id": self.commune_a.pk,
            "date": "2024-04-20",
            "title": "Hội nghị quán triệt Kế hoạch 125/KH-UBND",
            "task_ids": [self.commune_task.pk],
            "detail": {"training_kind": "conference", "attendees": [self.commune_a_person.pk]},
        }
        response = self.client.post("/api/records", body, content_type="application/json")
        assert response.status_code == 201, response.content
        detail = response.json()["detail"]
        assert detail["attendees"] == [self.commune_a_person.pk]
        assert detail["attendance"] == [
            {"person_id": self.commune_a_person.pk, "duties": "human_rights"}
        ]

    def test_it_refuses_an_attendee_of_another_commune_as_unknown(self):
        # People are personal data: another commune's officials cannot be named, nor probed.
        body = {
            "kind": "training",
            "unit_id": self.commune_a.pk,
            "date": "2024-04-20",
            "title": "Tập huấn",
            "task_ids": [self.commune_task.pk],
            "detail": {"training_kind": "training", "attendees": [self.commune_b_person.pk]},
        }
        response = self.client.post("/api/records", body, content_type="application/json")
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "detail.attendees"
        assert not Record.objects.exists()

    def test_it_reports_the_services_errors_by_body_field(self):
        body = product_body(self, task_ids=[])
        body["detail"]["languages"] = ["xx"]
        response = self.client.post("/api/records", body, content_type="application/json")
        assert response.status_code == 422
        fields = {e["field"] for e in response.json()["errors"]}
        assert fields == {"task_ids", "detail.languages"}
        assert not Record.objects.exists()

    def test_it_refuses_an_unknown_detail_key_and_a_bad_date_in_detail(self):
        body = {
            "kind": "broadcast",
            "unit_id": self.commune_a.pk,
            "date": "2024-04-20",
            "title": "Phát sóng",
            "task_ids": [self.commune_task.pk],
            "detail": {"station": "Đài xã", "first_aired": "20/04/2024", "colour": "đỏ"},
        }
        response = self.client.post("/api/records", body, content_type="application/json")
        assert response.status_code == 422
        fields = {e["field"] for e in response.json()["errors"]}
        assert fields == {"detail.first_aired", "detail.colour"}

    def test_it_refuses_a_record_for_the_district_above_with_403(self):
        response = self.client.post(
            "/api/records",
            product_body(self, unit_id=self.district.pk),
            content_type="application/json",
        )
        assert response.status_code == 403
        assert not Record.objects.exists()

    def test_it_refuses_a_task_of_a_plan_the_user_cannot_see(self):
        response = self.client.post(
            "/api/records",
            product_body(self, task_ids=[self.commune_b_task.pk]),
            content_type="application/json",
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "task_ids"

    def test_it_changes_only_the_detail_keys_sent(self):
        record = make_record(unit=self.commune_a, tasks=[self.commune_a_task], url="")
        response = self.client.patch(
            f"/api/records/{record.pk}",
            {"title": "Bài viết đã sửa", "detail": {"platforms": ["portal"]}},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        item = response.json()
        assert item["title"] == "Bài viết đã sửa"
        assert item["detail"]["platforms"] == ["portal"]
        assert item["detail"]["languages"] == ["vi"]
        assert item["detail"]["on_digital_platform"] is True

    def test_it_refuses_moving_a_record_to_the_district_above(self):
        record = make_record(unit=self.commune_a, tasks=[self.commune_a_task])
        response = self.client.patch(
            f"/api/records/{record.pk}",
            {"unit_id": self.district.pk},
            content_type="application/json",
        )
        assert response.status_code == 403
        record.refresh_from_db()
        assert record.unit == self.commune_a

    def test_it_deletes_a_record(self):
        record = make_record(unit=self.commune_a, tasks=[self.commune_a_task])
        assert self.client.delete(f"/api/records/{record.pk}").status_code == 204
        assert not Record.objects.filter(pk=record.pk).exists()

    def test_it_attaches_a_link(self):
        record = make_record(unit=self.commune_a, tasks=[self.commune_a_task])
        response = self.client.post(
            f"/api/records/{record.pk}/attachments",
            {"url": "https://baoquangnam.vn/bai-viet", "caption": "Bài đăng trên báo tỉnh"},
            content_type="application/json",
        )
        assert response.status_code == 201
        attachment = Attachment.objects.get(record=record)
        assert attachment.caption == "Bài đăng trên báo tỉnh"
        assert response.json()["file"] is None

    def test_it_refuses_an_attachment_that_is_not_a_link(self):
        record = make_record(unit=self.commune_a, tasks=[self.commune_a_task])
        response = self.client.post(
            f"/api/records/{record.pk}/attachments",
            {"url": "bai-viet"},
            content_type="application/json",
        )
        assert response.status_code == 422
        assert not Attachment.objects.exists()


class ProgressApiTest(KehoachTestCase):
    target: Target
    bare: Target
    counted: Record
    other: Record
    office_product: Record

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.target = Target.objects.create(
            plan=cls.district_plan,
            order=3,
            text="Tỷ lệ sản phẩm bằng tiếng dân tộc thiểu số hoặc trên nền tảng số đạt 15-20%",
            value=15,
            value_max=20,
            unit_of_measure="%",
        )
        target_rule_set(target=cls.target, kind="product_share", params={"condition": "language"})
        cls.counted = make_record(
            unit=cls.commune_a, tasks=[cls.commune_task], languages=["vi", "cor"]
        )
        cls.other = make_record(unit=cls.commune_b, tasks=[cls.commune_task])
        cls.office_product = make_record(unit=cls.office, tasks=[cls.office_task])
        cls.bare = Target.objects.create(plan=cls.district_plan, order=4, text="Không có quy tắc")

    def test_it_computes_the_value_from_records(self):
        self.login(self.manager)
        body = self.client.get(f"/api/targets/{self.target.pk}/progress?as_of=2024-12-31").json()
        assert body["computed"] is True
        assert body["rule"] == "product_share"
        assert (body["numerator"], body["denominator"]) == (1, 3)
        assert float(body["value"]) == 33.3
        assert body["status"] in {"met", "exceeded", "on_track", "behind"}
        assert len(body["course"]) == 12
        assert body["explanation"]

    def test_it_says_when_a_target_has_no_rule(self):
        self.login(self.manager)
        body = self.client.get(f"/api/targets/{self.bare.pk}/progress").json()
        assert body["computed"] is False and body["value"] is None
        members = self.client.get(f"/api/targets/{self.bare.pk}/members").json()
        assert members == {"items": [], "count": 0}

    def test_it_lists_the_records_behind_the_numerator_and_denominator(self):
        self.login(self.manager)
        url = f"/api/targets/{self.target.pk}/members?as_of=2024-12-31"
        numerator = self.client.get(url + "&part=numerator").json()
        assert [i["id"] for i in numerator["items"]] == [self.counted.pk]
        assert numerator["items"][0]["type"] == "record"
        assert numerator["items"][0]["unit_name"] == "Xã Tam Xuân I"
        assert self.client.get(url + "&part=denominator").json()["count"] == 3

    def test_a_commune_sees_the_value_but_only_its_own_records_behind_it(self):
        # The district plan applies to commune B: its target is readable, the other units'
        # records stay out of the list while the counts remain whole.
        self.login(self.commune_b_staff)
        body = self.client.get(f"/api/targets/{self.target.pk}/progress?as_of=2024-12-31").json()
        assert body["denominator"] == 3
        members = self.client.get(
            f"/api/targets/{self.target.pk}/members?part=denominator&as_of=2024-12-31"
        ).json()
        assert [i["id"] for i in members["items"]] == [self.other.pk]

    def test_it_refuses_a_bad_part(self):
        self.login(self.manager)
        response = self.client.get(f"/api/targets/{self.target.pk}/members?part=both")
        assert response.status_code == 422

    def test_a_task_shows_progress_from_its_records(self):
        self.login(self.commune_a_staff)
        body = self.client.get(f"/api/tasks/{self.commune_task.pk}/progress").json()
        assert body["task_id"] == self.commune_task.pk
        assert body["records"] == 2
        assert body["last_record"] == "2024-03-15"
        assert body["status"] in {"in_progress", "overdue"}

    def test_targets_and_tasks_of_hidden_plans_do_not_exist(self):
        self.login(self.outsider)
        assert self.client.get(f"/api/targets/{self.target.pk}/progress").status_code == 404
        assert self.client.get(f"/api/targets/{self.target.pk}/members").status_code == 404
        assert self.client.get(f"/api/tasks/{self.commune_task.pk}/progress").status_code == 404
