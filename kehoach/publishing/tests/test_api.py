"""Staff API of publishing: the workflow through JSON, with the same rules as the pages."""

import datetime as dt

import time_machine

from kehoach.publishing.models import Publication
from kehoach.publishing.tests.workflow import PublishingCase

NOW = dt.datetime(2024, 7, 1, 9, 0, tzinfo=dt.UTC)
BASE = "/api/publishing/publications"


class ApiCase(PublishingCase):
    def post(self, path, body=None):
        return self.client.post(path, body or {}, content_type="application/json")

    def patch(self, path, body):
        return self.client.patch(path, body, content_type="application/json")


@time_machine.travel(NOW, tick=False)
class WorkflowApiTests(ApiCase):
    def test_create_approve_withdraw_reopen(self):
        record = self.radio_record()
        self.login(self.commune_a_staff)
        created = self.post(BASE, {"record_id": record.pk, "title_en": "Radio programme"})
        assert created.status_code == 201, created.content
        body = created.json()
        assert body["state"] == "draft"
        assert body["title"] == record.title
        assert body["unit_name"] == "Xã Tam Xuân I"
        assert body["plan_id"] == self.district_plan.pk
        assert body["public"] is False and body["public_url"] is None
        assert [e["action"] for e in body["events"]] == ["created"]
        assert body["events"][0]["by"] == "Lê Văn Hùng"
        pk = body["id"]

        # The commune's staff draft; the district's plan managers approve.
        assert self.post(f"{BASE}/{pk}/approve").status_code == 403
        self.login(self.manager)
        approved = self.post(f"{BASE}/{pk}/approve", {"publish_at": None}).json()
        assert approved["state"] == "published"
        assert approved["public"] is True
        assert approved["public_url"].endswith(f"/cong-khai/san-pham/{pk}/")

        refused = self.post(f"{BASE}/{pk}/withdraw", {"reason": "  "})
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "reason"
        withdrawn = self.post(f"{BASE}/{pk}/withdraw", {"reason": "Sai số liệu"}).json()
        assert (withdrawn["state"], withdrawn["withdrawal_reason"]) == ("withdrawn", "Sai số liệu")
        assert withdrawn["public"] is False

        edit = self.patch(f"{BASE}/{pk}", {"title": "Mới"})
        assert edit.status_code == 422  # reopen first
        reopened = self.post(f"{BASE}/{pk}/reopen").json()
        assert reopened["state"] == "draft"

    def test_a_future_time_schedules(self):
        pub = self.draft()
        self.login(self.manager)
        body = self.post(
            f"{BASE}/{pub.pk}/approve", {"publish_at": "2024-07-03T08:00:00+07:00"}
        ).json()
        assert body["state"] == "approved"
        assert body["publish_at"].startswith("2024-07-03T")
        assert body["public"] is False

    def test_a_draft_is_edited_by_its_units_staff_and_a_published_one_only_by_managers(self):
        pub = self.draft()
        self.login(self.commune_a_staff)
        changed = self.patch(f"{BASE}/{pub.pk}", {"summary_en": "Aired in every hamlet."})
        assert changed.json()["summary_en"] == "Aired in every hamlet."
        self.login(self.manager)
        self.post(f"{BASE}/{pub.pk}/approve")
        self.login(self.commune_a_staff)
        assert self.patch(f"{BASE}/{pub.pk}", {"title": "Khác"}).status_code == 403
        self.login(self.manager)
        assert self.patch(f"{BASE}/{pub.pk}", {"title": "Khác"}).json()["state"] == "published"

    def test_null_is_refused_in_a_patch(self):
        pub = self.draft()
        self.login(self.commune_a_staff)
        assert self.patch(f"{BASE}/{pub.pk}", {"title": None}).status_code == 422

    def test_a_record_of_another_commune_is_unknown(self):
        record = self.radio_record()
        self.login(self.commune_b_staff)
        response = self.post(BASE, {"record_id": record.pk})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "record_id"
        assert not Publication.objects.exists()

    def test_a_plans_results_page_by_its_managers(self):
        self.login(self.office_staff)
        assert self.post(BASE, {"plan_id": self.district_plan.pk}).status_code == 403
        self.login(self.manager)
        body = self.post(BASE, {"plan_id": self.district_plan.pk}).json()
        assert body["kind"] == "results"
        assert self.post(BASE, {"plan_id": self.district_plan.pk}).status_code == 422


class ListApiTests(ApiCase):
    def test_it_lists_what_the_user_sees_with_filters(self):
        published = self.published()
        self.draft(self.radio_record(title="Áp phích quyền trẻ em"))
        self.login(self.manager)
        body = self.client.get(BASE).json()
        assert body["count"] == 2
        only = self.client.get(BASE + "?state=published").json()["items"]
        assert [p["id"] for p in only] == [published.pk]
        found = self.client.get(BASE + "?q=ap phich").json()["items"]
        assert [p["title"] for p in found] == ["Áp phích quyền trẻ em"]
        self.login(self.outsider)
        assert self.client.get(BASE).json()["count"] == 0
        assert self.client.get(f"{BASE}/{published.pk}").status_code == 404

    def test_the_list_costs_a_fixed_number_of_queries(self):
        for n in range(3):
            self.published(self.radio_record(title=f"Chương trình số {n}"))
        self.login(self.manager)
        # Session, user, roles, count, page, events, their users: not one more per item.
        with self.assertNumQueries(7):
            assert self.client.get(BASE).json()["count"] == 3
        self.published(self.radio_record(title="Chương trình số 4"))
        with self.assertNumQueries(7):
            assert self.client.get(BASE).json()["count"] == 4

    def test_anonymous_requests_are_refused(self):
        assert self.client.get(BASE).status_code == 401
