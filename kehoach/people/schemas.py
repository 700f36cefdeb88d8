"""API shapes of people (django-ninja schemas)."""

import datetime as dt

from ninja import Schema
from pydantic import Field

from .models import Duty, Person


class PersonOut(Schema):
    id: int
    full_name: str
    position: str
    unit_id: int
    unit_name: str
    phone: str
    email: str
    duties: list[str]
    active: bool
    erased_at: dt.datetime | None

    @staticmethod
    def resolve_unit_name(person: Person) -> str:
        return person.unit.name

    @staticmethod
    def resolve_duties(person: Person) -> list[str]:
        return [str(duty.value) for duty in person.duties]


class PersonCreateIn(Schema):
    full_name: str = Field(max_length=120)
    unit_id: int
    position: str = Field("", max_length=160)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    duties: list[Duty] = []


class PersonPatchIn(Schema):
    """Only the fields sent are changed; `null` is refused (send "" to clear a text)."""

    full_name: str | None = Field(None, max_length=120)
    unit_id: int | None = None
    position: str | None = Field(None, max_length=160)
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    duties: list[Duty] | None = None
    active: bool | None = None
