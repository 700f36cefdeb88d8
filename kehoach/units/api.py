"""JSON API of the unit tree: the units a user may read, one unit with its aliases and merges."""

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from kehoach.accounts import access
from kehoach.accounts.api import ERROR_RESPONSES, api_user
from kehoach.lib.pagination import PageNumberPagination

from .models import Unit, UnitKind
from .schemas import UnitDetailOut, UnitOut
from .selectors import unit_search, valid_on

router = Router(tags=["units"])


class UnitFilters(Schema):
    q: str = ""
    on: dt.date | None = None
    parent: int | None = None
    kind: UnitKind | None = None


def readable_units_by_id(
    user: AbstractBaseUser | AnonymousUser, ids: Sequence[int], *, field: str
) -> list[Unit]:
    """Units named by id in a request body, in the order given. An id the user cannot read is
    reported like an unknown one, before anything is written."""
    found = access.readable_units(user).in_bulk(list(ids))
    missing = [unit_id for unit_id in ids if unit_id not in found]
    if missing:
        raise ValidationError(
            {
                field: [
                    _("No unit with id %(id)s was found.") % {"id": unit_id} for unit_id in missing
                ]
            }
        )
    return [found[unit_id] for unit_id in ids]


def _get_unit_for_user(request: HttpRequest, unit_id: int) -> Unit:
    """Units outside what the user may read do not exist for them."""
    unit = access.readable_units(api_user(request)).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


@router.get("/units", response={200: list[UnitOut], **ERROR_RESPONSES})
@paginate(PageNumberPagination, page_size=settings.KEHOACH_PAGE_SIZE)
def unit_list(request: HttpRequest, filters: Query[UnitFilters]) -> QuerySet[Unit]:
    """Readable units, in tree order; `q` matches names and aliases with or without diacritics."""
    units = access.readable_units(api_user(request))
    if filters.on:
        units = valid_on(units, filters.on)
    if filters.parent is not None:
        units = units.filter(parent_id=filters.parent)
    if filters.kind:
        units = units.filter(kind=filters.kind)
    return unit_search(units, filters.q).order_by("path")


@router.get("/units/{unit_id}", response={200: UnitDetailOut, **ERROR_RESPONSES})
def unit_detail(request: HttpRequest, unit_id: int) -> Unit:
    unit = _get_unit_for_user(request, unit_id)
    return Unit.objects.prefetch_related("aliases", "merged_into", "merged_from").get(pk=unit.pk)
