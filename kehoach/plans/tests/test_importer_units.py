"""split_units follows the label conventions of shared/plans/README.md."""

from django.test import SimpleTestCase

from kehoach.plans.importer.units import split_units


class SplitUnitsTests(SimpleTestCase):
    def test_it_splits_at_semicolons(self) -> None:
        self.assertEqual(
            split_units("Các sở, ban, ngành tỉnh; các đơn vị liên quan; UBND các xã, phường"),
            ["Các sở, ban, ngành tỉnh", "các đơn vị liên quan", "UBND các xã, phường"],
        )

    def test_it_splits_at_commas_between_units_and_keeps_commas_inside_names(self) -> None:
        self.assertEqual(
            split_units("Trung tâm VH-TT, TT-TH huyện, UBND các xã, thị trấn."),
            ["Trung tâm VH-TT, TT-TH huyện", "UBND các xã, thị trấn"],
        )
        self.assertEqual(
            split_units("Văn Phòng HĐND&UBND huyện, UBND các xã, thị trấn."),
            ["Văn Phòng HĐND&UBND huyện", "UBND các xã, thị trấn"],
        )

    def test_it_keeps_group_phrases_and_names_with_commas_whole(self) -> None:
        for name in (
            "Các Sở, ban, ngành",
            "Báo và Phát thanh, Truyền hình tỉnh",
            "Sở Văn hóa, Thể thao và Du lịch",
            "Các cơ quan, đơn vị trên địa bàn",
            "Ủy ban nhân dân phường, xã, đặc khu",
        ):
            with self.subTest(name=name):
                self.assertEqual(split_units(name), [name])

    def test_it_splits_at_va_only_where_it_joins_two_units(self) -> None:
        self.assertEqual(
            split_units("Sở Giáo dục và Đào tạo và Sở Y tế"), ["Sở Giáo dục và Đào tạo", "Sở Y tế"]
        )
        self.assertEqual(
            split_units("Các Sở, ban, ngành và các địa phương liên quan"),
            ["Các Sở, ban, ngành", "các địa phương liên quan"],
        )
        self.assertEqual(split_units("Sở Khoa học và Công nghệ."), ["Sở Khoa học và Công nghệ"])

    def test_it_splits_a_long_support_list_of_groups(self) -> None:
        self.assertEqual(
            split_units(
                "các sở, ban, ngành, đoàn thể Thành phố, Ủy ban nhân dân phường, xã, đặc khu, "
                "báo, đài và các đơn vị có liên quan."
            ),
            [
                "các sở, ban, ngành, đoàn thể Thành phố",
                "Ủy ban nhân dân phường, xã, đặc khu",
                "báo, đài",
                "các đơn vị có liên quan",
            ],
        )

    def test_it_drops_de_nghi_and_the_final_period(self) -> None:
        self.assertEqual(
            split_units("Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh."),
            ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"],
        )

    def test_it_separates_two_departments_whose_separator_was_lost(self) -> None:
        self.assertEqual(
            split_units("Sở Khoa học và Công nghệ Sở Công Thương; UBND các phường, xã"),
            ["Sở Khoa học và Công nghệ", "Sở Công Thương", "UBND các phường, xã"],
        )
        self.assertEqual(split_units("Văn phòng Sở Công Thương"), ["Văn phòng Sở Công Thương"])

    def test_it_splits_lines_and_cell_paragraphs(self) -> None:
        self.assertEqual(
            split_units("Ban Quản lý Khu kinh tế, Sở Công Thương;\ncác cơ quan, đơn vị liên quan"),
            ["Ban Quản lý Khu kinh tế", "Sở Công Thương", "các cơ quan, đơn vị liên quan"],
        )
        self.assertEqual(
            split_units("Phòng Quản lý Công nghiệp <br> Văn phòng Sở"),
            ["Phòng Quản lý Công nghiệp", "Văn phòng Sở"],
        )

    def test_it_gives_nothing_for_no_text(self) -> None:
        self.assertEqual(split_units(None), [])
        self.assertEqual(split_units("  .  "), [])
