"""The polite fetcher against the local news site."""

import dataclasses
import datetime as dt

import pytest
from django.test import TestCase
from django.utils import timezone

from kehoach.monitoring.fetching import (
    FetchError,
    FetchPolicy,
    HostBusy,
    RobotsDisallowed,
    decode,
    fetch,
    host_key,
)
from kehoach.monitoring.models import HostState
from kehoach.monitoring.tests.newssite import STORIES, NewsSiteMixin, to_cp1258

POLICY = FetchPolicy(
    host_delay=0,
    backoff=0,
    retries=1,
    connect_timeout=2,
    read_timeout=1,
    deadline=1.5,
    max_bytes=5 * 1024 * 1024,
)


class FetchTest(NewsSiteMixin, TestCase):
    def test_it_fetches_a_page_with_its_status_headers_and_text(self):
        story = STORIES[0]
        response = fetch(self.site.url(f"/tin/{story.slug}.html"), policy=POLICY)
        assert response.status == 200
        assert response.content_type.startswith("text/html")
        assert story.title in response.text()

    def test_it_identifies_itself(self):
        fetch(self.site.url("/sitemap.xml"), policy=POLICY)
        _method, _path, headers = self.site.requests[-1]
        assert headers["User-Agent"] == POLICY.user_agent

    def test_it_follows_a_chain_of_redirects_to_the_end(self):
        response = fetch(self.site.url("/chuyen-huong/3"), policy=POLICY)
        assert response.url == self.site.url("/rss/thoi-su.xml")
        assert b"<rss" in response.body

    def test_it_stops_a_redirect_loop(self):
        with pytest.raises(FetchError, match="loop"):
            fetch(self.site.url("/vong-lap/a"), policy=POLICY)

    def test_it_stops_a_redirect_chain_that_is_too_long(self):
        with pytest.raises(FetchError, match="redirects"):
            fetch(self.site.url("/chuyen-huong/9"), policy=POLICY)

    def test_it_sends_the_validators_and_reports_not_modified(self):
        response = fetch(
            self.site.url("/rss/thoi-su.xml"),
            etag=self.site.etag,
            last_modified=self.site.last_modified,
            policy=POLICY,
        )
        assert response.not_modified
        assert response.body == b""
        _method, _path, headers = self.site.requests[-1]
        assert headers["If-None-Match"] == self.site.etag
        assert headers["If-Modified-Since"] == self.site.last_modified

    def test_it_retries_a_temporary_failure(self):
        response = fetch(self.site.url("/chap-chon.xml"), policy=POLICY)
        assert response.status == 200
        assert self.site.counters["/chap-chon.xml"] == 2

    def test_it_gives_up_after_its_retries_with_the_status(self):
        with pytest.raises(FetchError) as caught:
            fetch(self.site.url("/loi-500"), policy=POLICY)
        assert caught.value.status == 500
        assert self.site.counters["/loi-500"] == 1 + POLICY.retries

    def test_it_does_not_retry_a_missing_page(self):
        with pytest.raises(FetchError) as caught:
            fetch(self.site.url("/khong-co"), policy=POLICY)
        assert caught.value.status == 404
        assert self.site.counters["/khong-co"] == 1

    def test_it_refuses_a_page_that_says_it_is_too_large(self):
        with pytest.raises(FetchError, match="larger"):
            fetch(self.site.url("/rat-lon.html"), policy=POLICY)

    def test_it_stops_reading_an_endless_answer_at_the_size_limit(self):
        small = dataclasses.replace(POLICY, max_bytes=200_000, deadline=60)
        with pytest.raises(FetchError, match="larger"):
            fetch(self.site.url("/vo-tan.html"), policy=small)

    def test_it_counts_the_size_after_decompression(self):
        with pytest.raises(FetchError, match="larger"):
            fetch(self.site.url("/bom-gzip.html"), policy=POLICY)

    def test_it_stops_a_trickling_answer_at_the_deadline(self):
        # Bytes keep coming (no read timeout), but never the end: the total deadline ends it.
        with pytest.raises(FetchError, match="Gave up"):
            fetch(self.site.url("/cham.xml"), policy=dataclasses.replace(POLICY, deadline=0.5))

    def test_it_stops_trickling_headers_at_the_deadline(self):
        with pytest.raises(FetchError, match="Gave up"):
            fetch(self.site.url("/dau-cham.xml"), policy=dataclasses.replace(POLICY, deadline=0.5))

    def test_it_refuses_other_schemes(self):
        with pytest.raises(FetchError, match="Unsupported"):
            fetch("file:///etc/passwd", policy=POLICY)

    def test_it_reports_a_site_that_cannot_be_reached(self):
        with pytest.raises(FetchError, match="reach"):
            fetch("http://127.0.0.1:9/tin.html", policy=dataclasses.replace(POLICY, retries=0))


class RobotsTest(NewsSiteMixin, TestCase):
    def test_it_does_not_read_what_robots_txt_forbids(self):
        with pytest.raises(RobotsDisallowed):
            fetch(self.site.url("/rieng-tu/tin.html"), policy=POLICY)
        assert "/rieng-tu/tin.html" not in self.site.paths()

    def test_it_reads_robots_txt_once_a_day_per_host(self):
        fetch(self.site.url("/sitemap.xml"), policy=POLICY)
        fetch(self.site.url("/atom.xml"), policy=POLICY)
        assert self.site.paths().count("/robots.txt") == 1
        state = HostState.objects.get(host=host_key(self.site.base))
        assert "Disallow: /rieng-tu/" in state.robots_txt

        HostState.objects.update(robots_fetched_at=timezone.now() - dt.timedelta(days=2))
        fetch(self.site.url("/sitemap.xml"), policy=POLICY)
        assert self.site.paths().count("/robots.txt") == 2

    def test_a_missing_robots_txt_allows_everything(self):
        self.site.robots_status = 404
        assert fetch(self.site.url("/rieng-tu/tin.html"), policy=POLICY).status == 200

    def test_a_robots_txt_in_error_forbids_everything_for_an_hour(self):
        self.site.robots_status = 503
        with pytest.raises(RobotsDisallowed):
            fetch(self.site.url("/sitemap.xml"), policy=POLICY)
        state = HostState.objects.get(host=host_key(self.site.base))
        assert state.robots_fetched_at is not None
        assert timezone.now() - state.robots_fetched_at > dt.timedelta(hours=22)

    def test_the_sites_crawl_delay_spaces_requests_when_longer(self):
        self.site.robots_txt = "User-agent: *\nCrawl-delay: 40\n"
        before = timezone.now()
        fetch(self.site.url("/sitemap.xml"), policy=dataclasses.replace(POLICY, host_delay=1))
        state = HostState.objects.get(host=host_key(self.site.base))
        assert state.next_request_at is not None
        assert state.next_request_at >= before + dt.timedelta(seconds=40)


class HostRateLimitTest(NewsSiteMixin, TestCase):
    def test_each_request_books_the_next_turn_of_the_host(self):
        polite = dataclasses.replace(POLICY, host_delay=30, max_wait=60)
        before = timezone.now()
        HostState.objects.create(
            host=host_key(self.site.base), robots_txt="", robots_fetched_at=before
        )
        fetch(self.site.url("/sitemap.xml"), policy=polite)
        state = HostState.objects.get(host=host_key(self.site.base))
        assert state.next_request_at is not None
        assert state.next_request_at >= before + dt.timedelta(seconds=30)

    def test_a_host_booked_too_far_ahead_is_skipped_without_a_request(self):
        HostState.objects.create(
            host=host_key(self.site.base),
            robots_txt="",
            robots_fetched_at=timezone.now(),
            next_request_at=timezone.now() + dt.timedelta(hours=1),
        )
        with pytest.raises(HostBusy):
            fetch(self.site.url("/sitemap.xml"), policy=dataclasses.replace(POLICY, host_delay=5))
        assert self.site.requests == []


class DecodeTest(TestCase):
    TEXT = "Xã Tam Anh Nam hỗ trợ sinh kế cho người khuyết tật"

    def test_utf8_is_read_as_utf8_whatever_the_label(self):
        assert decode(self.TEXT.encode(), "text/html; charset=iso-8859-1") == self.TEXT
        assert decode(self.TEXT.encode(), "text/html; charset=windows-1258") == self.TEXT

    def test_windows_1258_labelled_latin1_is_read_as_windows_1258(self):
        assert decode(to_cp1258(self.TEXT), "text/html; charset=iso-8859-1") == self.TEXT

    def test_windows_1258_labelled_utf8_falls_back_on_the_meta_charset(self):
        page = to_cp1258(f'<meta charset="windows-1258"><p>{self.TEXT}</p>')
        assert self.TEXT in decode(page, "text/html; charset=utf-8")

    def test_latin1_that_is_not_vietnamese_stays_latin1(self):
        text = "Café à Paris, déjà vu"
        assert decode(text.encode("latin-1"), "text/html; charset=iso-8859-1") == text

    def test_undecodable_bytes_do_not_raise(self):
        assert isinstance(decode(bytes(range(256)), "text/html; charset=nonsense"), str)


class EncodingsOnTheSiteTest(NewsSiteMixin, TestCase):
    def test_pages_with_a_wrong_label_read_right(self):
        for path in ("/ma-hoa/utf8-khai-latin1.html", "/ma-hoa/cp1258-khai-latin1.html"):
            text = fetch(self.site.url(path), policy=POLICY).text()
            assert STORIES[1].title in text, path
