"""The reporting reader: who reports, by when, how often and to whom."""

import json
from pathlib import Path
from typing import Any

from django.test import SimpleTestCase

from kehoach.plans.importer.document import Document
from kehoach.plans.importer.evaluate import norm
from kehoach.plans.importer.reporting import parse_reporting
from kehoach.plans.models import ReportPeriod

DATA = Path(__file__).parent / "data" / "importer"


def duties_of(body: str) -> list[dict[str, Any]]:
    return parse_reporting(Document.from_text(body))


def summary(duties: list[dict[str, Any]]) -> list[tuple[str, Any, Any]]:
    return [(norm(d["who"]), d["due"], d["period"]) for d in duties]


class LabelledDocumentsTest(SimpleTestCase):
    def test_it_finds_every_labelled_duty_with_its_due_day_and_period(self):
        for path in sorted((DATA / "docs").glob("*.md")):
            label = json.loads((DATA / "labels" / f"{path.stem}.json").read_text())["reporting"]
            found = parse_reporting(Document.from_text(path.read_text(), name=path.name))
            with self.subTest(document=path.name):
                assert sorted(summary(found), key=str) == sorted(summary(label), key=str)

    def test_periods_are_values_of_the_model(self):
        for path in sorted((DATA / "docs").glob("*.md")):
            for duty in parse_reporting(Document.from_text(path.read_text())):
                assert duty["period"] in [None, *ReportPeriod.values]


SEED_LIKE = (
    "## **VI. TỔ CHỨC THỰC HIỆN**\n\n### **1. Phòng Văn hoá và Thông tin huyện**\n\n"
    "- Là cơ quan đầu mối triển khai thực hiện Kế hoạch; tổng hợp, báo cáo Ủy ban nhân dân "
    "huyện theo quy định.\n\n## **3. UBND các xã, thị trấn**\n\n"
    "- Phối hợp tham gia việc cung cấp thông tin, báo cáo chuyên đề tại Hội nghị. Định kỳ báo "
    "cáo 06 tháng đầu năm (trước ngày 30/6) và báo cáo cả năm 2024 (trước ngày 30/11), hoặc "
    "thực hiện các báo cáo đột xuất khác về UBND huyện Núi Thành qua Phòng Văn hoá và Thông "
    "tin.\n\nTrên đây là Kế hoạch; nếu có khó khăn, vướng mắc kịp thời báo cáo UBND huyện./.\n"
)


class ReportingTest(SimpleTestCase):
    def test_one_sentence_gives_one_duty_per_report_and_talks_are_not_duties(self):
        duties = duties_of(SEED_LIKE)
        assert summary(duties) == [
            (norm("Phòng Văn hoá và Thông tin huyện"), None, None),
            (norm("UBND các xã, thị trấn"), "06-30", "6 tháng"),
            (norm("UBND các xã, thị trấn"), "11-30", "năm"),
            (norm("UBND các xã, thị trấn"), None, "đột xuất"),
        ]
        assert duties[1]["what"] == "báo cáo 06 tháng đầu năm"
        assert duties[1]["to_whom"] == "UBND huyện Núi Thành (qua Phòng Văn hoá và Thông tin)"

    def test_monthly_deadlines_use_stars_for_the_month(self):
        duties = duties_of(
            "VI. CHẾ ĐỘ BÁO CÁO\nCác phòng, đơn vị báo cáo tình hình thực hiện về Phòng Kế "
            "hoạch - Tổng hợp trước ngày 18 hằng tháng.\n"
        )
        assert summary(duties) == [(norm("Các phòng, đơn vị"), "**-18", "tháng")]
        assert duties[0]["to_whom"] == "Phòng Kế hoạch - Tổng hợp"

    def test_two_days_a_year_are_a_half_year_and_a_yearly_report_plus_ad_hoc(self):
        duties = duties_of(
            "IV. TỔ CHỨC THỰC HIỆN\n**1. Sở Khoa học và Công nghệ**\nĐôn đốc các đơn vị.\n"
            "**2. Ủy ban nhân dân các xã, phường**\nXây dựng kế hoạch; định kỳ **trước\n"
            "ngày 01/6 và 15/11 hằng năm ***(hoặc đột xuất khi có yêu cầu) *báo cáo kết\n"
            "quả thực hiện về Sở Khoa học và Công nghệ để tổng hợp, báo cáo Ủy ban nhân dân Tỉnh.\n"
        )
        assert summary(duties) == [
            (norm("Ủy ban nhân dân các xã, phường"), "06-01", "6 tháng"),
            (norm("Ủy ban nhân dân các xã, phường"), "11-15", "năm"),
            (norm("Ủy ban nhân dân các xã, phường"), None, "đột xuất"),
            # The body that collects the reports owes the province its own.
            (norm("Sở Khoa học và Công nghệ"), None, None),
        ]

    def test_a_periodic_review_gives_one_duty_per_period(self):
        duties = duties_of(
            "VI. CHẾ ĐỘ BÁO CÁO\nĐịnh kỳ 6 tháng, hàng năm, giữa nhiệm kỳ, Sở Công Thương tổ "
            "chức sơ kết, đánh giá kết quả thực hiện; sơ kết 3 năm, kết thúc nhiệm kỳ tổng kết "
            "thực hiện Kế hoạch và báo cáo Tỉnh ủy.\n"
        )
        assert summary(duties) == [
            (norm("Sở Công Thương"), None, "6 tháng"),
            (norm("Sở Công Thương"), None, "năm"),
            (norm("Sở Công Thương"), None, None),
        ]

    def test_a_full_date_gives_its_day_and_month(self):
        duties = duties_of(
            "VII. CHẾ ĐỘ BÁO CÁO\nCác sở, ban, ngành gửi báo cáo công tác Bình đẳng giới năm "
            "2025 và báo cáo kết quả thực hiện Tháng hành động về Sở Nội vụ trước ngày 16 tháng "
            "12 năm 2025.\n"
        )
        assert summary(duties) == [
            (norm("Các sở, ban, ngành"), "12-16", "năm"),
            (norm("Các sở, ban, ngành"), "12-16", None),
        ]

    def test_a_dedicated_section_wins_over_duties_in_the_organisation_section(self):
        duties = duties_of(
            "V. TỔ CHỨC THỰC HIỆN\n1. Phòng Kế hoạch - Tổng hợp: báo cáo kết quả thực hiện.\n"
            "VI. CHẾ ĐỘ BÁO CÁO\nCác phòng báo cáo về Văn phòng Sở trước ngày 20 hằng tháng.\n"
        )
        assert summary(duties) == [(norm("Các phòng"), "**-20", "tháng")]

    def test_a_plan_without_reporting_has_none(self):
        assert duties_of("I. MỤC ĐÍCH\nNâng cao nhận thức.\nII. NHIỆM VỤ\n1. Tuyên truyền.\n") == []
