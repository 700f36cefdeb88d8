"""Vietnamese dates as official documents write them (Decree 30/2020)."""

import datetime as dt


def _pad_day(day: int) -> str:
    return f"{day:02d}"


def _pad_month(month: int) -> str:
    # Decree 30: days below 10 and the months 1 and 2 take a leading zero; other months do not.
    return f"{month:02d}" if month <= 2 else str(month)


def date_long(value: dt.date) -> str:
    """ "ngày 30 tháng 6 năm 2024", "ngày 05 tháng 02 năm 2024"."""
    return f"ngày {_pad_day(value.day)} tháng {_pad_month(value.month)} năm {value.year}"


def date_short(value: dt.date) -> str:
    """ "30/6/2024", the short form used in tables and plan texts."""
    return f"{value.day}/{value.month}/{value.year}"


def quarter_of(value: dt.date) -> int:
    return (value.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter."""
    first = dt.date(year, 3 * quarter - 2, 1)
    return first, month_bounds(year, 3 * quarter)[1]


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """First and last day of a month."""
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


ROMAN_QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}
