"""`kehoach monitor SUBCOMMAND ...`: monitoring of public news from the command line.

classify --input IN.jsonl --output OUT.jsonl [--plan ID]   batch analysis, line by line
seed-themes --plan ID [--replace]                           theme definitions T0–T5 from the seed
evaluate ...                                                kehoach.monitoring.evaluate.main(argv)
fetch [--source ID] [--schedule]                            kehoach.monitoring.fetch_cli.main(argv)
purge-raw [--days N]                                        delete raw pages past their retention
"""

import argparse
import importlib
import json
import sys
from collections.abc import Iterator
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

# Subcommands other modules implement: name -> module with main(argv: list[str]) -> int | None.
DISPATCH = {
    "evaluate": "kehoach.monitoring.evaluate",
    "fetch": "kehoach.monitoring.fetch_cli",
}


class Command(BaseCommand):
    help = "Monitoring of public news: classify a JSONL file of articles, evaluate, ..."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "subcommand", help="classify, seed-themes, purge-raw, " + ", ".join(DISPATCH)
        )
        parser.add_argument("argv", nargs=argparse.REMAINDER)

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["subcommand"]
        argv = [str(a) for a in options["argv"]]
        if name == "classify":
            self.classify(argv)
            return
        if name == "seed-themes":
            self.seed_themes(argv)
            return
        if name == "purge-raw":
            self.purge_raw(argv)
            return
        if name not in DISPATCH:
            raise CommandError(_("Unknown subcommand: %(name)s.") % {"name": name})
        try:
            module = importlib.import_module(DISPATCH[name])
        except ModuleNotFoundError as error:
            raise CommandError(
                _("The subcommand %(name)s is not available here.") % {"name": name}
            ) from error
        status = module.main(argv)
        if status:
            raise CommandError(_("%(name)s failed.") % {"name": name}, returncode=int(status))

    def purge_raw(self, argv: list[str]) -> None:
        from django.conf import settings

        from kehoach.monitoring.services import raw_pages_purge

        parser = argparse.ArgumentParser(
            prog="kehoach monitor purge-raw",
            description=_("Delete the raw pages of articles fetched before the retention period."),
        )
        parser.add_argument("--days", type=int, default=settings.KEHOACH_RAW_PAGE_RETENTION_DAYS)
        options = parser.parse_args(argv)
        if options.days < 0:
            raise CommandError(_("The number of days cannot be negative."))
        count = raw_pages_purge(days=options.days)
        self.stdout.write(
            _("%(count)d raw pages older than %(days)d days deleted.")
            % {"count": count, "days": options.days}
        )

    def seed_themes(self, argv: list[str]) -> None:
        from kehoach.monitoring.services import theme_definitions_seed
        from kehoach.plans.models import Plan

        parser = argparse.ArgumentParser(
            prog="kehoach monitor seed-themes",
            description=_("Create a plan's monitoring themes from the seed terms."),
        )
        parser.add_argument("--plan", type=int, required=True)
        parser.add_argument(
            "--replace", action="store_true", help=_("Overwrite terms staff have edited.")
        )
        options = parser.parse_args(argv)
        plan = Plan.objects.filter(pk=options.plan).first()
        if plan is None:
            raise CommandError(_("No plan has the id %(id)s.") % {"id": options.plan})
        definitions = theme_definitions_seed(plan=plan, replace=options.replace)
        self.stdout.write(
            _("%(count)d monitoring themes: %(codes)s.")
            % {"count": len(definitions), "codes": ", ".join(d.code for d in definitions)}
        )

    def classify(self, argv: list[str]) -> None:
        from kehoach.monitoring.analysis.pipeline import classify_records

        parser = argparse.ArgumentParser(
            prog="kehoach monitor classify",
            description=_(
                "Analyse articles: one JSON object per line in, one per line out "
                "(relevance, themes, conventions, places, language, story)."
            ),
        )
        parser.add_argument("--input", required=True, help=_("JSONL file, or - for stdin."))
        parser.add_argument("--output", required=True, help=_("JSONL file, or - for stdout."))
        parser.add_argument(
            "--plan",
            type=int,
            help=_(
                "Use this plan's theme definitions and the unit tree in the database "
                "(default: the seed themes and the demo's units, no database)."
            ),
        )
        options = parser.parse_args(argv)
        themes = gazetteer = None
        if options.plan is not None:
            from kehoach.monitoring.analysis.pipeline import gazetteer_for_plan, themes_for_plan
            from kehoach.plans.models import Plan

            plan = Plan.objects.filter(pk=options.plan).first()
            if plan is None:
                raise CommandError(_("No plan has the id %(id)s.") % {"id": options.plan})
            themes, gazetteer = themes_for_plan(plan), gazetteer_for_plan(plan)
        source = sys.stdin if options.input == "-" else _open(options.input, "r")
        target = sys.stdout if options.output == "-" else _open(options.output, "w")
        count = 0
        try:
            for record in classify_records(_records(source), themes=themes, gazetteer=gazetteer):
                target.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
        finally:
            if target is not sys.stdout:
                target.close()
            if source is not sys.stdin:
                source.close()
        self.stderr.write(_("%(count)d articles classified.") % {"count": count})


def _open(path: str, mode: str) -> IO[str]:
    try:
        return open(path, mode, encoding="utf-8")  # closed by the caller
    except OSError as error:
        raise CommandError(str(error)) from error


def _records(lines: IO[str]) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise CommandError(
                _("Line %(line)d is not JSON: %(error)s") % {"line": number, "error": error}
            ) from error
        if not isinstance(record, dict):
            raise CommandError(_("Line %(line)d is not a JSON object.") % {"line": number})
        yield record
