"""A local news site for the tests: an HTTP server on 127.0.0.1 (a free port) that serves feeds,
sitemaps, a listing page and Vietnamese articles, and the ways real sites go wrong: garbage, a
broken feed, redirect chains and loops, slow and endless answers, a huge page, wrong declared
encodings, a feed of 10,000 items, a robots.txt that forbids a folder.

    with NewsSite() as site:
        site.url("/rss/thoi-su.xml")
"""

import contextlib
import email.utils
import gzip
import sys
import threading
import time
import unicodedata
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from django.utils import translation


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    published: str  # RFC 3339
    paragraphs: tuple[str, ...]


STORIES = (
    Story(
        slug="nui-thanh-tap-huan-quyen-tre-em",
        title="Núi Thành tập huấn về quyền trẻ em cho cán bộ cấp xã",
        published="2026-11-20T08:30:00+07:00",
        paragraphs=(
            "Ngày 19/11, Phòng Văn hóa và Thông tin huyện Núi Thành phối hợp với Hội Liên hiệp "
            "Phụ nữ huyện tổ chức lớp tập huấn về Công ước của Liên hợp quốc về quyền trẻ em "
            "cho hơn 80 cán bộ văn hóa, tư pháp và công an các xã Tam Xuân I, Tam Xuân II, "
            "Tam Anh Nam.",
            "Tại lớp tập huấn, các học viên được giới thiệu những nội dung cơ bản của Luật Trẻ em "
            "năm 2016, các quy định về phòng, chống xâm hại trẻ em và trách nhiệm của chính quyền "
            "cơ sở trong việc tiếp nhận, xử lý thông tin về trẻ em có nguy cơ bị tổn hại.",
            "Bà Nguyễn Thị Thu Hà, Phó Chủ tịch UBND huyện, đề nghị các xã đưa nội dung quyền trẻ "
            "em vào sinh hoạt thôn, khối phố và báo cáo kết quả thực hiện trước ngày 15/12.",
        ),
    ),
    Story(
        slug="tam-anh-nam-ho-tro-nguoi-khuyet-tat",
        title="Xã Tam Anh Nam hỗ trợ sinh kế cho người khuyết tật",
        published="2026-11-21T14:00:00+07:00",
        paragraphs=(
            "UBND xã Tam Anh Nam, huyện Núi Thành vừa trao 25 con bò giống cho các hộ có người "
            "khuyết tật thuộc diện hộ nghèo, với tổng kinh phí hơn 300 triệu đồng từ nguồn vốn "
            "chương trình mục tiêu quốc gia giảm nghèo bền vững.",
            "Ông Trần Văn Bình, Chủ tịch UBND xã, cho biết mỗi hộ được hỗ trợ một con bò và được "
            "cán bộ khuyến nông hướng dẫn kỹ thuật chăn nuôi, phòng bệnh trong suốt sáu tháng đầu.",
            "Theo Luật Người khuyết tật, người khuyết tật được Nhà nước hỗ trợ học nghề, tạo việc "
            "làm; hoạt động này góp phần thực hiện Công ước về quyền của người khuyết tật.",
        ),
    ),
    Story(
        slug="da-nang-khai-mac-hoi-cho-du-lich",
        title="Đà Nẵng khai mạc hội chợ du lịch quốc tế",
        published="2026-11-22T09:15:00+07:00",
        paragraphs=(
            "Sáng 22/11, tại Trung tâm Hội chợ Triển lãm Đà Nẵng, hội chợ du lịch quốc tế năm 2026 "
            "chính thức khai mạc với sự tham gia của hơn 200 doanh nghiệp lữ hành, khách sạn.",
            "Hội chợ kéo dài ba ngày, giới thiệu nhiều sản phẩm du lịch biển, du lịch cộng đồng và "
            "ẩm thực miền Trung; ban tổ chức dự kiến đón khoảng 30.000 lượt khách tham quan.",
            "Nhiều doanh nghiệp đưa ra các gói giảm giá tour đến 40% cho khách đặt trong thời gian "
            "diễn ra hội chợ, đặc biệt là các tour Hội An, Cù Lao Chàm và Bà Nà.",
        ),
    ),
)

ROBOTS_TXT = "User-agent: *\nDisallow: /rieng-tu/\n"
HUGE_BYTES = 8 * 1024 * 1024  # above the fetcher's 5 MB


def _article_html(story: Story, *, base: str, charset: str = "utf-8") -> str:
    body = "\n".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="{charset}">
<title>{escape(story.title)} - Báo Quảng Nam Thử</title>
<link rel="canonical" href="{base}/tin/{story.slug}.html">
<meta property="og:title" content="{escape(story.title)}">
<meta property="article:published_time" content="{story.published}">
</head><body>
<nav><a href="/">Trang chủ</a> <a href="/chuyen-muc/xa-hoi">Xã hội</a></nav>
<article><h1>{escape(story.title)}</h1>
<time datetime="{story.published}">{story.published[:10]}</time>
{body}
</article>
<footer>Báo Quảng Nam Thử - Cơ quan của Đảng bộ tỉnh Quảng Nam</footer>
</body></html>"""


def _numbered_story(number: int) -> Story:
    return Story(
        slug=f"ban-tin-so-{number}",
        title=f"Bản tin địa phương số {number}",
        published="2026-11-23T07:00:00+07:00",
        paragraphs=(
            f"Bản tin số {number}: UBND huyện Núi Thành thông báo lịch tiếp công dân định kỳ của "
            "lãnh đạo huyện trong tháng 12, tại trụ sở Ban Tiếp công dân huyện.",
            "Công dân có nhu cầu phản ánh, kiến nghị được hướng dẫn mang theo giấy tờ tùy thân và "
            "các tài liệu liên quan; cán bộ tiếp dân có trách nhiệm ghi nhận đầy đủ ý kiến.",
        ),
    )


def _rss(items: list[tuple[str, str, str]], *, title: str = "Báo Quảng Nam Thử - Thời sự") -> str:
    """items: (title, link, RFC 3339 date)."""
    entries = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(link)}</link>"
        f"<pubDate>{_rfc822(date)}</pubDate><guid>{escape(link)}</guid></item>\n"
        for t, link, date in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.invalid/</link>\n{entries}"
        "</channel></rss>"
    )


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """windows-1258 as legacy Vietnamese sites write it: a letter with its tone mark is the
    letter (â, ư, ơ... are in the code page) followed by the combining tone mark."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in decomposed if c in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        out += (base + tones).encode("cp1258", errors="replace")
    return bytes(out)


def _rfc822(rfc3339: str) -> str:
    from datetime import datetime

    return email.utils.format_datetime(datetime.fromisoformat(rfc3339))


class QuietHTTPServer(ThreadingHTTPServer):
    """The fetcher hangs up on purpose (a page over its size limit, a timeout): no traceback."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class NewsSite:
    """Start on enter, stop on exit. `requests` lists (method, path, headers) of what came."""

    etag = '"thoi-su-v1"'
    last_modified = "Sun, 22 Nov 2026 02:15:00 GMT"

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.counters: dict[str, int] = {}
        self.robots_txt = ROBOTS_TXT
        self.robots_status = 200
        self.stopping = threading.Event()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site.requests.append(("GET", self.path, dict(self.headers.items())))
                site.handle(self)

        self.server = QuietHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def paths(self) -> list[str]:
        return [path for _method, path, _headers in self.requests]

    # Routing ----------------------------------------------------------------------------

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        path = urlsplit(h.path).path
        self.counters[path] = self.counters.get(path, 0) + 1
        story_by_slug = {s.slug: s for s in STORIES}
        if path == "/robots.txt":
            return self.send(
                h, self.robots_txt, "text/plain; charset=utf-8", status=self.robots_status
            )
        if path == "/rss/thoi-su.xml":
            if h.headers.get("If-None-Match") == self.etag:
                return self.send(h, "", "", status=304)
            items = [
                (
                    s.title,
                    self.url(f"/tin/{s.slug}.html?utm_source=rss&utm_medium=feed"),
                    s.published,
                )
                for s in STORIES
            ]
            return self.send(
                h,
                _rss(items),
                "application/rss+xml; charset=utf-8",
                headers={"ETag": self.etag, "Last-Modified": self.last_modified},
            )
        if path == "/atom.xml":
            entries = "".join(
                f"<entry><title>{escape(s.title)}</title>"
                f'<link href="{self.url(f"/tin/{s.slug}.html#binh-luan")}"/>'
                f"<id>{self.url('/tin/' + s.slug)}</id><updated>{s.published}</updated></entry>"
                for s in STORIES
            )
            return self.send(
                h,
                '<?xml version="1.0" encoding="utf-8"?>'
                '<feed xmlns="http://www.w3.org/2005/Atom"><title>Tin Núi Thành</title>'
                f"<id>{self.url('/atom.xml')}</id><updated>2026-11-22T00:00:00Z</updated>"
                f"{entries}</feed>",
                "application/atom+xml",
            )
        if path == "/rss/10000.xml":
            items = [
                (
                    f"Bản tin địa phương số {n}",
                    self.url(f"/tin/ban-tin-so-{n}.html"),
                    "2026-11-23T07:00:00+07:00",
                )
                for n in range(1, 10_001)
            ]
            return self.send(h, _rss(items), "application/rss+xml; charset=utf-8")
        if path == "/rss/hong.xml":
            # A broken feed: one good item, then the document is cut off mid-tag.
            s = STORIES[0]
            text = (
                '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Hỏng'
                f"</title><item><title>{escape(s.title)}</title>"
                f"<link>{self.url(f'/tin/{s.slug}.html')}</link></item><item><title>Cắt ngang<li"
            )
            return self.send(h, text, "application/rss+xml; charset=utf-8")
        if path == "/rss/rac.xml":
            garbage = bytes((i * 7919 + 13) % 256 for i in range(20_000))
            return self.send(h, garbage, "application/rss+xml")
        if path == "/sitemap.xml":
            urls = "".join(
                f"<url><loc>{self.url(f'/tin/{s.slug}.html')}</loc>"
                f"<lastmod>{s.published}</lastmod></url>"
                for s in STORIES
            )
            return self.send(
                h,
                '<?xml version="1.0" encoding="UTF-8"?>'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
                "application/xml",
            )
        if path == "/sitemap-news.xml":
            urls = "".join(
                f"<url><loc>{self.url(f'/tin/{s.slug}.html')}</loc><news:news>"
                "<news:publication><news:name>Báo Quảng Nam Thử</news:name>"
                "<news:language>vi</news:language></news:publication>"
                f"<news:publication_date>{s.published}</news:publication_date>"
                f"<news:title>{escape(s.title)}</news:title></news:news></url>"
                for s in STORIES
            )
            return self.send(
                h,
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
                f"{urls}</urlset>",
                "application/xml",
            )
        if path == "/rss/tep-dinh-kem.xml":
            # A feed whose one item is a PDF file, not a web page.
            items = [("Văn bản số 123/UBND", self.url("/van-ban/123.pdf"), STORIES[0].published)]
            return self.send(h, _rss(items), "application/rss+xml; charset=utf-8")
        if path == "/van-ban/123.pdf":
            return self.send(h, b"%PDF-1.4 " + b"0" * 1000, "application/pdf")
        if path == "/bom-gzip.html":
            # 64 MB of zeros in 64 KB of gzip: only the decoded size counts.
            bomb = gzip.compress(b"0" * (64 * 1024 * 1024), compresslevel=9)
            return self.send(
                h, bomb, "text/html; charset=utf-8", headers={"Content-Encoding": "gzip"}
            )
        if path == "/sitemap-index.xml":
            return self.send(
                h,
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{self.url('/sitemap.xml.gz')}</loc></sitemap>"
                "</sitemapindex>",
                "application/xml",
            )
        if path == "/sitemap.xml.gz":
            urls = "".join(
                f"<url><loc>{self.url(f'/tin/{s.slug}.html')}</loc></url>" for s in STORIES[:2]
            )
            xml = (
                '<?xml version="1.0" encoding="UTF-8"?>'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            )
            return self.send(h, gzip.compress(xml.encode()), "application/x-gzip")
        if path == "/sitemap-xxe.xml":
            xml = (
                '<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY secret SYSTEM '
                '"file:///etc/passwd">]><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<url><loc>{self.url('/tin/')}&secret;</loc></url></urlset>"
            )
            return self.send(h, xml, "application/xml")
        if path == "/chuyen-muc/xa-hoi":
            links = "".join(
                f'<li><a href="/tin/{s.slug}.html?utm_campaign=listing">{escape(s.title)}</a></li>'
                for s in STORIES
            )
            html = (
                '<html><head><meta charset="utf-8"><title>Xã hội</title></head><body>'
                '<nav><a href="/">Trang chủ</a><a href="/chuyen-muc/xa-hoi">Xã hội</a>'
                '<a href="https://www.facebook.com/baoquangnam">Facebook</a></nav>'
                f"<ul>{links}</ul><a href='mailto:toasoan@example.invalid'>Liên hệ</a>"
                '<aside><a href="/the-thao">Thể thao</a>'
                '<a href="/chu-de/quyen-tre-em">Chủ đề</a></aside>'
                "</body></html>"
            )
            return self.send(h, html, "text/html; charset=utf-8")
        if path.startswith("/tin/") and path.endswith(".html"):
            slug = path[len("/tin/") : -len(".html")]
            if slug in story_by_slug:
                story = story_by_slug[slug]
            elif slug.startswith("ban-tin-so-") and slug[11:].isdigit():
                story = _numbered_story(int(slug[11:]))
            else:
                return self.send(h, "Không tìm thấy", "text/plain; charset=utf-8", status=404)
            return self.send(h, _article_html(story, base=self.base), "text/html; charset=utf-8")
        if path == "/ma-hoa/utf8-khai-latin1.html":
            # UTF-8 bytes, declared iso-8859-1: a common mistake of Vietnamese sites.
            html = _article_html(STORIES[1], base=self.base, charset="iso-8859-1")
            return self.send(h, html.encode("utf-8"), "text/html; charset=iso-8859-1")
        if path == "/ma-hoa/cp1258-khai-latin1.html":
            # windows-1258 bytes, declared iso-8859-1.
            html = _article_html(STORIES[1], base=self.base, charset="iso-8859-1")
            data = to_cp1258(html)
            return self.send(h, data, "text/html; charset=iso-8859-1")
        if path.startswith("/chuyen-huong/"):
            left = int(path.rsplit("/", 1)[1])
            target = "/rss/thoi-su.xml" if left <= 1 else f"/chuyen-huong/{left - 1}"
            return self.send(h, "", "", status=302, headers={"Location": target})
        if path == "/vong-lap/a":
            return self.send(h, "", "", status=301, headers={"Location": "/vong-lap/b"})
        if path == "/vong-lap/b":
            return self.send(h, "", "", status=301, headers={"Location": "/vong-lap/a"})
        if path == "/loi-500":
            return self.send(h, "Lỗi máy chủ", "text/plain; charset=utf-8", status=500)
        if path == "/chap-chon.xml":
            # 503 on the first request, the feed afterwards: a retry gets it.
            if self.counters[path] == 1:
                return self.send(h, "", "", status=503, headers={"Retry-After": "0"})
            items = [(s.title, self.url(f"/tin/{s.slug}.html"), s.published) for s in STORIES]
            return self.send(h, _rss(items), "application/rss+xml; charset=utf-8")
        if path == "/rieng-tu/tin.html":
            return self.send(h, "<p>Không được đọc</p>", "text/html; charset=utf-8")
        if path == "/rat-lon.html":
            chunk = b"<p>" + "Nội dung rất dài. ".encode() * 500 + b"</p>\n"
            body = b"<html><body>" + chunk * (HUGE_BYTES // len(chunk) + 1) + b"</body></html>"
            return self.send(h, body, "text/html; charset=utf-8")
        if path == "/vo-tan.html":
            return self.stream(h, interval=0.0)
        if path == "/cham.xml":
            return self.stream(h, interval=0.05)
        if path == "/dau-cham.xml":
            return self.trickle_headers(h)
        return self.send(h, "Không tìm thấy", "text/plain; charset=utf-8", status=404)

    def send(
        self,
        h: BaseHTTPRequestHandler,
        body: str | bytes,
        content_type: str,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        h.send_response(status)
        if content_type:
            h.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        if status != 304:
            with contextlib.suppress(OSError):
                h.wfile.write(data)

    def trickle_headers(self, h: BaseHTTPRequestHandler) -> None:
        """A status line, then one header whose bytes come one by one and never end."""
        try:
            h.wfile.write(b"HTTP/1.1 200 OK\r\nX-Cham: ")
            while not self.stopping.is_set():
                h.wfile.write(b"a")
                h.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass
        h.close_connection = True

    def stream(self, h: BaseHTTPRequestHandler, *, interval: float) -> None:
        """An answer that never ends (chunked): fast with no interval, a trickle with one.
        It stops when the client goes away or the site stops."""
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        piece = b"<p>" + "Tin mãi không hết. ".encode() * (1 if interval else 200) + b"</p>"
        frame = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        try:
            while not self.stopping.is_set():
                h.wfile.write(frame)
                h.wfile.flush()
                if interval:
                    time.sleep(interval)
        except OSError:
            pass
        h.close_connection = True


# Settings the tests fetch with: no pause between requests to the one local host, no back-off
# sleeps, and a deadline short enough that a trickling answer ends the test quickly.
FAST_FETCHING = {
    "KEHOACH_MONITOR_HOST_DELAY": 0,
    "KEHOACH_MONITOR_BACKOFF": 0,
    "KEHOACH_MONITOR_RETRIES": 1,
    "KEHOACH_MONITOR_CONNECT_TIMEOUT": 2,
    "KEHOACH_MONITOR_READ_TIMEOUT": 1,
    "KEHOACH_MONITOR_DEADLINE": 1.5,
}


class NewsSiteMixin:
    """Starts one NewsSite for the test class (`cls.site`)."""

    site: NewsSite

    @classmethod
    def setUpClass(cls) -> None:
        cls.site = NewsSite().__enter__()
        super().setUpClass()  # type: ignore[misc]

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()  # type: ignore[misc]
        cls.site.__exit__(None, None, None)

    def setUp(self) -> None:
        super().setUp()  # type: ignore[misc]
        # Errors are messages for people: the tests read them in English (the msgids).
        override = translation.override("en")
        override.__enter__()
        self.addCleanup(override.__exit__, None, None, None)  # type: ignore[attr-defined]
        self.site.requests.clear()
        self.site.counters.clear()
        self.site.robots_txt = ROBOTS_TXT
        self.site.robots_status = 200
