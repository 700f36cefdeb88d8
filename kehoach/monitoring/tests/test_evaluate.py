"""The evaluation of news analysis: its metrics on hand-counted examples, the keyword baseline,
and the development set's files."""

import json
import re
from collections import Counter

import pytest

from kehoach.monitoring import evaluate as ev

# --- Metrics, counted by hand -----------------------------------------------------------------


def test_prf_from_counts():
    scores = ev.prf(tp=3, fp=1, fn=2)
    assert scores.precision == pytest.approx(0.75)
    assert scores.recall == pytest.approx(0.6)
    assert scores.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)


def test_prf_when_nothing_found_and_nothing_to_find_is_perfect_but_missing_everything_is_zero():
    assert ev.prf(0, 0, 0).f1 == 1.0
    assert ev.prf(0, 0, 4) == ev.Scores(0.0, 0.0, 0.0)
    assert ev.prf(0, 2, 0) == ev.Scores(0.0, 0.0, 0.0)


def test_relevance_counts_the_relevant_class():
    gold = {"a": True, "b": True, "c": False, "d": False}
    pred = {"a": True, "b": False, "c": True, "d": False}
    # tp = a, fn = b, fp = c
    assert ev.relevance_scores(gold, pred) == ev.Scores(0.5, 0.5, 0.5)


def test_theme_macro_f1_averages_each_themes_f1_over_all_items():
    gold = {"a": ["T1"], "b": ["T1", "T2"], "c": []}
    pred = {"a": ["T1"], "b": ["T2"], "c": ["T2"]}
    # T1: tp=a, fn=b -> P 1, R 1/2, F1 2/3.  T2: tp=b, fp=c -> P 1/2, R 1, F1 2/3.
    per = ev.per_label_f1(gold, pred, ["T1", "T2"])
    assert per == {"T1": pytest.approx(2 / 3), "T2": pytest.approx(2 / 3)}
    assert ev.macro_f1(gold, pred, ["T1", "T2"]) == pytest.approx(2 / 3)


def test_duplicate_grouping_counts_pairs_in_the_same_story():
    gold = {"a": "s1", "b": "s1", "c": "s1", "d": "s2"}
    pred = {"a": "x", "b": "x", "c": "y", "d": "y"}
    # labelled pairs ab ac bc (3); predicted pairs ab cd (2); both: ab (1)
    scores = ev.pairwise_cluster_scores(gold, pred)
    assert scores.precision == pytest.approx(1 / 2)
    assert scores.recall == pytest.approx(1 / 3)
    assert scores.f1 == pytest.approx(0.4)


def test_duplicate_grouping_of_singletons_only_is_perfect_when_nothing_is_grouped():
    assert ev.pairwise_cluster_scores({"a": "1", "b": "2"}, {"a": "a", "b": "b"}).f1 == 1.0
    assert ev.pairwise_cluster_scores({"a": "1", "b": "2"}, {"a": "s", "b": "s"}).f1 == 0.0


def test_near_duplicates_must_be_grouped_and_groups_must_stay_within_one_event():
    story = {"a": "s1", "b": "s1", "c": "s1", "d": "s2"}
    copy = {"a": "k", "b": "k", "c": "c", "d": "d"}  # a and b are copies; c reports s1 anew
    # grouping a, b and c is right (one event); the copies a-b are found
    assert ev.copy_grouping_scores(story, copy, {"a": 1, "b": 1, "c": 1, "d": 2}).f1 == 1.0
    # a-b missed, and c grouped with d (another event): 0 of 1 predicted pair right
    scores = ev.copy_grouping_scores(story, copy, {"a": 1, "b": 2, "c": 3, "d": 3})
    assert (scores.precision, scores.recall, scores.f1) == (0.0, 0.0, 0.0)


def test_place_names_are_compared_without_administrative_prefix_and_case():
    assert ev.place_key("Xã Tam Xuân I") == ev.place_key("Tam Xuân 1") == "tam xuân i"
    assert ev.place_key("Thành phố Đà Nẵng") == ev.place_key("TP Đà Nẵng") == "đà nẵng"
    assert ev.place_key("Huyện Núi Thành") == ev.place_key("núi thành")
    # diacritics are kept: Tam Thanh (of Tam Kỳ) is not Tam Thạnh (of Núi Thành)
    assert ev.place_key("Tam Thanh") != ev.place_key("Xã Tam Thạnh")


def test_locality_is_micro_f1_over_item_and_place():
    gold = {"a": ["Huyện Núi Thành", "Xã Tam Hải"], "b": ["Thành phố Đà Nẵng"], "c": []}
    pred = {"a": ["Núi Thành"], "b": ["Đà Nẵng", "Quảng Nam"], "c": ["Tam Quang"]}
    # tp: a/núi thành, b/đà nẵng = 2; fn: a/tam hải = 1; fp: b/quảng nam, c/tam quang = 2
    scores = ev.locality_scores(gold, pred)
    assert scores.precision == pytest.approx(2 / 4)
    assert scores.recall == pytest.approx(2 / 3)


# --- The keyword baseline ---------------------------------------------------------------------


def test_baseline_is_a_plain_keyword_match():
    items = [
        {
            "id": "1",
            "title": "Tuyên truyền về quyền con người",
            "text": "Công ước về quyền trẻ em.",
        },
        {"id": "2", "title": "Cấp giấy chứng nhận quyền sử dụng đất", "text": "Huyện Núi Thành."},
        {"id": "3", "title": "Tuyên truyền về quyền con người!", "text": "Bản khác."},
    ]
    out = ev.baseline_records(items, unit_names=["Huyện Núi Thành", "Xã Tam Hải"])
    assert [r["relevant"] for r in out] == [True, False, True]
    assert out[0]["themes"] == ["T1"] and out[0]["conventions"] == ["CRC"]
    assert out[1]["locality"] == ["Huyện Núi Thành"]
    # identical titles once normalised: one story
    assert out[2]["story"] == out[0]["story"] == "1" and out[1]["story"] == "2"


def test_evaluate_compares_records_with_labels():
    labels = {
        "1": {
            "relevant": True,
            "themes": ["T1"],
            "conventions": ["CRC"],
            "locality": [],
            "story": "s",
        },
        "2": {
            "relevant": False,
            "themes": [],
            "conventions": [],
            "locality": ["Xã Tam Hải"],
            "story": "s",
        },
    }
    records = [
        {
            "id": "1",
            "relevant": True,
            "themes": ["T1"],
            "conventions": ["CRC"],
            "locality": [],
            "story": "1",
        },
        {
            "id": "2",
            "relevant": True,
            "themes": [],
            "conventions": [],
            "locality": ["Tam Hải"],
            "story": "1",
        },
    ]
    result = ev.evaluate(labels, records)
    assert (result.relevance.precision, result.relevance.recall) == (0.5, 1.0)
    assert result.relevance.f1 == pytest.approx(2 / 3)
    assert result.stories.f1 == 1.0
    assert result.locality.f1 == 1.0


def test_main_writes_the_report_with_the_command(tmp_path, capsys):
    devset = tmp_path / "devset"
    devset.mkdir()
    items = [
        {
            "id": "a",
            "url": "https://example.org/a",
            "title": "Việt Nam tái đắc cử Hội đồng Nhân quyền",
            "text": "Việt Nam tái đắc cử Hội đồng Nhân quyền Liên hợp quốc nhiệm kỳ 2026-2028.",
            "published": "",
        },
        {
            "id": "b",
            "url": "https://example.org/b",
            "title": "Cấp giấy chứng nhận quyền sử dụng đất",
            "text": "Huyện Núi Thành cấp giấy chứng nhận quyền sử dụng đất cho hộ gia đình.",
            "published": "",
        },
    ]
    labels = [
        {
            "id": "a",
            "relevant": True,
            "themes": ["T5"],
            "conventions": [],
            "locality": [],
            "story": "a",
        },
        {
            "id": "b",
            "relevant": False,
            "themes": [],
            "conventions": [],
            "locality": ["Huyện Núi Thành"],
            "story": "b",
        },
    ]
    (devset / "items.jsonl").write_text("\n".join(json.dumps(i) for i in items), encoding="utf-8")
    (devset / "labels.jsonl").write_text("\n".join(json.dumps(x) for x in labels), encoding="utf-8")
    output = tmp_path / "eval.md"
    assert ev.main(["--devset", str(devset), "--output", str(output)]) == 0
    text = output.read_text(encoding="utf-8")
    assert "kehoach monitor evaluate" in text
    assert "| **Relevance F1** |" in text and "Keyword baseline" in text
    assert capsys.readouterr().out == text


# --- The development set ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def devset():
    return ev.load_devset()


def test_devset_items_and_labels_have_the_same_ids_in_the_same_order(devset):
    items, labels = devset
    ids = [i["id"] for i in items]
    assert len(ids) == len(set(ids)) >= 150
    assert ids == list(labels)


def test_devset_items_have_the_classify_input_fields_and_distinct_urls(devset):
    items, labels = devset
    for item in items:
        assert set(item) == {"id", "url", "title", "text", "published"}
        assert item["url"].startswith(("http://", "https://")) and item["title"] and item["text"]
        assert item["url"].endswith("#derived") == bool(labels[item["id"]].get("derived"))
    assert len({i["url"] for i in items}) == len(items)


def test_devset_labels_are_valid(devset):
    _items, labels = devset
    units = set(ev._unit_names())
    for label in labels.values():
        assert isinstance(label["relevant"], bool)
        assert set(label["themes"]) <= set(ev.THEMES)
        assert set(label["conventions"]) <= set(ev.CONVENTIONS)
        assert set(label["locality"]) <= units
        assert isinstance(label["story"], str) and label["story"]
        assert label["copy"] == label["id"] or label["copy"] == label["story"] + "/copy"
        assert label["lang"] in {"vi", "en", "other"}
        if not label["relevant"]:
            assert label["themes"] == [] and label["conventions"] == []
        else:
            assert label["themes"] or label["conventions"]


def test_devset_has_relevant_items_hard_negatives_and_stories_from_several_outlets(devset):
    items, labels = devset
    relevant = sum(1 for x in labels.values() if x["relevant"])
    assert 0.3 <= relevant / len(labels) <= 0.6
    negatives = " ".join(
        i["title"] + " " + i["text"] for i in items if not labels[i["id"]]["relevant"]
    )
    assert "quyền sử dụng đất" in negatives and re.search(r"[Qq]uyền [Cc]hủ tịch", negatives)
    sizes = Counter(x["story"] for x in labels.values())
    assert sum(1 for n in sizes.values() if n > 1) >= 15


def test_errors_name_the_items_the_pipeline_got_wrong():
    items = [{"id": "1", "title": "Trao học bổng"}, {"id": "2", "title": "Đường Núi Thành"}]
    labels = {
        "1": {"relevant": True, "story": "a", "locality": []},
        "2": {"relevant": False, "story": "b", "locality": ["Thành phố Đà Nẵng"]},
    }
    records = [
        {"id": "1", "relevant": False, "story": "1", "locality": []},
        {"id": "2", "relevant": False, "story": "1", "locality": ["Đà Nẵng", "Núi Thành"]},
    ]
    lines = ev.errors(items, labels, records)
    assert lines[0] == "- Relevant items missed (1): 1 Trao học bổng"
    assert lines[1] == "- Items wrongly relevant (0): none"
    assert lines[2] == "- Predicted stories mixing events (1): 1 (a), 2 (b)"
    assert lines[3] == "- Locality differences (1): 2 +['núi thành'] -[]"
