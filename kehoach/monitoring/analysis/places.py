"""Places of the unit tree named in a text: the locality of the plan.

A gazetteer is built from administrative units (province, city, district, commune, township,
ward) with their official names, short names and aliases, old and new (the 2025 merger names),
plus the Arabic/Roman numeral variants ("Tam Xuân 1" = "Tam Xuân I"). Names are matched on word
tokens (text.PhraseIndex): with or without diacritics, in either tone placement, never inside
another word, so "Quảng Ngãi" or "Quảng Trị" are not "Quảng Nam".

Context rule: a bare two-word commune name ("Tam Hải", "Đức Phú") is also ordinary words or a
name elsewhere in the country, so it counts only when the text also names one of its ancestors
(or of the units merged with it): "Núi Thành", "Quảng Nam", "Đà Nẵng". Names with their kind
("xã Tam Hải", "thị trấn Núi Thành"), numbered or three-word names ("Tam Xuân 1", "Tam Anh Nam")
and names of districts, provinces and cities count on their own.
"""

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .text import PhraseIndex, Text

ADMINISTRATIVE = {"province", "city", "district", "town", "commune", "ward", "township"}
HIGH_LEVEL = {"province", "city", "district", "town"}
_KIND_PREFIX = re.compile(
    r"^(tỉnh|thành phố|tp\.?|huyện|thị xã|quận|xã|phường|thị trấn|đặc khu)\s+", re.IGNORECASE
)
_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4", "V": "5"}
UNITS_JSON = Path(__file__).resolve().parents[2] / "units" / "data" / "nui-thanh.json"


@dataclass(frozen=True)
class UnitRecord:
    key: str
    name: str
    kind: str
    short_name: str = ""
    aliases: tuple[str, ...] = ()
    parent: str | None = None


@dataclass(frozen=True)
class _Entry:
    key: str
    display: str
    standalone: bool
    context: frozenset[str]  # unit keys whose mention makes a bare name count


def display_name(name: str) -> str:
    """ "Xã Tam Xuân I" → "Tam Xuân I", "Thành phố Đà Nẵng" → "Đà Nẵng"."""
    return _KIND_PREFIX.sub("", name.strip()).strip() or name.strip()


def _variants(name: str) -> set[str]:
    words = name.split()
    out = {name}
    if words and words[-1] in _ROMAN:
        out.add(" ".join([*words[:-1], _ROMAN[words[-1]]]))
    return out


@dataclass
class Gazetteer:
    index: PhraseIndex = field(default_factory=PhraseIndex)
    displays: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(
        cls, units: Iterable[UnitRecord], merges: Iterable[tuple[str, str]] = ()
    ) -> "Gazetteer":
        units = [u for u in units if u.kind in ADMINISTRATIVE]
        by_key = {u.key: u for u in units}
        linked: dict[str, set[str]] = {u.key: {u.key} for u in units}
        for source, into in merges:
            if source in linked and into in linked:
                linked[source].add(into)
                linked[into].add(source)

        def ancestors(key: str) -> set[str]:
            found: set[str] = set()
            current = by_key[key].parent
            while current and current in by_key and current not in found:
                found.add(current)
                current = by_key[current].parent
            return found

        gazetteer = cls()
        for unit in units:
            context = frozenset(a for k in linked[unit.key] for a in ancestors(k))
            display = display_name(unit.name)
            gazetteer.displays[unit.key] = display
            names = {unit.name, display, *unit.aliases, unit.short_name} - {""}
            # Aliases that are not names of the place ("UBND huyện") say nothing about where.
            names = {n for n in names if display_name(n) != n or _is_place_name(n, unit)}
            for name in names:
                for variant in _variants(name.strip()):
                    bare = display_name(variant) == variant
                    standalone = (
                        not bare
                        or unit.kind in HIGH_LEVEL
                        or len(variant.split()) >= 3
                        or variant.split()[-1].isdigit()
                        or variant.split()[-1] in _ROMAN
                    )
                    gazetteer.index.add(variant, _Entry(unit.key, display, standalone, context))
        return gazetteer

    def find(self, text: Text) -> list["PlaceMatch"]:
        """Places named in the text, in order of first mention, each once."""
        matches = self.index.find(text)
        standalone_keys: set[str] = set()
        for match in matches:
            for entry in match.payloads:
                if entry.standalone:
                    standalone_keys.add(entry.key)
        found: dict[str, PlaceMatch] = {}
        for match in matches:
            keys = []
            for entry in match.payloads:
                if entry.standalone or entry.context & standalone_keys:
                    keys.append(entry.key)
            if not keys:
                continue
            display = match.payloads[0].display
            for entry in match.payloads:
                if entry.key in keys:
                    display = entry.display
                    break
            place = found.get(display)
            if place is None:
                found[display] = PlaceMatch(display, sorted(set(keys)), match.start, match.end)
            else:
                place.keys = sorted(set(place.keys) | set(keys))
        return list(found.values())


def _is_place_name(name: str, unit: UnitRecord) -> bool:
    """A bare alias is a place name when it is the unit's name without its kind."""
    return display_name(name) in {display_name(unit.name), display_name(unit.short_name or "")}


@dataclass
class PlaceMatch:
    name: str
    keys: list[str]
    start: int
    end: int


def units_from_json(path: Path = UNITS_JSON) -> tuple[list[UnitRecord], list[tuple[str, str]]]:
    """The demo's units (huyện Núi Thành, its 2024 communes and the 2025 successors)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    units = [
        UnitRecord(
            key=item["key"],
            name=item["name"],
            kind=item["kind"],
            short_name=item.get("short_name") or "",
            aliases=tuple(item.get("aliases") or ()),
            parent=item.get("parent"),
        )
        for item in data["units"]
    ]
    merges = [(source, m["into"]) for m in data.get("merges", []) for source in m["sources"]]
    return units, merges


_default: Gazetteer | None = None


def default_gazetteer() -> Gazetteer:
    """The gazetteer of the demo's unit tree, built once per process."""
    global _default
    if _default is None:
        units, merges = units_from_json()
        _default = Gazetteer.build(units, merges)
    return _default


def gazetteer_for_units(units: Sequence[Any], merges: Iterable[tuple[int, int]]) -> Gazetteer:
    """A gazetteer from database units (with `aliases` prefetched) and (source, successor) ids."""
    records = [
        UnitRecord(
            key=str(u.pk),
            name=u.name,
            kind=u.kind,
            short_name=u.short_name,
            aliases=tuple(a.name for a in u.aliases.all()),
            parent=str(u.parent_id) if u.parent_id else None,
        )
        for u in units
    ]
    return Gazetteer.build(records, [(str(s), str(t)) for s, t in merges])
