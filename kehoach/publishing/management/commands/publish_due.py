from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from kehoach.publishing.services import publications_publish_due
from kehoach.publishing.tasks import publish_due_task


class Command(BaseCommand):
    help = (
        "Publish the approved publications whose time has come: once now, or every few minutes "
        "through the worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Queue a run now that queues itself again every 5 minutes (run `kehoach worker`).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            result = publish_due_task.enqueue(reschedule=True)
            self.stdout.write(
                _("Queued as task %(id)s; it queues itself again every 5 minutes.")
                % {"id": result.id}
            )
            return
        count = publications_publish_due()
        self.stdout.write(_("%(count)s publications published.") % {"count": count})
