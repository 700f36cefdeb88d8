"""The import pages: upload a document, review the draft beside its source text, confirm.

Only plan managers import, for the units they manage; a bad file or a bad draft gets a message
and writes nothing.
"""

import copy
import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from kehoach.plans.forms_import import draft_as_post
from kehoach.plans.importing import DRAFT_LIFETIME
from kehoach.plans.models import ImportDraft, Plan, Task, TaskEvent, TaskStatus
from kehoach.plans.services import import_draft_create, task_set_status
from kehoach.testing import KehoachTestCase
from kehoach.units.models import Unit

SEED = Path(__file__).parent / "data" / "importer" / "docs" / "00_seed.md"

SOURCE = "\n".join(
    [
        "UBND HUYỆN NÚI THÀNH",
        "KẾ HOẠCH",
        "Tuyên truyền về quyền con người năm 2024",
        "I. MỤC TIÊU",
        "100% xã, thị trấn tổ chức tuyên truyền.",
        "II. NHIỆM VỤ",
        "1. Tổ chức hội nghị quán triệt Kế hoạch",
        "Đơn vị chủ trì: Phòng VH&TT; phối hợp: UBND các xã, thị trấn, Hội Nông dân huyên",
        "Thời gian: Quý II/2024",
        "2. Phát thanh trên loa truyền thanh xã",
        "Đơn vị chủ trì: UBND xã Tam Xuân I",
        "III. CHẾ ĐỘ BÁO CÁO",
        "Phòng VH&TT báo cáo kết quả trước ngày 30/11/2024.",
    ]
)

# A draft as the parser gives it (the JSON format of shared/plans/README.md, with source lines).
IMPORT_DRAFT: dict[str, Any] = {
    "title": "Tuyên truyền về quyền con người năm 2024",
    "issuer": "UBND huyện Núi Thành",
    "number": "57/KH-UBND",
    "date": "2024-03-12",
    "year": 2024,
    "targets": [
        {
            "text": "100% xã, thị trấn tổ chức tuyên truyền",
            "value": 100,
            "unit": "%",
            "source_line": 5,
        }
    ],
    "tasks": [
        {
            "number": "1",
            "title": "Tổ chức hội nghị quán triệt Kế hoạch",
            "lead": ["Phòng VH&TT"],
            "support": ["UBND các xã, thị trấn", "Hội Nông dân huyên"],
            "time": "Quý II/2024",
            "start": "2024-04-01",
            "end": "2024-06-30",
            "recurring": False,
            "source_line": 7,
        },
        {
            "number": "2",
            "title": "Phát thanh trên loa truyền thanh xã",
            "lead": ["UBND xã Tam Xuân I"],
            "support": [],
            "time": None,
            "start": None,
            "end": None,
            "recurring": False,
            "source_line": 10,
        },
    ],
    "reporting": [
        {
            "who": "Phòng VH&TT",
            "what": "báo cáo kết quả",
            "due": "11-30",
            "period": "năm",
            "source_line": 13,
        }
    ],
}


def make_import_draft(*, by: User, issuer: Unit, data: dict[str, Any] | None = None) -> ImportDraft:
    return import_draft_create(
        by=by,
        file_name="kh-57-tuyen-truyen.md",
        kind="md",
        source_text=SOURCE,
        data=copy.deepcopy(data or IMPORT_DRAFT),
        issuer=issuer,
        lifetime=DRAFT_LIFETIME,
    )


def review_post(draft: ImportDraft, **changes: Any) -> dict[str, Any]:
    post = draft_as_post(draft.data, issuer=draft.issuer)
    post.update(changes)
    return {key: "" if value is None else value for key, value in post.items()}


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


class ImportUploadTest(KehoachTestCase):
    url = reverse("plans:import")

    def test_it_shows_the_accepted_files_and_the_size_limit(self):
        self.login(self.manager)
        response = self.client.get(self.url)
        assert response.status_code == 200
        page = response.content.decode()
        assert ".docx" in page and ".pdf" in page
        assert "20,0" in page or "20.0" in page  # "20.0 MB", formatted for the language

    def test_it_reads_the_seed_and_keeps_a_draft_issued_by_the_district(self):
        self.login(self.manager)
        response = self.client.post(self.url, {"file": upload("ke-hoach.md", SEED.read_bytes())})
        draft = ImportDraft.objects.get()
        self.assertRedirects(response, reverse("plans:import_review", args=[draft.pk]))
        assert draft.issuer == self.district  # "UBND huyện Núi Thành" found in the unit tree
        assert draft.uploaded_by == self.manager
        assert len(draft.data["tasks"]) == 8
        assert draft.source_text.splitlines()[0] == SEED.read_text().splitlines()[0]
        assert draft.expires_at > timezone.now() + dt.timedelta(days=6)

    def test_bad_files_get_a_message_and_write_nothing(self):
        self.login(self.manager)
        plans = Plan.objects.count()
        for name, content in [
            ("trong.md", b"   \n"),
            ("cu.doc", b"\xd0\xcf\x11\xe0 old word"),
            ("hong.docx", b"PK\x03\x04 not really a zip"),
            ("anh.png", b"\x89PNG\r\n"),
        ]:
            with self.subTest(name=name):
                response = self.client.post(self.url, {"file": upload(name, content)})
                assert response.status_code == 200
                errors = response.context["form"].errors["file"]
                assert errors and all(str(e) for e in errors)
        assert ImportDraft.objects.count() == 0
        assert Plan.objects.count() == plans

    @override_settings(KEHOACH_IMPORT_MAX_BYTES=1024)
    def test_a_file_over_the_limit_is_refused(self):
        self.login(self.manager)
        response = self.client.post(self.url, {"file": upload("lon.md", b"a" * 2048)})
        assert response.status_code == 200
        assert "1,0" in str(response.context["form"].errors["file"]) or "1.0" in str(
            response.context["form"].errors["file"]
        )
        assert ImportDraft.objects.count() == 0

    def test_an_issuer_it_cannot_find_must_be_chosen(self):
        self.login(self.manager)
        text = SEED.read_text().replace("HUYỆN NÚI THÀNH", "HUYỆN TIÊN PHƯỚC")
        text = text.replace("huyện Núi Thành", "huyện Tiên Phước")
        response = self.client.post(self.url, {"file": upload("kh.md", text.encode())})
        assert response.status_code == 200
        assert response.context["form"].errors["issuer"]
        assert ImportDraft.objects.count() == 0
        chosen = self.client.post(
            self.url, {"file": upload("kh.md", text.encode()), "issuer": self.district.pk}
        )
        assert chosen.status_code == 302
        assert ImportDraft.objects.get().issuer == self.district

    def test_the_issuer_choice_holds_only_units_the_manager_manages(self):
        self.login(self.manager)
        response = self.client.get(self.url)
        offered = set(response.context["form"].fields["issuer"].queryset)
        assert self.district in offered and self.office in offered
        assert self.outsider_district not in offered and self.province not in offered
        refused = self.client.post(
            self.url,
            {"file": upload("ke-hoach.md", SEED.read_bytes()), "issuer": self.outsider_district.pk},
        )
        assert refused.status_code == 200
        assert ImportDraft.objects.count() == 0

    def test_unit_staff_may_not_import(self):
        self.login(self.office_staff)
        assert self.client.get(self.url).status_code == 403
        response = self.client.post(self.url, {"file": upload("ke-hoach.md", SEED.read_bytes())})
        assert response.status_code == 403
        assert ImportDraft.objects.count() == 0

    def test_the_plan_list_links_to_it_for_managers_only(self):
        self.login(self.manager)
        assert self.url in self.client.get(reverse("plans:list")).content.decode()
        self.login(self.office_staff)
        assert self.url not in self.client.get(reverse("plans:list")).content.decode()


class ImportReviewTest(KehoachTestCase):
    def setUp(self) -> None:
        self.draft = make_import_draft(by=self.manager, issuer=self.district)
        self.url = reverse("plans:import_review", args=[self.draft.pk])
        self.login(self.manager)

    def test_it_shows_the_draft_beside_the_numbered_source_lines(self):
        response = self.client.get(self.url)
        page = response.content.decode()
        assert response.status_code == 200
        assert 'id="L7"' in page and "Tổ chức hội nghị quán triệt Kế hoạch" in page
        assert 'href="#L7"' in page  # task 1 links to its line
        assert 'href="#L13"' in page  # the reporting duty too
        assert 'value="57/KH-UBND"' in page

    def test_it_flags_the_units_it_cannot_resolve(self):
        response = self.client.get(self.url)
        assert response.context["unresolved"] == 1  # "Hội Nông dân huyên" (typo)
        checks = response.context["tasks"][0].checks["support"]
        assert [c.unit for c in checks] == [self.district, None]
        assert checks[0].is_group
        assert 'class="badge unresolved"' in response.content.decode()

    def test_the_live_check_resolves_a_corrected_name(self):
        url = reverse("plans:import_units", args=[self.draft.pk])
        fixed = self.client.get(url, {"tasks-0-lead": "Phòng VH&TT; Tam Xuân 2"})
        page = fixed.content.decode()
        assert "→ Phòng Văn hóa và Thông tin huyện Núi Thành" in page
        assert "→ Xã Tam Xuân II" in page
        assert "unresolved" not in page
        typo = self.client.get(url, {"tasks-0-lead": "Phòng Văn hoá Thông tin xx"})
        assert 'class="badge unresolved"' in typo.content.decode()

    def test_saving_keeps_the_corrections_and_removes_rows(self):
        post = review_post(
            self.draft,
            **{
                "tasks-0-support": "UBND các xã, thị trấn; Hội Nông dân huyện",
                "tasks-1-remove": "on",
                "targets-0-value": "95,5",
            },
        )
        response = self.client.post(self.url, post)
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.draft.refresh_from_db()
        tasks = self.draft.data["tasks"]
        assert [t["title"] for t in tasks] == ["Tổ chức hội nghị quán triệt Kế hoạch"]
        assert tasks[0]["support"] == ["UBND các xã, thị trấn", "Hội Nông dân huyện"]
        assert tasks[0]["source_line"] == 7
        assert self.draft.data["targets"][0]["value"] == 95.5

    def test_a_row_can_be_added_and_an_empty_row_is_dropped(self):
        response = self.client.post(self.url, {**review_post(self.draft), "add": "tasks"})
        assert response["Location"].endswith("#tasks-2")
        self.draft.refresh_from_db()
        assert len(self.draft.data["tasks"]) == 3
        page = self.client.get(self.url).content.decode()
        assert 'id="tasks-2"' in page
        # Posted back untouched, the empty row disappears; filled in, it becomes a task.
        self.client.post(self.url, review_post(self.draft))
        self.draft.refresh_from_db()
        assert len(self.draft.data["tasks"]) == 2

    def test_an_expired_draft_is_gone(self):
        ImportDraft.objects.filter(pk=self.draft.pk).update(expires_at=timezone.now())
        assert self.client.get(self.url).status_code == 404


class ImportConfirmTest(KehoachTestCase):
    def setUp(self) -> None:
        self.draft = make_import_draft(by=self.manager, issuer=self.district)
        self.url = reverse("plans:import_confirm", args=[self.draft.pk])
        self.login(self.manager)

    def test_it_writes_the_plan_and_opens_its_home_page(self):
        response = self.client.post(self.url, review_post(self.draft))
        plan = Plan.objects.get(number="57/KH-UBND")
        self.assertRedirects(response, reverse("plans:home", args=[plan.pk]))
        assert plan.issuer == self.district
        assert plan.created_by == self.manager
        assert plan.source_name == "kh-57-tuyen-truyen.md"
        assert plan.source_text == SOURCE
        first, second = plan.tasks.order_by("order")
        assert (first.start, first.end, first.source_line) == (
            dt.date(2024, 4, 1),
            dt.date(2024, 6, 30),
            7,
        )
        units = {a.name_as_written: a.unit for a in first.assignments.all()}
        assert units == {
            "Phòng VH&TT": self.office,
            "UBND các xã, thị trấn": self.district,
            "Hội Nông dân huyên": None,  # kept as written, flagged on the plan's pages
        }
        assert second.assignments.get().unit == self.commune_a
        assert plan.reporting_duties.get().due == "11-30"
        assert not ImportDraft.objects.filter(pk=self.draft.pk).exists()

    def test_edits_made_on_the_page_are_what_is_written(self):
        post = review_post(
            self.draft,
            **{"title": "Tuyên truyền về quyền con người năm 2024 (sửa)", "tasks-1-time": "Quý IV"},
        )
        self.client.post(self.url, post)
        plan = Plan.objects.get(number="57/KH-UBND")
        assert plan.title.endswith("(sửa)")
        assert plan.tasks.get(order=1).time_text == "Quý IV"

    def test_errors_come_back_to_the_review_page_marked_and_nothing_is_written(self):
        before = (Plan.objects.count(), Task.objects.count())
        post = review_post(
            self.draft,
            **{
                "tasks-0-end": "2024-03-01",  # before its start
                "reporting-0-due": "31-12",  # not MM-DD
                "year": "",
            },
        )
        response = self.client.post(self.url, post)
        assert response.status_code == 200
        assert response.templates[0].name == "plans/import_review.html"
        tasks = response.context["tasks"]
        assert "end" in tasks[0].form.errors
        assert "due" in response.context["reporting"][0].form.errors
        assert "year" in response.context["header"].errors
        assert response.content.decode().count('aria-invalid="true"') >= 3
        assert (Plan.objects.count(), Task.objects.count()) == before
        assert ImportDraft.objects.filter(pk=self.draft.pk).exists()

    def test_a_service_error_is_shown_and_nothing_is_written(self):
        # plan_import refuses a year outside 1945–2100; the form's limits say the same.
        before = Plan.objects.count()
        response = self.client.post(self.url, review_post(self.draft, year="1900"))
        assert response.status_code == 200
        assert response.context["header"].errors["year"]
        assert Plan.objects.count() == before

    def test_it_replaces_a_plan_keeping_its_tasks_and_their_history(self):
        task = self.office_task
        task_set_status(task=task, status=TaskStatus.IN_PROGRESS, by=self.manager, note="Đã làm")
        data = copy.deepcopy(IMPORT_DRAFT)
        data["title"] = self.district_plan.title
        data["tasks"][0].update(
            title="Theo dõi thông tin báo chí về quyền con người", number="1", lead=["Phòng VH&TT"]
        )
        draft = make_import_draft(by=self.manager, issuer=self.district, data=data)
        plans = Plan.objects.count()
        post = review_post(draft, replace=str(self.district_plan.pk))
        response = self.client.post(reverse("plans:import_confirm", args=[draft.pk]), post)
        self.assertRedirects(response, reverse("plans:home", args=[self.district_plan.pk]))
        task.refresh_from_db()
        assert task.title == "Theo dõi thông tin báo chí về quyền con người"
        assert task.status == TaskStatus.IN_PROGRESS
        assert TaskEvent.objects.filter(task=task).count() == 1
        assert Plan.objects.count() == plans  # no new plan
        self.district_plan.refresh_from_db()
        assert self.district_plan.number == "57/KH-UBND"  # the document's number now

    def test_another_districts_staff_find_nothing_and_unit_staff_are_refused(self):
        before = (Plan.objects.count(), ImportDraft.objects.count())
        self.login(self.outsider)
        assert self.client.post(self.url, review_post(self.draft)).status_code == 404
        self.login(self.commune_a_staff)
        assert self.client.post(self.url, review_post(self.draft)).status_code == 403
        assert (Plan.objects.count(), ImportDraft.objects.count()) == before

    def test_discarding_deletes_the_draft_only(self):
        before = Plan.objects.count()
        response = self.client.post(reverse("plans:import_discard", args=[self.draft.pk]))
        assert response.status_code == 302
        assert not ImportDraft.objects.exists()
        assert Plan.objects.count() == before
