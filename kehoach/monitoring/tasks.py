"""Background fetching of news sources, run by `kehoach worker` (django-tasks DB backend).

`fetch_due_sources_task` runs every few minutes (it queues its own next run): it claims the
sources whose turn has come and queues one `source_fetch_task` each, so that one slow or broken
source never holds up the others."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResult

from kehoach.monitoring.review import alerts_refresh
from kehoach.units.worker import enqueue_once

from .ingest import source_fetch
from .models import FetchRun, Source
from .services import raw_pages_purge

# How often due sources are looked for.
SCAN_INTERVAL = dt.timedelta(minutes=5)
# A claimed source whose fetch never ran (worker killed) is due again after this.
CLAIM_TIMEOUT = dt.timedelta(hours=1)


def due_sources_claim(*, now: dt.datetime) -> list[int]:
    """Ids of the active sources due now, each claimed by an optimistic update of its
    next_fetch_at, so that two scans never queue the same source twice."""
    claimed: list[int] = []
    due = Source.objects.filter(active=True).filter(
        Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now)
    )
    for pk, next_fetch_at in due.values_list("pk", "next_fetch_at"):
        # source_fetch sets next_fetch_at again when the fetch ends.
        updated = Source.objects.filter(pk=pk, next_fetch_at=next_fetch_at).update(
            next_fetch_at=now + CLAIM_TIMEOUT
        )
        if updated:
            claimed.append(pk)
    return claimed


@task()
def source_fetch_task(source_id: int) -> str:
    """Fetch one source; returns the outcome of its FetchRun ("" if the source is gone)."""
    source = Source.objects.filter(pk=source_id, active=True).first()
    if source is None:
        return ""
    run: FetchRun = source_fetch(source)
    return str(run.outcome)


def fetch_due_schedule(*, now: dt.datetime | None = None) -> TaskResult[int]:
    """Queue the next scan for due sources."""
    run_after = (now or timezone.now()) + SCAN_INTERVAL
    # Once: a run killed after this line and run again must not fork the chain.
    return enqueue_once(fetch_due_sources_task.using(run_after=run_after), reschedule=True)


@task()
def fetch_due_sources_task(reschedule: bool = True) -> int:
    """Queue a fetch of each due source; with `reschedule`, queue the next scan first, so that
    a failure now does not stop the chain. Returns how many fetches were queued."""
    if reschedule:
        fetch_due_schedule()
    claimed = due_sources_claim(now=timezone.now())
    for pk in claimed:
        source_fetch_task.enqueue(pk)
    # Each scan also marks the stories whose coverage rose sharply since the last one, and drops
    # the raw pages past their retention period (one indexed DELETE).
    alerts_refresh()
    raw_pages_purge()
    return len(claimed)
