"""Who and how: the actor and the source of the changes made in the current request or job.

django-auditlog keeps a per-context dict (its `auditlog_value` context variable) that it copies
onto every entry written inside it. The middleware opens one per request; the helpers here open one
for imports, commands and the worker, or change the current one (a user known only after the API
read its Bearer token).
"""

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar, cast

from auditlog.context import auditlog_value, set_extra_data
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from .models import Source

_F = TypeVar("_F", bound=Callable[..., Any])

_IMPORT_COMMANDS = {"import_plan", "import-plan", "import_records", "import-records"}
_WORKER_COMMANDS = {"db_worker", "worker"}


def process_source() -> str:
    """The source of a change made outside any request or job context: what this process is."""
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command in _WORKER_COMMANDS:
        return Source.WORKER
    if command in _IMPORT_COMMANDS:
        return Source.IMPORT
    return Source.COMMAND


def _current() -> dict[str, Any] | None:
    """The open context, if any. auditlog leaves its dict in the context variable after the
    context ends (it only disconnects its receiver): ours are marked closed when they end."""
    value: dict[str, Any] | None = auditlog_value.get(None)
    if value is None or value.get("closed"):
        return None
    return value


def current_actor() -> AbstractBaseUser | None:
    current = _current()
    actor = current.get("actor") if current is not None else None
    return actor if isinstance(actor, AbstractBaseUser) else None


def context_close() -> None:
    value = auditlog_value.get(None)
    if value is not None:
        value["closed"] = True


@contextlib.contextmanager
def audit_context(
    *, source: str, actor: AbstractBaseUser | AnonymousUser | None = None
) -> Iterator[None]:
    """Changes made inside are recorded as made by `actor` through `source`; the enclosing
    context (a request around a job run in-process) applies again afterwards."""
    user = actor if actor is not None and actor.is_authenticated else None
    previous = auditlog_value.get(None)
    try:
        with set_extra_data(context_data={"actor": user, "source": source}):
            yield
    finally:
        context_close()
        if previous is not None:
            auditlog_value.set(previous)


@contextlib.contextmanager
def audit_source(
    source: str, *, actor: AbstractBaseUser | AnonymousUser | None = None
) -> Iterator[None]:
    """Inside a request (or any open context): the changes come in through `source`, e.g. an
    import started from a page; `actor` fills in a context that has no user yet. Outside any
    context, opens one for `source` and `actor`."""
    current = _current()
    if current is None:
        with audit_context(source=source, actor=actor):
            yield
        return
    before = dict(current)
    current["source"] = source
    if current.get("actor") is None and actor is not None and actor.is_authenticated:
        current["actor"] = actor
    try:
        yield
    finally:
        current["source"] = before.get("source")
        current["actor"] = before.get("actor")


def audited_as(source: str) -> Callable[[_F], _F]:
    """A service whose changes come in through `source`, made by its `by` argument."""

    def decorate(function: _F) -> _F:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with audit_source(source, actor=kwargs.get("by")):
                return function(*args, **kwargs)

        return cast(_F, wrapper)

    return decorate


def actor_set(user: AbstractBaseUser | AnonymousUser | None) -> None:
    """The request's user became known after the middleware ran (API Bearer token)."""
    current = _current()
    if current is not None and user is not None and user.is_authenticated:
        current["actor"] = user
