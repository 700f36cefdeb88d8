import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kehoach.plans.importer.evaluate import evaluate_dir, format_table, rows


class Command(BaseCommand):
    help = (
        "Score the plan importer against labels: precision, recall and F1 per field, "
        "per document and overall."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "docs_dir", help="Folder of plan documents (.docx, .pdf, .md, .txt, .html)."
        )
        parser.add_argument("labels_dir", help="Folder of labels (.json) named like the documents.")
        parser.add_argument("--json", action="store_true", help="Print the rows as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        docs_dir, labels_dir = Path(options["docs_dir"]), Path(options["labels_dir"])
        for folder in (docs_dir, labels_dir):
            if not folder.is_dir():
                raise CommandError(_("%(path)s is not a folder.") % {"path": folder})
        results = evaluate_dir(docs_dir, labels_dir)
        if not results:
            raise CommandError(
                _("No document in %(docs)s has a label in %(labels)s.")
                % {"docs": docs_dir, "labels": labels_dir}
            )
        if options["json"]:
            self.stdout.write(json.dumps(rows(results), ensure_ascii=False, indent=1))
        else:
            self.stdout.write(format_table(results))
