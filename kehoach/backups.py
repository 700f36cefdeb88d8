"""Backups: a consistent snapshot of the database and the uploaded files, and its restore.

A snapshot is a folder (kehoach-<UTC time>) holding:

  database.sqlite3 or database.pgdump   the database, taken while the app runs: SQLite's online
                                        backup API, or pg_dump (custom format) inside one
                                        repeatable-read snapshot that also counted the rows
  media/                                a copy of MEDIA_ROOT (uploaded files)
  manifest.json                         format, kehoach version and commit, database vendor, time,
                                        rows per table, sha256 and size of the database file and
                                        of every uploaded file

The folder is written as <name>.partial and renamed when complete, so a snapshot that exists is
whole. Files are copied after the database was read: every file the snapshot's rows point to was
written before those rows were committed, so it is in the copy unless it was deleted since.

Restore checks every checksum before it touches anything, refuses a snapshot of another database
vendor, replaces the configured database (SQLite: the online backup API in the other direction,
so open connections see the restored database; PostgreSQL: pg_restore --clean in one
transaction) and makes MEDIA_ROOT equal to the snapshot's media/, then compares the row counts and
the files with the manifest. Stop the web app and the worker before a restore.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext as _

import kehoach

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    tables: int
    rows: int
    files: int
    warnings: list[str] = field(default_factory=list)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _media_files(root: Path) -> Iterator[Path]:
    """Every regular file under root (symbolic links are not followed), in a stable order."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                yield path


def _version_commit() -> str:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(kehoach.__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def _connection(alias: str = "default") -> BaseDatabaseWrapper:
    connection = connections[alias]
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(
            _("Backups support SQLite and PostgreSQL, not %(vendor)s.")
            % {"vendor": connection.vendor}
        )
    return connection


# --- row counts ---------------------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    return [row[0] for row in rows]


def _sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    return {
        table: db.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()[0]
        for table in _sqlite_tables(db)
    }


def _postgresql_counts(cursor: Any) -> dict[str, int]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {_quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def table_counts(alias: str = "default") -> dict[str, int]:
    """Rows per table of the configured database, as the manifest records them."""
    connection = _connection(alias)
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return _sqlite_counts(connection.connection)
    with connection.cursor() as cursor:
        return _postgresql_counts(cursor)


# --- PostgreSQL client tools --------------------------------------------------------------------


def _server_major(connection: BaseDatabaseWrapper) -> int:
    connection.ensure_connection()
    return int(connection.connection.info.server_version) // 10000


def pg_tool(name: str, server_major: int) -> str:
    """pg_dump or pg_restore matching the server: KEHOACH_PG_BIN, then Debian's versioned folder,
    then PATH; refused when older than the server (it could not read or write its format)."""
    candidates = []
    if os.environ.get("KEHOACH_PG_BIN"):
        candidates.append(Path(os.environ["KEHOACH_PG_BIN"]) / name)
    candidates.append(Path(f"/usr/lib/postgresql/{server_major}/bin/{name}"))
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    for candidate in candidates:
        if not (candidate.is_file() and os.access(candidate, os.X_OK)):
            continue
        output = subprocess.run(
            [str(candidate), "--version"], capture_output=True, text=True, check=False
        ).stdout
        match = re.search(r"(\d+)(?:\.\d+)?", output)
        if match and int(match.group(1)) >= server_major:
            return str(candidate)
    raise BackupError(
        _(
            "%(tool)s %(major)s or newer is needed for this PostgreSQL %(major)s server "
            "(Debian: apt-get install postgresql-client-%(major)s; or set KEHOACH_PG_BIN)."
        )
        % {"tool": name, "major": server_major}
    )


def _pg_env(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The connection in libpq's variables: no password on a command line."""
    config = connection.settings_dict
    env = dict(os.environ)
    for variable, value in (
        ("PGHOST", config.get("HOST")),
        ("PGPORT", config.get("PORT")),
        ("PGUSER", config.get("USER")),
        ("PGPASSWORD", config.get("PASSWORD")),
        ("PGDATABASE", config.get("NAME")),
    ):
        if value:
            env[variable] = str(value)
    options = config.get("OPTIONS") or {}
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("passfile", "PGPASSFILE"),
    ):
        if options.get(option):
            env[variable] = str(options[option])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(
            _("%(tool)s failed (%(code)s): %(error)s")
            % {"tool": Path(command[0]).name, "code": result.returncode, "error": result.stderr}
        )


# --- backup -------------------------------------------------------------------------------------


def _backup_sqlite(connection: BaseDatabaseWrapper, target: Path) -> dict[str, int]:
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError(_("A backup cannot run inside a transaction."))
    with closing(sqlite3.connect(target)) as destination:
        # One step (pages=-1): the whole database under one read lock, a consistent copy.
        connection.connection.backup(destination)
    with closing(sqlite3.connect(target)) as snapshot:
        check = snapshot.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(
                _("The SQLite snapshot failed its integrity check: %(check)s") % {"check": check}
            )
        return _sqlite_counts(snapshot)


def _backup_postgresql(connection: BaseDatabaseWrapper, target: Path) -> dict[str, int]:
    dump = pg_tool("pg_dump", _server_major(connection))
    # A connection of our own holds a repeatable-read snapshot: the rows are counted in it and
    # pg_dump reads exactly it (--snapshot), so manifest and dump agree while the app writes.
    own = connections.create_connection(connection.alias)
    try:
        with own.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
            counts = _postgresql_counts(cursor)
            _run(
                [dump, "--format=custom", f"--snapshot={snapshot_id}", f"--file={target}"],
                _pg_env(connection),
            )
            cursor.execute("COMMIT")
    finally:
        own.close()
    return counts


def backup(output_dir: Path, *, alias: str = "default") -> Path:
    """Write a snapshot folder into output_dir and return its path."""
    connection = _connection(alias)
    output_dir.mkdir(parents=True, exist_ok=True)
    created = dt.datetime.now(dt.UTC)
    name = f"kehoach-{created:%Y%m%dT%H%M%S%fZ}"
    partial = output_dir / f"{name}.partial"
    final = output_dir / name
    if final.exists() or partial.exists():
        raise BackupError(_("%(path)s exists already.") % {"path": final})
    partial.mkdir(mode=0o700)  # password hashes and personal data: for the operator's eyes only
    try:
        database_file = DATABASE_FILES[connection.vendor]
        if connection.vendor == "sqlite":
            counts = _backup_sqlite(connection, partial / database_file)
        else:
            counts = _backup_postgresql(connection, partial / database_file)
        media_root = Path(settings.MEDIA_ROOT)
        media_copy = partial / MEDIA_DIR
        media_copy.mkdir()
        files: dict[str, dict[str, Any]] = {}
        for source in _media_files(media_root):
            relative = source.relative_to(media_root).as_posix()
            destination = media_copy / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            try:
                shutil.copy2(source, destination)
            except FileNotFoundError:  # deleted by the app while we copied: not in the snapshot
                continue
            files[relative] = {
                "sha256": sha256_file(destination),
                "size": destination.stat().st_size,
            }
        manifest = {
            "format": FORMAT,
            "kehoach_version": kehoach.__version__,
            "commit": _version_commit(),
            "vendor": connection.vendor,
            "created": created.isoformat(),
            "database": {
                "file": database_file,
                "sha256": sha256_file(partial / database_file),
                "size": (partial / database_file).stat().st_size,
                "tables": counts,
            },
            "media": files,
        }
        (partial / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8"
        )
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


# --- restore ------------------------------------------------------------------------------------


def read_manifest(snapshot: Path) -> dict[str, Any]:
    path = snapshot / MANIFEST
    if not path.is_file():
        raise BackupError(
            _("%(path)s is not a kehoach snapshot: it has no manifest.json.") % {"path": snapshot}
        )
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise BackupError(_("%(path)s is not valid JSON.") % {"path": path}) from error
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("Unknown snapshot format %(format)r.") % {"format": manifest.get("format")}
        )
    return manifest


def verify_snapshot(snapshot: Path, manifest: dict[str, Any]) -> None:
    """Every file of the snapshot is there with the checksum the manifest recorded."""
    database = snapshot / manifest["database"]["file"]
    if not database.is_file():
        raise BackupError(
            _("The snapshot lacks its database file %(name)s.") % {"name": database.name}
        )
    if sha256_file(database) != manifest["database"]["sha256"]:
        raise BackupError(
            _("%(name)s does not match its checksum: the snapshot is damaged.")
            % {"name": database.name}
        )
    media = snapshot / MEDIA_DIR
    for relative, entry in manifest["media"].items():
        parts = Path(relative).parts
        if not parts or Path(relative).is_absolute() or ".." in parts:
            raise BackupError(
                _("media/%(path)s is missing or damaged in the snapshot.") % {"path": relative}
            )
        path = media / relative
        if not path.is_file() or sha256_file(path) != entry["sha256"]:
            raise BackupError(
                _("media/%(path)s is missing or damaged in the snapshot.") % {"path": relative}
            )


def holds_data(alias: str = "default") -> bool:
    """Whether the database has user accounts or units, or MEDIA_ROOT has files: what a restore
    would overwrite. A freshly migrated database holds none."""
    connection = connections[alias]
    tables = set(connection.introspection.table_names())
    user_model = get_user_model()
    if user_model._meta.db_table in tables and user_model.objects.using(alias).exists():
        return True
    if "units_unit" in tables:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM units_unit LIMIT 1")
            if cursor.fetchone():
                return True
    return next(_media_files(Path(settings.MEDIA_ROOT)), None) is not None


def _restore_sqlite(connection: BaseDatabaseWrapper, source: Path) -> None:
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError(_("A restore cannot run inside a transaction."))
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as snapshot:
        # Into the live database under its lock: other connections then see the restored
        # database, which copying the file over it would not guarantee.
        snapshot.backup(connection.connection)


def _restore_postgresql(connection: BaseDatabaseWrapper, source: Path) -> None:
    restore_tool = pg_tool("pg_restore", _server_major(connection))
    if connection.in_atomic_block:
        raise BackupError(_("A restore cannot run inside a transaction."))
    connection.close()  # no session of ours holds a lock on a table pg_restore drops
    _run(
        [
            restore_tool,
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            f"--dbname={connection.settings_dict['NAME']}",
            str(source),
        ],
        _pg_env(connection),
    )


def _restore_media(snapshot_media: Path, media_root: Path, files: dict[str, Any]) -> None:
    """Make media_root hold exactly the snapshot's files (replaced atomically one by one)."""
    media_root.mkdir(parents=True, exist_ok=True)
    for relative in files:
        destination = media_root / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        temporary = destination.with_name(f".{destination.name}.restoring")
        shutil.copy2(snapshot_media / relative, temporary)
        os.replace(temporary, destination)
    for path in list(_media_files(media_root)):
        if path.relative_to(media_root).as_posix() not in files:
            path.unlink()
    for dirpath, _dirnames, _filenames in sorted(os.walk(media_root), reverse=True):
        directory = Path(dirpath)
        if directory != media_root and not any(directory.iterdir()):
            directory.rmdir()


def restore(snapshot: Path, *, alias: str = "default", force: bool = False) -> RestoreResult:
    """Bring a snapshot back into the configured database and MEDIA_ROOT, then check it."""
    manifest = read_manifest(snapshot)
    connection = _connection(alias)
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            _(
                "This snapshot is of a %(snapshot)s database; the configured database is "
                "%(configured)s. Restore it into a %(snapshot)s database."
            )
            % {"snapshot": manifest["vendor"], "configured": connection.vendor}
        )
    verify_snapshot(snapshot, manifest)
    if not force and holds_data(alias):
        raise BackupError(
            _(
                "The database or MEDIA_ROOT holds data that the restore would replace. "
                "Give --yes to replace it."
            )
        )
    warnings = []
    if manifest.get("kehoach_version") != kehoach.__version__:
        warnings.append(
            _(
                "The snapshot was made by kehoach %(snapshot)s; this is %(this)s. "
                "Run `kehoach migrate` after the restore."
            )
            % {"snapshot": manifest.get("kehoach_version"), "this": kehoach.__version__}
        )
    source = snapshot / manifest["database"]["file"]
    if connection.vendor == "sqlite":
        _restore_sqlite(connection, source)
    else:
        _restore_postgresql(connection, source)
    ContentType.objects.clear_cache()
    _restore_media(snapshot / MEDIA_DIR, Path(settings.MEDIA_ROOT), manifest["media"])

    expected = manifest["database"]["tables"]
    found = table_counts(alias)
    wrong = sorted(t for t in expected if found.get(t) != expected[t])
    if wrong:
        raise BackupError(
            _("After the restore these tables do not have the snapshot's rows: %(tables)s")
            % {"tables": ", ".join(f"{t} ({found.get(t)} ≠ {expected[t]})" for t in wrong)}
        )
    extra = sorted(set(found) - set(expected))
    if extra:
        warnings.append(
            _("Tables that the snapshot does not have were left as they are: %(tables)s")
            % {"tables": ", ".join(extra)}
        )
    media_root = Path(settings.MEDIA_ROOT)
    present = {p.relative_to(media_root).as_posix(): p for p in _media_files(media_root)}
    if set(present) != set(manifest["media"]) or any(
        sha256_file(present[r]) != e["sha256"] for r, e in manifest["media"].items()
    ):
        raise BackupError(_("After the restore MEDIA_ROOT does not equal the snapshot's files."))
    return RestoreResult(
        manifest=manifest,
        tables=len(expected),
        rows=sum(expected.values()),
        files=len(manifest["media"]),
        warnings=warnings,
    )
