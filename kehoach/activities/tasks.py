"""Background work of the activities app, run by `kehoach worker` (django-tasks DB backend)."""

import datetime as dt

from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResult

from kehoach.units.worker import enqueue_once

from .reminders import daily_reminders_send

# When the daily run happens, in the site's time zone: before office hours.
REMINDER_HOUR = 7


def next_run(*, now: dt.datetime) -> dt.datetime:
    """The next day at REMINDER_HOUR local time."""
    local = timezone.localtime(now)
    tomorrow = local.date() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(REMINDER_HOUR)))


def reminders_schedule(*, now: dt.datetime | None = None) -> TaskResult[int]:
    """Queue the next daily run of the reminders (tomorrow morning)."""
    run_after = next_run(now=now or timezone.now())
    # Once: a run killed after this line and run again must not fork the chain.
    return enqueue_once(reminders_task.using(run_after=run_after), reschedule=True)


@task()
def reminders_task(reschedule: bool = True) -> int:
    """Send today's reminders of tasks and of reports; with `reschedule`, queue tomorrow's run
    first, so that a failure today does not stop the daily chain."""
    if reschedule:
        reminders_schedule()
    return daily_reminders_send(today=timezone.localdate())
