from django.test import SimpleTestCase

from kehoach.monitoring.analysis.places import Gazetteer, UnitRecord, default_gazetteer
from kehoach.monitoring.analysis.text import Text


def places(text: str) -> list[str]:
    return [p.name for p in default_gazetteer().find(Text(text))]


class DemoGazetteerTest(SimpleTestCase):
    def test_it_finds_district_province_and_numbered_commune(self):
        self.assertEqual(
            places("Hội nghị diễn ra tại xã Tam Xuân 1, huyện Núi Thành, tỉnh Quảng Nam."),
            ["Tam Xuân I", "Núi Thành", "Quảng Nam"],
        )

    def test_it_finds_names_typed_without_diacritics_or_with_the_other_tone_placement(self):
        self.assertEqual(
            places("Hoi nghi tai xa Tam Xuan 2, huyen Nui Thanh"), ["Tam Xuân II", "Núi Thành"]
        )
        self.assertEqual(places("UBND xã Tam Hoà trao quà Tết"), ["Tam Hòa"])

    def test_a_neighbouring_province_is_not_the_locality(self):
        self.assertEqual(places("Tỉnh Quảng Ngãi và tỉnh Quảng Trị tổ chức hội nghị"), [])
        self.assertEqual(places("Quảng Namm, Núi Thànhh"), [])

    def test_a_bare_two_word_commune_name_needs_context(self):
        self.assertEqual(places("Ngư dân Tam Hải ra khơi đầu năm"), [])
        self.assertEqual(places("Ngư dân xã Tam Hải ra khơi đầu năm"), ["Tam Hải"])
        self.assertEqual(
            places("Ngư dân Tam Hải (Núi Thành) ra khơi đầu năm"), ["Tam Hải", "Núi Thành"]
        )

    def test_it_knows_the_2025_names_under_da_nang(self):
        self.assertEqual(
            places("Xã Đức Phú, thành phố Đà Nẵng ra mắt mô hình dân vận khéo"),
            ["Đức Phú", "Đà Nẵng"],
        )
        self.assertEqual(places("Người dân Đức Phú, Đà Nẵng"), ["Đức Phú", "Đà Nẵng"])

    def test_offices_aliases_are_not_places(self):
        # "UBND huyện" alone says nothing about which district.
        self.assertEqual(places("UBND huyện đã họp về công tác cải cách hành chính"), [])


class GazetteerBuildTest(SimpleTestCase):
    def test_a_merged_commune_takes_context_from_its_successors_ancestors(self):
        units = [
            UnitRecord("dn", "Thành phố Đà Nẵng", "city"),
            UnitRecord("qn", "Tỉnh Quảng Nam", "province"),
            UnitRecord("old", "Xã Tam Tiến", "commune", parent="qn"),
            UnitRecord("new", "Xã Tam Xuân", "commune", parent="dn"),
        ]
        gazetteer = Gazetteer.build(units, [("old", "new")])
        found = gazetteer.find(Text("Bà con Tam Tiến, Đà Nẵng đón Tết"))
        self.assertEqual([p.name for p in found], ["Tam Tiến", "Đà Nẵng"])
        self.assertEqual(found[0].keys, ["old"])
