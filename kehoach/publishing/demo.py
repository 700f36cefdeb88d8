"""The demo's publishing: products of the seed plan (huyện Núi Thành, 2024) that staff put on the
public pages, with real files, and the plan's public results page.

    published ... a radio programme on children's rights with its recording (a WAV made here),
                  the poster "Chung tay vì quyền trẻ em" (a PNG drawn here), the leaflet
                  "Hỏi – đáp về quyền trẻ em" (a .docx written here), the English infographic,
                  and the district plan's results page
    withdrawn ... the leaflet on human trafficking (figures not updated to the 2024 law)
    scheduled ... a programme in Cor, approved to go out a week after the demo is loaded
    draft ....... a television report, not yet approved

Drafted by Phòng Văn hóa và Thông tin (vhtt), approved by the district's plan manager (quanly),
each step on its day of 2024 (Việt Nam time) through the publishing services, so the history and
the public dates are what the services write. Other radio programmes stay unpublished: the
browser test publishes one (kehoach/tests/browser/test_publishing.py).

The files are made here, not read from disk: a few seconds of a tune (`wave`), a poster drawn with
Pillow, a leaflet written with python-docx; they go through activities.attachment_add, so the
upload checks see them as they would see a user's files.
"""

import datetime as dt
import io
import math
import struct
import wave
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.utils import timezone
from docx import Document
from PIL import Image, ImageDraw, ImageFont

from kehoach.activities.models import Record, RecordKind
from kehoach.activities.services import attachment_add
from kehoach.plans.models import Plan
from kehoach.units.models import Unit

from .models import Licence, Publication, PublicationKind, PublicationState
from .services import (
    publication_approve,
    publication_create,
    publication_withdraw,
)

YEAR = 2024
DRAFTER = "vhtt"
APPROVER = "quanly"

RADIO_TITLE = (
    "Chuyên mục phát thanh: Công ước của Liên hợp quốc về quyền trẻ em và trách nhiệm của gia đình"
)
RADIO_TITLE_EN = (
    "Radio programme: The UN Convention on the Rights of the Child and the family's duties"
)
RADIO_SUMMARY = (
    "Chuyên mục giới thiệu những quyền cơ bản của trẻ em theo Công ước của Liên hợp quốc về "
    "quyền trẻ em: quyền được sống, được bảo vệ, được phát triển và được tham gia.\n\n"
    "Cán bộ Hội Liên hiệp Phụ nữ huyện trao đổi về trách nhiệm của cha mẹ, nhà trường và cộng "
    "đồng trong việc phòng, chống xâm hại, bạo lực đối với trẻ em trên địa bàn huyện Núi Thành."
)
RADIO_SUMMARY_EN = (
    "The programme presents the basic rights of children under the UN Convention on the Rights "
    "of the Child: to survival, protection, development and participation.\n\n"
    "An officer of the district Women's Union talks about the duties of parents, schools and the "
    "community in preventing abuse of and violence against children in Núi Thành district."
)
POSTER_TITLE = "Áp phích: Chung tay vì quyền trẻ em"
POSTER_TITLE_EN = "Poster: Hand in hand for children's rights"
LEAFLET_TITLE = "Tờ gấp: Hỏi – đáp về quyền trẻ em"
ENGLISH_TITLE = "Infographic (English): Human rights achievements of Nui Thanh district"
WITHDRAWN_TITLE = "Tờ gấp: Phòng, chống mua bán người"
WITHDRAWAL_REASON = (
    "Số liệu trong tờ gấp chưa cập nhật theo Luật Phòng, chống mua bán người năm 2024; "
    "đơn vị biên soạn lại trước khi đăng tải."
)
SCHEDULED_PREFIX = "Chương trình phát thanh tiếng Cor:"
DRAFT_PREFIX = "Phóng sự truyền hình:"
RESULTS_TITLE = (
    "Kết quả thực hiện Kế hoạch triển khai Đề án truyền thông về quyền con người năm 2024 "
    "trên địa bàn huyện Núi Thành"
)
RESULTS_TITLE_EN = (
    "Results of the 2024 plan for communication on human rights in Núi Thành district"
)
RESULTS_SUMMARY = (
    "Năm 2024, các cơ quan, đơn vị và UBND các xã, thị trấn trên địa bàn huyện Núi Thành đã "
    "triển khai đồng bộ các nhiệm vụ của Kế hoạch: phát thanh hằng tuần trên Đài truyền thanh, "
    "tiếp sóng tại 15 xã, thị trấn, chương trình bằng tiếng Cor tại các xã miền núi, tờ gấp, áp "
    "phích, pa nô cổ động và tin bài trên Cổng thông tin điện tử huyện.\n\n"
    "Trang này công bố tiến độ các mục tiêu của Kế hoạch, tính từ các hoạt động đã ghi nhận, và "
    "các sản phẩm truyền thông được phép công khai."
)
RESULTS_SUMMARY_EN = (
    "In 2024 the offices of Núi Thành district and its communes carried out the tasks of the "
    "plan: a weekly radio programme relayed by 15 commune stations, programmes in the Cor "
    "language, leaflets, posters, banners and articles on the district portal.\n\n"
    "This page shows the progress of the plan's targets, computed from the recorded activities, "
    "and the communication products cleared for publication."
)

LEAFLET_QUESTIONS = [
    (
        "Trẻ em là ai?",
        "Theo Luật Trẻ em năm 2016, trẻ em là người dưới 16 tuổi.",
    ),
    (
        "Trẻ em có những quyền cơ bản nào?",
        "Quyền được sống, được khai sinh, được chăm sóc sức khỏe, được học tập, được vui chơi, "
        "được bảo vệ khỏi mọi hình thức bạo lực, bóc lột, xâm hại và được bày tỏ ý kiến về "
        "những việc liên quan đến mình.",
    ),
    (
        "Khi phát hiện trẻ em bị xâm hại, cần làm gì?",
        "Gọi ngay Tổng đài quốc gia bảo vệ trẻ em 111 (miễn phí) hoặc báo cho UBND xã, công an "
        "xã nơi gần nhất.",
    ),
]

# Fonts with every Vietnamese letter, if the machine has one (Debian: fonts-liberation2,
# fonts-dejavu-core); otherwise Pillow's own font.
FONTS = [
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
]


@dataclass(frozen=True)
class DemoPublications:
    radio: Publication
    poster: Publication
    leaflet: Publication
    english: Publication
    withdrawn: Publication
    scheduled: Publication
    draft: Publication
    results: Publication


# -- the files ----------------------------------------------------------------------------------


def demo_wav(*, seconds: float = 3.0, rate: int = 8_000) -> bytes:
    """A few seconds of the radio programme's signature tune: a rising phrase of five notes with
    a soft attack and decay, 16-bit mono PCM (plays in every browser)."""
    notes = [392.0, 440.0, 523.25, 587.33, 659.25]  # G4 A4 C5 D5 E5
    frames = int(seconds * rate)
    per_note = frames // len(notes)
    samples = bytearray()
    for index in range(frames):
        note = notes[min(index // per_note, len(notes) - 1)]
        position = (index % per_note) / per_note
        envelope = min(1.0, position * 20) * (1.0 - position) ** 0.5
        value = math.sin(2 * math.pi * note * index / rate) + 0.3 * math.sin(
            4 * math.pi * note * index / rate
        )
        samples += struct.pack("<h", int(12_000 * envelope * value))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(samples))
    return buffer.getvalue()


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONTS:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def demo_poster_png(*, title: str, lines: list[str]) -> bytes:
    """A 600×840 poster: a dark blue band with the title, the lines, the issuing unit."""
    image = Image.new("RGB", (600, 840), (250, 246, 236))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 600, 220), fill=(16, 58, 112))
    draw.ellipse((230, 300, 370, 440), fill=(230, 126, 34))
    draw.ellipse((180, 400, 280, 500), fill=(46, 134, 193))
    draw.ellipse((320, 400, 420, 500), fill=(39, 174, 96))
    y = 40
    for word_line in _wrap(title, 26):
        draw.text((40, y), word_line, font=_font(36), fill=(255, 255, 255))
        y += 48
    y = 560
    for line in lines:
        for part in _wrap(line, 38):
            draw.text((40, y), part, font=_font(26), fill=(33, 33, 33))
            y += 36
        y += 12
    draw.text((40, 790), "UBND huyện Núi Thành – 2024", font=_font(22), fill=(16, 58, 112))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return lines


def demo_leaflet_docx(*, title: str, questions: list[tuple[str, str]]) -> bytes:
    """The leaflet's text as a Word document: title, questions and answers, who issued it."""
    document = Document()
    document.core_properties.title = title
    document.core_properties.author = "Hội Liên hiệp Phụ nữ huyện Núi Thành"
    document.add_heading(title, level=1)
    for question, answer in questions:
        document.add_heading(question, level=2)
        document.add_paragraph(answer)
    document.add_paragraph("Hội Liên hiệp Phụ nữ huyện Núi Thành – năm 2024")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# -- the publications ---------------------------------------------------------------------------


def _at(day_and_time: str) -> dt.datetime:
    """The day and hour of a step ("06-24 14:00") in 2024, Việt Nam time."""
    naive = dt.datetime.strptime(f"{YEAR}-{day_and_time}", "%Y-%m-%d %H:%M")
    return timezone.make_aware(naive, timezone.get_default_timezone())


@contextmanager
def _clock(day_and_time: str) -> Iterator[None]:
    """The services write timezone.now() as the time of a step: set it to the step's day."""
    with mock.patch("django.utils.timezone.now", return_value=_at(day_and_time)):
        yield


def _record(*, title: str | None = None, prefix: str | None = None) -> Record:
    records = Record.objects.filter(kind=RecordKind.PRODUCT, publication__isnull=True)
    if title is not None:
        records = records.filter(title=title)
    if prefix is not None:
        records = records.filter(title__startswith=prefix)
    record = records.order_by("date", "pk").first()
    if record is None:
        raise LookupError(f"The demo has no product record {title or prefix!r}.")
    return record


def _attach(record: Record, name: str, content: bytes, caption: str) -> None:
    attachment_add(record=record, file=ContentFile(content, name=name), caption=caption)


def _published(
    record: Record,
    *,
    drafter: User | None,
    approver: User | None,
    drafted: str,
    approved: str,
    title_en: str = "",
    summary: str | None = None,
    summary_en: str = "",
    licence: str = Licence.CC_BY_4,
) -> Publication:
    with _clock(drafted):
        publication = publication_create(
            record=record,
            by=drafter,
            title_en=title_en,
            summary=summary,
            summary_en=summary_en,
            licence=licence,
        )
    with _clock(approved):
        publication_approve(publication, by=approver)
    publication.refresh_from_db()
    return publication


def demo_publishing_load(*, plan: Plan, units: Mapping[str, Unit]) -> DemoPublications:
    """Publish the demo's products and the plan's results page (see the module's docstring)."""
    drafter = User.objects.filter(username=DRAFTER).first()
    approver = User.objects.filter(username=APPROVER).first()

    radio_record = _record(title=RADIO_TITLE)
    _attach(
        radio_record,
        "quyen-tre-em-chuyen-muc-phat-thanh.wav",
        demo_wav(),
        "Nhạc hiệu chuyên mục phát thanh về quyền trẻ em",
    )
    radio = _published(
        radio_record,
        drafter=drafter,
        approver=approver,
        drafted=f"{radio_record.date:%m-%d} 16:00",
        approved=f"{radio_record.date + dt.timedelta(days=1):%m-%d} 09:30",
        title_en=RADIO_TITLE_EN,
        summary=RADIO_SUMMARY,
        summary_en=RADIO_SUMMARY_EN,
    )

    poster_record = _record(title=POSTER_TITLE)
    _attach(
        poster_record,
        "ap-phich-chung-tay-vi-quyen-tre-em.png",
        demo_poster_png(
            title="Chung tay vì quyền trẻ em",
            lines=[
                "Mọi trẻ em đều có quyền được sống, được bảo vệ và được phát triển.",
                "Tổng đài quốc gia bảo vệ trẻ em: 111",
            ],
        ),
        "Áp phích màu xanh: ba hình tròn tượng trưng cho gia đình, dòng chữ “Chung tay vì "
        "quyền trẻ em” và số Tổng đài bảo vệ trẻ em 111",
    )
    poster = _published(
        poster_record,
        drafter=drafter,
        approver=approver,
        drafted=f"{poster_record.date:%m-%d} 10:00",
        approved=f"{poster_record.date + dt.timedelta(days=2):%m-%d} 08:00",
        title_en=POSTER_TITLE_EN,
        summary="Áp phích cổ động hưởng ứng Tháng hành động vì trẻ em, treo tại nhà văn hóa các "
        "thôn và trường học.",
        licence=Licence.CC0,
    )

    leaflet_record = _record(title=LEAFLET_TITLE)
    _attach(
        leaflet_record,
        "to-gap-hoi-dap-ve-quyen-tre-em.docx",
        demo_leaflet_docx(
            title=LEAFLET_TITLE.removeprefix("Tờ gấp: "), questions=LEAFLET_QUESTIONS
        ),
        "Nội dung tờ gấp",
    )
    leaflet = _published(
        leaflet_record,
        drafter=drafter,
        approver=approver,
        drafted=f"{leaflet_record.date:%m-%d} 14:00",
        approved=f"{leaflet_record.date + dt.timedelta(days=1):%m-%d} 10:00",
        summary="Những câu hỏi thường gặp về quyền trẻ em và nơi báo tin khi trẻ em bị xâm hại.",
    )

    english_record = _record(title=ENGLISH_TITLE)
    english = _published(
        english_record,
        drafter=drafter,
        approver=approver,
        drafted=f"{english_record.date:%m-%d} 09:00",
        approved=f"{english_record.date:%m-%d} 15:00",
        title_en="Human rights achievements of Nui Thanh district",
        summary="Đồ họa thông tin bằng tiếng Anh về kết quả bảo đảm quyền con người của huyện.",
        summary_en="An infographic on what Núi Thành district has done for human rights.",
    )

    withdrawn_record = _record(title=WITHDRAWN_TITLE)
    withdrawn = _published(
        withdrawn_record,
        drafter=drafter,
        approver=approver,
        drafted=f"{withdrawn_record.date:%m-%d} 09:00",
        approved=f"{withdrawn_record.date + dt.timedelta(days=1):%m-%d} 09:00",
    )
    with _clock(f"{withdrawn_record.date + dt.timedelta(days=5):%m-%d} 11:00"):
        publication_withdraw(withdrawn, by=approver, reason=WITHDRAWAL_REASON)
    withdrawn.refresh_from_db()

    # Approved now to go out in a week: the public does not see it yet.
    scheduled = publication_create(record=_record(prefix=SCHEDULED_PREFIX), by=drafter)
    publish_at = (timezone.localtime() + dt.timedelta(days=7)).replace(
        hour=7, minute=0, second=0, microsecond=0
    )
    publication_approve(scheduled, by=approver, publish_at=publish_at)
    scheduled.refresh_from_db()

    with _clock("12-20 15:00"):
        draft = publication_create(record=_record(prefix=DRAFT_PREFIX), by=drafter)

    with _clock("12-27 16:00"):
        results = publication_create(
            plan=plan,
            by=drafter,
            title=RESULTS_TITLE,
            title_en=RESULTS_TITLE_EN,
            summary=RESULTS_SUMMARY,
            summary_en=RESULTS_SUMMARY_EN,
        )
    with _clock("12-30 09:00"):
        publication_approve(results, by=approver)
    results.refresh_from_db()

    return DemoPublications(
        radio=radio,
        poster=poster,
        leaflet=leaflet,
        english=english,
        withdrawn=withdrawn,
        scheduled=scheduled,
        draft=draft,
        results=results,
    )


def demo_states() -> dict[str, int]:
    """How many publications the demo left in each state (for the demo's tests and README)."""
    return {
        state: Publication.objects.filter(state=state).count() for state in PublicationState.values
    } | {"results": Publication.objects.filter(kind=PublicationKind.RESULTS).count()}
