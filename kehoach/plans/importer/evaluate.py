"""Scoring drafts against hand-made labels (`kehoach eval-import DOCS_DIR LABELS_DIR`).

Per document and overall: precision, recall and F1 for each field. Tasks are paired with label
tasks by title similarity, targets by text similarity, reporting duties by who + due; the fields of
paired items are then compared, and an item left unpaired counts against every field it carries.
Texts are compared by `search_key` (case, diacritics placement, spaces and final punctuation do
not count), titles case-insensitively as the label conventions ask.

A value counts as found when draft and label agree; a value only in the draft is a false positive,
one only in the label a false negative, a different value both. Empty values (None, False, [])
count for nothing, so a field with nothing to find and nothing found scores 1.0.
"""

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from kehoach.lib.vntext import search_key

from .document import Document
from .extract import extract
from .parse import parse_document

FIELDS = (
    "tasks",
    "lead",
    "support",
    "units",  # lead + support together: the acceptance measure for units
    "time",
    "dates",
    "targets",
    "values",
    "reporting",
    "metadata",
)
DOC_SUFFIXES = (".docx", ".pdf", ".md", ".txt", ".html", ".htm")
TITLE_MATCH = 0.6  # similarity below which two task titles are different tasks
TEXT_MATCH = 0.5  # the same for target texts and reporting "who"


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Score") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class DocumentResult:
    name: str
    scores: dict[str, Score] = field(default_factory=lambda: {f: Score() for f in FIELDS})
    error: str = ""


def norm(value: object) -> str:
    """Comparison key of a text value: no case, marks, markup, extra spaces or final punctuation."""
    text = re.sub(r"\*+|<br\s*/?>", " ", str(value))
    text = search_key(text)
    text = re.sub(r"[\u201c\u201d\"'`]", "", text)
    return re.sub(r"[\s.,;:!]+$", "", re.sub(r"\s+", " ", text)).strip()


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, norm(a), norm(b), autojunk=False).ratio()


def _empty(value: object) -> bool:
    return value is None or value is False or value == "" or value == []


def compare(draft: object, label: object, *, key: Callable[[object], object] = norm) -> Score:
    """One slot: found, missed, wrong or both empty."""
    d_empty, l_empty = _empty(draft), _empty(label)
    if d_empty and l_empty:
        return Score()
    if not d_empty and not l_empty and key(draft) == key(label):
        return Score(tp=1)
    return Score(fp=0 if d_empty else 1, fn=0 if l_empty else 1)


def compare_sets(draft: Iterable[object], label: Iterable[object]) -> Score:
    d, lab = {norm(v) for v in draft if v}, {norm(v) for v in label if v}
    return Score(tp=len(d & lab), fp=len(d - lab), fn=len(lab - d))


def align(
    drafts: Sequence[dict[str, Any]],
    labels: Sequence[dict[str, Any]],
    score: Callable[[dict[str, Any], dict[str, Any]], float],
    threshold: float,
) -> list[tuple[int, int]]:
    """Pairs (draft index, label index), best pairs first, each item used once."""
    candidates = sorted(
        (
            (s, i, j)
            for i, d in enumerate(drafts)
            for j, lab in enumerate(labels)
            if (s := score(d, lab)) >= threshold
        ),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    used_d: set[int] = set()
    used_l: set[int] = set()
    pairs = []
    for _, i, j in candidates:
        if i not in used_d and j not in used_l:
            used_d.add(i)
            used_l.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def _plain(value: object) -> object:
    return value


def _task_fields(draft: dict[str, Any], label: dict[str, Any], scores: dict[str, Score]) -> None:
    for name in ("lead", "support"):
        unit_score = compare_sets(draft.get(name) or [], label.get(name) or [])
        scores[name].add(unit_score)
        scores["units"].add(unit_score)
    scores["time"].add(compare(draft.get("time"), label.get("time")))
    for name in ("start", "end"):
        scores["dates"].add(compare(draft.get(name), label.get(name), key=_plain))
    scores["dates"].add(compare(bool(draft.get("recurring")), bool(label.get("recurring"))))


def _score_tasks(
    draft: list[dict[str, Any]], label: list[dict[str, Any]], scores: dict[str, Score]
) -> None:
    pairs = align(
        draft,
        label,
        lambda d, lab: similarity(d.get("title") or "", lab.get("title") or ""),
        TITLE_MATCH,
    )
    scores["tasks"].add(
        Score(tp=len(pairs), fp=len(draft) - len(pairs), fn=len(label) - len(pairs))
    )
    for i, j in pairs:
        _task_fields(draft[i], label[j], scores)
    paired_d, paired_l = {i for i, _ in pairs}, {j for _, j in pairs}
    for i, task in enumerate(draft):
        if i not in paired_d:
            _task_fields(task, {}, scores)
    for j, task in enumerate(label):
        if j not in paired_l:
            _task_fields({}, task, scores)


def _target_values(draft: dict[str, Any], label: dict[str, Any]) -> Score:
    total = Score()
    for name in ("value", "value_max"):
        total.add(compare(draft.get(name), label.get(name), key=lambda v: float(str(v))))
    total.add(compare(draft.get("unit"), label.get("unit")))
    return total


def _score_targets(
    draft: list[dict[str, Any]], label: list[dict[str, Any]], scores: dict[str, Score]
) -> None:
    pairs = align(
        draft,
        label,
        lambda d, lab: similarity(d.get("text") or "", lab.get("text") or ""),
        TEXT_MATCH,
    )
    scores["targets"].add(
        Score(tp=len(pairs), fp=len(draft) - len(pairs), fn=len(label) - len(pairs))
    )
    paired_d, paired_l = {i for i, _ in pairs}, {j for _, j in pairs}
    for i, j in pairs:
        scores["values"].add(_target_values(draft[i], label[j]))
    for i, target in enumerate(draft):
        if i not in paired_d:
            scores["values"].add(_target_values(target, {}))
    for j, target in enumerate(label):
        if j not in paired_l:
            scores["values"].add(_target_values({}, target))


def _reporting_score(draft: dict[str, Any], label: dict[str, Any]) -> float:
    if (draft.get("due") or None) != (label.get("due") or None):
        return 0.0
    return similarity(draft.get("who") or "", label.get("who") or "")


def _score_reporting(
    draft: list[dict[str, Any]], label: list[dict[str, Any]], scores: dict[str, Score]
) -> None:
    pairs = align(draft, label, _reporting_score, TEXT_MATCH)
    scores["reporting"].add(
        Score(tp=len(pairs), fp=len(draft) - len(pairs), fn=len(label) - len(pairs))
    )


def _score_metadata(draft: dict[str, Any], label: dict[str, Any], scores: dict[str, Score]) -> None:
    for name in ("title", "issuer", "number", "date"):
        scores["metadata"].add(compare(draft.get(name), label.get(name)))
    scores["metadata"].add(compare(draft.get("year"), label.get("year"), key=_plain))
    if draft.get("period") or label.get("period"):
        d_period, l_period = draft.get("period") or {}, label.get("period") or {}
        for name in ("start", "end"):
            scores["metadata"].add(compare(d_period.get(name), l_period.get(name), key=_plain))


def score_draft(draft: dict[str, Any], label: dict[str, Any], *, name: str = "") -> DocumentResult:
    """Scores of one draft against its label."""
    result = DocumentResult(name=name)
    _score_tasks(draft.get("tasks") or [], label.get("tasks") or [], result.scores)
    _score_targets(draft.get("targets") or [], label.get("targets") or [], result.scores)
    _score_reporting(draft.get("reporting") or [], label.get("reporting") or [], result.scores)
    _score_metadata(draft, label, result.scores)
    return result


def read_document(path: Path) -> Document:
    """A document file through the importer's own extraction, as an upload would be read."""
    return extract(path.read_bytes(), path.name)


def pair_files(docs_dir: Path, labels_dir: Path) -> list[tuple[Path, Path]]:
    """Each document with its label: the same file stem, or else the same "NN_" prefix."""
    labels = sorted(labels_dir.glob("*.json"))
    pairs = []
    for doc in sorted(p for p in docs_dir.iterdir() if p.suffix.lower() in DOC_SUFFIXES):
        label = next((lab for lab in labels if lab.stem == doc.stem), None)
        if label is None:
            prefix = doc.name.split("_", 1)[0]
            label = next((lab for lab in labels if lab.name.split("_", 1)[0] == prefix), None)
        if label is not None:
            pairs.append((doc, label))
    return pairs


def evaluate_dir(docs_dir: Path, labels_dir: Path) -> list[DocumentResult]:
    """Score every document of DOCS_DIR that has a label in LABELS_DIR."""
    results = []
    for doc_path, label_path in pair_files(docs_dir, labels_dir):
        label = json.loads(label_path.read_text(encoding="utf-8"))
        try:
            draft = parse_document(read_document(doc_path))
        except ValueError as error:  # an unreadable file: every label item is missed
            result = score_draft({}, label, name=doc_path.name)
            result.error = str(error)
        else:
            result = score_draft(draft, label, name=doc_path.name)
        results.append(result)
    return results


def overall(results: Sequence[DocumentResult]) -> DocumentResult:
    """Counts summed over documents (micro average)."""
    total = DocumentResult(name="overall")
    for result in results:
        for name, score in result.scores.items():
            total.scores[name].add(score)
    return total


def rows(results: Sequence[DocumentResult]) -> list[dict[str, Any]]:
    """Flat rows (document, field, precision, recall, f1, tp, fp, fn) for reports and the bench."""
    out = []
    for result in [*results, overall(results)]:
        for name in FIELDS:
            score = result.scores[name]
            out.append(
                {
                    "document": result.name,
                    "field": name,
                    "precision": round(score.precision, 3),
                    "recall": round(score.recall, 3),
                    "f1": round(score.f1, 3),
                    "tp": score.tp,
                    "fp": score.fp,
                    "fn": score.fn,
                }
            )
    return out


def format_table(results: Sequence[DocumentResult]) -> str:
    """Per document a table of P/R/F1 by field, then the overall one and an F1 summary."""
    lines = []
    for result in [*results, overall(results)]:
        lines.append(f"== {result.name}" + (f"  ({result.error})" if result.error else ""))
        lines.append(f"{'field':<10} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}")
        for name in FIELDS:
            s = result.scores[name]
            figures = f"{s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}"
            lines.append(f"{name:<10} {figures} {s.tp:5d} {s.fp:5d} {s.fn:5d}")
        lines.append("")
    width = max([len(r.name) for r in results] + [7])
    lines.append("F1 " + " " * (width - 2) + " ".join(f"{name[:7]:>7}" for name in FIELDS))
    for result in [*results, overall(results)]:
        lines.append(
            f"{result.name:<{width}} " + " ".join(f"{result.scores[n].f1:7.3f}" for n in FIELDS)
        )
    return "\n".join(lines)
