"""Sign-in lockout (django-axes) and the security headers Django does not send by itself."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext


class SecurityHeadersMiddleware:
    """Adds `Permissions-Policy` (settings.KEHOACH_PERMISSIONS_POLICY) to every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy: str = getattr(settings, "KEHOACH_PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response


class LockoutBackend(AxesStandaloneBackend):  # type: ignore[misc]
    """django-axes' lockout check for sign-ins made over the web.

    Authentication without a request (code and scripts: the test client's `login`, the shell) has
    no address to count failures by, so it is left to the next backend instead of being refused.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        super().authenticate(request, username=username, password=password, **kwargs)
        return None


def lockout_minutes() -> int:
    cool_off = settings.AXES_COOLOFF_TIME
    if isinstance(cool_off, timedelta):
        return max(1, round(cool_off.total_seconds() / 60))
    return 15


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The sign-in page again, with the lockout message, answered 429 Too Many Requests."""
    from .forms import LoginForm

    username = (credentials or {}).get("username") or ""
    form = LoginForm(request, initial={"username": username})
    message = ngettext(
        "Too many failed sign-ins. For safety, signing in to this account from here is blocked "
        "for %(minutes)d minute. Try again later, or ask the system administrator of your unit.",
        "Too many failed sign-ins. For safety, signing in to this account from here is blocked "
        "for %(minutes)d minutes. Try again later, or ask the system administrator of your unit.",
        lockout_minutes(),
    ) % {"minutes": lockout_minutes()}
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked_out": message, "next": request.POST.get("next", "")},
        status=429,
    )
