"""The article in a news page (trafilatura): main text, title, date and canonical address; and
the canonical form of an address, so that one article is kept once however it is linked."""

import dataclasses
import datetime as dt
import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import trafilatura
from django.utils.dateparse import parse_datetime

# Query parameters that say where a reader came from, not which page it is.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "zarsrc",  # Zalo
        "_ga",
        "_gl",
        "ref",
        "ref_src",
        "cmpid",
        "ito",
        "vn_source",
        "vn_medium",
        "vn_campaign",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, no tracking parameters, the
    remaining parameters sorted, "/" for an empty path."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        netloc = f"{host}:{port}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in TRACKING_PARAMS and not key.lower().startswith(TRACKING_PREFIXES)
    ]
    query.sort()
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def url_hash(canonical: str) -> str:
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def same_site(a: str, b: str) -> bool:
    def bare(url: str) -> str:
        host = (urlsplit(url).hostname or "").lower()
        return host.removeprefix("www.")

    return bare(a) == bare(b)


@dataclasses.dataclass
class Extracted:
    text: str
    title: str
    published: dt.datetime | None
    canonical_url: str  # canonicalised; the page's own when it names one on the same site


def extract(html: str, *, url: str) -> Extracted:
    """The article of a page fetched from `url` (its final address)."""
    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = title = date = page_url = ""
    if document is not None:
        data = document if isinstance(document, dict) else document.as_dict()
        text = data.get("text") or ""
        title = data.get("title") or ""
        date = data.get("date") or ""
        page_url = data.get("url") or ""
    canonical = canonical_url(url)
    # The page's own address is whatever its markup says: a broken one is ignored, not fatal.
    if page_url and page_url != url and _parses(page_url) and same_site(page_url, url):
        canonical = canonical_url(page_url)
    return Extracted(
        text=text.strip(),
        title=" ".join(title.split())[:1000],
        published=_date(date),
        canonical_url=canonical,
    )


def _parses(url: str) -> bool:
    try:
        urlsplit(url.strip()).port  # noqa: B018 -- ValueError for "http://[::1" or port 99999
    except ValueError:
        return False
    return True


def _date(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = parse_datetime(value) or dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    try:
        parsed.astimezone(dt.UTC)  # stored as UTC: a date at the edge of year 1 or 9999 has none
    except OverflowError:
        return None
    return parsed
