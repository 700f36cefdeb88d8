"""parse_document puts header, targets, tasks and reporting together in the label format."""

from pathlib import Path
from typing import Any

from django.test import SimpleTestCase

from kehoach.plans.importer.document import Document
from kehoach.plans.importer.parse import parse_document

SEED = Path(__file__).parent / "data" / "importer" / "docs" / "00_seed.md"


class ParseDocumentTests(SimpleTestCase):
    draft: dict[str, Any]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.draft = parse_document(Document.from_text(SEED.read_text(encoding="utf-8")))

    def test_it_has_every_key_of_the_label_format(self) -> None:
        for key in ("title", "issuer", "number", "date", "year", "targets", "tasks", "reporting"):
            self.assertIn(key, self.draft)
        self.assertEqual(self.draft["year"], 2024)

    def test_every_task_points_at_its_source_line(self) -> None:
        lines = SEED.read_text(encoding="utf-8").split("\n")
        for task in self.draft["tasks"]:
            with self.subTest(title=task["title"]):
                self.assertIn(task["title"][:30], lines[task["source_line"] - 1])

    def test_the_task_times_use_the_plan_year(self) -> None:
        task = next(t for t in self.draft["tasks"] if t["title"].startswith("Phối hợp cử cán bộ"))
        self.assertEqual(
            (task["time"], task["start"], task["end"]),
            ("Quý III, IV/ năm 2024", "2024-07-01", "2024-12-31"),
        )
