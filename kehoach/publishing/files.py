"""Files of public products, served to anyone while (and only while) their publication is public.

`attachment_serve` is mounted by urls_public.py as "public:file"; pages, feeds and open data
link files through `public_file_url`. The type sent is the one found from the content at upload
(kehoach.lib.uploads), never the name's; Range requests let audio and video players seek.
"""

import hashlib
import re
from collections.abc import Iterator
from pathlib import PurePath
from typing import IO, Any

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotModified,
    StreamingHttpResponse,
)
from django.urls import reverse
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.views.decorators.http import require_safe

from kehoach.activities.models import Attachment
from kehoach.lib import uploads
from kehoach.lib.tabular import attachment_header

from .selectors import public_publications

CACHE_CONTROL = "public, max-age=300"
# Shown in the browser rather than downloaded (with nosniff, never HTML or SVG: not accepted).
INLINE_PREFIXES = ("image/", "audio/", "video/", "application/pdf")
CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def file_name(attachment: Attachment) -> str:
    return PurePath(attachment.file.name).name


def public_file_url(attachment: Attachment) -> str:
    """The public address of an attachment's file (it answers only while the product is public)."""
    return reverse("public:file", args=[attachment.pk, file_name(attachment)])


def public_attachment(pk: int, name: str) -> Attachment:
    """The attachment with this file name whose record's publication is public, else Http404."""
    attachment = (
        Attachment.objects.filter(pk=pk, record__in=public_publications().values("record_id"))
        .exclude(file="")
        .first()
    )
    if attachment is None or file_name(attachment) != name:
        raise Http404
    return attachment


def _etag(attachment: Attachment, size: int, mtime: float) -> str:
    tag = (
        attachment.sha256[:32]
        or hashlib.sha256(f"{attachment.file.name}:{size}:{mtime}".encode()).hexdigest()[:32]
    )
    return quote_etag(tag)


def _byte_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """(first, last) of a single satisfiable range; None to send the whole file (no header,
    several ranges or a malformed one); False when the range cannot be satisfied."""
    match = _RANGE.match(header.strip())
    if not match:
        return None
    start, end = match.groups()
    if not start and not end:
        return None
    if not start:  # the last N bytes
        length = int(end)
        if length == 0:
            return False
        return max(size - length, 0), size - 1
    first = int(start)
    last = int(end) if end else size - 1
    if first >= size or last < first:
        return False
    return first, min(last, size - 1)


def _read(handle: IO[Any], first: int, length: int) -> Iterator[bytes]:
    try:
        handle.seek(first)
        left = length
        while left > 0:
            chunk = handle.read(min(CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
            yield chunk
    finally:
        handle.close()


def _not_modified(request: HttpRequest, etag: str, mtime: int) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and mtime <= since


@require_safe
def attachment_serve(request: HttpRequest, pk: int, name: str) -> HttpResponseBase:
    """A public product's file: conditional GET (ETag, Last-Modified), byte ranges (206)."""
    attachment = public_attachment(pk, name)
    storage = attachment.file.storage
    try:
        size = storage.size(attachment.file.name)
        mtime = int(storage.get_modified_time(attachment.file.name).timestamp())
    except (OSError, NotImplementedError) as error:
        raise Http404 from error
    etag = _etag(attachment, size, mtime)
    headers = {
        "ETag": etag,
        "Last-Modified": http_date(mtime),
        "Cache-Control": CACHE_CONTROL,
        "Accept-Ranges": "bytes",
        "X-Content-Type-Options": "nosniff",
    }
    if _not_modified(request, etag, mtime):
        not_modified = HttpResponseNotModified()
        for header, value in headers.items():
            not_modified[header] = value
        return not_modified

    handle = storage.open(attachment.file.name, "rb")
    content_type = attachment.content_type or uploads.content_type_of(handle, name)
    inline = content_type.startswith(INLINE_PREFIXES)
    headers["Content-Disposition"] = (
        attachment_header(name).replace("attachment;", "inline;", 1)
        if inline
        else attachment_header(name)
    )
    wanted: tuple[int, int] | bool | None = None
    if_range = request.headers.get("If-Range")
    if "Range" in request.headers and (if_range is None or if_range.strip() == etag):
        wanted = _byte_range(request.headers["Range"], size)
    if wanted is False:
        handle.close()
        refused = HttpResponse(status=416, headers={**headers, "Content-Range": f"bytes */{size}"})
        return refused
    if isinstance(wanted, tuple):
        first, last = wanted
        response: HttpResponseBase = StreamingHttpResponse(
            _read(handle, first, last - first + 1), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(last - first + 1)
    else:
        response = StreamingHttpResponse(_read(handle, 0, size), content_type=content_type)
        response["Content-Length"] = str(size)
    for header, value in headers.items():
        response[header] = value
    return response
