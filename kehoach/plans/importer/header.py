"""The plan's header: title, issuer, number, date, year, plan-level period and what it implements.

The header arrives as a flattened two-column table ("|" lines, "-------" rules, stray "**", names
broken across lines), as .docx pipe rows with "<br>", as space-aligned PDF text, or not at all
(the seed names its issuer only in the text: "UBND huyện Núi Thành xây dựng Kế hoạch"). Everything
before the "KẾ HOẠCH" line is read as one run of text, so line breaks inside names do not matter.
"""

import datetime as dt
import re
from typing import Any

from kehoach.lib.vntext import search_key

from .document import Document
from .sections import top_sections
from .times import parse_time

_MARKUP = re.compile(r"\*+|_{2,}|^#+\s*|<br\s*/?>|\|")
_RULE = re.compile(r"^\s*[-=_]{3,}\s*$")
# Place levels as written in a header, in capitals or not, and how the issuer writes them.
_LEVELS = {
    "tinh": "tỉnh",
    "thanh pho": "thành phố",
    "huyen": "huyện",
    "quan": "quận",
    "thi xa": "thị xã",
    "thi tran": "thị trấn",
    "xa": "xã",
    "phuong": "phường",
    "dac khu": "đặc khu",
}
_LEVEL_KEYS = "|".join(sorted(_LEVELS, key=len, reverse=True))
# Bodies below a people's committee that issue plans of their own.
_ORGANS = r"so|phong|ban|van phong|chi cuc|trung tam|doan|cuc|bo chi huy|cong an|ho?i dong"
_UBND_KEY = r"(?:uy ban nhan dan|ubnd)"
_SMALL_WORDS = {"và", "của", "các", "với", "theo", "số", "thuộc"}


def _plain(text: str) -> str:
    text = _MARKUP.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _kehoach_line(doc: Document) -> int | None:
    """Index of the "KẾ HOẠCH" line that opens the title (in capitals, alone on its line)."""
    for index, line in enumerate(doc.lines[:200]):
        text = _plain(line.text)
        if search_key(text) == "ke hoach" and _is_upper(text):
            return index
    return None


def _header_text(doc: Document, end: int) -> str:
    """The header region as one string; cells and rules become " ¦ " so blocks stay apart."""
    parts: list[str] = []
    for line in doc.lines[:end]:
        for cell in re.split(r"\|", line.text):
            for piece in re.split(r"<br\s*/?>", cell):
                if _RULE.match(piece):
                    parts.append("¦")
                    continue
                text = _plain(piece)
                if text:
                    parts.append(text)
        if line.text.strip().startswith("|") or not line.text.strip():
            parts.append("¦")
    return re.sub(r"(\s*¦\s*)+", " ¦ ", " ".join(parts)).strip(" ¦")


def _title_case(words: str) -> str:
    """ "HỒ CHÍ MINH" -> "Hồ Chí Minh"; small words stay lower inside a name."""
    out = []
    for position, word in enumerate(words.split()):
        lower = word.lower()
        if re.fullmatch(r"[IVX]+", word):  # "TAM XUÂN II" keeps its numeral
            out.append(word)
            continue
        out.append(lower if position and lower in _SMALL_WORDS else lower.capitalize())
    return " ".join(out)


def _as_written(name: str, body: str) -> str:
    """The name in the letter case the body text uses for it, else in title case."""
    pattern = r"\b" + r"\s+".join(re.escape(w) for w in name.split()) + r"\b"
    for match in re.finditer(pattern, body, flags=re.IGNORECASE):
        found = match.group(0)
        if not _is_upper(found) or len(found) <= 4:
            return re.sub(r"\s+", " ", found)
    return _title_case(name)


def _place(key_words: list[str], raw_words: list[str]) -> tuple[str, str] | None:
    """(level as written in an issuer, place name) from a run that starts with a level."""
    for size in (2, 1):
        level = " ".join(key_words[:size])
        if level in _LEVELS and len(key_words) > size:
            return _LEVELS[level], _title_case(" ".join(raw_words[size:]))
    return None


def _issuer_from_block(block: str, body: str) -> str | None:
    """ "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI" / "UBND TỈNH LÀO CAI SỞ CÔNG THƯƠNG" -> the issuer."""
    raw = block.split()
    keys = [search_key(w).strip(".,:") for w in raw]
    text_key = " ".join(keys)
    match = re.match(_UBND_KEY + r"\b", text_key)
    organ_start = None
    place: tuple[str, str] | None = None
    if match:
        skip = len(match.group(0).split())
        rest_keys, rest_raw = keys[skip:], raw[skip:]
        # The place runs up to an organ that follows it on the next header line.
        end = len(rest_keys)
        for index in range(2, len(rest_keys)):
            if re.fullmatch(_ORGANS, rest_keys[index]) or (
                index + 1 < len(rest_keys)
                and re.fullmatch(_ORGANS, " ".join(rest_keys[index : index + 2]))
            ):
                end = index
                break
        place = _place(rest_keys[:end], rest_raw[:end])
        if place is None:
            return None
        if end < len(rest_keys):
            organ_start = skip + end
        else:
            return f"UBND {place[0]} {place[1]}"
    elif re.match(r"(?:" + _ORGANS + r")\b", text_key):
        organ_start = 0
    if organ_start is None:
        return None
    organ_words = raw[organ_start:]
    # "ĐOÀN KIỂM TRA THEO QUYẾT ĐỊNH SỐ …" on a second line is a team, not the issuing body.
    organ_keys = keys[organ_start:]
    for index in range(1, len(organ_keys)):
        if re.fullmatch(_ORGANS, organ_keys[index]):
            organ_words = organ_words[:index]
            break
    organ = _as_written(" ".join(organ_words[:10]), body)
    if place is None:
        found = re.search(
            re.escape(organ) + r"\s+(tỉnh|thành phố|huyện|quận|thị xã)\s+((?:[A-ZĐ]\w*\s?){1,4})",
            body,
        )
        if found:
            return f"{organ} {found.group(1)} {found.group(2).strip()}"
        return organ
    return f"{organ} {place[0]} {place[1]}"


def _left_block(header: str) -> str:
    """The issuer's column: the header text before the national motto, up to "Số:"."""
    key = search_key(header)
    motto = re.search(r"cong hoa xa hoi", key)
    left = header[: motto.start()] if motto else header
    left = re.split(r"\bS[ốỐ]\s*:", left, maxsplit=1)[0]
    blocks = [b.strip() for b in left.split("¦") if b.strip()]
    # Keep consecutive blocks of capitals: "UBND TỈNH LÀO CAI" then "SỞ CÔNG THƯƠNG".
    return " ".join(b for b in blocks if _is_upper(b))


_ISSUER_IN_TEXT = re.compile(
    r"\b(UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+(tỉnh|thành phố|huyện|quận|thị xã|xã|phường|"
    r"đặc khu)\s+((?:[A-ZĐÂĂÊÔƠƯ]\w*\s?){1,4}?)\s*(?:xây dựng|ban hành|triển khai)\b"
)


def _issuer(header: str, body: str) -> str | None:
    block = _left_block(header)
    if block:
        found = _issuer_from_block(block, body)
        if found:
            return found
    # No usable header: the issuer names itself in the opening ("UBND huyện X xây dựng Kế hoạch").
    match = _ISSUER_IN_TEXT.search(body)
    if match:
        return f"UBND {match.group(2)} {match.group(3).strip()}"
    return None


_NUMBER = re.compile(
    r"\bS[ốỐ]\s*(?:hiệu)?\s*:\s*(\d*)\s*/\s*((?:\d{4}/)?[A-ZĐ]+(?:\s*-\s*[A-ZĐ&]+)*)"
)
_DATE = re.compile(
    r"ngày\s*(\d{1,2})?\s*(?:tháng|/)\s*(\d{1,2})?\s*(?:năm|/)\s*((?:19|20)\d\d)", re.IGNORECASE
)


def _number(header: str) -> str | None:
    match = _NUMBER.search(header)
    if not match or not match.group(1):
        return None  # left blank in a draft: "Số:      /KH-UBND"
    suffix = re.sub(r"\s+", "", match.group(2))
    return f"{match.group(1)}/{suffix}"


def _date(header: str) -> tuple[str | None, int | None]:
    # The date line reads "Place, ngày …"; a bare "ngày" may belong to a cited decision.
    match = re.search(r",\s*" + _DATE.pattern, header, flags=re.IGNORECASE) or _DATE.search(header)
    if not match:
        years = re.findall(r"\bnăm\s+((?:19|20)\d\d)\b", header, flags=re.IGNORECASE)
        return None, int(years[0]) if years else None
    day, month, year = match.groups()
    if not day or not month:
        return None, int(year)
    try:
        return dt.date(int(year), int(month), int(day)).isoformat(), int(year)
    except ValueError:
        return None, int(year)


_TITLE_STOP = re.compile(
    r"^(căn cứ|thực hiện|triển khai thực hiện|xét đề nghị|để|nhằm|kính gửi|ủy ban nhân dân|"
    r"uỷ ban nhân dân|ubnd|(?:XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)\s*[.)]\s)",
    re.IGNORECASE,
)
_ATTACHED = re.compile(r"^\(?\s*(ban hành )?kèm theo", re.IGNORECASE)


def _title(doc: Document, start: int, number: str | None) -> tuple[str | None, int | None, int]:
    """The title lines under "KẾ HOẠCH", joined; the line number of the first; the index after."""
    parts: list[str] = []
    first_line: int | None = None
    index = start + 1
    limit = min(len(doc.lines), start + 15)
    while index < limit:
        text = _plain(doc.lines[index].text)
        if not text or _RULE.match(text):
            if parts:
                following = next(
                    (
                        _plain(line.text)
                        for line in doc.lines[index + 1 : limit]
                        if _plain(line.text) and not _RULE.match(_plain(line.text))
                    ),
                    "",
                )
                continues_caps = _is_upper(" ".join(parts)) and _is_upper(following)
                if not (continues_caps and not _TITLE_STOP.match(following)) and not (
                    _ATTACHED.match(following.lstrip("("))
                ):
                    break
            index += 1
            continue
        if parts and _TITLE_STOP.match(text) and not _is_upper(text):
            break
        # "(Ban hành kèm theo Nghị quyết …)" belongs to the title; the note that attaches the
        # plan to the Quyết định that issues it (the plan's own number) does not.
        if _ATTACHED.match(text.lstrip("(")) and (
            "quyết định" in text.lower() or (number and number in text)
        ):
            break
        parts.append(text)
        if first_line is None:
            first_line = doc.lines[index].number
        index += 1
    title = " ".join(parts).strip() or None
    return title, first_line, index


def _opening(doc: Document, start: int) -> list[tuple[int, str]]:
    """Paragraphs between the title and section I, each with its first line number."""
    sections = top_sections(doc)
    end = next((s.start for s in sections if s.start > start), min(len(doc.lines), start + 80))
    paragraphs: list[tuple[int, str]] = []
    current: list[str] = []
    first = 0
    for line in doc.lines[start:end]:
        text = _plain(line.text)
        if not text:
            if current:
                paragraphs.append((first, " ".join(current)))
                current = []
            continue
        if not current:
            first = line.number
        current.append(text)
    if current:
        paragraphs.append((first, " ".join(current)))
    return paragraphs


_IMPLEMENTS = re.compile(
    r"^(?:Triển khai )?[Tt]hực hiện\s+(?:Kế hoạch|Nghị quyết|Quyết định|Chỉ thị|Công văn|"
    r"Thông tri|Chương trình|Đề án|Kết luận|Văn bản|Thông báo)\b"
)


def _implements(paragraphs: list[tuple[int, str]]) -> str | None:
    for _, text in paragraphs:
        if _IMPLEMENTS.match(text):
            # The reference ends where the issuer takes over ("…, UBND huyện X xây dựng …").
            cut = re.split(r";|,\s*(?=(?:UBND|Ủy ban|Uỷ ban|Sở|Ban)\s)", text, maxsplit=1)[0]
            return cut.strip(" .,:")
    return None


_PERIOD_LINE = re.compile(
    r"^(?:\d+\.\s*)?(?:[a-z]\)\s*)?Thời gian(?: thực hiện)?\s*:\s*(.+)$", re.IGNORECASE
)


def _period(doc: Document, year: int | None) -> dict[str, Any] | None:
    """A time for the whole plan, in a section about time ("THỜI GIAN VÀ PHẠM VI")."""
    for section in top_sections(doc):
        if "thoi gian" not in section.key():
            continue
        for line in doc.lines[section.start + 1 : section.end]:
            match = _PERIOD_LINE.match(_plain(line.text))
            if match:
                time = match.group(1).strip().rstrip(".;").strip()
                spec = parse_time(time, year=year)
                return {
                    "time": time,
                    "start": spec.start.isoformat() if spec.start else None,
                    "end": spec.end.isoformat() if spec.end else None,
                    "source_line": line.number,
                }
    return None


def parse_header(doc: Document) -> dict[str, Any]:
    """Title, issuer, number, date (ISO), year; "period" and "implements" when the plan has them."""
    start = _kehoach_line(doc)
    header_end = start if start is not None else min(len(doc.lines), 30)
    header = _header_text(doc, header_end)
    body = "\n".join(_plain(line.text) for line in doc.lines)
    number = _number(header)
    date, year = _date(header)
    title, title_line, after = _title(doc, start, number) if start is not None else (None, None, 0)
    if year is None and title:
        years = re.findall(r"\bnăm\s+((?:19|20)\d\d)\b", title, flags=re.IGNORECASE) or re.findall(
            r"\b((?:19|20)\d\d)\b", title
        )
        year = int(years[0]) if years else None
    result: dict[str, Any] = {
        "title": title,
        "issuer": _issuer(header, body),
        "number": number,
        "date": date,
        "year": year,
        "source_line": title_line,
    }
    implements = _implements(_opening(doc, after))
    if implements:
        result["implements"] = implements
    period = _period(doc, year)
    if period:
        result["period"] = period
    return result
