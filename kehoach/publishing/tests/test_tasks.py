"""The worker publishes scheduled publications when their time comes and queues its next run."""

import datetime as dt
from io import StringIO

import time_machine
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from kehoach.publishing.models import PublicationAction, PublicationState
from kehoach.publishing.tasks import SCAN_INTERVAL, publish_due_task
from kehoach.publishing.tests.workflow import PublishingCase

NOW = dt.datetime(2024, 7, 1, 9, 0, tzinfo=dt.UTC)


class PublishDueTaskTests(PublishingCase):
    def test_it_publishes_what_is_due_with_its_scheduled_time_and_requeues_itself(self):
        with time_machine.travel(NOW, tick=False):
            due = self.scheduled(NOW + dt.timedelta(minutes=30))
            later = self.scheduled(
                NOW + dt.timedelta(days=1), record=self.radio_record(title="Khác")
            )
        with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
            assert publish_due_task.call(reschedule=True) == 1
            runs = DBTaskResult.objects.filter(task_path__endswith="publish_due_task")
            assert [r.run_after for r in runs] == [NOW + dt.timedelta(hours=1) + SCAN_INTERVAL]
            # A second run finds nothing more to do.
            assert publish_due_task.call(reschedule=False) == 0
        due.refresh_from_db()
        later.refresh_from_db()
        assert due.state == PublicationState.PUBLISHED
        assert due.published_at == NOW + dt.timedelta(minutes=30)
        event = due.events.order_by("-pk")[0]
        assert (event.action, event.by) == (PublicationAction.PUBLISHED, None)
        assert later.state == PublicationState.APPROVED

    def test_without_reschedule_it_queues_nothing(self):
        publish_due_task.call(reschedule=False)
        assert not DBTaskResult.objects.exists()


class PublishDueCommandTests(PublishingCase):
    def test_it_publishes_now_or_queues_the_chain(self):
        with time_machine.travel(NOW, tick=False):
            pub = self.scheduled(NOW + dt.timedelta(minutes=1))
        out = StringIO()
        with time_machine.travel(NOW + dt.timedelta(minutes=2), tick=False):
            call_command("publish_due", stdout=out)
        pub.refresh_from_db()
        assert pub.state == PublicationState.PUBLISHED
        assert " 1 " in f" {out.getvalue().strip()} "  # "Đã đăng 1 nội dung công khai."
        call_command("publish_due", "--schedule", stdout=StringIO())
        assert DBTaskResult.objects.filter(task_path__endswith="publish_due_task").count() == 1
