"""Public pages: home, products, product, plan results, embed, language switch.

Publications are made directly as rows (the editorial services have their own tests); what is
public is decided by `public_publications()` alone."""

import datetime as dt
import itertools
import re
import shutil
import tempfile
from typing import Any

import lxml.html  # type: ignore[import-untyped]
import time_machine
from django.core.files.base import ContentFile
from django.db import connection
from django.templatetags.static import static
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kehoach.activities.models import Attachment, Language, Platform, Record, RecordKind
from kehoach.activities.services import target_rule_set
from kehoach.activities.testing import make_record
from kehoach.plans.models import Convention, Plan, Target
from kehoach.publishing.models import Publication, PublicationState
from kehoach.publishing.tests.opendata_builders import make_publication as publish
from kehoach.publishing.tests.opendata_builders import make_results as publish_results
from kehoach.publishing.views_public import embed_snippet
from kehoach.testing import KehoachTestCase

MEDIA_ROOT = tempfile.mkdtemp(prefix="kehoach-public-")
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(28)


def attach(
    record: Record, name: str, data: bytes, content_type: str, caption: str = ""
) -> Attachment:
    attachment = Attachment(
        record=record, caption=caption, content_type=content_type, size=len(data)
    )
    attachment.file.save(name, ContentFile(data), save=False)
    attachment.save()
    return attachment


class PublicCast(KehoachTestCase):
    """A radio programme with an audio file (published), a poster by a commune (published), a
    draft, a withdrawn and a scheduled product, and the district plan's public results page."""

    radio: Publication
    poster: Publication
    draft: Publication
    withdrawn: Publication
    scheduled: Publication
    audio: Attachment
    crc: Convention
    _media: override_settings

    @classmethod
    def setUpClass(cls) -> None:
        cls._media = override_settings(MEDIA_ROOT=MEDIA_ROOT)
        cls._media.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls._media.disable()
        shutil.rmtree(MEDIA_ROOT, ignore_errors=True)

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.crc = Convention.objects.create(
            abbr="CRC",
            name_vi="Công ước về quyền trẻ em",
            name_en="Convention on the Rights of the Child",
        )
        radio_record = make_record(
            unit=cls.office,
            tasks=[cls.office_task],
            title="Chuyên mục phát thanh về quyền trẻ em",
            date=dt.date(2024, 3, 15),
            product_kind="radio",
            languages=["vi", "cor"],
            platforms=["radio"],
        )
        radio_record.themes.set([cls.theme])
        radio_record.conventions.set([cls.crc])
        cls.audio = attach(
            radio_record, "chuyen-muc-quyen-tre-em.wav", WAV, "audio/wav", "Bản ghi chuyên mục"
        )
        cls.radio = publish(
            radio_record,
            title_en="Radio programme on children's rights",
            summary="Chuyên mục phát trên Đài Truyền thanh huyện.\n\nThời lượng 15 phút.",
            published_at=timezone.now() - dt.timedelta(days=1),
        )
        poster_record = make_record(
            unit=cls.commune_a,
            tasks=[cls.commune_task],
            title="Áp phích bình đẳng giới tại xã Tam Xuân I",
            date=dt.date(2024, 5, 2),
            product_kind="poster",
            languages=["vi"],
            platforms=["print"],
        )
        attach(poster_record, "ap-phich.png", b"\x89PNG\r\n\x1a\n" + bytes(20), "image/png")
        attach(
            poster_record,
            "to-roi.pdf",
            b"%PDF-1.4\n" + bytes(2000),
            "application/pdf",
            "Tờ rơi kèm áp phích",
        )
        cls.poster = publish(poster_record)
        cls.draft = publish(
            make_record(unit=cls.office, tasks=[cls.office_task], title="Bản nháp tờ rơi"),
            state=PublicationState.DRAFT,
        )
        cls.withdrawn = publish(
            make_record(unit=cls.office, tasks=[cls.office_task], title="Bài viết đã gỡ"),
            state=PublicationState.WITHDRAWN,
            withdrawn_at=timezone.now(),
            withdrawal_reason="Sai số liệu",
        )
        cls.scheduled = publish(
            make_record(unit=cls.office, tasks=[cls.office_task], title="Bài viết hẹn giờ"),
            state=PublicationState.APPROVED,
            publish_at=timezone.now() + dt.timedelta(days=2),
        )


def parse(content: bytes) -> Any:
    return lxml.html.document_fromstring(content)


class AccessibleMarkupMixin:
    """What axe-core would refuse and a template change could break, checked on the HTML."""

    def assert_accessible_markup(self: Any, content: bytes) -> None:
        doc = parse(content)
        self.assertIn(doc.get("lang"), ("vi", "en"))
        self.assertEqual(len(doc.xpath("//h1")), 1, "one h1")
        levels = [int(h.tag[1]) for h in doc.xpath("//h1|//h2|//h3|//h4|//h5|//h6")]
        for before, after in itertools.pairwise(levels):
            self.assertLessEqual(after, before + 1, f"heading levels skip: {levels}")
        skip = doc.xpath("//body/a[1]")[0]
        self.assertEqual(skip.get("href"), "#content")
        self.assertEqual(len(doc.xpath("//main[@id='content']")), 1)
        self.assertTrue(doc.xpath("//header") and doc.xpath("//footer"))
        for image in doc.xpath("//img"):
            self.assertTrue(image.get("alt"), lxml.html.tostring(image))
        labelled = {label.get("for") for label in doc.xpath("//label")}
        for field in doc.xpath("//input[not(@type='hidden')]|//select|//textarea"):
            self.assertIn(field.get("id"), labelled, lxml.html.tostring(field))
        for nav in doc.xpath("//nav"):
            self.assertTrue(nav.get("aria-label"), "every nav is named")


class HomeTests(AccessibleMarkupMixin, PublicCast):
    def test_it_shows_the_latest_public_products_and_plans_with_public_results(self) -> None:
        publish_results(self.district_plan)
        response = self.client.get(reverse("public:home"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Chuyên mục phát thanh về quyền trẻ em")
        self.assertContains(response, "Áp phích bình đẳng giới tại xã Tam Xuân I")
        self.assertContains(response, reverse("public:plan", args=[self.district_plan.pk]))
        for hidden in ("Bản nháp tờ rơi", "Bài viết đã gỡ", "Bài viết hẹn giờ"):
            self.assertNotContains(response, hidden)

    def test_proxies_keep_it_a_minute_per_language_and_browsers_ask_again(self) -> None:
        response = self.client.get(reverse("public:home"))
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        # A browser that kept the page would still show a product withdrawn since.
        self.assertEqual(directives, {"public", "max-age=0", "s-maxage=60"})
        self.assertIn("Cookie", response["Vary"])
        # No CSRF token in a page that proxies share.
        self.assertNotContains(response, "csrfmiddlewaretoken")
        self.assertNotIn("csrftoken", response.cookies)

    def test_it_links_the_feeds(self) -> None:
        response = self.client.get(reverse("public:home"))
        doc = parse(response.content)
        alternates = {
            link.get("type"): link.get("href") for link in doc.xpath("//link[@rel='alternate']")
        }
        self.assertEqual(alternates["application/atom+xml"], "/cong-khai/atom.xml")
        self.assertEqual(alternates["application/rss+xml"], "/cong-khai/rss.xml")

    def test_its_markup_is_accessible(self) -> None:
        publish_results(self.district_plan)
        self.assert_accessible_markup(self.client.get(reverse("public:home")).content)

    def test_it_answers_without_sign_in_and_in_vietnamese(self) -> None:
        response = self.client.get(reverse("public:home"), HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(parse(response.content).get("lang"), "vi")


class ProductListTests(AccessibleMarkupMixin, PublicCast):
    url = reverse("public:products")

    def titles(self, **params: Any) -> list[str]:
        response = self.client.get(self.url, params)
        self.assertEqual(response.status_code, 200)
        return [
            a.text_content().strip()
            for a in parse(response.content).xpath("//li[@class='pub-item']//h3/a")
        ]

    def test_it_lists_public_products_only(self) -> None:
        past = publish(
            make_record(unit=self.office, tasks=[self.office_task], title="Bài viết đến giờ đăng"),
            state=PublicationState.APPROVED,
            publish_at=timezone.now() - dt.timedelta(minutes=5),
        )
        self.assertEqual(
            sorted(self.titles()),
            sorted([self.radio.title, self.poster.title, past.title]),
        )

    def test_it_puts_the_newest_publication_first(self) -> None:
        self.assertEqual(self.titles(), [self.poster.title, self.radio.title])

    def test_it_filters_by_theme_convention_language_and_platform(self) -> None:
        cor = Language.objects.get(code="cor")
        radio = Platform.objects.get(code="radio")
        print_ = Platform.objects.get(code="print")
        self.assertEqual(self.titles(**{"chu-de": self.theme.pk}), [self.radio.title])
        self.assertEqual(self.titles(**{"cong-uoc": self.crc.pk}), [self.radio.title])
        self.assertEqual(self.titles(**{"ngon-ngu": cor.pk}), [self.radio.title])
        self.assertEqual(self.titles(**{"nen-tang": radio.pk}), [self.radio.title])
        self.assertEqual(self.titles(**{"nen-tang": print_.pk}), [self.poster.title])

    def test_a_broadcast_is_filtered_by_the_product_it_aired(self) -> None:
        aired = make_record(
            unit=self.commune_a,
            tasks=[self.commune_task],
            kind=RecordKind.BROADCAST,
            title="Phát lại chuyên mục quyền trẻ em trên loa xã",
            product=self.radio.record_id,
        )
        publish(aired)
        cor = Language.objects.get(code="cor")
        self.assertEqual(
            sorted(self.titles(**{"ngon-ngu": cor.pk})), sorted([aired.title, self.radio.title])
        )

    def test_a_unit_filter_takes_the_units_under_it(self) -> None:
        self.assertEqual(self.titles(**{"don-vi": self.commune_a.pk}), [self.poster.title])
        self.assertEqual(
            self.titles(**{"don-vi": self.district.pk}), [self.poster.title, self.radio.title]
        )
        self.assertEqual(self.titles(**{"don-vi": self.outsider_district.pk}), [])

    def test_it_filters_by_plan(self) -> None:
        other = publish(
            make_record(
                unit=self.commune_a,
                tasks=[self.commune_a_task],
                title="Tin bài của kế hoạch xã Tam Xuân I",
            )
        )
        self.assertEqual(self.titles(**{"ke-hoach": self.commune_a_plan.pk}), [other.title])

    def test_words_are_found_with_or_without_diacritics(self) -> None:
        with_marks = self.titles(q="quyền trẻ em")
        self.assertEqual(with_marks, [self.radio.title])
        self.assertEqual(self.titles(q="quyen tre em"), with_marks)
        self.assertEqual(self.titles(q="QUYEN TRE"), with_marks)
        self.assertEqual(self.titles(q="bình đẳng giới"), [self.poster.title])
        # A draft holding the words stays hidden.
        self.assertEqual(self.titles(q="ban nhap"), [])

    def test_bad_filter_values_are_ignored(self) -> None:
        self.assertEqual(len(self.titles(**{"chu-de": "abc", "don-vi": "-1", "trang": "x"})), 2)
        self.assertEqual(self.titles(**{"chu-de": 999999}), [])

    def test_it_pages_and_keeps_the_filters(self) -> None:
        for number in range(3):
            publish(
                make_record(
                    unit=self.office, tasks=[self.office_task], title=f"Bản tin quý {number + 1}"
                )
            )
        with self.settings(KEHOACH_PAGE_SIZE=2):
            first = self.client.get(self.url, {"don-vi": self.district.pk})
            second = self.client.get(self.url, {"don-vi": self.district.pk, "trang": 3})
        self.assertContains(first, f"?don-vi={self.district.pk}&amp;trang=2")
        self.assertContains(first, "5 sản phẩm truyền thông")
        self.assertEqual(len(parse(second.content).xpath("//li[@class='pub-item']")), 1)

    def test_the_filters_name_only_what_public_products_use(self) -> None:
        hidden_plan = Plan.objects.get(pk=self.commune_b_plan.pk)
        publish(
            make_record(unit=self.commune_b, tasks=[self.commune_b_task], title="Bản nháp xã"),
            state=PublicationState.DRAFT,
        )
        response = self.client.get(self.url)
        doc = parse(response.content)
        units = [o.text_content() for o in doc.xpath("//select[@name='don-vi']/option")]
        self.assertIn("Xã Tam Xuân I", units)
        self.assertNotIn("Xã Tam Xuân II", units)
        plans = [o.get("value") for o in doc.xpath("//select[@name='ke-hoach']/option")]
        self.assertNotIn(str(hidden_plan.pk), plans)
        languages = [o.text_content() for o in doc.xpath("//select[@name='ngon-ngu']/option")]
        self.assertIn("Tiếng Co (Cor)", languages)
        self.assertNotIn("Tiếng Nhật", languages)

    def test_its_queries_do_not_grow_with_the_products(self) -> None:
        self.client.get(self.url)  # warm caches (content types, languages)
        with CaptureQueriesContext(connection) as few:
            self.client.get(self.url)
        for number in range(6):
            record = make_record(
                unit=self.commune_b,
                tasks=[self.commune_b_task],
                title=f"Tin số {number}",
                kind=RecordKind.BROADCAST if number % 2 else RecordKind.PRODUCT,
            )
            attach(record, f"tin-{number}.wav", WAV, "audio/wav")
            publish(record)
        with self.assertNumQueries(len(few.captured_queries)):
            response = self.client.get(self.url)
        self.assertContains(response, "8 sản phẩm truyền thông")

    def test_the_list_takes_a_fixed_number_of_queries(self) -> None:
        # count, page, attachments; six filter choices.
        self.client.get(self.url)
        with self.assertNumQueries(9):
            self.client.get(self.url)

    def test_a_filtered_list_links_the_feed_of_its_plan_theme_or_unit(self) -> None:
        response = self.client.get(self.url, {"chu-de": self.theme.pk, "don-vi": self.district.pk})
        links = parse(response.content).xpath("//link[@rel='alternate']")
        hrefs = [link.get("href") for link in links]
        self.assertIn(f"/cong-khai/chu-de/{self.theme.pk}/atom.xml", hrefs)
        self.assertIn(f"/cong-khai/don-vi/{self.district.pk}/atom.xml", hrefs)
        self.assertIn("/cong-khai/atom.xml", hrefs)

    def test_its_markup_is_accessible(self) -> None:
        self.assert_accessible_markup(self.client.get(self.url).content)


class ProductDetailTests(AccessibleMarkupMixin, PublicCast):
    def test_it_shows_the_product_with_a_player_for_its_audio(self) -> None:
        response = self.client.get(reverse("public:product", args=[self.radio.pk]))
        self.assertEqual(response.status_code, 200)
        doc = parse(response.content)
        self.assertEqual(doc.xpath("//h1")[0].text_content(), self.radio.title)
        file_url = reverse("public:file", args=[self.audio.pk, "chuyen-muc-quyen-tre-em.wav"])
        players = doc.xpath("//audio[@controls]")
        self.assertEqual([p.get("src") for p in players], [file_url])
        self.assertContains(response, "ngày 15 tháng 3 năm 2024")
        self.assertContains(response, "Thời lượng 15 phút.")
        self.assertContains(response, "Tiếng Co (Cor)")
        self.assertContains(response, "Phát thanh")
        self.assertContains(response, "Công ước quốc tế")  # the theme
        self.assertContains(response, 'href="https://creativecommons.org/licenses/by/4.0/"')

    def test_the_audio_file_plays_from_its_public_address_until_withdrawal(self) -> None:
        file_url = reverse("public:file", args=[self.audio.pk, "chuyen-muc-quyen-tre-em.wav"])
        response = self.client.get(file_url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "audio/wav")
        self.assertEqual(b"".join(response.streaming_content), WAV)
        Publication.objects.filter(pk=self.radio.pk).update(state=PublicationState.WITHDRAWN)
        self.assertEqual(self.client.get(file_url).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("public:product", args=[self.radio.pk])).status_code, 404
        )

    def test_images_have_alt_text_and_documents_their_type_and_size(self) -> None:
        response = self.client.get(reverse("public:product", args=[self.poster.pk]))
        doc = parse(response.content)
        # No caption: the product's title describes the poster.
        self.assertEqual([img.get("alt") for img in doc.xpath("//img")], [self.poster.title])
        documents = doc.xpath("//ul[@class='pub-files']/li")
        self.assertEqual(len(documents), 1)
        self.assertIn("Tờ rơi kèm áp phích", documents[0].text_content())
        self.assertIn("PDF, 2,0\xa0KB", documents[0].text_content())  # Vietnamese decimal comma

    def test_a_video_gets_a_player_and_the_queries_do_not_grow_with_the_files(self) -> None:
        url = reverse("public:product", args=[self.poster.pk])
        self.client.get(url)
        with CaptureQueriesContext(connection) as before:
            self.client.get(url)
        record = self.poster.record
        assert record is not None
        video = attach(record, "phong-su.webm", b"\x1aE\xdf\xa3" + bytes(64), "video/webm")
        for number in range(3):
            attach(record, f"anh-{number}.png", b"\x89PNG" + bytes(8), "image/png", f"Ảnh {number}")
        with self.assertNumQueries(len(before.captured_queries)):
            response = self.client.get(url)
        players = parse(response.content).xpath("//video[@controls]")
        self.assertEqual(
            [p.get("src") for p in players],
            [reverse("public:file", args=[video.pk, "phong-su.webm"])],
        )
        self.assertEqual(len(parse(response.content).xpath("//img")), 4)

    def test_it_is_404_unless_public(self) -> None:
        for publication in (self.draft, self.withdrawn, self.scheduled):
            response = self.client.get(reverse("public:product", args=[publication.pk]))
            self.assertEqual(response.status_code, 404, publication.title)
        results = publish_results(self.district_plan)
        self.assertEqual(
            self.client.get(reverse("public:product", args=[results.pk])).status_code, 404
        )

    def test_english_pages_show_the_translation_and_mark_the_vietnamese_fallback(self) -> None:
        self.client.cookies["django_language"] = "en"
        radio = parse(self.client.get(reverse("public:product", args=[self.radio.pk])).content)
        self.assertEqual(radio.get("lang"), "en")
        h1 = radio.xpath("//h1")[0]
        self.assertEqual((h1.text_content(), h1.get("lang")), (self.radio.title_en, "en"))
        # No English summary: the Vietnamese one, marked as Vietnamese.
        summary = radio.xpath("//article/div[@lang='vi']/p")
        self.assertEqual(summary[0].text_content(), "Chuyên mục phát trên Đài Truyền thanh huyện.")
        self.assertIn("15 March 2024", radio.text_content())
        poster = parse(self.client.get(reverse("public:product", args=[self.poster.pk])).content)
        h1 = poster.xpath("//h1")[0]
        self.assertEqual((h1.text_content(), h1.get("lang")), (self.poster.title, "vi"))

    def test_it_links_the_plan_page_only_when_it_is_public(self) -> None:
        url = reverse("public:product", args=[self.radio.pk])
        plan_url = reverse("public:plan", args=[self.district_plan.pk])
        self.assertNotContains(self.client.get(url), plan_url)
        publish_results(self.district_plan)
        self.assertContains(self.client.get(url), plan_url)

    def test_its_markup_is_accessible(self) -> None:
        for publication in (self.radio, self.poster):
            content = self.client.get(reverse("public:product", args=[publication.pk])).content
            self.assert_accessible_markup(content)


class PlanPageTests(AccessibleMarkupMixin, PublicCast):
    def url(self) -> str:
        return reverse("public:plan", args=[self.district_plan.pk])

    def test_it_is_404_until_the_results_page_is_public(self) -> None:
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        results = publish_results(self.district_plan, state=PublicationState.DRAFT)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        Publication.objects.filter(pk=results.pk).update(
            state=PublicationState.PUBLISHED, published_at=timezone.now()
        )
        self.assertEqual(self.client.get(self.url()).status_code, 200)
        Publication.objects.filter(pk=results.pk).update(state=PublicationState.WITHDRAWN)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_it_shows_the_summary_targets_what_was_done_and_the_products(self) -> None:
        target = Target.objects.create(
            plan=self.district_plan,
            order=1,
            text="Sản xuất ít nhất 4 sản phẩm truyền thông",
            value=4,
        )
        target_rule_set(target=target, kind="record_count", params={"record_kind": "product"})
        make_record(
            unit=self.commune_a,
            tasks=[self.commune_task],
            kind=RecordKind.TRAINING,
            date=dt.date(2024, 4, 10),
        )
        publish_results(
            self.district_plan,
            published_at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
            summary="Kết quả 6 tháng đầu năm 2024.\n\nĐã hoàn thành nhiều nhiệm vụ.",
        )
        response = self.client.get(self.url())
        self.assertContains(response, "Kết quả 6 tháng đầu năm 2024.")
        self.assertContains(response, "Sản xuất ít nhất 4 sản phẩm truyền thông")
        with time_machine.travel(dt.datetime(2024, 6, 30, 12, tzinfo=dt.UTC), tick=False):
            midyear = self.client.get(self.url())
        # Counted up to today within the plan's year, and up to its last day after it ends.
        self.assertContains(midyear, "ngày 30 tháng 6 năm 2024")
        if timezone.localdate() > dt.date(2024, 12, 31):
            self.assertContains(response, "ngày 31 tháng 12 năm 2024")
        doc = parse(response.content)
        row = doc.xpath("//section[@aria-labelledby='targets-heading']//tbody/tr")[0]
        cells = [td.text_content().strip() for td in row.xpath("td")]
        # Five products are linked to the plan's tasks: radio, poster, draft, withdrawn, scheduled.
        self.assertEqual(cells[1:3], ["5", "4"])
        counts = [li.text_content().split() for li in doc.xpath("//ul[@class='pub-counts']/li")]
        counted = {" ".join(c[1:]): c[0] for c in counts}
        self.assertEqual(len(counted), 2)
        self.assertEqual(sorted(counted.values()), ["1", "5"])
        products = [a.text_content() for a in doc.xpath("//li[@class='pub-item']//a")]
        self.assertEqual(products, [self.poster.title, self.radio.title])

    def test_its_markup_is_accessible(self) -> None:
        publish_results(self.district_plan)
        self.assert_accessible_markup(self.client.get(self.url()).content)

    def test_it_links_the_plan_feeds(self) -> None:
        publish_results(self.district_plan)
        doc = parse(self.client.get(self.url()).content)
        hrefs = [link.get("href") for link in doc.xpath("//link[@rel='alternate']")]
        self.assertIn(f"/cong-khai/ke-hoach/{self.district_plan.pk}/atom.xml", hrefs)


class EmbedTests(PublicCast):
    def test_it_lists_the_latest_products_of_a_plan_for_other_sites_frames(self) -> None:
        publish(
            make_record(
                unit=self.commune_a, tasks=[self.commune_a_task], title="Tin của kế hoạch xã"
            )
        )
        response = self.client.get(
            reverse("public:embed"), {"ke-hoach": self.district_plan.pk, "so-luong": 1}
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("X-Frame-Options", response)
        doc = parse(response.content)
        self.assertEqual(doc.xpath("//base")[0].get("target"), "_top")
        links = doc.xpath("//li/a")
        self.assertEqual([a.text_content() for a in links], [self.poster.title])
        self.assertEqual(
            links[0].get("href"),
            "http://testserver" + reverse("public:product", args=[self.poster.pk]),
        )
        # Light for the framing site: no script or image, and one small stylesheet of our own
        # (a file, not a <style> block: the Content-Security-Policy allows no inline styles).
        self.assertFalse(doc.xpath("//script|//img|//style"))
        self.assertEqual(
            [link.get("href") for link in doc.xpath("//link[@rel='stylesheet']")],
            [static("kehoach/embed.css")],
        )

    def test_it_shows_at_most_twenty_and_refuses_an_unknown_plan(self) -> None:
        response = self.client.get(reverse("public:embed"), {"so-luong": 500})
        self.assertEqual(len(parse(response.content).xpath("//li")), 2)
        self.assertEqual(
            self.client.get(reverse("public:embed"), {"ke-hoach": 999999}).status_code, 404
        )

    def test_the_snippet_frames_the_embed_of_the_plan(self) -> None:
        request = RequestFactory().get("/publishing/", HTTP_HOST="kehoach.nuithanh.gov.vn")
        with self.settings(ALLOWED_HOSTS=["kehoach.nuithanh.gov.vn"]):
            snippet = embed_snippet(request, self.district_plan)
        match = re.search(r'<iframe src="([^"]+)" title="[^"]+"', snippet)
        assert match is not None
        self.assertEqual(
            match.group(1),
            f"http://kehoach.nuithanh.gov.vn/cong-khai/nhung/?ke-hoach={self.district_plan.pk}"
            "&amp;so-luong=5",
        )


class LanguageSwitchTests(KehoachTestCase):
    def test_it_sets_the_language_and_goes_back(self) -> None:
        response = self.client.get(
            reverse("public:language", args=["en"]), {"next": "/cong-khai/san-pham/?q=tre"}
        )
        self.assertRedirects(response, "/cong-khai/san-pham/?q=tre", fetch_redirect_response=False)
        self.assertEqual(response.cookies["django_language"].value, "en")
        self.assertEqual(parse(self.client.get("/cong-khai/").content).get("lang"), "en")

    def test_it_never_sends_elsewhere_and_knows_only_the_site_languages(self) -> None:
        response = self.client.get(
            reverse("public:language", args=["vi"]), {"next": "https://example.com/"}
        )
        self.assertRedirects(response, "/cong-khai/", fetch_redirect_response=False)
        self.assertEqual(self.client.get(reverse("public:language", args=["fr"])).status_code, 404)
