"""The JSON API: authentication, each endpoint's behaviour, errors, pagination and the docs.

Who may do what is in test_api_permissions.py. Error messages go through gettext; until the
Vietnamese catalog exists, tests assert status codes, fields and the English msgids (requested
with Accept-Language: en), never the Vietnamese text.
"""

import datetime as dt
import json
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kehoach.accounts.services import api_token_create, api_token_revoke
from kehoach.people.models import Person
from kehoach.plans.models import Assignment, Task, TaskEvent
from kehoach.plans.selectors import plan_export
from kehoach.plans.services import task_create
from kehoach.testing import KehoachTestCase
from kehoach.units.models import UnitKind
from kehoach.units.services import unit_create, unit_merge

EN = {"Accept-Language": "en"}


class ApiTestCase(KehoachTestCase):
    def get(self, url: str, data: Any = None, headers: dict[str, str] | None = None):
        return self.client.get(url, data, headers={**EN, **(headers or {})})

    def send(self, method: str, url: str, body: Any, headers: dict[str, str] | None = None):
        data = body if isinstance(body, str) else json.dumps(body)
        return self.client.generic(
            method,
            url,
            data=data,
            content_type="application/json",
            headers={**EN, **(headers or {})},
        )

    def fields(self, response) -> set[str | None]:
        return {error["field"] for error in response.json()["errors"]}


class TokenAuthenticationTest(ApiTestCase):
    def setUp(self):
        self.token, raw = api_token_create(user=self.commune_a_staff, name="Phần mềm một cửa")
        self.auth = {"Authorization": f"Bearer {raw}"}

    def test_it_answers_a_valid_token_as_its_user_and_records_the_use(self):
        response = self.get("/api/me", headers=self.auth)
        assert response.status_code == 200
        assert response.json()["username"] == "tamxuan1"
        assert response.json()["roles"][0]["unit_id"] == self.commune_a.pk
        self.token.refresh_from_db()
        assert self.token.last_used_at is not None

    def test_it_refuses_a_revoked_token(self):
        api_token_revoke(token=self.token)
        response = self.get("/api/me", headers=self.auth)
        assert response.status_code == 401
        assert response.json() == {
            "detail": "Authentication required: sign in, or send a valid API token "
            "(Bearer kh_...).",
            "errors": [],
        }

    def test_it_refuses_the_token_of_a_deactivated_user(self):
        self.commune_a_staff.is_active = False
        self.commune_a_staff.save()
        assert self.get("/api/me", headers=self.auth).status_code == 401

    def test_it_refuses_unknown_tokens_and_other_schemes(self):
        for header in ("Bearer kh_khong-dung", "Bearer ", "Token kh_abc", "Basic dGFteHVhbjE6eA=="):
            with self.subTest(header=header):
                response = self.get("/api/plans", headers={"Authorization": header})
                assert response.status_code == 401

    def test_a_token_client_writes_without_a_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            f"/api/tasks/{self.commune_task.pk}/status",
            {"status": "done", "note": "Đã phát sóng đủ 12 tháng"},
            content_type="application/json",
            headers=self.auth,
        )
        assert response.status_code == 200
        assert Task.objects.get(pk=self.commune_task.pk).status == "done"


class SessionAuthenticationTest(ApiTestCase):
    def setUp(self):
        self.client = Client(enforce_csrf_checks=True)

    def test_it_answers_a_signed_in_browser(self):
        self.login(self.manager)
        response = self.get("/api/me")
        assert response.status_code == 200
        assert response.json()["full_name"] == "Nguyễn Văn Toàn"

    def test_it_refuses_a_browser_write_without_the_csrf_token(self):
        self.login(self.manager)
        response = self.send("PATCH", f"/api/tasks/{self.office_task.pk}", {"title": "Mới"})
        assert response.status_code == 403
        assert response.json()["detail"] == "The CSRF check failed: reload the page and try again."
        assert Task.objects.get(pk=self.office_task.pk).title == "Theo dõi thông tin báo chí"

    def test_it_accepts_a_browser_write_with_the_csrf_token(self):
        self.login(self.manager)
        self.get("/api/docs")  # the docs page sets the CSRF cookie for the browser
        token = self.client.cookies["csrftoken"].value
        response = self.send(
            "PATCH",
            f"/api/tasks/{self.office_task.pk}",
            {"title": "Theo dõi thông tin báo chí hằng ngày"},
            headers={"X-CSRFToken": token},
        )
        assert response.status_code == 200
        assert response.json()["title"] == "Theo dõi thông tin báo chí hằng ngày"

    def test_an_anonymous_write_answers_401_not_a_csrf_error(self):
        response = self.send("POST", "/api/people", {"full_name": "Hồ Văn Lâm"})
        assert response.status_code == 401


class UnitApiTest(ApiTestCase):
    def test_it_lists_the_units_a_commune_reads_in_tree_order(self):
        self.login(self.commune_a_staff)
        response = self.get("/api/units")
        names = [unit["name"] for unit in response.json()["items"]]
        assert names == ["Tỉnh Quảng Nam", "Huyện Núi Thành", "Xã Tam Xuân I"]
        assert response.json()["count"] == 3
        # Vietnamese as UTF-8, not \u escapes.
        assert "Xã Tam Xuân I".encode() in response.content
        assert response["Content-Type"] == "application/json; charset=utf-8"

    def test_it_searches_names_and_aliases_without_diacritics(self):
        self.login(self.manager)
        by_name = self.get("/api/units", data={"q": "tam xuan ii"}).json()["items"]
        assert [unit["id"] for unit in by_name] == [self.commune_b.pk]
        by_alias = self.get("/api/units", data={"q": "Tam Xuân 1"}).json()["items"]
        assert [unit["id"] for unit in by_alias] == [self.commune_a.pk]

    def test_it_filters_by_parent_kind_and_valid_date(self):
        self.login(self.admin)
        merged = unit_create(
            name="Xã Tam Anh",
            kind=UnitKind.COMMUNE,
            parent=self.district,
            valid_to=dt.date(2025, 6, 30),
        )
        children = self.get("/api/units", data={"parent": self.district.pk}).json()["items"]
        assert {u["id"] for u in children} == {
            self.office.pk,
            self.commune_a.pk,
            self.commune_b.pk,
            merged.pk,
        }
        communes = self.get(
            "/api/units", data={"parent": self.district.pk, "kind": "commune", "on": "2025-07-01"}
        ).json()["items"]
        assert {u["id"] for u in communes} == {self.commune_a.pk, self.commune_b.pk}

    def test_it_shows_a_unit_with_its_aliases_parent_and_merges(self):
        successor = unit_create(
            name="Xã Tam Xuân",
            kind=UnitKind.COMMUNE,
            parent=self.district,
            valid_from=dt.date(2025, 7, 1),
        )
        unit_merge(
            sources=[self.commune_a],
            into=successor,
            on=dt.date(2025, 7, 1),
            legal_basis="Nghị quyết 1659/NQ-UBTVQH15",
        )
        self.login(self.manager)
        body = self.get(f"/api/units/{self.commune_a.pk}").json()
        assert body["parent_id"] == self.district.pk
        assert body["aliases"] == ["Tam Xuân 1", "UBND xã Tam Xuân I"]
        assert body["valid_to"] == "2025-06-30"
        assert body["merged_into"] == [
            {
                "source_id": self.commune_a.pk,
                "successor_id": successor.pk,
                "effective_on": "2025-07-01",
                "legal_basis": "Nghị quyết 1659/NQ-UBTVQH15",
                "source_url": "",
            }
        ]
        merged_from = self.get(f"/api/units/{successor.pk}").json()["merged_from"]
        assert [m["source_id"] for m in merged_from] == [self.commune_a.pk]

    def test_it_refuses_a_badly_written_date_filter(self):
        self.login(self.manager)
        response = self.get("/api/units", data={"on": "30/06/2025"})
        assert response.status_code == 422
        assert self.fields(response) == {"on"}


class PeopleApiTest(ApiTestCase):
    def test_it_lists_only_the_people_of_units_the_user_writes(self):
        self.login(self.commune_a_staff)
        names = [p["full_name"] for p in self.get("/api/people").json()["items"]]
        assert names == ["Lê Văn Hùng"]

    def test_it_filters_by_name_unit_and_duty(self):
        self.login(self.manager)
        by_name = self.get("/api/people", data={"q": "bui thi thanh"}).json()["items"]
        assert [p["id"] for p in by_name] == [self.commune_b_person.pk]
        by_unit = self.get("/api/people", data={"unit": self.office.pk}).json()["items"]
        assert [p["id"] for p in by_unit] == [self.office_person.pk]
        speakers = self.get("/api/people", data={"duty": "spokesperson"}).json()["items"]
        assert [p["id"] for p in speakers] == [self.office_person.pk]
        unknown = self.get("/api/people", data={"duty": "chairman"})
        assert unknown.status_code == 422 and self.fields(unknown) == {"duty"}

    def test_it_creates_a_person_with_duties(self):
        self.login(self.commune_a_staff)
        response = self.send(
            "POST",
            "/api/people",
            {
                "full_name": "  Nguyễn   Thị Mai ",
                "unit_id": self.commune_a.pk,
                "position": "Phó Chủ tịch UBND xã",
                "duties": ["spokesperson"],
            },
        )
        assert response.status_code == 201
        person = Person.objects.get(pk=response.json()["id"])
        assert (person.full_name, person.unit, person.is_spokesperson) == (
            "Nguyễn Thị Mai",
            self.commune_a,
            True,
        )

    def test_it_changes_only_the_fields_sent(self):
        self.login(self.commune_a_staff)
        response = self.send(
            "PATCH", f"/api/people/{self.commune_a_person.pk}", {"phone": "0235 3871 234"}
        )
        assert response.status_code == 200
        person = Person.objects.get(pk=self.commune_a_person.pk)
        assert person.phone == "0235 3871 234"
        assert person.position == "Công chức Văn hóa - Xã hội"
        assert person.is_human_rights_officer

    def test_it_refuses_null_and_invalid_values_and_changes_nothing(self):
        self.login(self.commune_b_staff)
        url = f"/api/people/{self.commune_b_person.pk}"
        for body, field in (
            ({"full_name": None}, "full_name"),
            ({"full_name": "   "}, "full_name"),
            ({"email": "khong-phai-email"}, "email"),
            ({"duties": ["chairman"]}, "duties.0"),
            ({"active": "có lẽ"}, "active"),
        ):
            with self.subTest(body=body):
                response = self.send("PATCH", url, body)
                assert response.status_code == 422
                assert self.fields(response) == {field}
        person = Person.objects.get(pk=self.commune_b_person.pk)
        assert (person.full_name, person.email) == ("Bùi Thị Thanh", "thanh.bt@tamxuan2.gov.vn")

    def test_it_exports_everything_held_about_a_person(self):
        self.login(self.commune_b_staff)
        body = self.get(f"/api/people/{self.commune_b_person.pk}/export").json()
        assert body["full_name"] == "Bùi Thị Thanh"
        assert body["email"] == "thanh.bt@tamxuan2.gov.vn"
        assert body["unit"] == {"id": self.commune_b.pk, "name": "Xã Tam Xuân II"}

    def test_it_erases_a_person_once_and_keeps_the_row(self):
        self.login(self.commune_b_staff)
        url = f"/api/people/{self.commune_b_person.pk}/erase"
        response = self.send("POST", url, {})
        assert response.status_code == 200
        assert response.json()["email"] == "" and response.json()["erased_at"]
        person = Person.objects.get(pk=self.commune_b_person.pk)
        assert "Bùi" not in person.full_name and person.is_human_rights_officer
        again = self.send("POST", url, {})
        assert again.status_code == 422
        assert again.json()["detail"] == "This person's data has already been erased."


class PlanApiTest(ApiTestCase):
    def test_it_lists_visible_plans_searchable_by_number_and_title(self):
        self.login(self.commune_a_staff)
        items = self.get("/api/plans").json()["items"]
        assert {p["id"] for p in items} == {self.district_plan.pk, self.commune_a_plan.pk}
        found = self.get("/api/plans", data={"q": "125/kh-ubnd"}).json()["items"]
        assert [p["id"] for p in found] == [self.district_plan.pk]
        assert self.get("/api/plans", data={"year": 2025}).json()["count"] == 0

    def test_it_gives_a_plan_in_the_export_format(self):
        self.login(self.commune_a_staff)
        body = self.get(f"/api/plans/{self.district_plan.pk}").json()
        assert body == json.loads(json.dumps(plan_export(plan=self.district_plan)))
        assert [t["number"] for t in body["tasks"]] == ["1", "2", "3"]

    def test_it_filters_tasks_like_the_web_list(self):
        self.login(self.commune_a_staff)
        url = f"/api/plans/{self.district_plan.pk}/tasks"

        def ids(**query: Any) -> list[int]:
            response = self.get(url, data=query)
            assert response.status_code == 200, response.content
            return [task["id"] for task in response.json()["items"]]

        # Commune A leads task 2 by name and task 3 as one of "các xã, thị trấn".
        assert ids(unit=self.commune_a.pk) == [self.commune_task.pk, self.communes_group_task.pk]
        assert ids(theme=self.theme.pk) == [self.office_task.pk]
        assert ids(q="truyen thanh") == [self.commune_task.pk]
        assert ids(quarter=2) == [
            self.office_task.pk,
            self.commune_task.pk,
            self.communes_group_task.pk,
        ]
        assert ids(time="continuous") == [self.communes_group_task.pk]
        assert ids(status="done") == []
        bad = self.get(url, data={"status": "finished", "quarter": 5})
        assert bad.status_code == 422 and self.fields(bad) == {"status", "quarter"}

    def test_it_lists_tasks_in_a_fixed_number_of_queries(self):
        self.login(self.manager)
        url = f"/api/plans/{self.district_plan.pk}/tasks"
        with CaptureQueriesContext(connection) as few:
            self.get(url)
        for n in range(5):
            task_create(
                plan=self.district_plan,
                data={"title": f"Nhiệm vụ bổ sung {n}"},
                lead_units=[self.commune_a],
                support_units=[self.office],
                themes=[self.theme],
            )
        with CaptureQueriesContext(connection) as many:
            response = self.get(url)
        assert response.json()["count"] == 8
        assert len(many) == len(few)

    def test_it_shows_a_task_with_its_units(self):
        self.login(self.commune_a_staff)
        body = self.get(f"/api/tasks/{self.communes_group_task.pk}").json()
        assert body["lead"] == [
            {
                "name_as_written": "UBND các xã, thị trấn",
                "unit_id": self.district.pk,
                "scope": "communes",
            }
        ]
        assert body["recurrence"] == "continuous" and body["time"] == "Thường xuyên"


class TaskWriteApiTest(ApiTestCase):
    def setUp(self):
        self.login(self.manager)
        self.url = f"/api/plans/{self.district_plan.pk}/tasks"
        self.tasks_before = Task.objects.count()

    def assert_nothing_created(self) -> None:
        assert Task.objects.count() == self.tasks_before
        assert not Assignment.objects.filter(name_as_written="Tam Xuân II").exists()

    def test_it_adds_a_task_with_lead_and_coordinating_units(self):
        response = self.send(
            "POST",
            self.url,
            {
                "title": "Tổ chức hội nghị tập huấn cho cán bộ xã",
                "time": "Quý III/2024",
                "start": "2024-07-01",
                "end": "2024-09-30",
                "lead_unit_ids": [self.office.pk],
                "support_unit_ids": [self.commune_a.pk, self.commune_b.pk],
                "theme_ids": [self.theme.pk],
            },
        )
        assert response.status_code == 201, response.content
        task = Task.objects.get(pk=response.json()["id"])
        assert task.plan == self.district_plan and task.end == dt.date(2024, 9, 30)
        assert [(a.role, a.unit) for a in task.assignments.order_by("role", "order")] == [
            ("lead", self.office),
            ("support", self.commune_a),
            ("support", self.commune_b),
        ]
        assert list(task.themes.all()) == [self.theme]

    def test_it_refuses_missing_fields(self):
        response = self.send("POST", self.url, {"time": "Quý III/2024"})
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "title", "message": "Missing required field: title."}
        ]
        self.assert_nothing_created()

    def test_it_refuses_a_badly_written_date(self):
        response = self.send("POST", self.url, {"title": "Tập huấn", "start": "01/07/2024"})
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {
                "field": "start",
                "message": "Invalid value for field start: expected a date as YYYY-MM-DD.",
            }
        ]
        self.assert_nothing_created()

    def test_it_refuses_an_end_before_the_start_with_the_service_message(self):
        response = self.send(
            "POST", self.url, {"title": "Tập huấn", "start": "2024-09-30", "end": "2024-07-01"}
        )
        assert response.status_code == 422
        assert response.json() == {
            "detail": "The end date cannot be earlier than the start date.",
            "errors": [
                {"field": "end", "message": "The end date cannot be earlier than the start date."}
            ],
        }
        self.assert_nothing_created()

    def test_it_refuses_an_unknown_unit_before_creating_anything(self):
        response = self.send(
            "POST",
            self.url,
            {"title": "Tập huấn", "lead_unit_ids": [self.commune_b.pk, 999999]},
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "lead_unit_ids", "message": "No unit with id 999999 was found."}
        ]
        self.assert_nothing_created()

    def test_it_treats_a_unit_the_user_cannot_read_as_unknown(self):
        response = self.send(
            "POST", self.url, {"title": "Tập huấn", "support_unit_ids": [self.outsider_commune.pk]}
        )
        assert response.status_code == 422
        assert self.fields(response) == {"support_unit_ids"}
        self.assert_nothing_created()

    def test_it_refuses_a_theme_of_another_plan(self):
        other = self.commune_a_plan.themes.create(short_title="Khác", text="Chủ đề khác")
        response = self.send("POST", self.url, {"title": "Tập huấn", "theme_ids": [other.pk]})
        assert response.status_code == 422
        assert self.fields(response) == {"theme_ids"}
        self.assert_nothing_created()

    def test_it_refuses_a_body_that_is_not_json(self):
        for body in ('{"title": "Tập huấn"', "title=Tập huấn", "[1, 2]", '"Tập huấn"'):
            with self.subTest(body=body):
                response = self.send("POST", self.url, body)
                assert response.status_code == 400
                assert response.json()["detail"] in {
                    "The request body is not valid JSON.",
                    "The request body must be a JSON object.",
                }
        self.assert_nothing_created()

    def test_it_refuses_wrong_types_field_by_field(self):
        response = self.send(
            "POST",
            self.url,
            {"title": ["Tập huấn"], "lead_unit_ids": "3", "recurrence": "weekly"},
        )
        assert response.status_code == 422
        assert self.fields(response) == {"title", "lead_unit_ids", "recurrence"}
        assert response.json()["detail"] == "The request has 3 invalid fields."
        self.assert_nothing_created()

    def test_it_edits_fields_and_clears_one_date(self):
        response = self.send(
            "PATCH",
            f"/api/tasks/{self.office_task.pk}",
            {"details": "Theo dõi hằng ngày", "end": None, "theme_ids": []},
        )
        assert response.status_code == 200
        task = Task.objects.get(pk=self.office_task.pk)
        assert task.details == "Theo dõi hằng ngày"
        assert (task.start, task.end) == (dt.date(2024, 4, 1), None)
        assert not task.themes.exists()

    def test_it_refuses_an_edit_that_puts_the_end_before_the_start(self):
        response = self.send("PATCH", f"/api/tasks/{self.office_task.pk}", {"end": "2024-03-01"})
        assert response.status_code == 422
        assert self.fields(response) == {"end"}
        task = Task.objects.get(pk=self.office_task.pk)
        assert task.end == dt.date(2024, 6, 30)

    def test_it_changes_a_status_with_a_note_and_records_it(self):
        response = self.send(
            "POST",
            f"/api/tasks/{self.office_task.pk}/status",
            {"status": "done", "note": "Đã có báo cáo tổng hợp"},
        )
        assert response.status_code == 200
        assert response.json()["status"] == "done"
        event = TaskEvent.objects.get(task=self.office_task)
        assert (event.status_from, event.status_to, event.by) == (
            "not_started",
            "done",
            self.manager,
        )

    def test_it_refuses_an_unknown_status(self):
        response = self.send(
            "POST", f"/api/tasks/{self.office_task.pk}/status", {"status": "finished"}
        )
        assert response.status_code == 422
        assert self.fields(response) == {"status"}
        assert not TaskEvent.objects.exists()


class PaginationTest(ApiTestCase):
    def test_it_returns_the_total_and_respects_the_page_size(self):
        self.login(self.admin)
        first = self.get("/api/units", data={"page_size": 3}).json()
        second = self.get("/api/units", data={"page_size": 3, "page": 3}).json()
        assert first["count"] == second["count"] == 7
        assert len(first["items"]) == 3 and len(second["items"]) == 1
        assert not {u["id"] for u in first["items"]} & {u["id"] for u in second["items"]}

    def test_it_caps_the_page_size_and_refuses_page_zero(self):
        self.login(self.admin)
        for n in range(105):
            unit_create(name=f"Thôn {n + 1}", kind=UnitKind.OTHER, parent=self.commune_a)
        body = self.get("/api/units", data={"page_size": 1000}).json()
        assert body["count"] == 112 and len(body["items"]) == 100
        response = self.get("/api/units", data={"page": 0})
        assert response.status_code == 422 and self.fields(response) == {"page"}


class ErrorFormatTest(ApiTestCase):
    def test_not_found_and_forbidden_answer_json(self):
        self.login(self.commune_b_staff)
        missing = self.get("/api/plans/999999")
        assert missing.status_code == 404
        assert missing.json() == {"detail": "Not found.", "errors": []}
        forbidden = self.send("PATCH", f"/api/tasks/{self.office_task.pk}", {"title": "Mới"})
        assert forbidden.status_code == 403
        assert forbidden.json() == {
            "detail": "You do not have permission to perform this action.",
            "errors": [],
        }


class DocsTest(ApiTestCase):
    def test_the_docs_page_loads_swagger_from_our_own_static_files(self):
        response = self.get("/api/docs")
        assert response.status_code == 200
        html = response.content.decode()
        assert "/static/ninja/swagger-ui-bundle.js" in html
        assert "cdn" not in html.lower()
        script = self.client.get("/static/ninja/swagger-ui-bundle.js")
        assert script.status_code == 200

    def test_the_openapi_schema_documents_both_ways_of_signing_in(self):
        schema = self.get("/api/openapi.json").json()
        assert "/api/plans/{plan_id}/tasks" in schema["paths"]
        schemes = schema["components"]["securitySchemes"]
        assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
