"""API shapes of units (django-ninja schemas)."""

import datetime as dt

from ninja import Schema

from .models import Unit, UnitMerge


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    kind_label: str
    code: str
    parent_id: int | None
    depth: int
    valid_from: dt.date | None
    valid_to: dt.date | None

    @staticmethod
    def resolve_kind_label(unit: Unit) -> str:
        return str(unit.get_kind_display())


class UnitMergeOut(Schema):
    source_id: int
    successor_id: int
    effective_on: dt.date
    legal_basis: str
    source_url: str

    @staticmethod
    def from_merge(merge: UnitMerge) -> "UnitMergeOut":
        return UnitMergeOut(
            source_id=merge.source_id,
            successor_id=merge.successor_id,
            effective_on=merge.effective_on,
            legal_basis=merge.legal_basis,
            source_url=merge.source_url,
        )


class UnitDetailOut(UnitOut):
    note: str
    aliases: list[str]
    merged_into: list[UnitMergeOut]
    merged_from: list[UnitMergeOut]

    @staticmethod
    def resolve_aliases(unit: Unit) -> list[str]:
        return [alias.name for alias in unit.aliases.all()]

    @staticmethod
    def resolve_merged_into(unit: Unit) -> list[UnitMergeOut]:
        """The merge that ended this unit, if any (a unit is merged at most once)."""
        return [UnitMergeOut.from_merge(m) for m in unit.merged_into.all()]

    @staticmethod
    def resolve_merged_from(unit: Unit) -> list[UnitMergeOut]:
        """Units merged into this one."""
        return [UnitMergeOut.from_merge(m) for m in unit.merged_from.all()]
