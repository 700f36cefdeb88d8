"""Targets (mục tiêu, chỉ tiêu) with their figures, as the label conventions cut them.

Targets sit in the Roman sections about "MỤC TIÊU"/"CHỈ TIÊU". Under a general heading ("Mục
tiêu chung", "Mục tiêu tổng quát") only clauses with a figure count; under a specific one ("Mục
tiêu cụ thể", "Các chỉ tiêu cụ thể đến năm 2030", "Chỉ tiêu 1: …", or no sub-heading at all)
every item counts, with or without a figure. Each sentence that sets a target is one entry; a
sentence with two figures is split at ";" (and before ", nâng tổng … lên N", a running total),
and a qualifying sentence ("Đối với …") is not a target. Texts stay word for word.

Figures: decimal commas (1,7) and thousands dots (2.000); ranges ("15 - 20%", "60-70%") give
`value_max`; comparison words ("≥", "trên", "ít nhất") are kept in the text only; ratios keep
their denominator in the unit ("ca sinh/1.000 phụ nữ", "%/năm"). Years, dates, document numbers
and list labels ("Chỉ tiêu 2") are not figures.
"""

import re
from dataclasses import dataclass
from typing import Any

from kehoach.lib.vntext import match_key, search_key

from .document import Document
from .sections import top_sections

_MARKUP = re.compile(r"\*+|_{2,}|<br\s*/?>|^#+\s*|^\|\s*|\s*\|$")
_MARKER = re.compile(
    r"^(?:[-+•·–]\s*|(?:\d+\.)+\d*\s+|\d+\)\s*|[a-zđ]\)\s*|(?=Chỉ tiêu\s+\d)|(?=Mục tiêu\s+\d))"
)
_NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_FIGURE = re.compile(r"(?<![\w/.,])(" + _NUMBER + r")(?![\w])")
_WORD_NUMBERS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "mười": 10}
_WORD_FIGURE = re.compile(r"\b(?:ít nhất|tối thiểu)\s+(một|hai|ba|bốn|mười)\b", re.IGNORECASE)
# Digits that are not figures: years, dates, document numbers, list labels, codes.
_NOT_FIGURES = [
    re.compile(
        r"\b(?:năm|giai đoạn|thời kỳ|đến|từ|trước|sau|cuối|đầu)\s+"
        r"(?:19|20)\d\d(?:\s*-\s*(?:19|20)\d\d)?",
        re.I,
    ),
    re.compile(r"(?<![\d.,])(?:19|20)\d\d\s*-\s*(?:19|20)\d\d"),
    re.compile(r"\bngày\s+\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?", re.I),
    re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b"),
    re.compile(r"\b\d+[\w]*[/-][\w/&.-]*[A-ZĐa-zđ][\w&-]*"),  # 35-NQ/TU, 113/KH-UBND
    re.compile(
        r"\b(?:Chỉ tiêu|Mục tiêu|Nhiệm vụ|Đề án|Chương trình|Hoạt động)\s+(?:số\s+)?\d+\b", re.I
    ),
    re.compile(r"\bsố\s+\d+\b", re.I),
    re.compile(r"(?<![\d.,])(?:19|20)\d\d(?![\d.,%]|\s*(?:ha|MW|km|người|tỷ|triệu))"),
    re.compile(r"\b[A-Z]{2,}\s*\d+[\d:.-]*"),  # TCVN 14423:2025, IPv6
]
_QUALIFIER = re.compile(r"^(?:Đối với|Trường hợp|Riêng|Ngoài ra|Trong đó|Lưu ý)\b", re.I)
_BREAKDOWN = re.compile(r"\s*\((?:bao gồm|gồm|trong đó)[^()]*\)", re.I)
# Words that end a counted unit ("05 Khu công nghiệp, …", "một cơ sở y tế cung cấp …").
_UNIT_STOP = frozenset(
    re.findall(
        r"\S+",
        "đạt có được vào trong trên dưới tại của cho theo để với và đến từ là năm mỗi cung thực "
        "tham triển hoàn trở nâng giảm tăng xuống lên ở khi đáp bảo làm tiếp về như tương hoặc "
        "sẽ đã đang phải cần sau trước hằng hàng bằng nhất",
    )
)
_UNIT_WORDS = 4


@dataclass(frozen=True)
class _Paragraph:
    line: int  # line number of its first line
    text: str  # joined, markup removed, marker kept


def _plain(text: str) -> str:
    text = _MARKUP.sub(" ", text.strip())
    return re.sub(r"\s+", " ", text).strip()


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _starts_item(text: str) -> bool:
    return bool(_MARKER.match(text)) and not re.match(r"^(?:19|20)\d\d\b", text)


def hard_wrapped(doc: Document) -> bool:
    """Whether lines are wrapped mid-sentence (crawled pages), not one per paragraph (.docx)."""
    lengths = [len(line.text) for line in doc.lines if line.text.strip()]
    return len(lengths) >= 20 and sum(n > 100 for n in lengths) < 0.05 * len(lengths)


def paragraphs(doc: Document, start: int, end: int) -> list["_Paragraph"]:
    """Lines joined into paragraphs: a blank line, a list marker or a finished sentence ends one;
    where a line is a paragraph (.docx), only a line that starts in lower case continues one."""
    wrapped = hard_wrapped(doc)
    paragraphs: list[_Paragraph] = []
    current: list[str] = []
    first = 0
    for line in doc.lines[start:end]:
        raw = line.text.strip()
        bold_line = raw.startswith("**") and raw.rstrip(":").endswith("**")
        text = _plain(raw)
        if re.fullmatch(r"[-=_|\s]*", text):
            if current:
                paragraphs.append(_Paragraph(first, " ".join(current)))
                current = []
            continue
        ends_previous = (
            current
            and not wrapped
            and not (text[:1].islower() and not re.search(r"[.:;!?]$", current[-1]))
        ) or (
            current
            and (
                _starts_item(text)
                or bold_line
                or (re.search(r"[.:;!?]$", current[-1]) is not None and text[:1].isupper())
            )
        )
        if ends_previous:
            paragraphs.append(_Paragraph(first, " ".join(current)))
            current = []
        if not current:
            first = line.number
        current.append(text)
        if bold_line:
            paragraphs.append(_Paragraph(first, " ".join(current)))
            current = []
    if current:
        paragraphs.append(_Paragraph(first, " ".join(current)))
    return paragraphs


def _masked(text: str) -> str:
    """The text with every non-figure number blanked out (same length, so positions hold)."""
    text = _BREAKDOWN.sub(lambda m: " " * len(m.group(0)), text)
    for pattern in _NOT_FIGURES:
        text = pattern.sub(lambda m: re.sub(r"\d", "#", m.group(0)), text)
    return text


def _has_figure(text: str) -> bool:
    return bool(_FIGURE.search(_masked(text)) or _WORD_FIGURE.search(text))


def _number(text: str) -> float | int:
    value = float(text.replace(".", "").replace(",", "."))
    return int(value) if value.is_integer() else value


def _unit_after(text: str, position: int) -> str | None:
    """The unit after a figure: "%", "%/năm", "lần", "Khu công nghiệp", "ca sinh/1.000 phụ nữ"."""
    rest = text[position:]
    if rest.startswith("%"):
        per = re.match(r"%\s*/\s*(năm|quý|tháng|ngày)\b", rest)
        return f"%/{per.group(1)}" if per else "%"
    if re.match(r"\s*/\s*\d", rest):
        # "4/100.000 trẻ sinh ra còn sống": the unit is the denominator.
        denominator = re.match(r"\s*(/\s*[\d.]+(?:\s+\S+)*)", rest)
        return _cut_words(denominator.group(1), limit=None) if denominator else None
    words = _cut_words(rest, limit=_UNIT_WORDS)
    if not words:
        return None
    ratio = re.match(r"\s*" + re.escape(words) + r"\s*/\s*([\d.]+)((?:\s+\S+)*)", rest)
    if ratio:
        # "107 trẻ sơ sinh trai/100 trẻ sơ sinh gái …": the denominator mirrors the numerator.
        tail = _cut_words(ratio.group(2), limit=len(words.split()))
        return f"{words}/{ratio.group(1)} {tail}".strip()
    return words


def _cut_words(text: str, *, limit: int | None) -> str:
    out: list[str] = []
    for match in re.finditer(r"\S+", text):
        word = match.group(0)
        if word.startswith("/") and not out:
            out.append(word)
            continue
        clean = word.strip('.,;:()“”"')
        if not clean or match_key(clean) in _UNIT_STOP or re.match(r"^\d", clean):
            break
        # "trai/100" inside a ratio: keep the numerator word, the caller adds the denominator.
        clean = clean.split("/")[0] if "/" in clean and not clean.startswith("/") else clean
        out.append(clean)
        if word[-1] in ".,;:()" or (limit is not None and len(out) >= limit) or "/" in word:
            break
    return " ".join(out)


_RANGE = re.compile(r"(" + _NUMBER + r")\s*(?:-|–|đến)\s*(" + _NUMBER + r")\s*(?=%)")


def _value(text: str) -> dict[str, Any]:
    """value, value_max (ranges) and unit of the figure a target sets."""
    masked = _masked(text)
    figures = list(_FIGURE.finditer(masked))
    if not figures:
        word = _WORD_FIGURE.search(text)
        if word:
            return {
                "value": _WORD_NUMBERS[word.group(1).lower()],
                "unit": _unit_after(text, word.end()),
            }
        return {"value": None, "unit": None}
    chosen = figures[0]
    if re.search(r"\btừ\s+$", masked[: chosen.start()]):
        for figure in figures[1:]:
            # "giảm từ 23 ca sinh/1.000 phụ nữ xuống 18 …": the target is the figure after "xuống".
            if re.search(r"\b(?:xuống|lên|đến)\s+(?:còn\s+)?$", masked[: figure.start()], re.I):
                chosen = figure
                break
    result: dict[str, Any] = {}
    span = _RANGE.match(masked, chosen.start())
    if span:
        result["value"] = _number(span.group(1))
        result["value_max"] = _number(span.group(2))
        result["unit"] = "%"
        return result
    result["value"] = _number(chosen.group(1))
    result["unit"] = _unit_after(text, chosen.end())
    return result


def _sentences(text: str) -> list[str]:
    """Sentences of a paragraph; "TP. Hồ Chí Minh" and "2.000" do not end one."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-ZĐÂĂÊÔƠƯÁÀẢÃẠÉÈẺẼẸÍÌỈĨỊÓÒỎÕỌÚÙỦŨỤÝỲỶỸỴ])", text)
    merged: list[str] = []
    for part in parts:
        if merged and re.search(r"\b[A-ZĐ]{1,3}\.$", merged[-1]):
            merged[-1] += " " + part
        else:
            merged.append(part)
    return merged


def _split_outside_brackets(text: str, separator: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char == "("
        depth -= char == ")"
        if char == separator and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


def _entries(text: str) -> list[str]:
    """The target texts of one sentence: split at ";" and before ", nâng … lên" when each part
    has its own figure; a breakdown "(gồm …)" of a split part is dropped."""
    pieces = [p.strip() for p in _split_outside_brackets(text, ";") if p.strip()]
    if sum(_has_figure(p) for p in pieces) < 2:
        pieces = [text.strip()]
    out: list[str] = []
    for piece in pieces:
        parts = re.split(r",\s+(?=nâng\s+(?:tổng|lên))", piece)
        if len(parts) > 1 and all(_has_figure(p) for p in parts):
            out.extend(_BREAKDOWN.sub("", p).strip() for p in parts)
        else:
            out.append(piece if len(pieces) == 1 else _BREAKDOWN.sub("", piece).strip())
    return [p for p in out if p]


def _strip_marker(text: str) -> str:
    return _MARKER.sub("", text, count=1).strip()


def _is_heading(paragraph: str) -> bool:
    text = _strip_marker(paragraph)
    if _has_figure(text):
        return False
    words = len(text.split())
    if text.endswith(":") and words <= 25:
        return True
    if _is_upper(text) or re.match(r"^Mục tiêu\s+\d+\b", text):
        return True
    if re.match(r"^(?:\d+\.)+\d*\s|^[a-zđ]\)\s|^Mục tiêu\s+\d", paragraph) and words <= 12:
        return not text.endswith(".") or words <= 8
    return False


def _mode(heading: str) -> str | None:
    """What a numbered sub-heading of a target section holds: every item, figures only, nothing."""
    key = search_key(heading)
    other = r"doi tuong|pham vi|yeu cau|muc dich|thoi gian|nhiem vu|giai phap|quan diem"
    if re.search(other, key) and "muc tieu" not in key and "chi tieu" not in key:
        return None
    if re.search(r"\bchung\b|tong quat", key):
        return "figures"
    if re.search(r"muc tieu|chi tieu|cu the|phan dau", key):
        return "all"
    return "figures"


def _target_sections(doc: Document) -> list[tuple[int, int]]:
    spans = []
    for section in top_sections(doc):
        key = section.key()
        if section.number != "PL" and ("muc tieu" in key or "chi tieu" in key):
            spans.append((section.start + 1, section.end))
    return spans


def _entry(text: str, line: int) -> dict[str, Any]:
    return {"text": text, **_value(text), "source_line": line}


_QUOTA = re.compile(
    r"\bmỗi\s+(năm|quý|tháng|tuần)\s+(?:có|đạt|thực hiện|tổ chức)?\s*(?:ít nhất|tối thiểu)?\s*"
    r"(" + _NUMBER + r")\s+([^\d.;]+?)\s+(?=về|trên|cho|tại|của|trong|theo)"
)


def _quota(sentence: str, line: int) -> dict[str, Any] | None:
    """ "100% xã … mỗi quý có ít nhất 04 tin, bài về …": the per-period quota is a target too."""
    match = _QUOTA.search(sentence)
    if not match or match.start() == 0:
        return None
    text = sentence[match.start() :].rstrip(" .;")
    unit = f"{match.group(3).strip()}/{match.group(1)}"
    return {"text": text, "value": _number(match.group(2)), "unit": unit, "source_line": line}


def parse_targets(doc: Document) -> list[dict[str, Any]]:
    """One entry per target: text as written, value (and value_max), unit, source line."""
    targets: list[dict[str, Any]] = []
    for start, end in _target_sections(doc):
        mode: str | None = "all"
        for paragraph in paragraphs(doc, start, end):
            text = paragraph.text
            if re.match(r"^\d+\.(?!\d)\s*\S", text) and _is_heading(text):
                mode = _mode(text)
                continue
            if mode is None or _is_heading(text):
                continue
            body = _strip_marker(text)
            sentences = _sentences(body)
            with_figures = [s for s in sentences if _has_figure(s)]
            if mode == "figures":
                for sentence in with_figures:
                    for clause in _split_outside_brackets(sentence, ";"):
                        if _has_figure(clause):
                            targets.append(_entry(clause.strip(), paragraph.line))
                continue
            if not with_figures:
                targets.append(_entry(body, paragraph.line))
                continue
            for index, sentence in enumerate(sentences):
                if not _has_figure(sentence) or (index and _QUALIFIER.match(sentence)):
                    continue
                for piece in _entries(sentence):
                    targets.append(_entry(piece, paragraph.line))
                    quota = _quota(piece, paragraph.line)
                    if quota:
                        targets.append(quota)
    return targets
