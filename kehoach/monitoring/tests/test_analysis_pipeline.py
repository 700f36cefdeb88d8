import datetime as dt
import hashlib
import json
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase
from django.utils import timezone

from kehoach.monitoring.analysis import pipeline
from kehoach.monitoring.analysis.pipeline import article_analyse, classify_records
from kehoach.monitoring.models import (
    Article,
    ClaimMatch,
    Decision,
    FactCheck,
    Review,
    Source,
    ThemeDefinition,
)
from kehoach.monitoring.services import review_examples, theme_definitions_seed
from kehoach.testing import KehoachTestCase

TRAINING = {
    "id": "bqn-1",
    "url": "https://baoquangnam.vn/tap-huan-quyen-con-nguoi.html",
    "title": "Núi Thành tập huấn tuyên truyền về quyền con người",
    "text": (
        "Sáng 12/3, UBND huyện Núi Thành tổ chức hội nghị tuyên truyền về quyền con người cho hơn "
        "200 cán bộ, công chức các xã, thị trấn trên địa bàn huyện. Tại hội nghị, báo cáo viên đã "
        "giới thiệu 07 công ước quốc tế cơ bản về quyền con người mà Việt Nam là thành viên, trong "
        "đó có Công ước về quyền trẻ em."
    ),
    "published": "2024-03-12",
}
REWRITE = {
    "id": "dn-7",
    "url": "https://baodanang.vn/hoi-nghi-quyen-con-nguoi.html",
    "title": "Hội nghị tuyên truyền về quyền con người ở Núi Thành",
    "text": (
        "Ngày 12/3, UBND huyện Núi Thành (Quảng Nam) tổ chức hội nghị tuyên truyền về quyền con "
        "người cho hơn 200 cán bộ, công chức các xã, thị trấn. Tại hội nghị, các báo cáo viên giới "
        "thiệu 07 công ước quốc tế cơ bản về quyền con người mà Việt Nam là thành viên."
    ),
    "published": "2024-03-12",
}
ACTING = {
    "id": "qng-2",
    "url": "https://baoquangngai.vn/quyen-chu-tich.html",
    "title": "Quảng Ngãi có quyền Chủ tịch UBND tỉnh",
    "text": "HĐND tỉnh Quảng Ngãi giao ông Trần Văn Tám giữ chức quyền Chủ tịch UBND tỉnh.",
    "published": "2024-03-13",
}
ENGLISH = {
    "id": "vnn-en-1",
    "url": "https://vietnamnet.vn/en/torture.html",
    "title": "Vietnam reports on the Convention against Torture",
    "text": "Vietnam presented its report on implementing the Convention against Torture.",
}


class ClassifyRecordsTest(SimpleTestCase):
    def test_it_gives_one_output_line_per_input_with_every_field(self):
        out = list(classify_records([TRAINING, REWRITE, ACTING, ENGLISH]))
        self.assertEqual(
            [(r["id"], r["relevant"], r["story"], r["lang"]) for r in out],
            [
                ("bqn-1", True, "bqn-1", "vi"),
                ("dn-7", True, "bqn-1", "vi"),
                ("qng-2", False, "qng-2", "vi"),
                ("vnn-en-1", True, "vnn-en-1", "en"),
            ],
        )
        first = out[0]
        self.assertEqual(
            set(first),
            {"id", "relevant", "score", "themes", "conventions", "locality", "lang", "story"},
        )
        self.assertEqual(first["locality"], ["Núi Thành"])
        self.assertIn("T1", first["themes"])
        self.assertEqual(first["conventions"], ["CRC"])
        self.assertEqual(out[2]["locality"], [])  # Quảng Ngãi is not the locality
        self.assertEqual(out[3]["conventions"], ["CAT"])

    def test_it_streams(self):
        def endless():
            n = 0
            while True:
                n += 1
                yield {"id": n, "title": f"Tin số {n}", "text": "Thời tiết hôm nay nắng."}

        stream = classify_records(endless())
        self.assertEqual(next(stream)["id"], 1)
        self.assertEqual(next(stream)["id"], 2)


class MonitorCommandTest(SimpleTestCase):
    def test_classify_reads_and_writes_jsonl(self):
        with tempfile.TemporaryDirectory() as folder:
            source, target = Path(folder, "in.jsonl"), Path(folder, "out.jsonl")
            lines = [json.dumps(r, ensure_ascii=False) for r in (TRAINING, ACTING)]
            source.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
            call_command(
                "monitor", "classify", "--input", str(source), "--output", str(target),
                stderr=StringIO(),
            )  # fmt: skip
            out = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
        self.assertEqual(
            [(r["id"], r["relevant"]) for r in out], [("bqn-1", True), ("qng-2", False)]
        )

    def test_a_line_that_is_not_json_is_reported_with_its_number(self):
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder, "in.jsonl")
            source.write_text(json.dumps(TRAINING) + "\n{broken\n", encoding="utf-8")
            with self.assertRaisesMessage(CommandError, "2"):
                call_command(
                    "monitor", "classify", "--input", str(source), "--output",
                    str(Path(folder, "out.jsonl")), stderr=StringIO(),
                )  # fmt: skip

    def test_an_unknown_subcommand_is_an_error(self):
        with self.assertRaises(CommandError):
            call_command("monitor", "nonsense")


def make_article(source: Source | None, data: dict[str, str], **extra) -> Article:
    url = data["url"]
    return Article.objects.create(
        source=source,
        url=url,
        canonical_url=url,
        url_hash=hashlib.sha256(url.encode()).hexdigest(),
        outlet=url.split("/")[2],
        title=data["title"],
        text=data["text"],
        fetched_at=timezone.now(),
        published=extra.pop("published", None),
        **extra,
    )


class ThemeSeedTest(KehoachTestCase):
    def test_it_seeds_five_themes_once_and_keeps_staff_edits(self):
        definitions = theme_definitions_seed(plan=self.district_plan)
        # T0: general human-rights terms, which count towards relevance and tag no theme.
        self.assertEqual([d.code for d in definitions], ["T0", "T1", "T2", "T3", "T4", "T5"])
        t2 = ThemeDefinition.objects.get(plan=self.district_plan, code="T2")
        self.assertIn("nội luật hóa | 0.6", t2.terms.splitlines())
        self.assertIn("quyền sử dụng đất", t2.exclusions.splitlines())
        t2.terms = "quyền con người | 0.9"
        t2.save()
        theme_definitions_seed(plan=self.district_plan)
        t2.refresh_from_db()
        self.assertEqual(t2.terms, "quyền con người | 0.9")
        theme_definitions_seed(plan=self.district_plan, replace=True)
        t2.refresh_from_db()
        self.assertIn("nội luật hóa | 0.6", t2.terms.splitlines())


class SeedThemesCommandTest(KehoachTestCase):
    def test_it_seeds_the_plans_themes(self):
        out = StringIO()
        call_command("monitor", "seed-themes", "--plan", str(self.district_plan.pk), stdout=out)
        self.assertEqual(
            list(
                ThemeDefinition.objects.filter(plan=self.district_plan).values_list(
                    "code", flat=True
                )
            ),
            ["T0", "T1", "T2", "T3", "T4", "T5"],
        )


class ArticleAnalyseTest(KehoachTestCase):
    def setUp(self):
        pipeline.reset_caches()
        theme_definitions_seed(plan=self.district_plan)
        self.source = Source.objects.create(
            unit=self.office, name="Báo Quảng Nam", kind="feed", url="https://baoquangnam.vn/rss"
        )

    def test_it_writes_the_analysis_with_its_evidence(self):
        article = make_article(self.source, TRAINING)
        article_analyse(article)
        article.refresh_from_db()
        self.assertTrue(article.relevant)
        self.assertGreaterEqual(article.relevance, 0.5)
        self.assertIn("T2", article.themes)
        self.assertEqual(article.conventions, ["CRC"])
        # Places come from the unit tree in the database (the test cast's district).
        self.assertEqual(article.places, ["Núi Thành"])
        self.assertEqual(article.lang, "vi")
        self.assertIsNotNone(article.analysed_at)
        self.assertTrue(any("quyền con người" in e["term"] for e in article.evidence["terms"]))
        self.assertFalse(article.evidence["model"])  # no decisions yet: terms alone

    def test_a_staff_edit_of_the_terms_takes_effect(self):
        ThemeDefinition.objects.filter(plan=self.district_plan).update(active=False)
        article = make_article(self.source, TRAINING)
        article_analyse(article)
        article.refresh_from_db()
        self.assertEqual(article.themes, [])
        ThemeDefinition.objects.filter(plan=self.district_plan, code="T3").update(
            active=True, terms="hội nghị | 0.9", updated_at=timezone.now()
        )
        article_analyse(article)
        article.refresh_from_db()
        self.assertEqual(article.themes, ["T3"])

    def test_a_rewrite_joins_the_story_which_counts_its_outlets(self):
        first = make_article(
            self.source, TRAINING, published=timezone.make_aware(dt.datetime(2024, 3, 12, 7))
        )
        second = make_article(
            self.source, REWRITE, published=timezone.make_aware(dt.datetime(2024, 3, 12, 15))
        )
        other = make_article(self.source, ACTING)
        for article in (first, second, other):
            article_analyse(article)
        first.refresh_from_db()
        second.refresh_from_db()
        other.refresh_from_db()
        self.assertEqual(first.story_id, second.story_id)
        self.assertNotEqual(other.story_id, first.story_id)
        story = first.story
        assert story is not None
        self.assertEqual(story.article_count, 2)
        self.assertEqual(story.outlets, ["baoquangnam.vn", "baodanang.vn"])
        self.assertEqual(story.first_seen, first.published)
        self.assertEqual(story.last_seen, second.published)
        self.assertTrue(story.relevant)
        self.assertEqual(story.title, TRAINING["title"])

    def test_another_process_finds_the_story_from_the_database(self):
        first = make_article(self.source, TRAINING)
        article_analyse(first)
        pipeline.reset_caches()  # a new worker process
        second = make_article(self.source, REWRITE)
        article_analyse(second)
        first.refresh_from_db()
        second.refresh_from_db()
        self.assertEqual(first.story_id, second.story_id)

    def test_claims_are_matched_with_score_strength_and_passages(self):
        claim = FactCheck.objects.create(
            claim="Huyện Núi Thành cấm cán bộ, công chức tìm hiểu về quyền con người.",
            verdict="false",
        )
        data = dict(TRAINING)
        data["text"] += (
            " Trước đó, một trang mạng đăng tin huyện Núi Thành cấm cán bộ, công chức tìm hiểu "
            "về quyền con người."
        )
        article = make_article(self.source, data)
        article_analyse(article)
        match = ClaimMatch.objects.get(article=article, fact_check=claim)
        self.assertEqual(match.strength, "strong")
        self.assertTrue(match.sentence.startswith("Trước đó"))
        self.assertEqual(match.passage, claim.claim)
        article_analyse(article)  # again: still one match per article and claim
        self.assertEqual(ClaimMatch.objects.filter(article=article).count(), 1)

    def test_an_edited_claim_is_matched_as_edited(self):
        claim = FactCheck.objects.create(claim="Một nội dung không liên quan gì.", verdict="false")
        article = make_article(self.source, TRAINING)
        article_analyse(article)
        self.assertFalse(ClaimMatch.objects.filter(article=article).exists())
        claim.claim = "UBND huyện Núi Thành tổ chức hội nghị tuyên truyền về quyền con người."
        claim.save()
        article_analyse(article)
        self.assertTrue(ClaimMatch.objects.filter(article=article, fact_check=claim).exists())

    def test_reviewers_decisions_become_training_examples(self):
        relevant = make_article(self.source, TRAINING)
        other = make_article(self.source, ACTING)
        Review.objects.create(article=relevant, decision=Decision.NOT_RELEVANT)
        Review.objects.create(article=relevant, decision=Decision.RELEVANT, themes=["T2"])
        Review.objects.create(article=other, decision=Decision.NOT_RELEVANT)
        examples = review_examples()
        self.assertEqual(len(examples), 2)
        self.assertIn((True, ["T2"]), [(rel, themes) for _t, rel, themes in examples])


def main(argv):
    """Stands in for a subcommand module (`monitor` dispatches to main(argv))."""
    DISPATCHED.append(list(argv))
    return 0


DISPATCHED: list[list[str]] = []


class MonitorDispatchTest(SimpleTestCase):
    def test_other_subcommands_go_to_their_module_with_the_rest_of_the_arguments(self):
        from unittest import mock

        from kehoach.monitoring.management.commands import monitor

        DISPATCHED.clear()
        with mock.patch.dict(monitor.DISPATCH, {"try": __name__}):
            call_command("monitor", "try", "--devset", "x", "--output", "-")
        self.assertEqual(DISPATCHED, [["--devset", "x", "--output", "-"]])


class ClassifyWithPlanTest(KehoachTestCase):
    def test_plan_option_uses_its_theme_definitions_and_the_unit_tree(self):
        theme_definitions_seed(plan=self.district_plan)
        ThemeDefinition.objects.filter(plan=self.district_plan, code="T3").update(
            terms="hội thi | 0.9"
        )
        item = {
            "id": 1,
            "title": "Hội thi tiếng hát xã Tam Xuân 1",
            "text": "Huyện Phú Ninh và xã Tam Đàn cử đội tham gia.",
        }
        with tempfile.TemporaryDirectory() as folder:
            source, target = Path(folder, "in.jsonl"), Path(folder, "out.jsonl")
            source.write_text(json.dumps(item, ensure_ascii=False), encoding="utf-8")
            call_command(
                "monitor", "classify", "--input", str(source), "--output", str(target),
                "--plan", str(self.district_plan.pk), stderr=StringIO(),
            )  # fmt: skip
            out = json.loads(target.read_text(encoding="utf-8"))
        self.assertTrue(out["relevant"])
        self.assertEqual(out["themes"], ["T3"])
        # The plan's district, its ancestors and successors; a neighbouring district is not.
        self.assertEqual(out["locality"], ["Tam Xuân I"])

    def test_an_unknown_plan_is_an_error(self):
        with self.assertRaisesMessage(CommandError, "999999"):
            call_command("monitor", "classify", "--input", "-", "--output", "-", "--plan", "999999")


class HardNegativesInTheDatabaseTest(KehoachTestCase):
    def setUp(self):
        pipeline.reset_caches()
        theme_definitions_seed(plan=self.district_plan)

    def test_the_seeded_exclusions_mask_an_acting_chairman(self):
        article = make_article(
            None,
            {
                "url": "https://baoquangnam.vn/quyen-chu-tich-huyen.html",
                "title": "Núi Thành có quyền Chủ tịch UBND huyện",
                "text": "Ông Lê Văn Hùng được giao quyền Chủ tịch UBND huyện Núi Thành.",
            },
        )
        article_analyse(article)
        article.refresh_from_db()
        self.assertFalse(article.relevant)
        self.assertEqual(article.places, ["Núi Thành"])
        self.assertIn("quyền Chủ tịch", article.evidence["excluded"])


class LearningFromReviewsTest(KehoachTestCase):
    def setUp(self):
        pipeline.reset_caches()
        theme_definitions_seed(plan=self.district_plan)

    def test_the_model_joins_the_terms_once_reviewers_decided_enough(self):
        for i in range(10):
            yes = make_article(
                None,
                {
                    "url": f"https://baoquangnam.vn/hoi-thi-luat-lao-dong-{i}.html",
                    "title": f"Hội thi tìm hiểu Bộ luật Lao động cho công nhân lần {i}",
                    "text": "Công nhân khu công nghiệp Tam Hiệp tìm hiểu Bộ luật Lao động.",
                },
            )
            no = make_article(
                None,
                {
                    "url": f"https://baoquangnam.vn/bong-da-{i}.html",
                    "title": f"Giải bóng đá thanh niên lần {i}",
                    "text": "Các đội bóng thanh niên tranh tài trên sân vận động huyện.",
                },
            )
            Review.objects.create(article=yes, decision=Decision.RELEVANT, themes=["T2"])
            Review.objects.create(article=no, decision=Decision.NOT_RELEVANT)
        article = make_article(
            None,
            {
                "url": "https://baoquangnam.vn/hoi-thi-moi.html",
                "title": "Hội thi tìm hiểu Bộ luật Lao động năm 2024",
                "text": "Công nhân tìm hiểu Bộ luật Lao động.",
            },
        )
        article_analyse(article)
        article.refresh_from_db()
        self.assertTrue(article.evidence["model"])
        self.assertGreater(article.relevance, 0)


class HugeTextTest(SimpleTestCase):
    def test_only_the_beginning_of_a_huge_page_is_read(self):
        filler = "x " * (pipeline.MAX_CHARS // 2)
        [early, late] = classify_records(
            [
                {"id": "early", "title": "", "text": "Quyền con người ở Núi Thành. " + filler},
                {"id": "late", "title": "", "text": filler + " Quyền con người ở Núi Thành."},
            ]
        )
        self.assertTrue(early["relevant"])
        self.assertFalse(late["relevant"])
