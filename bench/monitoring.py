"""Throughput of monitoring: 100,000 articles analysed, alone and after extraction from HTML.

  python -m bench.monitoring                         10,000 and 100,000 articles, both modes;
                                                     writes the <!-- monitoring-bench --> section
  python -m bench.monitoring --articles 20000 --small 2000 --output /tmp/m.md     a quick try
  python -m bench.monitoring --extraction-articles 50000   cap the large run with extraction

Articles are synthetic but made of real text: each is built from one item of the development set
(kehoach/monitoring/data/devset/items.jsonl) — its title and paragraphs — plus one to three
paragraphs (or groups of sentences) of other items with the same relevance label, with place names
swapped among Núi Thành's communes, Quảng Nam, Đà Nẵng and provinces elsewhere, dates and numbers
changed, a dateline and a date of publication. About 15 % are near-duplicates of a recent article
(another outlet's copy: a paragraph dropped or added, the title edited), so stories form as in the
devset, whose share of relevant items (~44 %) the base items keep. random.Random(--seed) makes the
same articles on every run. They are written once to var/bench-monitoring-<N>.jsonl; the small
size reads the first --small lines of the same file.

Measured, each (mode, size) in its own process (`--worker`), so that its max RSS belongs to it:
- analysis: kehoach.monitoring.analysis.pipeline.classify_records over the JSONL lines read one
  by one (the path of `kehoach monitor classify`, without writing the output), one StoryIndex
  for the whole run, as the command keeps;
- extraction: each item wrapped in a news page (head with meta and styles, header, nav, sidebar
  of other titles, breadcrumbs, the article in <article>, related links, footer; ~10 KB), then
  kehoach.monitoring.extraction.extract(html, url=...) and classify_records on its result.
The theme set and gazetteer are built, and the code warmed on the 238 devset items, before the
clock starts (that setup is reported apart). Wall time is time.perf_counter around the loop.
Memory: max RSS (resource.getrusage) before and after the loop; peak Python memory by tracemalloc
on a separate, smaller pass (--trace-articles, default 10,000 for analysis and 2,000 with
extraction), because tracemalloc slows the code several times; it does not see C allocations
(lxml in trafilatura), which max RSS does.
"""

import argparse
import datetime as dt
import json
import platform
import random
import re
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

from bench import REPO, VAR_DIR, git_commit
from bench.sections import section_write

MARK = "monitoring-bench"
DEVSET = REPO / "kehoach" / "monitoring" / "data" / "devset"
NEAR_DUPLICATES = 0.15
LOCAL_PLACES = [
    "Núi Thành",
    "huyện Núi Thành",
    "xã Tam Hòa",
    "xã Tam Anh Nam",
    "xã Tam Xuân 1",
    "xã Tam Hải",
    "thị trấn Núi Thành",
    "Tam Kỳ",
    "Quảng Nam",
    "tỉnh Quảng Nam",
    "Đà Nẵng",
    "Hội An",
]
OTHER_PLACES = ["Quảng Ngãi", "Thừa Thiên Huế", "Hà Nội", "TP Hồ Chí Minh", "Bình Định", "Kon Tum"]
PLACES = LOCAL_PLACES + OTHER_PLACES
_PLACE_RE = re.compile("|".join(re.escape(p) for p in sorted(PLACES, key=len, reverse=True)))
_NUMBER_RE = re.compile(
    r"(?P<date>\b\d{1,2}/\d{1,2}/(?:19|20)\d{2}\b)|(?P<year>\b(?:19|20)\d{2}\b)"
    r"|\b\d{2,}(?:[.,]\d+)?\b"
)
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+")
OUTLETS = [
    ("baoquangnam.vn", "Báo Quảng Nam"),
    ("baodanang.vn", "Báo Đà Nẵng"),
    ("tuoitre.vn", "Tuổi Trẻ"),
    ("thanhnien.vn", "Thanh Niên"),
    ("vnexpress.net", "VnExpress"),
    ("nhandan.vn", "Nhân Dân"),
    ("vietnamnews.vn", "Việt Nam News"),
    ("qrt.vn", "Đài PT-TH Quảng Nam"),
]
SECTIONS = ["Thời sự", "Chính trị", "Xã hội", "Pháp luật", "Kinh tế", "Văn hóa", "Thế giới"]
SLUGS = ["thoi-su", "chinh-tri", "xa-hoi", "phap-luat", "kinh-te", "van-hoa", "the-gioi"]


# ---------------------------------------------------------------------------- the articles


def load_devset() -> list[dict[str, Any]]:
    labels = {}
    for line in (DEVSET / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            labels[row["id"]] = row
    items = []
    for line in (DEVSET / "items.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            item["relevant"] = bool(labels.get(item["id"], {}).get("relevant"))
            item["lang"] = labels.get(item["id"], {}).get("lang", "vi")
            items.append(item)
    return items


def paragraphs(text: str) -> list[str]:
    """Paragraphs of a text; a long single paragraph is cut into groups of 2–3 sentences."""
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    if len(parts) > 1:
        return parts
    sentences = _SENTENCE_RE.split(text.strip())
    return [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3) if sentences[i]]


class ArticleMaker:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.items = load_devset()
        self.by_group: dict[tuple[bool, str], list[list[str]]] = {}
        for item in self.items:
            key = (item["relevant"], item["lang"])
            self.by_group.setdefault(key, []).append(paragraphs(item["text"]))
        self.sentences: dict[tuple[bool, str], list[str]] = {}
        for item in self.items:
            key = (item["relevant"], item["lang"])
            found = [x for x in _SENTENCE_RE.split(item["text"]) if len(x.split()) >= 6]
            self.sentences.setdefault(key, []).extend(found)
        self.recent: list[dict[str, Any]] = []
        self.start = dt.datetime(2025, 1, 1, 6, 0)

    def vary(self, text: str) -> str:
        rng = self.rng
        swap = {p: rng.choice(PLACES) for p in PLACES if rng.random() < 0.5}
        text = _PLACE_RE.sub(lambda m: swap.get(m.group(0), m.group(0)), text)

        def number(m: re.Match[str]) -> str:
            if m.group("date"):
                return f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.randint(2019, 2026)}"
            if m.group("year"):
                return str(rng.randint(2015, 2026))
            return str(rng.randint(10, 5000))

        return _NUMBER_RE.sub(number, text)

    def splice(self, pool: list[str]) -> str:
        """A sentence of the first half of one sentence and the second half of another."""
        first, second = self.rng.choice(pool).split(), self.rng.choice(pool).split()
        return self.vary(" ".join(first[: len(first) // 2] + second[len(second) // 2 :]))

    def article(self, number: int) -> dict[str, Any]:
        rng = self.rng
        published = self.start + dt.timedelta(minutes=number * 5 + rng.randint(0, 4))
        if self.recent and rng.random() < NEAR_DUPLICATES:
            base = rng.choice(self.recent)
            body = list(base["_paragraphs"])
            if len(body) > 2 and rng.random() < 0.5:
                body.pop(rng.randrange(1, len(body)))
            else:
                body.insert(rng.randrange(1, len(body) + 1), self.vary(rng.choice(body)))
            title = base["title"] + rng.choice(["", " (cập nhật)", " - ảnh", ": toàn cảnh"])
        else:
            item = rng.choice(self.items)
            extra = self.by_group.get((item["relevant"], item["lang"])) or [[]]
            body = [self.vary(p) for p in paragraphs(item["text"])]
            # A lead of its own: 2–4 sentences of items of the same label and language, varied.
            pool = self.sentences[(item["relevant"], item["lang"])]
            lead = [self.splice(pool) for _ in range(rng.randint(2, 4))]
            rest = body[1:]
            rng.shuffle(rest)
            body = [" ".join(lead), *rest] if rest else [" ".join(lead), body[0]]
            for _ in range(rng.randint(1, 3)):
                source = rng.choice(extra)
                if source:
                    body.insert(rng.randrange(1, len(body) + 1), self.vary(rng.choice(source)))
            title = self.vary(item["title"])
            if rng.random() < 0.7:  # most headlines say what the lead says
                words = lead[0].split()
                title = " ".join(words[: rng.randint(8, 14)]).rstrip(",.;:")
            place = rng.choice(PLACES)
            if item["lang"] == "vi":
                body[0] = f"({place}, {published:%d/%m}) - {body[0]}"
        host, _outlet = OUTLETS[number % len(OUTLETS)]
        record = {
            "id": f"b{number:06d}",
            "url": f"https://{host}/{rng.choice(SLUGS)}/bai-{number}.html",
            "title": title,
            "text": "\n\n".join(body),
            "published": published.isoformat(),
            "_paragraphs": body,
        }
        self.recent.append(record)
        if len(self.recent) > 300:
            self.recent.pop(0)
        return record

    def __iter__(self) -> Iterator[dict[str, Any]]:
        number = 0
        while True:
            record = self.article(number)
            yield {k: v for k, v in record.items() if not k.startswith("_")}
            number += 1


def articles_file(count: int, seed: int) -> Path:
    path = VAR_DIR / f"bench-monitoring-{count}-{seed}.jsonl"
    if path.exists():
        return path
    VAR_DIR.mkdir(exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        for _n, record in zip(range(count), ArticleMaker(seed), strict=False):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.rename(path)
    return path


def page(item: dict[str, Any], others: list[str]) -> str:
    """A news page as outlets serve it, the article inside <article>."""
    host = item["url"].split("/")[2]
    outlet = next((name for h, name in OUTLETS if h == host), host)
    title = escape(item["title"])
    nav = "".join(f'<li><a href="/{s.lower()}/">{escape(s)}</a></li>' for s in SECTIONS)
    side = "".join(
        f'<li><a href="/tin/{i}.html">{escape(t)}</a></li>' for i, t in enumerate(others)
    )
    body = "".join(f"<p>{escape(p)}</p>" for p in item["text"].split("\n\n"))
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>{title} | {escape(outlet)}</title>
<meta name="description" content="{title}"><meta property="og:title" content="{title}">
<meta property="article:published_time" content="{item["published"]}">
<link rel="canonical" href="{item["url"]}">
<style>body{{font-family:Arial}} .menu li{{display:inline}} .side{{float:right;width:30%}}</style>
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}</script>
</head><body>
<header class="site-header"><a class="logo" href="/">{escape(outlet)}</a>
<form action="/tim-kiem"><input name="q" placeholder="Tìm kiếm"></form>
<a href="/dang-nhap">Đăng nhập</a> <a href="/rss">RSS</a></header>
<nav class="menu"><ul><li><a href="/">Trang chủ</a></li>{nav}</ul></nav>
<div class="breadcrumb"><a href="/">Trang chủ</a> › <a href="/xa-hoi/">Xã hội</a></div>
<main><article class="detail">
<h1 class="title">{title}</h1>
<time datetime="{item["published"]}">{item["published"][:10]}</time>
<div class="content">{body}</div>
<p class="author">Theo {escape(outlet)}</p>
</article>
<section class="related"><h2>Tin liên quan</h2><ul>{side[: len(side) // 2]}</ul></section>
</main>
<aside class="side"><h2>Đọc nhiều</h2><ul>{side}</ul>
<div class="ads">Quảng cáo</div></aside>
<footer><p>{escape(outlet)} — Cơ quan của Đảng bộ, chính quyền và nhân dân.</p>
<p>Địa chỉ: 09 Trần Hưng Đạo, Tam Kỳ, Quảng Nam. Điện thoại: 0235 3812 345.</p>
<p>© 2025 Bản quyền thuộc về {escape(outlet)}. Ghi rõ nguồn khi phát hành lại.</p></footer>
</body></html>"""


# ---------------------------------------------------------------------------- one measured run


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def worker(mode: str, path: Path, count: int, trace: bool) -> dict[str, Any]:
    from bench import django_setup

    django_setup(f"sqlite:///{VAR_DIR / 'bench-monitoring.sqlite3'}")  # no query is made
    from kehoach.monitoring.analysis.pipeline import classify_records
    from kehoach.monitoring.analysis.places import default_gazetteer
    from kehoach.monitoring.analysis.stories import StoryIndex
    from kehoach.monitoring.analysis.themes import ThemeSet
    from kehoach.monitoring.extraction import extract

    setup_start = time.perf_counter()
    themes, gazetteer = ThemeSet.from_seed(), default_gazetteer()
    devset = load_devset()
    warm = [page(item, [i["title"] for i in devset[:12]]) for item in devset]
    for html, item in zip(warm, devset, strict=True):
        extract(html, url=item["url"])
    for _ in classify_records(devset, themes=themes, gazetteer=gazetteer, stories=StoryIndex()):
        pass
    setup = time.perf_counter() - setup_start
    titles = [item["title"] for item in devset]

    def lines() -> Iterator[dict[str, Any]]:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle):
                if number >= count:
                    return
                yield json.loads(line)

    def extracted() -> Iterator[dict[str, Any]]:
        for number, item in enumerate(lines()):
            others = [titles[(number + k * 17) % len(titles)] for k in range(12)]
            result = extract(page(item, others), url=item["url"])
            yield {
                "id": item["id"],
                "url": result.canonical_url,
                "title": result.title,
                "text": result.text,
                "published": result.published.isoformat() if result.published else "",
            }

    source = extracted() if mode == "extraction" else lines()
    rss_before = _rss_mib()
    if trace:
        tracemalloc.start()
    done = relevant = chars = 0
    groups: set[Any] = set()
    start = time.perf_counter()
    for row in classify_records(source, themes=themes, gazetteer=gazetteer, stories=StoryIndex()):
        done += 1
        relevant += bool(row["relevant"])
        groups.add(row["story"])
    wall = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    if trace:
        tracemalloc.stop()
    for item in lines():
        chars += len(item["text"])
    return {
        "mode": mode,
        "articles": done,
        "seconds": wall,
        "per_second": done / wall if wall else 0.0,
        "setup_seconds": setup,
        "rss_before_mib": rss_before,
        "rss_max_mib": _rss_mib(),
        "tracemalloc_peak_mib": peak,
        "relevant": relevant,
        "stories": len(groups),
        "mean_chars": chars / max(done, 1),
        "traced": trace,
    }


def run_worker(mode: str, path: Path, count: int, trace: bool) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.monitoring", "--worker", mode, "--input", str(path)]
    command += ["--count", str(count)] + (["--trace"] if trace else [])
    print(f"  {mode} {count:,}{' (tracemalloc)' if trace else ''} …", flush=True)
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"    {result['seconds']:.1f} s, {result['per_second']:.0f}/s, "
        f"max RSS {result['rss_max_mib']:.0f} MiB",
        flush=True,
    )
    return result


# ---------------------------------------------------------------------------- the report


def report(args: argparse.Namespace, runs: dict[tuple[str, int, bool], dict[str, Any]]) -> str:
    lines = [
        f"<!-- {MARK} -->",
        "## Monitoring: throughput of the analysis, alone and with extraction",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC at commit {git_commit()} with "
        f"`python -m bench.monitoring --articles {args.articles} --small {args.small}"
        + (f" --extraction-articles {args.extraction_articles}" if args.extraction_articles else "")
        + "`, on this machine: "
        f"2 CPU cores shared with other work, Python {platform.python_version()}, "
        "one process, one core used. Synthetic articles of real devset text (see bench/README.md);"
        " each (mode, size) in its own process. Max RSS is the whole process (Python, "
        "lxml, the theme set and gazetteer); tracemalloc peak is Python allocations during the "
        "loop, measured on a separate, smaller pass (tracemalloc slows the code).",
        "",
        "| mode | articles | seconds | articles/s | max RSS before → after (MiB) "
        "| relevant | stories | setup (s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (mode, _count, trace), r in sorted(runs.items()):
        if trace:
            continue
        lines.append(
            f"| {mode} | {r['articles']:,} | {r['seconds']:.1f} | {r['per_second']:.0f} | "
            f"{r['rss_before_mib']:.0f} → {r['rss_max_mib']:.0f} | {r['relevant']:,} | "
            f"{r['stories']:,} | {r['setup_seconds']:.1f} |"
        )
    lines += [
        "",
        "Ratio of time at the large size to time at the small size (linear = size ratio):",
    ]
    lines.append("")
    for mode in ("analysis", "extraction"):
        sizes = sorted(c for (m, c, t) in runs if m == mode and not t)
        if len(sizes) >= 2:
            small, large = runs[(mode, sizes[0], False)], runs[(mode, sizes[-1], False)]
            lines.append(
                f"- {mode}: {large['seconds']:.1f} s / {small['seconds']:.1f} s = "
                f"**{large['seconds'] / small['seconds']:.2f}** for "
                f"{sizes[-1] / sizes[0]:.0f}× the articles"
            )
    traced = [(k, r) for k, r in sorted(runs.items()) if k[2]]
    if traced:
        lines += ["", "Peak Python memory (tracemalloc, separate pass):", ""]
        for (mode, count, _t), r in traced:
            lines.append(
                f"- {mode}, {count:,} articles: peak {r['tracemalloc_peak_mib']:.0f} MiB "
                f"({r['per_second']:.0f} articles/s under tracemalloc)"
            )
    mean = next(iter(runs.values()))["mean_chars"]
    lines += [
        "",
        f"Articles average {mean:,.0f} characters of text; with extraction each page is the "
        "article in a ~10 KB news page (header, nav, sidebar, related links, footer).",
    ]
    if args.extraction_articles and args.extraction_articles < args.articles:
        lines.append(
            f"With extraction the large size is {args.extraction_articles:,} articles, not "
            f"{args.articles:,}: the run was capped (--extraction-articles) to finish in the time "
            "available; the figure at 100,000 was not measured."
        )
    lines.append(f"<!-- /{MARK} -->")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.monitoring", description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--extraction-articles", type=int, default=0, help="cap (0: --articles)")
    parser.add_argument("--trace-articles", type=int, default=10_000)
    parser.add_argument("--trace-extraction-articles", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--output", default=str(REPO / "bench" / "RESULTS.md"))
    parser.add_argument("--worker", choices=["analysis", "extraction"], help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, Path(args.input), args.count, args.trace)))
        return
    start = time.perf_counter()
    path = articles_file(args.articles, args.seed)
    print(f"Articles: {path} ({time.perf_counter() - start:.0f} s)", flush=True)
    plan = [
        ("analysis", args.small, False),
        ("analysis", args.articles, False),
        ("analysis", min(args.trace_articles, args.articles), True),
        ("extraction", min(args.trace_extraction_articles, args.articles), True),
        ("extraction", args.small, False),
        ("extraction", args.extraction_articles or args.articles, False),
    ]
    runs = {key: run_worker(key[0], path, key[1], key[2]) for key in plan}
    section_write(MARK, report(args, runs), Path(args.output))
    print(f"Wrote the {MARK} section of {args.output} in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
