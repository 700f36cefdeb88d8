"""From a file to a plan: read a document into a draft, find its issuer in the unit tree, resolve
the units it names, and offer the issuers a user may import for.

Shared by `kehoach import-plan` and the import pages, so both read, resolve and check the same way.
The importer package (plans.importer) stays free of Django models; this module joins it to them.
"""

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from kehoach.accounts import access
from kehoach.lib.vntext import search_key
from kehoach.units.models import Unit
from kehoach.units.selectors import valid_on

from .importer import extract
from .importer.document import Document
from .importer.errors import ImportFileError
from .importer.parse import parse_document
from .models import UnitScope
from .resolve import make_resolver
from .services import UnitResolver

# How long an unconfirmed draft is kept.
DRAFT_LIFETIME = dt.timedelta(days=7)


def accepted_suffixes() -> list[str]:
    return sorted(extract.KINDS)


def max_upload_bytes() -> int:
    return extract.max_bytes()


@dataclass(frozen=True)
class ReadDocument:
    text: str  # the extracted lines, numbered as the draft's source_line fields
    name: str
    kind: str
    draft: dict[str, Any]


def _read(document: Document) -> ReadDocument:
    draft = parse_document(document)
    if not draft.get("title") and not draft.get("tasks"):
        raise ImportFileError(
            _("No plan was found in this file: it has neither a plan title nor any task.")
        )
    return ReadDocument(text=document.text, name=document.name, kind=document.kind, draft=draft)


def read_upload(upload: extract.Upload) -> ReadDocument:
    """Extract and parse an uploaded file; ImportFileError with a message for staff."""
    return _read(extract.extract_upload(upload))


def read_path(path: str | os.PathLike[str]) -> ReadDocument:
    """Extract and parse a file on disk; ImportFileError with a message for staff."""
    return _read(extract.extract_file(path))


def resolution_day(draft: Mapping[str, Any]) -> dt.date | None:
    """The day the plan's unit names refer to: its date, else 1 January of its year."""
    try:
        if draft.get("date"):
            return dt.date.fromisoformat(str(draft["date"]))
    except ValueError:
        pass
    year = draft.get("year")
    return dt.date(year, 1, 1) if isinstance(year, int) and 1945 <= year <= 2100 else None


def draft_resolver(*, issuer: Unit, draft: Mapping[str, Any]) -> UnitResolver:
    return make_resolver(issuer=issuer, on=resolution_day(draft))


@dataclass(frozen=True)
class IssuerMatch:
    unit: Unit | None
    candidates: list[Unit]


def _inside(unit: Unit, roots: Sequence[Unit]) -> bool:
    return any(unit.path.startswith(root.path) for root in roots)


_ISSUER_PREFIXES = ("ubnd ", "uy ban nhan dan ", "hdnd ", "hoi dong nhan dan ")


def _bare_key(text: str) -> str:
    key = search_key(text)
    for prefix in _ISSUER_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


def issuer_find(*, text: str, within: Sequence[Unit] | None, on: dt.date | None) -> IssuerMatch:
    """The unit that issued a plan, from the issuer as written ("UBND huyện Núi Thành").

    `within` limits the search to these subtrees (the units a user manages); None searches the
    whole tree. When the name does not resolve to one unit, the closest names are offered.
    """
    roots = list(within) if within is not None else list(Unit.objects.filter(parent__isnull=True))
    if text.strip():
        for root in roots:
            found = make_resolver(issuer=root, on=on)(text)
            if found and found[1] == UnitScope.UNIT and _inside(found[0], roots):
                return IssuerMatch(unit=found[0], candidates=[])
    pool: QuerySet[Unit] = Unit.objects.none()
    for root in roots:
        pool |= Unit.objects.filter(path__startswith=root.path)
    if on:
        pool = valid_on(pool, on)
    units = list(pool.distinct())
    key = _bare_key(text)
    if not key or not units:
        return IssuerMatch(unit=None, candidates=[])
    choices = {index: _bare_key(unit.name) for index, unit in enumerate(units)}
    best = process.extract(key, choices, scorer=fuzz.WRatio, limit=5, score_cutoff=60)
    return IssuerMatch(unit=None, candidates=[units[index] for _name, _score, index in best])


def issuer_choices(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Unit]:
    """Units a user may import plans for: the units they manage and those directly below them
    (a province manager imports for its departments and districts), as they are today."""
    scope = access.scope_for(user)
    today = dt.date.today()
    if scope.is_admin:
        queryset = Unit.objects.filter(depth__lte=1)
    elif scope.manager_paths:
        condition = Q()
        for path in scope.manager_paths:
            depth = path.strip("/").count("/")
            condition |= Q(path__startswith=path, depth__lte=depth + 1)
        queryset = Unit.objects.filter(condition)
    else:
        return Unit.objects.none()
    return valid_on(queryset, today).order_by("path")


def manages_some_unit(user: AbstractBaseUser | AnonymousUser) -> bool:
    scope = access.scope_for(user)
    return scope.is_admin or bool(scope.manager_paths)


def managed_roots(user: AbstractBaseUser | AnonymousUser) -> list[Unit] | None:
    """The tops of the subtrees a user manages (None: all of them, for administrators)."""
    scope = access.scope_for(user)
    if scope.is_admin:
        return None
    return list(Unit.objects.filter(path__in=scope.manager_paths))


@dataclass(frozen=True)
class UnitCheck:
    """A unit name as written, with what the resolver made of it (None: unresolved)."""

    name: str
    unit: Unit | None
    scope: str

    @property
    def is_group(self) -> bool:
        return self.scope != UnitScope.UNIT

    @property
    def scope_label(self) -> str:
        return str(UnitScope(self.scope).label)


def split_names(text: str) -> list[str]:
    """Unit names as typed on the review page: one per `;`-separated part."""
    return [part.strip() for part in text.split(";") if part.strip()]


def unit_checks(names: Iterable[str], resolver: UnitResolver) -> list[UnitCheck]:
    checks = []
    for name in names:
        found = resolver(name)
        checks.append(
            UnitCheck(name, found[0], found[1]) if found else UnitCheck(name, None, UnitScope.UNIT)
        )
    return checks
