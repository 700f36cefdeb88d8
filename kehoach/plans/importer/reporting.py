"""Reporting duties: who reports what, by when ("MM-DD", "**-DD" monthly), how often, to whom.

They are read from a "CHẾ ĐỘ BÁO CÁO" section when the plan has one, else from "TỔ CHỨC THỰC
HIỆN", where the unit is the numbered heading ("3. UBND các xã, thị trấn") or the subject of the
sentence ("Các phòng, đơn vị báo cáo …"). One sentence may hold several duties: "báo cáo 06 tháng
đầu năm (trước ngày 30/6) và báo cáo cả năm (trước ngày 30/11), hoặc … đột xuất" gives three;
"trước ngày 01/6 và 15/11 hằng năm" a half-year and a yearly one; "Định kỳ 6 tháng, hàng năm …
sơ kết" one per period. A body that receives reports "để tổng hợp, báo cáo Z" owes Z a report.
Escalations ("nếu có khó khăn, vướng mắc … báo cáo") and talks ("báo cáo chuyên đề") are not duties.
"""

import re
from typing import Any

from kehoach.lib.vntext import search_key

from .document import Document
from .sections import top_sections
from .targets import paragraphs

HALF_YEAR, YEAR, QUARTER, MONTH, AD_HOC = "6 tháng", "năm", "quý", "tháng", "đột xuất"

_REPORT_VERB = re.compile(r"\b(?:báo cáo|sơ kết|tổng kết)\b(?!\s+(?:chuyên đề|tham luận|viên))")
_NOT_DUTY = re.compile(r"khó khăn|vướng mắc|^Trên đây\b", re.IGNORECASE)
# Verbs (in lower case, as in running text) that end the unit a sentence starts with.
_SUBJECT_END = re.compile(
    r"(?<!,)\s+tổ chức\b|\s+(?:theo dõi|chủ trì|căn cứ|xây dựng|phối hợp|thực hiện|có trách nhiệm|"
    r"chịu trách nhiệm|triển khai|gửi|báo cáo|tham mưu|hướng dẫn|định kỳ|tổng hợp|là|chủ động|"
    r"trong phạm vi|trên cơ sở|khẩn trương|tiếp tục|rà soát|đôn đốc)\b|\s*[:(]"
)
_UNIT_START = re.compile(
    r"(?:Các|các|Sở|Phòng|UBND|Ủy ban|Uỷ ban|Văn phòng|Ban|Trung tâm|Chi cục|Công an|Bộ|Cục|"
    r"Thủ trưởng|Hội|Đài|Báo|Đoàn|Liên đoàn|Tòa án|Viện|Kho bạc|Thuế|Bảo hiểm|Ngân hàng|Trường|"
    r"Lãnh đạo|Tỉnh ủy|Tỉnh uỷ|Thành ủy|Thành uỷ|Huyện ủy|Huyện uỷ|Chính phủ|Thủ tướng|Chủ tịch|"
    r"Đề nghị)\b"
)
_HEADING = re.compile(r"^(?:\d+)\.\s*(?!\d)(.+)$")
_DUE = re.compile(
    r"(?:trước|chậm nhất|trước hoặc vào)\s+(?:ngày\s*)?(\d{1,2})"
    r"(?:\s*/\s*(\d{1,2})(?:\s*/\s*\d{4})?|\s+tháng\s+(\d{1,2})(?:\s+năm\s+\d{4})?)?"
    r"((?:\s*(?:và|,)\s*(?:ngày\s*)?\d{1,2}\s*/\s*\d{1,2})*)"
    r"(\s+(?:hằng|hàng|mỗi)\s+tháng)?",
    re.IGNORECASE,
)
_ONWARD = re.compile(
    r"\bvề\s+(" + _UNIT_START.pattern + r"[^,;()]{0,80}?)\s+(?:trước\s+ngày[^,;]*?\s+)?"
    r"để\s+tổng hợp,?\s+((?:báo cáo)\s+[^;.]+)"
)
_TO_WHOM = re.compile(
    r"\b(?:về|báo cáo|gửi)\s+(" + _UNIT_START.pattern + r"[^,;()]*?)"
    r"(?=\s+(?:qua|thông qua|trước|để|theo|kết quả|trong|lên)\b|\s+và\s+[a-zđ]|[,;().]|$)"
)
_VIA = re.compile(
    r"\b(?:thông\s+)?qua\s+("
    + _UNIT_START.pattern
    + r"[^,;()]*?)(?=\s+(?:để|trước|theo)\b|[,;().]|$)"
)


_RECEIVER_TAIL = re.compile(
    r"\s+(?:gửi\s+)?về\s+(?:" + _UNIT_START.pattern + r")[^,;()]*(?:\s+qua\s+[^,;()]*)?$"
)


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\*+", " ", text)).strip()


def _unit_name(text: str) -> str:
    """A heading or sentence start cut to the unit: "Sở Nội vụ (Cơ quan …):" -> "Sở Nội vụ"."""
    text = re.sub(r"^(?:[-+•]\s*|\d+\.\s*|[a-zđ]\)\s*)", "", text.strip())
    end = _SUBJECT_END.search(text)
    name = text[: end.start()] if end else text
    return name.strip(" .,:;")


def _subject(sentence: str) -> str | None:
    """The unit a sentence starts with, after any leading "Định kỳ …," phrase."""
    start = _UNIT_START.search(sentence)
    if not start or start.start() > 60:
        return None
    before = sentence[: start.start()]
    if before.strip() and not before.rstrip().endswith(","):
        return None
    end = _SUBJECT_END.search(sentence, start.start())
    if not end:
        return None
    name = sentence[start.start() : end.start()].strip(" ,")
    return name if 1 < len(name.split()) <= 25 else None


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-ZĐÂĂÊÔƠƯ])", text)
    return [p.strip() for p in parts if p.strip()]


def _clauses(sentence: str) -> list[str]:
    """Parts of a sentence between ";" outside brackets."""
    parts, depth, current = [], 0, ""
    for char in sentence:
        depth += char == "("
        depth -= char == ")"
        if char == ";" and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return [p for p in parts if p]


def _period_of(text: str) -> str | None:
    if re.search(r"\b0?6 tháng\b|\bsáu tháng\b|nửa năm", text):
        return HALF_YEAR
    if re.search(r"\b(?:hằng|hàng|mỗi) tháng\b", text):
        return MONTH
    if re.search(r"\b(?:hằng|hàng|mỗi) quý\b|\bquý\b", text):
        return QUARTER
    if re.search(r"\b(?:hằng|hàng|mỗi|cả) năm\b|\bcông tác\b.*\bnăm \d{4}", text):
        return YEAR
    return None


def _dues(text: str) -> tuple[list[str], bool]:
    """Due days written in a clause ("MM-DD"), and whether they are monthly ("**-DD")."""
    match = _DUE.search(text)
    if not match:
        return [], False
    day, month_slash, month_word, more, monthly = match.groups()
    if not 1 <= int(day) <= 31:
        return [], False  # not a day: a garbled or OCR-broken number
    if monthly or re.match(r"\s*(?:hằng|hàng|mỗi)\s+tháng", text[match.end() :]):
        return [f"**-{int(day):02d}"], True
    month = month_slash or month_word
    if not month:
        return [], False
    pairs = [(day, month), *re.findall(r"(\d{1,2})\s*/\s*(\d{1,2})", more or "")]
    dues = [
        f"{int(m):02d}-{int(d):02d}" for d, m in pairs if 1 <= int(d) <= 31 and 1 <= int(m) <= 12
    ]
    return dues, False


def _to_whom(text: str) -> str | None:
    target = _TO_WHOM.search(text)
    via = _VIA.search(text)
    name = target.group(1).strip() if target else None
    via_name = via.group(1).strip() if via else None
    if name and via_name and via_name != name:
        return f"{name} (qua {via_name})"
    return name or via_name


def _what(text: str) -> str:
    """The duty as worded, without its due-date brackets and the "(hoặc đột xuất …)" aside."""
    text = re.sub(r"\s*\((?:trước|hoặc)[^()]*\)", "", text)
    start = re.search(r"(?:tổng hợp,?\s+)?(?:các\s+)?(?:báo cáo|sơ kết|tổng kết)", text)
    if start and start.start() < len(text) // 2 + 40:
        text = text[start.start() :]
    # "… về UBND huyện X qua Phòng Y" closing the duty names its receiver (to_whom), not what.
    text = _RECEIVER_TAIL.sub("", text)
    return text.strip(" ,.;")


def _duty(who: str, what: str, due: str | None, period: str | None, line: int) -> dict[str, Any]:
    item: dict[str, Any] = {"who": who, "what": what, "due": due, "period": period}
    to_whom = _to_whom(what)
    if to_whom:
        item["to_whom"] = to_whom
    item["source_line"] = line
    return item


def _split_kinds(clause: str) -> list[str]:
    """ "báo cáo 06 tháng … và báo cáo cả năm …, hoặc … báo cáo đột xuất" -> one part per report."""
    parts = re.split(
        r"\s+và\s+(?=báo cáo\b)|,?\s+hoặc\s+(?=(?:thực hiện\s+)?(?:các\s+)?báo cáo\b)", clause
    )
    return [p for p in parts if p.strip()]


def _clause_duties(clause: str, who: str, line: int) -> list[dict[str, Any]]:
    duties: list[dict[str, Any]] = []
    ad_hoc = re.search(r"\(?\s*hoặc\s+(?:báo cáo\s+)?đột xuất[^)]*\)?", clause)
    periodic = re.match(r"^Định kỳ\s+((?:[^,]+,\s*)+?)(?=" + _UNIT_START.pattern + ")", clause)
    if periodic and not _DUE.search(clause):
        # "Định kỳ 6 tháng, hàng năm, giữa nhiệm kỳ, Sở X tổ chức sơ kết …": one per period.
        rest = clause[periodic.end() :]
        what = re.sub(r"^.*?\b(?=tổ chức|báo cáo|sơ kết|tổng kết)", "", rest)
        periods = [p for p in (_period_of(part) for part in periodic.group(1).split(",")) if p]
        for each in dict.fromkeys(periods):
            duties.append(_duty(who, what.strip(" .;"), None, each, line))
        if duties:
            return duties
    parts = _split_kinds(clause)
    for index, part in enumerate(parts):
        dues, monthly = _dues(part)
        if not dues and "đột xuất" not in part:
            # "báo cáo A và báo cáo B về X trước ngày D": A is due on D too.
            later = next((p for p in parts[index + 1 :] if _dues(p)[0]), None)
            if later is not None:
                dues, monthly = _dues(later)
        period = MONTH if monthly else _period_of(part)
        if re.search(r"\bđột xuất\b", part) and not dues and not re.search(r"\(\s*hoặc", part):
            duties.append(_duty(who, _what(part), None, AD_HOC, line))
            continue
        if len(dues) == 2 and not monthly:
            # "trước ngày 01/6 và 15/11 hằng năm": a half-year report and a yearly one.
            duties.append(_duty(who, _what(part), dues[0], HALF_YEAR, line))
            duties.append(_duty(who, _what(part), dues[1], YEAR, line))
        elif dues:
            duties.extend(_duty(who, _what(part), due, period, line) for due in dues)
        else:
            duties.append(_duty(who, _what(part), None, period, line))
    if ad_hoc and not any(d["period"] == AD_HOC for d in duties):
        what = _what(clause[: ad_hoc.start()] + clause[ad_hoc.end() :])
        duties.append(_duty(who, f"{what} (đột xuất khi có yêu cầu)", None, AD_HOC, line))
    # "… về UBND huyện X qua Phòng Y" at the end of the sentence names the receiver of every part.
    to_whom = _to_whom(clause)
    for duty in duties:
        if to_whom and "to_whom" not in duty:
            duty["to_whom"] = to_whom
    return duties


def _regions(doc: Document) -> list[tuple[int, int]]:
    sections = [s for s in top_sections(doc) if s.number != "PL"]
    own = [(s.start + 1, s.end) for s in sections if "bao cao" in s.key()]
    if own:
        return own
    return [(s.start + 1, s.end) for s in sections if "to chuc thuc hien" in s.key()]


def _merged_paragraphs(doc: Document, start: int, end: int) -> list[tuple[int, str]]:
    """Paragraphs, with a "- " line that continues an unfinished long sentence joined back."""
    merged: list[tuple[int, str]] = []
    for paragraph in paragraphs(doc, start, end):
        text = _plain(paragraph.text)
        if (
            merged
            and text.startswith("- ")
            and not re.search(r"[.:;!?]$", merged[-1][1])
            and len(merged[-1][1].split()) > 12
        ):
            merged[-1] = (merged[-1][0], f"{merged[-1][1]} {text}")
        else:
            merged.append((paragraph.line, text))
    return merged


def parse_reporting(doc: Document) -> list[dict[str, Any]]:
    """Reporting duties (who, what, due, period, to_whom where written, source_line)."""
    duties: list[dict[str, Any]] = []
    for start, end in _regions(doc):
        heading_unit: str | None = None
        for line, text in _merged_paragraphs(doc, start, end):
            heading = _HEADING.match(text)
            if heading:
                body = heading.group(1)
                unit = _unit_name(body)
                if unit and _UNIT_START.match(unit.removeprefix("Đề nghị").strip() or "-"):
                    heading_unit = re.sub(r"^Đề nghị:?\s*", "", unit)
                text = body
            for sentence in _sentences(text):
                if _NOT_DUTY.search(sentence):
                    continue
                who = heading_unit or _subject(sentence)
                if who is None:
                    continue
                for clause in _clauses(sentence):
                    if not _REPORT_VERB.search(clause):
                        continue
                    duties.extend(_clause_duties(clause, who, line))
                    onward = _ONWARD.search(clause)
                    if onward:
                        receiver = onward.group(1).strip()
                        duties.append(
                            _duty(receiver, f"tổng hợp, {onward.group(2)}", None, None, line)
                        )
    return _unique(duties)


def _unique(duties: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One duty per (who, due, period, what); the same body's undated duty is kept once."""
    seen: set[tuple[str, Any, Any, str]] = set()
    out = []
    for duty in duties:
        undated = duty["due"] is None and duty["period"] is None
        key = (
            search_key(duty["who"]),
            duty["due"],
            duty["period"],
            "" if undated else duty["what"],
        )
        if key not in seen:
            seen.add(key)
            out.append(duty)
    return out
