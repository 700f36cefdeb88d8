"""The fetch of one source, end to end against the local news site."""

import datetime as dt
import gzip
from unittest import mock

from django.test import TestCase, override_settings
from django.utils import timezone

from kehoach.monitoring.extraction import canonical_url, url_hash
from kehoach.monitoring.ingest import source_fetch, source_is_silent
from kehoach.monitoring.models import Article, FetchOutcome, RawPage, Source, SourceKind
from kehoach.monitoring.tests.newssite import FAST_FETCHING, STORIES, NewsSiteMixin
from kehoach.units.models import Unit, UnitKind
from kehoach.units.services import unit_create


def make_source(unit, url, *, kind=SourceKind.FEED, **fields):
    return Source.objects.create(
        unit=unit, name=fields.pop("name", "Báo Quảng Nam Thử"), kind=kind, url=url, **fields
    )


@override_settings(**FAST_FETCHING)
class SourceFetchTest(NewsSiteMixin, TestCase):
    office: Unit

    @classmethod
    def setUpTestData(cls):
        cls.office = unit_create(
            name="Phòng Văn hóa và Thông tin huyện Núi Thành", kind=UnitKind.OFFICE
        )

    def setUp(self):
        super().setUp()
        # Analysis is another module's business; here it is left out (see AnalysisHookTest).
        patcher = mock.patch("kehoach.monitoring.ingest._analyse")
        self.analyse = patcher.start()
        self.addCleanup(patcher.stop)

    def source(self, path, **fields):
        return make_source(self.office, self.site.url(path), **fields)

    def test_it_keeps_each_new_article_with_its_raw_page(self):
        source = self.source("/rss/thoi-su.xml")
        run = source_fetch(source)

        assert run.outcome == FetchOutcome.OK
        assert (run.http_status, run.items_seen, run.articles_new) == (200, 3, 3)
        story = STORIES[0]
        article = Article.objects.get(title=story.title)
        assert article.canonical_url == self.site.url(f"/tin/{story.slug}.html")
        assert "utm_source=rss" in article.url
        assert article.url_hash == url_hash(article.canonical_url)
        assert article.outlet == "127.0.0.1"
        assert article.source == source
        assert story.paragraphs[2] in article.text
        assert article.published == dt.datetime.fromisoformat(story.published)
        assert "nguyen thi thu ha" in article.search_text
        raw = RawPage.objects.get(article=article)
        assert raw.http_status == 200
        assert story.title in gzip.decompress(raw.body_gzip).decode()
        assert raw.headers["content-type"].startswith("text/html")
        assert self.analyse.call_count == 3

    def test_a_successful_fetch_updates_the_source(self):
        source = self.source("/rss/thoi-su.xml", interval_minutes=30)
        run = source_fetch(source)
        source.refresh_from_db()
        assert source.last_fetched_at == run.finished_at
        assert source.last_success_at == run.finished_at
        assert source.last_new_article_at == run.finished_at
        assert source.next_fetch_at == run.finished_at + dt.timedelta(minutes=30)
        assert source.etag == self.site.etag
        assert source.last_modified == self.site.last_modified

    def test_the_next_fetch_asks_whether_the_feed_changed(self):
        source = self.source("/rss/thoi-su.xml")
        source_fetch(source)
        source.refresh_from_db()
        run = source_fetch(source)
        assert run.outcome == FetchOutcome.NOT_MODIFIED
        assert run.http_status == 304
        assert source.runs.count() == 2
        assert Article.objects.count() == 3

    def test_one_article_per_canonical_address_across_sources(self):
        source_fetch(self.source("/rss/thoi-su.xml"))
        for path, kind in (
            ("/atom.xml", SourceKind.FEED),  # links with a #fragment
            ("/chuyen-muc/xa-hoi", SourceKind.LISTING),  # links with utm_campaign
            ("/sitemap.xml", SourceKind.SITEMAP),
        ):
            run = source_fetch(self.source(path, kind=kind, name=path))
            assert run.outcome == FetchOutcome.OK, run.error
            assert (run.items_seen, run.articles_new) == (3, 0), path
        assert Article.objects.count() == 3
        # Known articles are not fetched again.
        assert self.site.counters[f"/tin/{STORIES[0].slug}.html"] == 1

    def test_items_left_over_for_lack_of_time_are_read_next_time(self):
        source = self.source("/rss/thoi-su.xml")
        with override_settings(KEHOACH_MONITOR_SOURCE_BUDGET=0):
            first = source_fetch(source)
        assert (first.outcome, first.items_seen, first.articles_new) == (FetchOutcome.OK, 3, 0)
        source.refresh_from_db()
        assert source.etag == ""  # so that the feed is not "not modified" next time

        second = source_fetch(source)
        assert (second.outcome, second.articles_new) == (FetchOutcome.OK, 3)

    def test_a_failing_source_keeps_its_history_and_backs_off(self):
        source = self.source("/loi-500", interval_minutes=60)
        first = source_fetch(source)
        second = source_fetch(source)
        source.refresh_from_db()

        assert [r.outcome for r in source.runs.all()] == [FetchOutcome.ERROR] * 2
        assert second.http_status == 500
        assert "500" in second.error
        assert source.consecutive_failures == 2
        assert "500" in source.last_error
        assert source.last_success_at is None
        assert first.finished_at is not None and second.finished_at is not None
        assert source.next_fetch_at == second.finished_at + dt.timedelta(minutes=120)

        # The site comes back: the failures are over, the history stays.
        Source.objects.filter(pk=source.pk).update(url=self.site.url("/rss/thoi-su.xml"))
        source.refresh_from_db()
        assert source_fetch(source).outcome == FetchOutcome.OK
        source.refresh_from_db()
        assert (source.consecutive_failures, source.last_error) == (0, "")
        assert source.runs.count() == 3

    def test_garbage_is_an_error_of_the_source_not_of_the_worker(self):
        run = source_fetch(self.source("/rss/rac.xml"))
        assert run.outcome == FetchOutcome.ERROR
        assert "Not a feed" in run.error

    def test_an_endless_answer_is_an_error(self):
        run = source_fetch(self.source("/vo-tan.html", kind=SourceKind.LISTING))
        assert run.outcome == FetchOutcome.ERROR
        assert "larger" in run.error

    def test_a_trickling_answer_is_an_error_at_the_deadline(self):
        run = source_fetch(self.source("/cham.xml"))
        assert run.outcome == FetchOutcome.ERROR
        assert "Gave up" in run.error

    def test_a_10000_item_feed_is_read_up_to_max_items(self):
        run = source_fetch(self.source("/rss/10000.xml", max_items=5))
        assert run.outcome == FetchOutcome.OK
        assert (run.items_seen, run.articles_new) == (5, 5)
        assert Article.objects.count() == 5

    def test_a_source_robots_txt_forbids_is_an_error(self):
        run = source_fetch(self.source("/rieng-tu/tin.html", kind=SourceKind.LISTING))
        assert run.outcome == FetchOutcome.ERROR
        assert "robots.txt" in run.error

    def test_articles_that_cannot_be_read_are_counted_in_the_run(self):
        # The sitemap lists one address, which answers 404.
        run = source_fetch(self.source("/sitemap-xxe.xml", kind=SourceKind.SITEMAP))
        assert run.outcome == FetchOutcome.OK
        assert (run.items_seen, run.articles_new) == (1, 0)
        assert "1 articles could not be read" in run.error
        assert "404" in run.error

    def test_a_file_that_is_not_a_web_page_is_not_an_article(self):
        run = source_fetch(self.source("/rss/tep-dinh-kem.xml"))
        assert run.outcome == FetchOutcome.OK
        assert run.articles_new == 0
        assert "application/pdf" in run.error
        assert not Article.objects.exists()

    def test_an_unforeseen_error_is_recorded_not_raised(self):
        source = self.source("/rss/thoi-su.xml")
        with (
            mock.patch("kehoach.monitoring.ingest.feed_items", side_effect=RuntimeError("lỗi")),
            self.assertLogs("kehoach.monitoring.ingest", "ERROR"),
        ):
            run = source_fetch(source)
        assert run.outcome == FetchOutcome.ERROR
        assert "RuntimeError" in run.error


@override_settings(**FAST_FETCHING)
class AnalysisHookTest(NewsSiteMixin, TestCase):
    office: Unit

    @classmethod
    def setUpTestData(cls):
        cls.office = unit_create(name="Phòng Văn hóa và Thông tin", kind=UnitKind.OFFICE)

    def test_each_new_article_is_analysed(self):
        analysed: list[Article] = []
        with mock.patch("kehoach.monitoring.ingest._optional") as optional:
            optional.side_effect = lambda module, name: (
                analysed.append if name == "article_analyse" else None
            )
            source_fetch(make_source(self.office, self.site.url("/rss/thoi-su.xml")))
        assert sorted(a.title for a in analysed) == sorted(s.title for s in STORIES)

    def test_a_failing_analysis_does_not_fail_the_fetch(self):
        def broken(article):
            raise ValueError("phân tích lỗi")

        with (
            mock.patch("kehoach.monitoring.ingest._optional") as optional,
            self.assertLogs("kehoach.monitoring.ingest", "ERROR"),
        ):
            optional.side_effect = lambda module, name: (
                broken if name == "article_analyse" else None
            )
            run = source_fetch(make_source(self.office, self.site.url("/rss/thoi-su.xml")))
        assert run.outcome == FetchOutcome.OK
        assert run.articles_new == 3

    def test_an_analysis_module_that_cannot_be_imported_does_not_fail_the_fetch(self):
        with (
            mock.patch("kehoach.monitoring.ingest._import", side_effect=SyntaxError("hỏng")),
            self.assertLogs("kehoach.monitoring.ingest", "ERROR"),
        ):
            run = source_fetch(make_source(self.office, self.site.url("/rss/thoi-su.xml")))
        assert (run.outcome, run.articles_new) == (FetchOutcome.OK, 3)

    def test_the_language_comes_from_the_analysis_package_when_it_gives_one(self):
        with mock.patch("kehoach.monitoring.ingest._optional") as optional:
            optional.side_effect = lambda module, name: (
                (lambda text: "vi") if name == "language" else None
            )
            source_fetch(make_source(self.office, self.site.url("/rss/thoi-su.xml")))
        assert set(Article.objects.values_list("lang", flat=True)) == {"vi"}


class SilentSourceTest(TestCase):
    office: Unit

    @classmethod
    def setUpTestData(cls):
        cls.office = unit_create(name="Phòng Văn hóa và Thông tin", kind=UnitKind.OFFICE)

    def test_a_source_with_nothing_new_for_its_silent_days_is_silent(self):
        now = timezone.now()
        source = make_source(self.office, "https://baoquangnam.vn/rss", silent_after_days=7)
        source.last_new_article_at = now - dt.timedelta(days=8)
        assert source_is_silent(source, now)
        source.last_new_article_at = now - dt.timedelta(days=6)
        assert not source_is_silent(source, now)

    def test_a_new_source_counts_from_its_creation(self):
        source = make_source(self.office, "https://baoquangnam.vn/rss", silent_after_days=7)
        assert not source_is_silent(source, source.created_at + dt.timedelta(days=6))
        assert source_is_silent(source, source.created_at + dt.timedelta(days=8))

    def test_an_inactive_source_is_not_flagged(self):
        source = make_source(self.office, "https://baoquangnam.vn/rss", active=False)
        assert not source_is_silent(source, timezone.now() + dt.timedelta(days=365))


def test_canonical_url_is_what_the_hash_is_of():
    assert url_hash(canonical_url("http://A.vn/x#y")) == url_hash("http://a.vn/x")
