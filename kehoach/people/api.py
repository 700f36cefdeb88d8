"""JSON API of people: the officials of the units a user may write, and their data rights."""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from kehoach.accounts import access
from kehoach.accounts.api import ERROR_RESPONSES, api_user, patch_changes
from kehoach.lib.pagination import PageNumberPagination
from kehoach.lib.vntext import search_key
from kehoach.units.api import readable_units_by_id
from kehoach.units.models import Unit
from kehoach.units.selectors import unit_subtree

from .models import DUTY_FIELDS, Duty, Person
from .schemas import PersonCreateIn, PersonOut, PersonPatchIn
from .services import person_create, person_erase, person_export, person_update

router = Router(tags=["people"])


class PersonFilters(Schema):
    q: str = ""
    unit: int | None = None
    duty: Duty | None = None


def _people_for_user(request: HttpRequest) -> QuerySet[Person]:
    """People are personal data: only the units a user may write show them."""
    return Person.objects.filter(unit__in=access.writable_units(api_user(request))).select_related(
        "unit"
    )


def _get_person_for_user(request: HttpRequest, person_id: int) -> Person:
    person = _people_for_user(request).filter(pk=person_id).first()
    if person is None:
        raise Http404
    return person


def _writable_unit(request: HttpRequest, unit_id: int) -> Unit:
    """A unit named in the body: unknown or unreadable → 422; readable but not writable → 403."""
    user = api_user(request)
    [unit] = readable_units_by_id(user, [unit_id], field="unit_id")
    if not access.can_write_unit(user, unit):
        raise PermissionDenied
    return unit


@router.get("/people", response={200: list[PersonOut], **ERROR_RESPONSES})
@paginate(PageNumberPagination, page_size=settings.KEHOACH_PAGE_SIZE)
def person_list(request: HttpRequest, filters: Query[PersonFilters]) -> QuerySet[Person]:
    """People of the user's units; `unit` includes the units under it."""
    people = _people_for_user(request)
    if filters.q:
        people = people.filter(search_text__contains=search_key(filters.q))
    if filters.unit is not None:
        unit = access.readable_units(api_user(request)).filter(pk=filters.unit).first()
        people = people.filter(unit__in=unit_subtree(unit)) if unit else people.none()
    if filters.duty:
        people = people.filter(**{DUTY_FIELDS[filters.duty]: True})
    return people.order_by("sort_key", "pk")


@router.get("/people/{person_id}", response={200: PersonOut, **ERROR_RESPONSES})
def person_detail(request: HttpRequest, person_id: int) -> Person:
    return _get_person_for_user(request, person_id)


@router.post("/people", response={201: PersonOut, **ERROR_RESPONSES})
def person_add(request: HttpRequest, payload: PersonCreateIn) -> Status[Person]:
    unit = _writable_unit(request, payload.unit_id)
    person = person_create(
        full_name=payload.full_name,
        unit=unit,
        position=payload.position,
        phone=payload.phone,
        email=payload.email,
        duties=[str(duty.value) for duty in payload.duties],
    )
    return Status(201, person)


@router.patch("/people/{person_id}", response={200: PersonOut, **ERROR_RESPONSES})
def person_change(request: HttpRequest, person_id: int, payload: PersonPatchIn) -> Person:
    person = _get_person_for_user(request, person_id)
    changes = patch_changes(payload)
    unit_id = changes.pop("unit_id", None)
    unit = _writable_unit(request, unit_id) if unit_id is not None else None
    duties = changes.pop("duties", None)
    return person_update(
        person=person,
        unit=unit,
        duties=[str(duty) for duty in duties] if duties is not None else None,
        **changes,
    )


@router.get("/people/{person_id}/export", response={200: dict[str, Any], **ERROR_RESPONSES})
def person_data_export(request: HttpRequest, person_id: int) -> dict[str, Any]:
    """Everything kehoach holds about the person (a data-subject access request)."""
    return person_export(person=_get_person_for_user(request, person_id))


@router.post("/people/{person_id}/erase", response={200: PersonOut, **ERROR_RESPONSES})
def person_data_erase(request: HttpRequest, person_id: int) -> Person:
    """Erase the personal fields; the row stays so past counts stay true."""
    person = _get_person_for_user(request, person_id)
    if person.erased_at:
        raise ValidationError(_("This person's data has already been erased."))
    return person_erase(person=person)
