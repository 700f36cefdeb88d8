from django.test import SimpleTestCase, override_settings

from kehoach.monitoring.analysis.claims import ClaimMatcher

CLAIMS = [
    (
        1,
        "Chính quyền huyện Núi Thành cưỡng chế thu hồi đất của đồng bào Cơ Tu mà không bồi thường.",
    ),
    (2, "Việt Nam không cho phép người dân tự do tín ngưỡng, tôn giáo."),
]
ARTICLE = (
    "Mới đây, một tài khoản mạng xã hội đăng tin chính quyền huyện Núi Thành cưỡng chế thu hồi "
    "đất của đồng bào Cơ Tu không bồi thường. Thực tế, UBND huyện đã chi trả đầy đủ tiền bồi "
    "thường cho 45 hộ dân. Huyện Núi Thành tổ chức hội nghị tuyên truyền về quyền con người cho "
    "cán bộ."
)


class ClaimMatcherTest(SimpleTestCase):
    def test_the_restated_claim_is_a_strong_match_with_both_passages(self):
        hits = ClaimMatcher(CLAIMS).match("Sự thật về thông tin thu hồi đất ở Núi Thành", ARTICLE)
        self.assertEqual([h.claim for h in hits], [1])
        self.assertEqual(hits[0].strength, "strong")
        self.assertTrue(hits[0].sentence.startswith("Mới đây, một tài khoản"))
        self.assertEqual(hits[0].passage, CLAIMS[0][1])

    def test_a_paraphrase_is_suggested(self):
        hits = ClaimMatcher(CLAIMS).match(
            "",
            "Có thông tin cho rằng huyện Núi Thành thu hồi đất của người Cơ Tu nhưng không "
            "bồi thường.",
        )
        self.assertEqual([(h.claim, h.strength) for h in hits], [(1, "suggested")])

    def test_sentences_that_only_share_words_are_not_matches(self):
        hits = ClaimMatcher(CLAIMS).match(
            "",
            "Thực tế, UBND huyện đã chi trả đầy đủ tiền bồi thường cho 45 hộ dân bị thu hồi đất. "
            "Huyện Núi Thành tổ chức hội nghị tuyên truyền về quyền con người cho cán bộ.",
        )
        self.assertEqual(hits, [])

    @override_settings(MONITORING_CLAIM_SUGGESTED=0.2, MONITORING_CLAIM_STRONG=0.95)
    def test_the_thresholds_are_settings(self):
        hits = ClaimMatcher(CLAIMS).match("", ARTICLE)
        self.assertEqual(hits[0].strength, "suggested")
        self.assertGreater(len(hits), 0)

    def test_an_empty_base_matches_nothing(self):
        self.assertEqual(ClaimMatcher([]).match("", ARTICLE), [])
