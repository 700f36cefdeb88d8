"""Sections of a plan: Roman-numbered parts, appendices and tables, whatever their dress."""

from django.test import SimpleTestCase

from kehoach.plans.importer.document import Document
from kehoach.plans.importer.sections import clean, find_section, tables, top_sections


def doc(text: str) -> Document:
    return Document.from_text(text)


class CleanTests(SimpleTestCase):
    def test_it_strips_heading_bold_and_bullet_dress(self) -> None:
        self.assertEqual(clean("## **II. MỤC TIÊU**"), "II. MỤC TIÊU")
        self.assertEqual(clean("- Đơn vị chủ trì: Phòng Văn hoá"), "Đơn vị chủ trì: Phòng Văn hoá")


class TopSectionsTests(SimpleTestCase):
    def test_it_finds_markdown_and_plain_headings_each_up_to_the_next(self) -> None:
        sections = top_sections(
            doc("#### I. MỤC ĐÍCH, YÊU CẦU\ntext\n\nII. NHIỆM VỤ TRỌNG TÂM\n1. Việc một\n")
        )
        self.assertEqual(
            [(s.number, s.title) for s in sections],
            [("I", "MỤC ĐÍCH, YÊU CẦU"), ("II", "NHIỆM VỤ TRỌNG TÂM")],
        )
        self.assertEqual((sections[0].start, sections[0].end), (0, 3))

    def test_it_joins_a_heading_broken_across_lines(self) -> None:
        sections = top_sections(doc("**III. NHIỆM\nVỤ, GIẢI PHÁP TRỌNG TÂM**\n\n**1. Việc**\n"))
        self.assertEqual(sections[0].title, "NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM")
        self.assertIsNotNone(find_section(doc("**III. NHIỆM\nVỤ, GIẢI PHÁP**"), "nhiệm vụ"))

    def test_it_ignores_sentence_case_numbered_lines(self) -> None:
        self.assertEqual(top_sections(doc("I. Đặc điểm, tình hình\nII. Kết quả thực hiện")), [])

    def test_it_finds_appendices_as_one_heading(self) -> None:
        sections = top_sections(
            doc("V. TỔ CHỨC THỰC HIỆN\nx\n\n**PHỤ LỤC**\n\nDANH MỤC CÁC NHIỆM VỤ TRỌNG TÂM\n\n|\n")
        )
        self.assertEqual([s.number for s in sections], ["V", "PL"])
        self.assertEqual(sections[1].title, "PHỤ LỤC DANH MỤC CÁC NHIỆM VỤ TRỌNG TÂM")
        numbered = top_sections(doc("VI. CHẾ ĐỘ BÁO CÁO\nx\nPhụ lục số 01:\nĐỀ CƯƠNG BÁO CÁO"))
        self.assertEqual([s.number for s in numbered], ["VI", "PL"])

    def test_it_does_not_take_a_group_row_of_a_table_for_a_section(self) -> None:
        text = "|\n**STT**\n|\n**Tên nhiệm vụ**\n|\n|\n**I.\nNÂNG CAO NHẬN THỨC**\n|\n"
        self.assertEqual(top_sections(doc(text)), [])


class TablesTests(SimpleTestCase):
    def test_it_reads_pipe_rows_without_the_rule_row(self) -> None:
        found = tables(doc("| TT | Nội dung |\n|---|---|\n| 1 | Rà soát |\n"))
        self.assertEqual(found[0].texts(), [["TT", "Nội dung"], ["1", "Rà soát"]])

    def test_it_reads_a_table_flattened_one_cell_per_line(self) -> None:
        text = (
            "|\nSTT\n|\nTên nhiệm vụ\n|\nCơ quan chủ trì\n|\n|\n"
            "**I. NHÓM**\n|\n|\n1\n|\nTriển khai nền tảng\nđào tạo trực tuyến\n|\nSở KH&CN\n|\n"
        )
        rows = tables(doc(text))[0].texts()
        self.assertEqual(rows[0], ["STT", "Tên nhiệm vụ", "Cơ quan chủ trì"])
        self.assertEqual(rows[1], ["**I. NHÓM**"])
        self.assertEqual(rows[2], ["1", "Triển khai nền tảng đào tạo trực tuyến", "Sở KH&CN"])
