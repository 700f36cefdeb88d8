"""Crash safety (issue 8): a process killed with SIGKILL in the middle of a job leaves no
half-written state, and the job run again gives what one clean run gives.

The processes are real: `kehoach worker` and `kehoach import-plan` run as subprocesses on the test
database (a file for SQLite), and `kehoach export-report`. Each is stopped at a known point by a
test-only driver (DRIVER below, never part of the app): a post_save receiver that, on the Nth new
row of a model, writes a marker file and sleeps, so the kill lands inside the job's open
transaction; for a file, the same stop just before the written file is renamed into place."""

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult
from docx import Document

from kehoach.activities.models import Record
from kehoach.activities.tests.test_bulk import VISUAL_HEADERS, csv_bytes, visual_row
from kehoach.lib.documents import PDF_WORKDIR_MIN_AGE
from kehoach.monitoring.analysis.pipeline import reset_caches
from kehoach.monitoring.models import (
    Article,
    FetchOutcome,
    FetchRun,
    RawPage,
    Source,
    SourceKind,
    Story,
)
from kehoach.monitoring.services import theme_definitions_seed
from kehoach.monitoring.tasks import source_fetch_task
from kehoach.monitoring.tests.newssite import FAST_FETCHING, NewsSiteMixin
from kehoach.plans.models import Plan, ReportingDuty, Target, Task, UnitScope
from kehoach.plans.selectors import plan_export
from kehoach.reports.services import periods_generate, report_open
from kehoach.testing import KehoachTransactionTestCase

pytestmark = pytest.mark.slow

PLAN_DOCUMENT = Path(__file__).parents[1] / "plans" / "data" / "plan-2024-nui-thanh.md"

# Test-only: the production settings made fast for the local news site, and, when
# KEHOACH_CRASH_TEST_PAUSE is "app_label.Model:N:marker", a stop at the Nth new row of Model
# ("os.replace:N:marker": before the Nth rename of a written file).
DRIVER = """
import os, sys, time
import kehoach.settings as s
for name, value in {fast!r}.items():
    setattr(s, name, value)
pause = os.environ.get("KEHOACH_CRASH_TEST_PAUSE")
if pause:
    from django.db.models.signals import post_save
    label, count, marker = pause.split(":", 2)
    seen = []
    def stop_here(sender, created, **kwargs):
        if created and sender._meta.label == label:
            seen.append(1)
            if len(seen) == int(count):
                with open(marker, "w") as f:
                    f.write(str(os.getpid()))
                time.sleep(600)
    if label == "os.replace":  # stop before the Nth rename, the temporary file written
        real_replace = os.replace
        def replace_then_stop(*args, **kwargs):
            seen.append(1)
            if len(seen) == int(count):
                with open(marker, "w") as f:
                    f.write(str(os.getpid()))
                time.sleep(600)
            return real_replace(*args, **kwargs)
        os.replace = replace_then_stop
    elif label == "soffice":  # stop in the Nth PDF conversion, its folder written
        import subprocess
        real_run = subprocess.run
        def run_then_stop(command, *args, **kwargs):
            if "--convert-to" in command:
                seen.append(1)
                if len(seen) == int(count):
                    with open(marker, "w") as f:
                        f.write(str(os.getpid()))
                    time.sleep(600)
            return real_run(command, *args, **kwargs)
        subprocess.run = run_then_stop
    else:
        post_save.connect(stop_here, weak=False)
from kehoach.cli import main
main()
"""


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


class CrashTestCase(KehoachTransactionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.tmp = Path(tempfile.mkdtemp(prefix="kehoach-crash-"))

    def kehoach(
        self, *args: str, pause: str = "", env: dict[str, str] | None = None
    ) -> "subprocess.Popen[bytes]":
        """`kehoach ARGS` in its own process on the test database."""
        env = {
            **os.environ,
            **(env or {}),
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "kehoach.settings",
            "KEHOACH_CRASH_TEST_PAUSE": pause,
        }
        return subprocess.Popen(
            [sys.executable, "-c", DRIVER.format(fast=FAST_FETCHING), *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )

    def kehoach_run(self, *args: str, env: dict[str, str] | None = None) -> str:
        process = self.kehoach(*args, env=env)
        out, _err = process.communicate(timeout=300)
        assert process.returncode == 0, out.decode()
        return out.decode()

    def kill_at(self, process: "subprocess.Popen[bytes]", marker: Path) -> None:
        """Wait until the process stops at its marker, then SIGKILL it (and reap it)."""
        deadline = time.monotonic() + 240
        while not marker.exists():
            if process.poll() is not None:
                out = process.stdout.read().decode() if process.stdout else ""
                raise AssertionError(f"ended before its stop ({process.returncode}): {out}")
            if time.monotonic() > deadline:
                process.kill()
                raise AssertionError("never reached its stop")
            time.sleep(0.05)
        assert marker.read_text() == str(process.pid)
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL


def fetched() -> dict[str, Any]:
    """Everything a fetch of the source leaves, without ids and times."""
    articles = []
    for article in Article.objects.select_related("story", "raw").order_by("canonical_url"):
        articles.append(
            {
                "url": article.canonical_url,
                "title": article.title,
                "text": article.text,
                "lang": article.lang,
                "relevant": article.relevant,
                "relevance": round(article.relevance, 6),
                "themes": article.themes,
                "conventions": article.conventions,
                "places": article.places,
                "analysed": article.analysed_at is not None,
                "story": (article.story.title, article.story.article_count, article.story.themes)
                if article.story
                else None,
                "page": gzip.decompress(article.raw.body_gzip),
            }
        )
    source = Source.objects.get()
    return {
        "articles": articles,
        "stories": Story.objects.count(),
        "runs": list(FetchRun.objects.values_list("outcome", flat=True)),
        "source": (source.etag, source.consecutive_failures, source.last_error),
    }


@override_settings(**FAST_FETCHING)
class FetchKilledTest(NewsSiteMixin, CrashTestCase):
    def fetch_by_worker(self) -> None:
        source_fetch_task.enqueue(Source.objects.get().pk)
        self.kehoach_run("worker", "--batch", "--no-startup-delay", "--no-reload")

    def test_a_worker_killed_mid_fetch_leaves_no_partial_article_and_the_fetch_runs_again(self):
        theme_definitions_seed(plan=self.district_plan)
        Source.objects.create(
            unit=self.office,
            name="Báo Quảng Nam Thử",
            kind=SourceKind.FEED,
            url=self.site.url("/rss/thoi-su.xml"),
        )
        # One clean run, as the reference; then the same source from scratch.
        self.fetch_by_worker()
        clean = fetched()
        assert len(clean["articles"]) == 3
        assert clean["runs"] == [FetchOutcome.OK]
        assert clean["stories"] == 3  # one per article: the third story comes with the third
        Article.objects.all().delete()
        Story.objects.all().delete()
        FetchRun.objects.all().delete()
        DBTaskResult.objects.all().delete()
        Source.objects.update(etag="", last_modified="", next_fetch_at=None)
        reset_caches()

        # The worker stops while the third article is analysed (its story is being written):
        # the article and its raw page are written, its analysis is not finished.
        task = source_fetch_task.enqueue(Source.objects.get().pk)
        marker = self.tmp / "stopped"
        worker = self.kehoach(
            "worker",
            "--no-startup-delay",
            "--no-reload",
            "--interval=0.1",
            pause=f"monitoring.Story:3:{marker}",
        )
        self.kill_at(worker, marker)

        # Two whole articles, none half-written; no FetchRun, as if the fetch were still going.
        assert Article.objects.count() == 2
        assert RawPage.objects.count() == 2
        assert not Article.objects.filter(analysed_at__isnull=True).exists()
        assert not Article.objects.filter(story__isnull=True).exists()
        assert FetchRun.objects.count() == 0
        assert DBTaskResult.objects.get(pk=task.id).status == "RUNNING"

        # A new worker sees that the task's worker is gone, runs the task again and finishes it.
        self.kehoach_run("worker", "--batch", "--no-startup-delay", "--no-reload")
        row = DBTaskResult.objects.get(pk=task.id)
        assert row.status == "SUCCESSFUL"
        assert len(row.worker_ids) == 2

        after = fetched()
        assert FetchRun.objects.get().articles_new == 1  # the two kept were not fetched twice
        assert after == clean


class PlanImportKilledTest(CrashTestCase):
    def counts(self) -> dict[str, int]:
        return {
            "plans": Plan.objects.count(),
            "tasks": Task.objects.count(),
            "targets": Target.objects.count(),
        }

    def test_an_import_killed_in_the_middle_writes_nothing_and_the_import_runs_again(self):
        before = self.counts()
        cast_plans = set(Plan.objects.values_list("pk", flat=True))
        args = ["import-plan", str(PLAN_DOCUMENT), "--commit", f"--issuer={self.district.pk}"]

        # Stopped after the plan, its targets and five of its tasks were written.
        marker = self.tmp / "stopped"
        process = self.kehoach(*args, pause=f"plans.Task:5:{marker}")
        self.kill_at(process, marker)

        assert self.counts() == before

        # Run again, it imports the plan, once and whole.
        self.kehoach_run(*args)
        imported = Plan.objects.exclude(pk__in=cast_plans).get()
        assert imported.tasks.count() == 8

        # The same as a clean import of the same document (in this process).
        call_command("import_plan", *args[1:], stdout=StringIO())
        clean = Plan.objects.exclude(pk__in=[*cast_plans, imported.pk]).get()
        assert without_ids(plan_export(plan=imported)) == without_ids(plan_export(plan=clean))


def without_ids(data: Any) -> Any:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
    value = json.loads(text)

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in {"id", "pk"}}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    return strip(value)


def records_imported() -> list[tuple[Any, ...]]:
    return sorted(
        Record.objects.values_list(
            "unit__name", "date", "title", "visual__item", "visual__quantity", "visual__location"
        )
    )


class RecordsImportKilledTest(CrashTestCase):
    def test_a_records_import_killed_after_three_rows_saves_none_and_runs_again(self):
        rows = [visual_row(location=f"Thôn {n}", quantity=str(n)) for n in range(1, 6)]
        path = self.tmp / "ban-ghi.csv"
        path.write_bytes(csv_bytes(VISUAL_HEADERS, rows))
        args = ["import-records", str(path), "--kind=visual", f"--plan={self.district_plan.pk}"]

        marker = self.tmp / "stopped"
        self.kill_at(self.kehoach(*args, pause=f"activities.Record:3:{marker}"), marker)
        assert not Record.objects.exists()

        self.kehoach_run(*args)
        imported = records_imported()
        assert len(imported) == 5

        # The same as a clean import of the same file.
        Record.objects.all().delete()
        call_command(
            "import_records",
            str(path),
            kind="visual",
            plan=self.district_plan.pk,
            stdout=StringIO(),
        )
        assert records_imported() == imported


def docx_text(path: Path) -> list[str]:
    document = Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return [paragraph.text for paragraph in document.paragraphs] + cells


class ReportExportKilledTest(CrashTestCase):
    def commune_report(self) -> Any:
        duty = ReportingDuty.objects.create(
            plan=self.district_plan,
            order=0,
            who_as_written="UBND các xã, thị trấn",
            who=self.district,
            who_scope=UnitScope.COMMUNES,
            to_whom_as_written="UBND huyện (qua Phòng Văn hóa và Thông tin)",
            to_whom=self.district,
            what="Báo cáo kết quả thực hiện Kế hoạch 6 tháng đầu năm",
            due="06-15",
            period="6 tháng",
        )
        period = periods_generate(plan=duty.plan)[0]
        return report_open(period=period, unit=self.commune_a, by=self.commune_a_staff)

    def test_an_export_killed_before_its_file_is_whole_leaves_no_file_and_runs_again(self):
        report = self.commune_report()
        clean = self.tmp / "clean.docx"
        call_command("export_report", str(report.pk), f"--output={clean}", stdout=StringIO())
        folder = self.tmp / "exports"
        folder.mkdir()
        target = folder / "bao-cao-xa-tam-xuan-i.docx"
        args = ["export-report", str(report.pk), "--format=docx", f"--output={target}"]

        # Killed with the document written to its temporary file, before the rename.
        marker = self.tmp / "stopped"
        self.kill_at(self.kehoach(*args, pause=f"os.replace:1:{marker}"), marker)
        assert not target.exists()
        visible = [p.name for p in folder.iterdir() if not p.name.startswith(".")]
        assert visible == []

        # Run again: the whole document, the same as a clean export, and no temporary file left.
        self.kehoach_run(*args)
        assert sorted(p.name for p in folder.iterdir()) == [target.name]
        assert docx_text(target) == docx_text(clean)

        # An export killed over an earlier one leaves the earlier one as it was.
        earlier = target.read_bytes()
        marker.unlink()
        self.kill_at(self.kehoach(*args, pause=f"os.replace:1:{marker}"), marker)
        assert target.read_bytes() == earlier
        assert [p.name for p in folder.iterdir() if not p.name.startswith(".")] == [target.name]

    @pytest.mark.skipif(
        shutil.which("soffice") is None, reason="needs LibreOffice (.ci/run installs it)"
    )
    def test_a_pdf_export_killed_in_the_conversion_leaves_its_folder_to_the_next_one(self):
        report = self.commune_report()
        temporary = self.tmp / "tmp"
        temporary.mkdir()
        env = {"TMPDIR": str(temporary)}
        target = self.tmp / "bao-cao.pdf"
        args = ["export-report", str(report.pk), "--format=pdf", f"--output={target}"]

        # Killed with the .docx written to its conversion folder, LibreOffice not yet done.
        marker = self.tmp / "stopped"
        killed = self.kehoach(*args, pause=f"soffice:1:{marker}", env=env)
        self.kill_at(killed, marker)
        assert not target.exists()
        [left] = temporary.glob("kehoach-pdf-*")
        assert left.name.startswith(f"kehoach-pdf-{killed.pid}-")
        assert (left / "document.docx").exists()

        # The next conversion, past the folder's minimum age, removes it and makes the PDF.
        past = time.time() - PDF_WORKDIR_MIN_AGE - 60
        os.utime(left, (past, past))
        self.kehoach_run(*args, env=env)
        assert target.read_bytes().startswith(b"%PDF")
        assert list(temporary.iterdir()) == []
