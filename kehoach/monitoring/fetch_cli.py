"""`kehoach monitor fetch`: fetch the news sources now, or start the worker's schedule.

kehoach monitor fetch                 every active source that is due, now, in this process
kehoach monitor fetch --source ID     one source, now, whether due or not
kehoach monitor fetch --schedule      queue the scan that queues itself every few minutes
                                      (run `kehoach worker` to carry it out)
"""

import argparse

from django.utils import timezone
from django.utils.translation import gettext as _

from .ingest import source_fetch
from .models import Source
from .review import alerts_refresh
from .tasks import due_sources_claim, fetch_due_sources_task


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="kehoach monitor fetch", description=_("Fetch the news sources.")
    )
    parser.add_argument("--source", type=int, help=_("only this source (its id)"))
    parser.add_argument(
        "--schedule",
        action="store_true",
        help=_("queue the scan of due sources that queues itself again (run `kehoach worker`)"),
    )
    args = parser.parse_args(argv)
    if args.schedule:
        result = fetch_due_sources_task.enqueue(reschedule=True)
        print(_("Queued as task %(id)s; it queues itself again.") % {"id": result.id})
        return 0
    if args.source is not None:
        sources = list(Source.objects.filter(pk=args.source))
        if not sources:
            print(_("No news source has the id %(id)s.") % {"id": args.source})
            return 1
    else:
        sources = list(Source.objects.filter(pk__in=due_sources_claim(now=timezone.now())))
    for source in sources:
        run = source_fetch(source)
        print(
            _("%(source)s: %(outcome)s, %(new)s new articles. %(error)s")
            % {
                "source": source.name,
                "outcome": run.get_outcome_display(),
                "new": run.articles_new,
                "error": run.error,
            }
        )
    alerts_refresh()
    return 0
