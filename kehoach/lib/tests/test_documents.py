import datetime as dt
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Length, Mm
from openpyxl import load_workbook

from kehoach.lib.documents import (
    PDF_WORKDIR_MIN_AGE,
    ConverterMissingError,
    OfficialDocument,
    Section,
    pdf_workdirs_sweep,
    write_docx,
    write_pdf,
    write_xlsx_annex,
)

CAPITALS_LINE = "Ắ Ẳ Ẵ Ổ Ở Ữ Ự Đ"


def _report(*, date: dt.date | None = dt.date(2024, 6, 30), number: str = "12") -> OfficialDocument:
    return OfficialDocument(
        issuer_parent="Ủy ban nhân dân",
        issuer="Huyện Núi Thành",
        number=number,
        type_code="BC",
        issuer_code="UBND",
        place="Núi Thành",
        date=date,
        title_kind="BÁO CÁO",
        title="Kết quả 6 tháng đầu năm 2024 thực hiện Kế hoạch\n"
        "thông tin, truyền thông về quyền con người",
        recipients_to=["Ủy ban nhân dân tỉnh Quảng Nam"],
        sections=[
            Section(
                heading="I. KẾT QUẢ THỰC HIỆN",
                paragraphs=[
                    "Thực hiện Kế hoạch số 45/KH-UBND ngày 05/02/2024 của Ủy ban nhân dân huyện, "
                    "các cơ quan, đơn vị và Ủy ban nhân dân các xã, thị trấn đã tổ chức tuyên "
                    "truyền về quyền con người trên hệ thống truyền thanh cơ sở.",
                    "Phòng Văn hóa và Thông tin phối hợp Trung tâm Văn hóa - Thể thao và Truyền "
                    f"thông huyện phát 24 tin, bài; chữ in hoa kiểm tra: {CAPITALS_LINE}.",
                ],
                table=[
                    ["Nhiệm vụ", "Đơn vị chủ trì", "Kết quả"],
                    ["Tuyên truyền trên đài truyền thanh", "Xã Tam Xuân I", "Hoàn thành"],
                    ["Hội nghị phổ biến pháp luật", "Phòng Tư pháp", "Đang thực hiện"],
                ],
            ),
            Section(
                heading="II. NHIỆM VỤ 6 THÁNG CUỐI NĂM",
                paragraphs=["Tiếp tục đưa nội dung quyền con người vào sinh hoạt khu dân cư."],
            ),
        ],
        recipients_cc=["Như trên", "TT Huyện ủy, TT HĐND huyện", "Lưu: VT, VHTT"],
        signer_authority="TM. ỦY BAN NHÂN DÂN",
        signer_title="CHỦ TỊCH",
        signer_name="Nguyễn Văn Hùng",
    )


def _all_text(document: Document) -> str:  # type: ignore[valid-type]
    parts = [p.text for p in document.paragraphs]  # type: ignore[attr-defined]
    for table in document.tables:  # type: ignore[attr-defined]
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


class TestWriteDocx:
    def test_it_writes_the_decree_30_header_title_and_closing(self) -> None:
        document = Document(io.BytesIO(write_docx(_report())))
        text = _all_text(document)
        for expected in [
            "ỦY BAN NHÂN DÂN",
            "HUYỆN NÚI THÀNH",
            "Số: 12/BC-UBND",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Núi Thành, ngày 30 tháng 6 năm 2024",
            "BÁO CÁO",
            "Kính gửi: Ủy ban nhân dân tỉnh Quảng Nam",
            "I. KẾT QUẢ THỰC HIỆN",
            "Nơi nhận:",
            "- Như trên;",
            "- Lưu: VT, VHTT.",
            "TM. ỦY BAN NHÂN DÂN",
            "CHỦ TỊCH",
            "Nguyễn Văn Hùng",
            CAPITALS_LINE,
        ]:
            assert expected in text, expected

    def test_it_leaves_number_and_day_blank_on_a_draft(self) -> None:
        text = _all_text(Document(io.BytesIO(write_docx(_report(date=None, number="")))))
        assert "Số:       /BC-UBND" in text
        assert "Núi Thành, ngày      tháng      năm" in text

    def test_it_uses_a4_with_decree_margins(self) -> None:
        section = Document(io.BytesIO(write_docx(_report()))).sections[0]

        def mm(length: Length | None) -> int:
            assert length is not None
            return round(float(length.mm))

        assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
        assert 20 <= mm(section.top_margin) <= 25
        assert 20 <= mm(section.bottom_margin) <= 25
        assert 30 <= mm(section.left_margin) <= 35
        assert 15 <= mm(section.right_margin) <= 20

    def test_it_sets_times_new_roman_for_every_script_on_every_run(self) -> None:
        document = Document(io.BytesIO(write_docx(_report())))
        runs = document.element.body.findall(".//" + qn("w:r"))
        text_runs = [r for r in runs if r.find(qn("w:t")) is not None and r.find(qn("w:t")).text]
        assert text_runs
        for run in text_runs:
            fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
            for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                assert fonts.get(qn(attr)) == "Times New Roman"

    def test_it_sets_header_column_widths_for_libreoffice(self) -> None:
        header = Document(io.BytesIO(write_docx(_report()))).tables[0]
        grid = header._tbl.tblGrid.findall(qn("w:gridCol"))
        widths = [int(col.get(qn("w:w"))) for col in grid]
        # The right column must hold "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" on one line.
        assert widths[1] > widths[0]
        assert abs(sum(widths) - Mm(160).twips) < 5

    def test_it_styles_header_and_signature(self) -> None:
        document = Document(io.BytesIO(write_docx(_report())))
        left, right = document.tables[0].rows[0].cells
        issuer = next(p for p in left.paragraphs if p.text == "HUYỆN NÚI THÀNH")
        assert issuer.runs[0].bold
        parent = next(p for p in left.paragraphs if p.text == "ỦY BAN NHÂN DÂN")
        assert not parent.runs[0].bold
        date_line = next(p for p in right.paragraphs if p.text.startswith("Núi Thành"))
        assert date_line.runs[0].italic
        closing = document.tables[-1].rows[0].cells
        received = closing[0].paragraphs[0]
        assert received.text == "Nơi nhận:"
        assert received.runs[0].bold and received.runs[0].italic
        assert received.runs[0].font.size.pt == 12
        name = closing[1].paragraphs[-1]
        assert name.text == "Nguyễn Văn Hùng" and name.runs[0].bold

    def test_it_draws_body_tables_with_borders(self) -> None:
        document = Document(io.BytesIO(write_docx(_report())))
        body_table = next(t for t in document.tables if t.cell(0, 0).text == "Nhiệm vụ")
        assert body_table.style is not None and body_table.style.name == "Table Grid"
        assert body_table.cell(1, 1).text == "Xã Tam Xuân I"

    def test_table_rows_never_split_and_the_header_row_repeats_on_each_page(self) -> None:
        document = Document(io.BytesIO(write_docx(_report())))
        body_table = next(t for t in document.tables if t.cell(0, 0).text == "Nhiệm vụ")
        header, *rows = body_table.rows
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in rows)
        assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in rows)


needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice and poppler-utils are not installed (see .ci/run)",
)


@pytest.mark.slow
@needs_soffice
class TestWritePdf:
    def test_it_converts_with_vietnamese_text_and_embedded_liberation_serif(
        self, tmp_path: Path
    ) -> None:
        pdf = tmp_path / "bao-cao.pdf"
        pdf.write_bytes(write_pdf(write_docx(_report())))
        assert pdf.read_bytes().startswith(b"%PDF")

        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True
        ).stdout.decode()
        for expected in [
            "ỦY BAN NHÂN DÂN",
            "HUYỆN NÚI THÀNH",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "ngày 30 tháng 6 năm 2024",
            "Số: 12/BC-UBND",
            CAPITALS_LINE,
        ]:
            assert expected in text, expected

        fonts = subprocess.run(
            ["pdffonts", str(pdf)], capture_output=True, check=True
        ).stdout.decode()
        serif = [line for line in fonts.splitlines() if "LiberationSerif" in line]
        assert serif, fonts
        assert all(" yes " in line for line in serif), fonts  # embedded

        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
            check=True,
        )
        png = next(tmp_path.glob("p*.png"))
        assert png.stat().st_size > 5000  # a blank A4 page at 60 dpi is far smaller


class TestWritePdfWithoutLibreOffice:
    def test_it_explains_when_libreoffice_is_missing(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(shutil, "which", lambda name: None)
        with pytest.raises(ConverterMissingError, match="libreoffice-writer-nogui"):
            write_pdf(b"")


def _dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


class TestPdfWorkdirsSweep:
    def folder(self, parent: Path, name: str, *, age: float) -> Path:
        path = parent / name
        (path / "profile").mkdir(parents=True)
        (path / "document.docx").write_bytes(b"PK")
        stamp = 1_750_000_000 - age
        os.utime(path, (stamp, stamp))
        return path

    def test_it_removes_the_folders_of_killed_conversions_and_keeps_the_others(
        self, tmp_path: Path
    ) -> None:
        dead = _dead_pid()
        old = PDF_WORKDIR_MIN_AGE + 1
        killed = self.folder(tmp_path, f"kehoach-pdf-{dead}-a1b2c3", age=old)
        running = self.folder(tmp_path, f"kehoach-pdf-{os.getpid()}-d4e5f6", age=old)
        # Its process looks gone, but it is recent: perhaps another container's conversion.
        recent = self.folder(tmp_path, f"kehoach-pdf-{dead}-g7h8i9", age=60)
        # Not ours: another program's folder, and one from before folders were named by process.
        other = self.folder(tmp_path, f"other-{dead}-x", age=old)
        unnamed = self.folder(tmp_path, "kehoach-pdf-qwerty", age=old)

        removed = pdf_workdirs_sweep(folder=tmp_path, now=1_750_000_000)

        assert removed == [killed]
        assert not killed.exists()
        assert all(path.exists() for path in (running, recent, other, unnamed))


class TestWriteXlsxAnnex:
    def test_it_writes_one_sheet_per_table_with_bold_header(self) -> None:
        data = write_xlsx_annex(
            "Phụ lục: Kết quả thực hiện 6 tháng đầu năm 2024",
            {
                "Nhiệm vụ": [
                    ["STT", "Nhiệm vụ", "Đơn vị chủ trì"],
                    [1, "Tuyên truyền về quyền con người trên đài truyền thanh", "Xã Tam Xuân I"],
                ],
                "Chỉ tiêu/Kết quả": [["Chỉ tiêu", "Kết quả"], ["Số tin, bài", 24]],
            },
        )
        workbook = load_workbook(io.BytesIO(data))
        assert workbook.sheetnames == ["Nhiệm vụ", "Chỉ tiêu Kết quả"]
        sheet = workbook["Nhiệm vụ"]
        assert sheet["A1"].value == "Phụ lục: Kết quả thực hiện 6 tháng đầu năm 2024"
        assert sheet["B3"].value == "Nhiệm vụ" and sheet["B3"].font.bold
        assert sheet["B4"].value.startswith("Tuyên truyền") and not sheet["B4"].font.bold
        assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width
