"""The prose parts of a plan: purposes, requirements, general objective, content themes,
funding and the duties of each unit ("Tổ chức thực hiện").

They are kept as written (paragraphs joined, markup removed), each with its source line, so staff
see the plan's own words; only themes are split into items, since records are tagged with them.
"""

import re
from typing import Any

from kehoach.lib.vntext import search_key

from .document import Document
from .sections import Section, clean, top_sections
from .targets import paragraphs

# A numbered sub-heading inside a section: "1. Mục đích", "2.", "a)".
_SUBHEADING = re.compile(r"^(\d{1,2})\s*[.)]\s*(.*)$")
_THEME_SECTIONS = ("noi dung tuyen truyen", "noi dung truyen thong", "noi dung thong tin")


def _section(doc: Document, *keys: str) -> Section | None:
    for section in top_sections(doc):
        title = section.key()
        if any(key in title for key in keys):
            return section
    return None


def _items(doc: Document, section: Section) -> list[tuple[int, str, str]]:
    """(line, heading, body) for each numbered item of a section; body paragraphs joined."""
    items: list[tuple[int, str, list[str]]] = []
    for paragraph in paragraphs(doc, section.body_start, section.end):
        text = clean(paragraph.text)
        match = _SUBHEADING.match(text)
        if match:
            items.append((paragraph.line, match.group(2).strip(" :"), []))
        elif items:
            items[-1][2].append(text)
        else:
            items.append((paragraph.line, "", [text]))
    return [(line, heading, "\n".join(body)) for line, heading, body in items]


def _subsection_text(doc: Document, section: Section | None, *heads: str) -> tuple[str, int | None]:
    """The text under the numbered sub-heading that starts with one of `heads`."""
    if section is None:
        return "", None
    wanted = [search_key(h) for h in heads]
    for line, heading, body in _items(doc, section):
        if any(search_key(heading).startswith(w) for w in wanted):
            # "1. Mục tiêu chung: Truyền thông …" keeps the words after the colon.
            rest = heading.split(":", 1)[1].strip() if ":" in heading else ""
            return "\n".join(part for part in (rest, body) if part), line
    return "", None


def parse_prose(doc: Document) -> dict[str, Any]:
    """Purposes, requirements, general objective, funding, themes and unit duties, if present."""
    found: dict[str, Any] = {}
    aims = _section(doc, "muc dich")
    purposes, _line = _subsection_text(doc, aims, "Mục đích")
    requirements, _line = _subsection_text(doc, aims, "Yêu cầu")
    if aims and not purposes and not requirements:
        purposes = "\n".join(body or heading for _l, heading, body in _items(doc, aims))
    objective, _line = _subsection_text(
        doc, _section(doc, "muc tieu"), "Mục tiêu chung", "Mục tiêu tổng quát", "Mục tiêu tổng thể"
    )
    funding_section = _section(doc, "kinh phi")
    funding = ""
    if funding_section:
        funding = "\n".join(
            clean(p.text) for p in paragraphs(doc, funding_section.body_start, funding_section.end)
        )
    for key, value in (
        ("purposes", purposes),
        ("requirements", requirements),
        ("general_objective", objective),
        ("funding", funding),
    ):
        if value:
            found[key] = value
    themes_section = _section(doc, *_THEME_SECTIONS)
    if themes_section:
        found["themes"] = [
            {
                "number": str(index),
                "short_title": _short(heading or body),
                "text": " ".join(part for part in (heading, body) if part),
                "source_line": line,
            }
            for index, (line, heading, body) in enumerate(_items(doc, themes_section), start=1)
            if heading or body
        ]
    duties_section = _section(doc, "to chuc thuc hien")
    if duties_section:
        duties = [
            {"who": _who(heading), "text": body, "source_line": line}
            for line, heading, body in _items(doc, duties_section)
            if heading and body
        ]
        if duties:
            found["duties"] = duties
    return found


def _who(heading: str) -> str:
    return re.sub(r"^Đề nghị\s+", "", heading).strip(" :.")


def _short(text: str) -> str:
    """A theme's short title: its first clause, at most about 120 characters."""
    first = re.split(r"[;:]|, trong đó", text, maxsplit=1)[0].strip(" .")
    return first if len(first) <= 120 else first[:117].rsplit(" ", 1)[0] + "…"
