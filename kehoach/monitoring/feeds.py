"""What a source lists: the article addresses (with a title and date when the source gives them)
of an RSS/Atom feed, a sitemap or sitemap index, or a listing page. Never more than `limit`."""

import calendar
import dataclasses
import datetime as dt
import gzip
import io
import re
import zlib
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import feedparser  # type: ignore[import-untyped]
import lxml.etree  # type: ignore[import-untyped]
import lxml.html  # type: ignore[import-untyped]
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .fetching import FetchError, Response, decode

# Child sitemaps of an index read in one fetch (the newest first when they are dated).
MAX_CHILD_SITEMAPS = 5
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit, uncompressed


@dataclasses.dataclass
class Item:
    url: str
    title: str = ""
    published: dt.datetime | None = None


def feed_items(body: bytes, *, base_url: str, limit: int) -> list[Item]:
    """Items of an RSS or Atom feed, in the feed's order. A broken feed gives what it could
    parse; garbage gives nothing."""
    try:
        parsed = feedparser.parse(body, response_headers={"content-location": base_url})
    except (ValueError, LookupError) as exc:
        # feedparser's own decoding fails on some broken XML declarations (a declared
        # encoding "UTF-\xca" raises UnicodeDecodeError).
        raise FetchError(_("Not a feed: %(error)s") % {"error": exc}) from exc
    if parsed.bozo and not parsed.entries:
        raise FetchError(_("Not a feed: %(error)s") % {"error": parsed.get("bozo_exception", "")})
    items: list[Item] = []
    for entry in parsed.entries:
        link = entry.get("link") or ""
        if not link:
            continue
        url = web_address(base_url, link)
        if url is None:
            continue
        items.append(
            Item(url=url, title=(entry.get("title") or "").strip(), published=_entry_date(entry))
        )
        if len(items) >= limit:
            break
    return items


def web_address(base_url: str, link: str) -> str | None:
    """`link` made absolute against `base_url` when it is an http(s) address that parses; None
    for any other scheme and for a broken one ("http://[::1", a port out of range), which
    urllib refuses with ValueError and which must not stop the reading of the other items."""
    try:
        url = urljoin(base_url, link)
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a port out of range
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") else None


def _entry_date(entry: dict[str, object]) -> dt.datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        # dict.get, not feedparser's: its updated_parsed falls back to published_parsed (with a
        # DeprecationWarning), which would try a date that just failed a second time.
        value = dict.get(entry, key)
        if value:
            try:
                return dt.datetime.fromtimestamp(calendar.timegm(value), tz=dt.UTC)  # type: ignore[arg-type]
            except (TypeError, ValueError, OverflowError):
                continue
    return None


def _xml_parser() -> lxml.etree.XMLParser:
    # No entities resolved, no DTD, no network: a sitemap cannot read files or call out.
    return lxml.etree.XMLParser(
        resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False, recover=True
    )


def _gunzip(body: bytes) -> bytes:
    if not body.startswith(b"\x1f\x8b"):
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as f:
            data = f.read(MAX_SITEMAP_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise FetchError(_("Broken gzip file: %(error)s") % {"error": exc}) from exc
    if len(data) > MAX_SITEMAP_BYTES:
        raise FetchError(_("The sitemap is larger than 50 MB"))
    return data


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def sitemap_items(
    body: bytes,
    *,
    base_url: str,
    limit: int,
    get: Callable[[str], Response] | None = None,
) -> list[Item]:
    """Addresses of a sitemap, the most recently modified first; a sitemap index is followed
    (through `get`) into at most MAX_CHILD_SITEMAPS children."""
    try:
        root = lxml.etree.fromstring(_gunzip(body), parser=_xml_parser())
    except lxml.etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    entries: list[tuple[str, dt.datetime | None, str]] = []
    for node in root:
        loc = lastmod = title = ""
        # Google News sitemaps add <news:news><news:title>, <news:publication_date>.
        for child in node.iter():
            name = _local(child.tag)
            if name == "loc" and not loc:
                loc = (child.text or "").strip()
            elif name in ("lastmod", "publication_date"):
                lastmod = lastmod or (child.text or "").strip()
            elif name == "title":
                title = " ".join((child.text or "").split())
        url = web_address(base_url, loc) if loc else None
        if url is not None:
            entries.append((url, _parse_date(lastmod), title))
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    entries.sort(key=lambda e: e[1] or oldest, reverse=True)
    if _local(root.tag) != "sitemapindex":
        return [Item(url=url, published=date, title=title) for url, date, title in entries[:limit]]
    items: list[Item] = []
    if get is None:
        return items
    for child_url, _date, _title in entries[:MAX_CHILD_SITEMAPS]:
        try:
            child = get(child_url)
        except FetchError:
            continue
        # An index inside an index is not followed further.
        items += sitemap_items(child.body, base_url=child.url, limit=limit - len(items))
        if len(items) >= limit:
            break
    return items[:limit]


def _parse_date(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
        if parsed is None and len(value) == 10:
            parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed if parsed is None or _in_range(parsed) else None


def _in_range(value: dt.datetime) -> bool:
    """Whether an aware datetime has a UTC time ("9999-12-31T23:59-23:59" has none): the
    database stores UTC, and sorting compares in UTC, both with OverflowError otherwise."""
    try:
        value.astimezone(dt.UTC)
    except OverflowError:
        return False
    return True


def listing_items(body: bytes, *, base_url: str, content_type: str, limit: int) -> list[Item]:
    """Links of a listing page to other pages of the same host, in page order, without the
    listing itself, its home page or obvious navigation."""
    text = decode(body, content_type)
    if not text.strip():
        return []
    try:
        document = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError):
        return []
    host = (urlsplit(base_url).hostname or "").lower()
    base_path = urlsplit(base_url).path.rstrip("/")
    seen: set[str] = set()
    items: list[Item] = []
    for link in document.iterfind(".//a[@href]"):
        url = web_address(base_url, link.get("href", "").strip())
        if url is None:
            continue
        url = url.split("#", 1)[0]
        parts = urlsplit(url)
        if (parts.hostname or "").lower() != host:
            continue
        path = parts.path.rstrip("/")
        if not path or path == base_path:
            continue
        # Section pages ("/chuyen-muc/xa-hoi") are linked from the <nav> or <header>, and
        # their addresses do not look like an article's.
        if any(a.tag in ("nav", "header", "footer") for a in link.iterancestors()):
            continue
        if not _looks_like_article(path):
            continue
        if url in seen:
            continue
        seen.add(url)
        items.append(Item(url=url, title=" ".join(link.text_content().split())))
        if len(items) >= limit:
            break
    return items


_ARTICLE_SUFFIXES = (".html", ".htm", ".shtml", ".aspx", ".php", ".vnp", ".chn", ".ldo")


def _looks_like_article(path: str) -> bool:
    """An article's address ends in a page name, a long slug or a long number, as on
    vnexpress.net ("/ten-bai-4812345.html"), tuoitre.vn ("...-20241125.htm") or
    baoquangnam.vn ("/xa-hoi/ten-bai-123456.html"); a section's ("/thoi-su") does not."""
    last = path.rsplit("/", 1)[-1].lower()
    return (
        last.endswith(_ARTICLE_SUFFIXES)
        or last.count("-") >= 3
        or re.search(r"\d{4,}", last) is not None
    )
