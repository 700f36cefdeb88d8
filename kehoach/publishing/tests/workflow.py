"""Builders for tests of the editorial workflow: a product record with a file, publications in
each state (through the services)."""

import datetime as dt
import shutil
import tempfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from kehoach.activities.models import Attachment, Record, RecordKind
from kehoach.activities.services import attachment_add
from kehoach.activities.testing import make_record
from kehoach.lib.tests.samples import wav_bytes
from kehoach.publishing.models import Publication
from kehoach.publishing.services import publication_approve, publication_create
from kehoach.testing import KehoachTestCase


class PublishingCase(KehoachTestCase):
    """The cast, uploads into a throwaway media folder, and builders."""

    media: str
    _media_override: override_settings

    @classmethod
    def setUpClass(cls) -> None:
        cls.media = tempfile.mkdtemp(prefix="kehoach-publishing-")
        cls._media_override = override_settings(MEDIA_ROOT=cls.media)
        cls._media_override.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls._media_override.disable()
        shutil.rmtree(cls.media, ignore_errors=True)

    def radio_record(self, **extra: Any) -> Record:
        """A commune's radio programme on the district plan's broadcasting task."""
        return make_record(
            unit=self.commune_a,
            tasks=[self.commune_task],
            kind=RecordKind.PRODUCT,
            title=extra.pop("title", "Chương trình phát thanh về quyền trẻ em"),
            product_kind="radio",
            **extra,
        )

    def audio(self, record: Record, data: bytes | None = None) -> Attachment:
        return attachment_add(
            record=record,
            file=SimpleUploadedFile("quyen-tre-em.wav", data or wav_bytes(seconds=0.25)),
            caption="Bản tin phát thanh",
        )

    def draft(self, record: Record | None = None, **kwargs: Any) -> Publication:
        return publication_create(
            record=record or self.radio_record(), by=self.commune_a_staff, **kwargs
        )

    def published(self, record: Record | None = None) -> Publication:
        return publication_approve(self.draft(record), by=self.manager)

    def scheduled(self, at: dt.datetime, record: Record | None = None) -> Publication:
        return publication_approve(self.draft(record), by=self.manager, publish_at=at)
