"""The public page that states what personal data kehoach keeps, why, for how long, and the rights
of the people concerned (Decree 13/2023/NĐ-CP; Law 91/2025/QH15 from 2026)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .security import lockout_minutes


def privacy_contact() -> str:
    """settings.KEHOACH_PRIVACY_CONTACT: who answers questions and requests about personal data."""
    contact = str(getattr(settings, "KEHOACH_PRIVACY_CONTACT", "") or "").strip()
    return contact or _(
        "The office of the unit that runs this installation of kehoach, through its system "
        "administrator."
    )


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    """Public, no sign-in: every figure on the page is read from the settings in force."""
    context = {
        "contact": privacy_contact(),
        "raw_page_days": settings.KEHOACH_RAW_PAGE_RETENTION_DAYS,
        "lockout_on": settings.AXES_ENABLED,
        "lockout_failures": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": lockout_minutes(),
        "session_hours": round(settings.SESSION_COOKIE_AGE / 3600, 1),
    }
    return render(request, "accounts/privacy.html", context)
