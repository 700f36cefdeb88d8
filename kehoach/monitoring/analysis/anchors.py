"""Anchors: what an article names that does not depend on its language, so that a Vietnamese
article and an English one about the same event can be compared without translating them.

An article's anchors, from its lead:
- concepts of a small bilingual glossary (data/bilingual-anchors.json: "Công ước chống tra tấn"
  and "Convention against Torture" both give the concepts `convention` and `cat`), matched on
  whole words with case and tone placement ignored;
- figures (digit runs, leading zeros dropped: "07" and "7" are one figure);
- acronyms written in capitals (CERD, UPR, ASEAN), which both languages keep;
- proper names written as two or three capitalised words, joined without marks or spaces
  ("Thụy Sĩ" → "thuysi", "Da Nang" and "Đà Nẵng" → "danang").

Offline and deterministic: no translation model, nothing fetched.
"""

import json
import re
from functools import lru_cache
from pathlib import Path

from .text import Text, _word_keys

GLOSSARY_PATH = Path(__file__).resolve().parents[1] / "data" / "bilingual-anchors.json"
# The lead read for anchors, in words: an English text needs more words than a Vietnamese one
# for the same facts (Vietnamese words are syllables), so both leads are cut at the same length
# in characters instead.
LEAD_CHARS = 700
MAX_PHRASE = 6
_ACRONYM = re.compile(r"^[A-ZĐ]{2,}\d*$")


@lru_cache(maxsize=1)
def glossary() -> dict[tuple[str, ...], str]:
    """Phrase (tuple of word keys with marks) → concept id, both languages in one table."""
    data = json.loads(GLOSSARY_PATH.read_text(encoding="utf-8"))
    table: dict[tuple[str, ...], str] = {}
    for concept, spellings in data["concepts"].items():
        for spelling in (term for terms in spellings for term in terms):
            words = tuple(_word_keys(w)[0] for w in re.findall(r"\w+", spelling))
            if words:
                table[words] = concept
    return table


def anchors_of(text: Text) -> frozenset[str]:
    """The anchors of the lead of `text` (see the module's docstring)."""
    table = glossary()
    longest = min(MAX_PHRASE, max((len(k) for k in table), default=1))
    tokens = [t for t in text.tokens if t.start < LEAD_CHARS]
    found: set[str] = set()
    marked = [t.marked for t in tokens]
    i = 0
    while i < len(tokens):
        for size in range(min(longest, len(tokens) - i), 0, -1):
            concept = table.get(tuple(marked[i : i + size]))
            if concept is not None:
                found.add("c:" + concept)
                break
        i += 1
    run: list[str] = []
    previous_end = -1
    for token in tokens:
        original = text.text[token.start : token.end]
        if original.isdigit():
            found.add("n:" + (original.lstrip("0") or "0"))
        elif _ACRONYM.match(original):
            found.add("a:" + token.bare)
        # A name is capitalised words separated by single spaces ("Geneva, Thụy Sĩ" is two).
        if run and text.text[previous_end : token.start] != " ":
            _name_run(run, found)
            run = []
        previous_end = token.end
        if original[:1].isupper() and not original.isdigit():
            run.append(token.bare)
            continue
        _name_run(run, found)
        run = []
    _name_run(run, found)
    return frozenset(found)


def _name_run(run: list[str], found: set[str]) -> None:
    if 2 <= len(run) <= 3:
        found.add("p:" + "".join(run))
