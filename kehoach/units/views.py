"""Pages of the unit tree: the map on a date, one unit, and editing a unit."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.accounts import access
from kehoach.people.models import Person

from .forms import UnitForm
from .models import Unit
from .selectors import unit_ancestor_ids, unit_search, unit_tree, valid_on
from .services import unit_add_alias, unit_update

# The last day of the 2024 map, before the reform of 1 July 2025 (quick link on the tree).
MAP_2024 = dt.date(2024, 6, 30)


def _get_unit_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Unit:
    """404 for units the user cannot read; 403 for readable units on writes."""
    unit = get_object_or_404(Unit.objects.select_related("parent"), pk=pk)
    if not access.can_read_unit(request.user, unit):
        raise Http404
    if write and not access.can_write_unit(request.user, unit):
        raise PermissionDenied
    return unit


def _parse_day(request: HttpRequest, today: dt.date) -> dt.date:
    raw = request.GET.get("on", "").strip()
    if not raw:
        return today
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        messages.error(
            request,
            _("“%(value)s” is not a date; showing today's map. Use YYYY-MM-DD.") % {"value": raw},
        )
        return today


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    day = _parse_day(request, today)
    query = request.GET.get("q", "").strip()
    readable = access.readable_units(request.user)
    context: dict[str, object] = {
        "nav": "units",
        "day": day,
        "today": today,
        "map_2024": MAP_2024,
        "query": query,
    }
    if query:
        # Search covers every date: an old commune's name must still lead to its page.
        context["matches"] = list(
            unit_search(readable, query).select_related("parent").order_by("sort_key")
        )
    else:
        context["nodes"] = unit_tree(units=valid_on(readable, day))
    return render(request, "units/tree.html", context)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _get_unit_for_user(request, pk)
    readable = access.readable_units(request.user)
    ancestors = sorted(
        Unit.objects.filter(pk__in=unit_ancestor_ids(unit)), key=lambda each: each.depth
    )
    merged_into = unit.merged_into.select_related("successor").first()
    merged_from = list(unit.merged_from.select_related("source").order_by("source__sort_key"))
    can_write = access.can_write_unit(request.user, unit)
    # Which of the units named on the page get a link: only those the user may open.
    named_ids = {a.pk for a in ancestors} | {m.source_id for m in merged_from}
    if merged_into:
        named_ids.add(merged_into.successor_id)
    context = {
        "nav": "units",
        "unit": unit,
        "today": timezone.localdate(),
        "ancestors": ancestors,
        "aliases": unit.aliases.order_by("name"),
        "merged_into": merged_into,
        "merged_from": merged_from,
        "children": readable.filter(parent=unit).order_by("sort_key"),
        "readable_ids": set(readable.filter(pk__in=named_ids).values_list("pk", flat=True)),
        "can_write": can_write,
        # People are listed only inside the user's writable subtrees.
        "people_count": (
            Person.objects.filter(unit__path__startswith=unit.path).count() if can_write else None
        ),
    }
    return render(request, "units/detail.html", context)


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _get_unit_for_user(request, pk, write=True)
    if request.method == "POST":
        form = UnitForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    unit_update(
                        unit=unit,
                        name=data["name"],
                        short_name=data["short_name"],
                        code=data["code"],
                        valid_from=data["valid_from"],
                        valid_to=data["valid_to"],
                        note=data["note"],
                    )
                    if data["new_alias"].strip():
                        unit_add_alias(unit=unit, name=data["new_alias"])
            except ValidationError as error:
                # The services validate inside a transaction, so nothing was saved.
                unit.refresh_from_db()
                _add_errors(form, error)
            else:
                messages.success(request, _("The unit has been saved."))
                return redirect("units:detail", pk=unit.pk)
    else:
        form = UnitForm(
            initial={
                "name": unit.name,
                "short_name": unit.short_name,
                "code": unit.code,
                "valid_from": unit.valid_from,
                "valid_to": unit.valid_to,
                "note": unit.note,
            }
        )
    return render(
        request,
        "units/edit.html",
        {
            "nav": "units",
            "unit": unit,
            "form": form,
            "aliases": unit.aliases.order_by("name"),
        },
    )


def _add_errors(form: UnitForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form field it names."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
