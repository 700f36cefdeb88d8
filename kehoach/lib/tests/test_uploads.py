"""Checks of uploads: type from the content, the extension must agree, size limits per kind,
photos without metadata."""

import hashlib
import io
import zipfile

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation
from PIL import Image

from kehoach.lib.tests.samples import PDF_BYTES, jpeg_bytes, png_bytes, wav_bytes
from kehoach.lib.uploads import UploadKind, UploadRefused, check_upload, content_type_of


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    # The browser's content type is deliberately wrong: it must play no part.
    return SimpleUploadedFile(name, data, "application/octet-stream")


def refusal(name: str, data: bytes, **kwargs) -> str:
    with translation.override("en"), pytest.raises(UploadRefused) as caught:
        check_upload(upload(name, data), **kwargs)
    return caught.value.messages[0]


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("Tờ rơi tuyên truyền quyền trẻ em")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.create_sheet("Số liệu").append(["Xã", "Số buổi"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class TestCheckUpload:
    def test_it_accepts_a_wav_and_reports_type_size_and_hash(self):
        data = wav_bytes()
        checked = check_upload(upload("ban-tin-phat-thanh.wav", data))
        assert checked.kind == UploadKind.AUDIO
        assert checked.content_type == "audio/wav"
        assert checked.size == len(data)
        assert len(checked.sha256) == 64
        assert checked.name == "ban-tin-phat-thanh.wav"

    def test_it_refuses_a_pdf_named_mp3(self):
        assert refusal("tin-tuc.mp3", PDF_BYTES) == (
            "The file “tin-tuc.mp3” is not an MP3 audio file: its content is a PDF document."
        )

    def test_it_refuses_a_program_named_pdf(self):
        message = refusal("cong-van.pdf", b"MZ\x90\x00" + b"\0" * 200)
        assert message.startswith("The file “cong-van.pdf” is not a PDF document: its content is")
        assert "Executable" in message

    def test_it_refuses_a_word_file_named_xlsx(self):
        assert refusal("bao-cao.xlsx", docx_bytes()) == (
            "The file “bao-cao.xlsx” is not an Excel workbook (.xlsx): its content is "
            "a Word document (.docx)."
        )

    def test_it_tells_office_files_apart_by_their_members(self):
        assert check_upload(upload("to-roi.docx", docx_bytes())).extension == "docx"
        assert check_upload(upload("so-lieu.xlsx", xlsx_bytes())).extension == "xlsx"

    def test_a_plain_zip_is_not_a_word_file(self):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("a.txt", "x")
        assert "its content is a ZIP archive" in refusal("to-roi.docx", out.getvalue())

    def test_it_accepts_utf8_text_and_csv_but_not_html_as_text(self):
        text = "Xã Tam Xuân I, 12 buổi\n".encode()
        assert check_upload(upload("ghi-chu.txt", text)).content_type.startswith("text/plain")
        assert check_upload(upload("so-lieu.csv", text)).content_type.startswith("text/csv")
        assert "HTML" in refusal("ghi-chu.txt", b"<!DOCTYPE html><html><body>x</body></html>")
        assert "not recognised" in refusal("ghi-chu.txt", b"\x00\x01\x02binary")

    def test_an_mp3_without_a_tag_is_known_by_its_frame_header(self):
        frames = b"\xff\xfb\x90\x00" + b"\x00" * 400
        assert check_upload(upload("ban-tin.mp3", frames)).content_type == "audio/mpeg"
        assert refusal("cong-van.pdf", frames) == (
            "The file “cong-van.pdf” is not a PDF document: its content is an MP3 audio file."
        )

    def test_text_keeps_its_character_set(self):
        # Excel on Vietnamese Windows saves CSV in windows-1258; a BOM marks UTF-8.
        legacy = check_upload(upload("so-lieu.csv", b"B\xe1n tin x\xe3 Tam Xu\xe2n;12\r\n"))
        assert legacy.content_type == "text/csv; charset=windows-1258"
        bom = check_upload(upload("so-lieu.csv", "Xã;Số buổi\r\n".encode("utf-8-sig")))
        assert bom.content_type == "text/csv; charset=utf-8"
        assert "not recognised" in refusal("ghi-chu.txt", bytes(range(256)))

    def test_it_refuses_an_extension_it_does_not_accept(self):
        message = refusal("trang.html", b"<html></html>")
        assert message.startswith("The file “trang.html” cannot be attached: accepted types are")
        assert ".mp3" in message

    def test_allowed_kinds_narrow_the_extensions(self):
        message = refusal("to-roi.pdf", PDF_BYTES, allowed_kinds=[UploadKind.IMAGE])
        assert message == (
            "The file “to-roi.pdf” cannot be attached: "
            "accepted types are .gif, .jpeg, .jpg, .png, .webp."
        )

    @override_settings(KEHOACH_UPLOAD_MAX_BYTES={"document": 3 * 2**20})
    def test_it_refuses_a_file_over_its_kinds_limit(self):
        data = PDF_BYTES + b"\0" * (3 * 2**20)
        assert refusal("ke-hoach.pdf", data) == (
            "The file “ke-hoach.pdf” is too large (3.1 MB): document files may be at most 3 MB."
        )
        # Other kinds keep their default limits.
        assert check_upload(upload("anh.png", png_bytes())).kind == UploadKind.IMAGE

    def test_the_default_limits_are_per_kind(self):
        big = PDF_BYTES + b"\0" * (20 * 2**20)
        assert "at most 20 MB" in refusal("ke-hoach.pdf", big)


class TestImages:
    def test_a_photo_loses_its_gps_position_and_camera(self):
        checked = check_upload(upload("anh-hoi-nghi.jpg", jpeg_bytes(with_gps=True)))
        with Image.open(checked.file) as image:
            exif = image.getexif()
            assert 0x8825 not in exif  # GPS
            assert 0x010F not in exif  # camera make
            assert image.size == (40, 20)
        assert checked.content_type == "image/jpeg"

    def test_xmp_metadata_goes_too(self):
        xmp = (
            b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
            b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
            b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="15,30N"/>'
            b"</rdf:RDF></x:xmpmeta>"
        )
        for fmt, name in (("JPEG", "anh.jpg"), ("WEBP", "anh.webp")):
            out = io.BytesIO()
            Image.new("RGB", (10, 10)).save(out, fmt, xmp=xmp)
            assert b"GPSLatitude" in out.getvalue()
            checked = check_upload(upload(name, out.getvalue()))
            checked.file.seek(0)
            assert b"GPSLatitude" not in checked.file.read()

    def test_a_photo_is_turned_upright(self):
        # Orientation 6: the camera was turned; the stored photo is rotated instead.
        checked = check_upload(upload("anh-doc.jpeg", jpeg_bytes(orientation=6)))
        with Image.open(checked.file) as image:
            assert image.size == (20, 40)
            assert 0x0112 not in image.getexif()

    def test_the_hash_is_of_the_stored_copy(self):
        checked = check_upload(upload("anh.jpg", jpeg_bytes(with_gps=True)))
        checked.file.seek(0)
        stored = checked.file.read()
        assert hashlib.sha256(stored).hexdigest() == checked.sha256
        assert checked.size == len(stored)

    def test_an_image_of_too_many_pixels_is_refused_before_it_is_decoded(self):
        out = io.BytesIO()
        Image.new("1", (8000, 6000)).save(out, "PNG")  # a few kB, 48 million pixels
        assert refusal("ban-do.png", out.getvalue()) == (
            "The image “ban-do.png” is too large (8000 × 6000 pixels): at most 40 million pixels."
        )

    def test_a_broken_image_is_refused(self):
        assert refusal("anh.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 50) == (
            "The file “anh.png” is not a readable image."
        )


def test_content_type_of_an_old_file_comes_from_its_content():
    assert content_type_of(io.BytesIO(PDF_BYTES), "ten-sai.mp3") == "application/pdf"
    assert content_type_of(io.BytesIO(wav_bytes()), "ban-tin.wav") == "audio/wav"
