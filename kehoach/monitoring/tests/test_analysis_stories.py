from django.test import SimpleTestCase

from kehoach.monitoring.analysis.stories import THRESHOLD, StoryIndex, signature

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
