"""API authentication (browser session with CSRF, or a bearer token) and the /api/me endpoint.

The other apps' api.py import `api_user` and `ERROR_RESPONSES` from here; permission decisions
stay in accounts.access and the per-app selectors.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie

from kehoach.accounts import access
from kehoach.accounts.models import RoleAssignment
from kehoach.accounts.services import api_token_authenticate
from kehoach.audit.context import actor_set


class CsrfFailed(PermissionDenied):
    """A signed-in browser sent a write without the CSRF token."""


class SessionCsrfAuth(APIKeyCookie):
    """The browser's Django session. CSRF is checked only for a signed-in session, so an
    anonymous request answers 401 (not a CSRF 403) and a bearer client never needs a token."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        # `csrf` is only read by the docs page (to send the token); __call__ does the check.
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> AbstractBaseUser | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        request.csrf_processing_done = False  # type: ignore[attr-defined]
        checker = CsrfViewMiddleware(_no_view)
        checker.process_request(request)
        if checker.process_view(request, _no_view, (), {}) is not None:
            raise CsrfFailed()
        return user  # type: ignore[no-any-return]

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return None  # unused: __call__ reads request.user set by AuthenticationMiddleware


def _no_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer kh_...` for machine clients; revoked tokens are refused."""

    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser | None:
        if not token.startswith("kh_"):
            return None
        user = api_token_authenticate(token)
        if user is not None:
            # Selectors and services read request.user, like the web views do.
            request.user = user
            actor_set(user)  # the audit trail's middleware ran before the token was read
        return user


# Bearer first: a request that carries a token is judged by the token, never by a cookie.
API_AUTH = [BearerTokenAuth(), SessionCsrfAuth()]


def api_user(request: HttpRequest) -> User:
    """The user the request was authenticated as: every operation requires API_AUTH."""
    return request.auth  # type: ignore[attr-defined,no-any-return]


class FieldErrorOut(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldErrorOut] = []


# Documented on every operation; the bodies are built by the handlers in kehoach/api.py.
ERROR_RESPONSES: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
}


def patch_changes(payload: Schema, *, nullable: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The fields a PATCH sent. `null` is refused except where it means "clear" (`nullable`)."""
    changes = payload.model_dump(exclude_unset=True)
    nulls = [name for name, value in changes.items() if value is None and name not in nullable]
    if nulls:
        raise ValidationError(
            {name: _("The field %(field)s cannot be null.") % {"field": name} for name in nulls}
        )
    return changes


router = Router(tags=["accounts"])


class RoleOut(Schema):
    role: str
    role_label: str
    unit_id: int | None
    unit_name: str | None


class MeOut(Schema):
    username: str
    full_name: str
    is_admin: bool
    roles: list[RoleOut]


@router.get("/me", response={200: MeOut, **ERROR_RESPONSES})
def me(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user and their roles."""
    user = api_user(request)
    assignments = RoleAssignment.objects.filter(user_id=user.pk).select_related("unit")
    return {
        "username": user.get_username(),
        "full_name": getattr(user, "get_full_name", lambda: "")(),
        "is_admin": access.scope_for(user).is_admin,
        "roles": [
            {
                "role": a.role,
                "role_label": a.get_role_display(),
                "unit_id": a.unit_id,
                "unit_name": a.unit.name if a.unit else None,
            }
            for a in assignments
        ],
    }


def csrf_failed_message() -> str:
    return _("The CSRF check failed: reload the page and try again.")
