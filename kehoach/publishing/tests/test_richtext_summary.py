"""Publication summaries with simple formatting: sanitised when saved and again when shown."""

from django.conf import settings
from django.urls import reverse

from kehoach.publishing.models import Publication
from kehoach.publishing.services import publication_update
from kehoach.publishing.tests.workflow import PublishingCase

FORMATTED = (
    "Chương trình <b>phát thanh</b> về quyền trẻ em, phát trên "
    '<a href="https://nuithanh.quangnam.gov.vn" onclick="steal()">Đài Núi Thành</a>.'
    "<script>alert('x')</script>\n\n"
    "<ul><li>Tiếng Việt</li><li>Tiếng Co</li></ul>"
)


class SummaryOnSaveTest(PublishingCase):
    def test_the_service_keeps_the_formatting_and_removes_what_runs(self) -> None:
        pub = self.draft(summary=FORMATTED, summary_en='<i>Radio</i> <img src=x onerror="x()">')
        pub.refresh_from_db()
        assert "<b>phát thanh</b>" in pub.summary
        assert '<a href="https://nuithanh.quangnam.gov.vn" rel="nofollow noopener">' in pub.summary
        assert "<ul><li>Tiếng Việt</li><li>Tiếng Co</li></ul>" in pub.summary
        assert "script" not in pub.summary and "onclick" not in pub.summary
        assert pub.summary_en == "<p><i>Radio</i> </p>"

    def test_plain_text_is_stored_as_written(self) -> None:
        pub = self.draft(summary="Phát thanh mỗi tối thứ Bảy.\n\nÂm lượng < 70 dB & rõ.")
        assert pub.summary == "Phát thanh mỗi tối thứ Bảy.\n\nÂm lượng < 70 dB & rõ."

    def test_an_edit_is_sanitised_too(self) -> None:
        pub = self.draft()
        pub = publication_update(pub, by=self.commune_a_staff, summary='<p style="x">Sửa</p>')
        assert pub.summary == "<p>Sửa</p>"


class SummaryOnPageTest(PublishingCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"

    def test_the_public_page_shows_the_formatting(self) -> None:
        pub = self.published(self.radio_record())
        Publication.objects.filter(pk=pub.pk).update(summary=FORMATTED)  # an old row, unsanitised
        response = self.client.get(reverse("public:product", args=[pub.pk]))
        self.assertContains(response, "<b>phát thanh</b>")
        self.assertContains(
            response,
            '<a href="https://nuithanh.quangnam.gov.vn" rel="nofollow noopener">Đài Núi Thành</a>',
        )
        self.assertNotContains(response, "alert(")
        self.assertNotContains(response, "steal()")

    def test_plain_text_shows_as_paragraphs_with_its_signs_escaped(self) -> None:
        pub = self.published(self.radio_record())
        Publication.objects.filter(pk=pub.pk).update(summary="Dòng một\n\nÂm lượng < 70 dB")
        response = self.client.get(reverse("public:product", args=[pub.pk]))
        self.assertContains(response, "<p>Dòng một</p>\n<p>Âm lượng &lt; 70 dB</p>", html=False)

    def test_lists_show_the_words_without_markup(self) -> None:
        pub = self.published(self.radio_record())
        Publication.objects.filter(pk=pub.pk).update(summary="<p>Chương trình <b>mới</b></p>")
        response = self.client.get(reverse("public:products"))
        self.assertContains(response, "Chương trình mới")
        self.assertNotContains(response, "&lt;b&gt;")

    def test_the_staff_page_shows_the_formatting_safely(self) -> None:
        pub = self.draft()
        Publication.objects.filter(pk=pub.pk).update(summary=FORMATTED)
        self.login(self.commune_a_staff)
        response = self.client.get(reverse("publishing:detail", args=[pub.pk]))
        self.assertContains(response, "<b>phát thanh</b>")
        self.assertNotContains(response, "alert(")
