"""Reminders of tasks due soon or overdue: in the app, by e-mail, and every day in the worker.

The cast's district plan: office_task (lead Phòng VH&TT) ends 30 June 2024, commune_task (lead
Xã Tam Xuân I) ends 31 December 2024, communes_group_task (lead "UBND các xã, thị trấn") has no
end. The plan manager (quanly) sits at the issuer, huyện Núi Thành.
"""

import datetime as dt
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from kehoach.activities.models import Notification, NotificationKind
from kehoach.activities.reminders import reminders_send
from kehoach.activities.tasks import reminders_task
from kehoach.plans.models import PlanStatus, TaskStatus
from kehoach.testing import KehoachTestCase

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
JUNE_25 = dt.date(2024, 6, 25)  # office_task ends in 5 days
JULY_5 = dt.date(2024, 7, 5)  # office_task is 5 days late


class RemindersSendTest(KehoachTestCase):
    def notified(self) -> set[tuple[str, str, str]]:
        return set(
            Notification.objects.values_list("user__username", "task__title", "kind").order_by()
        )

    def test_it_reminds_the_lead_unit_and_the_plan_manager_of_a_task_due_soon(self):
        count = reminders_send(today=JUNE_25)

        title = self.office_task.title
        assert count == 2
        assert self.notified() == {
            ("vhtt", title, NotificationKind.DUE_SOON),
            ("quanly", title, NotificationKind.DUE_SOON),
        }
        message = Notification.objects.get(user=self.office_staff).message
        assert title in message
        assert "125/KH-UBND" in message

    def test_it_reminds_of_overdue_tasks(self):
        count = reminders_send(today=JULY_5)

        assert count == 2
        kinds = set(Notification.objects.values_list("kind", flat=True))
        assert kinds == {NotificationKind.OVERDUE}

    def test_it_leaves_out_tasks_due_later_than_the_reminder_window(self):
        with self.settings(KEHOACH_REMINDER_DAYS=3):
            assert reminders_send(today=JUNE_25) == 0
        assert not Notification.objects.exists()

    def test_it_writes_one_notification_per_task_user_kind_and_day(self):
        assert reminders_send(today=JUNE_25) == 2
        assert reminders_send(today=JUNE_25) == 0  # the worker ran twice the same day
        assert reminders_send(today=JUNE_25 + dt.timedelta(days=1)) == 2
        assert Notification.objects.count() == 4

    def test_it_skips_done_and_cancelled_tasks_and_plans_not_in_force(self):
        self.office_task.status = TaskStatus.DONE
        self.office_task.save()
        self.commune_task.status = TaskStatus.CANCELLED
        self.commune_task.save()
        assert reminders_send(today=dt.date(2025, 1, 10)) == 0

        self.office_task.status = TaskStatus.IN_PROGRESS
        self.office_task.save()
        self.district_plan.status = PlanStatus.CLOSED
        self.district_plan.save()
        assert reminders_send(today=dt.date(2025, 1, 10)) == 0

    def test_it_does_not_remind_other_units_or_group_leads(self):
        self.communes_group_task.end = dt.date(2024, 6, 28)
        self.communes_group_task.save()

        reminders_send(today=JUNE_25)

        users = set(Notification.objects.values_list("user__username", flat=True))
        # A group written as "UBND các xã, thị trấn" names no unit: only the manager hears of it.
        assert users == {"vhtt", "quanly"}
        assert Notification.objects.filter(task=self.communes_group_task).count() == 1

    def test_it_emails_each_user_with_an_address_once(self):
        self.office_staff.email = "ha.ttt@nuithanh.quangnam.gov.vn"
        self.office_staff.save()
        self.commune_a_staff.email = "hung.lv@tamxuan1.gov.vn"
        self.commune_a_staff.save()

        with self.captureOnCommitCallbacks(execute=True):
            reminders_send(today=dt.date(2025, 1, 10))  # both dated tasks are overdue

        assert sorted(m.to[0] for m in mail.outbox) == [
            "ha.ttt@nuithanh.quangnam.gov.vn",
            "hung.lv@tamxuan1.gov.vn",
        ]
        to_office = next(m for m in mail.outbox if m.to == [self.office_staff.email])
        assert self.office_task.title in to_office.body
        assert self.commune_task.title not in to_office.body

    def test_it_sends_no_email_when_nothing_is_new(self):
        self.office_staff.email = "ha.ttt@nuithanh.quangnam.gov.vn"
        self.office_staff.save()
        with self.captureOnCommitCallbacks(execute=True):
            reminders_send(today=JUNE_25)
        with self.captureOnCommitCallbacks(execute=True):
            reminders_send(today=JUNE_25)
        assert len(mail.outbox) == 1

    def test_it_keeps_the_notifications_when_the_mail_server_fails(self):
        self.office_staff.email = "ha.ttt@nuithanh.quangnam.gov.vn"
        self.office_staff.save()
        broken = mock.Mock()
        broken.return_value.send_messages.side_effect = ConnectionRefusedError
        with (
            mock.patch("kehoach.activities.reminders.get_connection", broken),
            self.assertLogs("kehoach.activities.reminders", "ERROR"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            reminders_send(today=JUNE_25)
        assert Notification.objects.count() == 2


class RemindersTaskTest(KehoachTestCase):
    @time_machine.travel(dt.datetime(2024, 6, 25, 16, 30, tzinfo=HCM), tick=False)
    def test_it_sends_today_and_queues_itself_for_tomorrow_morning(self):
        sent = reminders_task.call(reschedule=True)

        assert sent == 2
        queued = DBTaskResult.objects.get()
        assert queued.task_path == "kehoach.activities.tasks.reminders_task"
        assert queued.run_after == dt.datetime(2024, 6, 26, 7, 0, tzinfo=HCM)
        assert queued.args_kwargs["kwargs"] == {"reschedule": True}

    @time_machine.travel(dt.datetime(2024, 6, 25, 16, 30, tzinfo=HCM), tick=False)
    def test_it_does_not_queue_itself_when_asked_not_to(self):
        reminders_task.call(reschedule=False)
        assert not DBTaskResult.objects.exists()


class RemindersCommandTest(KehoachTestCase):
    @time_machine.travel(dt.datetime(2024, 6, 25, 9, 0, tzinfo=HCM), tick=False)
    def test_it_runs_once_now(self):
        out = StringIO()
        call_command("reminders", stdout=out)
        assert Notification.objects.count() == 2
        assert "2" in out.getvalue()
        assert not DBTaskResult.objects.exists()

    def test_schedule_queues_the_daily_task_for_the_worker(self):
        out = StringIO()
        call_command("reminders", "--schedule", stdout=out)
        queued = DBTaskResult.objects.get()
        assert queued.task_path == "kehoach.activities.tasks.reminders_task"
        assert str(queued.id) in out.getvalue()
        assert not Notification.objects.exists()  # nothing is sent before the worker runs it
