"""Text of an article as the analysis sees it: normalised keys with the offsets of the original,
word tokens, sentences and the language.

Keys come from `kehoach.lib.vntext` (one tone placement, casefolded, optionally without marks)
and keep one character per character of the NFC text, so a match found on the key points at the
same span of the text shown to a reviewer.
"""

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from kehoach.lib.vntext import fix_tone_placement, nfc, strip_diacritics

_WORD = re.compile(r"\w+", re.UNICODE)
# A sentence ends at . ! ? … or a line break, followed by space, when the next character is upper
# case, a digit or an opening quote; "1.000" stays whole, "TP. Đà Nẵng" is rejoined below.
_SENTENCE_END = re.compile(
    r"(?<=[.!?…])[\"'”»)]*\s+(?=[\"'“«(]?[A-ZÀ-Ỹ0-9Đ])|\n\s*\n|\n(?=\s*[-•*])"
)
# "TP. Đà Nẵng", "ThS. Nguyễn": a full stop after these is not the end of a sentence.
_ABBREVIATION = re.compile(r"(?:\b(?:TP|Tp|tp|ThS|TS|PGS|GS|BS|Mr|Mrs|Dr|St|Q|P|TT)\.)$")
_VI_LETTERS = set("ăâđêôơưĂÂĐÊÔƠƯ")
# Below this share of marked letters a Vietnamese text counts as typed without diacritics.
UNMARKED_SHARE = 0.02


_PIECES = re.compile(r"\w+|\W+", re.UNICODE)


@lru_cache(maxsize=200_000)
def _word_keys(word: str) -> tuple[str, str]:
    """(marked, bare) keys of one word, each as long as the word (news reuse few words: cached)."""
    fixed = fix_tone_placement(word)
    if len(fixed) != len(word):  # exotic combining sequences: keep the placement as written
        fixed = word
    marked = []
    for char in fixed:
        key = char.casefold()
        if len(key) != 1:
            key = char.lower() if len(char.lower()) == 1 else char
        marked.append(key)
    bare = []
    for key in marked:
        stripped = strip_diacritics(key)
        bare.append(stripped if len(stripped) == 1 else key)
    return "".join(marked), "".join(bare)


def _other_key(piece: str) -> str:
    return "".join(" " if c.isspace() else (c.lower() if len(c.lower()) == 1 else c) for c in piece)


def _key_chars(text: str, marks: bool) -> str:
    """One key character per character of `text` (already NFC): casefolded, one tone placement,
    and without marks when `marks` is false."""
    out = []
    for m in _PIECES.finditer(text):
        piece = m.group(0)
        if piece[0].isalnum() or piece[0] == "_":
            out.append(_word_keys(piece)[0 if marks else 1])
        else:
            out.append(_other_key(piece))
    return "".join(out)


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    marked: str  # match key: with marks
    bare: str  # search key: without marks


class Text:
    """An NFC text with its keys and word tokens, computed once and shared by every analyser."""

    def __init__(self, raw: str) -> None:
        self.text = nfc(raw or "")

    @cached_property
    def marked_key(self) -> str:
        return _key_chars(self.text, marks=True)

    @cached_property
    def bare_key(self) -> str:
        return _key_chars(self.text, marks=False)

    @cached_property
    def tokens(self) -> list[Token]:
        marked, bare = self.marked_key, self.bare_key
        return [
            Token(m.start(), m.end(), m.group(0), bare[m.start() : m.end()])
            for m in _WORD.finditer(marked)
        ]

    @cached_property
    def is_marked(self) -> bool:
        """Whether the text carries diacritics (then names must match with their marks)."""
        letters = [c for c in self.text if c.isalpha()]
        if not letters:
            return True
        marked = sum(1 for c in letters if not c.isascii())
        return marked / len(letters) >= UNMARKED_SHARE

    def passage(self, start: int, end: int, width: int = 80) -> str:
        """The span with some context either side, cut at spaces, for evidence."""
        left = max(0, start - width)
        right = min(len(self.text), end + width)
        if left > 0:
            space = self.text.find(" ", left, start)
            left = space + 1 if space != -1 else left
        if right < len(self.text):
            space = self.text.rfind(" ", end, right)
            right = space if space != -1 else right
        snippet = " ".join(self.text[left:right].split())
        return ("…" if left > 0 else "") + snippet + ("…" if right < len(self.text) else "")


def words(text: str) -> list[str]:
    """Word tokens of the match key (with marks): the unit of shingles and features."""
    return _WORD.findall(_key_chars(nfc(text), marks=True))


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of an NFC text; short headings count as sentences too."""
    spans = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and _ABBREVIATION.search(text, 0, merged[-1][1]):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    out = []
    for s, e in merged:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


# --- Language ---------------------------------------------------------------------------------

_detector: Any = None
_detector_lock = threading.Lock()


def _lingua() -> Any:
    """The lingua detector, built once per process on first use (about 100 MB of models)."""
    global _detector
    if _detector is None:
        with _detector_lock:
            if _detector is None:
                from lingua import Language, LanguageDetectorBuilder

                _detector = LanguageDetectorBuilder.from_languages(
                    Language.VIETNAMESE,
                    Language.ENGLISH,
                    Language.FRENCH,
                    Language.CHINESE,
                    Language.INDONESIAN,
                    Language.THAI,
                    Language.JAPANESE,
                    Language.KOREAN,
                    Language.RUSSIAN,
                    Language.GERMAN,
                    Language.SPANISH,
                ).build()
    return _detector


def language(text: str) -> str:
    """ "vi", "en" or "other". Vietnamese-only letters decide at once; lingua decides the rest."""
    sample = nfc(text or "")[:2000]
    if not any(c.isalpha() for c in sample):
        return "other"
    if written_in_vietnamese(sample):
        return "vi"
    found = _lingua().detect_language_of(sample)
    if found is None:
        return "other"
    name = str(found.name)
    return {"VIETNAMESE": "vi", "ENGLISH": "en"}.get(name, "other")


# Share of letters only Vietnamese writes (ă, ơ, ạ, ...) from which a text counts as Vietnamese.
VI_SHARE = 0.05


def written_in_vietnamese(text: str) -> bool:
    """Whether enough of the letters of `text` (NFC) are ones only Vietnamese writes."""
    letters = [c for c in text if c.isalpha()]
    vietnamese = sum(1 for c in letters if c in _VI_LETTERS or _has_vi_tone(c))
    return bool(letters) and vietnamese / len(letters) >= VI_SHARE


def _has_vi_tone(char: str) -> bool:
    # Letters with a dot below or hook above exist (precomposed) almost only in Vietnamese.
    return "\u1ea0" <= char <= "\u1ef9"


def normalise(text: str) -> str:
    """NFC, tone marks in one place, spaces collapsed: the text stored and shown."""
    text = unicodedata.normalize("NFC", text or "")
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()


# --- Phrases ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhraseMatch:
    first: int  # index of the first token
    last: int  # index after the last token
    start: int  # character offsets in Text.text
    end: int
    phrase: str  # as written in the list
    payloads: tuple[Any, ...]


class PhraseIndex:
    """Phrases (terms, place names) found at word boundaries, with or without diacritics, with
    either tone placement; leftmost-longest and never overlapping, in one pass over the tokens."""

    def __init__(self) -> None:
        self._by_bare: dict[tuple[str, ...], list[tuple[tuple[str, ...], str, Any]]] = {}
        # First bare word -> the lengths of the phrases starting with it, longest first.
        self._lengths: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return len(self._by_bare)

    def add(self, phrase: str, payload: Any) -> None:
        text = Text(phrase)
        marked = tuple(t.marked for t in text.tokens)
        bare = tuple(t.bare for t in text.tokens)
        if not bare:
            return
        self._by_bare.setdefault(bare, []).append((marked, phrase.strip(), payload))
        lengths = self._lengths.setdefault(bare[0], [])
        if len(bare) not in lengths:
            lengths.append(len(bare))
            lengths.sort(reverse=True)

    def find(self, text: Text, skip: frozenset[int] = frozenset()) -> list[PhraseMatch]:
        """Matches in `text`; tokens in `skip` (masked by exclusions) never take part in one."""
        tokens = text.tokens
        marked_text = text.is_marked
        found: list[PhraseMatch] = []
        count = len(tokens)
        i = 0
        while i < count:
            lengths = self._lengths.get(tokens[i].bare)
            best: PhraseMatch | None = None
            for n in lengths or ():
                if i + n > count or (skip and any(j in skip for j in range(i, i + n))):
                    continue
                window = tokens[i : i + n]
                candidates = self._by_bare.get(tuple(t.bare for t in window))
                if not candidates:
                    continue
                # A text with diacritics must match them (tone placement aside); a text typed
                # without them matches on the bare key.
                ok = [
                    (phrase, payload)
                    for marked, phrase, payload in candidates
                    if not marked_text or marked == tuple(t.marked for t in window)
                ]
                if ok:
                    best = PhraseMatch(
                        i,
                        i + n,
                        window[0].start,
                        window[-1].end,
                        ok[0][0],
                        tuple(payload for _, payload in ok),
                    )
                    break
            if best is None:
                i += 1
            else:
                found.append(best)
                i = best.last
        return found
