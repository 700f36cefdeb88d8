"""The header reader: title, issuer, number, date, year, implements and plan-level period."""

import json
from pathlib import Path

from django.test import SimpleTestCase

from kehoach.plans.importer.document import Document
from kehoach.plans.importer.header import parse_header

DATA = Path(__file__).parent / "data" / "importer"


def header_of(text: str) -> dict[str, object]:
    return parse_header(Document.from_text(text))


class LabelledDocumentsTest(SimpleTestCase):
    def test_it_reads_the_metadata_of_every_labelled_document(self):
        for path in sorted((DATA / "docs").glob("*.md")):
            label = json.loads((DATA / "labels" / f"{path.stem}.json").read_text())
            header = parse_header(Document.from_text(path.read_text(), name=path.name))
            for field in ("issuer", "number", "date", "year"):
                with self.subTest(document=path.name, field=field):
                    assert header[field] == label[field]
            with self.subTest(document=path.name, field="title"):
                # Titles compare case-insensitively; the document's own case is kept.
                assert str(header["title"]).casefold() == label["title"].casefold()


FLATTENED = """|
**UỶ BAN NHÂN
DÂN**
TỈNH QUẢNG NAM
-------
|
**CỘNG HÒA XÃ HỘI
CHỦ NGHĨA VIỆT NAM**
Độc lập - Tự do - Hạnh phúc
|
|
Số:
7360/KH-UBND
|
*Quảng Nam, ngày 05
tháng 12 năm 2025*
|

**KẾ HOẠCH**

TRIỂN KHAI CHỈ THỊ SỐ 32/CT-TTG VỀ
“TĂNG CƯỜNG PHỔ BIẾN PHÁP LUẬT”

Thực hiện Chỉ thị số 32/CT-TTg ngày 10/12/2024 của Thủ tướng Chính phủ, UBND tỉnh ban hành
Kế hoạch như sau:

**I. MỤC ĐÍCH, YÊU CẦU**
"""


def row(left: str, right: str) -> str:
    """A two-column header as .docx tables arrive: one pipe row, "<br>" between paragraphs."""
    return f"| {left} | {right} |"


MOTTO = "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM <br> Độc lập - Tự do - Hạnh phúc"
TWO_LEVEL_DOCX = (
    row(
        "UBND TỈNH LÀO CAI <br> SỞ CÔNG THƯƠNG <br> Số:       /KH-SCT",
        f"{MOTTO} <br> Lào Cai, ngày       tháng 4 năm 2026",
    )
    + """

KẾ HOẠCH
Kiểm tra an toàn hóa chất năm 2026
(Ban hành kèm theo Nghị quyết số 35-NQ/TU ngày 29/12/2025 của Tỉnh ủy Lào Cai)

Căn cứ Nghị định số 35/2022/NĐ-CP ngày 28/5/2022 của Chính phủ;
"""
)

PDF_TEAM = """SỞ CÔNG THƯƠNG              CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
ĐOÀN KIỂM TRA THEO QUYẾT ĐỊNH     Độc lập - Tự do - Hạnh phúc
SỐ 1050/QĐ-SCT
Số: 12 /KH-ĐKT           Yên Bái, ngày10 /3/2026

KẾ HOẠCH
Kiểm tra việc chấp hành pháp luật về an toàn hóa chất

Căn cứ Quyết định số 1050/QĐ-SCT ngày 01/3/2026 của Sở Công Thương tỉnh Lào Cai;
"""

DECISION = (
    row(
        "ỦY BAN NHÂN DÂN <br> TỈNH ĐẮK LẮK <br> Số: 2853/QĐ-UBND",
        f"{MOTTO} <br> Đắk Lắk, ngày 21 tháng 11 năm 2025",
    )
    + """

QUYẾT ĐỊNH
Ban hành Kế hoạch phòng, chống thiên tai

Điều 1. Ban hành kèm theo Quyết định này Kế hoạch phòng, chống thiên tai.

KẾ HOẠCH
Phòng, chống thiên tai và tìm kiếm cứu nạn
(Ban hành kèm theo Quyết định số 2853/QĐ-UBND ngày 21 tháng 11 năm 2025 của UBND tỉnh)

I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
II. THỜI GIAN VÀ PHẠM VI
1. Thời gian: từ nay đến năm 2030.
2. Phạm vi: trên địa bàn tỉnh.
III. TỔ CHỨC THỰC HIỆN
"""
)

COMMUNE = (
    row(
        "ỦY BAN NHÂN DÂN <br> XÃ TAM XUÂN II <br> Số: 0124/KH-UBND",
        f"{MOTTO} <br> Tam Xuân II, ngày 07 tháng 3 năm 2024",
    )
    + """
KẾ HOẠCH
V/v tổ chức Tháng Thanh niên năm 2024
Căn cứ Kế hoạch số 15-KH/ĐTN của Huyện đoàn;
"""
)


class HeaderVariantsTest(SimpleTestCase):
    def test_it_reads_a_flattened_table_with_names_and_number_broken_across_lines(self):
        header = header_of(FLATTENED)
        assert header["issuer"] == "UBND tỉnh Quảng Nam"  # "UỶ BAN" with the hook on the Y
        assert header["number"] == "7360/KH-UBND"
        assert header["date"] == "2025-12-05"
        assert (
            header["title"] == "TRIỂN KHAI CHỈ THỊ SỐ 32/CT-TTG VỀ “TĂNG CƯỜNG PHỔ BIẾN PHÁP LUẬT”"
        )
        assert (
            header["implements"]
            == "Thực hiện Chỉ thị số 32/CT-TTg ngày 10/12/2024 của Thủ tướng Chính phủ"
        )
        assert "period" not in header

    def test_it_takes_the_department_of_a_two_level_header_and_keeps_a_blank_number_empty(self):
        header = header_of(TWO_LEVEL_DOCX)
        assert header["issuer"] == "Sở Công Thương tỉnh Lào Cai"
        assert (header["number"], header["date"], header["year"]) == (None, None, 2026)
        # The "(Ban hành kèm theo Nghị quyết …)" line is part of the title block.
        assert header["title"] == (
            "Kiểm tra an toàn hóa chất năm 2026 "
            "(Ban hành kèm theo Nghị quyết số 35-NQ/TU ngày 29/12/2025 của Tỉnh ủy Lào Cai)"
        )

    def test_it_reads_space_aligned_pdf_text_and_a_squeezed_date(self):
        header = header_of(PDF_TEAM)
        # The inspection team is not the issuing body; its province comes from the text.
        assert header["issuer"] == "Sở Công Thương tỉnh Lào Cai"
        assert header["number"] == "12/KH-ĐKT"
        assert header["date"] == "2026-03-10"

    def test_it_takes_the_number_of_the_decision_that_issues_the_plan(self):
        header = header_of(DECISION)
        assert header["number"] == "2853/QĐ-UBND"
        assert header["issuer"] == "UBND tỉnh Đắk Lắk"
        # The note attaching the plan to its decision is not part of the title.
        assert header["title"] == "Phòng, chống thiên tai và tìm kiếm cứu nạn"

    def test_it_reads_a_plan_level_period_from_a_section_about_time(self):
        period = header_of(DECISION)["period"]
        assert isinstance(period, dict)
        assert (period["time"], period["start"], period["end"]) == (
            "từ nay đến năm 2030",
            None,
            "2030-12-31",
        )

    def test_it_keeps_numbered_commune_names_and_leading_zeros(self):
        header = header_of(COMMUNE)
        assert header["issuer"] == "UBND xã Tam Xuân II"
        assert header["number"] == "0124/KH-UBND"
        assert header["title"] == "V/v tổ chức Tháng Thanh niên năm 2024"

    def test_it_finds_the_issuer_in_the_opening_when_the_header_lacks_it(self):
        header = header_of(
            "Số: /KH-UBND\n\n, ngày tháng năm 2024\n\n## KẾ HOẠCH\n\n### Tuyên truyền pháp luật\n\n"
            "Thực hiện Kế hoạch 3901/KH-UBND ngày 29/5/2024 của UBND tỉnh, UBND huyện Núi Thành "
            "xây dựng Kế hoạch như sau:\n"
        )
        assert header["issuer"] == "UBND huyện Núi Thành"
        assert (header["number"], header["date"], header["year"]) == (None, None, 2024)
        assert (
            header["implements"] == "Thực hiện Kế hoạch 3901/KH-UBND ngày 29/5/2024 của UBND tỉnh"
        )

    def test_it_leaves_the_title_empty_when_the_text_has_none(self):
        header = header_of("Số hiệu: 12/KH-UBND\nNgười ký: Nguyễn Văn A\n\nI. MỤC ĐÍCH\n")
        assert header["title"] is None
        assert header["number"] == "12/KH-UBND"

    def test_it_takes_the_year_from_the_title_when_the_header_has_none(self):
        header = header_of("KẾ HOẠCH\nTuyên truyền pháp luật năm 2026\n\nCăn cứ Luật;\n")
        assert header["year"] == 2026
