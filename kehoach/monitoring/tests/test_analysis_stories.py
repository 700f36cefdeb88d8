import datetime as dt

from django.test import SimpleTestCase

from kehoach.monitoring.analysis.stories import (
    COSINE,
    THRESHOLD,
    StoryIndex,
    date_span,
    days_apart,
    signature,
)

LEAD = (
    "Sáng 12/3, UBND huyện Núi Thành tổ chức hội nghị tuyên truyền về quyền con người cho hơn "
    "200 cán bộ, công chức các xã, thị trấn trên địa bàn huyện. Tại hội nghị, báo cáo viên đã "
    "giới thiệu 07 công ước quốc tế cơ bản về quyền con người mà Việt Nam là thành viên."
)
REWRITE = (
    "Ngày 12/3, UBND huyện Núi Thành (Quảng Nam) tổ chức hội nghị tuyên truyền về quyền con "
    "người cho hơn 200 cán bộ, công chức các xã, thị trấn. Tại hội nghị, các báo cáo viên giới "
    "thiệu 07 công ước quốc tế cơ bản về quyền con người mà Việt Nam là thành viên."
)
OTHER = (
    "Huyện Núi Thành trao 50 căn nhà đại đoàn kết cho hộ nghèo tại xã Tam Hải, góp phần bảo "
    "đảm quyền con người về nhà ở cho người dân vùng biển."
)


class StoryIndexTest(SimpleTestCase):
    def test_a_rewrite_by_another_outlet_joins_the_story_and_another_event_starts_one(self):
        index = StoryIndex()
        self.assertEqual(
            index.assign("baoquangnam-1", "Núi Thành tuyên truyền", LEAD)[0], "baoquangnam-1"
        )
        story, similarity = index.assign("danang-7", "Hội nghị về quyền con người", REWRITE)
        self.assertEqual(story, "baoquangnam-1")
        self.assertGreaterEqual(similarity, 0.3)
        self.assertEqual(
            index.assign("nuithanh-3", "Trao nhà đại đoàn kết", OTHER)[0], "nuithanh-3"
        )

    def test_a_copy_without_diacritics_is_the_same_story(self):
        index = StoryIndex()
        index.assign(1, "", LEAD)
        unmarked = (
            "Sang 12/3, UBND huyen Nui Thanh to chuc hoi nghi tuyen truyen ve quyen con nguoi cho "
            "hon 200 can bo, cong chuc cac xa, thi tran tren dia ban huyen."
        )
        self.assertEqual(index.assign(2, "", unmarked)[0], 1)

    def test_a_follow_up_may_join_through_a_later_article(self):
        # Each article is indexed, not only the first: a chain of rewrites stays one story.
        index = StoryIndex()
        index.assign("a", "", LEAD)
        index.assign("b", "", REWRITE)
        self.assertEqual(index.story_of["b"], "a")

    def test_unrelated_articles_on_the_same_theme_stay_apart(self):
        self.assertLess(signature("", LEAD).jaccard(signature("", OTHER)), THRESHOLD / 2)

    def test_assigning_twice_keeps_the_story(self):
        index = StoryIndex()
        index.assign("a", "", LEAD)
        self.assertEqual(index.assign("a", "", OTHER), ("a", 1.0))

    def test_the_index_keeps_only_the_newest_articles(self):
        index = StoryIndex(max_articles=1)
        index.assign("old", "", LEAD)
        index.assign("new", "", OTHER)
        # The old article left the index: its rewrite now starts a story of its own...
        self.assertEqual(index.assign("rewrite", "", REWRITE)[0], "rewrite")
        # ...but an article seen before keeps the story it had.
        self.assertEqual(index.assign("old", "", LEAD)[0], "old")


# Two outlets' own reports of one event: the same names and numbers, told with other words.
YAGI_A = (
    "Super Typhoon Yagi kills four in Vietnam. Typhoon Yagi made landfall in Quang Ninh and Hai "
    "Phong on Saturday with winds of 149 km per hour, killing four people and injuring 78, "
    "authorities said."
)
YAGI_B = (
    "Yagi leaves 14 dead in Quang Ninh and Hai Phong. The super typhoon weakened on Sunday, a "
    "day after its landfall in Quang Ninh and Hai Phong; 14 people died and 176 were injured, "
    "authorities said."
)
UNRELATED = (
    "Da Nang hosts the international fireworks festival in June, with teams from France, "
    "Italy and Japan competing over the Han river."
)


class DateSpanTest(SimpleTestCase):
    def test_a_day_a_month_a_year_or_nothing(self):
        self.assertEqual(date_span("2024-09-07"), (dt.date(2024, 9, 7), dt.date(2024, 9, 7)))
        self.assertEqual(date_span("2024-02"), (dt.date(2024, 2, 1), dt.date(2024, 2, 29)))
        self.assertEqual(date_span("2024"), (dt.date(2024, 1, 1), dt.date(2024, 12, 31)))
        self.assertEqual(
            date_span(dt.datetime(2024, 9, 7, 23, 0, tzinfo=dt.UTC)),
            (dt.date(2024, 9, 7), dt.date(2024, 9, 7)),
        )
        self.assertIsNone(date_span(""))
        self.assertIsNone(date_span("2024-13-01"))

    def test_days_apart_counts_the_gap_between_spans(self):
        self.assertEqual(days_apart(date_span("2024-05"), date_span("2024-05-23")), 0)
        self.assertEqual(days_apart(date_span("2024-09-07"), date_span("2024-09-08")), 1)
        self.assertIsNone(days_apart(date_span("2024-09-07"), None))


class SameEventOtherWordsTest(SimpleTestCase):
    def index(self) -> StoryIndex:
        index = StoryIndex()
        index.assign("other", "", UNRELATED, published="2024-09-06")
        return index

    def test_the_pair_shares_too_few_words_and_pairs_for_the_jaccard_path(self):
        self.assertLess(signature("", YAGI_A).jaccard(signature("", YAGI_B)), THRESHOLD)

    def test_another_outlets_report_of_the_same_days_joins_the_story(self):
        index = self.index()
        index.assign("vnexpress", "", YAGI_A, published="2024-09-07")
        story, similarity = index.assign("reuters", "", YAGI_B, published="2024-09-08")
        self.assertEqual(story, "vnexpress")
        self.assertGreaterEqual(similarity, COSINE)

    def test_without_dates_or_weeks_apart_it_starts_its_own_story(self):
        for published in ("", "2024-09-20", "2024"):  # a year alone is not precise enough
            with self.subTest(published=published):
                index = self.index()
                index.assign("vnexpress", "", YAGI_A, published="2024-09-07")
                self.assertEqual(index.assign("b", "", YAGI_B, published=published)[0], "b")

    def test_a_copy_published_months_later_is_not_the_same_story(self):
        index = StoryIndex()
        index.assign("2021", "", LEAD, published="2021-06")
        self.assertEqual(index.assign("2022", "", LEAD, published="2022-06")[0], "2022")

    def test_a_copy_without_a_date_joins_by_its_words(self):
        index = StoryIndex()
        index.assign("dated", "", LEAD, published="2021-06")
        self.assertEqual(index.assign("undated", "", LEAD)[0], "dated")


BULLETIN_21 = (
    "Quảng Nam thêm 143 ca Covid-19, có 89 ca cộng đồng",
    "Từ 15 giờ ngày 20-11 đến 15 giờ ngày 21-11, Quảng Nam ghi nhận 143 ca Covid-19 mới. Trong "
    "đó có 89 ca cộng đồng (Tiên Phước 27 ca, Điện Bàn 26 ca, Hiệp Đức 22 ca, Hội An 9 ca) và 54 "
    "ca đã được giám sát, cách ly từ trước.",
)
BULLETIN_23 = (
    "Ngày 23-11, Quảng Nam thêm 95 ca Covid-19, 58 ca cộng đồng",
    "Từ 15 giờ ngày 22-11 đến 15 giờ ngày 23-11, Quảng Nam ghi nhận thêm 95 ca Covid-19 mới. "
    "Trong đó có 58 ca cộng đồng (Hiệp Đức 18 ca, Tam Kỳ 18 ca, Điện Bàn 12 ca, Núi Thành 2 ca) "
    "và 37 ca đã được giám sát, cách ly từ trước.",
)
CERD_VI = (
    "Việt Nam bảo vệ Báo cáo quốc gia lần thứ năm thực thi Công ước CERD",
    "Phiên bảo vệ Báo cáo quốc gia lần thứ năm của Việt Nam về thực thi Công ước quốc tế về xóa "
    "bỏ mọi hình thức phân biệt chủng tộc (CERD) diễn ra ngày 29 và 30/11 tại Geneva, Thụy Sĩ. "
    "Thông tin được Bộ Thông tin và Truyền thông công bố tại Hà Nội ngày 23/11.",
)
CERD_EN = (
    "Vietnam to defend fifth national report on anti-racial discrimination convention",
    "Hanoi (VNA) – Vietnam is going to defend its fifth national report on the implementation "
    "of the International Convention on the Elimination of All Forms of Racial Discrimination "
    "(CERD) at a session in Geneva, Switzerland, on November 29 - 30. The information was "
    "released by the Ministry of Information and Communications in Hanoi on November 23.",
)
ASEAN_EN = (
    "Vietnam hosts ASEAN tourism forum in Quang Ninh",
    "Hanoi (VNA) – The ASEAN Tourism Forum opened in Ha Long city, Quang Ninh province, on "
    "November 24, gathering ministers of tourism of the ten member states and Timor-Leste to "
    "discuss travel corridors and visa policies for international visitors.",
)


class SerialEditionsTest(SimpleTestCase):
    def test_the_next_days_bulletin_with_new_figures_starts_its_own_story(self):
        self.assertGreaterEqual(
            signature(*BULLETIN_21).jaccard(signature(*BULLETIN_23)), THRESHOLD
        )  # the template alone would join them
        index = StoryIndex()
        index.assign("d21", *BULLETIN_21, published="2021-11-21")
        self.assertEqual(index.assign("d23", *BULLETIN_23, published="2021-11-23")[0], "d23")

    def test_a_repost_the_next_day_keeps_the_headline_and_joins(self):
        index = StoryIndex()
        index.assign("nld", *BULLETIN_21, published="2021-11-21")
        self.assertEqual(index.assign("qrt", *BULLETIN_21, published="2021-11-22")[0], "nld")

    def test_figures_glued_to_a_name_are_not_headline_figures(self):
        sig = signature("Ngày 23-11, Quảng Nam thêm 1.095 ca Covid-19", "")
        self.assertEqual(sig.figures, {"23", "11", "1095"})


class AcrossLanguagesTest(SimpleTestCase):
    def test_the_english_report_of_the_same_days_joins_the_vietnamese_story(self):
        index = StoryIndex()
        index.assign("vi", *CERD_VI, published="2023-11-23")
        story, similarity = index.assign("en", *CERD_EN, published="2023-11-24")
        self.assertEqual(story, "vi")
        self.assertGreater(similarity, 0)

    def test_another_english_event_of_the_same_days_stays_apart(self):
        index = StoryIndex()
        index.assign("vi", *CERD_VI, published="2023-11-23")
        self.assertEqual(index.assign("asean", *ASEAN_EN, published="2023-11-24")[0], "asean")

    def test_weeks_apart_or_undated_the_versions_stay_apart(self):
        for published in ("2023-12-20", ""):
            with self.subTest(published=published):
                index = StoryIndex()
                index.assign("vi", *CERD_VI, published="2023-11-23")
                self.assertEqual(index.assign("en", *CERD_EN, published=published)[0], "en")

    def test_the_same_language_never_takes_the_anchors_path(self):
        index = StoryIndex()
        index.assign("en1", *CERD_EN, published="2023-11-23")
        title, text = CERD_EN
        rewritten = " ".join(reversed(text.split(". ")))
        sig = signature(title.upper(), rewritten)
        self.assertFalse(sig.vietnamese)
        span = date_span("2023-11-23")
        assert span is not None
        self.assertEqual(index._match_across_languages(sig, span)[0], None)
