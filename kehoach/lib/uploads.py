"""Checks of uploaded files: the type comes from the content, the name's extension must agree
with it, each kind of file has a size limit, and photos lose their metadata (place, camera).

`check_upload` is called for every file a user attaches (activities.services.attachment_add);
files.attachment_serve later serves the stored file with the content type found here.
"""

import codecs
import hashlib
import io
import math
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath
from typing import IO, Any

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

MB = 1024 * 1024
# Photos are decoded to remove their metadata: a small file may unpack to a huge bitmap.
MAX_PIXELS = 40_000_000


class UploadKind(StrEnum):
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    DOCUMENT = "document"


# Defaults of settings.KEHOACH_UPLOAD_MAX_BYTES (a dict by kind; missing kinds keep these).
DEFAULT_MAX_BYTES = {
    UploadKind.IMAGE: 10 * MB,
    UploadKind.DOCUMENT: 20 * MB,
    UploadKind.AUDIO: 50 * MB,
    UploadKind.VIDEO: 200 * MB,
}

KIND_LABELS: dict[UploadKind, Promise] = {
    UploadKind.IMAGE: gettext_lazy("Image"),
    UploadKind.AUDIO: gettext_lazy("Audio"),
    UploadKind.VIDEO: gettext_lazy("Video"),
    UploadKind.DOCUMENT: gettext_lazy("Document"),
}


@dataclass(frozen=True)
class Format:
    kind: UploadKind
    content_type: str
    label: Promise  # "an MP3 audio file", used in refusals
    # Extensions puremagic may give for this content (any of its guesses counts).
    magic: frozenset[str]


_F = Format
FORMATS: dict[str, Format] = {
    "jpg": _F(
        UploadKind.IMAGE,
        "image/jpeg",
        gettext_lazy("a JPEG image"),
        frozenset({".jpg", ".jpeg", ".jfif", ".jpe"}),
    ),
    "png": _F(UploadKind.IMAGE, "image/png", gettext_lazy("a PNG image"), frozenset({".png"})),
    "webp": _F(UploadKind.IMAGE, "image/webp", gettext_lazy("a WebP image"), frozenset({".webp"})),
    "gif": _F(UploadKind.IMAGE, "image/gif", gettext_lazy("a GIF image"), frozenset({".gif"})),
    "mp3": _F(
        UploadKind.AUDIO,
        "audio/mpeg",
        gettext_lazy("an MP3 audio file"),
        frozenset({".mp3", ".mpga"}),
    ),
    "ogg": _F(
        UploadKind.AUDIO,
        "audio/ogg",
        gettext_lazy("an Ogg audio file"),
        frozenset({".ogg", ".oga", ".ogx"}),
    ),
    "wav": _F(UploadKind.AUDIO, "audio/wav", gettext_lazy("a WAV audio file"), frozenset({".wav"})),
    "m4a": _F(
        UploadKind.AUDIO,
        "audio/mp4",
        gettext_lazy("an M4A audio file"),
        frozenset({".m4a", ".f4a", ".mp4", ".m4b"}),
    ),
    "mp4": _F(
        UploadKind.VIDEO,
        "video/mp4",
        gettext_lazy("an MP4 video"),
        frozenset({".mp4", ".m4v"}),
    ),
    "webm": _F(UploadKind.VIDEO, "video/webm", gettext_lazy("a WebM video"), frozenset({".webm"})),
    "pdf": _F(
        UploadKind.DOCUMENT, "application/pdf", gettext_lazy("a PDF document"), frozenset({".pdf"})
    ),
    "docx": _F(
        UploadKind.DOCUMENT,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        gettext_lazy("a Word document (.docx)"),
        frozenset(),  # a ZIP: told apart by its members, see _zip_format
    ),
    "xlsx": _F(
        UploadKind.DOCUMENT,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        gettext_lazy("an Excel workbook (.xlsx)"),
        frozenset(),
    ),
    "pptx": _F(
        UploadKind.DOCUMENT,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        gettext_lazy("a PowerPoint presentation (.pptx)"),
        frozenset(),
    ),
    "odt": _F(
        UploadKind.DOCUMENT,
        "application/vnd.oasis.opendocument.text",
        gettext_lazy("an OpenDocument text (.odt)"),
        frozenset(),
    ),
    "ods": _F(
        UploadKind.DOCUMENT,
        "application/vnd.oasis.opendocument.spreadsheet",
        gettext_lazy("an OpenDocument spreadsheet (.ods)"),
        frozenset(),
    ),
    # Old Office files share one container (OLE); its members are not looked into.
    "doc": _F(
        UploadKind.DOCUMENT,
        "application/msword",
        gettext_lazy("a Word 97-2003 document (.doc)"),
        frozenset({".doc", ".xls", ".ppt", ".msi"}),
    ),
    "xls": _F(
        UploadKind.DOCUMENT,
        "application/vnd.ms-excel",
        gettext_lazy("an Excel 97-2003 workbook (.xls)"),
        frozenset({".doc", ".xls", ".ppt", ".msi"}),
    ),
    "txt": _F(
        UploadKind.DOCUMENT,
        "text/plain; charset=utf-8",
        gettext_lazy("a plain text file"),
        frozenset(),  # no signature: text without control characters, see _text_charset
    ),
    "csv": _F(
        UploadKind.DOCUMENT,
        "text/csv; charset=utf-8",
        gettext_lazy("a CSV table"),
        frozenset(),
    ),
}
ALIASES = {"jpeg": "jpg", "oga": "ogg"}

_ZIP_MEMBERS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
_ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}
_HEAD_BYTES = 8192


class UploadRefused(ValidationError):
    """A file that may not be stored; the message names the file and says why."""


@dataclass
class CheckedUpload:
    """A file that passed the checks, ready to store (`file` is what to save: for images the
    copy without metadata)."""

    file: File[Any]
    name: str
    extension: str
    kind: UploadKind
    content_type: str
    size: int
    sha256: str


def max_bytes(kind: UploadKind) -> int:
    configured: dict[str, int] = getattr(settings, "KEHOACH_UPLOAD_MAX_BYTES", {})
    return int(configured.get(kind.value, DEFAULT_MAX_BYTES[kind]))


def allowed_extensions(kinds: Iterable[UploadKind] | None = None) -> list[str]:
    wanted = set(kinds) if kinds is not None else set(UploadKind)
    names = [e for e, f in FORMATS.items() if f.kind in wanted]
    return sorted([*names, *(alias for alias, e in ALIASES.items() if e in names)])


def extension_of(name: str) -> str:
    ext = PurePath(name).suffix.lower().lstrip(".")
    return ALIASES.get(ext, ext)


def _mb(size: int, *, up: bool = False) -> str:
    """Megabytes to one decimal, rounded up for a file's size (so "1.1 MB" is over "1 MB")."""
    tenths = math.ceil(size * 10 / MB) if up else math.floor(size * 10 / MB)
    return str(tenths // 10) if tenths % 10 == 0 else f"{tenths / 10:.1f}"


def _read_head(file: IO[bytes] | File[Any]) -> bytes:
    file.seek(0)
    head = file.read(_HEAD_BYTES)
    file.seek(0)
    return bytes(head)


def _zip_format(file: IO[bytes] | File[Any]) -> str | None:
    """docx/xlsx/pptx/odt/ods by the members of the ZIP; None for any other ZIP."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            for ext, member in _ZIP_MEMBERS.items():
                if member in names:
                    return ext
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return _ODF_MIMETYPES.get(mimetype)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        file.seek(0)
    return None


# Control characters that plain text does not contain (tab, line feed, form feed, carriage
# return and escape are allowed).
_BINARY_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}
# puremagic's guesses that are plain text for us (a BOM, an INI or JSON look); HTML, XML and
# SVG are not accepted as text.
_TEXT_GUESSES = frozenset({"", ".txt", ".csv", ".tsv", ".ini", ".json", ".log"})


def _text_charset(file: IO[bytes] | File[Any]) -> str | None:
    """ "utf-8" (a BOM allowed), "windows-1258" for the legacy Vietnamese text that Excel and
    old Windows programs save, or None when the content is not text."""
    file.seek(0)
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    try:
        while chunk := file.read(64 * 1024):
            if _BINARY_BYTES.intersection(chunk):
                return None
            if is_utf8:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
        if is_utf8:
            try:
                utf8.decode(b"", final=True)
            except UnicodeDecodeError:
                is_utf8 = False
    finally:
        file.seek(0)
    return "utf-8" if is_utf8 else "windows-1258"


def _mp3_frame(head: bytes) -> bool:
    """An MPEG audio layer III frame header at the start (an MP3 without an ID3 tag)."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 0x03, (head[1] >> 1) & 0x03
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 0x03
    return version != 0b01 and layer == 0b01 and bitrate not in (0, 15) and rate != 0b11


@dataclass(frozen=True)
class Detected:
    """What the content is: one of FORMATS (key) or, failing that, puremagic's name for it;
    text comes with its character set."""

    key: str | None
    description: str | None
    charset: str = ""

    def content_type(self) -> str:
        if self.key is None:
            return "application/octet-stream"
        base = FORMATS[self.key].content_type.split(";")[0]
        return f"{base}; charset={self.charset}" if self.charset else FORMATS[self.key].content_type


def detect(file: IO[bytes] | File[Any], *, expected: str | None = None) -> Detected:
    """The format of the content; `expected` (an extension) is preferred among equal guesses."""
    head = _read_head(file)
    if head.startswith(b"PK\x03\x04"):
        key = _zip_format(file)
        return Detected(key, None if key else _("a ZIP archive"))
    try:
        guesses = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        guesses = []
    found = {g.extension.lower() for g in guesses}
    if expected and expected in FORMATS and FORMATS[expected].magic & found:
        return Detected(expected, None)
    for guess in guesses:
        for key, fmt in FORMATS.items():
            if guess.extension.lower() in fmt.magic:
                return Detected(key, None)
    if _mp3_frame(head):
        return Detected("mp3", None)
    if found <= _TEXT_GUESSES:
        charset = _text_charset(file)
        if charset:
            return Detected("csv" if expected == "csv" else "txt", None, charset)
    if guesses:
        return Detected(None, guesses[0].name.strip() or guesses[0].extension)
    return Detected(None, None)


def content_type_of(file: IO[bytes] | File[Any], name: str = "") -> str:
    """The content type of a stored file by its content (for files stored before the checks)."""
    return detect(file, expected=extension_of(name) or None).content_type()


def _sha256(file: IO[bytes] | File[Any]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    file.seek(0)
    while chunk := file.read(256 * 1024):
        digest.update(chunk)
        size += len(chunk)
    file.seek(0)
    return digest.hexdigest(), size


def _strip_image(file: File[Any], *, name: str, fmt: str) -> bytes:
    """The image re-saved without EXIF/GPS/XMP, turned upright by its EXIF orientation."""
    file.seek(0)
    try:
        with Image.open(file) as opened:
            width, height = opened.size
            if width * height > MAX_PIXELS:
                raise UploadRefused(
                    _(
                        "The image “%(name)s” is too large (%(width)d × %(height)d pixels): "
                        "at most %(megapixels)d million pixels."
                    )
                    % {
                        "name": name,
                        "width": width,
                        "height": height,
                        "megapixels": MAX_PIXELS // 1_000_000,
                    },
                    code="pixels",
                )
            opened.load()
            image = ImageOps.exif_transpose(opened) or opened
            out = io.BytesIO()
            icc = opened.info.get("icc_profile")
            extra: dict[str, Any] = {"icc_profile": icc} if icc else {}
            if fmt == "jpg":
                if image.mode not in ("RGB", "L", "CMYK"):
                    image = image.convert("RGB")
                image.save(out, "JPEG", quality=90, optimize=True, **extra)
            elif fmt == "png":
                image.save(out, "PNG", optimize=True, **extra)
            elif fmt == "webp":
                image.save(out, "WEBP", quality=90, **extra)
            else:  # gif: keep the animation
                frames = getattr(opened, "n_frames", 1)
                opened.seek(0)
                opened.save(out, "GIF", save_all=frames > 1)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as error:
        raise UploadRefused(
            _("The file “%(name)s” is not a readable image.") % {"name": name}, code="bad_image"
        ) from error
    finally:
        file.seek(0)
    return out.getvalue()


def check_upload(
    file: File[Any], *, allowed_kinds: Iterable[UploadKind] | None = None, name: str | None = None
) -> CheckedUpload:
    """Check one uploaded file; raise UploadRefused with a message naming the file when its
    extension is not accepted, its content is not what the extension says, or it is too large."""
    name = PurePath(name or file.name or "").name or "tep"
    ext = extension_of(name)
    kinds = list(allowed_kinds) if allowed_kinds is not None else list(UploadKind)
    fmt = FORMATS.get(ext)
    if fmt is None or fmt.kind not in kinds:
        raise UploadRefused(
            _("The file “%(name)s” cannot be attached: accepted types are %(types)s.")
            % {"name": name, "types": ", ".join(f".{e}" for e in allowed_extensions(kinds))},
            code="extension",
        )
    size = file.size if file.size is not None else _sha256(file)[1]
    limit = max_bytes(fmt.kind)
    if size > limit:
        raise UploadRefused(
            _(
                "The file “%(name)s” is too large (%(size)s MB): "
                "%(kind)s files may be at most %(limit)s MB."
            )
            % {
                "name": name,
                "size": _mb(size, up=True),
                "kind": str(KIND_LABELS[fmt.kind]).lower(),
                "limit": _mb(limit),
            },
            code="size",
        )
    found = detect(file, expected=ext)
    same_container = found.key in ("doc", "xls") and ext in ("doc", "xls")
    text_alike = found.key in ("txt", "csv") and ext in ("txt", "csv")
    if found.key != ext and not same_container and not text_alike:
        if found.key is not None:
            actual = str(FORMATS[found.key].label)
        elif found.description:
            actual = found.description
        else:
            actual = _("of a type that is not recognised")
        raise UploadRefused(
            _("The file “%(name)s” is not %(expected)s: its content is %(actual)s.")
            % {"name": name, "expected": fmt.label, "actual": actual},
            code="type",
        )
    stored: File[Any] = file
    if fmt.kind == UploadKind.IMAGE:
        stored = ContentFile(_strip_image(file, name=name, fmt=ext), name=name)
    digest, size = _sha256(stored)
    return CheckedUpload(
        file=stored,
        name=name,
        extension=ext,
        kind=fmt.kind,
        content_type=found.content_type() if found.charset else fmt.content_type,
        size=size,
        sha256=digest,
    )
