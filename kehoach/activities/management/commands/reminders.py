from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.activities.reminders import daily_reminders_send
from kehoach.activities.tasks import reminders_task


class Command(BaseCommand):
    help = (
        "Remind users of tasks and reports due soon or overdue: once now, or every day through "
        "the worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Queue a run now that queues itself again every day (run `kehoach worker`).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            result = reminders_task.enqueue(reschedule=True)
            self.stdout.write(
                _("Queued as task %(id)s; it queues itself again every day.") % {"id": result.id}
            )
            return
        count = daily_reminders_send(today=timezone.localdate())
        self.stdout.write(_("%(count)s reminders written.") % {"count": count})
