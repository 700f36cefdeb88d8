from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from kehoach.units.services import unit_keys_rebuild
from kehoach.units.tasks import unit_keys_rebuild_task


class Command(BaseCommand):
    help = "Recompute unit search and sort keys, now or through the background worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--background", action="store_true", help="Queue it for `kehoach worker`."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["background"]:
            result = unit_keys_rebuild_task.enqueue()
            self.stdout.write(_("Queued as task %(id)s.") % {"id": result.id})
            return
        count = unit_keys_rebuild()
        self.stdout.write(_("%(count)s units reindexed.") % {"count": count})
