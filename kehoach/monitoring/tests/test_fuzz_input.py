"""Fuzzed monitoring input: whatever a news site sends (a broken or hostile RSS/Atom feed,
sitemap or listing page, and article pages of any shape), reading it raises nothing but a
FetchError, and a source fetch records its run without an unexpected error and leaves every
article with its raw page (nothing half-written).

Inputs: RSS 2.0, Atom and sitemaps with generated titles, links (relative, other schemes, broken
addresses, very long), dates and descriptions, then cut short, with bytes replaced or in another
encoding; listing pages with links in and out of nav; random bytes; and article pages with
Vietnamese paragraphs, broken markup, odd charsets and content types.
"""

import traceback
from typing import Any
from unittest import mock
from xml.sax.saxutils import escape

from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from kehoach.monitoring import ingest
from kehoach.monitoring.extraction import extract
from kehoach.monitoring.feeds import feed_items, listing_items, sitemap_items
from kehoach.monitoring.fetching import FetchError, FetchPolicy, Response
from kehoach.monitoring.models import Article, FetchOutcome, FetchRun, RawPage, Source, SourceKind
from kehoach.testing import Cast
from kehoach.tests.fuzzing import count, vietnamese_text

SITE = "https://baoquangnam.vn"
SOURCE_URL = f"{SITE}/rss/xa-hoi.rss"

LINKS = st.one_of(
    st.integers(1, 6).map(lambda n: f"{SITE}/xa-hoi/tuyen-truyen-quyen-con-nguoi-{n}.html"),
    st.integers(1, 6).map(lambda n: f"/thoi-su/bai-viet-so-{n}-nui-thanh.html"),
    st.sampled_from(
        [
            "",
            "javascript:alert(1)",
            "mailto:toasoan@baoquangnam.vn",
            "http://[::1",
            "https://baoquangnam.vn/%zz%?a=1#x",
            "https://baoquangnam.vn:99999/a.html",
            f"{SITE}/xa-hoi/bai-1.html?utm_source=rss&fbclid=x",
            "https://báoquảngnam.vn/tin-tức/bài-một.html",
            "//cdn.example.com/a.html",
            "https://" + "a" * 300 + ".vn/" + "b" * 3000,
            "ftp://baoquangnam.vn/a.html",
            " \n https://baoquangnam.vn/xa-hoi/bai-2.html \t",
        ]
    ),
    vietnamese_text(max_size=40),
)
DATES = st.sampled_from(
    [
        "Mon, 15 Apr 2024 08:30:00 +0700",
        "Thu, 31 Feb 2024 25:61:00 GMT",
        "2024-04-15T08:30:00+07:00",
        "2024-13-45",
        "15/04/2024",
        "",
        "0000-00-00T00:00:00Z",
        "9999-12-31T23:59:59-23:59",
        "Thứ Hai, 15/4/2024",
        "1e308",
    ]
)
PARAGRAPHS = st.lists(vietnamese_text(max_size=200), max_size=6)


@st.composite
def feed_body(draw: st.DrawFn) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(["rss", "atom", "sitemap", "listing", "bytes"]))
    entries = draw(st.lists(st.tuples(vietnamese_text(max_size=80), LINKS, DATES), max_size=6))
    if kind == "bytes":
        return SourceKind.FEED, draw(st.binary(max_size=1000))
    if kind == "rss":
        items = "".join(
            f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
            f"<pubDate>{escape(date)}</pubDate><description>{escape(title)}</description></item>"
            for title, link, date in entries
        )
        text = (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>Báo Quảng Nam</title><link>{SITE}</link>{items}</channel></rss>"
        )
        source_kind = SourceKind.FEED
    elif kind == "atom":
        items = "".join(
            f'<entry><title>{escape(title)}</title><link href="{escape(link)}"/>'
            f"<updated>{escape(date)}</updated></entry>"
            for title, link, date in entries
        )
        text = f'<feed xmlns="http://www.w3.org/2005/Atom"><title>Tin</title>{items}</feed>'
        source_kind = SourceKind.FEED
    elif kind == "sitemap":
        items = "".join(
            f"<url><loc>{escape(link)}</loc><lastmod>{escape(date)}</lastmod></url>"
            for _title, link, date in entries
        )
        text = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>'
        source_kind = SourceKind.SITEMAP
    else:
        links = "".join(
            f"<{draw(st.sampled_from(['li', 'nav', 'footer', 'div']))}>"
            f'<a href="{escape(link, {chr(34): "&quot;"})}">{escape(title)}</a></li>'
            for title, link, _date in entries
        )
        text = f"<html><body><header><a href='/'>Trang chủ</a></header><ul>{links}</ul></body>"
        source_kind = SourceKind.LISTING
    data = text.encode(draw(st.sampled_from(["utf-8", "utf-8", "utf-16", "cp1258"])), "replace")
    return source_kind, mutate(draw, data)


def mutate(draw: st.DrawFn, data: bytes) -> bytes:
    buffer = bytearray(data)
    for _step in range(draw(st.integers(0, 4))):
        if not buffer:
            break
        at = draw(st.integers(0, len(buffer) - 1))
        operation = draw(st.sampled_from(["flip", "cut", "insert"]))
        if operation == "flip":
            buffer[at] = draw(st.integers(0, 255))
        elif operation == "cut":
            del buffer[at:]
        else:
            buffer[at:at] = draw(
                st.sampled_from(
                    [b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>", b"&e;", b"<",
                     b"]]>", b"<![CDATA[", b"\x00", b"\xff\xfe", "Đà Nẵng".encode()]
                )
            )  # fmt: skip
    return bytes(buffer)


@st.composite
def article_page(draw: st.DrawFn) -> Response | FetchError:
    if draw(st.integers(0, 9)) == 0:
        return FetchError("HTTP 404", status=404)
    title = draw(vietnamese_text(max_size=100))
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in draw(PARAGRAPHS))
    html = (
        f"<html><head><title>{escape(title)}</title>"
        f'<meta property="article:published_time" content="{escape(draw(DATES))}">'
        f'<link rel="canonical" href="{escape(draw(LINKS))}"></head>'
        f"<body><article><h1>{escape(title)}</h1>{paragraphs}</article></body></html>"
    )
    charset = draw(st.sampled_from(["utf-8", "utf-8", "windows-1258", "iso-8859-1", "x-unknown"]))
    body = html.encode("utf-8" if charset == "x-unknown" else charset, "replace")
    content_type = draw(
        st.sampled_from(
            [f"text/html; charset={charset}", "text/html", "", "application/pdf", "text/plain"]
        )
    )
    return Response(
        url=f"{SITE}/xa-hoi/bai.html",
        status=200,
        headers={"content-type": content_type, "etag": '"abc"'},
        body=mutate(draw, body),
    )


LISTING_WITH_BAD_PORT = (
    b'<html><body><ul><li><a href="https://baoquangnam.vn:99999/xa-hoi/tin-so-123456.html">'
    b"Tin</a></li></ul></body></html>"
)
SITEMAP_DATED_9999 = (
    f"<urlset><url><loc>{SITE}/xa-hoi/bai-1.html</loc>"
    "<lastmod>9999-12-31T23:59:59-23:59</lastmod></url></urlset>"
).encode()
FEED_OF_ONE = (
    f"<rss><channel><item><title>Tin</title><link>{SITE}/xa-hoi/bai-1.html</link></item>"
    "</channel></rss>"
).encode()
PAGE_WITH_BAD_CANONICAL = Response(
    url=f"{SITE}/xa-hoi/bai-1.html",
    status=200,
    headers={"content-type": "text/html; charset=utf-8"},
    body=(
        '<html><head><title>Tin</title><link rel="canonical" href="https://baoquangnam.vn:99999/'
        'a.html"></head><body><article><h1>Tin</h1><p>'
        + "Tuyên truyền quyền con người ở Núi Thành. " * 30
        + "</p></article></body></html>"
    ).encode(),
)


class MonitoringInputFuzzTest(Cast, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast_create()

    def fetch(self, body: bytes, pending: list[Any]) -> Any:
        """A stand-in for fetching.fetch: the source's body, then the pages in turn."""

        def fake(url: str, **_kwargs: Any) -> Response:
            if url == SOURCE_URL:
                return Response(url=url, status=200, headers={"etag": '"1"'}, body=body)
            page = pending.pop(0) if pending else FetchError("HTTP 404", status=404)
            if isinstance(page, FetchError):
                raise page
            return Response(url=url, status=page.status, headers=page.headers, body=page.body)

        return fake

    @given(feed_body(), st.lists(article_page(), max_size=3))
    # Found by this test: urllib's ValueError for a broken address ("http://[::1", a port out of
    # range) in one item, or in a page's canonical link, failed the whole fetch of the source.
    @example((SourceKind.SITEMAP, b"<urlset><url><loc>http://[::1</loc></url></urlset>"), [])
    @example((SourceKind.LISTING, LISTING_WITH_BAD_PORT), [])
    @example((SourceKind.FEED, FEED_OF_ONE), [PAGE_WITH_BAD_CANONICAL])
    # Found by this test: feedparser raised UnicodeDecodeError for a broken declared encoding.
    @example((SourceKind.FEED, b'<?xml version="1.0" encoding="UTF-\xca"?><rss></rss>'), [])
    # Found by this test: a date whose UTC time is past year 9999 could not be saved.
    @example((SourceKind.SITEMAP, SITEMAP_DATED_9999), [PAGE_WITH_BAD_CANONICAL])
    def test_any_input_is_read_or_refused_and_a_fetch_leaves_nothing_half_written(
        self, feed: tuple[str, bytes], pages: list[Any]
    ) -> None:
        kind, body = feed
        count("monitoring", f"monitoring:{kind}")
        # The readers alone: items or a FetchError, nothing else.
        for read in (
            lambda: feed_items(body, base_url=SOURCE_URL, limit=5),
            lambda: sitemap_items(body, base_url=SOURCE_URL, limit=5),
            lambda: listing_items(body, base_url=SOURCE_URL, content_type="text/html", limit=5),
        ):
            try:
                items = read()
            except FetchError:
                continue
            assert len(items) <= 5
            assert all(item.url.startswith(("http://", "https://")) for item in items)
        # The whole fetch, with the pages as the site's articles.
        source = Source.objects.create(
            unit=self.office, name="Báo Quảng Nam", kind=kind, url=SOURCE_URL, max_items=5
        )
        pending = list(pages)
        with (
            mock.patch.object(ingest, "fetch", self.fetch(body, pending)),
            mock.patch.object(ingest.logger, "exception") as logged,
        ):
            unexpected: list[str] = []  # what the worker would log as a bug, with its traceback
            logged.side_effect = lambda *args, **kwargs: unexpected.append(traceback.format_exc())
            run = ingest.source_fetch(source, policy=FetchPolicy.from_settings())
        assert not unexpected, unexpected[0]
        assert FetchRun.objects.filter(source=source).count() == 1
        assert run.outcome in (FetchOutcome.OK, FetchOutcome.ERROR)
        articles = Article.objects.filter(source=source)
        assert articles.count() == run.articles_new
        assert RawPage.objects.filter(article__source=source).count() == articles.count()
        count(f"monitoring:articles-{min(run.articles_new, 3)}")
        # The pages the fetch did not ask for are still read, by the extraction alone.
        for page in pending:
            if isinstance(page, Response):
                extract(page.text(), url=page.url)
