"""`kehoach monitor evaluate`: the analysis pipeline against the labelled development set.

Reads kehoach/monitoring/data/devset/items.jsonl (the classify command's input) and labels.jsonl,
runs `kehoach.monitoring.analysis.pipeline.classify_records` and a plain keyword baseline over the
same items, and reports, for each of them:

- relevance precision, recall and F1 (positive class: relevant);
- theme macro-F1 (F1 of each theme T1..T5 over all items, averaged) and the same for conventions;
- duplicate grouping: pairwise F1 (a pair of items is positive when both are in the same story;
  predicted pairs against labelled pairs, counted from the contingency table, never all pairs),
  for the labelled stories (same event, follow-ups and other outlets' own reports included) and
  for copies only (labels' "copy": reposts, syndication, print versions, derived copies must be
  grouped; a predicted pair is right when both items are in the same labelled story);
- locality: micro-F1 over (item, place) pairs, place names normalised (administrative prefix
  dropped, case folded, "Tam Xuân 1" = "Tam Xuân I").

The Markdown table is printed and written to docs/monitoring-eval.md (--output).
"""

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

DEVSET_DIR = Path(__file__).resolve().parent / "data" / "devset"
REPORT_PATH = Path(__file__).resolve().parents[2] / "docs" / "monitoring-eval.md"
UNITS_JSON = Path(__file__).resolve().parents[1] / "units" / "data" / "nui-thanh.json"
COMMAND = "kehoach monitor evaluate"

THEMES = ("T1", "T2", "T3", "T4", "T5")
CONVENTIONS = ("ICCPR", "ICESCR", "CEDAW", "ICERD", "CRC", "CRPD", "CAT")

# --- The keyword baseline ---------------------------------------------------------------------

BASELINE_RELEVANT = ("nhân quyền", "quyền con người", "human rights", "human right")
BASELINE_THEMES: dict[str, tuple[str, ...]] = {
    "T1": ("công ước", "luật pháp quốc tế", "convention"),
    "T2": ("pháp luật", "chính sách", "nội luật hóa", "law"),
    "T3": ("giảm nghèo", "dân tộc thiểu số", "yếu thế", "poverty"),
    "T4": ("xuyên tạc", "thù địch", "luận điệu", "activist"),
    "T5": ("hội đồng nhân quyền", "đối ngoại", "liên hợp quốc", "human rights council"),
}
BASELINE_CONVENTIONS: dict[str, tuple[str, ...]] = {
    "ICCPR": ("quyền dân sự và chính trị", "iccpr", "civil and political rights"),
    "ICESCR": ("quyền kinh tế, xã hội và văn hóa", "icescr"),
    "CEDAW": ("phân biệt đối xử với phụ nữ", "cedaw"),
    "ICERD": ("phân biệt chủng tộc", "cerd", "racial discrimination"),
    "CRC": ("quyền trẻ em", "rights of the child"),
    "CRPD": ("người khuyết tật", "persons with disabilities"),
    "CAT": ("chống tra tấn", "against torture"),
}


def _unit_names(path: Path = UNITS_JSON) -> list[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    kinds = {"province", "city", "district", "township", "commune"}
    return [unit["name"] for unit in data["units"] if unit.get("kind") in kinds]


def _title_key(title: str) -> str:
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFC", title).casefold()))


def baseline_records(
    items: Iterable[Mapping[str, Any]], unit_names: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """The plain keyword baseline: relevant if one of a few keywords appears; a theme or
    convention if one of its keywords appears; stories by identical normalised titles; places
    by the unit names of the tree (e.g. "Huyện Núi Thành") appearing as they are (ignoring case)."""
    names = list(unit_names) if unit_names is not None else _unit_names()
    out: list[dict[str, Any]] = []
    story_of_title: dict[str, str] = {}
    for item in items:
        title = str(item.get("title") or "")
        body = unicodedata.normalize("NFC", f"{title}\n{item.get('text') or ''}").casefold()
        key = _title_key(title) or str(item["id"])
        story = story_of_title.setdefault(key, str(item["id"]))
        out.append(
            {
                "id": item["id"],
                "relevant": any(word in body for word in BASELINE_RELEVANT),
                "themes": [
                    t for t, words in BASELINE_THEMES.items() if any(w in body for w in words)
                ],
                "conventions": [
                    c for c, words in BASELINE_CONVENTIONS.items() if any(w in body for w in words)
                ],
                "locality": [n for n in names if n.casefold() in body],
                "story": story,
            }
        )
    return out


# --- Metrics ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float


def prf(tp: int, fp: int, fn: int) -> Scores:
    """Precision, recall and F1 from counts; 0 where undefined, except that nothing to find and
    nothing found scores 1 (a perfect answer to an empty question)."""
    if tp == fp == fn == 0:
        return Scores(1.0, 1.0, 1.0)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1)


def relevance_scores(gold: Mapping[str, bool], pred: Mapping[str, bool]) -> Scores:
    tp = sum(1 for k, g in gold.items() if g and pred.get(k, False))
    fp = sum(1 for k, g in gold.items() if not g and pred.get(k, False))
    fn = sum(1 for k, g in gold.items() if g and not pred.get(k, False))
    return prf(tp, fp, fn)


def per_label_f1(
    gold: Mapping[str, Iterable[str]], pred: Mapping[str, Iterable[str]], labels: Sequence[str]
) -> dict[str, float]:
    """F1 of each label, each item a yes/no decision for that label."""
    result: dict[str, float] = {}
    for label in labels:
        tp = fp = fn = 0
        for key, gold_labels in gold.items():
            g, p = label in set(gold_labels), label in set(pred.get(key, ()))
            tp += g and p
            fp += p and not g
            fn += g and not p
        result[label] = prf(tp, fp, fn).f1
    return result


def macro_f1(
    gold: Mapping[str, Iterable[str]], pred: Mapping[str, Iterable[str]], labels: Sequence[str]
) -> float:
    scores = per_label_f1(gold, pred, labels)
    return sum(scores.values()) / len(scores) if scores else 0.0


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise_cluster_scores(gold: Mapping[str, str], pred: Mapping[str, Any]) -> Scores:
    """Pairs of items grouped together: predicted pairs against labelled pairs. Counted from the
    sizes of groups and of their intersections (linear in the number of items)."""
    keys = list(gold)
    cells = Counter((gold[k], str(pred.get(k, f"\0{k}"))) for k in keys)
    gold_sizes = Counter(gold[k] for k in keys)
    pred_sizes = Counter(str(pred.get(k, f"\0{k}")) for k in keys)
    tp = sum(_pairs(n) for n in cells.values())
    predicted = sum(_pairs(n) for n in pred_sizes.values())
    labelled = sum(_pairs(n) for n in gold_sizes.values())
    return prf(tp, predicted - tp, labelled - tp)


def copy_grouping_scores(
    story: Mapping[str, str], copy: Mapping[str, str], pred: Mapping[str, Any]
) -> Scores:
    """Near-duplicates: recall over pairs of copies (same "copy" label) put in one predicted
    story; precision over predicted pairs that stay within one labelled story (grouping an
    event's follow-ups is not an error here, mixing events is)."""
    keys = list(story)

    def predicted(k: str) -> str:
        return str(pred.get(k, f"\0{k}"))

    pred_sizes = Counter(predicted(k) for k in keys)
    predicted_pairs = sum(_pairs(n) for n in pred_sizes.values())
    within_story = sum(_pairs(n) for n in Counter((story[k], predicted(k)) for k in keys).values())
    copy_pairs = sum(_pairs(n) for n in Counter(copy[k] for k in keys).values())
    copies_found = sum(_pairs(n) for n in Counter((copy[k], predicted(k)) for k in keys).values())
    if predicted_pairs == 0 and copy_pairs == 0:
        return Scores(1.0, 1.0, 1.0)
    precision = within_story / predicted_pairs if predicted_pairs else 1.0
    recall = copies_found / copy_pairs if copy_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1)


_PREFIX = re.compile(
    r"^(?:ubnd\s+|ủy ban nhân dân\s+|uỷ ban nhân dân\s+)?"
    r"(?:tỉnh|huyện|thị trấn|xã|thành phố|tp\.?|phường|quận)\s+",
)
_ROMAN = {"1": "i", "2": "ii", "3": "iii"}


def place_key(name: str) -> str:
    """A place name for comparison: NFC, case folded, administrative prefix and spacing dropped,
    a trailing 1/2 read as I/II ("Tam Xuân 1" = "Xã Tam Xuân I" = "tam xuân i")."""
    text = " ".join(unicodedata.normalize("NFC", name).casefold().replace("oà", "òa").split())
    text = _PREFIX.sub("", text)
    return re.sub(r"\s(\d)$", lambda m: " " + _ROMAN.get(m.group(1), m.group(1)), text)


def locality_scores(gold: Mapping[str, Iterable[str]], pred: Mapping[str, Iterable[str]]) -> Scores:
    """Micro-averaged over (item, place) pairs, places compared by `place_key`."""
    tp = fp = fn = 0
    for key, gold_places in gold.items():
        g = {place_key(p) for p in gold_places}
        p = {place_key(x) for x in pred.get(key, ())}
        tp += len(g & p)
        fp += len(p - g)
        fn += len(g - p)
    return prf(tp, fp, fn)


# --- The development set ----------------------------------------------------------------------


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_devset(directory: Path = DEVSET_DIR) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(items in file order, labels by id)."""
    items = read_jsonl(directory / "items.jsonl")
    labels = {str(row["id"]): row for row in read_jsonl(directory / "labels.jsonl")}
    return items, labels


@dataclass(frozen=True)
class Evaluation:
    relevance: Scores
    themes: float
    theme_f1: dict[str, float]
    conventions: float
    stories: Scores
    copies: Scores
    locality: Scores


def evaluate(
    labels: Mapping[str, Mapping[str, Any]], records: Iterable[Mapping[str, Any]]
) -> Evaluation:
    pred = {str(r["id"]): r for r in records}
    keys = list(labels)

    def field(source: Mapping[str, Mapping[str, Any]], name: str, default: Any) -> dict[str, Any]:
        return {k: source.get(k, {}).get(name, default) for k in keys}

    gold_themes, pred_themes = field(labels, "themes", []), field(pred, "themes", [])
    story = {k: str(labels[k]["story"]) for k in keys}
    predicted_story = {k: pred[k]["story"] for k in keys if k in pred}
    return Evaluation(
        relevance=relevance_scores(
            field(labels, "relevant", False), field(pred, "relevant", False)
        ),
        themes=macro_f1(gold_themes, pred_themes, THEMES),
        theme_f1=per_label_f1(gold_themes, pred_themes, THEMES),
        conventions=macro_f1(
            field(labels, "conventions", []), field(pred, "conventions", []), CONVENTIONS
        ),
        stories=pairwise_cluster_scores(story, predicted_story),
        copies=copy_grouping_scores(
            story, {k: str(labels[k].get("copy") or k) for k in keys}, predicted_story
        ),
        locality=locality_scores(field(labels, "locality", []), field(pred, "locality", [])),
    )


def _pipeline(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from kehoach.monitoring.analysis.pipeline import classify_records

    return list(classify_records(items))


def describe(items: Sequence[Mapping[str, Any]], labels: Mapping[str, Mapping[str, Any]]) -> str:
    rows = [labels[str(i["id"])] for i in items]
    relevant = sum(1 for r in rows if r["relevant"])
    derived = sum(1 for r in rows if r.get("derived"))
    langs = Counter(r.get("lang", "?") for r in rows)
    stories = Counter(r["story"] for r in rows)
    grouped = sum(n for n in stories.values() if n > 1)
    located = sum(1 for r in rows if r["locality"])
    return (
        f"{len(rows)} items ({derived} derived near-duplicates), {relevant} relevant, "
        f"{len(rows) - relevant} not; languages "
        + ", ".join(f"{k} {v}" for k, v in sorted(langs.items()))
        + f"; {len(stories)} stories, {sum(1 for n in stories.values() if n > 1)} of them with "
        f"several items ({grouped} items); {located} items name a place of the unit tree."
    )


def _fmt(value: float) -> str:
    return f"{value:.3f}"


def _theme_f1(theme: str, evaluation: Evaluation) -> float:
    return evaluation.theme_f1[theme]


def table(results: Sequence[tuple[str, Evaluation]]) -> str:
    header = "| Metric | " + " | ".join(name for name, _ in results) + " |"
    lines = [header, "|---" * (len(results) + 1) + "|"]

    def row(label: str, get: Callable[[Evaluation], float]) -> None:
        lines.append(f"| {label} | " + " | ".join(_fmt(get(e)) for _, e in results) + " |")

    row("Relevance precision", lambda e: e.relevance.precision)
    row("Relevance recall", lambda e: e.relevance.recall)
    row("**Relevance F1**", lambda e: e.relevance.f1)
    row("**Theme macro-F1** (T1–T5)", lambda e: e.themes)
    for theme in THEMES:
        row(f"  F1 {theme}", partial(_theme_f1, theme))
    row("Convention macro-F1 (7 conventions)", lambda e: e.conventions)
    row("Duplicate grouping pairwise precision", lambda e: e.stories.precision)
    row("Duplicate grouping pairwise recall", lambda e: e.stories.recall)
    row("**Duplicate grouping pairwise F1** (same event)", lambda e: e.stories.f1)
    row("Near-duplicate grouping precision (within one event)", lambda e: e.copies.precision)
    row("Near-duplicate grouping recall (copies grouped)", lambda e: e.copies.recall)
    row("**Near-duplicate grouping F1** (copies)", lambda e: e.copies.f1)
    row("Locality precision", lambda e: e.locality.precision)
    row("Locality recall", lambda e: e.locality.recall)
    row("**Locality F1** (micro, place names)", lambda e: e.locality.f1)
    return "\n".join(lines)


def errors(
    items: Sequence[Mapping[str, Any]],
    labels: Mapping[str, Mapping[str, Any]],
    records: Iterable[Mapping[str, Any]],
) -> list[str]:
    """Markdown lines naming the pipeline's errors, for whoever tunes it."""
    pred = {str(r["id"]): r for r in records}
    title = {str(i["id"]): str(i.get("title") or "")[:80] for i in items}
    lines: list[str] = []
    for name, wanted in (("Relevant items missed", True), ("Items wrongly relevant", False)):
        wrong = [
            k
            for k, lab in labels.items()
            if lab["relevant"] is wanted and bool(pred.get(k, {}).get("relevant")) is not wanted
        ]
        lines.append(
            f"- {name} ({len(wrong)}): " + ("; ".join(f"{k} {title[k]}" for k in wrong) or "none")
        )
    groups: dict[str, list[str]] = {}
    for k in labels:
        groups.setdefault(str(pred.get(k, {}).get("story", k)), []).append(k)
    mixed = [ks for ks in groups.values() if len({labels[k]["story"] for k in ks}) > 1]
    lines.append(
        f"- Predicted stories mixing events ({len(mixed)}): "
        + (
            "; ".join(", ".join(f"{k} ({labels[k]['story']})" for k in ks) for ks in mixed)
            or "none"
        )
    )
    place_errors = []
    for k, lab in labels.items():
        gold = {place_key(p) for p in lab["locality"]}
        got = {place_key(p) for p in pred.get(k, {}).get("locality", [])}
        if gold != got:
            extra, missing = sorted(got - gold), sorted(gold - got)
            place_errors.append(f"{k} +{extra} -{missing}")
    lines.append(
        f"- Locality differences ({len(place_errors)}): " + ("; ".join(place_errors) or "none")
    )
    return lines


def report(directory: Path = DEVSET_DIR) -> str:
    items, labels = load_devset(directory)
    real = [i for i in items if not labels[str(i["id"])].get("derived")]
    real_labels = {str(i["id"]): labels[str(i["id"])] for i in real}
    pipeline_all = _pipeline(items)
    baseline_all = baseline_records(items)
    pipeline_real, baseline_real = _pipeline(real), baseline_records(real)
    return "\n".join(
        [
            "# Monitoring: evaluation on the development set",
            "",
            f"Command: `{COMMAND}` (or `python -m kehoach.monitoring.evaluate`).",
            "Data: `kehoach/monitoring/data/devset/` (see its README for sources, labelling "
            "guide and licence).",
            "",
            "Pipeline: `kehoach.monitoring.analysis.pipeline.classify_records` with the seed "
            "themes and the unit tree of `kehoach/units/data/nui-thanh.json` (no training "
            "data). Baseline: a plain keyword match (`baseline_records` in "
            "`kehoach/monitoring/evaluate.py`).",
            "",
            "## All items",
            "",
            describe(items, labels),
            "",
            table(
                [
                    ("Pipeline", evaluate(labels, pipeline_all)),
                    ("Keyword baseline", evaluate(labels, baseline_all)),
                ]
            ),
            "",
            "## Real items only (derived near-duplicates left out)",
            "",
            describe(real, real_labels),
            "",
            table(
                [
                    ("Pipeline", evaluate(real_labels, pipeline_real)),
                    ("Keyword baseline", evaluate(real_labels, baseline_real)),
                ]
            ),
            "",
            "Definitions: relevance on the positive class; theme and convention macro-F1 average "
            "the F1 of each label over all items; duplicate grouping counts pairs of items put in "
            "the same story (predicted) against pairs in the same labelled story (one event: "
            "other outlets' own reports and follow-ups included); near-duplicate grouping asks "
            "that copies (reposts, syndicated wire texts, print versions, derived copies) be "
            "grouped and that a predicted group stay within one event; locality is micro-F1 over "
            "(item, place) with place names compared without administrative prefix and case.",
            "",
            "## Errors of the pipeline (all items)",
            "",
            *errors(items, labels, pipeline_all),
            "",
            "Caveat: the texts are short excerpts (a few sentences of each page, as the search "
            "tool stored them), so reports of one event by different outlets share fewer words "
            "than the full articles would.",
            "",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=COMMAND,
        description=_("Evaluate the news analysis on the labelled development set."),
    )
    parser.add_argument(
        "--devset",
        type=Path,
        default=DEVSET_DIR,
        help=_("Directory with items.jsonl and labels.jsonl."),
    )
    parser.add_argument(
        "--output",
        default=str(REPORT_PATH),
        help=_("Markdown file to write, or - to print only."),
    )
    options = parser.parse_args(list(argv) if argv is not None else None)
    text = report(options.devset)
    sys.stdout.write(text)
    if options.output != "-":
        Path(options.output).parent.mkdir(parents=True, exist_ok=True)
        Path(options.output).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover - `python -m kehoach.monitoring.evaluate`
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kehoach.settings")
    django.setup()
    sys.exit(main())
