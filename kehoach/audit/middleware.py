"""The request's user, address and way in (web, API, admin) for every change it makes."""

from typing import Any

from auditlog.middleware import AuditlogMiddleware
from django.http import HttpRequest, HttpResponse

from kehoach.accounts.security import client_ip

from .context import context_close
from .models import Source


def source_of(request: HttpRequest) -> str:
    path = request.path_info
    if path.startswith("/api/"):
        return Source.API
    if path.startswith("/admin/"):
        return Source.ADMIN
    return Source.WEB


class AuditMiddleware(AuditlogMiddleware):  # type: ignore[misc]
    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        # auditlog believes any X-Forwarded-For; ours reads it only from trusted proxies.
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> int | None:
        return None  # a client's port says nothing a reviewer needs

    def get_extra_data(self, request: HttpRequest) -> dict[str, Any]:
        data: dict[str, Any] = super().get_extra_data(request)
        data["source"] = source_of(request)
        return data

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response: HttpResponse = super().__call__(request)
        finally:
            context_close()  # a thread's next request must not find this one's user
        return response
