"""The monitoring pages: the queue with its evidence, stories, articles and their raw pages,
sources with their history, fact-checks (who may do what: test_permissions.py)."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from kehoach.monitoring.models import (
    ClaimMatch,
    Decision,
    FactCheck,
    MonitoringBulletin,
    Review,
    Source,
)
from kehoach.monitoring.views import evidence_view

from .reviewing import MonitoringTestCase, make_article, make_source, make_story
from .test_review import CLAIM_REVIEW_PAGE


class QueuePageTest(MonitoringTestCase):
    def setUp(self) -> None:
        self.login(self.office_staff)

    def test_it_shows_the_story_and_the_match_with_their_evidence(self):
        response = self.client.get(reverse("monitoring:queue"))
        assert [item.kind for item, _e in response.context["rows"]] == ["match", "story"]
        # Themes with the terms that matched, side by side sentence and claim, score, strength.
        self.assertContains(response, "quyền của người khuyết tật")
        self.assertContains(response, "Có ý kiến cho rằng huyện cưỡng chế thu hồi đất")
        self.assertContains(response, "cưỡng chế thu hồi đất của người dân tộc Cor")
        body = response.content.decode()
        assert "0,81" in body or "0.81" in body
        self.assertContains(response, "Sai sự thật")
        self.assertContains(response, "baoquangnam.vn, quangnam.gov.vn")

    def test_it_filters(self):
        response = self.client.get(reverse("monitoring:queue"), {"strength": "strong"})
        assert [item.kind for item, _e in response.context["rows"]] == ["match"]
        response = self.client.get(reverse("monitoring:queue"), {"theme": "T4"})
        assert response.context["rows"] == []

    def test_a_decision_posted_from_the_queue_is_kept_and_returns_there(self):
        queue = reverse("monitoring:queue") + "?theme=T1"
        response = self.client.post(
            reverse("monitoring:story_review", args=[self.story.pk]),
            {"decision": "not_relevant", "themes": ["T3"], "note": "Tin đất đai", "next": queue},
        )
        assert response["Location"] == queue
        kept = Review.objects.get()
        assert (kept.story, kept.decision, kept.themes) == (
            self.story,
            Decision.NOT_RELEVANT,
            ["T3"],
        )
        rows = self.client.get(queue).context["rows"]
        assert [item.kind for item, _e in rows] == ["match"]

    def test_a_decision_never_sends_the_reviewer_to_another_site(self):
        response = self.client.post(
            reverse("monitoring:story_review", args=[self.story.pk]),
            {"decision": "relevant", "themes": ["T1"], "next": "https://tin-gia.example.com/"},
        )
        assert response["Location"] == reverse("monitoring:story", args=[self.story.pk])
        assert Review.objects.get().decision == Decision.RELEVANT

    def test_an_answer_without_its_text_is_refused_with_a_message(self):
        with translation.override("en"):
            response = self.client.post(
                reverse("monitoring:match_review", args=[self.match.pk]),
                {"decision": "answered"},
                follow=True,
                HTTP_ACCEPT_LANGUAGE="en",
            )
        assert not Review.objects.exists()
        assert len(list(response.context["messages"])) == 1

    def test_the_nav_links_to_monitoring(self):
        response = self.client.get(reverse("plans:list"))
        self.assertContains(response, reverse("monitoring:queue"))


class StoryAndArticlePagesTest(MonitoringTestCase):
    def setUp(self) -> None:
        self.login(self.office_staff)

    def test_the_story_shows_its_first_and_latest_articles_and_outlets(self):
        response = self.client.get(reverse("monitoring:story", args=[self.story.pk]))
        assert response.context["first"] == self.article
        assert response.context["latest"] == self.other_outlet_article
        self.assertContains(response, "quangnam.gov.vn")
        assert response.context["can_review"]

    def test_the_article_shows_its_text_evidence_and_a_link_to_the_raw_page(self):
        response = self.client.get(reverse("monitoring:article", args=[self.article.pk]))
        self.assertContains(response, "Sáng 14/6, UBND huyện Núi Thành tổ chức hội nghị")
        self.assertContains(response, reverse("monitoring:article_raw", args=[self.article.pk]))
        evidence = response.context["evidence"]
        assert evidence.themes == [
            (
                "T1",
                [
                    ("Công ước", "tuyên truyền Công ước của Liên hợp quốc về quyền"),
                    (
                        "quyền của người khuyết tật",
                        "Liên hợp quốc về quyền của người khuyết tật cho cán bộ",
                    ),
                ],
            )
        ]
        assert evidence.places == [("Huyện Núi Thành", "UBND huyện Núi Thành tổ chức hội nghị")]
        self.assertContains(response, "UBND huyện Núi Thành tổ chức hội nghị")

    def test_the_raw_page_is_plain_text_never_html(self):
        response = self.client.get(reverse("monitoring:article_raw", args=[self.article.pk]))
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response["X-Content-Type-Options"] == "nosniff"
        body = response.content.decode()
        assert "<script>alert('x')</script>" in body  # as received, not escaped, not rendered
        assert "Huyện Núi Thành" in body

    def test_an_article_without_a_raw_page_says_so(self):
        url = reverse("monitoring:article_raw", args=[self.other_outlet_article.pk])
        assert self.client.get(url).status_code == 404


class SourcePagesTest(MonitoringTestCase):
    def setUp(self) -> None:
        self.login(self.office_staff)

    def test_the_detail_shows_the_fetch_history_with_its_errors(self):
        response = self.client.get(reverse("monitoring:source", args=[self.source.pk]))
        self.assertContains(response, "HTTP 503 Service Unavailable")
        assert [run.outcome for run in response.context["runs"]] == ["error", "ok"]
        self.assertContains(response, "503")

    def test_a_source_without_new_articles_for_its_silent_days_is_flagged(self):
        Source.objects.filter(pk=self.source.pk).update(
            last_new_article_at=timezone.now() - dt.timedelta(days=8)
        )
        response = self.client.get(reverse("monitoring:sources"))
        assert response.context["rows"] == [(Source.objects.get(pk=self.source.pk), True)]
        Source.objects.filter(pk=self.source.pk).update(
            last_new_article_at=timezone.now() - dt.timedelta(days=6)
        )
        response = self.client.get(reverse("monitoring:source", args=[self.source.pk]))
        assert response.context["silent"] is False

    def test_stopping_a_source_asks_first_and_keeps_its_articles(self):
        url = reverse("monitoring:source_deactivate", args=[self.source.pk])
        self.assertContains(self.client.get(url), "Báo Quảng Nam")
        self.source.refresh_from_db()
        assert self.source.active
        self.client.post(url)
        self.source.refresh_from_db()
        assert not self.source.active
        assert self.source.articles.count() == 2

    def test_a_source_cannot_be_added_for_a_unit_the_user_does_not_keep(self):
        response = self.client.post(
            reverse("monitoring:source_new"),
            {
                "unit": self.outsider_district.pk,
                "name": "Báo Phú Ninh",
                "kind": "feed",
                "url": "https://phuninh.vn/rss",
                "interval_minutes": 60,
                "max_items": 100,
                "silent_after_days": 7,
            },
        )
        assert response.status_code == 200
        assert "unit" in response.context["form"].errors
        assert not Source.objects.filter(name="Báo Phú Ninh").exists()

    def test_a_commune_reads_the_district_sources(self):
        district_source = make_source(
            unit=self.district, name="Cổng TTĐT Núi Thành", url="https://nuithanh.gov.vn/rss"
        )
        self.login(self.commune_a_staff)
        url = reverse("monitoring:source", args=[district_source.pk])
        response = self.client.get(url)
        assert response.status_code == 200
        assert response.context["can_manage"] is False
        edit = reverse("monitoring:source_edit", args=[district_source.pk])
        assert self.client.get(edit).status_code == 403


class FactCheckPagesTest(MonitoringTestCase):
    def setUp(self) -> None:
        self.login(self.office_staff)

    def test_the_import_creates_the_fact_checks_of_the_page(self):
        response = self.client.post(
            reverse("monitoring:fact_check_import"), {"document": CLAIM_REVIEW_PAGE}
        )
        assert response.status_code == 302
        assert FactCheck.objects.filter(verdict_as_written="Gây hiểu lầm").exists()

    def test_a_bad_document_shows_the_error_and_saves_nothing(self):
        with translation.override("en"):
            response = self.client.post(
                reverse("monitoring:fact_check_import"),
                {"document": '<script type="application/ld+json">{nope</script>'},
                HTTP_ACCEPT_LANGUAGE="en",
            )
        assert response.status_code == 200
        assert response.context["form"].errors["document"]
        assert FactCheck.objects.count() == 1

    def test_the_list_shows_the_verdict_as_written(self):
        response = self.client.get(reverse("monitoring:fact_checks"))
        self.assertContains(response, "Sai sự thật")
        assert [f.match_total for f in response.context["page"].object_list] == [1]


class BulletinPagesTest(MonitoringTestCase):
    def setUp(self) -> None:
        self.login(self.office_staff)
        self.url = reverse("monitoring:bulletin_new", args=[self.district_plan.pk])
        self.data = {
            "kind": "daily",
            "start": "2024-06-15",
            "end": "2024-06-15",
            "task": self.office_task.pk,
        }

    def test_the_form_offers_only_the_tasks_the_user_records_on(self):
        response = self.client.get(self.url)
        tasks = list(response.context["form"].fields["task"].queryset)
        assert tasks == [self.office_task]

    def test_a_preview_shows_the_bulletin_and_keeps_nothing(self):
        response = self.client.post(self.url, {**self.data, "action": "preview"})
        assert response.status_code == 200
        assert response.context["content"]["articles"] == 2
        self.assertContains(response, self.story.title)
        assert not MonitoringBulletin.objects.exists()

    def test_issuing_records_it_and_the_page_offers_the_docx(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url, {**self.data, "action": "issue"})
        bulletin = MonitoringBulletin.objects.get()
        assert response["Location"] == reverse("monitoring:bulletin", args=[bulletin.pk])
        page = self.client.get(response["Location"])
        self.assertContains(page, reverse("monitoring:bulletin_docx", args=[bulletin.pk]))
        self.assertContains(page, reverse("activities:detail", args=[bulletin.record_id]))
        docx = self.client.get(reverse("monitoring:bulletin_docx", args=[bulletin.pk]))
        assert docx["Content-Type"].endswith("wordprocessingml.document")
        assert docx.content[:2] == b"PK"

    def test_a_period_ending_before_it_starts_is_refused(self):
        response = self.client.post(
            self.url, {**self.data, "start": "2024-06-16", "action": "issue"}
        )
        assert response.status_code == 200
        assert response.context["form"].errors
        assert not MonitoringBulletin.objects.exists()


class EvidenceViewTest(MonitoringTestCase):
    def test_an_unknown_shape_is_shown_as_plain_lines(self):
        view = evidence_view({"themes": {"T2": ["quyền trẻ em"]}, "score": 0.7})
        assert view.other == [("themes · T2", "quyền trẻ em")]
        assert not evidence_view({})

    def test_excluded_terms_are_shown(self):
        view = evidence_view({"terms": [], "excluded": ["quyền sử dụng đất"]})
        assert view.excluded == ["quyền sử dụng đất"]
        assert view


class FactCheckDeletePageTest(MonitoringTestCase):
    def test_whoever_entered_it_deletes_it_after_a_confirmation(self):
        self.login(self.office_staff)
        self.client.post(
            reverse("monitoring:fact_check_new"),
            {"claim": "Xã Tam Xuân II cấm họp dân", "verdict": "false", "lang": "vi"},
        )
        mine = FactCheck.objects.get(claim="Xã Tam Xuân II cấm họp dân")
        url = reverse("monitoring:fact_check_delete", args=[mine.pk])
        self.assertContains(self.client.get(url), "Xã Tam Xuân II cấm họp dân")
        assert FactCheck.objects.filter(pk=mine.pk).exists()
        self.client.post(url)
        assert not FactCheck.objects.filter(pk=mine.pk).exists()
        other = reverse("monitoring:fact_check_delete", args=[self.fact_check.pk])
        assert self.client.post(other).status_code == 403


class QueueQueriesTest(MonitoringTestCase):
    def count_queries(self) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert self.client.get(reverse("monitoring:queue")).status_code == 200
        return len(queries)

    def test_the_queue_costs_the_same_queries_for_more_items(self):
        self.login(self.office_staff)
        few = self.count_queries()
        for number in range(5):
            story = make_story(title=f"Tam Xuân I: hội nghị tuyên truyền số {number}")
            article = make_article(
                source=self.source, story=story, url=f"https://baoquangnam.vn/hn-{number}.html"
            )
            ClaimMatch.objects.create(
                article=article,
                fact_check=self.fact_check,
                score=0.6,
                strength="suggested",
                sentence=f"Câu số {number} về thu hồi đất.",
            )
        assert len(self.client.get(reverse("monitoring:queue")).context["rows"]) == 12
        assert self.count_queries() == few
