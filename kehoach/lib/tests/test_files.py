"""Files written whole or not at all (kehoach.lib.files); the SIGKILL of a real export is in
kehoach/tests/test_crash_safety.py."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kehoach.lib.files import file_write_atomic


def dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout)


def test_it_writes_the_file_and_leaves_nothing_beside_it(tmp_path: Path) -> None:
    target = tmp_path / "bao-cao.docx"
    file_write_atomic(target, b"noi dung")
    assert target.read_bytes() == b"noi dung"
    assert [p.name for p in tmp_path.iterdir()] == ["bao-cao.docx"]
    assert target.stat().st_mode & 0o777 == 0o644


def test_a_failed_write_keeps_the_earlier_file_and_removes_its_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "bao-cao.docx"
    target.write_bytes(b"ban truoc")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError):
        file_write_atomic(target, b"ban moi")
    assert target.read_bytes() == b"ban truoc"
    assert [p.name for p in tmp_path.iterdir()] == ["bao-cao.docx"]


def test_it_removes_what_a_killed_writer_left_but_not_what_a_live_one_writes(
    tmp_path: Path,
) -> None:
    target = tmp_path / "bao-cao.docx"
    killed = tmp_path / f".bao-cao.docx.{dead_pid()}.x1y2.partial"
    killed.write_bytes(b"mot nua")
    writing = tmp_path / f".bao-cao.docx.{os.getpid()}.z3w4.partial"
    writing.write_bytes(b"dang ghi")
    other_file = tmp_path / f".khac.docx.{dead_pid()}.a1b2.partial"
    other_file.write_bytes(b"cua tep khac")

    file_write_atomic(target, b"noi dung")

    assert not killed.exists()
    assert writing.exists()
    assert other_file.exists()  # only the partials of this file are looked at
