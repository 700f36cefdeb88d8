"""Sections of a plan: the Roman-numbered parts (I. MỤC ĐÍCH, YÊU CẦU ...), appendices and tables.

Headings arrive in many dresses ("## **II. MỤC TIÊU**", "**III. NHIỆM\nVỤ, GIẢI PHÁP**",
"III. NHIỆM VỤ"): `clean` strips the dress, `top_sections` finds the parts (joining a heading
broken across lines), `find_section` picks one by keywords. `tables` finds the tables, whether
they arrive as pipe rows ("| a | b |") or flattened one cell per line between "|" lines.
"""

import re
from dataclasses import dataclass

from kehoach.lib.vntext import search_key

from .document import Document

ROMAN = r"(?:XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)"
_MARKUP = re.compile(r"(\*\*|__|(?<!\w)\*(?!\s)|(?<=\S)\*(?!\w)|^#+\s*|<br\s*/?>)")
_HEADING = re.compile(rf"^({ROMAN})\s*[.\-–:)]\s*(\S.*)?$")
_APPENDIX = re.compile(r"^(phu luc|danh muc)\b")
_APPENDIX_NUMBERED = re.compile(r"^phu luc(\s+so)?\s*(\d+|[ivx]+)?\s*[:.\-–]?")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")


def clean(text: str) -> str:
    """The words of a line without markdown/HTML dress, list bullets and extra spaces."""
    text = _MARKUP.sub(" ", text)
    text = text.replace("*", " ")
    text = re.sub(r"^\s*[-+•·]\s+", "", text)
    return re.sub(r"\s+", " ", text).strip(" *")


@dataclass(frozen=True)
class Section:
    number: str  # "III", or "PL" for an appendix
    title: str  # as written, cleaned of markup, joined when broken across lines
    start: int  # index into Document.lines of the heading line
    end: int  # index one past the last line of the section
    heading_end: int = 0  # index one past the heading's own lines (a heading may be broken)

    @property
    def body_start(self) -> int:
        return max(self.heading_end, self.start + 1)

    def key(self) -> str:
        return search_key(self.title)


@dataclass(frozen=True)
class Table:
    start: int  # index of the first line
    end: int  # index one past the last line
    rows: tuple[tuple[tuple[str, int], ...], ...]  # cells as (text, line index), row by row

    def texts(self) -> list[list[str]]:
        return [[text for text, _ in row] for row in self.rows]


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _bold_open(raw: str) -> bool:
    """A line that opens a bold run without closing it: the heading goes on below."""
    return raw.count("**") % 2 == 1


def _flattened_cells(doc: Document, start: int, end: int) -> list[tuple[str, int] | None]:
    """Cells between "|" lines; None marks two "|" lines in a row (a row boundary or empty cell)."""
    cells: list[tuple[str, int] | None] = []
    buffer: list[str] = []
    buffer_start = start
    for index in range(start, end):
        text = doc.lines[index].text.strip()
        if text == "|":
            if buffer:
                cells.append((" ".join(buffer), buffer_start))
            elif index > start:
                cells.append(None)
            buffer = []
            buffer_start = index + 1
        else:
            if not buffer:
                buffer_start = index
            buffer.append(text)
    if buffer:
        cells.append((" ".join(buffer), buffer_start))
    return cells


def _rows_of_flattened(cells: list[tuple[str, int] | None]) -> list[tuple[tuple[str, int], ...]]:
    """Rows from the cell stream: the header row gives the column count."""
    rows: list[list[tuple[str, int]]] = [[]]
    for cell in cells:
        if cell is None:
            if rows[-1]:
                rows.append([])
        else:
            rows[-1].append(cell)
    rows = [row for row in rows if row]
    if not rows:
        return []
    width = max(len(row) for row in rows)
    # A row cut short by an empty cell joins the fragment that follows it, when that fits.
    merged: list[list[tuple[str, int]]] = []
    for row in rows:
        short = merged and 1 < len(merged[-1]) < width and len(merged[-1]) + len(row) <= width
        if short and (len(row) > 1 or len(merged[-1]) + 1 == width):
            gap = width - len(merged[-1]) - len(row)
            merged[-1].extend([("", row[0][1])] * gap + row)
            continue
        merged.append(list(row))
    return [tuple(row) for row in merged]


def _pipe_cells(text: str) -> list[str]:
    inner = text.strip()[1:-1]
    return [cell.strip() for cell in inner.split("|")]


def tables(doc: Document) -> list[Table]:
    """Every table: runs of pipe rows, and runs of non-blank lines that start at a lone "|"."""
    found: list[Table] = []
    lines = doc.lines
    index = 0
    while index < len(lines):
        text = lines[index].text.strip()
        if text == "|":
            end = index
            while end < len(lines) and lines[end].text.strip():
                end += 1
            rows = _rows_of_flattened(_flattened_cells(doc, index, end))
            found.append(Table(start=index, end=end, rows=tuple(rows)))
            index = end
        elif _PIPE_ROW.match(text):
            end = index
            rows_list = []
            while end < len(lines) and _PIPE_ROW.match(lines[end].text):
                cells = _pipe_cells(lines[end].text)
                if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                    rows_list.append(tuple((cell, end) for cell in cells))
                end += 1
            found.append(Table(start=index, end=end, rows=tuple(rows_list)))
            index = end
        else:
            index += 1
    return found


def table_lines(doc: Document) -> set[int]:
    """Indexes of the lines that belong to a table."""
    inside: set[int] = set()
    for table in tables(doc):
        inside.update(range(table.start, table.end))
    return inside


def _appendix_title(text: str) -> bool:
    if text[:1] not in "PpDd":
        return False  # most lines: no need for the (slow) key
    key = search_key(text[:60])
    if not _APPENDIX.match(key):
        return False
    if _is_upper(text[:20]):
        return True
    # "Phụ lục số 01:", "Phụ lục II – …": a numbered appendix heading, not a mention in a sentence.
    return bool(_APPENDIX_NUMBERED.match(key)) and len(text) < 120 and key.startswith("phu luc")


def _only_blank(doc: Document, start: int, end: int) -> bool:
    return all(not clean(line.text) for line in doc.lines[start:end])


def top_sections(doc: Document) -> list[Section]:
    """The Roman-numbered parts in order, plus appendices ("PHỤ LỤC"), each up to the next."""
    skip = table_lines(doc)
    starts: list[tuple[int, str, str, int]] = []
    lines = doc.lines
    for index, line in enumerate(lines):
        if index in skip or not line.text.strip():
            continue
        text = clean(line.text)
        match = _HEADING.match(text)
        if match:
            title = match.group(2) or ""
            raw = line.text
            following = index + 1
            # "**I. MỤC\nĐÍCH**", "**III.\nNHIỆM VỤ**": join the lines of a broken heading.
            while following < len(lines) and following - index <= 3:
                nxt = lines[following].text
                if not nxt.strip() or following in skip:
                    break
                if not (_bold_open(raw) or not title or title.endswith(",")):
                    break
                if _HEADING.match(clean(nxt)):
                    break
                raw = f"{raw} {nxt}"
                title = f"{title} {clean(nxt)}".strip()
                following += 1
            if title and _is_upper(title[:40]):
                starts.append((index, match.group(1), title, following))
        elif _appendix_title(text):
            previous = starts[-1] if starts else None
            if previous and previous[1] == "PL" and _only_blank(doc, previous[0] + 1, index):
                # "PHỤ LỤC" then "DANH MỤC CÁC NHIỆM VỤ …" on the next line: one heading.
                starts[-1] = (previous[0], "PL", f"{previous[2]} {text}", index + 1)
            else:
                starts.append((index, "PL", text, index + 1))
    sections = []
    for position, (index, number, title, heading_end) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else len(doc.lines)
        sections.append(
            Section(number=number, title=title, start=index, end=end, heading_end=heading_end)
        )
    return sections


def find_section(doc: Document, *keywords: str) -> Section | None:
    """The first top section whose title contains one of the keywords (compared without marks)."""
    wanted = [search_key(k) for k in keywords]
    for section in top_sections(doc):
        if any(k in section.key() for k in wanted):
            return section
    return None
