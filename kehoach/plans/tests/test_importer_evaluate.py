"""eval-import scoring, and the acceptance bar on the labelled documents copied into tests/data."""

import io
import json
import shutil
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase

from kehoach.plans.importer.evaluate import (
    FIELDS,
    DocumentResult,
    evaluate_dir,
    pair_files,
    rows,
    score_draft,
)

DATA = Path(__file__).parent / "data" / "importer"
DOCS, LABELS = DATA / "docs", DATA / "labels"

LABEL = {
    "title": "KẾ HOẠCH THỬ",
    "issuer": "UBND huyện Núi Thành",
    "number": None,
    "date": None,
    "year": 2024,
    "targets": [{"text": "100% xã có kế hoạch.", "value": 100, "unit": "%"}],
    "tasks": [
        {
            "title": "Tổ chức theo dõi thông tin",
            "lead": ["Phòng Văn hoá và Thông tin huyện"],
            "support": ["UBND các xã, thị trấn"],
            "time": "Quý II/2024",
            "start": "2024-04-01",
            "end": "2024-06-30",
            "recurring": False,
        },
        {
            "title": "Tham gia tập huấn",
            "lead": ["Phòng Văn hoá và Thông tin huyện"],
            "support": [],
            "time": "Thường xuyên",
            "start": None,
            "end": None,
            "recurring": True,
        },
    ],
    "reporting": [{"who": "UBND các xã, thị trấn", "what": "báo cáo", "due": "06-30"}],
}


class ScoreDraftTests(SimpleTestCase):
    def test_a_draft_equal_to_its_label_scores_one_everywhere(self) -> None:
        result = score_draft(json.loads(json.dumps(LABEL)), LABEL)
        self.assertEqual(
            {name: s.f1 for name, s in result.scores.items()}, dict.fromkeys(result.scores, 1.0)
        )

    def test_it_pairs_tasks_by_title_ignoring_case_marks_and_final_period(self) -> None:
        draft = json.loads(json.dumps(LABEL))
        draft["title"] = "Kế hoạch thử"
        draft["tasks"][0]["title"] = "TỔ CHỨC THEO DÕI THÔNG TIN."
        draft["tasks"][0]["lead"] = ["Phòng Văn hóa và Thông tin huyện."]  # other tone placement
        result = score_draft(draft, LABEL)
        self.assertEqual(result.scores["tasks"].f1, 1.0)
        self.assertEqual(result.scores["lead"].f1, 1.0)
        self.assertEqual(result.scores["metadata"].f1, 1.0)

    def test_a_missed_task_costs_its_units_and_times_too(self) -> None:
        draft = json.loads(json.dumps(LABEL))
        del draft["tasks"][1]
        scores = score_draft(draft, LABEL).scores
        self.assertEqual((scores["tasks"].tp, scores["tasks"].fn), (1, 1))
        self.assertEqual((scores["lead"].tp, scores["lead"].fn), (1, 1))
        self.assertEqual(scores["time"].fn, 1)
        self.assertEqual(scores["dates"].fn, 1)  # recurring

    def test_wrong_units_and_dates_count_as_both_false_positive_and_negative(self) -> None:
        draft = json.loads(json.dumps(LABEL))
        draft["tasks"][0]["support"] = ["UBND các xã, thị trấn", "Công an huyện"]
        draft["tasks"][0]["end"] = "2024-12-31"
        scores = score_draft(draft, LABEL).scores
        self.assertEqual((scores["support"].tp, scores["support"].fp), (1, 1))
        self.assertEqual((scores["dates"].fp, scores["dates"].fn), (1, 1))
        self.assertLess(scores["units"].precision, 1.0)

    def test_reporting_pairs_by_who_and_due(self) -> None:
        draft = json.loads(json.dumps(LABEL))
        draft["reporting"][0]["due"] = "11-30"
        self.assertEqual(score_draft(draft, LABEL).scores["reporting"].f1, 0.0)


class PairFilesTests(SimpleTestCase):
    def test_documents_pair_with_labels_by_name_and_prefix(self) -> None:
        pairs = {doc.name: label.name for doc, label in pair_files(DOCS, LABELS)}
        self.assertEqual(pairs["00_seed.md"], "00_seed.json")
        self.assertEqual(
            pairs["14_laocai-sct-dean08-cong-nghiep.docx"], "14_laocai-sct-dean08-cong-nghiep.json"
        )
        self.assertEqual(len(pairs), 6)


class AcceptanceTests(SimpleTestCase):
    """The quality bar of issue 3 on the labelled public documents."""

    results: dict[str, DocumentResult]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.results = {r.name: r for r in evaluate_dir(DOCS, LABELS)}

    def test_seed_and_doc_14_as_docx_read_every_field_right(self) -> None:
        for name in ("00_seed.md", "14_laocai-sct-dean08-cong-nghiep.docx"):
            for field in FIELDS:
                with self.subTest(document=name, field=field):
                    self.assertEqual(self.results[name].scores[field].f1, 1.0)

    def test_every_document_reaches_task_and_unit_f1_of_09(self) -> None:
        self.assertEqual(len(self.results), 6)
        for name, result in self.results.items():
            for field in ("tasks", "units"):
                with self.subTest(document=name, field=field):
                    self.assertGreaterEqual(result.scores[field].f1, 0.9)

    def test_rows_give_one_row_per_document_and_field_plus_overall(self) -> None:
        table = rows(list(self.results.values()))
        overall = [r for r in table if r["document"] == "overall" and r["field"] == "tasks"]
        self.assertEqual(overall[0]["f1"], 1.0)
        self.assertEqual(len(table), 7 * 10)


class EvalImportCommandTests(SimpleTestCase):
    def test_it_prints_a_table_per_document_and_overall(self) -> None:
        out = io.StringIO()
        call_command("eval_import", str(DOCS), str(LABELS), stdout=out)
        text = out.getvalue()
        self.assertIn("== 00_seed.md", text)
        self.assertIn("== overall", text)

    def test_it_prints_json_rows(self) -> None:
        out = io.StringIO()
        call_command("eval_import", str(DOCS), str(LABELS), "--json", stdout=out)
        self.assertEqual(json.loads(out.getvalue())[0]["document"], "00_seed.md")

    def test_it_refuses_a_missing_folder_or_unpaired_documents(self) -> None:
        with self.assertRaises(CommandError):
            call_command("eval_import", str(DOCS / "nowhere"), str(LABELS))
        with tempfile.TemporaryDirectory() as empty, self.assertRaises(CommandError):
            call_command("eval_import", empty, str(LABELS))

    def test_an_unreadable_document_scores_zero_and_is_named(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            shutil.copy(LABELS / "00_seed.json", Path(folder) / "00_seed.json")
            (Path(folder) / "00_seed.docx").write_bytes(b"not a zip")
            results = evaluate_dir(Path(folder), Path(folder))
        self.assertEqual(results[0].scores["tasks"].recall, 0.0)
        self.assertTrue(results[0].error)
