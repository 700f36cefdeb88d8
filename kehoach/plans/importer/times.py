"""Time wording of a plan ("Quý III, IV/ năm 2024", "Hoàn thành trong năm 2025") -> dates.

Follows the label conventions of shared/plans/README.md: quarters and months give their first and
last day, "Hoàn thành/Xong trong …", "trước ngày D" and "đến hết …" give only an end, "Từ D" gives
only a start, "… và các năm tiếp theo" is open-ended and recurring, "Thường xuyên" / "Hằng năm"
are recurring without dates unless a year is written, and times tied to an event ("Sau khi …
ban hành", "Theo tiến độ …") give no dates. Unknown wording gives no dates; nothing here raises.

Matching runs on `search_key` (lower case, no diacritics), so "Quí"/"Quý" and "hằng"/"hàng"
are one spelling; the wording itself is kept by the caller.
"""

import datetime as dt
import re
from dataclasses import dataclass

from kehoach.lib.vndates import month_bounds, quarter_bounds
from kehoach.lib.vntext import search_key

# Recurrence values are kehoach.plans.models.Recurrence values; the importer stays model-free.
NONE, CONTINUOUS, YEARLY, QUARTERLY, MONTHLY = (
    "none",
    "continuous",
    "yearly",
    "quarterly",
    "monthly",
)


@dataclass(frozen=True)
class TimeSpec:
    start: dt.date | None = None
    end: dt.date | None = None
    recurring: bool = False
    recurrence: str = NONE

    def as_dict(self) -> dict[str, object]:
        """The draft fields: ISO dates, as in the JSON format of the labels."""
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "recurring": self.recurring,
            "recurrence": self.recurrence,
        }


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_YEAR = r"((?:19|20)\d\d)"
# "15/12/2024", "15-12-2024", "15.12.2024", "ngày 15 tháng 12 năm 2024", and "15/12" (plan year).
_DATE = (
    r"(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*" + _YEAR + r")?(?![\d/])"
    r"|(\d{1,2})[.-](\d{1,2})[.-]" + _YEAR + r"(?![\d/])"
    r"|(\d{1,2})\s+thang\s+(\d{1,2})(?:\s+nam\s+" + _YEAR + r")?"
)
_DATE_RE = re.compile(r"(?<![\d/])(?:" + _DATE + r")")
# A document reference "Kế hoạch 113/KH-UBND ngày 18/3/2026", "Nghị định 217/2025/NĐ-CP":
# its date is the document's, not the task's.
_DOC_REF = re.compile(
    r"\b\d+\w*[/-][\w/&.-]*[a-z][\w&-]*(?:\s+ngay\s+(?:\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}"
    r"|\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4}))?"
)
_QUARTER_RE = re.compile(
    r"\bqu[iy]\s+((?:iv|i{1,3}|[1-4])\b(?:\s*(?:,|va|&|-|den)\s*(?:qu[iy]\s+)?(?:iv|i{1,3}|[1-4])\b)*)"
    r"(?:\s*(?:/|-|,|\.)?\s*(?:nam\s*)?" + _YEAR + r")?"
)
_MONTH_RE = re.compile(
    r"\bthang\s+(\d{1,2})\b((?:\s*(?:,|va|-|den)\s*(?:thang\s+)?\d{1,2}\b(?!\s*/\s*\d{1,2}\s*/))*)"
    r"(?:\s*(?:/|-|\.)?\s*(?:nam\s*)?" + _YEAR + r")?"
)
_YEAR_RANGE_RE = re.compile(
    r"(?:tu\s+)?(?:nam\s+|giai\s+doan\s+)?"
    + _YEAR
    + r"\s*(?:-|den(?:\s+het)?(?:\s+nam)?)\s*"
    + _YEAR
)
_YEAR_RE = re.compile(r"(?<![\d/])" + _YEAR + r"(?![\d/])")
_HALF_RE = re.compile(r"\b(?:06|6|sau)\s+thang\s+(dau|cuoi)\s+nam(?:\s+" + _YEAR + r")?")

# Wording that makes the time a deadline: only the end is known.
_DEADLINE = re.compile(
    r"\b(?:hoan\s+thanh|xong|truoc|cham\s+nhat|han\s+chot|thoi\s+han|den\s+het|den\s+nam|"
    r"cuoi\s+nam|tu\s+nay\s+den)\b"
)
_OPEN_ENDED = re.compile(r"\b(?:cac|nhung)\s+nam\s+(?:tiep\s+theo|sau|ke\s+tiep)\b|\btro\s+di\b")
# Times tied to an event rather than a date.
_EVENT = re.compile(
    r"^(?:thoi\s+gian\s+thuc\s+hien\s+)?(?:sau\s+khi|khi|ngay\s+sau\s+khi)\b|\bsau\s+khi\b"
    r"|\btheo\s+(?:tien\s+do|lo\s+trinh|yeu\s+cau|huong\s+dan|chi\s+dao)\b"
)
_CONTINUOUS = re.compile(r"\bthuong\s+xuyen\b|\blien\s+tuc\b")
_EVERY = re.compile(r"\b(?:hang|moi)\s+(nam|quy|thang)\b")
_EVERY_VALUE = {"nam": YEARLY, "quy": QUARTERLY, "thang": MONTHLY}


def _key(text: str) -> str:
    text = re.sub(r"[*_`]+|<br\s*/?>", " ", text)
    text = text.replace("–", "-").replace("—", "-").replace("‐", "-")
    return re.sub(r"\s+", " ", search_key(text)).strip(" .;:,")


def _safe_date(year: int | None, month: int, day: int) -> dt.date | None:
    if year is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _dates(key: str, year: int | None) -> list[tuple[int, int, dt.date]]:
    """Every calendar date in the key, as (position, end position, date)."""
    found = []
    for match in _DATE_RE.finditer(key):
        groups = match.groups()
        day, month, written_year = next(
            groups[i : i + 3] for i in (0, 3, 6) if groups[i] is not None
        )
        date = _safe_date(int(written_year) if written_year else year, int(month), int(day))
        if date:
            found.append((match.start(), match.end(), date))
    return found


def _recurrence(key: str) -> str:
    if _CONTINUOUS.search(key):
        return CONTINUOUS
    every = _EVERY.search(key)
    if every:
        return _EVERY_VALUE[every.group(1)]
    if _OPEN_ENDED.search(key) and not re.search(r"\btro\s+di\b", key):
        return YEARLY
    return NONE


def _date_span(key: str, year: int | None) -> tuple[dt.date | None, dt.date | None] | None:
    """Dates written as days: windows, deadlines, starts and single days."""
    dates = _dates(key, year)
    if not dates:
        return None
    starts: list[dt.date] = []
    ends: list[dt.date] = []
    for position, end_position, date in dates:
        before = key[max(0, position - 16) : position]
        after = key[end_position : end_position + 12]
        if re.search(r"(?:truoc|cham\s+nhat|den|toi|-)\s*(?:het\s+)?(?:ngay\s+)?$", before):
            ends.append(date)
        elif re.search(r"\btu\s+(?:\S+\s+)?(?:ngay\s+)?$", before) or re.match(
            r"\s*(?:-|den)", after
        ):
            starts.append(date)
        else:
            starts.append(date)
            ends.append(date)
    start = min(starts) if starts else None
    end = max(ends) if ends else None
    if start and end and end < start:
        return start, None
    return start, end


def _quarter_span(key: str, year: int | None) -> tuple[dt.date, dt.date] | None:
    spans: list[tuple[dt.date, dt.date]] = []
    pending: list[int] = []  # quarters still waiting for a year ("Quý III và Quý IV/2024")
    for match in _QUARTER_RE.finditer(key):
        quarters = [_ROMAN[q] for q in re.findall(r"iv|i{1,3}|[1-4]", match.group(1))]
        written = int(match.group(2)) if match.group(2) else None
        if written is None:
            pending.extend(quarters)
            continue
        for quarter in pending + quarters:
            spans.append(quarter_bounds(written, quarter))
        pending = []
    if pending and year is not None:
        spans.extend(quarter_bounds(year, quarter) for quarter in pending)
    if not spans:
        return None
    return min(s for s, _ in spans), max(e for _, e in spans)


def _month_span(key: str, year: int | None) -> tuple[dt.date, dt.date] | None:
    spans: list[tuple[dt.date, dt.date]] = []
    pending: list[int] = []
    for match in _MONTH_RE.finditer(key):
        months = [int(match.group(1))] + [int(m) for m in re.findall(r"\d{1,2}", match.group(2))]
        months = [m for m in months if 1 <= m <= 12]
        written = int(match.group(3)) if match.group(3) else None
        if written is None:
            pending.extend(months)
            continue
        spans.extend(month_bounds(written, m) for m in pending + months)
        pending = []
    if pending and year is not None:
        spans.extend(month_bounds(year, m) for m in pending)
    if not spans:
        return None
    return min(s for s, _ in spans), max(e for _, e in spans)


def _year_span(key: str) -> tuple[dt.date, dt.date] | None:
    half = _HALF_RE.search(key)
    if half and half.group(2):
        written = int(half.group(2))
        if half.group(1) == "dau":
            return dt.date(written, 1, 1), dt.date(written, 6, 30)
        return dt.date(written, 7, 1), dt.date(written, 12, 31)
    years: list[int] = []
    for match in _YEAR_RANGE_RE.finditer(key):
        years.extend((int(match.group(1)), int(match.group(2))))
    if not years:
        years = [int(y) for y in _YEAR_RE.findall(key)]
    if not years:
        return None
    return dt.date(min(years), 1, 1), dt.date(max(years), 12, 31)


def parse_time(text: str | None, *, year: int | None) -> TimeSpec:
    """Dates and recurrence of a time as written; `year` is the plan's, for "15/11" or "Quý II"."""
    key = _key(text or "")
    if not key:
        return TimeSpec()
    recurrence = _recurrence(key)
    recurring = recurrence != NONE
    if _EVENT.search(key):
        return TimeSpec(recurring=recurring, recurrence=recurrence)
    key = _DOC_REF.sub(" ", key)
    # "Từ nay đến hết năm 2025": the start is the day of issue, which the time does not say.
    span: tuple[dt.date | None, dt.date | None] | None = (
        _date_span(key, year) or _quarter_span(key, year) or _month_span(key, year)
    )
    from_days = span is not None and bool(_dates(key, year))
    if span is None:
        span = _year_span(key)
    if span is None:
        return TimeSpec(recurring=recurring, recurrence=recurrence)
    start, end = span
    if not from_days:
        if _DEADLINE.search(key) and not re.search(r"\btu\s+(?:nam|quy|thang|giai)", key):
            start = None
        if _OPEN_ENDED.search(key):
            end = None
    return TimeSpec(start=start, end=end, recurring=recurring, recurrence=recurrence)


# A window written inside a task's text: "(từ ngày 15/11 đến ngày 15/12)".
_WINDOW_IN_TEXT = re.compile(
    r"[Tt]ừ\s+ngày\s+\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?\s+đến\s+(?:hết\s+)?ngày\s+"
    r"\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?"
)


def find_window(text: str, *, year: int | None) -> tuple[str, TimeSpec] | None:
    """A "từ ngày D/M đến ngày D/M" window inside prose, as written, with its dates."""
    match = _WINDOW_IN_TEXT.search(text)
    if not match:
        return None
    spec = parse_time(match.group(0), year=year)
    if spec.start is None or spec.end is None:
        return None
    return match.group(0), spec
