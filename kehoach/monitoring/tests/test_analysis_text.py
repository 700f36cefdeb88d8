from django.test import SimpleTestCase

from kehoach.monitoring.analysis.text import PhraseIndex, Text, language, sentences


class TextKeysTest(SimpleTestCase):
    def test_it_keeps_one_key_character_per_character_of_the_text(self):
        text = Text("Uỷ ban nhân dân  xã Tam Xuân 1 — THUỶ LỢI, hoá đơn")
        self.assertEqual(len(text.marked_key), len(text.text))
        self.assertEqual(len(text.bare_key), len(text.text))
        self.assertTrue(text.marked_key.startswith("ủy ban nhân dân"))
        self.assertIn("thủy lợi", text.marked_key)
        self.assertIn("uy ban nhan dan  xa tam xuan 1", text.bare_key)

    def test_it_tells_a_text_typed_without_diacritics(self):
        self.assertTrue(Text("Hội nghị tuyên truyền về quyền con người").is_marked)
        self.assertFalse(Text("Hoi nghi tuyen truyen ve quyen con nguoi").is_marked)

    def test_it_cuts_a_passage_at_spaces_around_a_span(self):
        text = Text(
            "Sáng 12/3, UBND huyện Núi Thành tổ chức hội nghị tuyên truyền về quyền con người."
        )
        start = text.text.index("quyền con người")
        passage = text.passage(start, start + len("quyền con người"), width=20)
        self.assertIn("quyền con người", passage)
        self.assertTrue(passage.startswith("…"))


class SentencesTest(SimpleTestCase):
    def test_it_splits_sentences_but_not_after_abbreviations(self):
        text = "Ngày 5/6, UBND TP. Đà Nẵng họp với 1.000 đại biểu. Ông Lê Văn Hùng phát biểu. Hết!"
        parts = [text[s:e] for s, e in sentences(text)]
        self.assertEqual(
            parts,
            [
                "Ngày 5/6, UBND TP. Đà Nẵng họp với 1.000 đại biểu.",
                "Ông Lê Văn Hùng phát biểu.",
                "Hết!",
            ],
        )


class LanguageTest(SimpleTestCase):
    def test_it_tells_vietnamese_english_and_other(self):
        self.assertEqual(language("Huyện Núi Thành tuyên truyền về quyền con người năm 2024"), "vi")
        self.assertEqual(language("Hoi nghi tuyen truyen ve quyen con nguoi tai xa Tam Xuan"), "vi")
        self.assertEqual(
            language("The district held a training course on human rights for officials"), "en"
        )
        self.assertEqual(
            language("Le gouvernement a présenté son rapport sur les droits de l'homme"), "other"
        )
        self.assertEqual(language(""), "other")


class PhraseIndexTest(SimpleTestCase):
    def setUp(self):
        self.index = PhraseIndex()
        self.index.add("quyền con người", "HR")
        self.index.add("Hòa Vang", "HV")

    def test_it_matches_with_either_tone_placement_at_word_boundaries(self):
        found = self.index.find(Text("Huyện Hoà Vang và huyện Hòa Vang"))
        self.assertEqual([m.payloads for m in found], [("HV",), ("HV",)])
        self.assertEqual(self.index.find(Text("quyền con ngườii")), [])

    def test_it_needs_the_marks_in_a_text_that_has_them(self):
        # "quyen con nguoi" in a Vietnamese text with diacritics is not the phrase...
        self.assertEqual(self.index.find(Text("Đây là quyên con người mới")), [])
        # ...but a text typed without any diacritic matches on the bare key.
        self.assertEqual(len(self.index.find(Text("tuyen truyen ve quyen con nguoi"))), 1)
