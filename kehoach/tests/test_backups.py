"""Backups (kehoach/backups.py, `kehoach backup` and `kehoach restore`): the demo survives a round
trip table by table and file by file; damaged or foreign snapshots are refused before anything is
touched; a snapshot taken while another connection writes is consistent."""

import hashlib
import io
import json
import shutil
import stat
import tempfile
import threading
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.test import TransactionTestCase, override_settings
from django.utils import timezone, translation

import kehoach
from kehoach.activities.models import Record
from kehoach.backups import BackupError, pg_tool, read_manifest
from kehoach.demo import DEMO_PASSWORD, demo_load
from kehoach.plans.models import Plan


def all_tables() -> dict[str, list[str]]:
    """Every row of every table, as text, in a stable order."""
    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            tables[table] = sorted(repr(row) for row in cursor.fetchall())
    return tables


def all_files(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


class BackupTestCase(TransactionTestCase):
    media: Path
    output: Path

    def setUp(self) -> None:
        super().setUp()
        self.media = Path(self.enterContext(tempfile.TemporaryDirectory(prefix="kehoach-media-")))
        self.output = Path(self.enterContext(tempfile.TemporaryDirectory(prefix="kehoach-bak-")))
        self.enterContext(override_settings(MEDIA_ROOT=self.media))
        self.enterContext(translation.override("en"))  # the messages asserted are the msgids

    def backup(self) -> Path:
        call_command("backup", "--output", str(self.output), stdout=io.StringIO())
        (snapshot,) = [p for p in self.output.iterdir() if p.is_dir()]
        return snapshot

    def restore(self, snapshot: Path, *args: str) -> str:
        out = io.StringIO()
        call_command("restore", str(snapshot), *args, stdout=out, stderr=io.StringIO())
        return out.getvalue()


class DemoRoundTripTest(BackupTestCase):
    def test_the_demo_comes_back_table_by_table_and_file_by_file(self) -> None:
        demo_load()
        tables_before = all_tables()
        files_before = all_files(self.media)
        assert files_before, "the demo has uploaded files"
        assert sum(len(rows) for rows in tables_before.values()) > 1000

        snapshot = self.backup()
        manifest = read_manifest(snapshot)
        assert manifest["vendor"] == connection.vendor
        assert manifest["kehoach_version"] == kehoach.__version__
        assert stat.S_IMODE(snapshot.stat().st_mode) == 0o700
        assert manifest["database"]["tables"]["plans_plan"] == Plan.objects.count()
        assert {name: e["sha256"] for name, e in manifest["media"].items()} == files_before
        assert not list(self.output.glob("*.partial"))

        # The day after: data changed, deleted and added; files deleted, changed and added.
        plan = Plan.objects.get(issuer__name="Huyện Núi Thành")
        plan.title = "Kế hoạch đã bị sửa nhầm"
        plan.save()
        Record.objects.filter(pk__in=Record.objects.values("pk")[:20]).delete()
        User.objects.create_user("nguoi-moi", password="mat-khau-moi-2024")
        names = sorted(files_before)
        (self.media / names[0]).unlink()
        (self.media / names[-1]).write_bytes(b"ghi de")
        (self.media / "them" / "tep-moi.txt").parent.mkdir()
        (self.media / "them" / "tep-moi.txt").write_text("tệp mới")
        assert all_tables() != tables_before

        with pytest.raises(CommandError, match="--yes"):
            self.restore(snapshot)
        assert Plan.objects.filter(title="Kế hoạch đã bị sửa nhầm").exists()

        output = self.restore(snapshot, "--yes")

        assert "checked against its manifest" in output
        assert all_tables() == tables_before
        assert all_files(self.media) == files_before
        assert not (self.media / "them").exists()
        assert Plan.objects.get(pk=plan.pk).title != "Kế hoạch đã bị sửa nhầm"
        assert not User.objects.filter(username="nguoi-moi").exists()
        # The restored accounts are usable: the demo password checks against its restored hash.
        assert User.objects.get(username="quantri").check_password(DEMO_PASSWORD)


class RefusalTest(BackupTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user("can-bo", password="mat-khau-2024")
        (self.media / "attachments").mkdir()
        (self.media / "attachments" / "bao-cao.txt").write_text("Báo cáo quý II")
        self.snapshot = self.backup()
        User.objects.create_user("can-bo-2", password="mat-khau-2024")

    def assert_untouched(self) -> None:
        assert User.objects.filter(username="can-bo-2").exists()

    def test_a_damaged_file_in_the_snapshot_is_refused_before_anything_changes(self) -> None:
        (self.snapshot / "media" / "attachments" / "bao-cao.txt").write_text("hỏng")
        with pytest.raises(CommandError, match="damaged"):
            self.restore(self.snapshot, "--yes")
        self.assert_untouched()

    def test_a_damaged_database_file_is_refused(self) -> None:
        manifest = read_manifest(self.snapshot)
        with (self.snapshot / manifest["database"]["file"]).open("ab") as database:
            database.write(b"\0")
        with pytest.raises(CommandError, match="checksum"):
            self.restore(self.snapshot, "--yes")
        self.assert_untouched()

    def test_a_manifest_naming_a_file_outside_media_root_is_refused(self) -> None:
        path = self.snapshot / "manifest.json"
        manifest = json.loads(path.read_text())
        manifest["media"]["../../ngoai.txt"] = manifest["media"].pop("attachments/bao-cao.txt")
        path.write_text(json.dumps(manifest))
        with pytest.raises(CommandError, match="damaged"):
            self.restore(self.snapshot, "--yes")
        self.assert_untouched()
        assert not (self.media.parent.parent / "ngoai.txt").exists()

    def test_a_snapshot_of_another_database_vendor_is_refused(self) -> None:
        path = self.snapshot / "manifest.json"
        manifest = json.loads(path.read_text())
        manifest["vendor"] = "postgresql" if connection.vendor == "sqlite" else "sqlite"
        path.write_text(json.dumps(manifest))
        with pytest.raises(CommandError, match="Restore it into a"):
            self.restore(self.snapshot, "--yes")
        self.assert_untouched()

    def test_a_folder_without_manifest_is_refused(self) -> None:
        with pytest.raises(CommandError, match="manifest"):
            self.restore(self.output)

    def test_an_empty_database_is_restored_without_yes(self) -> None:
        User.objects.all().delete()
        shutil.rmtree(self.media / "attachments")
        self.restore(self.snapshot)
        assert set(User.objects.values_list("username", flat=True)) == {"can-bo"}
        assert (self.media / "attachments" / "bao-cao.txt").read_text() == "Báo cáo quý II"


class BackupWhileWritingTest(BackupTestCase):
    def test_a_snapshot_taken_while_another_connection_writes_is_consistent(self) -> None:
        stop = threading.Event()
        written: list[int] = []

        def write() -> None:
            try:
                while not stop.is_set():
                    Session.objects.create(
                        session_key=uuid.uuid4().hex,
                        session_data="x",
                        expire_date=timezone.now() + timedelta(days=1),
                    )
                    written.append(1)
            finally:
                connections.close_all()

        writer = threading.Thread(target=write)
        writer.start()
        try:
            while len(written) < 20:
                stop.wait(0.01)
            snapshot = self.backup()
        finally:
            stop.set()
            writer.join()
        in_snapshot = read_manifest(snapshot)["database"]["tables"]["django_session"]
        assert 20 <= in_snapshot <= len(written)

        self.restore(snapshot, "--yes")  # checks every table's rows against the manifest

        assert Session.objects.count() == in_snapshot


def test_a_postgresql_client_older_than_the_server_is_refused_with_the_package_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tmp_path / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 13.9'\n")
    old.chmod(0o755)
    monkeypatch.setenv("KEHOACH_PG_BIN", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match="postgresql-client-99"):
        pg_tool("pg_dump", 99)
    assert pg_tool("pg_dump", 13) == str(old)
