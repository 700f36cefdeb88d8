"""Background work of publishing, run by `kehoach worker` (django-tasks DB backend).

`publish_due_task` runs every few minutes (it queues its own next run) and marks the approved
publications whose time has come as published. The public does not wait for it: a scheduled
publication is public from its time on (selectors.public_publications); the task writes the
"published" event and the date, and refreshes the search index through the save."""

import datetime as dt

from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResult

from kehoach.units.worker import enqueue_once

from .services import publications_publish_due

SCAN_INTERVAL = dt.timedelta(minutes=5)


def publish_due_schedule(*, now: dt.datetime | None = None) -> TaskResult[int]:
    """Queue the next run."""
    run_after = (now or timezone.now()) + SCAN_INTERVAL
    # Once: a run killed after this line and run again must not fork the chain.
    return enqueue_once(publish_due_task.using(run_after=run_after), reschedule=True)


@task()
def publish_due_task(reschedule: bool = True) -> int:
    """Publish what is due; with `reschedule`, queue the next run first, so that a failure now
    does not stop the chain. Returns how many were published."""
    if reschedule:
        publish_due_schedule()
    return publications_publish_due(now=timezone.now())
