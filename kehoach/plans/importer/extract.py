"""File bytes -> Document: .docx, text-layer .pdf, .md/.txt and .html, with the safety checks.

Every format becomes the markdown-like text of document.py: a paragraph per line, a bold
paragraph or a bold leading label wrapped in `**`, a table as `| cell | cell |` rows (with a blank
line before and after) and `<br>` between the paragraphs of a cell. Bad input raises
ImportFileError with a message for staff; nothing is ever guessed silently (an old 8-bit
Vietnamese encoding is refused, not decoded), and nothing is written anywhere.

Known losses: Word's automatic numbering ("1.", "a)" produced by a numbering definition rather
than typed) is not in the text; headers, footers, footnotes, comments and text boxes are ignored.
"""

import codecs
import io
import os
import re
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .document import Document
from .errors import ImportFileError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
KINDS = {
    ".docx": "docx",
    ".pdf": "pdf",
    ".md": "md",
    ".markdown": "md",
    ".txt": "txt",
    ".html": "html",
    ".htm": "html",
}

# A real .docx of a few hundred pages unpacks to a few tens of MB; deflate can reach ~1000:1,
# so a small upload may declare gigabytes. These limits are checked on the zip directory
# before python-docx reads (and holds in memory) any part.
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_ENTRY_BYTES = 50 * 1024 * 1024
ZIP_MAX_TOTAL_BYTES = 100 * 1024 * 1024
ZIP_MAX_RATIO = 100  # only for entries above ZIP_RATIO_FLOOR: small XML parts compress well
ZIP_RATIO_FLOOR = 1024 * 1024


def max_bytes() -> int:
    """The largest file the importer reads (settings.KEHOACH_IMPORT_MAX_BYTES, default 20 MB)."""
    return int(getattr(settings, "KEHOACH_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def extract(data: bytes, filename: str) -> Document:
    """The Document of a file's bytes; its kind comes from the file name's extension."""
    kind = _kind(filename)
    _check_size(len(data))
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    readers: dict[str, Callable[[bytes], str]] = {
        "docx": _docx_text,
        "pdf": _pdf_text,
        "md": _plain_text,
        "txt": _plain_text,
        "html": _html_text,
    }
    text = readers[kind](data)
    if kind in {"docx", "pdf", "html"} and _looks_legacy_text(text):
        raise ImportFileError(
            _(
                "This document is typed in an old Vietnamese font encoding (TCVN3/VNI, fonts such "
                "as .VnTime or VNI-Times). Convert it to Unicode (for example with the converter "
                "in Unikey) and upload it again."
            )
        )
    if not any(char.isalnum() for char in text):
        raise ImportFileError(_("No text was found in this file."))
    return Document.from_text(text, name=os.path.basename(filename), kind=kind)


def extract_file(path: str | os.PathLike[str]) -> Document:
    """The Document of a file on disk; a file over the size limit is refused before reading."""
    filename = os.fspath(path)
    _kind(filename)
    try:
        size = os.path.getsize(filename)
        _check_size(size)
        with open(filename, "rb") as handle:
            data = _read_limited(handle)
    except OSError as error:
        raise ImportFileError(
            _("The file %(name)s cannot be read: %(reason)s.")
            % {"name": os.path.basename(filename), "reason": error.strerror or error}
        ) from error
    return extract(data, filename)


Upload = UploadedFile  # what extract_upload reads: Django's uploaded file (name, size, chunks)


def extract_upload(upload: Upload) -> Document:
    """The Document of an uploaded file; its declared size is checked before any byte is read."""
    filename = upload.name or ""
    _kind(filename)
    if upload.size is not None:
        _check_size(upload.size)
    buffer = io.BytesIO()
    for chunk in upload.chunks():
        buffer.write(chunk)
        _check_size(buffer.tell())  # the declared size can be missing or wrong
    return extract(buffer.getvalue(), filename)


# --- checks shared by all formats ---------------------------------------------------------


def _kind(filename: str) -> str:
    extension = os.path.splitext(filename)[1].lower()
    if extension in KINDS:
        return KINDS[extension]
    if extension == ".doc":
        raise ImportFileError(
            _(
                "This is an old Word (.doc) file. Open it in Word, save it as .docx "
                "and upload it again."
            )
        )
    if not extension:
        raise ImportFileError(
            _(
                "The file name has no extension, so its type is unknown. "
                "Upload a .docx, .pdf, .md, .txt or .html file."
            )
        )
    raise ImportFileError(
        _(
            "Files of type “%(extension)s” cannot be imported. "
            "Upload a .docx, .pdf, .md, .txt or .html file."
        )
        % {"extension": extension}
    )


def _check_size(size: int) -> None:
    limit = max_bytes()
    if size > limit:
        raise ImportFileError(
            _("The file is %(size)s; files up to %(limit)s can be imported.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def _read_limited(handle: BinaryIO) -> bytes:
    # The file may grow between stat and read: never read more than the limit plus one byte.
    data = handle.read(max_bytes() + 1)
    _check_size(len(data))
    return data


# --- .docx ----------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Runs of a paragraph, including those in tracked insertions, smart tags and inline content
# controls; not deleted text, and not text boxes (their paragraphs are not in the body order).
_RUNS_XPATH = (
    ".//w:r[not(ancestor::w:del) and not(ancestor::w:moveFrom) and not(ancestor::w:txbxContent)]"
)


def _docx_text(data: bytes) -> str:
    _check_docx_package(data)
    import docx  # imported here: only .docx imports pay for it

    try:
        document = docx.Document(io.BytesIO(data))
        bold_styles = _bold_styles(document)
        lines: list[str] = []
        for block in _body_blocks(document.element.body, document):
            if isinstance(block, docx.table.Table):
                lines.append("")
                lines.extend(_table_rows(block))
                lines.append("")
            else:
                lines.extend(_paragraph_lines(block, bold_styles))
    except ImportFileError:
        raise
    except Exception as error:  # python-docx raises many types on damaged packages
        raise _corrupt_docx() from error
    return "\n".join(lines)


def _body_blocks(container: Any, parent: Any) -> Iterator[Any]:
    """Paragraphs and tables in body order, including those inside block content controls
    (w:sdt, used by templates for title blocks), which python-docx's iter_inner_content skips."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in container.iterchildren():
        if child.tag == f"{_W}p":
            yield Paragraph(child, parent)
        elif child.tag == f"{_W}tbl":
            yield Table(child, parent)
        elif child.tag in (f"{_W}sdt", f"{_W}customXml"):
            content = child.find(f"{_W}sdtContent") if child.tag == f"{_W}sdt" else child
            if content is not None:
                yield from _body_blocks(content, parent)


def _corrupt_docx() -> ImportFileError:
    return ImportFileError(
        _("This .docx file is damaged or is not a Word document, so it cannot be opened.")
    )


def _check_docx_package(data: bytes) -> None:
    """Refuse what is not a Word package, and zip bombs and XML entities before parsing."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: Word 97-2003 saved with a .docx name
        raise ImportFileError(
            _(
                "This is an old Word (.doc) file. Open it in Word, save it as .docx "
                "and upload it again."
            )
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise _corrupt_docx() from error
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise _corrupt_docx()
    bomb = ImportFileError(
        _(
            "This .docx file unpacks to far more data than a document holds (a “zip bomb”), "
            "so it was not opened."
        )
    )
    if len(entries) > ZIP_MAX_ENTRIES:
        raise bomb
    total = 0
    for entry in entries:
        total += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > ZIP_MAX_ENTRY_BYTES or total > ZIP_MAX_TOTAL_BYTES:
            raise bomb
        if entry.file_size > ZIP_RATIO_FLOOR and ratio > ZIP_MAX_RATIO:
            raise bomb
    # python-docx parses with resolve_entities=False, but Word never writes a DTD: a part that
    # declares one is hostile (billion laughs, external entities), so it is refused outright.
    try:
        for entry in entries:
            if entry.filename.endswith((".xml", ".rels")):
                # zipfile stops at the declared size, which was bounded above
                content = archive.read(entry)
                if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
                    raise ImportFileError(
                        _(
                            "This .docx file contains XML entity declarations, which Word never "
                            "writes, so it was not opened."
                        )
                    )
    # zlib.error: a damaged deflate stream, which zipfile does not wrap in BadZipFile.
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, zlib.error) as error:
        raise _corrupt_docx() from error


def _bold_styles(document: Any) -> dict[str | None, bool]:
    """Style id -> bold, following each style's base styles; None is the default paragraph style."""
    from docx.enum.style import WD_STYLE_TYPE

    def bold(style: Any, depth: int = 0) -> bool:
        if style is None or depth > 20:
            return False
        if style.font.bold is not None:
            return bool(style.font.bold)
        return bold(style.base_style, depth + 1)

    result: dict[str | None, bool] = {}
    for style in document.styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER):
            result[style.style_id] = bold(style)
    default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    result[None] = bold(default) if default is not None else False
    return result


def _paragraph_lines(paragraph: Any, bold_styles: dict[str | None, bool]) -> list[str]:
    """A body paragraph's text (a soft line break starts a new line), with its bold markers."""
    from docx.text.run import Run

    style_id = paragraph._p.style
    paragraph_bold = bold_styles.get(style_id, bold_styles.get(None, False))
    lines: list[list[tuple[str, bool]]] = [[]]
    for element in paragraph._p.xpath(_RUNS_XPATH):
        run = Run(element, paragraph)
        if run.bold is not None:
            is_bold = bool(run.bold)
        elif element.style is not None:
            is_bold = bold_styles.get(element.style, False) or paragraph_bold
        else:
            is_bold = paragraph_bold
        pieces = run.text.split("\n")
        for index, piece in enumerate(pieces):
            if index:
                lines.append([])
            if piece:
                lines[-1].append((piece, is_bold))
    return [_with_bold(segments) for segments in lines]


def _table_rows(table: Any) -> list[str]:
    """`| cell | cell |` per row: a merged cell once across, repeated down its rows."""
    rows = []
    for row in table.rows:
        cells: list[Any] = []
        for cell in row.cells:
            # python-docx repeats a horizontally merged cell once per grid column (the same
            # object); a vertically merged one is a new object carrying the top cell's text.
            if not cells or cell is not cells[-1]:
                cells.append(cell)
        rows.append("| " + " | ".join(_cell_text(cell) for cell in cells) + " |")
    return rows


def _cell_text(cell: Any) -> str:
    import docx

    parts: list[str] = []
    for block in cell.iter_inner_content():
        if isinstance(block, docx.table.Table):  # a table in a cell: its cells, in order
            for row in block.rows:
                parts.extend(_cell_text(inner) for inner in row.cells)
        else:
            parts.extend(block.text.split("\n"))
    return " <br> ".join(text for part in parts if (text := part.strip().replace("|", "/")))


def _with_bold(segments: list[tuple[str, bool]]) -> str:
    """The line's text, `**`-wrapped when it is all bold or starts with a bold label."""
    text = "".join(piece for piece, _bold in segments)
    if not text.strip():
        return text
    leading = 0  # characters of the bold prefix (whitespace-only pieces do not break it)
    for piece, is_bold in segments:
        if not is_bold and piece.strip():
            break
        leading += len(piece)
    prefix = text[:leading]
    if not prefix.strip() or not any(char.isalnum() for char in prefix):
        return text
    core = prefix.strip()
    start = len(prefix) - len(prefix.lstrip())
    end = start + len(core)
    return f"{text[:start]}**{core}**{text[end:]}"


# --- .pdf -----------------------------------------------------------------------------------

_PAGE_LABEL = re.compile(r"^\s*(?:trang|page)\s+\d{1,4}(?:\s*(?:/|của|of)\s*\d{1,4})?\s*$", re.I)
_PAGE_NUMBER = re.compile(r"^\s*[-–—]?\s*(\d{1,4})\s*[-–—]?\s*$")
_MIN_PDF_LETTERS = 40  # fewer letters than this on all pages: a scan with at most a stamp
PDF_MAX_PAGES = 1000
# PDFium is not thread-safe; a web worker with threads must not run two extractions at once.
_PDFIUM_LOCK = threading.Lock()


def _pdf_text(data: bytes) -> str:
    """The text layer, page by page, read by PDFium (Chrome's PDF engine, through pypdfium2).

    pypdf was tried first: it splits Vietnamese words where a PDF positions each accented glyph
    on its own ("Ủ Y BAN", "huy ệ n") and took 3 s for 37 pages printed by Chromium; PDFium
    reads the same file correctly in about 0.1 s.
    """
    broken = ImportFileError(_("This PDF file is damaged and cannot be read."))
    if b"%PDF-" not in data[:1024]:
        raise broken
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    pages: list[str] = []
    with _PDFIUM_LOCK:
        try:
            # Many official PDFs are encrypted only to restrict printing, with an empty password
            # for reading; PDFium opens those. A real reading password cannot be guessed.
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as error:
            if getattr(error, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD:
                raise ImportFileError(
                    _(
                        "This PDF is protected by a password. Remove the protection, or upload "
                        "the Word file, and try again."
                    )
                ) from error
            raise broken from error
        try:
            if len(document) > PDF_MAX_PAGES:
                raise ImportFileError(
                    _("This PDF has %(count)d pages; at most %(limit)d pages can be imported.")
                    % {"count": len(document), "limit": PDF_MAX_PAGES}
                )
            for index in range(len(document)):
                page = document[index]
                textpage = page.get_textpage()
                pages.append(str(textpage.get_text_range()))
                textpage.close()
                page.close()
        except ImportFileError:
            raise
        except Exception as error:  # PdfiumError or ctypes errors on a damaged page tree
            raise broken from error
        finally:
            document.close()
    lines: list[str] = []
    for number, page_text in enumerate(pages, start=1):
        lines.extend(_page_lines(page_text, number))
    text = "\n".join(_join_hyphenated(lines))
    if sum(char.isalpha() for char in text) < _MIN_PDF_LETTERS:
        raise ImportFileError(
            _(
                "This PDF has no text layer (it is a scan): run OCR on it first, "
                "or upload the Word file."
            )
        )
    return text


def _page_lines(page: str, number: int) -> list[str]:
    """A page's lines without its page number: "Trang 2/9" anywhere, a bare "2" or "- 2 -" only
    as the first or last line and only when it is this page's number (a bare number elsewhere
    is a table cell, the "TT" column of a flattened table)."""
    # PDFium marks a hyphen at a line end with U+FFFE (or 0x02) and may join the line itself.
    page = page.replace("\ufffe", "-").replace("\x02", "-").replace("\r\n", "\n")
    lines = [line.strip() for line in page.split("\n")]
    lines = [line for line in lines if not _PAGE_LABEL.match(line)]
    filled = [index for index, line in enumerate(lines) if line]
    for index in {filled[0], filled[-1]} if filled else set():
        match = _PAGE_NUMBER.match(lines[index])
        if match and int(match.group(1)) == number:
            lines[index] = ""
    return [line for line in lines if line]


def _join_hyphenated(lines: Iterable[str]) -> list[str]:
    """Join a line ending in a word-hyphen to the next: "NĐ-" + "CP" stays "NĐ-CP"."""
    result: list[str] = []
    for line in lines:
        if result and re.search(r"\w-$", result[-1]) and re.match(r"\w", line):
            result[-1] += line
        else:
            result.append(line)
    return result


# --- .md / .txt -----------------------------------------------------------------------------


def _plain_text(data: bytes) -> str:
    return _decode(data)


def _decode(data: bytes, declared: str | None = None) -> str:
    """Unicode text from bytes: a BOM, or a declared encoding, or UTF-8; else refused."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return _decode_with(data, encoding)
    if declared is not None:
        return _decode_with(data, declared)
    if b"\x00" in data:  # UTF-16 without a BOM, or a binary file
        raise _not_unicode(line=None)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        if _looks_legacy_bytes(data):
            raise _legacy(line=line) from error
        raise _not_unicode(line=line) from error
    if _looks_legacy_text(text):
        raise _legacy(line=None)
    return text


def _decode_with(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise _not_unicode(line=None) from error


def _legacy(*, line: int | None) -> ImportFileError:
    return ImportFileError(
        _(
            "This file uses an old Vietnamese encoding (TCVN3/VNI). Save it as Unicode (UTF-8) "
            "and upload it again."
        ),
        line=line,
    )


def _not_unicode(*, line: int | None) -> ImportFileError:
    return ImportFileError(
        _(
            "This file is not Unicode text (UTF-8 or UTF-16) and its encoding cannot be "
            "recognised. Save it as Unicode (UTF-8) and upload it again."
        ),
        line=line,
    )


# Very common words of any plan as they appear when the bytes of an old 8-bit encoding are read
# one byte per character (Latin-1), and as they appear in Unicode: legacy text is recognised by
# its words, never decoded. TCVN3 (ABC, fonts .VnTime): đ=®, â=©, ư=­(soft hyphen), à=µ ...
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TCVN3_WORDS = _words(
    "cña vµ c¸c ®\xadîc nh©n d©n viöt kõ ho¹ch thùc hiön uû tønh huyön n¨m ®þa ®¬n vþ chñ "
    "phèi hîp x· ph\xadêng b¸o c¸o"
)
# VNI-Windows (fonts VNI-Times): a base letter followed by mark characters, đ=ñ, ư=ö, ơ=ô.
_VNI_WORDS = _words(
    "cuûa vaø caùc ñöôïc nhaân daân vieät keá hoaïch thöïc hieän uûy tænh huyeän naêm ñòa "
    "ñôn vò chuû phoái hôïp xaõ phöôøng baùo caùo"
)
_UNICODE_WORDS = _words(
    "của và các được nhân dân việt kế hoạch thực hiện ủy uỷ tỉnh huyện năm địa đơn vị chủ "
    "phối hợp xã phường báo cáo"
)
# Letters only Vietnamese uses (ă đ ơ ư and the tone-marked vowels), for windows-1258 bytes.
_VIETNAMESE_LETTER = re.compile(r"[\u0102\u0103\u0110\u0111\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]")
_TOKEN = re.compile(r"[^\s.,;:()\"“”!?/\-–]+")


def _legacy_word_count(text: str) -> int:
    return sum(
        1
        for token in _TOKEN.findall(text[:200_000].lower())
        if token in _TCVN3_WORDS or token in _VNI_WORDS
    )


def _looks_legacy_bytes(data: bytes) -> bool:
    """Bytes that are not UTF-8: do they look like TCVN3, VNI or windows-1258 Vietnamese?"""
    if _legacy_word_count(data.decode("latin-1")) >= 2:
        return True
    import unicodedata

    as_1258 = unicodedata.normalize("NFC", data[:200_000].decode("cp1258", errors="replace"))
    letters = sum(char.isalpha() for char in as_1258)
    vietnamese = len(_VIETNAMESE_LETTER.findall(as_1258))
    return vietnamese >= 3 and vietnamese >= 0.02 * letters


def _looks_legacy_text(text: str) -> bool:
    """Unicode text that is really legacy-font text ("Uû ban nh©n d©n" read as Latin-1)."""
    legacy = _legacy_word_count(text)
    if legacy < 3:
        return False
    proper = sum(1 for token in _TOKEN.findall(text[:200_000].lower()) if token in _UNICODE_WORDS)
    return legacy > proper


# --- .html ----------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_SKIPPED = {"script", "style", "noscript", "template", "head", "iframe", "object", "svg", "button"}
_BLOCKS = {
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "ul",
    "caption", "title",
}  # fmt: skip
_BOLD = {"b", "strong", "h1", "h2", "h3", "h4", "h5", "h6"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _html_text(data: bytes) -> str:
    declared = None
    match = _META_CHARSET.search(data[:4096])
    if match and match.group(1).decode("ascii").lower().replace("_", "-") not in {"utf-8", "utf8"}:
        declared = match.group(1).decode("ascii")
    source = _decode(data, declared)
    from lxml import html as lxml_html  # type: ignore[import-untyped]

    try:
        root = lxml_html.document_fromstring(source)
    except Exception as error:  # lxml raises ParserError / ValueError on unreadable input
        raise ImportFileError(_("This HTML file cannot be read.")) from error
    writer = _HtmlWriter()
    writer.walk(root, bold=False)
    writer.flush()
    return "\n".join(writer.lines)


class _HtmlWriter:
    """Visible text of an HTML tree: a line per block, tables as pipe rows."""

    def __init__(self, *, in_cell: bool = False) -> None:
        self.lines: list[str] = []
        self.segments: list[tuple[str, bool]] = []
        self.in_cell = in_cell
        self.pre = 0

    def text(self, text: str | None, bold: bool) -> None:
        if text:
            if not self.pre:
                text = re.sub(r"\s+", " ", text)
            self.segments.append((text.replace("\xa0", " "), bold))

    def flush(self) -> None:
        if self.pre:
            text = "".join(piece for piece, _bold in self.segments)
            self.lines.extend(line.rstrip() for line in text.strip("\n").split("\n"))
        elif self.segments:
            line = (
                _with_bold(self.segments)
                if not self.in_cell
                else "".join(piece for piece, _bold in self.segments)
            )
            if line.strip():
                self.lines.append(line.strip())
        self.segments = []

    def walk(self, element: Any, *, bold: bool) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.lower()
        hidden = (
            tag in _SKIPPED
            or element.get("hidden") is not None
            or _HIDDEN_STYLE.search(element.get("style") or "")
        )
        if isinstance(element.tag, str) and not hidden:
            inner_bold = bold or tag in _BOLD
            if tag == "br":
                self.flush()
            elif tag == "table":
                self.flush()
                self.table(element)
            else:
                block = tag in _BLOCKS
                if block:
                    self.flush()
                self.pre += tag == "pre"
                self.text(element.text, inner_bold)
                for child in element:
                    self.walk(child, bold=inner_bold)
                self.pre -= tag == "pre"
                if block:
                    self.flush()
        self.text(element.tail, bold)  # the tail is the parent's text

    def table(self, table: Any) -> None:
        rows = [row for row in table.iter("tr") if _nearest_table(row) is table]
        if not self.in_cell:
            self.lines.append("")
        for row in rows:
            cells = []
            for cell in row:
                if not isinstance(cell.tag, str) or cell.tag.lower() not in {"td", "th"}:
                    continue
                inner = _HtmlWriter(in_cell=True)
                inner.text(cell.text, False)
                for child in cell:
                    inner.walk(child, bold=False)
                inner.flush()
                cells.append(
                    " <br> ".join(line.replace("|", "/") for line in inner.lines if line.strip())
                )
            if self.in_cell:
                self.lines.extend(cell for cell in cells if cell)
            else:
                self.lines.append("| " + " | ".join(cells) + " |")
        if not self.in_cell:
            self.lines.append("")


def _nearest_table(element: Any) -> Any:
    parent = element.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent
