"""`kehoach worker`: django-tasks-db's db_worker, plus the recovery of tasks whose worker died
(kehoach.units.worker): at start and every minute, and with worker ids that say which process
runs a task."""

import os
from argparse import ArgumentParser
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django.utils.translation import gettext as _
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from kehoach.units.worker import Recoverer, worker_id_make


class Command(DbWorkerCommand):
    help = (
        "Run background tasks (django-tasks database backend); tasks left RUNNING by a worker "
        "that died are queued again."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        # Made when the arguments are read, in the process that runs the tasks (with --reload,
        # the child reads them again), so that the id names that process.
        parser.set_defaults(worker_id=worker_id_make())

    def handle(self, *args: Any, **options: Any) -> None:
        reloading = options["reload"] and not options["batch"]
        if reloading and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # The parent of --reload only watches files and restarts the child that works.
            super().handle(*args, **options)
            return
        recoverer = Recoverer(options["worker_id"])
        found = recoverer.start()
        if options["verbosity"] and (found.requeued or found.failed):
            self.stdout.write(
                _(
                    "Tasks of workers that died: %(requeued)d queued again, %(failed)d failed "
                    "after too many attempts."
                )
                % {"requeued": len(found.requeued), "failed": len(found.failed)}
            )
        try:
            super().handle(*args, **options)
        finally:
            recoverer.stop()
