"""The demo's press monitoring: the Phòng Văn hóa và Thông tin's sources, a year of real public
news analysed for real, relevant stories waiting in the review queue, a claim match with the
article's sentence, reviewers' decisions and the weekly bulletin issued as a record of task 1."""

import datetime as dt
import gzip

from django.contrib.auth.models import User
from django.test import TestCase
from django.urls import reverse

from kehoach.activities.models import RecordKind
from kehoach.demo import demo_load
from kehoach.monitoring.demo import ANSWER, BULLETIN_WEEK, DEMO_SOURCES
from kehoach.monitoring.models import (
    Article,
    ClaimMatch,
    Decision,
    MonitoringBulletin,
    Review,
    Source,
    ThemeDefinition,
)
from kehoach.monitoring.selectors import review_queue
from kehoach.plans.models import Plan


class DemoMonitoringTest(TestCase):
    plan: Plan
    staff: User

    @classmethod
    def setUpTestData(cls) -> None:
        demo_load()
        cls.plan = Plan.objects.get(issuer__name="Huyện Núi Thành", year=2024)
        cls.staff = User.objects.get(username="vhtt")

    def test_the_seed_plan_has_its_monitoring_themes(self):
        codes = set(ThemeDefinition.objects.filter(plan=self.plan).values_list("code", flat=True))
        assert {"T1", "T2", "T3", "T4", "T5"} <= codes

    def test_the_office_has_news_sources_that_the_demo_does_not_fetch(self):
        sources = Source.objects.filter(unit__name="Phòng Văn hóa và Thông tin huyện Núi Thành")
        assert sources.count() == len(DEMO_SOURCES)
        assert not sources.filter(active=True).exists()
        assert not Source.objects.filter(runs__isnull=False).exists()

    def test_the_articles_are_spread_over_2024_analysed_and_kept_with_a_raw_page(self):
        articles = Article.objects.all()
        assert 60 <= articles.count() <= 120
        assert not articles.filter(analysed_at__isnull=True).exists()
        assert not articles.exclude(published__year=2024).exists()
        months = {a.published.month for a in articles if a.published is not None}
        assert months == set(range(1, 13))
        article = articles.filter(relevant=True).first()
        assert article is not None
        body = gzip.decompress(article.raw.body_gzip).decode()
        assert article.title.split()[0] in body

    def test_some_articles_are_relevant_and_some_are_not(self):
        relevant = Article.objects.filter(relevant=True).count()
        assert 0 < relevant < Article.objects.count()
        places = {place for article in Article.objects.all() for place in article.places}
        assert {"Núi Thành", "Tam Xuân I"} <= places

    def test_the_review_queue_has_relevant_stories_and_a_claim_match(self):
        rows = review_queue(self.staff)
        stories = [row.story for row in rows if row.story is not None]
        matches = [row.match for row in rows if row.match is not None]
        assert len(stories) >= 10
        assert all(story.relevant for story in stories)
        assert matches

    def test_a_claim_match_shows_the_articles_sentence_beside_the_claim(self):
        match = ClaimMatch.objects.get(article__url__contains="phe-phan-quan-diem")
        assert "vi phạm quyền con người" in match.sentence
        assert "vi phạm quyền con người" in match.fact_check.claim
        assert match.passage

    def test_the_queue_page_shows_an_open_claim_match_with_its_sentence(self):
        match = ClaimMatch.objects.get(article__url__contains="kien-quyet-dau-tranh")
        assert not match.reviews.exists()
        self.client.force_login(self.staff)
        queue = self.client.get(reverse("monitoring:queue"))
        self.assertContains(queue, match.sentence[:40])
        rows = queue.context["rows"]
        assert {item.kind for item, _evidence in rows} == {"story", "match"}

    def test_reviewers_decisions_are_kept(self):
        decisions = set(Review.objects.values_list("decision", flat=True))
        assert {Decision.RELEVANT, Decision.NOT_RELEVANT, Decision.ANSWERED} <= decisions
        assert Review.objects.filter(by=self.staff).exists()

    def test_the_weekly_bulletin_is_a_record_of_task_1_with_the_answer_given(self):
        bulletin = MonitoringBulletin.objects.get()
        start, end = BULLETIN_WEEK
        assert (bulletin.kind, bulletin.start, bulletin.end) == ("weekly", start, end)
        assert bulletin.record is not None
        assert bulletin.record.kind == RecordKind.BULLETIN
        first_task = self.plan.tasks.order_by("order").first()
        assert list(bulletin.record.tasks.all()) == [first_task]
        assert bulletin.content["stories"] > 0
        (claim,) = bulletin.content["claims"]
        assert claim["answers"] == [ANSWER]
        assert bulletin.end < dt.date(2025, 1, 1)
