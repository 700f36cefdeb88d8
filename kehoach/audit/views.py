"""The audit trail in the web app: everything a user may read, filtered; one object's history."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kehoach.accounts import access
from kehoach.units.models import Unit

from . import selectors
from .models import AuditEntry, Source
from .registry import AUDITED


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        return None


def _int(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() else None


def _filters(request: HttpRequest, units: list[Unit]) -> selectors.EntryFilters:
    query = request.GET
    unit_id = _int(query.get("unit", ""))
    unit = next((u for u in units if u.pk == unit_id), None) if unit_id else None
    kind_id = _int(query.get("kind", ""))
    kinds = {kind.pk: kind for kind in selectors.audited_kinds()}
    action = _int(query.get("action", ""))
    source = query.get("source", "").strip()
    return selectors.EntryFilters(
        unit=unit,
        kind=kinds.get(kind_id) if kind_id else None,
        action=action if action in dict(AuditEntry.Action.choices) else None,
        source=source if source in Source.values else "",
        actor=query.get("actor", "").strip()[:150],
        date_from=_date(query.get("from", "")),
        date_to=_date(query.get("to", "")),
        text=query.get("q", "").strip()[:200],
    )


def _entries_page(request: HttpRequest, entries: object) -> object:
    return Paginator(entries, settings.KEHOACH_PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]


@login_required
def entry_list(request: HttpRequest) -> HttpResponse:
    if not access.can_read_audit(request.user):
        raise PermissionDenied
    units = list(access.writable_units(request.user).order_by("path"))
    filters = _filters(request, units)
    entries = selectors.entries_filtered(selectors.entries_visible(request.user), filters)
    page = _entries_page(request, entries)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "nav": "audit",
        "page": page,
        "rows": selectors.entry_rows(page.object_list),  # type: ignore[attr-defined]
        "filters": filters,
        "query": request.GET,
        "filters_query": query.urlencode(),
        "units": units,
        "kinds": [(kind.pk, selectors.kind_label(kind)) for kind in selectors.audited_kinds()],
        "actions": [
            (value, selectors.action_label(value)) for value, _ in AuditEntry.Action.choices
        ],
        "sources": Source.choices,
    }
    return render(request, "audit/list.html", context)


@login_required
def object_history(request: HttpRequest, kind_id: int, object_pk: str) -> HttpResponse:
    kind = ContentType.objects.filter(pk=kind_id).first()
    if kind is None or kind.model_class() is None:
        raise Http404
    if kind.model_class()._meta.label not in AUDITED:  # type: ignore[union-attr]
        raise Http404
    entries = selectors.object_entries(request.user, kind, object_pk)
    if not entries.exists():
        # Nothing the user may read about it (or no such object): it does not exist for them.
        raise Http404
    page = _entries_page(request, entries)
    latest = entries.first()
    context = {
        "nav": "audit",
        "page": page,
        "rows": selectors.entry_rows(page.object_list),  # type: ignore[attr-defined]
        "kind": selectors.kind_label(kind),
        "latest": latest,
        "filters_query": "",
    }
    return render(request, "audit/object.html", context)
