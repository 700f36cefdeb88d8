"""`kehoach import-records FILE --kind K --plan ID [--keep-valid] [--user NAME]`: bulk entry of
records from an .xlsx or .csv file, with the same checks and error report as the web page."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kehoach.activities import bulk
from kehoach.activities.models import RecordKind
from kehoach.plans.models import Plan


class Command(BaseCommand):
    help = (
        "Import records of one kind from an .xlsx or .csv file (the web page's template). "
        "Nothing is saved while any row is invalid, unless --keep-valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--kind", required=True, choices=RecordKind.values)
        parser.add_argument(
            "--plan",
            required=True,
            type=int,
            metavar="PLAN_ID",
            help="The plan whose task numbers the file uses.",
        )
        parser.add_argument(
            "--keep-valid",
            action="store_true",
            help="Save the valid rows even when some rows are invalid.",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Record as this user, within the units they may write (default: any unit).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        plan = Plan.objects.filter(pk=options["plan"]).first()
        if plan is None:
            raise CommandError(_("No plan with id %(id)s.") % {"id": options["plan"]})
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("No user named %(name)s.") % {"name": options["user"]})
        path = Path(options["file"])
        try:
            table = bulk.read_table(name=path.name, data=path.read_bytes())
        except OSError as error:
            raise CommandError(str(error)) from error
        except bulk.BulkFileError as error:
            raise CommandError(error.message) from error
        result = bulk.bulk_import(
            kind=options["kind"],
            plan=plan,
            table=table,
            by=user,
            commit=True,
            keep_valid=options["keep_valid"],
        )
        if result.file_error:
            raise CommandError(result.file_error)
        if result.errors:
            self.stderr.write(bulk.errors_csv(result).lstrip("\ufeff"))
        self.stdout.write(
            _("%(saved)d of %(rows)d rows saved; %(invalid)d rows invalid.")
            % {"saved": result.saved, "rows": result.rows, "invalid": result.invalid_rows}
        )
        if result.errors and not options["keep_valid"]:
            raise CommandError(_("Nothing was saved: correct the rows above, or use --keep-valid."))
