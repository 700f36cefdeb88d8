from django.test import SimpleTestCase

from kehoach.monitoring.analysis.anchors import anchors_of
from kehoach.monitoring.analysis.text import Text


class AnchorsTest(SimpleTestCase):
    def test_both_languages_name_the_same_concepts(self):
        vi = anchors_of(Text("Việt Nam bảo vệ báo cáo quốc gia về Công ước chống tra tấn"))
        en = anchors_of(Text("Vietnam defends its national report, Convention against Torture"))
        for concept in ("c:vietnam", "c:national_report", "c:convention", "c:cat"):
            with self.subTest(concept=concept):
                self.assertIn(concept, vi)
                self.assertIn(concept, en)

    def test_tone_placement_and_case_do_not_matter(self):
        old = anchors_of(Text("Đoàn công tác tới Thuỵ Sĩ"))
        new = anchors_of(Text("đoàn công tác tới thụy sĩ"))
        self.assertIn("c:switzerland", old)
        self.assertIn("c:switzerland", new)

    def test_figures_acronyms_and_names(self):
        anchors = anchors_of(
            Text("Ngày 07/12, UPR chu kỳ IV: đoàn Đà Nẵng và Quảng Ngãi tới Geneva, Thụy Sĩ")
        )
        self.assertTrue({"n:7", "n:12", "a:upr", "a:iv", "p:danang"} <= anchors)
        # Names stop at punctuation: "Geneva, Thụy Sĩ" is two names, not one.
        self.assertNotIn("p:genevathuysi", anchors)

    def test_a_word_inside_another_phrase_is_not_a_concept(self):
        self.assertNotIn("c:storm", anchors_of(Text("Bảo đảm quyền con người")))
        self.assertIn("c:storm", anchors_of(Text("Bão số 3 đổ bộ vào Quảng Nam")))
