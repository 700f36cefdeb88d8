"""What feeds, sitemaps and listing pages of the local news site list."""

import warnings

import pytest
from django.test import TestCase

from kehoach.monitoring.feeds import _looks_like_article, feed_items, listing_items, sitemap_items
from kehoach.monitoring.fetching import FetchError, FetchPolicy, fetch
from kehoach.monitoring.tests.newssite import STORIES, NewsSiteMixin

POLICY = FetchPolicy(host_delay=0, backoff=0, retries=0, read_timeout=2, deadline=5)


class FeedTest(NewsSiteMixin, TestCase):
    def items(self, path, limit=200):
        response = fetch(self.site.url(path), policy=POLICY)
        return feed_items(response.body, base_url=response.url, limit=limit)

    def test_it_lists_an_rss_feed_with_titles_and_dates(self):
        items = self.items("/rss/thoi-su.xml")
        assert [i.title for i in items] == [s.title for s in STORIES]
        assert items[0].url.startswith(self.site.url(f"/tin/{STORIES[0].slug}.html"))
        assert items[0].published is not None
        assert items[0].published.isoformat() == "2026-11-20T01:30:00+00:00"

    def test_it_lists_an_atom_feed(self):
        items = self.items("/atom.xml")
        assert [i.title for i in items] == [s.title for s in STORIES]

    def test_it_reads_no_more_than_the_limit(self):
        assert len(self.items("/rss/thoi-su.xml", limit=2)) == 2

    def test_a_10000_item_feed_gives_the_first_items_up_to_the_limit(self):
        items = self.items("/rss/10000.xml", limit=50)
        assert len(items) == 50
        assert items[0].title == "Bản tin địa phương số 1"

    def test_a_broken_feed_gives_what_could_be_read(self):
        items = self.items("/rss/hong.xml")
        assert [i.title for i in items][:1] == [STORIES[0].title]

    def test_garbage_is_not_a_feed(self):
        with pytest.raises(FetchError, match="Not a feed"):
            self.items("/rss/rac.xml")


class FeedDateTest(TestCase):
    def dates(self, *entries: str) -> list[str | None]:
        feed = (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            "<title>Tin Núi Thành</title>" + "".join(entries) + "</feed>"
        )
        items = feed_items(feed.encode(), base_url="https://baoquangnam.vn/", limit=10)
        return [item.published.isoformat() if item.published else None for item in items]

    def entry(self, slug: str, dates: str) -> str:
        return (
            f'<entry><title>Tam Xuân I tuyên truyền về quyền con người</title><link href="'
            f'https://baoquangnam.vn/xa-hoi/{slug}.html"/>{dates}</entry>'
        )

    def test_an_entry_dated_only_when_updated_takes_that_date(self):
        entry = self.entry("cap-nhat", "<updated>2024-06-30T08:00:00+07:00</updated>")
        assert self.dates(entry) == ["2024-06-30T01:00:00+00:00"]

    def test_the_published_date_wins_and_one_out_of_range_is_no_date(self):
        both = "<published>2024-05-02T07:00:00Z</published><updated>2024-06-30T01:00:00Z</updated>"
        # Out of range once in UTC: the entry is kept, without a date (not its published date
        # tried a second time through feedparser's updated→published fallback).
        too_late = "<published>9999-12-31T23:59:59-23:59</published>"
        with warnings.catch_warnings():
            warnings.simplefilter("error", DeprecationWarning)
            found = self.dates(self.entry("hai-ngay", both), self.entry("qua-xa", too_late))
        assert found == ["2024-05-02T07:00:00+00:00", None]


class SitemapTest(NewsSiteMixin, TestCase):
    def items(self, path, limit=200):
        response = fetch(self.site.url(path), policy=POLICY)
        return sitemap_items(
            response.body,
            base_url=response.url,
            limit=limit,
            get=lambda url: fetch(url, policy=POLICY),
        )

    def test_it_lists_a_sitemap_most_recent_first(self):
        items = self.items("/sitemap.xml")
        assert [i.url for i in items] == [
            self.site.url(f"/tin/{s.slug}.html") for s in reversed(STORIES)
        ]
        assert items[0].published is not None

    def test_it_reads_titles_and_dates_of_a_news_sitemap(self):
        items = self.items("/sitemap-news.xml")
        assert [i.title for i in items] == [s.title for s in reversed(STORIES)]
        assert items[-1].published is not None
        assert items[-1].published.isoformat() == "2026-11-20T08:30:00+07:00"

    def test_it_follows_a_sitemap_index_into_gzipped_sitemaps(self):
        items = self.items("/sitemap-index.xml")
        assert [i.url for i in items] == [self.site.url(f"/tin/{s.slug}.html") for s in STORIES[:2]]

    def test_it_reads_no_more_than_the_limit(self):
        assert len(self.items("/sitemap.xml", limit=1)) == 1

    def test_it_resolves_no_entity(self):
        # An external entity would read a local file into the address; it stays unresolved.
        items = self.items("/sitemap-xxe.xml")
        assert [i.url for i in items] == [self.site.url("/tin/")]

    def test_garbage_gives_nothing(self):
        assert sitemap_items(b"\x00\xff garbage <<", base_url=self.site.base, limit=10) == []


class ListingTest(NewsSiteMixin, TestCase):
    def test_it_lists_the_articles_of_the_same_site_without_navigation(self):
        response = fetch(self.site.url("/chuyen-muc/xa-hoi"), policy=POLICY)
        items = listing_items(
            response.body, base_url=response.url, content_type=response.content_type, limit=200
        )
        assert [i.title for i in items] == [s.title for s in STORIES]
        assert all(i.url.startswith(self.site.url("/tin/")) for i in items)

    def test_it_tells_articles_from_sections_by_their_address(self):
        assert _looks_like_article("/thoi-su/nui-thanh-tap-huan-quyen-tre-em-4812345.html")
        assert _looks_like_article("/nguoi-dan-tam-xuan-nhan-ho-tro-sinh-ke")
        assert _looks_like_article("/xa-hoi/20241125093000")
        assert not _looks_like_article("/the-thao")
        assert not _looks_like_article("/chu-de/quyen-tre-em")

    def test_it_reads_no_more_than_the_limit(self):
        response = fetch(self.site.url("/chuyen-muc/xa-hoi"), policy=POLICY)
        items = listing_items(
            response.body, base_url=response.url, content_type=response.content_type, limit=1
        )
        assert len(items) == 1

    def test_an_empty_or_garbage_page_gives_nothing(self):
        assert listing_items(b"", base_url=self.site.base, content_type="", limit=5) == []
        assert (
            listing_items(b"\x00\x01\xff", base_url=self.site.base, content_type="", limit=5) == []
        )
