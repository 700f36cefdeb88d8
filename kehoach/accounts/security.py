"""Sign-in lockout (django-axes), the client's address behind a proxy, and the security headers
Django does not send by itself."""

import ipaddress
from collections.abc import Callable
from datetime import timedelta
from functools import lru_cache
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str) -> IPAddress | None:
    """One hop as a proxy writes it: `203.0.113.7`, `203.0.113.7:5678`, `[2001:db8::1]:443`."""
    text = text.strip().strip('"')
    if text.startswith("["):  # bracketed IPv6, maybe with a port
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # IPv4 with a port
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies)


def trusted_proxies() -> tuple[IPNetwork, ...]:
    """settings.KEHOACH_TRUSTED_PROXIES (addresses or networks) as networks."""
    return _networks(tuple(getattr(settings, "KEHOACH_TRUSTED_PROXIES", ())))


def client_ip(request: HttpRequest) -> str | None:
    """The address of the person at the other end, for the lockout and the audit trail.

    Without trusted proxies (settings.KEHOACH_TRUSTED_PROXIES empty) it is the connection's own
    address: anybody can write an X-Forwarded-For header, so it is never read. When the connection
    comes from a trusted proxy, X-Forwarded-For is read from the right (each proxy appends the
    address it saw) past our own proxies; the first address that is not one of them is the client.
    Hops further left were written by that client and are not believed.
    """
    peer = _address(str(request.META.get("REMOTE_ADDR") or ""))
    if peer is None:
        return None
    proxies = trusted_proxies()

    def trusted(address: IPAddress) -> bool:
        return any(address in network for network in proxies)

    if not proxies or not trusted(peer):
        return str(peer)
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    for hop in reversed([hop for hop in forwarded.split(",") if hop.strip()]):
        address = _address(hop)
        if address is None:  # garbage: the last address we could check stands
            break
        peer = address
        if not trusted(address):
            break
    return str(peer)


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
