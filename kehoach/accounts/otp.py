"""Optional second factor: a one-time code from an authenticator app (TOTP, django-otp).

Administrators and plan managers may set up a TOTP device on their profile. Once a device is
confirmed, signing in asks for a code after the password (`LoginView` hands over to `otp_verify`);
a sign-in made any other way (e.g. the admin's own sign-in page) is undone at once. Users
without a confirmed device sign in as before.
"""

import time
from typing import Any, cast

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, User
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Role, RoleAssignment

PENDING_KEY = "kehoach_otp_pending"  # password accepted, code still to come
PENDING_SECONDS = 5 * 60
DEVICE_NAME = "authenticator"


def second_factor_allowed(user: AbstractBaseUser) -> bool:
    """Administrators and plan managers may protect their account with a second factor."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False):
        return True
    return RoleAssignment.objects.filter(
        user_id=user.pk, role__in=[Role.ADMIN, Role.PLAN_MANAGER]
    ).exists()


def confirmed_device(user: AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("pk").first()


def totp_device_start(user: User) -> TOTPDevice:
    """An unconfirmed device with a fresh key (replacing an earlier unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return cast(TOTPDevice, TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False))


def totp_device_confirm(device: TOTPDevice, token: str) -> bool:
    """Confirm the device with a code it produced; any other confirmed device is replaced."""
    if not device.verify_token(token.strip()):
        return False
    TOTPDevice.objects.filter(user_id=device.user_id, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def totp_secret_base32(device: TOTPDevice) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")


def _safe_next(request: HttpRequest, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return str(settings.LOGIN_REDIRECT_URL)


def login_pending_start(request: HttpRequest, user: AbstractBaseUser, next_url: str) -> None:
    """The password was right and the user has a device: remember who, ask for the code."""
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
        "next": next_url,
        "at": time.time(),
        "failures": 0,
    }


@receiver(user_logged_in)
def _refuse_sign_in_without_code(
    sender: Any, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any
) -> None:
    """A sign-in that skipped the code of the user's device (e.g. the admin's own sign-in page)
    is undone at once: only `otp_verify` signs such a user in."""
    if request is None or getattr(request, "_kehoach_otp_verified", False):
        return
    if confirmed_device(user) is not None:
        logout(request)
        messages.warning(request, _("Sign in again and enter the code from your app."))


def otp_verify(request: HttpRequest) -> HttpResponse:
    """Second step of signing in: the six-digit code from the authenticator app."""
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        if request.method == "POST":
            messages.warning(request, _("The sign-in took too long. Sign in again."))
        return redirect("accounts:login")
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    device = confirmed_device(user) if user is not None else None
    if user is None or device is None:
        request.session.pop(PENDING_KEY, None)
        return redirect("accounts:login")
    error = ""
    if request.method == "POST":
        token = request.POST.get("token", "").strip().replace(" ", "")
        if token.isdigit() and device.verify_token(token):
            request.session.pop(PENDING_KEY, None)
            request._kehoach_otp_verified = True  # type: ignore[attr-defined]
            auth_login(request, user, backend=pending["backend"])
            django_otp.login(request, device)
            return redirect(_safe_next(request, pending["next"]))
        pending["failures"] += 1
        if pending["failures"] >= 5:
            request.session.pop(PENDING_KEY, None)
            messages.error(request, _("Too many wrong codes. Sign in again."))
            return redirect("accounts:login")
        request.session[PENDING_KEY] = pending
        error = _("The code is not right. Enter the code your app shows now.")
    return render(
        request, "accounts/otp_verify.html", {"error": error}, status=400 if error else 200
    )


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Set up (or replace, or remove) the authenticator app of an administrator or manager."""
    user = cast(User, request.user)
    if not second_factor_allowed(user):
        raise PermissionDenied
    current = confirmed_device(user)
    error = ""
    new_device: TOTPDevice | None = None
    if request.method == "POST" and request.POST.get("action") == "remove":
        if current is not None and current.verify_token(request.POST.get("token", "").strip()):
            TOTPDevice.objects.filter(user=user).delete()
            request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
            messages.success(request, _("The second factor has been removed."))
            return redirect("accounts:profile")
        error = _("The code is not right. Enter the code your app shows now.")
    elif request.method == "POST":
        new_device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
        if new_device is not None and totp_device_confirm(
            new_device, request.POST.get("token", "")
        ):
            request._kehoach_otp_verified = True  # type: ignore[attr-defined]
            django_otp.login(request, new_device)
            messages.success(
                request, _("The second factor is on: signing in now asks for a code from your app.")
            )
            return redirect("accounts:profile")
        error = _("The code is not right. Enter the code your app shows now.")
    elif current is None or request.GET.get("replace"):
        new_device = totp_device_start(user)
    context = {
        "current": current,
        "device": new_device,
        "secret": totp_secret_base32(new_device) if new_device else "",
        "uri": new_device.config_url if new_device else "",
        "error": error,
    }
    return render(request, "accounts/otp_setup.html", context, status=400 if error else 200)
