"""Canonical addresses and the article in a page."""

from django.test import SimpleTestCase

from kehoach.monitoring.extraction import canonical_url, extract, url_hash
from kehoach.monitoring.tests.newssite import STORIES, _article_html


class CanonicalUrlTest(SimpleTestCase):
    def test_it_lowercases_the_host_and_drops_the_fragment(self):
        assert (
            canonical_url("HTTPS://BaoQuangNam.VN/xa-hoi/Tin-Moi.html#binh-luan")
            == "https://baoquangnam.vn/xa-hoi/Tin-Moi.html"
        )

    def test_it_drops_tracking_parameters_and_sorts_the_others(self):
        assert (
            canonical_url(
                "https://baoquangnam.vn/tin?utm_source=fb&utm_medium=social&fbclid=abc"
                "&zarsrc=30&page=2&id=7&gclid=x"
            )
            == "https://baoquangnam.vn/tin?id=7&page=2"
        )

    def test_it_drops_default_ports_and_keeps_others(self):
        assert canonical_url("http://vnexpress.net:80") == "http://vnexpress.net/"
        assert canonical_url("https://vnexpress.net:443/a") == "https://vnexpress.net/a"
        assert canonical_url("http://127.0.0.1:8080/a") == "http://127.0.0.1:8080/a"

    def test_one_article_linked_two_ways_has_one_hash(self):
        a = canonical_url("https://baoquangnam.vn/a.html?utm_campaign=rss")
        b = canonical_url("https://BAOQUANGNAM.vn/a.html#top")
        assert url_hash(a) == url_hash(b)
        assert len(url_hash(a)) == 64


class ExtractTest(SimpleTestCase):
    def test_it_extracts_text_title_date_and_the_pages_canonical_address(self):
        story = STORIES[0]
        html = _article_html(story, base="https://baoquangnam.vn")
        found = extract(html, url=f"https://baoquangnam.vn/tin/{story.slug}.html?utm_source=rss")
        assert found.title == story.title
        assert story.paragraphs[1] in found.text
        assert "Cơ quan của Đảng bộ" not in found.text  # the footer is not the article
        assert found.published is not None
        assert found.published.date().isoformat() == "2026-11-20"
        assert found.canonical_url == f"https://baoquangnam.vn/tin/{story.slug}.html"

    def test_a_canonical_address_on_another_site_is_not_trusted(self):
        story = STORIES[0]
        html = _article_html(story, base="https://other.example")
        found = extract(html, url="https://baoquangnam.vn/x.html?utm_source=a")
        assert found.canonical_url == "https://baoquangnam.vn/x.html"

    def test_an_empty_page_gives_an_empty_article(self):
        found = extract("<html></html>", url="https://baoquangnam.vn/trong.html")
        assert found.text == ""
        assert found.canonical_url == "https://baoquangnam.vn/trong.html"
