"""Recovery of tasks whose worker died (kehoach.units.worker). The SIGKILL of a real worker in
the middle of real jobs is in kehoach/tests/test_crash_safety.py; these are the rules."""

import datetime as dt
import os
import subprocess
import sys
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.test import TestCase, TransactionTestCase, override_settings
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from kehoach.publishing.tasks import publish_due_task
from kehoach.tests.test_crash_safety import database_url
from kehoach.units.models import Unit, UnitKind
from kehoach.units.services import unit_create
from kehoach.units.tasks import unit_keys_rebuild_task
from kehoach.units.worker import (
    Recovered,
    enqueue_once,
    tasks_recover,
    worker_id_make,
    worker_is_gone,
)


def dead_pid() -> int:
    """The PID of a process of this machine that has ended (and been reaped)."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout)


def running_task(
    worker_id: str, *, started_ago: dt.timedelta = dt.timedelta()
) -> "DBTaskResult[Any, Any]":
    """A queued task claimed by `worker_id`, as the library's worker claims it."""
    row = DBTaskResult.objects.get(pk=unit_keys_rebuild_task.enqueue().id)
    row.claim(worker_id)
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - started_ago)
    row.refresh_from_db()
    return row


class WorkerIdTest(TestCase):
    def test_it_names_the_process_and_fits_the_librarys_limit(self):
        worker_id = worker_id_make()
        assert len(worker_id) <= 64
        assert worker_id.split(":")[2].isdigit()
        assert worker_id != worker_id_make()  # two workers of one process never share an id

    def test_only_a_process_of_this_machine_that_ended_is_gone(self):
        assert not worker_is_gone(worker_id_make())  # this process
        assert worker_is_gone(worker_id_make(pid=dead_pid()))
        # Another machine, or an id given by hand: nothing is known, the lease decides.
        other_machine = worker_id_make(pid=dead_pid()).split(":")
        other_machine[1] = "000000000000"
        assert not worker_is_gone(":".join(other_machine))
        assert not worker_is_gone("worker-1")
        assert not worker_is_gone("")


@override_settings(KEHOACH_TASK_LEASE_SECONDS=600, KEHOACH_TASK_MAX_ATTEMPTS=3)
class TasksRecoverTest(TestCase):
    def test_a_task_whose_worker_process_is_gone_is_queued_again_at_once(self):
        row = running_task(worker_id_make(pid=dead_pid()))

        found = tasks_recover()

        row.refresh_from_db()
        assert found.requeued == [str(row.pk)]
        assert row.status == "READY"
        assert DBTaskResult.objects.ready().filter(pk=row.pk).exists()
        # The attempt that died stays on record.
        assert len(row.worker_ids) == 1

    def test_a_task_of_a_live_worker_is_left_running_until_its_lease_runs_out(self):
        row = running_task(worker_id_make(), started_ago=dt.timedelta(minutes=9))

        assert tasks_recover().requeued == []
        row.refresh_from_db()
        assert row.status == "RUNNING"

        later = timezone.now() + dt.timedelta(minutes=2)  # 11 minutes in, lease 10
        assert tasks_recover(now=later).requeued == [str(row.pk)]

    def test_a_task_of_a_worker_on_another_machine_waits_for_the_lease(self):
        row = running_task("worker-on-another-machine", started_ago=dt.timedelta(minutes=5))
        assert tasks_recover().requeued == []

        DBTaskResult.objects.filter(pk=row.pk).update(
            started_at=timezone.now() - dt.timedelta(minutes=10, seconds=1)
        )
        assert tasks_recover().requeued == [str(row.pk)]

    def test_a_worker_never_takes_back_its_own_task(self):
        own = worker_id_make()
        row = running_task(own, started_ago=dt.timedelta(hours=5))

        assert tasks_recover(own_worker_id=own).requeued == []
        row.refresh_from_db()
        assert row.status == "RUNNING"

    def test_a_task_that_killed_its_worker_three_times_fails_instead_of_looping(self):
        row = running_task(worker_id_make(pid=dead_pid()))
        for _attempt in range(2):
            assert tasks_recover().requeued == [str(row.pk)]
            row.refresh_from_db()
            row.claim(worker_id_make(pid=dead_pid()))

        found = tasks_recover()

        row.refresh_from_db()
        assert found.failed == [str(row.pk)]
        assert row.status == "FAILED"
        assert row.finished_at is not None
        assert row.exception_class_path == "kehoach.units.worker.WorkerLost"
        assert "3 times" in row.traceback
        assert not DBTaskResult.objects.ready().exists()

    def test_finished_and_waiting_tasks_are_not_touched(self):
        done = running_task(worker_id_make(pid=dead_pid()), started_ago=dt.timedelta(days=1))
        done.set_successful(1)
        waiting = DBTaskResult.objects.get(pk=unit_keys_rebuild_task.enqueue().id)

        assert tasks_recover() == Recovered()
        assert DBTaskResult.objects.get(pk=done.pk).status == "SUCCESSFUL"
        assert DBTaskResult.objects.get(pk=waiting.pk).status == "READY"


class EnqueueOnceTest(TestCase):
    def test_a_self_queueing_task_run_twice_leaves_one_next_run(self):
        # A run killed after queueing its successor is run again by the next worker: the
        # chain goes on once, not twice.
        publish_due_task.call(reschedule=True)
        publish_due_task.call(reschedule=True)

        waiting = DBTaskResult.objects.get()
        assert waiting.task_path == "kehoach.publishing.tasks.publish_due_task"
        assert waiting.args_kwargs["kwargs"] == {"reschedule": True}

    def test_a_run_with_other_arguments_is_queued_beside_it(self):
        enqueue_once(publish_due_task, reschedule=True)
        enqueue_once(publish_due_task, reschedule=True)
        enqueue_once(publish_due_task, reschedule=False)
        assert DBTaskResult.objects.count() == 2


class WorkerCommandTest(TransactionTestCase):
    def test_kehoach_worker_first_queues_again_and_then_runs_the_task_of_a_dead_worker(self):
        commune = unit_create(name="Xã Tam Xuân I", kind=UnitKind.COMMUNE, aliases=["Tam Xuân 1"])
        Unit.objects.filter(pk=commune.pk).update(search_text="", sort_key="")
        row = running_task(worker_id_make(pid=dead_pid()))

        out = StringIO()
        with translation.override("en"):
            call_command("worker", "--batch", "--no-startup-delay", "--no-reload", stdout=out)

        row.refresh_from_db()
        assert row.status == "SUCCESSFUL"
        assert len(row.worker_ids) == 2  # the dead worker's attempt, then this one
        assert "1 queued again" in out.getvalue()
        commune.refresh_from_db()
        assert "tam xuan 1" in commune.search_text


class IdleWorkerTest(TransactionTestCase):
    def test_a_running_worker_takes_over_the_task_of_a_worker_that_died_after_it_started(self):
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "kehoach.settings",
            "KEHOACH_TASK_RECOVER_SECONDS": "0.2",
        }
        worker = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from kehoach.cli import main; main()",
                *("worker", "--no-startup-delay", "--no-reload", "--interval=0.1"),
                "--max-tasks=1",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            # Its start (and the recovery at start) is over: the worker now waits for work.
            assert worker.stdout is not None
            for line in worker.stdout:
                if "Starting worker" in line:
                    break
            row = running_task(worker_id_make(pid=dead_pid()))

            # Its recovery pass puts the task back; the worker runs it and, with
            # --max-tasks=1, ends.
            assert worker.wait(timeout=120) == 0
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        row.refresh_from_db()
        assert row.status == "SUCCESSFUL"
        assert len(row.worker_ids) == 2
