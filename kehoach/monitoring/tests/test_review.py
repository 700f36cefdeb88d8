"""Review decisions, the queue, coverage alerts, fact-checks and sources (monitoring/review.py,
monitoring/selectors.py)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import translation

from kehoach.monitoring import review, selectors
from kehoach.monitoring.models import (
    Decision,
    FactCheck,
    MatchStrength,
    Review,
    Source,
    Story,
    Verdict,
)

from .reviewing import NOW, MonitoringTestCase, make_article, make_source, make_story


class VisibilityTest(MonitoringTestCase):
    def test_it_shows_each_unit_its_own_sources_and_what_they_brought(self):
        assert list(selectors.sources_for_user(self.office_staff)) == [self.source]
        assert list(selectors.sources_for_user(self.manager)) == [self.source]
        assert list(selectors.sources_for_user(self.outsider)) == [self.outsider_source]
        assert list(selectors.stories_for_user(self.office_staff)) == [self.story]
        assert list(selectors.stories_for_user(self.outsider)) == [self.outsider_story]
        assert set(selectors.stories_for_user(self.admin)) == {self.story, self.outsider_story}

    def test_a_commune_reads_the_district_sources_but_manages_none(self):
        district_source = make_source(
            unit=self.district, name="Cổng TTĐT Núi Thành", url="https://nuithanh.gov.vn/rss"
        )
        assert list(selectors.sources_for_user(self.commune_a_staff)) == [district_source]
        assert list(selectors.sources_for_user(self.commune_a_staff, write=True)) == []

    def test_a_story_shared_with_another_district_is_seen_by_both(self):
        make_article(
            source=self.outsider_source,
            story=self.story,
            url="https://phuninh.quangnam.gov.vn/nui-thanh.html",
        )
        assert self.story in selectors.stories_for_user(self.outsider)


class ReviewQueueTest(MonitoringTestCase):
    def test_it_lists_new_relevant_stories_and_claim_matches_newest_first(self):
        queue = selectors.review_queue(self.office_staff)
        assert [(item.kind, item.story or item.match) for item in queue] == [
            ("match", self.match),
            ("story", self.story),
        ]

    def test_a_reviewed_story_and_match_leave_the_queue(self):
        review.review_record(
            by=self.office_staff, story=self.story, decision=Decision.RELEVANT, themes=["T1"]
        )
        review.review_record(
            by=self.office_staff,
            claim_match=self.match,
            decision=Decision.ANSWERED,
            note="Đã đăng tin cải chính trên Cổng thông tin điện tử huyện.",
        )
        assert selectors.review_queue(self.office_staff) == []

    def test_irrelevant_stories_and_other_districts_stay_out(self):
        unrelated = make_story(title="Giá lúa tăng ở Tam Kỳ", relevant=False)
        make_article(source=self.source, story=unrelated, relevant=False, themes=[])
        queue = selectors.review_queue(self.office_staff)
        assert {item.story for item in queue if item.story} == {self.story}

    def test_it_filters_by_theme_outlet_and_strength(self):
        assert selectors.review_queue(self.office_staff, theme="T2") == []
        assert len(selectors.review_queue(self.office_staff, theme="T1")) == 2
        by_outlet = selectors.review_queue(self.office_staff, outlet="quangnam.gov.vn")
        assert [item.story for item in by_outlet] == [self.story]
        strong = selectors.review_queue(self.office_staff, strength=MatchStrength.STRONG)
        assert [item.match for item in strong] == [self.match]
        assert selectors.review_queue(self.office_staff, strength=MatchStrength.SUGGESTED) == []

    def test_readers_who_do_not_manage_the_source_have_nothing_to_review(self):
        assert selectors.review_queue(self.commune_a_staff) == []


class ReviewRecordTest(MonitoringTestCase):
    def test_it_keeps_who_decided_what(self):
        kept = review.review_record(
            by=self.office_staff,
            story=self.story,
            decision=Decision.NOT_RELEVANT,
            themes=["T3", "T1", "T1"],
            note="Tin về đất đai, không thuộc chủ đề",
        )
        assert (kept.story, kept.by, kept.themes) == (self.story, self.office_staff, ["T1", "T3"])

    def test_it_clears_the_coverage_alert(self):
        self.story.alert_at = NOW
        self.story.save()
        review.review_record(by=self.manager, story=self.story, decision=Decision.RELEVANT)
        self.story.refresh_from_db()
        assert self.story.alert_at is None

    def test_it_refuses_what_does_not_fit(self):
        with pytest.raises(ValidationError):
            review.review_record(by=None, decision=Decision.RELEVANT)
        with pytest.raises(ValidationError):
            review.review_record(
                by=None, story=self.story, article=self.article, decision=Decision.RELEVANT
            )
        with pytest.raises(ValidationError):
            review.review_record(by=None, story=self.story, decision=Decision.CONFIRMED)
        with pytest.raises(ValidationError):
            review.review_record(
                by=None, story=self.story, decision=Decision.RELEVANT, themes=["T9"]
            )
        with pytest.raises(ValidationError):  # an answer needs its text
            review.review_record(by=None, claim_match=self.match, decision=Decision.ANSWERED)
        assert not Review.objects.exists()


class AlertTest(MonitoringTestCase):
    def add_articles(self, story: Story, hours_ago: list[int]) -> None:
        for hours in hours_ago:
            make_article(
                source=self.source,
                story=story,
                url=f"https://baomoi.com/{story.pk}-{hours}.html",
                published=NOW - dt.timedelta(hours=hours),
            )

    def test_a_story_with_three_articles_in_a_day_after_a_quiet_week_rises(self):
        quiet = make_story(title="Tam Xuân I: người dân phản ánh về tái định cư")
        self.add_articles(quiet, [2, 5, 20, 24 * 4])
        rising = selectors.rising_stories(now=NOW)
        assert quiet in rising

    def test_steady_coverage_does_not_rise(self):
        steady = make_story(title="Bản tin thời sự Quảng Nam")
        # 3 today after 8 in the week before: 3 is less than 3 × 8/7 a day.
        self.add_articles(steady, [1, 2, 3] + [25 + 20 * i for i in range(8)])
        assert steady not in selectors.rising_stories(now=NOW)

    def test_two_articles_are_not_an_alert(self):
        small = make_story(title="Tin ngắn")
        self.add_articles(small, [1, 2])
        assert small not in selectors.rising_stories(now=NOW)

    def test_refresh_opens_one_alert_on_relevant_stories(self):
        hot = make_story(title="Tam Xuân I: người dân phản ánh về tái định cư")
        cold = make_story(title="Giá hồ tiêu tăng", relevant=False)
        self.add_articles(hot, [1, 2, 3])
        self.add_articles(cold, [1, 2, 3])
        assert review.alerts_refresh(now=NOW) == 1
        assert review.alerts_refresh(now=NOW) == 0
        hot.refresh_from_db()
        assert hot.alert_at == NOW
        review.review_record(by=self.office_staff, story=hot, decision=Decision.RELEVANT)
        # Reviewed, then rising again later: the alert brings it back to the queue.
        assert hot not in [i.story for i in selectors.review_queue(self.office_staff)]
        Story.objects.filter(pk=hot.pk).update(alert_at=NOW)
        assert hot in [i.story for i in selectors.review_queue(self.office_staff)]


CLAIM_REVIEW_PAGE = """<!doctype html><html><head>
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
 {"@type": "WebPage", "name": "Tin giả về thu hồi đất ở Núi Thành"},
 {"@type": "ClaimReview",
  "url": "https://baoquangnam.vn/sai-su-that-tam-xuan.html",
  "claimReviewed": "Xã Tam Xuân I cấm người dân theo đạo Tin Lành sinh hoạt tôn giáo",
  "itemReviewed": {"@type": "Claim", "appearance": [{"url": "https://facebook.com/p/123"}]},
  "author": {"@type": "Organization", "name": "Báo Quảng Nam"},
  "datePublished": "2024-05-28T08:00:00+07:00",
  "inLanguage": "vi",
  "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5,
                   "alternateName": "Sai sự thật"}},
 {"@type": "ClaimReview",
  "url": "https://baoquangnam.vn/gay-hieu-lam-hoc-phi.html",
  "claimReviewed": "Học sinh dân tộc thiểu số ở Núi Thành phải đóng học phí",
  "author": {"@type": "Organization", "name": "Báo Quảng Nam"},
  "datePublished": "2024-06-02",
  "reviewRating": {"@type": "Rating", "alternateName": "Gây hiểu lầm"}}
]}
</script></head><body><p>Bài viết</p></body></html>"""


class ClaimReviewImportTest(TestCase):
    def test_it_reads_the_fact_checks_of_a_page(self):
        imported = review.fact_check_import_claimreview(CLAIM_REVIEW_PAGE)
        assert [(f.verdict, f.verdict_as_written, f.publisher) for f in imported] == [
            (Verdict.FALSE, "Sai sự thật", "Báo Quảng Nam"),
            (Verdict.MISLEADING, "Gây hiểu lầm", "Báo Quảng Nam"),
        ]
        first = imported[0]
        assert first.claim.startswith("Xã Tam Xuân I cấm")
        assert first.published == dt.date(2024, 5, 28)
        assert first.source_url == "https://baoquangnam.vn/sai-su-that-tam-xuan.html"
        assert "https://facebook.com/p/123" in first.explanation

    def test_importing_twice_adds_nothing(self):
        review.fact_check_import_claimreview(CLAIM_REVIEW_PAGE)
        assert review.fact_check_import_claimreview(CLAIM_REVIEW_PAGE) == []
        assert FactCheck.objects.count() == 2

    def test_bare_json_ld_and_the_short_verdict_sai(self):
        data = (
            '{"@type": "ClaimReview", "claimReviewed": "Huyện Núi Thành bỏ phụ cấp cho '
            'người có uy tín", "reviewRating": {"alternateName": "Sai"}}'
        )
        (imported,) = review.fact_check_import_claimreview(data)
        assert imported.verdict == Verdict.FALSE

    def test_the_verdict_words(self):
        assert review.verdict_from_text("Không đúng sự thật") == Verdict.FALSE
        assert review.verdict_from_text("Đúng sự thật") == Verdict.TRUE
        assert review.verdict_from_text("Mostly False") == Verdict.MISLEADING
        assert review.verdict_from_rating({"ratingValue": 5, "bestRating": 5}) == Verdict.TRUE
        assert review.verdict_from_text("Khó nói") is None

    def test_a_bad_document_saves_nothing_and_says_why(self):
        bad_second = CLAIM_REVIEW_PAGE.replace('"alternateName": "Gây hiểu lầm"', '"x": 1')
        cases = {
            "": "Paste the page",
            "<html><p>Không có gì</p></html>": "no schema.org markup",
            '<script type="application/ld+json">{"@type": </script>': "not valid JSON",
            '{"@type": "NewsArticle"}': "no ClaimReview",
            bad_second: "Fact-check 2",
        }
        with translation.override("en"):
            for document, message in cases.items():
                with self.subTest(message=message):
                    with pytest.raises(ValidationError) as raised:
                        review.fact_check_import_claimreview(document)
                    assert message in " ".join(raised.value.messages)
        assert not FactCheck.objects.exists()


class SourceServicesTest(MonitoringTestCase):
    def test_create_update_and_deactivate(self):
        created = review.source_create(
            unit=self.office,
            by=self.office_staff,
            name="Báo Đà Nẵng",
            kind="sitemap",
            url="https://baodanang.vn/sitemap.xml",
        )
        assert created.created_by == self.office_staff and created.active
        created.etag = '"abc"'
        created.save()
        review.source_update(
            source=created, by=self.office_staff, url="https://baodanang.vn/sitemap-news.xml"
        )
        created.refresh_from_db()
        assert created.etag == ""  # the old address's validators are forgotten
        review.source_deactivate(source=created, by=self.office_staff)
        created.refresh_from_db()
        assert not created.active and created.next_fetch_at is None

    def test_the_same_address_twice_is_refused(self):
        with pytest.raises(ValidationError):
            review.source_create(
                unit=self.office, by=None, name="Trùng", kind="feed", url=self.source.url
            )
        assert Source.objects.count() == 2


class FactCheckChangesTest(MonitoringTestCase):
    def test_an_update_keeps_the_verdict_as_written(self):
        review.fact_check_update(
            fact_check=self.fact_check, by=self.office_staff, verdict=Verdict.MISLEADING
        )
        self.fact_check.refresh_from_db()
        assert (self.fact_check.verdict, self.fact_check.verdict_as_written) == (
            Verdict.MISLEADING,
            "Sai sự thật",
        )

    def test_a_fact_check_whose_matches_were_reviewed_is_not_deleted(self):
        review.review_record(by=self.office_staff, claim_match=self.match, decision="confirmed")
        with pytest.raises(ValidationError):
            review.fact_check_delete(fact_check=self.fact_check, by=self.admin)
        assert FactCheck.objects.filter(pk=self.fact_check.pk).exists()

    def test_one_entered_by_mistake_goes_with_its_matches(self):
        review.fact_check_delete(fact_check=self.fact_check, by=self.admin)
        assert not FactCheck.objects.exists()
        assert not self.article.claim_matches.exists()
