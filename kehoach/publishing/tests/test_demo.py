"""The demo's publishing (kehoach/publishing/demo.py): what is public, with real files, and what
is withdrawn, scheduled or still a draft."""

import io
import wave
from collections import Counter

from django.contrib.auth.models import User
from django.test import TestCase
from django.utils import timezone
from docx import Document
from PIL import Image

from kehoach.activities.models import Record, RecordKind
from kehoach.demo import demo_load
from kehoach.plans.models import Plan
from kehoach.publishing.demo import (
    LEAFLET_TITLE,
    POSTER_TITLE,
    RADIO_TITLE,
    RESULTS_TITLE,
    WITHDRAWAL_REASON,
    WITHDRAWN_TITLE,
    demo_wav,
)
from kehoach.publishing.models import (
    Publication,
    PublicationAction,
    PublicationKind,
    PublicationState,
)
from kehoach.publishing.search import search_publications
from kehoach.publishing.selectors import public_publications


class DemoPublishingTest(TestCase):
    plan: Plan

    @classmethod
    def setUpTestData(cls) -> None:
        demo_load()
        cls.plan = Plan.objects.get(issuer__name="Huyện Núi Thành", year=2024)

    def product(self, title: str) -> Publication:
        return Publication.objects.select_related("record").get(title=title)

    def test_each_state_of_the_workflow_is_shown(self):
        states = Counter(
            Publication.objects.filter(kind=PublicationKind.PRODUCT).values_list("state", flat=True)
        )
        assert states == {
            PublicationState.PUBLISHED: 4,
            PublicationState.WITHDRAWN: 1,
            PublicationState.APPROVED: 1,
            PublicationState.DRAFT: 1,
        }

    def test_only_published_products_and_the_results_page_are_public(self):
        public = set(public_publications().values_list("title", flat=True))
        assert {RADIO_TITLE, POSTER_TITLE, LEAFLET_TITLE, RESULTS_TITLE} <= public
        assert len(public) == 5
        assert WITHDRAWN_TITLE not in public
        scheduled = Publication.objects.get(state=PublicationState.APPROVED)
        assert scheduled.publish_at is not None and scheduled.publish_at > timezone.now()
        assert scheduled.title not in public

    def test_the_plans_results_page_is_public(self):
        results = Publication.objects.get(kind=PublicationKind.RESULTS)
        assert results.plan == self.plan
        assert results.unit == self.plan.issuer
        assert results in public_publications()
        assert results.title_en and results.summary_en

    def test_the_radio_programme_carries_a_real_recording_of_a_few_seconds(self):
        radio = self.product(RADIO_TITLE)
        assert radio.record is not None
        assert radio.record.product.product_kind == "radio"
        attachment = radio.record.attachments.get()
        assert attachment.content_type == "audio/wav"
        assert attachment.size == len(demo_wav())
        with attachment.file.open("rb") as handle, wave.open(handle) as recording:
            seconds = recording.getnframes() / recording.getframerate()
        assert 2 <= seconds <= 5
        assert radio.title_en and radio.summary_en  # shown on the English pages

    def test_the_poster_is_an_image_with_a_description_for_screen_readers(self):
        poster = self.product(POSTER_TITLE)
        assert poster.record is not None
        attachment = poster.record.attachments.get()
        assert attachment.content_type == "image/png"
        assert "Chung tay vì quyền trẻ em" in attachment.caption
        with attachment.file.open("rb") as handle:
            image = Image.open(io.BytesIO(handle.read()))
            assert image.size == (600, 840)

    def test_the_leaflet_is_a_word_document_with_its_questions(self):
        leaflet = self.product(LEAFLET_TITLE)
        assert leaflet.record is not None
        attachment = leaflet.record.attachments.get()
        assert attachment.content_type.endswith("wordprocessingml.document")
        with attachment.file.open("rb") as handle:
            document = Document(io.BytesIO(handle.read()))
        text = "\n".join(paragraph.text for paragraph in document.paragraphs)
        assert "Tổng đài quốc gia bảo vệ trẻ em 111" in text

    def test_the_history_names_who_drafted_and_who_approved_on_days_of_2024(self):
        radio = self.product(RADIO_TITLE)
        events = list(radio.events.select_related("by"))
        actions = [event.action for event in events]
        assert actions[0] == PublicationAction.CREATED
        assert PublicationAction.APPROVED in actions or PublicationAction.PUBLISHED in actions
        by = {event.action: event.by for event in events}
        assert by[PublicationAction.CREATED] == User.objects.get(username="vhtt")
        approver = by.get(PublicationAction.APPROVED) or by.get(PublicationAction.PUBLISHED)
        assert approver == User.objects.get(username="quanly")
        assert {event.at.year for event in events} == {2024}
        assert radio.published_at is not None and radio.published_at.year == 2024
        assert radio.record is not None and radio.published_at.date() > radio.record.date

    def test_the_withdrawn_leaflet_keeps_its_reason(self):
        withdrawn = self.product(WITHDRAWN_TITLE)
        assert withdrawn.state == PublicationState.WITHDRAWN
        assert withdrawn.withdrawal_reason == WITHDRAWAL_REASON
        assert withdrawn.events.filter(
            action=PublicationAction.WITHDRAWN, comment=WITHDRAWAL_REASON
        ).exists()

    def test_other_radio_programmes_are_left_for_staff_to_publish(self):
        unpublished = Record.objects.filter(
            kind=RecordKind.PRODUCT,
            product__product_kind="radio",
            publication__isnull=True,
            attachments__isnull=True,
        )
        assert unpublished.count() > 20

    def test_searching_with_or_without_diacritics_finds_the_same_demo_products(self):
        plain = list(search_publications("quyen tre em").values_list("title", flat=True))
        marked = list(search_publications("quyền trẻ em").values_list("title", flat=True))
        assert set(plain) == set(marked) == {RADIO_TITLE, POSTER_TITLE, LEAFLET_TITLE}

    def test_loading_the_demo_again_changes_nothing(self):
        before = Publication.objects.count()
        demo_load()
        assert Publication.objects.count() == before
