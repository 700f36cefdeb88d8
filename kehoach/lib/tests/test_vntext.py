import unicodedata

from kehoach.lib.vntext import fix_tone_placement, match_key, person_sort_key, search_key, sort_key


class TestTonePlacement:
    def test_it_moves_the_mark_of_open_oa_oe_uy_to_the_first_vowel(self):
        assert fix_tone_placement("Văn hoá") == "Văn hóa"
        assert fix_tone_placement("Uỷ ban") == "Ủy ban"
        assert fix_tone_placement("sức khoẻ") == "sức khỏe"
        assert fix_tone_placement("thuỷ lợi") == "thủy lợi"

    def test_it_leaves_closed_syllables_and_qu_alone(self):
        assert fix_tone_placement("hoàng") == "hoàng"
        assert fix_tone_placement("Quý II") == "Quý II"
        assert fix_tone_placement("huyện") == "huyện"

    def test_nfd_input_gives_the_same_key_as_nfc(self):
        nfd = unicodedata.normalize("NFD", "Phòng Văn hoá và Thông tin")
        assert match_key(nfd) == match_key("PHÒNG VĂN HÓA VÀ THÔNG TIN")


class TestSearchKey:
    def test_it_ignores_diacritics_and_maps_d_stroke(self):
        assert search_key("Đức Phú") == "duc phu"
        assert search_key("Ủy ban nhân dân") == search_key("Uy ban nhan dan")

    def test_numbered_names_stay_distinct(self):
        assert search_key("Tam Xuân I") != search_key("Tam Xuân II")


class TestSortKey:
    def test_it_sorts_in_vietnamese_alphabet_order(self):
        words = ["Đức", "Dung", "Ân", "Anh", "Ăn", "An", "Bình"]
        assert sorted(words, key=sort_key) == ["An", "Anh", "Ăn", "Ân", "Bình", "Dung", "Đức"]

    def test_tones_only_break_ties(self):
        assert sorted(["Ánh", "Anh", "Ảnh"], key=sort_key) == ["Anh", "Ảnh", "Ánh"]

    def test_numbered_units_sort_by_number(self):
        assert sorted(["Tam Xuân II", "Tam Xuân I"], key=sort_key) == ["Tam Xuân I", "Tam Xuân II"]

    def test_people_sort_by_given_name_first(self):
        names = ["Trần Thị Bình", "Nguyễn Văn An", "Phạm Thị Anh", "Võ An"]
        assert sorted(names, key=person_sort_key) == [
            "Nguyễn Văn An",
            "Võ An",
            "Phạm Thị Anh",
            "Trần Thị Bình",
        ]
