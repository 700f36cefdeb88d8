"""`kehoach import-plan FILE`: read a plan document and print, create or update the plan."""

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from kehoach.plans.forms_import import ReviewForms, draft_as_post
from kehoach.plans.importer.errors import ImportFileError
from kehoach.plans.importing import (
    ReadDocument,
    draft_resolver,
    issuer_find,
    read_path,
    resolution_day,
)
from kehoach.plans.models import Plan
from kehoach.plans.services import plan_import, plan_reimport
from kehoach.units.models import Unit


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


class Command(BaseCommand):
    help = (
        "Read a plan document (.docx, .pdf, .md, .txt, .html). --json prints the draft; "
        "--commit creates the plan; --replace PLAN_ID updates an existing plan from it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="Print the draft as JSON.")
        parser.add_argument("--commit", action="store_true", help="Create the plan.")
        parser.add_argument(
            "--issuer", type=int, metavar="UNIT_ID", help="The issuing unit (default: found)."
        )
        parser.add_argument(
            "--replace",
            type=int,
            metavar="PLAN_ID",
            help="Update this plan from the document, keeping its tasks' status and history.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            read = read_path(options["file"])
        except ImportFileError as error:
            raise CommandError(error.message) from error
        if options["json"]:
            self.stdout.write(json.dumps(read.draft, ensure_ascii=False, indent=2))
        if options["commit"] or options["replace"]:
            self._write(read, issuer_id=options["issuer"], replace_id=options["replace"])
        elif not options["json"]:
            self._summary(read)

    def _summary(self, read: ReadDocument) -> None:
        draft = read.draft
        self.stdout.write(draft.get("title") or _("(no title)"))
        self.stdout.write(
            _("%(tasks)d tasks, %(targets)d targets, %(reporting)d reporting duties.")
            % {
                "tasks": len(draft.get("tasks") or []),
                "targets": len(draft.get("targets") or []),
                "reporting": len(draft.get("reporting") or []),
            }
        )
        self.stdout.write(_("Nothing was written: add --commit to create the plan."))

    def _issuer(self, read: ReadDocument, issuer_id: int | None) -> Unit:
        if issuer_id is not None:
            unit = Unit.objects.filter(pk=issuer_id).first()
            if unit is None:
                raise CommandError(_("No unit with id %(id)s.") % {"id": issuer_id})
            return unit
        written = read.draft.get("issuer") or ""
        match = issuer_find(text=written, within=None, on=resolution_day(read.draft))
        if match.unit:
            return match.unit
        if not written:
            message = _("The document does not name its issuer. Give one with --issuer UNIT_ID.")
        else:
            message = _(
                "The issuer “%(name)s” is not a unit of the tree. Give one with --issuer UNIT_ID."
            ) % {"name": written}
        if match.candidates:
            message += "\n" + _("Closest units:") + "\n"
            message += "\n".join(f"  {unit.pk}\t{unit.name}" for unit in match.candidates)
        raise CommandError(message)

    def _write(self, read: ReadDocument, *, issuer_id: int | None, replace_id: int | None) -> None:
        replace = None
        if replace_id is not None:
            replace = Plan.objects.select_related("issuer").filter(pk=replace_id).first()
            if replace is None:
                raise CommandError(_("No plan with id %(id)s.") % {"id": replace_id})
        issuer = replace.issuer if replace else self._issuer(read, issuer_id)
        # The same checks as the review page, so a draft the page refuses is refused here.
        forms = ReviewForms.build(
            draft=read.draft,
            data=draft_as_post(read.draft, issuer=issuer, replace=replace),
            issuers=Unit.objects.filter(pk=issuer.pk),
            plans=Plan.objects.filter(pk=replace.pk) if replace else Plan.objects.none(),
        )
        if not forms.is_valid():
            raise CommandError(
                _("The draft has errors; nothing was written.")
                + "\n"
                + "\n".join(forms.error_messages())
            )
        draft = forms.to_draft(read.draft)
        resolver = draft_resolver(issuer=issuer, draft=draft)
        try:
            with transaction.atomic():
                if replace:
                    result = plan_reimport(
                        plan=replace,
                        data=draft,
                        resolve_unit=resolver,
                        source_text=read.text,
                        source_name=read.name,
                    )
                    plan = result.plan
                else:
                    plan = plan_import(
                        data=draft,
                        issuer=issuer,
                        resolve_unit=resolver,
                        source_text=read.text,
                        source_name=read.name,
                    )
        except ValidationError as error:
            raise CommandError(
                _("The draft has errors; nothing was written.") + "\n" + _messages(error)
            ) from error
        if replace:
            self.stdout.write(
                _(
                    "Plan %(id)s updated: %(updated)d tasks updated, %(created)d added, "
                    "%(deleted)d removed, %(cancelled)d kept as cancelled."
                )
                % {
                    "id": plan.pk,
                    "updated": result.tasks_updated,
                    "created": result.tasks_created,
                    "deleted": result.tasks_deleted,
                    "cancelled": result.tasks_cancelled,
                }
            )
        else:
            self.stdout.write(
                _("Plan %(id)s created: %(title)s (%(tasks)d tasks).")
                % {"id": plan.pk, "title": plan.title, "tasks": plan.tasks.count()}
            )
