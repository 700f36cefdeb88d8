"""`kehoach restore SNAPSHOT [--yes]`: bring a snapshot of `kehoach backup` back into the
configured database and MEDIA_ROOT, then check it against its manifest. Stop the web app and the
worker first."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kehoach.backups import BackupError, restore


class Command(BaseCommand):
    help = "Restore a snapshot written by `kehoach backup` (replaces the database and uploads)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("snapshot", type=Path, help="The snapshot folder.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Replace a database or MEDIA_ROOT that holds data.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore(options["snapshot"], force=options["yes"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        for warning in result.warnings:
            self.stderr.write(warning)
        self.stdout.write(
            _(
                "Restored the snapshot of %(created)s: %(tables)s tables, %(rows)s rows and "
                "%(files)s files, checked against its manifest."
            )
            % {
                "created": result.manifest["created"],
                "tables": result.tables,
                "rows": result.rows,
                "files": result.files,
            }
        )
