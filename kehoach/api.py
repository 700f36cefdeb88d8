"""The JSON API: one NinjaAPI assembling the routers of each app (<app>/api.py).

Every error answers `{"detail": "...", "errors": [{"field": ..., "message": ...}]}`, with
messages through gettext (Vietnamese from the catalog), whether it comes from ninja, pydantic,
a service's ValidationError, or a 401/403/404.
"""

import json
import re
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from kehoach.accounts.api import API_AUTH, CsrfFailed, csrf_failed_message
from kehoach.accounts.api import router as accounts_router
from kehoach.activities.api import router as activities_router
from kehoach.monitoring.api import router as monitoring_router
from kehoach.people.api import router as people_router
from kehoach.plans.api import router as plans_router
from kehoach.publishing.api import router as publishing_router
from kehoach.publishing.api_opendata import router as opendata_router
from kehoach.reports.api import router as reports_router
from kehoach.units.api import router as units_router


class MalformedBody(ValueError):
    """The body could not be read as a JSON object; ninja wraps it in HttpError(400)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


# The largest whole number a body may hold: what an integer column stores on PostgreSQL. A larger
# one would fail the query (OverflowError on SQLite, "integer out of range" on PostgreSQL).
MAX_BODY_INT = 2_147_483_647


def _bounded_int(text: str) -> int:
    number = int(text)
    if abs(number) > MAX_BODY_INT:
        raise MalformedBody(
            _("The request body holds a number larger than %(limit)s.") % {"limit": MAX_BODY_INT}
        )
    return number


class StrictJsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        try:
            data = json.loads(request.body, parse_int=_bounded_int)
        except MalformedBody:
            raise
        except ValueError as error:  # UnicodeDecodeError is a ValueError too
            raise MalformedBody(_("The request body is not valid JSON.")) from error
        if not isinstance(data, dict):
            raise MalformedBody(_("The request body must be a JSON object."))
        return data


class Utf8JsonRenderer(JSONRenderer):
    """Vietnamese text as UTF-8 ("Xã Tam Xuân I"), not \\u escapes: readable in any client."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="kehoach API",
    version="1",
    urls_namespace="api",
    auth=API_AUTH,
    parser=StrictJsonParser(),
    renderer=Utf8JsonRenderer(),
    # Swagger UI from ninja's bundled static files ("ninja" is in INSTALLED_APPS): works offline.
    docs=Swagger(),
    docs_url="/docs",
)
api.add_router("", accounts_router)
api.add_router("", units_router)
api.add_router("", people_router)
api.add_router("", plans_router)
api.add_router("", activities_router)
api.add_router("", reports_router)
api.add_router("", monitoring_router)
api.add_router("", publishing_router)
api.add_router("", opendata_router)


def _error(
    request: HttpRequest, status: int, detail: str, errors: list[dict[str, Any]] | None = None
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


# -- pydantic / ninja validation --------------------------------------------------------------

# Where ninja puts a value: the first item of `loc`; the rest names the field.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


# Every operation names its body schema parameter `payload`: a Python name, not a field.
_BODY_PARAM = "payload"


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        if source == "body" and parts and parts[0] == _BODY_PARAM:
            parts.pop(0)
    return ".".join(parts)


def _validation_message(error: dict[str, Any], field: str) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("Missing required field: %(field)s.") % {"field": field}
    if kind == "extra_forbidden":
        return _("Unknown field: %(field)s.") % {"field": field}
    if kind.startswith("date"):
        return _("Invalid value for field %(field)s: expected a date as YYYY-MM-DD.") % {
            "field": field
        }
    if kind.startswith("int"):
        return _("Invalid value for field %(field)s: expected a whole number.") % {"field": field}
    if kind.startswith("bool"):
        return _("Invalid value for field %(field)s: expected true or false.") % {"field": field}
    if kind.startswith("string_type"):
        return _("Invalid value for field %(field)s: expected text.") % {"field": field}
    if kind == "list_type":
        return _("Invalid value for field %(field)s: expected a list.") % {"field": field}
    if kind in {"model_attributes_type", "dict_type", "model_type"}:
        if not field:
            return _("The request body must be a JSON object.")
        return _("Invalid value for field %(field)s: expected an object.") % {"field": field}
    if kind in {"enum", "literal_error"}:
        # pydantic writes "'a', 'b' or 'c'" with an English "or": keep only the values.
        choices = ", ".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        return _("Invalid value for field %(field)s: expected one of %(choices)s.") % {
            "field": field,
            "choices": choices,
        }
    if kind in {"greater_than_equal", "greater_than"}:
        limit = ctx.get("ge", ctx.get("gt", ""))
        return _("Invalid value for field %(field)s: must be at least %(limit)s.") % {
            "field": field,
            "limit": limit,
        }
    if kind in {"less_than_equal", "less_than"}:
        limit = ctx.get("le", ctx.get("lt", ""))
        return _("Invalid value for field %(field)s: must be at most %(limit)s.") % {
            "field": field,
            "limit": limit,
        }
    if kind == "string_too_long":
        return _("Invalid value for field %(field)s: at most %(max)s characters.") % {
            "field": field,
            "max": ctx.get("max_length", ""),
        }
    return _("Invalid value for field %(field)s.") % {"field": field}


def _summary(messages: list[str]) -> str:
    if len(messages) == 1:
        return messages[0]
    return ngettext(
        "The request has %(count)d invalid field.",
        "The request has %(count)d invalid fields.",
        len(messages),
    ) % {"count": len(messages)}


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: list[dict[str, Any]] = []
    for error in exc.errors:
        field = _field_name(error.get("loc") or ())
        errors.append({"field": field or None, "message": _validation_message(error, field)})
    return _error(request, 422, _summary([e["message"] for e in errors]), errors)


@api.exception_handler(DjangoValidationError)
def on_service_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A service refused the data (end before start, unknown duty...): its own message."""
    errors: list[dict[str, Any]] = []
    if hasattr(exc, "error_dict"):
        for field, field_errors in exc.message_dict.items():
            for message in field_errors:
                errors.append({"field": None if field == "__all__" else field, "message": message})
    else:
        errors = [{"field": None, "message": message} for message in exc.messages]
    return _error(request, 422, _summary([e["message"] for e in errors]), errors)


# -- HTTP errors ------------------------------------------------------------------------------


@api.exception_handler(OverflowError)
def on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    # SQLite refuses a number beyond 64 bits in a query ("?parent=-29885724148060692480");
    # PostgreSQL compares it as numeric and finds nothing. Bodies are bounded in the parser.
    return _error(request, 400, _("A number in the request is too large."))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, _("Not found."))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    if isinstance(exc, CsrfFailed):
        return _error(request, 403, csrf_failed_message())
    return _error(request, 403, _("You do not have permission to perform this action."))


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request,
        401,
        _("Authentication required: sign in, or send a valid API token (Bearer kh_...)."),
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, MalformedBody):
        return _error(request, 400, exc.__cause__.message)
    messages = {
        400: _("The request is not valid."),
        401: _("Authentication required: sign in, or send a valid API token (Bearer kh_...)."),
        403: _("You do not have permission to perform this action."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        429: _("Too many requests: try again later."),
    }
    return _error(request, exc.status_code, messages.get(exc.status_code, _("Request failed.")))
