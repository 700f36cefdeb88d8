"""Raw pages are kept for audit for a limited time (KEHOACH_RAW_PAGE_RETENTION_DAYS), then
deleted; the articles, their analysis and the reviewers' decisions stay."""

import datetime as dt
import gzip
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from kehoach.monitoring.models import Article, RawPage
from kehoach.monitoring.services import raw_pages_purge
from kehoach.monitoring.tasks import fetch_due_sources_task
from kehoach.monitoring.tests.reviewing import NOW, make_article


def raw_page(article: Article, fetched_at: dt.datetime) -> RawPage:
    return RawPage.objects.create(
        article=article,
        final_url=article.url,
        http_status=200,
        content_type="text/html; charset=utf-8",
        body_gzip=gzip.compress("<html><body>Bài báo</body></html>".encode()),
        fetched_at=fetched_at,
    )


class RawPageRetentionTest(TestCase):
    def setUp(self) -> None:
        # Articles whose source was deleted since (source None) keep their raw pages too.
        self.old = make_article(source=None, url="https://baoquangnam.vn/cu.html")
        self.recent = make_article(source=None, url="https://baoquangnam.vn/moi.html")
        raw_page(self.old, NOW - dt.timedelta(days=200))
        raw_page(self.recent, NOW - dt.timedelta(days=10))

    def test_pages_past_the_retention_go_and_their_articles_stay(self):
        assert raw_pages_purge(now=NOW, days=180) == 1
        assert list(RawPage.objects.values_list("article_id", flat=True)) == [self.recent.pk]
        assert Article.objects.filter(pk=self.old.pk, text__contains="Núi Thành").exists()

    @override_settings(KEHOACH_RAW_PAGE_RETENTION_DAYS=5)
    def test_the_setting_decides_by_default(self):
        assert raw_pages_purge(now=NOW) == 2
        assert not RawPage.objects.exists()

    def test_the_command_deletes_and_says_how_many(self):
        out = StringIO()
        call_command("monitor", "purge-raw", "--days", "30", stdout=out)
        assert not RawPage.objects.exists()  # both are older than 30 days before today
        assert "2" in out.getvalue()
        with pytest.raises(CommandError):
            call_command("monitor", "purge-raw", "--days", "-1", stdout=StringIO())

    @override_settings(KEHOACH_RAW_PAGE_RETENTION_DAYS=180)
    def test_the_worker_scan_purges_too(self):
        RawPage.objects.filter(article=self.recent).update(fetched_at=dt.datetime.now(dt.UTC))
        fetch_due_sources_task.call(reschedule=False)
        assert list(RawPage.objects.values_list("article_id", flat=True)) == [self.recent.pk]
