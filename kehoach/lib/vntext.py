"""Vietnamese text keys: one place that decides how names are compared, searched and sorted.

Display always keeps the original string; these functions only compute keys from it.
"""

import re
import unicodedata

# Combining tone marks: huyền, sắc, hỏi, ngã, nặng. Circumflex, breve and horn are not tones.
_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_TONES = {_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT}
# Dictionary order of tones: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"": "0", _GRAVE: "1", _HOOK: "2", _TILDE: "3", _ACUTE: "4", _DOT: "5"}
# Open syllables ending in these pairs carry the tone on the first vowel in the traditional
# placement (hóa, khỏe, thủy) and on the second in the new one (hoá, khoẻ, thuỷ).
_MOVABLE_PAIRS = {"oa", "oe", "uy"}
_WORD = re.compile(r"\w+", re.UNICODE)
_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Return the NFC form: NFD input (common in PDFs and macOS files) compares equal afterwards."""
    return unicodedata.normalize("NFC", text)


def _split_tone(char: str) -> tuple[str, str]:
    decomposed = unicodedata.normalize("NFD", char)
    tone = next((c for c in decomposed if c in _TONES), "")
    base = "".join(c for c in decomposed if c not in _TONES)
    return unicodedata.normalize("NFC", base), tone


def _fix_word(word: str) -> str:
    if len(word) < 2:
        return word
    parts = [_split_tone(c) for c in word]
    toned = [i for i, (_, tone) in enumerate(parts) if tone]
    if len(toned) != 1 or toned[0] != len(word) - 1:
        return word
    bases = "".join(base for base, _ in parts).lower()
    if bases[-2:] not in _MOVABLE_PAIRS or (bases.startswith("qu") and bases.endswith("uy")):
        return word
    tone = parts[-1][1]
    chars = [base for base, _ in parts]
    chars[-2] = unicodedata.normalize("NFC", chars[-2] + tone)
    return "".join(chars)


def fix_tone_placement(text: str) -> str:
    """Put tone marks in the traditional place, so "hoá"/"hóa" and "Uỷ"/"Ủy" give one key."""
    return _WORD.sub(lambda m: _fix_word(m.group(0)), nfc(text))


def strip_diacritics(text: str) -> str:
    """Remove every mark, and map đ/Đ (which has no decomposition) to d/D."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def match_key(text: str) -> str:
    """Key for exact comparison of names: NFC, one tone placement, casefolded, spaces collapsed."""
    return _SPACES.sub(" ", fix_tone_placement(text).casefold()).strip()


def search_key(text: str) -> str:
    """Key for search that ignores diacritics: a query typed without marks still finds the name."""
    return strip_diacritics(match_key(text))


# Letters of the Vietnamese alphabet in dictionary order; f, j, w, z for foreign words.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_CODE = {letter: f"{index + 20:02d}" for index, letter in enumerate(_ALPHABET)}
_DIGIT_CODE = {str(d): f"{d + 10:02d}" for d in range(10)}
SORT_KEY_LENGTH = 250


def sort_key(text: str) -> str:
    """ASCII key whose plain byte order is Vietnamese dictionary order (a < ă < â … đ after d).

    Letters decide first; tones only break ties (ngang, huyền, hỏi, ngã, sắc, nặng), as in
    dictionaries. Stored in a column, it sorts correctly on SQLite and PostgreSQL alike.
    """
    primary: list[str] = []
    tones: list[str] = []
    for char in fix_tone_placement(text).casefold():
        base, tone = _split_tone(char)
        if base in _LETTER_CODE:
            primary.append(_LETTER_CODE[base])
            tones.append(_TONE_RANK[tone])
        elif base in _DIGIT_CODE:
            primary.append(_DIGIT_CODE[base])
        elif base.isspace() or not base.isalnum():
            if primary and primary[-1] != "00":
                primary.append("00")
        else:
            primary.append("99")
    while primary and primary[-1] == "00":
        primary.pop()
    return ("".join(primary) + " " + "".join(tones))[:SORT_KEY_LENGTH]


def person_sort_key(full_name: str) -> str:
    """Vietnamese lists of people sort by given name (the last word), then by the whole name."""
    words = full_name.split()
    given = words[-1] if words else ""
    return (sort_key(given) + " " + sort_key(full_name))[:SORT_KEY_LENGTH]
