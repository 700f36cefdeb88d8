"""The records pages: what each shows, how the list filters and downloads, what the forms change,
and that the target page and the dashboards keep a fixed number of SQL queries."""

import csv
import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from kehoach.activities.models import Attachment, Record, RecordKind
from kehoach.activities.services import target_rule_set
from kehoach.activities.testing import make_record
from kehoach.lib.tests.samples import PDF_BYTES, jpeg_bytes, png_bytes
from kehoach.plans.models import Target
from kehoach.testing import KehoachTestCase

JUNE_15 = dt.datetime(2024, 6, 15, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def csv_rows(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads the marks only with the BOM
    return list(csv.reader(io.StringIO(body[1:])))


def xlsx_sheets(response: Any) -> dict[str, list[list[Any]]]:
    book = load_workbook(io.BytesIO(response.content))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book}


class RecordsCase(KehoachTestCase):
    target: Target

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.target = Target.objects.create(
            plan=cls.district_plan,
            order=1,
            text="15–20% sản phẩm bằng tiếng dân tộc thiểu số, tiếng nước ngoài, trên nền tảng số",
            value=15,
            value_max=20,
            unit_of_measure="%",
        )
        target_rule_set(
            target=cls.target, kind="product_share", params={"condition": "language_or_digital"}
        )

    def product(self, *, unit=None, title="Bài viết về quyền trẻ em", **detail: Any) -> Record:
        return make_record(
            unit=unit or self.commune_a,
            tasks=[self.commune_task],
            kind=RecordKind.PRODUCT,
            date=dt.date(2024, 3, 15),
            title=title,
            **detail,
        )

    def add_records(self, n: int) -> None:
        for i in range(n):
            self.product(
                unit=self.commune_a if i % 2 else self.commune_b,
                title=f"Tin bài số {i}",
                languages=["cor"] if i % 3 == 0 else ["vi"],
                platforms=["social"] if i % 4 == 0 else ["print"],
            )


class RecordListTest(RecordsCase):
    def setUp(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # read the English msgids
        self.product(title="Phóng sự về quyền của người cao tuổi")
        make_record(
            unit=self.commune_a,
            tasks=[self.commune_task],
            kind=RecordKind.VISUAL,
            title="Treo băng rôn tại chợ Tam Xuân",
        )
        self.product(unit=self.commune_b, title="Bản tin của xã Tam Xuân II")
        self.login(self.commune_a_staff)

    def test_it_lists_only_the_records_of_the_users_commune(self):
        response = self.client.get(reverse("activities:list"))
        titles = {r.title for r in response.context["page"].object_list}
        assert titles == {"Phóng sự về quyền của người cao tuổi", "Treo băng rôn tại chợ Tam Xuân"}

    def test_it_filters_by_kind(self):
        response = self.client.get(reverse("activities:list") + "?kind=visual")
        assert [r.title for r in response.context["page"].object_list] == [
            "Treo băng rôn tại chợ Tam Xuân"
        ]
        assert response.context["filtered"]

    def test_an_invalid_filter_is_dropped_not_fatal(self):
        response = self.client.get(reverse("activities:list") + "?kind=khong-co&date_from=30/2")
        assert response.status_code == 200
        assert response.context["page"].paginator.count == 2

    def test_the_csv_export_has_the_filtered_rows_and_named_columns(self):
        response = self.client.get(reverse("activities:export") + "?format=csv&kind=product")
        assert 'filename="ho-so-' in response["Content-Disposition"]
        rows = csv_rows(response)
        assert rows[0][:4] == ["Date", "Kind", "Title", "Unit"]
        assert [row[2] for row in rows[1:]] == ["Phóng sự về quyền của người cao tuổi"]
        assert rows[1][0] == "15/03/2024"

    def test_the_xlsx_export_has_real_dates(self):
        response = self.client.get(reverse("activities:export") + "?format=xlsx")
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        [rows] = xlsx_sheets(response).values()
        assert len(rows) == 3
        assert rows[1][0] == dt.datetime(2024, 3, 15)

    def test_an_export_without_a_format_is_refused(self):
        assert self.client.get(reverse("activities:export")).status_code == 400


class RecordCreateTest(RecordsCase):
    def setUp(self) -> None:
        self.login(self.commune_a_staff)
        self.url = reverse("activities:create") + "?kind=product"

    def post(self, **extra: Any) -> Any:
        data: dict[str, Any] = {
            "unit": self.commune_a.pk,
            "date": "2024-05-20",
            "title": "Video tuyên truyền quyền trẻ em bằng tiếng Cor",
            "tasks": [self.commune_task.pk],
            "product_kind": "video",
            "languages": ["cor", "vi"],
            "platforms": ["social"],
            "url": "https://www.facebook.com/tamxuan1/videos/1",
            "links": "https://nuithanh.quangnam.gov.vn/video-quyen-tre-em",
            **extra,
        }
        return self.client.post(self.url, data)

    def test_without_a_kind_it_offers_the_kinds(self):
        response = self.client.get(reverse("activities:create"))
        assert response.status_code == 200
        assert b"?kind=broadcast" in response.content

    def test_it_saves_a_product_with_its_languages_platforms_and_evidence(self):
        photo = SimpleUploadedFile("le-phat-dong.jpg", jpeg_bytes(), "image/jpeg")
        response = self.post(photos=[photo])
        record = Record.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("activities:detail", args=[record.pk])
        assert record.created_by == self.commune_a_staff
        assert record.product.in_minority_or_foreign_language
        assert record.product.on_digital_platform
        assert sorted(lang.code for lang in record.product.languages.all()) == ["cor", "vi"]
        kinds = sorted("file" if a.file else "link" for a in record.attachments.all())
        assert kinds == ["file", "link"]

    def test_the_new_product_counts_in_the_target_at_once(self):
        self.post()
        self.login(self.manager)
        response = self.client.get(reverse("activities:target", args=[self.target.pk]))
        assert response.context["progress"].numerator == 1
        numerator = response.context["lists"][0]
        assert [r.title for r in numerator.shown] == [
            "Video tuyên truyền quyền trẻ em bằng tiếng Cor"
        ]

    def test_a_record_without_a_task_is_refused_and_nothing_is_saved(self):
        response = self.post(tasks=[])
        assert response.status_code == 200
        assert "tasks" in response.context["form"].errors
        assert not Record.objects.exists()
        assert not Attachment.objects.exists()

    def test_a_file_whose_extension_lies_is_refused_on_the_form_and_nothing_is_saved(self):
        # A PDF renamed .mp3: the type comes from the content (kehoach.lib.uploads).
        good = SimpleUploadedFile("le-phat-dong.jpg", jpeg_bytes(), "image/jpeg")
        liar = SimpleUploadedFile("tin-tuc.mp3", PDF_BYTES, "audio/mpeg")
        self.client.cookies["django_language"] = "en"
        response = self.post(photos=[good], documents=[liar])
        assert response.status_code == 200
        message = "The file “tin-tuc.mp3” is not an MP3 audio file: its content is a PDF document."
        assert response.context["form"].errors["documents"] == [message]
        assert message in response.content.decode()
        assert not Record.objects.exists()
        assert not Attachment.objects.exists()

    @override_settings(KEHOACH_UPLOAD_MAX_BYTES={"image": 2**20})
    def test_an_oversize_photo_is_refused_on_the_form(self):
        big = SimpleUploadedFile("anh-lon.png", png_bytes() + b"\0" * 2**20, "image/png")
        self.client.cookies["django_language"] = "en"
        response = self.post(photos=[big])
        assert response.context["form"].errors["photos"] == [
            "The file “anh-lon.png” is too large (1.1 MB): image files may be at most 1 MB."
        ]
        assert not Record.objects.exists()

    def test_the_photos_field_takes_only_images(self):
        self.client.cookies["django_language"] = "en"
        response = self.post(photos=[SimpleUploadedFile("to-roi.pdf", PDF_BYTES)])
        assert "cannot be attached" in response.context["form"].errors["photos"][0]
        assert not Record.objects.exists()

    def test_a_bad_link_is_refused_with_its_text(self):
        response = self.post(links="không phải địa chỉ")
        assert "không phải địa chỉ" in str(response.context["form"].errors["links"])
        assert not Record.objects.exists()

    def test_a_task_of_a_plan_the_user_cannot_see_is_not_a_choice(self):
        response = self.post(tasks=[self.commune_b_task.pk])
        assert "tasks" in response.context["form"].errors
        assert not Record.objects.exists()

    def test_a_training_lists_attendees_of_the_users_units_only(self):
        response = self.client.get(reverse("activities:create") + "?kind=training")
        people = set(response.context["form"].fields["attendees"].queryset)
        assert people == {self.commune_a_person}

    def test_every_kind_has_a_form(self):
        for kind in RecordKind.values:
            with self.subTest(kind=kind):
                response = self.client.get(reverse("activities:create") + f"?kind={kind}")
                assert response.status_code == 200
                assert response.context["form"].kind == kind

    def test_the_task_link_preselects_the_task(self):
        url = reverse("activities:create") + f"?kind=visual&task={self.commune_task.pk}"
        response = self.client.get(url)
        assert response.context["form"]["tasks"].value() == [self.commune_task.pk]


class RecordDetailEditTest(RecordsCase):
    def setUp(self) -> None:
        self.record = self.product(
            title="Tờ gấp song ngữ Việt – Cơ Tu", languages=["vi", "katu"], platforms=["print"]
        )
        self.login(self.commune_a_staff)

    def test_the_page_shows_the_kinds_fields(self):
        response = self.client.get(reverse("activities:detail", args=[self.record.pk]))
        facts = dict(response.context["facts"])
        assert "Tiếng Cơ Tu" in facts["Ngôn ngữ"]
        assert response.context["can_edit"]

    def test_the_edit_form_starts_from_the_stored_values(self):
        response = self.client.get(reverse("activities:edit", args=[self.record.pk]))
        form = response.context["form"]
        assert sorted(form["languages"].value()) == ["katu", "vi"]
        assert form["title"].value() == "Tờ gấp song ngữ Việt – Cơ Tu"

    def test_an_edit_with_a_refused_file_changes_nothing(self):
        self.client.cookies["django_language"] = "en"
        response = self.client.post(
            reverse("activities:edit", args=[self.record.pk]),
            {
                "unit": self.commune_a.pk,
                "date": "2024-03-16",
                "title": "Tờ gấp đã sửa",
                "tasks": [self.commune_task.pk],
                "product_kind": "leaflet",
                "languages": ["vi"],
                "platforms": ["print"],
                "documents": [SimpleUploadedFile("to-gap.docx", PDF_BYTES)],
            },
        )
        assert response.status_code == 200
        assert response.context["form"].errors["documents"] == [
            "The file “to-gap.docx” is not a Word document (.docx): its content is a PDF document."
        ]
        self.record.refresh_from_db()
        assert self.record.title == "Tờ gấp song ngữ Việt – Cơ Tu"
        assert not self.record.attachments.exists()

    def test_the_delete_page_asks_first(self):
        url = reverse("activities:delete", args=[self.record.pk])
        assert self.client.get(url).status_code == 200
        assert Record.objects.filter(pk=self.record.pk).exists()


class TargetPageTest(RecordsCase):
    def test_it_shows_value_members_and_course(self):
        self.product(title="Video tiếng Cor", languages=["cor"])
        self.product(title="Bài báo in", languages=["vi"], platforms=["print"])
        self.login(self.manager)
        with time_machine.travel(JUNE_15):
            response = self.client.get(reverse("activities:target", args=[self.target.pk]))
        progress = response.context["progress"]
        assert (progress.numerator, progress.denominator) == (1, 2)
        numerator, denominator = response.context["lists"]
        assert [r.title for r in numerator.shown] == ["Video tiếng Cor"]
        assert {r.title for r in denominator.shown} == {"Video tiếng Cor", "Bài báo in"}
        chart = response.context["chart"]
        assert len(chart["labels"]) == 12
        assert chart["datasets"][0]["data"][2] == 50.0  # March: 1 of 2
        assert b'id="target-chart"' in response.content

    def test_members_of_other_units_are_counted_but_not_listed(self):
        self.product(unit=self.commune_b, title="Tin của xã Tam Xuân II", languages=["en"])
        self.login(self.commune_a_staff)
        response = self.client.get(reverse("activities:target", args=[self.target.pk]))
        numerator = response.context["lists"][0]
        assert (numerator.total, numerator.shown, numerator.hidden) == (1, [], 1)

    def test_the_members_download_as_sheets(self):
        self.product(title="Video tiếng Cor", languages=["cor"])
        self.login(self.manager)
        url = reverse("activities:target", args=[self.target.pk])
        sheets = xlsx_sheets(self.client.get(url + "?format=xlsx"))
        assert len(sheets) == 3
        counted = next(iter(sheets.values()))
        assert counted[1][2] == "Video tiếng Cor"
        rows = csv_rows(self.client.get(url + "?format=csv&table=denominator"))
        assert [row[2] for row in rows[1:]] == ["Video tiếng Cor"]

    def test_a_target_without_a_rule_says_so(self):
        plain = Target.objects.create(plan=self.district_plan, order=2, text="Chỉ tiêu định tính")
        self.login(self.manager)
        response = self.client.get(reverse("activities:target", args=[plain.pk]))
        assert response.status_code == 200
        assert response.context["progress"] is None

    def test_it_keeps_a_fixed_number_of_queries(self):
        self.login(self.manager)
        url = reverse("activities:target", args=[self.target.pk])
        self.add_records(2)
        with CaptureQueriesContext(connection) as small:
            self.client.get(url)
        self.add_records(30)
        with self.assertNumQueries(len(small.captured_queries)):
            self.client.get(url)


class PlanDashboardTest(RecordsCase):
    def test_it_shows_targets_tasks_months_and_units(self):
        self.add_records(3)
        self.login(self.manager)
        with time_machine.travel(JUNE_15):
            response = self.client.get(
                reverse("activities:plan_dashboard", args=[self.district_plan.pk])
            )
        assert response.context["total"] == 3
        [(line, _badge)] = response.context["targets"]
        assert line.progress.denominator == 3
        by_task = {line.task.pk: line.progress for line in response.context["tasks"]}
        assert by_task[self.commune_task.pk].records == 3
        assert by_task[self.office_task.pk].records == 0
        units = {c.name: c.total for c in response.context["units"]}
        assert units == {"Xã Tam Xuân I": 1, "Xã Tam Xuân II": 2}
        assert b"vendor/chartjs/chart.umd.min.js" in response.content

    def test_every_list_downloads(self):
        self.add_records(2)
        self.login(self.manager)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # read the English msgids
        url = reverse("activities:plan_dashboard", args=[self.district_plan.pk])
        assert len(xlsx_sheets(self.client.get(url + "?format=xlsx"))) == 4
        rows = csv_rows(self.client.get(url + "?format=csv&table=tasks"))
        assert rows[0] == ["No.", "Task", "Status", "Records", "Last record"]
        assert len(rows) == 1 + self.district_plan.tasks.count()

    def test_it_keeps_a_fixed_number_of_queries(self):
        self.login(self.manager)
        url = reverse("activities:plan_dashboard", args=[self.district_plan.pk])
        self.add_records(2)
        with CaptureQueriesContext(connection) as small:
            self.client.get(url)
        self.add_records(30)
        with self.assertNumQueries(len(small.captured_queries)):
            self.client.get(url)


class UnitDashboardTest(RecordsCase):
    def test_the_district_sees_its_communes_counts(self):
        self.add_records(4)
        self.login(self.manager)
        url = reverse("activities:unit_dashboard", args=[self.district.pk]) + "?year=2024"
        response = self.client.get(url)
        counts = {c.name: c.total for c in response.context["children"]}
        assert counts == {"Xã Tam Xuân I": 2, "Xã Tam Xuân II": 2}
        assert response.context["total"] == 4
        assert len(response.context["recent"]) == 4
        rows = csv_rows(self.client.get(url + "&format=csv&table=units"))
        assert rows[1][0] == "Xã Tam Xuân I"


class TaskRecordsTest(RecordsCase):
    def test_it_shows_the_derived_status_and_the_records(self):
        self.product(title="Bài viết trên loa xã")
        self.login(self.commune_a_staff)
        with time_machine.travel(JUNE_15):
            response = self.client.get(reverse("activities:task", args=[self.commune_task.pk]))
        assert response.context["progress"].status == "in_progress"
        assert [r.title for r in response.context["page"].object_list] == ["Bài viết trên loa xã"]
        rows = csv_rows(
            self.client.get(reverse("activities:task", args=[self.commune_task.pk]) + "?format=csv")
        )
        assert rows[1][2] == "Bài viết trên loa xã"

    def test_the_task_page_links_to_its_records(self):
        self.login(self.commune_a_staff)
        response = self.client.get(reverse("plans:task", args=[self.commune_task.pk]))
        assert reverse("activities:task", args=[self.commune_task.pk]).encode() in response.content
