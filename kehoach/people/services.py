"""Writes of people, and the data-subject rights: export and erasure."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.units.models import Unit

from .models import DUTY_FIELDS, Duty, Person

_EDITABLE = ("full_name", "position", "phone", "email", "active")


def _clean(person: Person) -> None:
    errors: dict[str, str] = {}
    person.full_name = " ".join(person.full_name.split())
    if not person.full_name:
        errors["full_name"] = _("The full name is required.")
    if person.email:
        try:
            validate_email(person.email)
        except ValidationError:
            errors["email"] = _("The email address is not valid.")
    if errors:
        raise ValidationError(errors)


def _apply_duties(person: Person, duties: list[str]) -> None:
    unknown = [d for d in duties if d not in Duty.values]
    if unknown:
        raise ValidationError(
            {"duties": _("Unknown duty: %(duty)s.") % {"duty": ", ".join(unknown)}}
        )
    for duty, field_name in DUTY_FIELDS.items():
        setattr(person, field_name, duty in duties)


@transaction.atomic
def person_create(
    *,
    full_name: str,
    unit: Unit,
    position: str = "",
    phone: str = "",
    email: str = "",
    duties: list[str] | None = None,
) -> Person:
    person = Person(full_name=full_name, unit=unit, position=position, phone=phone, email=email)
    _apply_duties(person, duties or [])
    _clean(person)
    person.refresh_keys()
    person.save()
    return person


@transaction.atomic
def person_update(
    *, person: Person, unit: Unit | None = None, duties: list[str] | None = None, **fields: Any
) -> Person:
    if person.erased_at:
        raise ValidationError(_("This person's data has been erased and cannot be edited."))
    for name, value in fields.items():
        if name not in _EDITABLE:
            raise ValidationError(_("Unknown field: %(field)s.") % {"field": name})
        setattr(person, name, value)
    if unit is not None:
        person.unit = unit
    if duties is not None:
        _apply_duties(person, duties)
    _clean(person)
    person.refresh_keys()
    person.save()
    return person


def person_export(*, person: Person) -> dict[str, Any]:
    """Everything kehoach holds about a person, for a data-subject access request."""
    return {
        "id": person.pk,
        "full_name": person.full_name,
        "position": person.position,
        "unit": {"id": person.unit_id, "name": person.unit.name},
        "phone": person.phone,
        "email": person.email,
        "duties": [str(d) for d in person.duties],
        "active": person.active,
        "erased_at": person.erased_at.isoformat() if person.erased_at else None,
        "created_at": person.created_at.isoformat(),
        "updated_at": person.updated_at.isoformat(),
    }


@transaction.atomic
def person_erase(*, person: Person) -> Person:
    """Erase the personal fields but keep the row, so counts that included the person (trained
    officials, spokespersons) stay true; the row is no longer linked to a name."""
    # Stored data, not interface text: written in Vietnamese whatever the user's language.
    person.full_name = f"Đã xóa dữ liệu cá nhân (#{person.pk})"
    person.position = ""
    person.phone = ""
    person.email = ""
    person.active = False
    person.erased_at = timezone.now()
    person.refresh_keys()
    person.save()
    return person
