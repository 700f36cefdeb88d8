"""Reads of the unit tree: subtrees, the map on a date, successors and roll-ups."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from kehoach.lib.vntext import search_key

from .models import COMMUNE_LEVEL_KINDS, Unit, UnitMerge


def unit_subtree(unit: Unit, *, include_self: bool = True) -> QuerySet[Unit]:
    queryset = Unit.objects.filter(path__startswith=unit.path)
    return queryset if include_self else queryset.exclude(pk=unit.pk)


def unit_ancestor_ids(unit: Unit) -> list[int]:
    """Ids from the root down to the unit's parent, read from the stored path."""
    return [int(part) for part in unit.path.strip("/").split("/")[:-1] if part]


def valid_on(queryset: QuerySet[Unit], day: dt.date) -> QuerySet[Unit]:
    return queryset.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
    )


def commune_level_units(under: Unit, *, on: dt.date | None = None) -> QuerySet[Unit]:
    queryset = unit_subtree(under, include_self=False).filter(kind__in=COMMUNE_LEVEL_KINDS)
    return valid_on(queryset, on) if on else queryset


def unit_search(queryset: QuerySet[Unit], query: str) -> QuerySet[Unit]:
    """Match names and aliases with or without diacritics, in either tone placement."""
    key = search_key(query)
    return queryset.filter(search_text__contains=key) if key else queryset


@dataclass
class UnitNode:
    unit: Unit
    children: list["UnitNode"] = field(default_factory=list)


def unit_tree(*, units: Iterable[Unit]) -> list[UnitNode]:
    """Nest units by parent; a unit whose parent is not in the list becomes a root."""
    nodes = {unit.pk: UnitNode(unit) for unit in units}
    roots: list[UnitNode] = []
    for node in nodes.values():
        parent = nodes.get(node.unit.parent_id) if node.unit.parent_id else None
        (parent.children if parent else roots).append(node)
    for node in nodes.values():
        node.children.sort(key=lambda child: (child.unit.kind != "committee", child.unit.sort_key))
    roots.sort(key=lambda root: root.unit.sort_key)
    return roots


def _successor_map() -> dict[int, int]:
    return dict(UnitMerge.objects.values_list("source_id", "successor_id"))


def unit_successor(unit: Unit) -> Unit:
    """The unit that carries this one's records today: follows merges to the end of the chain."""
    successors = _successor_map()
    current = unit.pk
    seen = {current}
    while current in successors and successors[current] not in seen:
        current = successors[current]
        seen.add(current)
    return unit if current == unit.pk else Unit.objects.get(pk=current)


def unit_predecessor_ids(unit: Unit) -> set[int]:
    """The unit and every unit merged into it, directly or through earlier merges."""
    sources_by_successor: dict[int, list[int]] = defaultdict(list)
    for source_id, successor_id in _successor_map().items():
        sources_by_successor[successor_id].append(source_id)
    found = {unit.pk}
    frontier = [unit.pk]
    while frontier:
        current = frontier.pop()
        for source_id in sources_by_successor.get(current, []):
            if source_id not in found:
                found.add(source_id)
                frontier.append(source_id)
    return found


def rollup_to_successors(counts: Mapping[int, int]) -> dict[int, int]:
    """Add up per-unit counts under the units that carry them today (merged units roll up)."""
    successors = _successor_map()
    rolled: dict[int, int] = defaultdict(int)
    for unit_id, count in counts.items():
        current, seen = unit_id, {unit_id}
        while current in successors and successors[current] not in seen:
            current = successors[current]
            seen.add(current)
        rolled[current] += count
    return dict(rolled)
