"""Official documents (Decree 30/2020/NĐ-CP layout) as .docx, .pdf and .xlsx annexes.

Pure: takes plain dataclasses, returns bytes; knows nothing about models or requests. Layout
rules come from /work/shared/domain/03_decree30_format.md (Phụ lục I of the decree).
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from kehoach.lib.vndates import date_long

FONT_NAME = "Times New Roman"
BODY_SIZE = 14
# A4 portrait; margins inside the decree's ranges (top/bottom 20–25, left 30–35, right 15–20 mm).
PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGIN_TOP_MM = 20
MARGIN_BOTTOM_MM = 20
MARGIN_LEFT_MM = 30
MARGIN_RIGHT_MM = 20
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM
# Header and closing blocks: a narrow left column and a wide right one, as in real documents.
HEADER_WIDTHS_MM = (56, TEXT_WIDTH_MM - 56)
CLOSING_WIDTHS_MM = (80, TEXT_WIDTH_MM - 80)
FIRST_LINE_INDENT_MM = 12.7


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    table: list[list[str]] | None = None  # first row is the header row


@dataclass
class OfficialDocument:
    issuer_parent: str  # "ỦY BAN NHÂN DÂN" (cơ quan chủ quản), upper-cased when written
    issuer: str  # "HUYỆN NÚI THÀNH"
    number: str  # "12"; empty for a draft ("Số:      /BC-UBND")
    type_code: str  # "BC", "KH" (Phụ lục III)
    issuer_code: str  # "UBND": the symbol suffix after the type code
    place: str  # "Núi Thành"
    date: dt.date | None  # None for a draft: the day is left blank to be filled in on signing
    title_kind: str  # "BÁO CÁO"
    title: str  # trích yếu
    recipients_to: list[str] = field(default_factory=list)  # "Kính gửi"
    sections: list[Section] = field(default_factory=list)
    recipients_cc: list[str] = field(default_factory=list)  # "Nơi nhận"
    signer_authority: str = "TM. ỦY BAN NHÂN DÂN"
    signer_title: str = "CHỦ TỊCH"
    signer_name: str = ""

    @property
    def number_line(self) -> str:
        # A draft keeps room for the number the văn thư registers when the document is issued.
        number = self.number.strip() or "      "
        return f"Số: {number}/{self.type_code}-{self.issuer_code}"

    @property
    def place_date_line(self) -> str:
        if self.date is not None:
            return f"{self.place}, {date_long(self.date)}"
        return f"{self.place}, ngày      tháng      năm {dt.date.today().year}"


class ConverterMissingError(RuntimeError):
    """LibreOffice (soffice) is not installed, so no PDF can be made."""


# ---------------------------------------------------------------- docx helpers


def _set_fonts(element_rpr: BaseOxmlElement) -> None:
    # python-docx's font.name sets only ascii/hAnsi; LibreOffice and Word also read cs/eastAsia.
    rfonts = element_rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        element_rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT_NAME)


def _run(
    paragraph: Paragraph,
    text: str,
    *,
    size: float = BODY_SIZE,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
) -> None:
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    run.underline = underline
    _set_fonts(run._r.get_or_add_rPr())


def _paragraph(
    container: _Cell | DocxDocument,
    *,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    before: float = 0,
    after: float = 0,
    first_line_mm: float | None = None,
    reuse_first: bool = False,
) -> Paragraph:
    # A new cell already holds one empty paragraph; reuse it so cells have no blank first line.
    paragraph: Paragraph
    if reuse_first and isinstance(container, _Cell) and not container.paragraphs[0].text:
        paragraph = container.paragraphs[0]
    else:
        paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = 1.0
    if first_line_mm is not None:
        fmt.first_line_indent = Mm(first_line_mm)
    return paragraph


def _rule(container: _Cell | DocxDocument, *, width_mm: float, column_mm: float) -> None:
    """A short centred solid line, drawn as the bottom border of an indented empty paragraph."""
    paragraph = _paragraph(container)
    side = max((column_mm - width_mm) / 2, 0)
    paragraph.paragraph_format.left_indent = Mm(side)
    paragraph.paragraph_format.right_indent = Mm(side)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "6")
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    borders.append(bottom)
    ppr.append(borders)
    # Keep the line tight under the text above it.
    _run(paragraph, "", size=2)


def _fixed_table(document: DocxDocument, widths_mm: tuple[float, ...], rows: int = 1) -> Table:
    table: Table = document.add_table(rows=rows, cols=len(widths_mm))
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # LibreOffice lays out by <w:gridCol> (column width), Word by <w:tcW> (cell width): set both.
    for index, width in enumerate(widths_mm):
        table.columns[index].width = Mm(width)
        for cell in table.columns[index].cells:
            cell.width = Mm(width)
    return table


def _page_number_header(document: DocxDocument) -> None:
    # Page numbers centred in the top margin, not on page 1 (Phụ lục I).
    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field_el = OxmlElement("w:fldSimple")
    field_el.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    _set_fonts(rpr)
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), str(BODY_SIZE * 2))
    rpr.append(size)
    run.append(rpr)
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field_el.append(run)
    paragraph._p.append(field_el)


def _setup(document: DocxDocument) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(PAGE_WIDTH_MM)
    section.page_height = Mm(PAGE_HEIGHT_MM)
    section.top_margin = Mm(MARGIN_TOP_MM)
    section.bottom_margin = Mm(MARGIN_BOTTOM_MM)
    section.left_margin = Mm(MARGIN_LEFT_MM)
    section.right_margin = Mm(MARGIN_RIGHT_MM)
    section.header_distance = Mm(10)
    normal = document.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = Pt(BODY_SIZE)
    _set_fonts(normal.element.get_or_add_rPr())


# ---------------------------------------------------------------- docx blocks


def _header(document: DocxDocument, doc: OfficialDocument) -> None:
    left_mm, right_mm = HEADER_WIDTHS_MM
    table = _fixed_table(document, HEADER_WIDTHS_MM)
    left, right = table.rows[0].cells
    _run(_paragraph(left, reuse_first=True), doc.issuer_parent.upper(), size=13)
    _run(_paragraph(left), doc.issuer.upper(), size=13, bold=True)
    _rule(left, width_mm=22, column_mm=left_mm)
    _run(_paragraph(left, before=6), doc.number_line, size=13)

    _run(
        _paragraph(right, reuse_first=True),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        size=13,
        bold=True,
    )
    _run(_paragraph(right), "Độc lập - Tự do - Hạnh phúc", size=14, bold=True)
    _rule(right, width_mm=62, column_mm=right_mm)
    _run(_paragraph(right, before=6), doc.place_date_line, size=14, italic=True)


def _title(document: DocxDocument, doc: OfficialDocument) -> None:
    _run(_paragraph(document, before=18), doc.title_kind.upper(), bold=True)
    for line in doc.title.splitlines() or [""]:
        _run(_paragraph(document), line.strip(), bold=True)
    _rule(document, width_mm=40, column_mm=TEXT_WIDTH_MM)


def _recipients_to(document: DocxDocument, doc: OfficialDocument) -> None:
    if not doc.recipients_to:
        return
    if len(doc.recipients_to) == 1:
        paragraph = _paragraph(document, before=12, after=6)
        _run(paragraph, f"Kính gửi: {doc.recipients_to[0]}")
        return
    table = _fixed_table(document, (50, TEXT_WIDTH_MM - 50))
    label, names = table.rows[0].cells
    _run(
        _paragraph(label, align=WD_ALIGN_PARAGRAPH.RIGHT, before=12, reuse_first=True), "Kính gửi:"
    )
    last = len(doc.recipients_to) - 1
    for index, name in enumerate(doc.recipients_to):
        end = "." if index == last else ";"
        paragraph = _paragraph(names, align=WD_ALIGN_PARAGRAPH.LEFT, before=12 if index == 0 else 0)
        _run(paragraph, f"- {name.rstrip(';.')}{end}")
    # The list cell started with an empty paragraph: drop it.
    first = names.paragraphs[0]
    if not first.text:
        first._p.getparent().remove(first._p)


def _body_table(document: DocxDocument, rows: list[list[str]]) -> None:
    if not rows:
        return
    columns = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=columns)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    width = Mm(TEXT_WIDTH_MM / columns)
    for index in range(columns):
        table.columns[index].width = width
    # Row by row (table.cell() walks the whole table each call: quadratic on long tables).
    for row_index, (table_row, row) in enumerate(zip(table.rows, rows, strict=True)):
        header = row_index == 0
        properties = table_row._tr.get_or_add_trPr()
        # A row never splits across pages; the header row repeats on every page.
        properties.append(OxmlElement("w:cantSplit"))
        if header:
            properties.append(OxmlElement("w:tblHeader"))
        for col_index, cell in enumerate(table_row.cells):
            cell.width = width
            value = row[col_index] if col_index < len(row) else ""
            paragraph = _paragraph(
                cell,
                align=WD_ALIGN_PARAGRAPH.CENTER if header else WD_ALIGN_PARAGRAPH.LEFT,
                before=2,
                after=2,
                reuse_first=True,
            )
            _run(paragraph, value, size=12, bold=header)
    _paragraph(document, after=0)


def _body(document: DocxDocument, doc: OfficialDocument) -> None:
    for section in doc.sections:
        if section.heading:
            heading = _paragraph(
                document,
                align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                before=6,
                first_line_mm=FIRST_LINE_INDENT_MM,
            )
            _run(heading, section.heading, bold=True)
        for text in section.paragraphs:
            paragraph = _paragraph(
                document,
                align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                before=6,
                first_line_mm=FIRST_LINE_INDENT_MM,
            )
            paragraph.paragraph_format.line_spacing = 1.15
            _run(paragraph, text)
        if section.table:
            _body_table(document, section.table)


def _closing(document: DocxDocument, doc: OfficialDocument) -> None:
    _paragraph(document, before=6)
    table = _fixed_table(document, CLOSING_WIDTHS_MM)
    left, right = table.rows[0].cells
    if doc.recipients_cc:
        heading = _paragraph(left, align=WD_ALIGN_PARAGRAPH.LEFT, reuse_first=True)
        _run(heading, "Nơi nhận:", size=12, bold=True, italic=True)
        last = len(doc.recipients_cc) - 1
        for index, name in enumerate(doc.recipients_cc):
            end = "." if index == last else ";"
            _run(
                _paragraph(left, align=WD_ALIGN_PARAGRAPH.LEFT),
                f"- {name.rstrip(';.')}{end}",
                size=11,
            )
    for index, line in enumerate(doc.signer_authority.splitlines() + doc.signer_title.splitlines()):
        _run(_paragraph(right, reuse_first=index == 0), line.strip().upper(), bold=True)
    # Room for the signature and the seal.
    for _ in range(4):
        _paragraph(right)
    _run(_paragraph(right), doc.signer_name, bold=True)


def write_docx(doc: OfficialDocument) -> bytes:
    """The document as a Decree 30 .docx (A4, Times New Roman)."""
    document = Document()
    _setup(document)
    _page_number_header(document)
    # The default template starts with nothing; the first block is the header table.
    _header(document, doc)
    _title(document, doc)
    _recipients_to(document, doc)
    _body(document, doc)
    _closing(document, doc)
    buffer = io.BytesIO()
    document.save(buffer)
    del document
    # python-docx objects refer to each other: their XML (hundreds of MB for a province's table
    # per unit) is freed only by a full collection, which a web process may not run for long.
    gc.collect()
    return buffer.getvalue()


# ---------------------------------------------------------------- pdf

# A conversion works in tempdir/kehoach-pdf-<pid of the converting process>-<random>/.
PDF_WORKDIR_PREFIX = "kehoach-pdf-"
_PDF_WORKDIR_RE = re.compile(rf"{PDF_WORKDIR_PREFIX}(\d+)-.+")
# A folder whose process is gone is left this long all the same: a container sharing the temporary
# folder has process ids of its own, and this is far beyond a conversion's timeout.
PDF_WORKDIR_MIN_AGE = 15 * 60


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def pdf_workdirs_sweep(*, folder: Path | None = None, now: float | None = None) -> list[Path]:
    """Remove the conversion folders of processes killed in the middle of a PDF conversion.

    A process killed with SIGKILL (a worker, or a web worker past gunicorn's timeout) cannot run
    TemporaryDirectory's clean-up; the next conversion and the worker's recovery pass call this."""
    folder = folder or Path(tempfile.gettempdir())
    now = time.time() if now is None else now
    removed = []
    for path in folder.glob(f"{PDF_WORKDIR_PREFIX}*"):
        match = _PDF_WORKDIR_RE.fullmatch(path.name)
        if match is None or not path.is_dir() or _process_alive(int(match[1])):
            continue
        try:
            age = now - path.stat().st_mtime
        except FileNotFoundError:  # another sweep removed it
            continue
        if age >= PDF_WORKDIR_MIN_AGE:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def write_pdf(docx_bytes: bytes, *, timeout: float = 120) -> bytes:
    """Convert a .docx to PDF with LibreOffice.

    Debian packages: libreoffice-writer-nogui, fonts-liberation2 (Vietnamese-complete fonts).
    """
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ConverterMissingError(
            "LibreOffice (soffice) is not installed; install the Debian packages "
            "libreoffice-writer-nogui and fonts-liberation2 to make PDF files."
        )
    pdf_workdirs_sweep()
    with tempfile.TemporaryDirectory(prefix=f"{PDF_WORKDIR_PREFIX}{os.getpid()}-") as tmp:
        workdir = Path(tmp)
        source = workdir / "document.docx"
        source.write_bytes(docx_bytes)
        # Own profile per conversion: parallel soffice runs sharing one profile block each other.
        profile = (workdir / "profile").as_uri()
        result = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(workdir),
                str(source),
            ],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        target = workdir / "document.pdf"
        if result.returncode != 0 or not target.exists():
            detail = (result.stderr or result.stdout).decode("utf-8", "replace").strip()
            raise RuntimeError(f"LibreOffice could not convert the document to PDF: {detail}")
        return target.read_bytes()


# ---------------------------------------------------------------- xlsx annex

_SHEET_FORBIDDEN = str.maketrans({char: " " for char in "[]:*?/\\"})


def _sheet_title(name: str, used: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ and unique per workbook.
    base = name.translate(_SHEET_FORBIDDEN).strip()[:31] or "Sheet"
    title, counter = base, 2
    while title.lower() in used:
        suffix = f" ({counter})"
        title = base[: 31 - len(suffix)] + suffix
        counter += 1
    used.add(title.lower())
    return title


def write_xlsx_annex(title: str, tables: dict[str, list[list[object]]]) -> bytes:
    """An annex workbook: one sheet per table, the title on top, a bold header row."""
    workbook = Workbook()
    for default_sheet in list(workbook.worksheets):
        workbook.remove(default_sheet)
    used: set[str] = set()
    for name, rows in (tables or {"Phụ lục": []}).items():
        sheet = workbook.create_sheet(_sheet_title(name, used))
        sheet["A1"] = title
        sheet["A1"].font = Font(name=FONT_NAME, size=13, bold=True)
        widths: dict[int, int] = {}
        for row_index, row in enumerate(rows):
            for col_index, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_index + 3, column=col_index, value=value)
                cell.font = Font(name=FONT_NAME, size=12, bold=row_index == 0)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                longest = max((len(part) for part in str(value or "").splitlines()), default=0)
                widths[col_index] = max(widths.get(col_index, 0), longest)
        for col_index, width in widths.items():
            letter = sheet.cell(row=3, column=col_index).column_letter
            sheet.column_dimensions[letter].width = min(max(width + 2, 8), 60)
        if rows:
            sheet.freeze_panes = "A4"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
