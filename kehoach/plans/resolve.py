"""Turn a unit name as written in a plan into a unit of the tree (exact, normalised matching).

Group phrases ("UBND các xã, thị trấn", "các cơ quan, đơn vị trên địa bàn") resolve to the issuer
with a scope. Fuzzy matching and abbreviation expansion belong to the document importer.
"""

import datetime as dt
import re

from kehoach.lib.vntext import match_key
from kehoach.units.models import Unit, UnitAlias
from kehoach.units.selectors import unit_ancestor_ids, unit_subtree, valid_on

from .models import UnitScope
from .services import UnitResolver

# Phrases that name every commune-level unit, or every body, under the issuing unit.
_COMMUNE_GROUPS = re.compile(
    r"^(ubnd|ủy ban nhân dân) (các|cấp) (xã|phường)(, ?(thị trấn|phường|xã|đặc khu))*$"
)
_ALL_BODIES = re.compile(
    r"^(các )?(cơ quan, đơn vị|sở, ban, ngành|phòng, ban, ngành)"
    r"( và địa phương| liên quan| trên địa bàn| địa phương)*$"
)


def make_resolver(*, issuer: Unit, on: dt.date | None) -> UnitResolver:
    """A resolver over the issuer's subtree and its ancestors' direct children, valid on `on`."""
    candidates = unit_subtree(issuer)
    ancestor_ids = unit_ancestor_ids(issuer)
    related = Unit.objects.filter(pk__in=ancestor_ids) | Unit.objects.filter(
        parent_id__in=ancestor_ids
    )
    pool = candidates | related
    if on:
        pool = valid_on(pool, on)
    units = list(pool.distinct())
    index: dict[str, Unit] = {}
    for unit in units:
        for key in (
            (unit.name_key, match_key(unit.short_name)) if unit.short_name else (unit.name_key,)
        ):
            index.setdefault(key, unit)
    for alias in UnitAlias.objects.filter(unit__in=units).select_related("unit"):
        index.setdefault(alias.name_key, alias.unit)

    def resolve(name: str) -> tuple[Unit, str] | None:
        key = match_key(name).rstrip(". ")
        if _COMMUNE_GROUPS.match(key):
            return issuer, UnitScope.COMMUNES
        if _ALL_BODIES.match(key):
            return issuer, UnitScope.ALL_BODIES
        unit = index.get(key)
        return (unit, UnitScope.UNIT) if unit else None

    return resolve
