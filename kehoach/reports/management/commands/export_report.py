"""`kehoach export-report REPORT_ID [--format docx|pdf|xlsx] [--output FILE]`: a report, a file."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kehoach.lib.documents import ConverterMissingError
from kehoach.lib.files import file_write_atomic
from kehoach.reports import exports
from kehoach.reports.models import Report


class Command(BaseCommand):
    help = (
        "Write a report as its Decree 30 .docx, its PDF or its .xlsx annex of figures. The file "
        "appears whole or not at all: an export that is stopped leaves the earlier file as it was."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report_id", type=int)
        parser.add_argument("--format", choices=sorted(exports.CONTENT_TYPES), default="docx")
        parser.add_argument(
            "--output", help="The file to write (default: the report's file name, here)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = (
            Report.objects.select_related("unit", "period").filter(pk=options["report_id"]).first()
        )
        if report is None:
            raise CommandError(_("No report with id %(id)s.") % {"id": options["report_id"]})
        fmt = options["format"]
        makers = {
            "docx": exports.report_docx,
            "pdf": exports.report_pdf,
            "xlsx": exports.report_xlsx,
        }
        try:
            content = makers[fmt](report)
        except (ConverterMissingError, RuntimeError) as error:
            raise CommandError(str(error)) from error
        output = Path(options["output"] or exports.report_file_name(report, fmt))
        written = file_write_atomic(output, content)
        self.stdout.write(_("Written: %(path)s") % {"path": written})
