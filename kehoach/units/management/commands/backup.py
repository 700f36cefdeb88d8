"""`kehoach backup [--output DIR]`: a consistent snapshot of the database and uploaded files,
taken while the app runs (see kehoach/backups.py)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kehoach.backups import BackupError, backup, read_manifest


class Command(BaseCommand):
    help = "Write a snapshot of the database and the uploaded files (while the app runs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Folder to write the snapshot into (default: KEHOACH_VAR_DIR/backups).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"] or Path(settings.VAR_DIR) / "backups"
        try:
            snapshot = backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = read_manifest(snapshot)
        tables = manifest["database"]["tables"]
        self.stdout.write(
            _("Snapshot written to %(path)s: %(tables)s tables, %(rows)s rows, %(files)s files.")
            % {
                "path": snapshot,
                "tables": len(tables),
                "rows": sum(tables.values()),
                "files": len(manifest["media"]),
            }
        )
