"""extract(): every format becomes the same numbered text, and every bad file a clear refusal."""

import io
import tempfile
import time
import unicodedata
import zipfile
from pathlib import Path

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, override_settings
from django.utils import translation
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement

from kehoach.plans.importer.errors import ImportFileError
from kehoach.plans.importer.extract import (
    _join_hyphenated,
    _page_lines,
    extract,
    extract_file,
    extract_upload,
)

DATA = Path(__file__).parent / "data" / "importer"
DOCX_14 = DATA / "docs" / "14_laocai-sct-dean08-cong-nghiep.docx"
MD_14 = DATA / "docs" / "14_laocai-sct-dean08-cong-nghiep.md"
FILES = DATA / "files"


def docx_bytes(build) -> bytes:
    """A .docx made by python-docx: `build(document)` adds the content."""
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, *, replace: dict[str, bytes] | None = None, drop: str = "") -> bytes:
    """The same zip with some entries replaced, added or dropped."""
    replace = replace or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            if name != drop and name not in replace:
                target.writestr(name, source.read(name))
        for name, content in replace.items():
            target.writestr(name, content)
    return buffer.getvalue()


def simple_docx() -> bytes:
    return docx_bytes(
        lambda d: d.add_paragraph("Kế hoạch tuyên truyền về quyền con người năm 2024")
    )


def cp1258(text: str) -> bytes:
    """Windows-1258 bytes as Vietnamese Windows wrote them: base letter, then a combining tone."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = b""
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out += base.encode("cp1258") + "".join(c for c in parts if c in tones).encode("cp1258")
    return out


class EnglishMessages(SimpleTestCase):
    """These tests read the English msgids; test_messages_vi checks the Vietnamese catalog."""

    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))


class ExtractDocxTests(EnglishMessages):
    def test_it_reads_the_real_plan_14_as_the_text_the_parser_is_tuned_on(self):
        # docs/14_….md was made from this very .docx (paragraphs in order, tables as pipe rows,
        # cell paragraphs joined by <br>); only bold markers and blank lines differ.
        document = extract(DOCX_14.read_bytes(), DOCX_14.name)
        expected = [
            line
            for line in MD_14.read_text(encoding="utf-8").split("\n")
            if line.strip() and not line.startswith("<!--")
        ]
        got = [line.text.replace("**", "") for line in document.lines if line.text.strip()]
        self.assertEqual(got, expected)
        self.assertEqual(document.kind, "docx")
        self.assertEqual(document.name, DOCX_14.name)

    def test_it_wraps_bold_paragraphs_and_bold_leading_labels(self):
        lines = [line.text for line in extract(DOCX_14.read_bytes(), DOCX_14.name).lines]
        self.assertIn("**III. NHIỆM VỤ TRỌNG TÂM**", lines)
        self.assertIn(
            "**Đơn vị chủ trì:** Phòng Quản lý Năng lượng; Đơn vị phối hợp: "
            "Phòng Quản lý Công nghiệp. ",
            lines,
        )
        # a body paragraph in regular weight has no markers
        self.assertTrue(any(line.startswith("Căn cứ Nghị định số 35/2022/NĐ-CP") for line in lines))

    def test_it_keeps_paragraphs_and_tables_in_body_order(self):
        def build(d):
            d.add_paragraph("II. NHIỆM VỤ CỤ THỂ")
            table = d.add_table(rows=2, cols=3)
            for cell, text in zip(
                table.rows[0].cells, ["TT", "Nội dung", "Đơn vị chủ trì"], strict=True
            ):
                cell.text = text
            row = table.rows[1].cells
            row[0].text = "1"
            row[1].text = "Tổ chức hội nghị quán triệt"
            row[1].add_paragraph("")  # an empty paragraph in a cell is not a <br>
            row[1].add_paragraph("Quý III/2024")
            row[2].text = "Phòng Văn hóa và Thông tin"
            d.add_paragraph("III. TỔ CHỨC THỰC HIỆN")

        lines = [line.text for line in extract(docx_bytes(build), "plan.docx").lines]
        self.assertEqual(
            [line for line in lines if line],
            [
                "II. NHIỆM VỤ CỤ THỂ",
                "| TT | Nội dung | Đơn vị chủ trì |",
                "| 1 | Tổ chức hội nghị quán triệt <br> Quý III/2024 "
                "| Phòng Văn hóa và Thông tin |",
                "III. TỔ CHỨC THỰC HIỆN",
            ],
        )

    def test_it_writes_a_merged_cell_once_across_and_on_each_row_down(self):
        def build(d):
            table = d.add_table(rows=3, cols=3)
            table.cell(0, 0).merge(table.cell(0, 2)).text = "PHỤ LỤC: DANH MỤC NHIỆM VỤ"
            table.cell(1, 0).text = "Khảo sát nhu cầu"
            table.cell(2, 0).text = "Tập huấn chuyển đổi số"
            table.cell(1, 1).merge(table.cell(2, 1)).text = "Sở Công Thương"
            table.cell(1, 2).text = "Quý II/2025"
            table.cell(2, 2).text = "Quý IV/2025"

        lines = [line.text for line in extract(docx_bytes(build), "plan.docx").lines if line.text]
        self.assertEqual(
            lines,
            [
                "| PHỤ LỤC: DANH MỤC NHIỆM VỤ |",
                "| Khảo sát nhu cầu | Sở Công Thương | Quý II/2025 |",
                "| Tập huấn chuyển đổi số | Sở Công Thương | Quý IV/2025 |",
            ],
        )

    def test_it_marks_a_bold_heading_style_and_splits_soft_line_breaks(self):
        def build(d):
            d.add_heading("I. MỤC ĐÍCH, YÊU CẦU", level=1)  # bold through its style
            paragraph = d.add_paragraph("- Thời gian thực hiện: Quý III/2024.")
            paragraph.runs[0].add_break(WD_BREAK.LINE)
            paragraph.add_run("- Kinh phí: ngân sách huyện.")

        lines = [line.text for line in extract(docx_bytes(build), "plan.docx").lines]
        self.assertEqual(
            lines,
            [
                "**I. MỤC ĐÍCH, YÊU CẦU**",
                "- Thời gian thực hiện: Quý III/2024.",
                "- Kinh phí: ngân sách huyện.",
            ],
        )

    def test_it_reads_paragraphs_inside_content_controls_in_place(self):
        def build(d):
            d.add_paragraph("KẾ HOẠCH")
            title = d.add_paragraph("Chuyển đổi số năm 2025")
            d.add_paragraph("I. MỤC ĐÍCH, YÊU CẦU")
            # a template's title block: <w:sdt><w:sdtContent><w:p>…</w:p></w:sdtContent></w:sdt>
            sdt = OxmlElement("w:sdt")
            content = OxmlElement("w:sdtContent")
            sdt.append(content)
            title._p.addprevious(sdt)
            content.append(title._p)

        lines = [line.text for line in extract(docx_bytes(build), "plan.docx").lines]
        self.assertEqual(lines, ["KẾ HOẠCH", "Chuyển đổi số năm 2025", "I. MỤC ĐÍCH, YÊU CẦU"])

    def test_it_ignores_headers_and_footers(self):
        def build(d):
            d.sections[0].header.paragraphs[0].text = "Dự thảo lần 2"
            d.sections[0].footer.paragraphs[0].text = "Trang 1"
            d.add_paragraph("Nâng cao nhận thức về quyền con người.")

        text = extract(docx_bytes(build), "plan.docx").text
        self.assertEqual(text, "Nâng cao nhận thức về quyền con người.")

    def test_it_refuses_a_word_file_typed_in_an_old_vietnamese_font(self):
        # .VnTime text stored in a .docx: TCVN3 codes shown as Latin-1 characters.
        data = docx_bytes(
            lambda d: d.add_paragraph("Uû ban nh©n d©n huyÖn Nói Thµnh x©y dùng kÕ ho¹ch thùc hiÖn")
        )
        with self.assertRaisesMessage(ImportFileError, "old Vietnamese font encoding (TCVN3/VNI"):
            extract(data, "plan.docx")


class ExtractDocxSafetyTests(EnglishMessages):
    def test_it_refuses_a_file_that_is_not_a_zip(self):
        with self.assertRaisesMessage(ImportFileError, "This .docx file is damaged"):
            extract(b"Day khong phai la file Word", "ke-hoach.docx")

    def test_it_refuses_a_zip_without_the_word_document(self):
        data = rezip(simple_docx(), drop="word/document.xml")
        with self.assertRaisesMessage(ImportFileError, "This .docx file is damaged"):
            extract(data, "ke-hoach.docx")

    def test_it_refuses_a_truncated_docx(self):
        data = simple_docx()
        with self.assertRaisesMessage(ImportFileError, "This .docx file is damaged"):
            extract(data[: len(data) // 2], "ke-hoach.docx")

    def test_it_refuses_an_old_word_file_named_docx(self):
        ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
        with self.assertRaisesMessage(ImportFileError, "old Word (.doc) file"):
            extract(ole, "ke-hoach.docx")

    def test_it_refuses_a_zip_bomb_before_unpacking_it(self):
        # 30 MB of zeros deflate to ~30 kB: the declared size and ratio give it away.
        data = rezip(simple_docx(), replace={"word/media/image1.png": b"\0" * (30 * 1024 * 1024)})
        self.assertLess(len(data), 200_000)
        started = time.perf_counter()
        with self.assertRaisesMessage(ImportFileError, "zip bomb"):
            extract(data, "ke-hoach.docx")
        self.assertLess(time.perf_counter() - started, 0.5)

    def test_it_refuses_a_zip_with_too_many_entries(self):
        extra = {f"word/media/part{i}.xml": b"<a/>" for i in range(2100)}
        with self.assertRaisesMessage(ImportFileError, "zip bomb"):
            extract(rezip(simple_docx(), replace=extra), "ke-hoach.docx")

    def test_it_refuses_xml_with_entity_declarations(self):
        source = zipfile.ZipFile(io.BytesIO(simple_docx())).read("word/document.xml").decode()
        laughs = (
            '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        )
        hostile = laughs + source.split("?>", 1)[1].replace("Kế hoạch", "&lol2;")
        data = rezip(simple_docx(), replace={"word/document.xml": hostile.encode()})
        with self.assertRaisesMessage(ImportFileError, "XML entity declarations"):
            extract(data, "ke-hoach.docx")


class ExtractPdfTests(EnglishMessages):
    def test_it_reads_the_text_layer_in_page_order_without_page_numbers(self):
        document = extract((FILES / "plan-text.pdf").read_bytes(), "plan-text.pdf")
        lines = [line.text for line in document.lines]
        self.assertEqual(document.kind, "pdf")
        self.assertEqual(lines[:2], ["UBND HUYỆN NÚI THÀNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT"])
        self.assertIn("Số: 3901/KH-UBND Núi Thành, ngày 29 tháng 5 năm 2024", lines)
        # the page-1 foot "1" and the page-2 head "- 2 -" are gone; page 2 follows page 1
        self.assertNotIn("1", lines)
        self.assertNotIn("- 2 -", lines)
        index = lines.index(
            "Nâng cao nhận thức của cán bộ, công chức và Nhân dân về quyền con người."
        )
        self.assertEqual(lines[index + 1], "II. NHIỆM VỤ CỤ THỂ")
        self.assertIn("- Thời gian thực hiện: Quý III/2024.", lines)

    def test_it_joins_a_word_broken_at_a_hyphen_at_line_end(self):
        text = extract((FILES / "plan-text.pdf").read_bytes(), "plan-text.pdf").text
        self.assertIn("Căn cứ Nghị định số 13/2023/NĐ-CP ngày 17/4/2023 của Chính phủ", text)

    def test_it_drops_only_the_lines_that_are_this_pages_number(self):
        page = "- 3 -\nTT\n3\nNội dung\n12\nTrang 3/9\n"
        self.assertEqual(_page_lines(page, 3), ["TT", "3", "Nội dung", "12"])
        self.assertEqual(_page_lines("12\nSở Tài chính\n4", 4), ["12", "Sở Tài chính"])
        self.assertEqual(
            _join_hyphenated(["giai đoạn 2026-", "2030 và", "Độc lập -", "Tự do"]),
            ["giai đoạn 2026-2030 và", "Độc lập -", "Tự do"],
        )

    def test_it_refuses_a_scan_without_a_text_layer(self):
        with self.assertRaisesMessage(
            ImportFileError,
            "This PDF has no text layer (it is a scan): run OCR on it first, "
            "or upload the Word file.",
        ):
            extract((FILES / "plan-scan.pdf").read_bytes(), "plan-scan.pdf")

    def test_it_refuses_a_pdf_that_needs_a_password(self):
        with self.assertRaisesMessage(ImportFileError, "This PDF is protected by a password."):
            extract((FILES / "plan-password.pdf").read_bytes(), "ke-hoach.pdf")

    def test_it_reads_a_pdf_encrypted_only_against_printing(self):
        # Official PDFs often carry an owner password only; they open without one.
        text = extract((FILES / "plan-owner-only.pdf").read_bytes(), "ke-hoach.pdf").text
        self.assertIn("II. NHIỆM VỤ CỤ THỂ", text)

    def test_it_refuses_a_broken_pdf(self):
        data = (FILES / "plan-text.pdf").read_bytes()
        for broken in (b"%PDF-1.4\n" + b"\x00garbage" * 100, data[:4000], b"not a pdf at all"):
            with (
                self.subTest(size=len(broken)),
                self.assertRaisesMessage(ImportFileError, "This PDF file is damaged"),
            ):
                extract(broken, "ke-hoach.pdf")


TEXT = "KẾ HOẠCH\nTuyên truyền về quyền con người năm 2024\n- Đơn vị chủ trì: Phòng VH&TT"


class ExtractTextTests(EnglishMessages):
    def test_it_reads_utf8_with_or_without_bom_and_utf16_with_bom(self):
        for label, data in [
            ("utf-8", TEXT.encode("utf-8")),
            ("utf-8 BOM", TEXT.encode("utf-8-sig")),
            ("utf-16 BOM", TEXT.encode("utf-16")),
            ("utf-16-be BOM", b"\xfe\xff" + TEXT.encode("utf-16-be")),
            ("windows newlines", TEXT.replace("\n", "\r\n").encode("utf-8")),
        ]:
            with self.subTest(label):
                document = extract(data, "ke-hoach.txt")
                self.assertEqual(document.text, TEXT)
                self.assertEqual(document.lines[2].number, 3)

    def test_it_keeps_markdown_as_written(self):
        source = "## **II. NHIỆM VỤ**\n\n| TT | Nội dung |\n|---|---|"
        document = extract(source.encode(), "ke-hoach.md")
        self.assertEqual((document.kind, document.text), ("md", source))

    def test_it_normalises_decomposed_text_to_nfc(self):
        decomposed = unicodedata.normalize("NFD", "Ủy ban nhân dân huyện")
        self.assertEqual(extract(decomposed.encode(), "a.txt").text, "Ủy ban nhân dân huyện")

    def test_it_refuses_tcvn3_bytes(self):
        # TCVN3 (ABC, font .VnTime): Uû = Uỷ, nh©n = nhân, huyÖn = huyện, kÕ ho¹ch = kế hoạch
        data = "Uû ban nh©n d©n huyÖn Nói Thµnh\nKÕ ho¹ch thùc hiÖn n¨m 2024".encode("latin-1")
        with self.assertRaisesMessage(
            ImportFileError,
            "This file uses an old Vietnamese encoding (TCVN3/VNI). Save it as Unicode (UTF-8) "
            "and upload it again.",
        ) as caught:
            extract(data, "ke-hoach.txt")
        self.assertEqual(caught.exception.line, 1)

    def test_it_refuses_vni_bytes(self):
        # VNI-Windows (font VNI-Times): a letter followed by its marks, đ = ñ, ư = ö
        data = "UÛY BAN NHAÂN DAÂN\nKeá hoaïch thöïc hieän cuûa UÛy ban nhaân daân huyeän".encode(
            "cp1252"
        )
        with self.assertRaisesMessage(ImportFileError, "old Vietnamese encoding (TCVN3/VNI)"):
            extract(data, "ke-hoach.md")

    def test_it_refuses_windows_1258_bytes(self):
        data = cp1258("Kế hoạch thực hiện nhiệm vụ năm 2024 của Ủy ban nhân dân huyện Núi Thành")
        with self.assertRaisesMessage(ImportFileError, "old Vietnamese encoding (TCVN3/VNI)"):
            extract(data, "ke-hoach.txt")

    def test_it_refuses_legacy_text_that_was_already_converted_to_unicode_as_latin1(self):
        text = "Uû ban nh©n d©n huyÖn Nói Thµnh x©y dùng kÕ ho¹ch thùc hiÖn"
        with self.assertRaisesMessage(ImportFileError, "old Vietnamese encoding (TCVN3/VNI)"):
            extract(text.encode("utf-8"), "ke-hoach.txt")

    def test_it_refuses_other_8_bit_text_without_guessing(self):
        data = "Plan d'action régional pour l'égalité".encode("latin-1")
        with self.assertRaisesMessage(ImportFileError, "not Unicode text") as caught:
            extract(data, "plan.txt")
        self.assertNotIn("Vietnamese", caught.exception.message)

    def test_it_refuses_utf16_without_bom(self):
        with self.assertRaisesMessage(ImportFileError, "not Unicode text"):
            extract(TEXT.encode("utf-16-le"), "ke-hoach.txt")


class ExtractHtmlTests(EnglishMessages):
    def test_it_turns_blocks_into_lines_and_tables_into_pipe_rows(self):
        page = """<html><head><title>KH</title><style>p{color:red}</style>
        <script>var a = "<p>không hiện</p>";</script></head><body>
        <h2>II. NHIỆM VỤ CỤ THỂ</h2>
        <p><strong>Đơn vị chủ trì:</strong> Phòng Văn hóa và Thông tin;
           <em>phối hợp</em>: UBND các xã, thị trấn.</p>
        <div style="display:none">Ẩn</div>
        <p>Dòng một<br>Dòng&nbsp;hai</p>
        <table><tr><th>TT</th><th>Nội dung</th></tr>
        <tr><td>1</td><td><p>Tập huấn</p><p>Quý II/2024</p></td></tr></table>
        <ul><li>Thường xuyên</li></ul></body></html>"""
        lines = [line.text for line in extract(page.encode(), "ke-hoach.html").lines if line.text]
        self.assertEqual(
            lines,
            [
                "**II. NHIỆM VỤ CỤ THỂ**",
                "**Đơn vị chủ trì:** Phòng Văn hóa và Thông tin; phối hợp: UBND các xã, thị trấn.",
                "Dòng một",
                "Dòng hai",
                "| TT | Nội dung |",
                "| 1 | Tập huấn <br> Quý II/2024 |",
                "Thường xuyên",
            ],
        )

    def test_it_honours_a_declared_charset(self):
        page = '<meta charset="windows-1252"><p>Plan régional</p>'.encode("cp1252")
        self.assertEqual(extract(page, "a.htm").text, "Plan régional")


class ExtractSafetyTests(EnglishMessages):
    def test_it_refuses_an_empty_file(self):
        for name in ("ke-hoach.docx", "ke-hoach.pdf", "ke-hoach.txt"):
            with (
                self.subTest(name),
                self.assertRaisesMessage(ImportFileError, "The file is empty."),
            ):
                extract(b"  \n", name)

    def test_it_refuses_a_file_with_no_words(self):
        with self.assertRaisesMessage(ImportFileError, "No text was found in this file."):
            extract(b"| | |\n---", "ke-hoach.md")

    def test_it_refuses_unknown_extensions(self):
        with self.assertRaisesMessage(ImportFileError, "Files of type “.xlsx” cannot be imported."):
            extract(b"PK\x03\x04", "chi-tieu.xlsx")
        with self.assertRaisesMessage(ImportFileError, "The file name has no extension"):
            extract(b"text", "ke-hoach")
        with self.assertRaisesMessage(ImportFileError, "old Word (.doc) file"):
            extract(b"\xd0\xcf\x11\xe0", "ke-hoach.DOC")

    @override_settings(KEHOACH_IMPORT_MAX_BYTES=1000)
    def test_it_refuses_bytes_over_the_size_limit(self):
        with self.assertRaisesMessage(ImportFileError, "files up to 1000"):
            extract(b"a" * 1001, "ke-hoach.txt")

    def test_it_refuses_a_50_mb_file_on_disk_without_reading_it(self):
        path = Path(self.enterContext(tempfile.TemporaryDirectory())) / "lon.pdf"
        with open(path, "wb") as handle:
            handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB declared, nothing to read
        started = time.perf_counter()
        with self.assertRaisesMessage(ImportFileError, "files up to 20"):
            extract_file(path)
        self.assertLess(time.perf_counter() - started, 0.2)

    def test_it_refuses_a_50_mb_upload_before_reading_its_chunks(self):
        class HugeUpload(SimpleUploadedFile):
            def chunks(self, chunk_size=None):
                raise AssertionError("the size is checked before reading")

        upload = HugeUpload("ke-hoach.docx", b"")
        upload.size = 50 * 1024 * 1024
        with self.assertRaisesMessage(ImportFileError, "The file is 50"):
            extract_upload(upload)

    def test_it_reads_files_and_uploads_within_the_limit(self):
        upload = SimpleUploadedFile("ke-hoach.txt", TEXT.encode())
        self.assertEqual(extract_upload(upload).text, TEXT)
        self.assertEqual(extract_file(FILES / "plan-text.pdf").name, "plan-text.pdf")
        with self.assertRaisesMessage(ImportFileError, "cannot be read"):
            extract_file(FILES / "khong-co.txt")
