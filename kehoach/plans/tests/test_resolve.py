"""Unit names as plans write them -> units of the tree (or None when unsure)."""

import datetime as dt
import json
from pathlib import Path

from django.test import SimpleTestCase, TestCase

from kehoach.demo import UNITS_FILE, load_json
from kehoach.plans.models import UnitScope
from kehoach.plans.resolve import canonical, group_scope, make_resolver, tail
from kehoach.testing import KehoachTestCase
from kehoach.units.models import Unit, UnitKind
from kehoach.units.services import unit_create, units_load

LABELS = Path(__file__).parent / "data" / "importer" / "labels"


class CanonicalKeyTest(SimpleTestCase):
    def test_abbreviations_marks_tone_placement_and_joiners_do_not_count(self):
        same = [
            "Phòng VH&TT",
            "Phòng Văn hoá và Thông tin",
            "Phòng Văn hóa - Thông tin",
            "PHONG VAN HOA VA THONG TIN",
        ]
        assert len({canonical(name) for name in same}) == 1
        assert canonical("Văn Phòng HĐND&UBND huyện") == canonical(
            "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện"
        )
        assert canonical("Sở KH&CN") == canonical("Sở Khoa học và Công nghệ")
        assert canonical("Trung tâm VH-TT, TT-TH huyện") == canonical(
            "Trung tâm Văn hóa - Thể thao và Truyền thanh - Truyền hình huyện"
        )

    def test_a_trailing_roman_numeral_is_a_number(self):
        assert canonical("UBND xã Tam Xuân I") == canonical("Ủy ban nhân dân xã Tam Xuân 1")
        assert canonical("Tam Xuân I") != canonical("Tam Xuân II")
        assert (tail(canonical("Tam Xuân II")), tail(canonical("Tam Anh Bắc"))) == ("2", "bac")
        assert tail(canonical("Phòng Tư pháp")) == ""

    def test_a_request_prefix_brackets_and_final_period_are_dropped(self):
        assert canonical("Đề nghị Ban Tuyên giáo Huyện ủy.") == canonical("Ban Tuyên giáo Huyện ủy")
        assert canonical("UBND huyện Núi Thành (qua Phòng Văn hoá và Thông tin)") == canonical(
            "UBND huyện Núi Thành"
        )

    def test_group_phrases_have_a_scope(self):
        communes = [
            "UBND các xã, thị trấn",
            "UBND các xã, phường",
            "Ủy ban nhân dân xã, phường, đặc khu",
            "UBND cấp xã",
            "Ủy ban nhân dân các phường, xã, đặc khu",
        ]
        bodies = [
            "các cơ quan, đơn vị trên địa bàn",
            "Các cơ quan, đơn vị",
            "Các Sở, ban, ngành",
            "Các sở, ban, ngành Thành phố",
            "các cơ quan, đơn vị liên quan",
            "Các phòng, đơn vị",
            "Các cơ quan, đơn vị theo quy định",
        ]
        for name in communes:
            assert group_scope(name) == UnitScope.COMMUNES, name
        for name in bodies:
            assert group_scope(name) == UnitScope.ALL_BODIES, name
        for name in ["Phòng Tư pháp", "Ban Tuyên giáo Huyện ủy", "UBND xã Tam Xuân I", "Sở"]:
            assert group_scope(name) is None, name


class ResolverTest(KehoachTestCase):
    tam_anh_bac: Unit
    tam_anh_nam: Unit
    tam_hiep_ii: Unit
    labour: Unit
    township: Unit

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()

        def commune(name: str) -> Unit:
            return unit_create(name=name, kind=UnitKind.COMMUNE, parent=cls.district)

        # No aliases: every match below comes from the resolver's own rules.
        cls.tam_anh_bac = commune("Xã Tam Anh Bắc")
        cls.tam_anh_nam = commune("Xã Tam Anh Nam")
        cls.tam_hiep_ii = commune("Xã Tam Hiệp II")
        cls.labour = unit_create(
            name="Phòng Lao động - Thương binh và Xã hội huyện Núi Thành",
            kind=UnitKind.OFFICE,
            parent=cls.district,
        )
        cls.township = unit_create(
            name="Thị trấn Núi Thành", kind=UnitKind.TOWNSHIP, parent=cls.district
        )
        unit_create(
            name="Phòng Kinh tế - Hạ tầng huyện Núi Thành",
            kind=UnitKind.OFFICE,
            parent=cls.district,
            valid_to=dt.date(2023, 12, 31),
        )

    def resolve(self, name: str) -> tuple[Unit, str] | None:
        return make_resolver(issuer=self.district, on=dt.date(2024, 6, 1))(name)

    def unit(self, name: str) -> Unit | None:
        found = self.resolve(name)
        return found[0] if found and found[1] == UnitScope.UNIT else None

    def test_it_expands_abbreviations_and_ignores_marks_and_the_place(self):
        for name in [
            "Phòng LĐTB&XH",
            "Phòng LĐ-TB&XH huyện",
            "Phòng Lao động - Thương binh và Xã hội",
            "Phong Lao dong Thuong binh va Xa hoi huyen Nui Thanh",
        ]:
            assert self.unit(name) == self.labour, name
        assert self.unit("Phòng Văn hoá và Thông tin huyện.") == self.office

    def test_it_drops_a_request_prefix(self):
        assert self.unit("Đề nghị Phòng Lao động - Thương binh và Xã hội") == self.labour

    def test_it_resolves_group_phrases_to_the_issuer_with_a_scope(self):
        assert self.resolve("UBND các xã, thị trấn") == (self.district, UnitScope.COMMUNES)
        assert self.resolve("các cơ quan, đơn vị trên địa bàn") == (
            self.district,
            UnitScope.ALL_BODIES,
        )

    def test_numbered_names_compare_exactly_and_roman_equals_arabic(self):
        assert self.unit("Tam Xuân I") == self.commune_a
        assert self.unit("UBND xã Tam Xuân II") == self.commune_b
        assert self.unit("Tam Hiệp 2") == self.tam_hiep_ii  # no alias says so
        assert self.unit("xã Tam Hiệp II") == self.tam_hiep_ii
        assert self.resolve("Tam Hiệp") is None
        assert self.resolve("Tam Xuân III") is None

    def test_directional_names_never_match_each_other(self):
        assert self.unit("UBND xã Tam Anh Bắc") == self.tam_anh_bac
        assert self.unit("Tam Anh Nam") == self.tam_anh_nam
        assert self.resolve("Tam Anh") is None
        assert self.resolve("Tam Anh Nan") is None  # a typo in the tail is not guessed

    def test_it_forgives_a_typo_but_not_another_word(self):
        assert self.unit("Phòng Lao đông - Thương binhh và Xã hội") == self.labour
        assert self.resolve("UBND huyện Núi Thanh Xuân") is None
        assert self.resolve("Phòng Tư pháp") is None

    def test_a_name_of_two_units_is_left_unresolved(self):
        # "Núi Thành" is both the district and its township.
        assert self.resolve("Núi Thành") is None
        assert self.unit("Thị trấn Núi Thành") == self.township

    def test_it_ignores_units_outside_the_issuer_or_not_valid_on_the_day(self):
        assert self.resolve("Xã Tam Đàn") is None  # in another district
        assert self.resolve("Phòng Kinh tế - Hạ tầng") is None  # dissolved before 2024
        assert self.unit("Huyện Phú Ninh") == self.outsider_district  # a sibling of the issuer


class NuiThanhUnitsTest(TestCase):
    """The demo's unit tree resolves every unit the seed plan names."""

    def test_every_unit_of_the_seed_label_resolves(self):
        units = units_load(data=load_json(UNITS_FILE))
        district = units["nt"]
        resolve = make_resolver(issuer=district, on=dt.date(2024, 6, 1))
        label = json.loads((LABELS / "00_seed.json").read_text())
        names = {n for task in label["tasks"] for n in task["lead"] + task["support"]}
        names |= {duty["who"] for duty in label["reporting"]}
        for name in sorted(names):
            with self.subTest(name=name):
                assert resolve(name) is not None
        found = resolve("Phòng Văn hoá và Thông tin huyện")
        assert found is not None and found[0] == units["nt-vhtt"]
        assert resolve("Sở TT&TT") == (units["qn-stttt"], UnitScope.UNIT)
        assert resolve("Tam Anh Bắc") == (units["nt-tam-anh-bac"], UnitScope.UNIT)
        assert resolve("Tam Xuân 2") == (units["nt-tam-xuan-ii"], UnitScope.UNIT)
