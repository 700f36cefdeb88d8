"""Reminders of tasks due soon or overdue: one in-app notification per task, user, kind and day,
and one e-mail per user listing what is new for them.

Who is reminded of a task: users holding a role at a unit named by itself as the task's lead
(groups such as "UBND các xã, thị trấn" are not named units and remind no one), and the plan
managers of the plan's issuer. Run once a day by `reminders_task` (kehoach/activities/tasks.py).
"""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kehoach.accounts.models import Role, RoleAssignment
from kehoach.lib.vndates import date_long
from kehoach.plans.models import (
    OPEN_TASK_STATUSES,
    Assignment,
    AssignmentRole,
    PlanStatus,
    Task,
    UnitScope,
)

from .models import Notification, NotificationKind

logger = logging.getLogger(__name__)


# Apps above `activities` (reports) add their daily reminders here from AppConfig.ready(), so
# the daily job runs them without `activities` importing upward.
DailyReminders = Callable[[dt.date], int]
_daily_reminders: list[DailyReminders] = []


def register_daily_reminders(send: DailyReminders) -> None:
    if send not in _daily_reminders:
        _daily_reminders.append(send)


def daily_reminders_send(*, today: dt.date) -> int:
    """Every reminder of the day: of tasks here, and those the other apps registered."""
    return reminders_send(today=today) + sum(send(today) for send in _daily_reminders)


@dataclass(frozen=True)
class Reminder:
    task: Task
    kind: NotificationKind


def reminders_due(*, today: dt.date, days: int) -> list[Reminder]:
    """Open tasks of plans in force that end within `days` days from today, or ended before."""
    lead_units = Assignment.objects.filter(
        role=AssignmentRole.LEAD, scope=UnitScope.UNIT, unit__isnull=False
    )
    tasks = (
        Task.objects.filter(
            plan__status=PlanStatus.ACTIVE,
            status__in=OPEN_TASK_STATUSES,
            end__isnull=False,
            end__lte=today + dt.timedelta(days=days),
        )
        .select_related("plan")
        .prefetch_related(Prefetch("assignments", queryset=lead_units, to_attr="lead_units"))
        .order_by("end", "pk")
    )
    overdue, soon = NotificationKind.OVERDUE, NotificationKind.DUE_SOON
    return [Reminder(task, overdue if task.end and task.end < today else soon) for task in tasks]


def reminder_recipients(*, reminders: list[Reminder]) -> dict[int, set[int]]:
    """Task id -> ids of the active users to remind (lead units' users, issuer's plan managers)."""
    lead_unit_ids = {
        a.unit_id
        for r in reminders
        for a in r.task.lead_units  # type: ignore[attr-defined]
        if a.unit_id
    }
    issuer_ids = {r.task.plan.issuer_id for r in reminders}
    by_unit: dict[int, set[int]] = defaultdict(set)
    managers: dict[int, set[int]] = defaultdict(set)
    rows = RoleAssignment.objects.filter(
        Q(unit_id__in=lead_unit_ids) | Q(role=Role.PLAN_MANAGER, unit_id__in=issuer_ids),
        user__is_active=True,
    ).values_list("user_id", "unit_id", "role")
    for user_id, unit_id, role in rows:
        if unit_id in lead_unit_ids:
            by_unit[unit_id].add(user_id)
        if role == Role.PLAN_MANAGER and unit_id in issuer_ids:
            managers[unit_id].add(user_id)
    recipients: dict[int, set[int]] = {}
    for r in reminders:
        users = set(managers[r.task.plan.issuer_id])
        for assignment in r.task.lead_units:  # type: ignore[attr-defined]
            users |= by_unit[assignment.unit_id]
        recipients[r.task.pk] = users
    return recipients


def reminder_message(*, reminder: Reminder) -> str:
    task = reminder.task
    assert task.end is not None
    values = {
        "task": str(task),
        "plan": task.plan.number or task.plan.title[:80],
        "date": date_long(task.end),
    }
    if reminder.kind == NotificationKind.OVERDUE:
        return _("The task “%(task)s” of plan %(plan)s was due on %(date)s and is not done.") % (
            values
        )
    return _("The task “%(task)s” of plan %(plan)s is due on %(date)s.") % values


def reminders_send(*, today: dt.date) -> int:
    """Write today's notifications that do not exist yet and e-mail each user theirs, once the
    notifications are saved. Returns how many notifications were written."""
    days = settings.KEHOACH_REMINDER_DAYS
    reminders = reminders_due(today=today, days=days)
    if not reminders:
        return 0
    recipients = reminder_recipients(reminders=reminders)
    already = set(
        Notification.objects.filter(day=today, task_id__in=recipients).values_list(
            "user_id", "task_id", "kind"
        )
    )
    new: list[Notification] = []
    # Messages are stored in the site's language: the worker has no request to take one from.
    with translation.override(settings.LANGUAGE_CODE):
        for reminder in reminders:
            message = reminder_message(reminder=reminder)
            for user_id in sorted(recipients[reminder.task.pk]):
                if (user_id, reminder.task.pk, reminder.kind) in already:
                    continue
                new.append(
                    Notification(
                        user_id=user_id,
                        task=reminder.task,
                        kind=reminder.kind,
                        day=today,
                        message=message,
                    )
                )
    with transaction.atomic():
        # ignore_conflicts: a second worker running at the same moment adds nothing twice.
        Notification.objects.bulk_create(new, ignore_conflicts=True)
        by_user: dict[int, list[str]] = defaultdict(list)
        for notification in new:
            by_user[notification.user_id].append(notification.message)
        transaction.on_commit(lambda: notifications_mail(by_user))
    return len(new)


def notifications_mail(messages_by_user: dict[int, list[str]]) -> None:
    """One e-mail per user with an address; a mail server that fails does not lose the in-app
    notifications, which are already saved."""
    users = get_user_model().objects.filter(pk__in=messages_by_user).exclude(email="")
    emails = []
    with translation.override(settings.LANGUAGE_CODE):
        for user in users:
            lines = messages_by_user[user.pk]
            subject = ngettext(
                "kehoach: %(count)d task needs your attention",
                "kehoach: %(count)d tasks need your attention",
                len(lines),
            ) % {"count": len(lines)}
            body = "\n".join(
                [
                    _("Hello %(name)s,") % {"name": user.get_full_name() or user.get_username()},
                    "",
                    *(f"- {line}" for line in lines),
                    "",
                    _("Sign in to kehoach to record what was done or to update the tasks."),
                ]
            )
            emails.append(EmailMessage(subject=subject, body=body, to=[user.email]))
    if not emails:
        return
    try:
        get_connection().send_messages(emails)
    except OSError:
        logger.exception("Reminder e-mails could not be sent; the in-app notifications stand.")
