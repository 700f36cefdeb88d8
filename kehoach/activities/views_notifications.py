"""The user's own reminders (written by reminders.reminders_send): read them, mark them read."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from .models import Notification


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    # Only the user's own rows exist for them: there is no object to reach across users.
    notifications = Notification.objects.filter(user=request.user).select_related(  # type: ignore[misc]
        "task__plan"
    )
    page = Paginator(notifications, 25).get_page(request.GET.get("page"))
    unread = notifications.filter(read_at__isnull=True).count()
    return render(
        request,
        "activities/notifications.html",
        {"nav": "notifications", "page": page, "unread": unread},
    )


@login_required
@require_POST
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(  # type: ignore[misc]
        read_at=timezone.now()
    )
    return redirect("activities:notifications")
