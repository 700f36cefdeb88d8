import datetime as dt

from kehoach.testing import KehoachTestCase
from kehoach.units.models import Unit, UnitKind
from kehoach.units.selectors import (
    commune_level_units,
    rollup_to_successors,
    unit_predecessor_ids,
    unit_search,
    unit_subtree,
    unit_successor,
    valid_on,
)
from kehoach.units.services import unit_create, unit_merge


class UnitSubtreeTest(KehoachTestCase):
    def test_it_contains_the_unit_and_everything_below(self):
        names = set(unit_subtree(self.district).values_list("name", flat=True))
        assert {
            "Huyện Núi Thành",
            "Xã Tam Xuân I",
            "Phòng Văn hóa và Thông tin huyện Núi Thành",
        } <= names
        assert "Huyện Phú Ninh" not in names

    def test_it_lists_commune_level_units_only(self):
        communes = set(commune_level_units(self.district).values_list("name", flat=True))
        assert communes == {"Xã Tam Xuân I", "Xã Tam Xuân II"}


class UnitSearchTest(KehoachTestCase):
    def test_it_finds_a_name_typed_without_diacritics(self):
        assert list(unit_search(Unit.objects.all(), "tam xuan i"))[:1]
        assert set(
            unit_search(Unit.objects.all(), "phong van hoa").values_list("pk", flat=True)
        ) == {self.office.pk}

    def test_it_finds_an_alias_in_the_other_tone_placement(self):
        # The alias is written "Văn hoá" (new placement); the query uses "Văn hóa".
        found = unit_search(Unit.objects.all(), "Phòng Văn hóa và Thông tin huyện")
        assert list(found) == [self.office]


class MergeTest(KehoachTestCase):
    def setUp(self):
        self.city = unit_create(name="Thành phố Đà Nẵng", kind=UnitKind.CITY)
        self.merged = unit_create(
            name="Xã Tam Xuân",
            kind=UnitKind.COMMUNE,
            parent=self.city,
            valid_from=dt.date(2025, 7, 1),
        )
        unit_merge(
            sources=[self.commune_a, self.commune_b], into=self.merged, on=dt.date(2025, 7, 1)
        )

    def test_it_ends_the_sources_the_day_before(self):
        self.commune_a.refresh_from_db()
        assert self.commune_a.valid_to == dt.date(2025, 6, 30)

    def test_both_maps_work_on_their_dates(self):
        before = set(
            valid_on(Unit.objects.filter(kind=UnitKind.COMMUNE), dt.date(2024, 6, 1)).values_list(
                "name", flat=True
            )
        )
        after = set(
            valid_on(Unit.objects.filter(kind=UnitKind.COMMUNE), dt.date(2025, 8, 1)).values_list(
                "name", flat=True
            )
        )
        assert {"Xã Tam Xuân I", "Xã Tam Xuân II"} <= before and "Xã Tam Xuân" not in before
        assert "Xã Tam Xuân" in after and "Xã Tam Xuân I" not in after

    def test_counts_before_the_merge_roll_up_under_the_successor(self):
        counts = {self.commune_a.pk: 3, self.commune_b.pk: 2, self.office.pk: 1}
        assert rollup_to_successors(counts) == {self.merged.pk: 5, self.office.pk: 1}

    def test_the_successor_knows_its_predecessors(self):
        assert unit_successor(self.commune_a) == self.merged
        assert unit_predecessor_ids(self.merged) == {
            self.merged.pk,
            self.commune_a.pk,
            self.commune_b.pk,
        }

    def test_a_unit_cannot_be_merged_twice(self):
        other = unit_create(
            name="Xã Khác", kind=UnitKind.COMMUNE, parent=self.city, valid_from=dt.date(2025, 7, 1)
        )
        import pytest
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            unit_merge(sources=[self.commune_a], into=other, on=dt.date(2025, 7, 1))
