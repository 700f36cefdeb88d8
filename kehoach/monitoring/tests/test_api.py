"""The monitoring API's answers (who may call what: kehoach/tests/test_api_permissions.py)."""

from django.utils import translation

from kehoach.monitoring.models import FactCheck, MonitoringBulletin, Review

from .reviewing import MonitoringTestCase
from .test_review import CLAIM_REVIEW_PAGE


class MonitoringApiTest(MonitoringTestCase):
    def setUp(self) -> None:
        self.login(self.office_staff)

    def test_the_queue_lists_the_match_and_the_story_with_their_evidence(self):
        items = self.client.get("/api/monitoring/queue").json()
        assert [item["kind"] for item in items] == ["match", "story"]
        match = items[0]["match"]
        assert match["sentence"].startswith("Có ý kiến cho rằng")
        assert match["fact_check"]["verdict_as_written"] == "Sai sự thật"
        assert items[1]["story"]["outlets"] == ["baoquangnam.vn", "quangnam.gov.vn"]
        strong = self.client.get("/api/monitoring/queue", {"strength": "suggested"}).json()
        assert strong == []

    def test_a_story_decision_is_kept_and_the_story_leaves_the_queue(self):
        response = self.client.post(
            f"/api/monitoring/stories/{self.story.pk}/reviews",
            {"decision": "not_relevant", "note": "Tin về quyền sử dụng đất"},
            content_type="application/json",
        )
        assert response.status_code == 201
        assert Review.objects.get().note == "Tin về quyền sử dụng đất"
        kinds = [item["kind"] for item in self.client.get("/api/monitoring/queue").json()]
        assert kinds == ["match"]

    def test_the_article_comes_with_its_evidence(self):
        article = self.client.get(f"/api/monitoring/articles/{self.article.pk}").json()
        terms = [(t["theme"], t["term"]) for t in article["evidence"]["terms"]]
        assert terms == [("T1", "Công ước"), ("T1", "quyền của người khuyết tật")]

    def test_a_bad_claimreview_document_answers_422_and_saves_nothing(self):
        with translation.override("en"):
            response = self.client.post(
                "/api/monitoring/fact-checks/import",
                {"document": '{"@type": "NewsArticle"}'},
                content_type="application/json",
                headers={"Accept-Language": "en"},
            )
        assert response.status_code == 422
        assert response.json()["detail"]
        assert FactCheck.objects.count() == 1

    def test_the_import_returns_the_fact_checks_created(self):
        response = self.client.post(
            "/api/monitoring/fact-checks/import",
            {"document": CLAIM_REVIEW_PAGE},
            content_type="application/json",
        )
        assert [f["verdict"] for f in response.json()] == ["false", "misleading"]

    def test_a_bulletin_is_issued_on_the_task_given(self):
        response = self.client.post(
            f"/api/monitoring/plans/{self.district_plan.pk}/bulletins",
            {"kind": "daily", "start": "2024-06-15", "end": "2024-06-15", "task_id": 999999},
            content_type="application/json",
        )
        assert response.status_code == 422
        response = self.client.post(
            f"/api/monitoring/plans/{self.district_plan.pk}/bulletins",
            {
                "kind": "daily",
                "start": "2024-06-15",
                "end": "2024-06-15",
                "task_id": self.office_task.pk,
            },
            content_type="application/json",
        )
        assert response.status_code == 201
        body = response.json()
        assert body["content"]["articles"] == 2
        assert MonitoringBulletin.objects.get().record_id == body["record_id"]
