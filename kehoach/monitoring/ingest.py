"""The fetch of one source: its list of items, the new articles among them (one per canonical
address, with the raw page kept for audit), their analysis, and a FetchRun that records how it
went, failures included."""

import dataclasses
import datetime as dt
import gzip
import importlib
import logging
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.lib.vntext import search_key

from .extraction import canonical_url, extract, url_hash
from .feeds import Item, feed_items, listing_items, sitemap_items
from .fetching import FetchError, FetchPolicy, HostBusy, Response, fetch
from .models import Article, FetchOutcome, FetchRun, Language, RawPage, Source, SourceKind

logger = logging.getLogger(__name__)

# Longest a failing source waits before its next try: back-off doubles up to this.
MAX_RETRY_DELAY = dt.timedelta(days=1)
# A source skipped because its host was busy is tried again this soon.
SKIP_DELAY = dt.timedelta(minutes=5)
# Seconds one source fetch may spend reading articles; the rest waits for the next fetch.
DEFAULT_SOURCE_BUDGET = 600.0
# Headers of a raw page worth keeping for audit.
KEPT_HEADERS = ("content-type", "last-modified", "etag", "date", "content-language", "server")


@dataclasses.dataclass
class _Counts:
    new: int = 0
    failed: int = 0
    first_error: str = ""
    complete: bool = True  # every item was read or known


def source_is_silent(source: Source, now: dt.datetime) -> bool:
    """An active source that has brought no new article for `silent_after_days`."""
    if not source.active:
        return False
    since = source.last_new_article_at or source.created_at
    return now - since > dt.timedelta(days=source.silent_after_days)


def source_fetch(source: Source, *, policy: FetchPolicy | None = None) -> FetchRun:
    """Fetch `source` now; never raises for what the site does (the FetchRun and the source's
    last_error say it), so the worker goes on with the next source."""
    policy = policy or FetchPolicy.from_settings()
    run = FetchRun(source=source, started_at=timezone.now(), outcome=FetchOutcome.ERROR)
    try:
        response = fetch(
            source.url, etag=source.etag, last_modified=source.last_modified, policy=policy
        )
        run.http_status = response.status
        if response.not_modified:
            run.outcome = FetchOutcome.NOT_MODIFIED
        else:
            items = _items(source, response, policy=policy)
            run.items_seen = len(items)
            counts = _articles_ingest(source, items, policy=policy)
            run.articles_new = counts.new
            run.outcome = FetchOutcome.OK
            if counts.failed:
                run.error = _("%(count)d articles could not be read; the first: %(error)s") % {
                    "count": counts.failed,
                    "error": counts.first_error,
                }
            # Validators are kept only when every item was read: otherwise the next fetch
            # would hear "not modified" and never come back to the items left over.
            complete = counts.complete and not counts.failed
            source.etag = response.headers.get("etag", "")[:500] if complete else ""
            source.last_modified = (
                response.headers.get("last-modified", "")[:100] if complete else ""
            )
    except HostBusy as exc:
        run.outcome = FetchOutcome.SKIPPED
        run.error = str(exc)
    except FetchError as exc:
        run.outcome = FetchOutcome.ERROR
        run.http_status = exc.status
        run.error = str(exc)
    except Exception as exc:  # a bug or a case nobody foresaw must not stop the worker
        logger.exception("Fetch of source %s failed", source.pk)
        run.outcome = FetchOutcome.ERROR
        run.error = _("Unexpected error: %(error)s") % {"error": repr(exc)[:500]}
    run.finished_at = timezone.now()
    # Together or not at all: a worker killed here leaves the source claimed, and the fetch
    # runs again (kehoach.units.worker), instead of a source whose FetchRun is missing.
    with transaction.atomic():
        _source_after_run(source, run)
        run.save()
    return run


def _source_after_run(source: Source, run: FetchRun) -> None:
    now = run.finished_at or timezone.now()
    source.last_fetched_at = now
    interval = dt.timedelta(minutes=source.interval_minutes)
    fields = ["last_fetched_at", "next_fetch_at"]
    if run.outcome in (FetchOutcome.OK, FetchOutcome.NOT_MODIFIED):
        source.last_success_at = now
        source.consecutive_failures = 0
        source.last_error = ""
        if run.articles_new:
            source.last_new_article_at = now
        source.next_fetch_at = now + interval
        fields += [
            "last_success_at",
            "consecutive_failures",
            "last_error",
            "last_new_article_at",
            "etag",
            "last_modified",
        ]
    elif run.outcome == FetchOutcome.SKIPPED:
        source.next_fetch_at = now + SKIP_DELAY
    else:
        source.consecutive_failures += 1
        source.last_error = run.error
        # Back-off: the interval doubles with each failure in a row, up to a day.
        factor = 2 ** min(source.consecutive_failures - 1, 10)
        source.next_fetch_at = now + max(interval, min(interval * factor, MAX_RETRY_DELAY))
        fields += ["consecutive_failures", "last_error"]
    Source.objects.filter(pk=source.pk).update(**{f: getattr(source, f) for f in fields})


def _items(source: Source, response: Response, *, policy: FetchPolicy) -> list[Item]:
    limit = source.max_items
    if source.kind == SourceKind.FEED:
        return feed_items(response.body, base_url=response.url, limit=limit)
    if source.kind == SourceKind.SITEMAP:
        return sitemap_items(
            response.body,
            base_url=response.url,
            limit=limit,
            get=lambda url: fetch(url, policy=policy),
        )
    return listing_items(
        response.body, base_url=response.url, content_type=response.content_type, limit=limit
    )


def _articles_ingest(source: Source, items: list[Item], *, policy: FetchPolicy) -> _Counts:
    counts = _Counts()
    budget = getattr(settings, "KEHOACH_MONITOR_SOURCE_BUDGET", DEFAULT_SOURCE_BUDGET)
    started = time.monotonic()
    for item in items:
        if time.monotonic() - started > budget:
            counts.complete = False  # the items not read are still new next time
            break
        if Article.objects.filter(url_hash=url_hash(canonical_url(item.url))).exists():
            continue
        try:
            article = article_ingest(source, item, policy=policy)
        except HostBusy:
            counts.complete = False  # the host is booked up: the rest next time
            break
        except FetchError as exc:
            counts.failed += 1
            counts.first_error = counts.first_error or f"{item.url}: {exc}"
            continue
        if article is not None:
            counts.new += 1
    return counts


def article_ingest(source: Source, item: Item, *, policy: FetchPolicy) -> Article | None:
    """Fetch and keep one article; None when it is already known (by its canonical address)."""
    response = fetch(item.url, policy=policy)
    kind = response.content_type.split(";", 1)[0].strip().lower()
    if kind and not (kind.startswith("text/") or kind.endswith(("html", "xml"))):
        raise FetchError(_("Not a web page (%(type)s)") % {"type": kind})
    extracted = extract(response.text(), url=response.url)
    digest = url_hash(extracted.canonical_url)
    if Article.objects.filter(url_hash=digest).exists():
        return None
    now = timezone.now()
    title = extracted.title or item.title or extracted.canonical_url
    try:
        # The article, its raw page and its analysis (story, claim matches) are kept together:
        # a worker killed in between leaves no article that the next fetch would skip unanalysed.
        with transaction.atomic():
            article = Article.objects.create(
                source=source,
                url=item.url[:2000],
                canonical_url=extracted.canonical_url[:2000],
                url_hash=digest,
                outlet=(_host(extracted.canonical_url))[:255],
                title=title[:1000],
                text=extracted.text,
                lang=_language(f"{title}\n{extracted.text}"),
                published=item.published or extracted.published,
                fetched_at=now,
                search_text=search_key(f"{title} {extracted.text}"),
            )
            RawPage.objects.create(
                article=article,
                final_url=response.url[:2000],
                http_status=response.status,
                content_type=response.content_type[:200],
                headers={k: v for k, v in response.headers.items() if k in KEPT_HEADERS},
                body_gzip=gzip.compress(response.body),
                fetched_at=now,
            )
            _analyse(article)
    except IntegrityError:
        return None  # another worker kept it first
    return article


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


_import = importlib.import_module


def _optional(module: str, name: str) -> Callable[..., object] | None:
    """A function of the analysis package, when it is there (it is written separately)."""
    try:
        found = getattr(_import(module), name, None)
    except ImportError:
        return None
    except Exception:  # a broken analysis module must not stop the fetching
        logger.exception("Could not import %s", module)
        return None
    return found if callable(found) else None


def _language(text: str) -> str:
    # The analysis sets the language again when it runs; this is for an article it misses.
    detect = _optional("kehoach.monitoring.analysis.text", "language")
    if detect is None:
        return Language.OTHER
    try:
        lang = detect(text)
    except Exception:
        logger.exception("Language detection failed")
        return Language.OTHER
    return lang if isinstance(lang, str) and lang in Language.values else Language.OTHER


def _analyse(article: Article) -> None:
    analyse = _optional("kehoach.monitoring.analysis.pipeline", "article_analyse")
    if analyse is None:
        return
    try:
        # Its own savepoint: a database error of the analysis undoes only the analysis.
        with transaction.atomic():
            analyse(article)
    except Exception:
        # The article is kept; analysis can be run again on it later.
        logger.exception("Analysis of article %s failed", article.pk)
