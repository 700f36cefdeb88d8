"""Polite HTTP for the monitoring of public news.

Every request goes through `fetch(url)`: robots.txt is obeyed (read once a day per host and kept
in HostState), requests to one host are spaced by `FetchPolicy.host_delay` seconds across every
worker process (HostState.next_request_at is the shared clock), redirects are followed by hand so
that each hop is checked the same way, failures that may pass (connection errors, 429, 5xx) are
retried with exponential back-off, and no response may take longer than `deadline` seconds or
bring more than `max_bytes`: a slow, endless or huge answer ends in a FetchError, never in a
stalled worker.

Settings (all optional): KEHOACH_MONITOR_USER_AGENT, KEHOACH_MONITOR_HOST_DELAY,
KEHOACH_MONITOR_CONNECT_TIMEOUT, KEHOACH_MONITOR_READ_TIMEOUT, KEHOACH_MONITOR_DEADLINE,
KEHOACH_MONITOR_MAX_BYTES, KEHOACH_MONITOR_RETRIES, KEHOACH_MONITOR_BACKOFF,
KEHOACH_MONITOR_MAX_WAIT (the longest a fetch waits for its turn on a busy host); and, read by
ingest.py, KEHOACH_MONITOR_SOURCE_BUDGET (seconds one source fetch may spend on its articles).
"""

import codecs
import contextlib
import dataclasses
import datetime as dt
import re
import socket
import threading
import time
import unicodedata
import urllib.robotparser
from collections.abc import Callable
from email.message import Message
from typing import Self
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import HostState

ROBOTS_MAX_AGE = dt.timedelta(days=1)
ROBOTS_RETRY = dt.timedelta(hours=1)
MAX_CRAWL_DELAY = 60.0
ROBOTS_MAX_BYTES = 512 * 1024
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# robots.txt that forbids everything: what a host whose robots.txt answers 5xx gets for a day
# (RFC 9309 §2.3.1.4: an unreachable robots.txt means complete disallow).
DISALLOW_ALL = "User-agent: *\nDisallow: /\n"


@dataclasses.dataclass(frozen=True)
class FetchPolicy:
    user_agent: str = "kehoach-monitor/1.0 (+https://github.com/kehoach)"
    host_delay: float = 2.0
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    deadline: float = 60.0
    max_bytes: int = 5 * 1024 * 1024
    retries: int = 2
    backoff: float = 2.0
    max_wait: float = 120.0

    @classmethod
    def from_settings(cls) -> Self:
        default = cls()
        return cls(
            user_agent=getattr(settings, "KEHOACH_MONITOR_USER_AGENT", default.user_agent),
            host_delay=getattr(settings, "KEHOACH_MONITOR_HOST_DELAY", default.host_delay),
            connect_timeout=getattr(
                settings, "KEHOACH_MONITOR_CONNECT_TIMEOUT", default.connect_timeout
            ),
            read_timeout=getattr(settings, "KEHOACH_MONITOR_READ_TIMEOUT", default.read_timeout),
            deadline=getattr(settings, "KEHOACH_MONITOR_DEADLINE", default.deadline),
            max_bytes=getattr(settings, "KEHOACH_MONITOR_MAX_BYTES", default.max_bytes),
            retries=getattr(settings, "KEHOACH_MONITOR_RETRIES", default.retries),
            backoff=getattr(settings, "KEHOACH_MONITOR_BACKOFF", default.backoff),
            max_wait=getattr(settings, "KEHOACH_MONITOR_MAX_WAIT", default.max_wait),
        )


class FetchError(Exception):
    """A fetch that brought nothing usable; the message is for people (Source.last_error)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class RobotsDisallowed(FetchError):
    pass


class HostBusy(FetchError):
    """The host's turn is too far away: the fetch is skipped, not failed."""


@dataclasses.dataclass
class Response:
    url: str  # the final address, after redirects
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        return decode(self.body, self.content_type)


# The monotonic time by which the current thread's request must be over (see _Watchdog).
_request = threading.local()


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _watched(
    sock: socket.socket | None, getresponse: Callable[[], urllib3.response.HTTPResponse]
) -> urllib3.response.HTTPResponse:
    """Reading the status line and headers goes line by line, each line waiting for its end
    however slowly its bytes come: no read timeout stops a server that trickles headers. A
    timer shuts the socket down when the deadline passes."""
    deadline: float | None = getattr(_request, "deadline", None)
    if deadline is None or sock is None:
        return getresponse()
    fired = threading.Event()

    def stop() -> None:
        fired.set()
        _shutdown(sock)

    timer = threading.Timer(max(0.0, deadline - time.monotonic()), stop)
    timer.daemon = True
    timer.start()
    try:
        response = getresponse()
    finally:
        timer.cancel()
    if fired.is_set():
        # The headers read up to the shutdown are cut short: not an answer.
        raise TimeoutError("deadline")
    return response


class _HTTPConnection(urllib3.connection.HTTPConnection):
    def getresponse(self) -> urllib3.response.HTTPResponse:  # type: ignore[override]
        return _watched(self.sock, super().getresponse)


class _HTTPSConnection(urllib3.connection.HTTPSConnection):
    def getresponse(self) -> urllib3.response.HTTPResponse:  # type: ignore[override]
        return _watched(self.sock, super().getresponse)


class _HTTPConnectionPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSConnectionPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_pool: urllib3.PoolManager | None = None


def _pool_manager() -> urllib3.PoolManager:
    global _pool
    if _pool is None:
        _pool = urllib3.PoolManager(num_pools=20, maxsize=2, retries=False)
        _pool.pool_classes_by_scheme = {
            "http": _HTTPConnectionPool,
            "https": _HTTPSConnectionPool,
        }
    return _pool


def host_key(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    policy: FetchPolicy | None = None,
) -> Response:
    """GET `url` politely; a 304 is returned (status 304, empty body), any other failure raises
    FetchError."""
    policy = policy or FetchPolicy.from_settings()
    started = time.monotonic()
    headers = {
        "User-Agent": policy.user_agent,
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "Accept-Encoding": "gzip, deflate",
        "Accept-Language": "vi,en;q=0.5",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    seen = [url]
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        if urlsplit(current).scheme not in ("http", "https"):
            raise FetchError(_("Unsupported address: %(url)s") % {"url": current})
        robots = _robots(current, policy=policy)
        if robots is not None and not robots.can_fetch(policy.user_agent, current):
            raise RobotsDisallowed(
                _("robots.txt of the site does not allow reading %(url)s") % {"url": current}
            )
        delay = policy.host_delay
        crawl_delay = robots.crawl_delay(policy.user_agent) if robots is not None else None
        if crawl_delay and delay > 0:
            # The site's own Crawl-delay, when longer, within reason.
            delay = max(delay, min(float(crawl_delay), MAX_CRAWL_DELAY))
        response = _get_with_retries(
            current, headers, policy=dataclasses.replace(policy, host_delay=delay), started=started
        )
        if response.status in (301, 302, 303, 307, 308):
            location = response.headers.get("location")
            if not location:
                raise FetchError(_("Redirect without a destination"), status=response.status)
            current = urljoin(current, location)
            if current in seen:
                raise FetchError(_("Redirect loop at %(url)s") % {"url": current})
            seen.append(current)
            continue
        return response
    raise FetchError(_("Too many redirects (more than %(count)d)") % {"count": MAX_REDIRECTS})


def _get_with_retries(
    url: str, headers: dict[str, str], *, policy: FetchPolicy, started: float
) -> Response:
    attempt = 0
    while True:
        _wait_for_turn(url, policy=policy)
        retry_after: float | None = None
        try:
            response = _get_once(url, headers, policy=policy, started=started)
        except _Transient as exc:
            error: FetchError = exc
        else:
            if response.status not in RETRY_STATUSES:
                if response.status >= 400:
                    raise FetchError(
                        _("The site answered HTTP %(status)d") % {"status": response.status},
                        status=response.status,
                    )
                return response
            error = FetchError(
                _("The site answered HTTP %(status)d") % {"status": response.status},
                status=response.status,
            )
            retry_after = _retry_after(response.headers.get("retry-after", ""))
        attempt += 1
        if attempt > policy.retries:
            raise error
        delay = policy.backoff * 2 ** (attempt - 1)
        if retry_after is not None:
            delay = max(delay, retry_after)
        if time.monotonic() - started + delay > policy.deadline:
            raise error
        time.sleep(delay)


class _Transient(FetchError):
    """A failure worth another try: the connection, a timeout."""


def _gave_up(policy: FetchPolicy, status: int | None = None) -> FetchError:
    return FetchError(
        _("Gave up after %(seconds)g seconds") % {"seconds": policy.deadline}, status=status
    )


def _retry_after(value: str) -> float | None:
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _get_once(
    url: str, headers: dict[str, str], *, policy: FetchPolicy, started: float
) -> Response:
    remaining = policy.deadline - (time.monotonic() - started)
    if remaining <= 0:
        raise _gave_up(policy)
    timeout = urllib3.Timeout(
        connect=min(policy.connect_timeout, remaining), read=min(policy.read_timeout, remaining)
    )
    _request.deadline = started + policy.deadline
    try:
        raw = _pool_manager().request(
            "GET",
            url,
            headers=headers,
            timeout=timeout,
            redirect=False,
            preload_content=False,
            decode_content=True,
        )
    except urllib3.exceptions.HTTPError as exc:
        if time.monotonic() - started >= policy.deadline:
            raise _gave_up(policy) from exc
        raise _Transient(_("Could not reach the site: %(error)s") % {"error": exc}) from exc
    finally:
        _request.deadline = None
    complete = False
    try:
        response_headers = {k.lower(): v for k, v in raw.headers.items()}
        if raw.status in (301, 302, 303, 307, 308, 304) or raw.status >= 400:
            return Response(url=url, status=raw.status, headers=response_headers, body=b"")
        declared = response_headers.get("content-length", "")
        if declared.isdigit() and int(declared) > policy.max_bytes:
            raise FetchError(
                _("The page is larger than %(size)d bytes") % {"size": policy.max_bytes},
                status=raw.status,
            )
        body = bytearray()
        while True:
            # read1 returns what one read of the socket brings, so a response that trickles
            # a byte at a time still comes back here to meet the deadline.
            chunk = raw.read1(CHUNK)
            if not chunk:
                complete = True
                break
            body += chunk
            if len(body) > policy.max_bytes:
                raise FetchError(
                    _("The page is larger than %(size)d bytes") % {"size": policy.max_bytes},
                    status=raw.status,
                )
            if time.monotonic() - started > policy.deadline:
                raise _gave_up(policy, raw.status)
        return Response(url=url, status=raw.status, headers=response_headers, body=bytes(body))
    except urllib3.exceptions.HTTPError as exc:
        raise _Transient(
            _("The connection failed while reading: %(error)s") % {"error": exc}
        ) from exc
    finally:
        if not complete:
            # A connection whose body was not read to the end is never reused.
            raw.close()
        raw.release_conn()


# Politeness per host ---------------------------------------------------------------------


def _wait_for_turn(url: str, *, policy: FetchPolicy) -> None:
    """Reserve the next slot of the host and sleep until it comes; a host booked for longer
    than `max_wait` is given up for this run."""
    if policy.host_delay <= 0:
        return
    host = host_key(url)
    now = timezone.now()
    with transaction.atomic():
        state, _created = HostState.objects.select_for_update().get_or_create(host=host)
        slot = max(now, state.next_request_at or now)
        wait = (slot - now).total_seconds()
        if wait > policy.max_wait:
            raise HostBusy(_("The site %(host)s is busy; trying later") % {"host": host})
        state.next_request_at = slot + dt.timedelta(seconds=policy.host_delay)
        state.save(update_fields=["next_request_at"])
    if wait > 0:
        time.sleep(wait)


def _robots(url: str, *, policy: FetchPolicy) -> urllib.robotparser.RobotFileParser | None:
    """The rules of the host of `url` (None for robots.txt itself)."""
    if urlsplit(url).path == "/robots.txt":
        return None
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(_robots_txt(url, policy=policy).splitlines())
    return parser


def robots_allowed(url: str, *, policy: FetchPolicy) -> bool:
    robots = _robots(url, policy=policy)
    return robots is None or robots.can_fetch(policy.user_agent, url)


def _robots_txt(url: str, *, policy: FetchPolicy) -> str:
    host = host_key(url)
    now = timezone.now()
    state = HostState.objects.filter(host=host).first()
    if state and state.robots_fetched_at and now - state.robots_fetched_at < ROBOTS_MAX_AGE:
        return state.robots_txt
    parts = urlsplit(url)
    robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
    small = dataclasses.replace(policy, max_bytes=ROBOTS_MAX_BYTES, retries=0)
    try:
        text = fetch(robots_url, policy=small).text()
    except FetchError as exc:
        if exc.status is None:
            raise  # the site cannot be reached at all: nothing to remember about it
        # RFC 9309: robots.txt missing (4xx) means everything is allowed; a server error means
        # nothing is, until robots.txt is asked again in ROBOTS_RETRY rather than in a day.
        text = "" if 400 <= exc.status < 500 else DISALLOW_ALL
        if text == DISALLOW_ALL:
            now = now - ROBOTS_MAX_AGE + ROBOTS_RETRY
    HostState.objects.update_or_create(
        host=host, defaults={"robots_txt": text, "robots_fetched_at": now}
    )
    return text


# Character sets -----------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([a-zA-Z0-9_.:-]+)""", re.I)
_LATIN = {"latin-1", "iso8859-1", "cp1252", "ascii"}
# Letters only Vietnamese uses: telling windows-1258 from a latin-1 label.
_VIETNAMESE = re.compile("[ăđơưĂĐƠƯ\u0300\u0301\u0303\u0309\u0323]")


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def declared_charsets(body: bytes, content_type: str) -> list[str]:
    found: list[str] = []
    if content_type:
        message = Message()
        message["content-type"] = content_type
        charset = message.get_param("charset")
        if isinstance(charset, str) and (codec := _codec(charset)):
            found.append(codec)
    head = body[:4096]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        match = pattern.search(head)
        if match and (codec := _codec(match.group(1).decode("ascii"))):
            found.append(codec)
    return found


def decode(body: bytes, content_type: str = "") -> str:
    """The text of a page (NFC), whatever its label says.

    Valid UTF-8 with non-ASCII bytes is UTF-8 whatever is declared (Vietnamese sites often
    serve it as iso-8859-1). Otherwise the declared charsets are tried in order; a latin-1 label
    on a Vietnamese page is read as windows-1258, its Vietnamese cousin."""
    # windows-1258 writes tone marks as combining characters: NFC puts them back on the letter.
    return unicodedata.normalize("NFC", _decode(body, content_type))


def _decode(body: bytes, content_type: str) -> str:
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for codec in declared_charsets(body, content_type):
        if codec == "utf-8":
            continue
        if codec in _LATIN or codec == "cp1258":
            vietnamese = body.decode("cp1258", errors="replace")
            if codec == "cp1258" or _VIETNAMESE.search(vietnamese):
                return vietnamese
        try:
            return body.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("cp1258", errors="replace")
