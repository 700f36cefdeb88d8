import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kehoach.plans.models import Plan
from kehoach.plans.selectors import plan_export


class Command(BaseCommand):
    help = "Print a plan in the JSON format of the plan importer (shared/plans/README.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan_id", type=int)
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = Plan.objects.filter(pk=options["plan_id"]).select_related("issuer").first()
        if plan is None:
            raise CommandError(_("No plan with id %(id)s.") % {"id": options["plan_id"]})
        self.stdout.write(json.dumps(plan_export(plan=plan), ensure_ascii=False, indent=2))
