"""parse_prose keeps the plan's own words for purposes, requirements, objective, themes, funding
and unit duties, each from its section, however the section heading is dressed."""

from pathlib import Path
from typing import Any

from django.test import SimpleTestCase, TestCase

from kehoach.plans.importer.document import Document
from kehoach.plans.importer.prose import parse_prose
from kehoach.plans.models import Convention
from kehoach.plans.services import conventions_load

DOCS = Path(__file__).parent / "data" / "importer" / "docs"


def read(name: str) -> dict[str, Any]:
    return parse_prose(Document.from_text((DOCS / name).read_text(encoding="utf-8")))


class SeedProseTest(SimpleTestCase):
    prose: dict[str, Any]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.prose = read("00_seed.md")

    def test_it_splits_purposes_from_requirements(self):
        assert self.prose["purposes"].startswith("Hiểu biết một cách đúng đắn về quyền con người")
        assert self.prose["requirements"].startswith("Công tác tuyên truyền về quyền con người cần")
        assert "Yêu cầu" not in self.prose["purposes"]

    def test_it_keeps_the_general_objective_and_the_funding(self):
        assert self.prose["general_objective"].startswith("Truyền thông về quyền con người nhằm")
        assert self.prose["funding"].startswith("Kinh phí thực hiện các nhiệm vụ được bố trí")

    def test_it_lists_the_5_content_themes_with_their_lines(self):
        themes = self.prose["themes"]
        assert [t["number"] for t in themes] == ["1", "2", "3", "4", "5"]
        assert themes[0]["text"].startswith("Tuyên truyền Luật pháp quốc tế về quyền con người")
        # A theme broken across a page ("để không ai bị\n\nbỏ lại phía sau") is one theme.
        assert "không ai bị bỏ lại phía sau" in themes[2]["text"]
        assert all(t["source_line"] for t in themes)

    def test_it_gives_each_unit_its_duties(self):
        assert [d["who"] for d in self.prose["duties"]] == [
            "Phòng Văn hoá và Thông tin huyện",
            "Ban Tuyên giáo Huyện ủy",  # "Đề nghị" dropped
            "UBND các xã, thị trấn",
        ]
        assert "Định kỳ báo cáo 06 tháng đầu năm" in self.prose["duties"][2]["text"]


class OtherLayoutsTest(SimpleTestCase):
    def test_a_heading_broken_across_lines_stays_out_of_the_text(self):
        # Doc 10: "VI. KINH" + "PHÍ THỰC HIỆN" on the next line.
        funding = read("10_hcm-174-binh-dang-gioi.md")["funding"]
        assert funding.startswith("1. Các sở, ban, ngành") or funding.startswith(
            "Các sở, ban, ngành"
        )
        assert "PHÍ THỰC HIỆN" not in funding

    def test_a_plan_without_themes_has_none(self):
        assert "themes" not in read("14_laocai-sct-dean08-cong-nghiep.md")


class ConventionKeywordsTest(TestCase):
    def test_a_theme_names_conventions_in_the_plans_own_wording(self):
        conventions_load(
            items=[
                {
                    "abbr": "CRC",
                    "name_vi": "Công ước về quyền trẻ em",
                    "name_en": "CRC",
                    "keywords": ["quyền trẻ em"],
                },
                {
                    "abbr": "CAT",
                    "name_vi": "Công ước chống tra tấn",
                    "name_en": "CAT",
                    "keywords": ["chống tra tấn"],
                },
            ]
        )
        text = "Tuyên truyền Công ước về Quyền Trẻ Em và kinh nghiệm quốc tế"
        named = [c.abbr for c in Convention.objects.all() if c.is_named_in(text)]
        assert named == ["CRC"]
