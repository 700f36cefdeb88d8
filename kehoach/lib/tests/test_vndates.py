import datetime as dt

from kehoach.lib.vndates import date_long, date_short, month_bounds, quarter_bounds


def test_it_writes_dates_the_decree_30_way():
    assert date_long(dt.date(2024, 6, 30)) == "ngày 30 tháng 6 năm 2024"
    # Days below 10 and the months January and February take a leading zero.
    assert date_long(dt.date(2024, 2, 5)) == "ngày 05 tháng 02 năm 2024"
    assert date_long(dt.date(2023, 3, 12)) == "ngày 12 tháng 3 năm 2023"


def test_it_writes_short_dates_without_padding():
    assert date_short(dt.date(2024, 6, 5)) == "5/6/2024"


def test_quarter_and_month_bounds():
    assert quarter_bounds(2024, 3) == (dt.date(2024, 7, 1), dt.date(2024, 9, 30))
    assert month_bounds(2024, 2) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert month_bounds(2024, 12) == (dt.date(2024, 12, 1), dt.date(2024, 12, 31))
