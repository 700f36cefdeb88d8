"""Time wording -> start, end, recurrence, by the label conventions of shared/plans/README.md."""

import datetime as dt

from django.test import SimpleTestCase

from kehoach.plans.importer.times import TimeSpec, find_window, parse_time
from kehoach.plans.models import Recurrence

D = dt.date
# (wording, plan year, start, end, recurring, recurrence)
CASES: list[tuple[str, int | None, dt.date | None, dt.date | None, bool, str]] = [
    # Continuous or recurring: no dates unless a year is written.
    ("Thường xuyên", 2025, None, None, True, "continuous"),
    ("Thực hiện thường xuyên", 2025, None, None, True, "continuous"),
    ("Thực hiện thường xuyên .", 2025, None, None, True, "continuous"),
    ("Thường xuyên, hằng năm", 2025, None, None, True, "continuous"),
    ("Hằng năm", 2025, None, None, True, "yearly"),
    ("Hàng năm", 2025, None, None, True, "yearly"),
    ("Hằng quý", 2025, None, None, True, "quarterly"),
    ("Hằng tháng", 2025, None, None, True, "monthly"),
    ("Theo kế hoạch công tác tư pháp hàng năm", 2025, None, None, True, "yearly"),
    ("Theo Kế hoạch bồi dưỡng công chức, viên chức hàng năm", 2025, None, None, True, "yearly"),
    ("Thường xuyên trong năm 2024", 2024, D(2024, 1, 1), D(2024, 12, 31), True, "continuous"),
    ("Thường xuyên, theo yêu cầu nhiệm vụ", 2025, None, None, True, "continuous"),
    # Quarters.
    ("Quý II/2024", 2024, D(2024, 4, 1), D(2024, 6, 30), False, "none"),
    ("Quý III, IV/ năm 2024", 2024, D(2024, 7, 1), D(2024, 12, 31), False, "none"),
    ("Quí IV-2025", 2025, D(2025, 10, 1), D(2025, 12, 31), False, "none"),
    ("Quý III Năm 2026", 2026, D(2026, 7, 1), D(2026, 9, 30), False, "none"),
    ("Quý IV/2025- Quý II/2026", 2025, D(2025, 10, 1), D(2026, 6, 30), False, "none"),
    ("Xong trong Quý II/2026", 2026, None, D(2026, 6, 30), False, "none"),
    ("Quý IV năm 2025 và các năm tiếp theo", 2025, D(2025, 10, 1), None, True, "yearly"),
    ("Quý 2", 2024, D(2024, 4, 1), D(2024, 6, 30), False, "none"),
    # Months.
    ("Tháng 6/2024", 2024, D(2024, 6, 1), D(2024, 6, 30), False, "none"),
    ("Tháng 12/2025", 2025, D(2025, 12, 1), D(2025, 12, 31), False, "none"),
    ("Xong trong tháng 5/2026", 2026, None, D(2026, 5, 31), False, "none"),
    ("Tháng 6 - 8/2024", 2024, D(2024, 6, 1), D(2024, 8, 31), False, "none"),
    # Years and periods.
    ("Cả năm 2024", 2024, D(2024, 1, 1), D(2024, 12, 31), False, "none"),
    ("Trong năm 2026", 2026, D(2026, 1, 1), D(2026, 12, 31), False, "none"),
    ("Hoàn thành trong năm 2025", 2025, None, D(2025, 12, 31), False, "none"),
    ("Năm 2025 và các năm tiếp theo", 2025, D(2025, 1, 1), None, True, "yearly"),
    ("Giai đoạn 2026-2030 và những năm tiếp theo", 2026, D(2026, 1, 1), None, True, "yearly"),
    ("Giai đoạn 2026 - 2030", 2026, D(2026, 1, 1), D(2030, 12, 31), False, "none"),
    ("Từ nay đến hết năm 2025", 2025, None, D(2025, 12, 31), False, "none"),
    ("từ nay đến năm 2030", 2025, None, D(2030, 12, 31), False, "none"),
    ("6 tháng đầu năm 2025", 2025, D(2025, 1, 1), D(2025, 6, 30), False, "none"),
    # Deadlines, starts, windows and single days.
    ("trước ngày 15/12/2024", 2024, None, D(2024, 12, 15), False, "none"),
    ("Trước ngày 15 tháng 12 năm 2024", 2024, None, D(2024, 12, 15), False, "none"),
    (
        "Hoàn thành đầu tư, lắp đặt và vận hành xong trước ngày 01/01/2030",
        2026,
        None,
        D(2030, 1, 1),
        False,
        "none",
    ),
    ("Từ 01/7/2025", 2025, D(2025, 7, 1), None, False, "none"),
    (
        "Từ ngày 15/11/2025 đến ngày 15/12/2025",
        2025,
        D(2025, 11, 15),
        D(2025, 12, 15),
        False,
        "none",
    ),
    ("(từ ngày 15/11 đến ngày 15/12)", 2025, D(2025, 11, 15), D(2025, 12, 15), False, "none"),
    ("20/3/2024 - 20/8/2024", 2024, D(2024, 3, 20), D(2024, 8, 20), False, "none"),
    ("23/3/2026", 2026, D(2026, 3, 23), D(2026, 3, 23), False, "none"),
    ("25/3/2025", 2026, D(2025, 3, 25), D(2025, 3, 25), False, "none"),  # a typo stays literal
    ("Từ 13h30’ ngày 02/6/2026 (Thứ Ba)", 2026, D(2026, 6, 2), None, False, "none"),
    # Tied to an event: no dates, even when the event cites a dated document.
    ("Sau khi Nghị định 217/2025/NĐ-CP được ban hành", 2025, None, None, False, "none"),
    ("Thời gian thực hiện sau khi Chiến lược được ban hành", 2025, None, None, False, "none"),
    (
        "Theo tiến độ xây dựng dự thảo văn bản của cơ quan chủ trì soạn thảo",
        2025,
        None,
        None,
        False,
        "none",
    ),
    (
        "khi Chính phủ và các Bộ, ngành ban hành các văn bản quy định chi tiết",
        2025,
        None,
        None,
        False,
        "none",
    ),
    ("Triển khai đảm bảo theo lộ trình, hướng dẫn của Bộ, ngành", 2025, None, None, False, "none"),
    ("Theo Kế hoạch số 113/KH-UBND ngày 18/3/2026", 2026, None, None, False, "none"),
    # Unknown or empty wording: no dates, no exception.
    ("02 ngày", 2026, None, None, False, "none"),
    ("Dự kiến khoảng 02 ngày làm việc/01 đơn vị", 2026, None, None, False, "none"),
    ("khi có yêu cầu", 2026, None, None, False, "none"),
    ("Theo chỉ đạo của UBND tỉnh", 2026, None, None, False, "none"),
    ("ngày 30/2/2025", 2025, None, None, False, "none"),
    ("Quý II", None, None, None, False, "none"),
    ("", 2025, None, None, False, "none"),
]


class ParseTimeTest(SimpleTestCase):
    def test_it_reads_every_wording_of_the_conventions(self):
        for text, year, start, end, recurring, recurrence in CASES:
            with self.subTest(text=text):
                assert parse_time(text, year=year) == TimeSpec(start, end, recurring, recurrence)

    def test_it_returns_recurrence_values_of_the_task_model(self):
        for text, year, *_rest in CASES:
            assert parse_time(text, year=year).recurrence in Recurrence.values

    def test_it_reads_none_and_markup(self):
        assert parse_time(None, year=2024) == TimeSpec()
        spec = parse_time("**Quý II/2024**", year=2024)
        assert (spec.start, spec.end) == (D(2024, 4, 1), D(2024, 6, 30))

    def test_it_gives_iso_dates_for_the_draft(self):
        assert parse_time("Năm 2025 và các năm tiếp theo", year=2025).as_dict() == {
            "start": "2025-01-01",
            "end": None,
            "recurring": True,
            "recurrence": "yearly",
        }

    def test_it_never_raises_on_odd_input(self):
        for text in ["Quý V/2024", "Tháng 13/2024", "99/99/9999", "((((", "năm", "Từ", "-" * 500]:
            with self.subTest(text=text):
                parse_time(text, year=2024)


class FindWindowTest(SimpleTestCase):
    def test_it_finds_a_window_inside_a_task_text_with_the_plan_year(self):
        text = (
            "Nội dung: Triển khai Tháng hành động (từ ngày 15/11 đến ngày 15/12) và hưởng ứng "
            "“Ngày Quốc tế xóa bỏ mọi hình thức bạo lực đối với phụ nữ và trẻ em gái” (ngày 25/11)."
        )
        wording, spec = find_window(text, year=2025) or ("", TimeSpec())
        assert wording == "từ ngày 15/11 đến ngày 15/12"
        assert (spec.start, spec.end) == (D(2025, 11, 15), D(2025, 12, 15))

    def test_it_finds_nothing_in_plain_prose(self):
        assert (
            find_window("Tổ chức các hoạt động tuyên truyền cổ động trực quan", year=2024) is None
        )
