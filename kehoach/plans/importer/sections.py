"""Sections of a plan: the Roman-numbered parts (I. MỤC ĐÍCH, YÊU CẦU ...) and appendices.

Headings arrive in many dresses ("## **II. MỤC TIÊU**", "**I.\nNÂNG CAO ...", "III. NHIỆM VỤ"):
`clean` strips the dress, `top_sections` finds the parts, `find_section` picks one by keywords.
"""

import re
from dataclasses import dataclass

from kehoach.lib.vntext import search_key

from .document import Document

ROMAN = r"(?:XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)"
_MARKUP = re.compile(r"(\*\*|__|(?<!\w)\*(?!\s)|(?<=\S)\*(?!\w)|^#+\s*|<br\s*/?>)")
_HEADING = re.compile(rf"^({ROMAN})\s*[.\-–:)]\s*(\S.*)$")
_APPENDIX = re.compile(r"^(phu luc|danh muc)\b")


def clean(text: str) -> str:
    """The words of a line without markdown/HTML dress, list bullets and extra spaces."""
    text = _MARKUP.sub(" ", text)
    text = re.sub(r"^\s*[-+•·]\s+", "", text)
    return re.sub(r"\s+", " ", text).strip(" *")


@dataclass(frozen=True)
class Section:
    number: str  # "III", or "PL" for an appendix
    title: str  # as written, cleaned of markup
    start: int  # index into Document.lines of the heading line
    end: int  # index one past the last line of the section

    def key(self) -> str:
        return search_key(self.title)


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def top_sections(doc: Document) -> list[Section]:
    """The Roman-numbered parts in order, plus appendices ("PHỤ LỤC"), each up to the next."""
    starts: list[tuple[int, str, str]] = []
    for index, line in enumerate(doc.lines):
        text = clean(line.text)
        match = _HEADING.match(text)
        if match and _is_upper(match.group(2)[:40]):
            starts.append((index, match.group(1), match.group(2)))
        elif _APPENDIX.match(search_key(text)) and _is_upper(text[:20]):
            starts.append((index, "PL", text))
    sections = []
    for position, (index, number, title) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else len(doc.lines)
        sections.append(Section(number=number, title=title, start=index, end=end))
    return sections


def find_section(doc: Document, *keywords: str) -> Section | None:
    """The first top section whose title contains one of the keywords (compared without marks)."""
    wanted = [search_key(k) for k in keywords]
    for section in top_sections(doc):
        if any(k in section.key() for k in wanted):
            return section
    return None
