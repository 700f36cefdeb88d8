"""The target reader: which sentences are targets, how they are cut, and their figures."""

import json
from pathlib import Path
from typing import Any

from django.test import SimpleTestCase

from kehoach.plans.importer.document import Document
from kehoach.plans.importer.evaluate import norm
from kehoach.plans.importer.targets import parse_targets

DATA = Path(__file__).parent / "data" / "importer"


def targets_of(body: str) -> list[dict[str, Any]]:
    return parse_targets(Document.from_text(body))


def figures(target: dict[str, Any]) -> tuple[Any, Any, Any]:
    return target["value"], target.get("value_max"), target["unit"]


class LabelledDocumentsTest(SimpleTestCase):
    def test_it_cuts_and_reads_every_labelled_target(self):
        for path in sorted((DATA / "docs").glob("*.md")):
            label = json.loads((DATA / "labels" / f"{path.stem}.json").read_text())["targets"]
            found = parse_targets(Document.from_text(path.read_text(), name=path.name))
            with self.subTest(document=path.name):
                assert [norm(t["text"]) for t in found] == [norm(t["text"]) for t in label]
                assert [figures(t) for t in found] == [figures(t) for t in label]

    def test_every_target_points_at_its_source_line(self):
        path = DATA / "docs" / "14_laocai-sct-dean08-cong-nghiep.md"
        doc = Document.from_text(path.read_text())
        for target in parse_targets(doc):
            line = doc.lines[target["source_line"] - 1].text
            assert norm(target["text"])[:12] in norm(line) or "2." in line


class TargetCuttingTest(SimpleTestCase):
    def test_only_clauses_with_a_figure_count_under_a_general_objective(self):
        found = targets_of(
            "II. MỤC TIÊU\n1. Mục tiêu chung\nNâng cao nhận thức của Nhân dân; phấn đấu tỷ lệ hộ "
            "dùng nước sạch đạt 95%.\n2. Mục tiêu cụ thể\n- Giảm tai nạn giao thông.\n"
            "III. NHIỆM VỤ\n- 100% xã có kế hoạch.\n"
        )
        assert [t["text"] for t in found] == [
            "phấn đấu tỷ lệ hộ dùng nước sạch đạt 95%.",
            "Giảm tai nạn giao thông.",  # a target without a figure under a specific heading
        ]
        assert figures(found[1]) == (None, None, None)

    def test_a_qualifying_sentence_is_not_a_target(self):
        (found,) = targets_of(
            "II. MỤC TIÊU\n- Chỉ tiêu 1: Năm 2025 đạt 60% cơ quan có lãnh đạo chủ chốt là nữ. "
            "Đối với ngành có tỷ lệ nữ thấp dưới 30% có thể điều chỉnh mục tiêu.\n"
        )
        assert found["text"] == "Chỉ tiêu 1: Năm 2025 đạt 60% cơ quan có lãnh đạo chủ chốt là nữ."
        assert figures(found) == (60, None, "%")

    def test_a_sentence_with_two_figures_is_split_at_semicolons_and_running_totals(self):
        found = targets_of(
            "II. MỤC TIÊU\n- Hình thành mới 05 Khu công nghiệp, nâng tổng số lên 12 KCN; tỷ lệ "
            "lấp đầy bình quân đạt trên 80%.\n- Bổ sung khoảng 2.989,5 MW, nâng tổng công suất "
            "lên 4.758,5 MW (gồm 166 dự án thủy điện; 02 dự án điện gió).\n"
        )
        assert [(t["text"], figures(t)) for t in found] == [
            ("Hình thành mới 05 Khu công nghiệp", (5, None, "Khu công nghiệp")),
            ("nâng tổng số lên 12 KCN", (12, None, "KCN")),
            ("tỷ lệ lấp đầy bình quân đạt trên 80%.", (80, None, "%")),
            ("Bổ sung khoảng 2.989,5 MW", (2989.5, None, "MW")),
            ("nâng tổng công suất lên 4.758,5 MW.", (4758.5, None, "MW")),  # breakdown dropped
        ]

    def test_headings_and_target_free_sub_sections_are_skipped(self):
        found = targets_of(
            "II. MỤC TIÊU, ĐỐI TƯỢNG\n1. Mục tiêu cụ thể\na) Lĩnh vực lao động:\n"
            "a) Đến hết năm 2025: Có ≥ 30% hợp tác xã ứng dụng công nghệ số.\n"
            "2. Đối tượng áp dụng\na) Các doanh nghiệp nhỏ và vừa có 10 lao động trở lên.\n"
        )
        assert [t["text"] for t in found] == [
            "Đến hết năm 2025: Có ≥ 30% hợp tác xã ứng dụng công nghệ số."
        ]


class FigureTest(SimpleTestCase):
    CASES: list[tuple[str, tuple[Any, Any, Any]]] = [
        ("chiếm từ 15 - 20% tổng số sản phẩm", (15, 20, "%")),
        ("tỷ lệ lấp đầy đạt 60-70%.", (60, 70, "%")),
        ("Chỉ số sản xuất công nghiệp tăng bình quân 12%/năm.", (12, None, "%/năm")),
        ("giảm còn 1,7 lần vào năm 2025.", (1.7, None, "lần")),
        ("đạt 99,86%.", (99.86, None, "%")),
        ("Diện tích làm mới thêm: trên 2.000 ha.", (2000, None, "ha")),
        (
            "Tỷ số giới tính khi sinh ở mức 107 trẻ sơ sinh trai/100 trẻ sơ sinh gái sinh ra sống",
            (
                107,
                None,
                "trẻ sơ sinh trai/100 trẻ sơ sinh gái",
            ),
        ),
        (
            "tử vong bà mẹ dưới 4/100.000 trẻ sinh ra còn sống vào năm 2025.",
            (
                4,
                None,
                "/100.000 trẻ sinh ra còn sống",
            ),
        ),
        (
            "giảm từ 23 ca sinh/1.000 phụ nữ xuống 18 ca sinh/1.000 phụ nữ vào năm 2025.",
            (
                18,
                None,
                "ca sinh/1.000 phụ nữ",
            ),
        ),
        ("Có ít nhất một cơ sở y tế cung cấp thí điểm dịch vụ", (1, None, "cơ sở y tế")),
        (
            "01 Khu công nghiệp đạt tiêu chuẩn KCN sinh thái (KCN Tằng Loỏng).",
            (
                1,
                None,
                "Khu công nghiệp",
            ),
        ),
        # Years, dates, document numbers and list labels are not figures.
        (
            "Chỉ tiêu 2: Đến năm 2030 hoàn thành Đề án số 08 theo Kế hoạch 113/KH-UBND.",
            (
                None,
                None,
                None,
            ),
        ),
    ]

    def test_it_reads_value_range_and_unit(self):
        for text, expected in self.CASES:
            with self.subTest(text=text):
                (found,) = targets_of(f"II. MỤC TIÊU\n- {text}\n")
                assert figures(found) == expected
