"""Writes to the unit tree. Every change of a unit goes through these functions."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kehoach.lib.vntext import match_key

from .models import Unit, UnitAlias, UnitKind, UnitMerge


def _place_in_tree(unit: Unit) -> None:
    parent = unit.parent
    unit.depth = parent.depth + 1 if parent else 0
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"


def _validate_dates(valid_from: dt.date | None, valid_to: dt.date | None) -> None:
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError(
            {"valid_to": _("The end date cannot be earlier than the start date.")}
        )


@transaction.atomic
def unit_create(
    *,
    name: str,
    kind: str,
    parent: Unit | None = None,
    short_name: str = "",
    code: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    aliases: Iterable[str] = (),
    note: str = "",
) -> Unit:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("The unit name is required.")})
    if kind not in UnitKind.values:
        raise ValidationError({"kind": _("Unknown unit kind: %(kind)s.") % {"kind": kind}})
    _validate_dates(valid_from, valid_to)
    unit = Unit(
        name=name,
        kind=kind,
        parent=parent,
        short_name=short_name.strip(),
        code=code.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        note=note,
    )
    unit.refresh_keys()
    unit.save()
    _place_in_tree(unit)
    for alias in aliases:
        if alias.strip():
            UnitAlias.objects.get_or_create(
                unit=unit, name_key=match_key(alias), defaults={"name": alias.strip()}
            )
    unit.refresh_keys()
    unit.save(update_fields=["path", "depth", "search_text"])
    return unit


@transaction.atomic
def unit_update(
    *,
    unit: Unit,
    name: str | None = None,
    short_name: str | None = None,
    code: str | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    note: str | None = None,
) -> Unit:
    if name is not None:
        if not name.strip():
            raise ValidationError({"name": _("The unit name is required.")})
        unit.name = name.strip()
    if short_name is not None:
        unit.short_name = short_name.strip()
    if code is not None:
        unit.code = code.strip()
    if valid_from is not None:
        unit.valid_from = valid_from
    if valid_to is not None:
        unit.valid_to = valid_to
    if note is not None:
        unit.note = note
    _validate_dates(unit.valid_from, unit.valid_to)
    unit.refresh_keys()
    unit.save()
    return unit


@transaction.atomic
def unit_add_alias(*, unit: Unit, name: str) -> UnitAlias:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("The alias is required.")})
    alias, _created = UnitAlias.objects.get_or_create(
        unit=unit, name_key=match_key(name), defaults={"name": name}
    )
    unit.refresh_keys()
    unit.save(update_fields=["search_text"])
    return alias


@transaction.atomic
def unit_merge(
    *,
    sources: Iterable[Unit],
    into: Unit,
    on: dt.date,
    legal_basis: str = "",
    source_url: str = "",
) -> list[UnitMerge]:
    """Merge units into a successor that exists from `on`; the sources end the day before.

    A unit can keep its name through a reform (xã Tam Hải in 2025): it is then both source and
    successor in spirit, but in data the new unit is a separate row, so history stays dated.
    """
    merges = []
    for source in sources:
        if source.pk == into.pk:
            raise ValidationError(_("A unit cannot be merged into itself."))
        if UnitMerge.objects.filter(source=source).exists():
            raise ValidationError(_("%(unit)s has already been merged.") % {"unit": source.name})
        if into.valid_from and into.valid_from > on:
            raise ValidationError(
                _("%(unit)s does not exist yet on the merge date.") % {"unit": into.name}
            )
        source.valid_to = on - dt.timedelta(days=1)
        _validate_dates(source.valid_from, source.valid_to)
        source.save(update_fields=["valid_to"])
        merges.append(
            UnitMerge.objects.create(
                source=source,
                successor=into,
                effective_on=on,
                legal_basis=legal_basis,
                source_url=source_url,
            )
        )
    return merges


@transaction.atomic
def unit_end(*, unit: Unit, last_day: dt.date) -> Unit:
    """End a unit without a successor (the district level abolished on 1 July 2025)."""
    unit.valid_to = last_day
    _validate_dates(unit.valid_from, unit.valid_to)
    unit.save(update_fields=["valid_to"])
    return unit


@transaction.atomic
def units_load(*, data: dict[str, object]) -> dict[str, Unit]:
    """Load a unit tree and its merges from the data-file format of units/data/*.json.

    Units already present (same name and parent) are reused, so loading twice changes nothing.
    """
    by_key: dict[str, Unit] = {}
    for item in data["units"]:  # type: ignore[attr-defined]
        parent = by_key[item["parent"]] if item.get("parent") else None
        existing = Unit.objects.filter(name=item["name"], parent=parent).first()
        by_key[item["key"]] = existing or unit_create(
            name=item["name"],
            kind=item["kind"],
            parent=parent,
            short_name=item.get("short_name", ""),
            code=item.get("code", ""),
            valid_from=_date(item.get("valid_from")),
            valid_to=_date(item.get("valid_to")),
            aliases=item.get("aliases", []),
            note=item.get("source", ""),
        )
    for merge in data.get("merges", []):  # type: ignore[attr-defined]
        sources = [
            by_key[key]
            for key in merge["sources"]
            if not UnitMerge.objects.filter(source=by_key[key]).exists()
        ]
        unit_merge(
            sources=sources,
            into=by_key[merge["into"]],
            on=dt.date.fromisoformat(merge["on"]),
            legal_basis=merge.get("legal_basis", ""),
            source_url=merge.get("source_url", ""),
        )
    return by_key


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def unit_keys_rebuild(*, batch_size: int = 500) -> int:
    """Recompute name, search and sort keys of all units, in batches; returns the count."""
    count = 0
    queryset = Unit.objects.prefetch_related("aliases").order_by("pk")
    batch: list[Unit] = []
    for unit in queryset.iterator(chunk_size=batch_size):
        unit.refresh_keys()
        batch.append(unit)
        if len(batch) >= batch_size:
            Unit.objects.bulk_update(batch, ["name_key", "search_text", "sort_key"])
            count += len(batch)
            batch = []
    if batch:
        Unit.objects.bulk_update(batch, ["name_key", "search_text", "sort_key"])
        count += len(batch)
    return count
