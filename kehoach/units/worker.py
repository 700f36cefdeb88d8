"""Tasks whose worker died are run again: the recovery behind `kehoach worker`.

django-tasks-db (0.13) marks a row RUNNING when a worker claims it (`DBTaskResult.claim`: status,
started_at, worker_ids += [id]) and SUCCESSFUL or FAILED when the task returns. A worker killed in
between (SIGKILL, out of memory, power cut) leaves the row RUNNING for ever: the library has no
lease, heartbeat or requeue, and its workers only look at READY rows. `tasks_recover` puts such a
row back to READY with the library's own fields, so that any worker claims it again:

- at once when its worker is known to be gone: worker ids made here (`worker_id_make`) name the
  machine, PID namespace and process, and a process of this machine that no longer exists cannot
  be running anything;
- otherwise (a worker on another machine, or an id given with --worker-id) when it has been
  RUNNING longer than the lease, KEHOACH_TASK_LEASE_SECONDS (default one hour, well above the
  longest job: a source fetch stops reading after 10 minutes, a PDF conversion after 2).

KEHOACH_TASK_LEASE_SECONDS, KEHOACH_TASK_MAX_ATTEMPTS and KEHOACH_TASK_RECOVER_SECONDS are read
from the settings, else from the environment.

A row is put back only if it is still the same attempt (status and started_at unchanged), so a
task that finishes meanwhile is not touched. A task whose worker died KEHOACH_TASK_MAX_ATTEMPTS
times (default 3) is marked FAILED instead, so that a job that kills its worker cannot loop.

Running a job again is safe because every job writes in transactions and files under a temporary
name (see kehoach/tests/test_crash_safety.py); with a lease, a worker that is only slow may see its
task run a second time, which is why the lease is long and the pid check does the usual case.
"""

import contextlib
import dataclasses
import datetime as dt
import hashlib
import logging
import os
import socket
import threading
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from kehoach.lib.documents import pdf_workdirs_sweep

logger = logging.getLogger(__name__)

DEFAULT_LEASE_SECONDS = 3600
DEFAULT_MAX_ATTEMPTS = 3
# How often a running worker looks for tasks of dead workers (besides at its start).
RECOVER_EVERY_SECONDS = 60.0


T = TypeVar("T")


class WorkerLost(Exception):
    """The worker running the task stopped without finishing it (recorded as the failure)."""


@dataclasses.dataclass
class Recovered:
    requeued: list[str] = dataclasses.field(default_factory=list)
    failed: list[str] = dataclasses.field(default_factory=list)


def _setting(name: str, default: float) -> float:
    """A Django setting, else the environment variable of the same name, else `default`."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name) or default
    return float(value)


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=_setting("KEHOACH_TASK_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))


def max_attempts() -> int:
    return int(_setting("KEHOACH_TASK_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def recover_every() -> float:
    return _setting("KEHOACH_TASK_RECOVER_SECONDS", RECOVER_EVERY_SECONDS)


def _place() -> str:
    """This machine's boot and PID namespace: where a PID means one process."""
    parts = [socket.gethostname()]
    with contextlib.suppress(OSError):
        parts.append(Path("/proc/sys/kernel/random/boot_id").read_text().strip())
    with contextlib.suppress(OSError):
        parts.append(str(os.stat("/proc/self/ns/pid").st_ino))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:12]


def worker_id_make(pid: int | None = None) -> str:
    """ "host:place:pid:random", at most 64 characters (the library's limit)."""
    host = "".join(c for c in socket.gethostname() if c.isalnum() or c in "-.")[:24] or "host"
    return f"{host}:{_place()}:{pid or os.getpid()}:{get_random_string(6)}"


def worker_is_gone(worker_id: str) -> bool:
    """True only when the worker is known to be dead: its id is one of ours, of this machine,
    and its process no longer exists. Unknown ids are left to the lease."""
    parts = worker_id.split(":")
    if len(parts) != 4 or parts[1] != _place():
        return False
    try:
        pid = int(parts[2])
    except ValueError:
        return False
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # a process of another user: alive
    # Alive, or its PID taken by another process: the lease decides then.
    return False


def tasks_recover(*, now: dt.datetime | None = None, own_worker_id: str = "") -> Recovered:
    """Put back to READY (or mark FAILED after too many attempts) the RUNNING tasks whose worker
    is gone or whose lease has run out. `own_worker_id`'s task is never touched."""
    now = now or timezone.now()
    expired_before = now - lease()
    attempts = max_attempts()
    done = Recovered()
    running = DBTaskResult.objects.running().values_list("pk", "started_at", "worker_ids")
    for pk, started_at, worker_ids in running:
        last = str(worker_ids[-1]) if worker_ids else ""
        if last and last == own_worker_id:
            continue
        expired = started_at is None or started_at <= expired_before
        if not (expired or worker_is_gone(last)):
            continue
        same_attempt = DBTaskResult.objects.filter(
            pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at
        )
        if len(worker_ids) >= attempts:
            updated = same_attempt.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                return_value=None,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=(
                    f"{WorkerLost.__qualname__}: the worker stopped without finishing the task "
                    f"{len(worker_ids)} times (workers {', '.join(map(str, worker_ids))}); "
                    "it is not run again."
                ),
            )
            if updated:
                done.failed.append(str(pk))
                logger.error("Task %s failed: its worker died %d times", pk, len(worker_ids))
        else:
            # READY with run_after unchanged (in the past): the next free worker claims it.
            # started_at and worker_ids stay: they record the attempt that died.
            if same_attempt.update(status=TaskResultStatus.READY):
                done.requeued.append(str(pk))
                logger.warning(
                    "Task %s put back in the queue: worker %s %s",
                    pk,
                    last or "?",
                    "is gone" if not expired else "held it past the lease",
                )
    return done


def enqueue_once(task: Task[..., T], **kwargs: Any) -> TaskResult[T]:
    """Queue the next run of a task that queues itself again (reminders, scans), unless a run with
    the same arguments is already waiting: a run that died after queueing its successor and is
    run again (tasks_recover) must not start a second chain beside the first."""
    if isinstance(task.get_backend(), DatabaseBackend):
        waiting = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path=task.module_path
        )
        for row in waiting:
            if row.args_kwargs == {"args": [], "kwargs": kwargs}:
                return row.task_result
    return task.enqueue(**kwargs)


class Recoverer:
    """Runs `tasks_recover` in a worker process: once now, then every KEHOACH_TASK_RECOVER_SECONDS
    (60) in a daemon thread (the library's worker loop has no hook; the thread has its own
    database connection)."""

    def __init__(self, worker_id: str, *, every: float | None = None) -> None:
        self.worker_id = worker_id
        self.every = every if every is not None else recover_every()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="task-recovery", daemon=True)

    def run_once(self) -> Recovered:
        # The temporary folders of PDF conversions whose process was killed (never fails).
        pdf_workdirs_sweep()
        try:
            return tasks_recover(own_worker_id=self.worker_id)
        except Exception:  # a locked or unreachable database: the next pass tries again
            logger.exception("Recovery of tasks failed")
            return Recovered()

    def _loop(self) -> None:
        try:
            while not self.stopping.wait(self.every):
                self.run_once()
                connection.close()
        finally:
            connection.close()

    def start(self) -> Recovered:
        found = self.run_once()
        self.thread.start()
        return found

    def stop(self) -> None:
        self.stopping.set()
