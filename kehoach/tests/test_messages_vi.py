"""Bad input is answered in Vietnamese by default, in the web forms and in the API, and changes
nothing. (Other tests check the same cases with English msgids; this one checks the catalog.)"""

from django.urls import reverse

from kehoach.plans.models import Task
from kehoach.testing import KehoachTestCase


class ApiMessagesInVietnameseTest(KehoachTestCase):
    def setUp(self):
        self.login(self.manager)
        self.url = f"/api/plans/{self.district_plan.pk}/tasks"
        self.tasks_before = Task.objects.count()

    def post(self, body: str):
        return self.client.post(self.url, body, content_type="application/json")

    def assert_nothing_created(self):
        assert Task.objects.count() == self.tasks_before

    def test_a_missing_field(self):
        response = self.post('{"time": "Quý III/2024"}')
        assert response.status_code == 422
        assert "Thiếu trường bắt buộc: title." in [e["message"] for e in response.json()["errors"]]
        self.assert_nothing_created()

    def test_an_end_date_before_the_start(self):
        response = self.post(
            '{"title": "Hội nghị báo cáo viên", "start": "2024-09-01", "end": "2024-08-01"}'
        )
        assert response.status_code == 422
        assert "Ngày kết thúc không được sớm hơn ngày bắt đầu." in response.content.decode()
        self.assert_nothing_created()

    def test_an_unknown_unit(self):
        response = self.post('{"title": "Phát sóng", "lead_unit_ids": [999999]}')
        assert response.status_code == 422
        assert "Không tìm thấy đơn vị có id 999999." in response.content.decode()
        self.assert_nothing_created()

    def test_a_malformed_json_body(self):
        response = self.post('{"title": "Phát sóng",')
        assert response.status_code == 400
        assert response.json()["detail"] == "Nội dung yêu cầu không phải là JSON hợp lệ."
        self.assert_nothing_created()


class FormMessagesInVietnameseTest(KehoachTestCase):
    def test_a_task_form_with_the_end_before_the_start(self):
        self.login(self.manager)
        before = Task.objects.count()
        response = self.client.post(
            reverse("plans:task_create", args=[self.district_plan.pk]),
            {
                "title": "Hội nghị báo cáo viên",
                "recurrence": "none",
                "start": "2024-09-01",
                "end": "2024-08-01",
            },
        )
        self.assertContains(response, "Ngày kết thúc không được sớm hơn ngày bắt đầu.")
        assert Task.objects.count() == before


class ImportMessagesInVietnameseTest(KehoachTestCase):
    """A refused document is explained in Vietnamese on the upload page, and nothing is saved."""

    def upload(self, name: str, data: bytes):
        from django.core.files.uploadedfile import SimpleUploadedFile

        self.login(self.manager)
        return self.client.post(reverse("plans:import"), {"file": SimpleUploadedFile(name, data)})

    def test_a_scanned_pdf_needs_ocr(self):
        from pathlib import Path

        from kehoach.plans.models import ImportDraft, Plan

        scan = Path(__file__).parents[1] / "plans/tests/data/importer/files/plan-scan.pdf"
        before = (Plan.objects.count(), ImportDraft.objects.count())
        response = self.upload("ke-hoach.pdf", scan.read_bytes())
        self.assertContains(response, "Tệp PDF này không có lớp văn bản (là bản quét)")
        assert (Plan.objects.count(), ImportDraft.objects.count()) == before

    def test_a_legacy_encoding_is_named(self):
        # "Uû ban nh©n d©n huyÖn" in TCVN3 bytes.
        response = self.upload("ke-hoach.txt", "Uû ban nh©n d©n huyÖn Nói Thµnh".encode("latin-1"))
        self.assertContains(response, "bảng mã tiếng Việt cũ (TCVN3/VNI)")
