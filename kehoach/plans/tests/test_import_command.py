"""`kehoach import-plan FILE`: prints the draft, creates the plan, or updates one; a bad file or
an unknown issuer is a clear error and writes nothing."""

import io
import json
import tempfile
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError

from kehoach.plans.models import Plan, Task, TaskEvent, TaskStatus
from kehoach.plans.services import task_set_status
from kehoach.testing import KehoachTestCase

DATA = Path(__file__).parent / "data" / "importer"
SEED = DATA / "docs" / "00_seed.md"
DOCX = DATA / "docs" / "14_laocai-sct-dean08-cong-nghiep.docx"


class ImportPlanCommandTest(KehoachTestCase):
    def run_command(self, *args: Any) -> str:
        out = io.StringIO()
        call_command("import_plan", *[str(a) for a in args], stdout=out)
        return out.getvalue()

    def counts(self) -> tuple[int, int]:
        return Plan.objects.count(), Task.objects.count()

    def test_json_prints_the_draft_in_the_label_format_and_writes_nothing(self):
        before = self.counts()
        draft = json.loads(self.run_command(SEED, "--json"))
        assert draft["year"] == 2024
        assert len(draft["tasks"]) == 8
        assert all(task["source_line"] for task in draft["tasks"])
        assert self.counts() == before

    def test_json_keeps_vietnamese_letters_readable(self):
        assert "Núi Thành" in self.run_command(SEED, "--json")

    def test_it_reads_a_docx(self):
        draft = json.loads(self.run_command(DOCX, "--json"))
        assert draft["issuer"] == "Sở Công Thương tỉnh Lào Cai"
        assert len(draft["tasks"]) == 5

    def test_without_options_it_summarises_and_writes_nothing(self):
        before = self.counts()
        out = self.run_command(SEED)
        assert "8" in out
        assert self.counts() == before

    def test_commit_creates_the_plan_under_the_issuer_found_in_the_tree(self):
        out = self.run_command(SEED, "--commit")
        plan = Plan.objects.get(source_name="00_seed.md")
        assert "huyện Núi Thành" in plan.title
        assert str(plan.pk) in out
        assert plan.issuer == self.district
        assert plan.tasks.count() == 8
        office = plan.tasks.get(order=0).assignments.filter(unit=self.office)
        assert office.exists()  # "Phòng VH&TT" resolved in the district's subtree
        assert plan.source_text.startswith(SEED.read_text().splitlines()[0])

    def test_commit_under_a_given_issuer(self):
        self.run_command(SEED, "--commit", "--issuer", self.office.pk)
        assert Plan.objects.filter(issuer=self.office).count() == 1

    def test_an_issuer_not_in_the_tree_is_an_error_listing_candidates(self):
        text = (
            SEED.read_text()
            .replace("Núi Thành", "Núi Thanh Xuân")
            .replace("NÚI THÀNH", "NÚI THANH XUÂN")
        )
        path = Path(self.enterContext(self._tmp())) / "kh.md"
        path.write_text(text)
        before = self.counts()
        with self.assertRaises(CommandError) as raised:
            self.run_command(path, "--commit")
        message = str(raised.exception)
        assert "--issuer" in message
        assert "Huyện Núi Thành" in message  # the closest unit is offered
        assert self.counts() == before

    def _tmp(self) -> Any:
        return tempfile.TemporaryDirectory()

    def test_bad_files_are_errors_and_write_nothing(self):
        tmp = Path(self.enterContext(self._tmp()))
        cases = {
            "trong.md": b"",
            "hong.docx": b"PK\x03\x04 broken",
            "cu.doc": b"\xd0\xcf\x11\xe0",
        }
        before = self.counts()
        for name, content in cases.items():
            (tmp / name).write_bytes(content)
            with self.subTest(name=name), self.assertRaises(CommandError) as raised:
                self.run_command(tmp / name, "--commit", "--issuer", self.district.pk)
            assert str(raised.exception)
        with self.assertRaises(CommandError):
            self.run_command(tmp / "khong-co.md", "--json")
        assert self.counts() == before

    def test_an_unknown_unit_or_plan_id_is_an_error(self):
        with self.assertRaises(CommandError):
            self.run_command(SEED, "--commit", "--issuer", 999999)
        with self.assertRaises(CommandError):
            self.run_command(SEED, "--replace", 999999)
        assert Plan.objects.filter(source_name="00_seed.md").count() == 0

    def test_replace_updates_the_plan_and_keeps_task_history(self):
        self.run_command(SEED, "--commit")
        plan = Plan.objects.get(source_name="00_seed.md")
        task = plan.tasks.get(order=0)
        task_set_status(task=task, status=TaskStatus.DONE, by=self.manager)
        tmp = Path(self.enterContext(self._tmp()))
        corrected = tmp / "ke-hoach-sua.md"
        first_title = task.title
        corrected.write_text(SEED.read_text().replace(first_title, first_title + " năm 2024"))
        out = self.run_command(corrected, "--replace", plan.pk)
        assert str(plan.pk) in out
        task.refresh_from_db()
        assert task.title == first_title + " năm 2024"
        assert task.status == TaskStatus.DONE
        assert TaskEvent.objects.filter(task=task).count() == 1
        assert Plan.objects.filter(source_name__in=["00_seed.md", "ke-hoach-sua.md"]).count() == 1
