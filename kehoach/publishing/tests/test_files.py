"""Files of public products: served only while public, with the type found from the content,
caching headers, conditional GET and byte ranges for audio and video players."""

import datetime as dt

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kehoach.activities.services import attachment_add
from kehoach.lib.tests.samples import PDF_BYTES, jpeg_bytes, wav_bytes
from kehoach.publishing.files import public_file_url
from kehoach.publishing.services import publication_withdraw
from kehoach.publishing.tests.workflow import PublishingCase

NOW = dt.datetime(2024, 7, 1, 9, 0, tzinfo=dt.UTC)
AUDIO = wav_bytes(seconds=0.5)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


class AttachmentServeTests(PublishingCase):
    def setUp(self):
        self.record = self.radio_record()
        self.attachment = self.audio(self.record, AUDIO)
        self.url = public_file_url(self.attachment)

    def publish(self):
        return self.published(self.record)

    def test_the_url_ends_with_the_name_as_uploaded(self):
        # Uploads of the same name never clash: each file has a folder of its own.
        again = self.audio(self.record, AUDIO)
        assert self.url == reverse("public:file", args=[self.attachment.pk, "quyen-tre-em.wav"])
        assert public_file_url(again).endswith("/quyen-tre-em.wav")
        assert again.file.name != self.attachment.file.name

    def test_a_vietnamese_file_name_is_served_under_its_name(self):
        self.publish()
        named = attachment_add(
            record=self.record, file=SimpleUploadedFile("Bản tin phát thanh.wav", AUDIO)
        )
        url = public_file_url(named)
        assert url.endswith("/B%E1%BA%A3n_tin_ph%C3%A1t_thanh.wav")
        response = self.client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"] == (
            'inline; filename="Ban_tin_phat_thanh.wav"; '
            "filename*=UTF-8''B%E1%BA%A3n_tin_ph%C3%A1t_thanh.wav"
        )

    def test_a_draft_products_file_is_not_found(self):
        self.draft(self.record)
        assert self.client.get(self.url).status_code == 404

    def test_a_record_without_a_publication_is_not_found(self):
        assert self.client.get(self.url).status_code == 404

    def test_a_published_products_file_is_served_with_its_detected_type(self):
        self.publish()
        response = self.client.get(self.url)
        assert response.status_code == 200
        assert response["Content-Type"] == "audio/wav"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"] == 'inline; filename="quyen-tre-em.wav"'
        assert response["Cache-Control"] == "public, max-age=300"
        assert response["Accept-Ranges"] == "bytes"
        assert response["Content-Length"] == str(len(AUDIO))
        assert response["ETag"] == f'"{self.attachment.sha256[:32]}"'
        assert "Last-Modified" in response
        assert body(response) == AUDIO

    def test_after_withdrawal_it_is_gone_at_once(self):
        pub = self.publish()
        assert self.client.get(self.url).status_code == 200
        publication_withdraw(pub, by=self.manager, reason="Sai nội dung")
        assert self.client.get(self.url).status_code == 404

    def test_a_scheduled_products_file_appears_at_its_time(self):
        with time_machine.travel(NOW, tick=False):
            self.scheduled(NOW + dt.timedelta(hours=1), record=self.record)
            assert self.client.get(self.url).status_code == 404
        with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
            assert self.client.get(self.url).status_code == 200

    def test_a_wrong_name_is_not_found(self):
        self.publish()
        wrong = reverse("public:file", args=[self.attachment.pk, "khac.wav"])
        assert self.client.get(wrong).status_code == 404

    def test_a_conditional_get_answers_304(self):
        self.publish()
        first = self.client.get(self.url)
        again = self.client.get(self.url, headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304
        assert again["ETag"] == first["ETag"]
        since = self.client.get(self.url, headers={"If-Modified-Since": first["Last-Modified"]})
        assert since.status_code == 304
        changed = self.client.get(self.url, headers={"If-None-Match": '"khac"'})
        assert changed.status_code == 200

    def test_a_range_request_gets_206_with_those_bytes(self):
        self.publish()
        response = self.client.get(self.url, headers={"Range": "bytes=100-199"})
        assert response.status_code == 206
        assert response["Content-Range"] == f"bytes 100-199/{len(AUDIO)}"
        assert response["Content-Length"] == "100"
        assert body(response) == AUDIO[100:200]

    def test_open_ended_and_suffix_ranges(self):
        self.publish()
        tail = self.client.get(self.url, headers={"Range": "bytes=-50"})
        assert body(tail) == AUDIO[-50:]
        rest = self.client.get(self.url, headers={"Range": f"bytes={len(AUDIO) - 10}-"})
        assert rest["Content-Range"] == f"bytes {len(AUDIO) - 10}-{len(AUDIO) - 1}/{len(AUDIO)}"
        assert body(rest) == AUDIO[-10:]

    def test_an_unsatisfiable_range_answers_416(self):
        self.publish()
        response = self.client.get(self.url, headers={"Range": f"bytes={len(AUDIO)}-"})
        assert response.status_code == 416
        assert response["Content-Range"] == f"bytes */{len(AUDIO)}"

    def test_if_range_with_an_old_etag_gets_the_whole_file(self):
        self.publish()
        response = self.client.get(self.url, headers={"Range": "bytes=0-9", "If-Range": '"cu"'})
        assert response.status_code == 200
        assert body(response) == AUDIO

    def test_a_head_request_gets_the_headers(self):
        self.publish()
        response = self.client.head(self.url)
        assert response.status_code == 200
        assert response["Content-Length"] == str(len(AUDIO))
        assert response["Content-Type"] == "audio/wav"

    def test_a_post_is_not_allowed(self):
        self.publish()
        assert self.client.post(self.url).status_code == 405


class DispositionTests(PublishingCase):
    def test_images_and_pdfs_inline_office_files_as_downloads(self):
        record = self.radio_record()
        photo = attachment_add(record=record, file=SimpleUploadedFile("ap-phich.jpg", jpeg_bytes()))
        leaflet = attachment_add(record=record, file=SimpleUploadedFile("to-roi.pdf", PDF_BYTES))
        sheet = attachment_add(
            record=record, file=SimpleUploadedFile("so-lieu.csv", "Xã,Số buổi\n".encode())
        )
        self.published(record)
        image = self.client.get(public_file_url(photo))
        assert image["Content-Type"] == "image/jpeg"
        assert image["Content-Disposition"].startswith("inline;")
        assert self.client.get(public_file_url(leaflet))["Content-Type"] == "application/pdf"
        csv = self.client.get(public_file_url(sheet))
        assert csv["Content-Type"] == "text/csv; charset=utf-8"
        assert csv["Content-Disposition"] == 'attachment; filename="so-lieu.csv"'

    def test_a_file_stored_before_the_checks_gets_its_type_from_its_content(self):
        record = self.radio_record()
        old = attachment_add(record=record, file=SimpleUploadedFile("to-roi.pdf", PDF_BYTES))
        old.content_type = ""
        old.sha256 = ""
        old.save()
        self.published(record)
        response = self.client.get(public_file_url(old))
        assert response["Content-Type"] == "application/pdf"
        assert response["ETag"].startswith('"')
