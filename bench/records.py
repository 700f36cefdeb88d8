"""Targets and the plan dashboard at seed scale and with 1,000,000 records.

  python -m bench.records                  generate both datasets (SQLite), measure, and write the
                                           <!-- records-bench --> section of bench/RESULTS.md
  python -m bench.records --reuse          keep datasets that are already complete
  python -m bench.records --records 200000 a smaller run (the report says how many)

Datasets (each in its own SQLite file, never the demo's var/kehoach.sqlite3):
- seed: var/bench-records-seed.sqlite3 — the demo (kehoach.demo.demo_load), whose seed plan has
  its four target rules and a year of records (about 170).
- province: var/bench-records-province.sqlite3 — the province dataset of bench.generate (3,993
  units, 100 plans, 5,008 tasks, 50,014 people) plus --records records (default 1,000,000)
  spread over its plans' tasks, units and years, with the detail rows of every kind, attendance,
  product languages and platforms, and the task and theme links. Records, detail rows and link
  rows are bulk-created in chunks with explicit primary keys; the product flags are set from the
  languages and platforms the way services._write_product sets them.

Both databases give their plans the same five rules: the seed plan's four (spokesperson_share,
trained_share, product_share language_or_digital, product_share digitised_online) and a
record_count of trainings on a bench target; the largest province plan (500 tasks, 2026) gets the
same five. Measured, each in its own process with the production settings (DEBUG off):
selectors.target_progress of every rule (as of the last day of the plan year), and the page
activities:plan_dashboard through django.test.Client logged in as the plan manager. Latency is
wall time; SQL is counted in three further calls under CaptureQueriesContext (they must agree).
"""

import argparse
import datetime as dt
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench import REPO, VAR_DIR, django_setup, git_commit
from bench.sections import section_write

SEED_URL = f"sqlite:///{VAR_DIR / 'bench-records-seed.sqlite3'}"
PROVINCE_URL = f"sqlite:///{VAR_DIR / 'bench-records-province.sqlite3'}"
MARK = "records-bench"
CHUNK = 50_000
BENCH_TARGET = "Tổ chức ít nhất 02 hội nghị tập huấn về quyền con người trong năm."
# Share of each kind among generated records (they sum to 1).
KIND_WEIGHTS = {
    "product": 0.40,
    "broadcast": 0.22,
    "portal_post": 0.10,
    "bulletin": 0.08,
    "visual": 0.08,
    "briefing": 0.05,
    "training": 0.04,
    "contest": 0.03,
}
BIG_PLAN_SHARE = 0.2  # records tied to the largest province plan's tasks


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


# ---------------------------------------------------------------------------- generation


def _rules(plan: Any, *, seed_plan: bool) -> None:
    """The five rules measured: the seed plan's four (the demo set them on the seed plan; the
    province plan gets four targets like them) and a count of trainings."""
    from kehoach.activities.services import target_rule_set
    from kehoach.plans.models import Target

    if not seed_plan:
        texts = [
            (
                "100% sở, ban, ngành thực hiện cơ chế phát ngôn và cung cấp thông tin cho báo chí.",
                100,
                None,
                "%",
            ),
            ("100% cán bộ phụ trách công tác quyền con người được tập huấn.", 100, None, "%"),
            (
                "15–20% sản phẩm truyền thông bằng tiếng dân tộc thiểu số, tiếng nước ngoài hoặc "
                "trên nền tảng số.",
                15,
                20,
                "%",
            ),
            ("Sản phẩm truyền thông được số hóa và phổ biến trên không gian mạng.", None, None, ""),
        ]
        plan.targets.all().delete()
        targets = [
            Target.objects.create(
                plan=plan, order=i, text=t, value=v, value_max=m, unit_of_measure=u
            )
            for i, (t, v, m, u) in enumerate(texts)
        ]
        specs: list[tuple[str, dict[str, Any]]] = [
            ("spokesperson_share", {"unit_kinds": ["office"], "require_briefing": True}),
            ("trained_share", {"duties": ["human_rights", "foreign_info"]}),
            ("product_share", {"condition": "language_or_digital"}),
            ("product_share", {"condition": "digitised_online"}),
        ]
        for target, (kind, params) in zip(targets, specs, strict=True):
            target_rule_set(target=target, kind=kind, params=params)
    count_target = Target.objects.create(
        plan=plan, order=10, text=BENCH_TARGET, value=2, unit_of_measure="hội nghị"
    )
    target_rule_set(target=count_target, kind="record_count", params={"record_kind": "training"})


def generate_seed(url: str) -> None:
    from bench.generate import generate

    generate(database_url=url, scale="seed", seed=2026)
    from kehoach.plans.models import Plan

    _rules(Plan.objects.get(issuer__name="Huyện Núi Thành", year=2024), seed_plan=True)
    _analyze()


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


class RecordsBuilder:
    """Bulk-creates `total` records with their details over the province dataset."""

    def __init__(self, *, total: int, seed: int) -> None:
        self.total = total
        self.rng = random.Random(seed)

    def prepare(self) -> None:
        from django.db.models import Count

        from kehoach.activities.models import Language, Platform
        from kehoach.people.models import Person
        from kehoach.plans.models import Plan, Task
        from kehoach.units.models import Unit

        province = Unit.objects.get(name="Tỉnh Quảng Nam", parent=None)
        self.big_plan = (
            Plan.objects.filter(issuer=province)
            .annotate(n=Count("tasks"))
            .order_by("-n", "pk")
            .first()
        )
        assert self.big_plan is not None
        units = list(
            Unit.objects.filter(path__startswith=province.path).values_list("pk", "path", "depth")
        )
        self.unit_path = {pk: path for pk, path, _d in units}
        self.all_units = [pk for pk, _p, _d in units]
        # Units under each district (its bodies and communes), for the district's plans.
        self.under: dict[str, list[int]] = {}
        for pk, path, _d in units:
            parts = path.strip("/").split("/")
            if len(parts) >= 3:
                district_path = "/" + "/".join(parts[:2]) + "/"
                self.under.setdefault(district_path, []).append(pk)
        self.tasks: list[tuple[int, int, str, int, list[int]]] = []  # task, plan, issuer, year
        themes: dict[int, list[int]] = {}
        for task_id, theme_id in Task.themes.through.objects.values_list("task_id", "theme_id"):
            themes.setdefault(task_id, []).append(theme_id)
        for task_id, plan_id, issuer_path, year in Task.objects.values_list(
            "pk", "plan_id", "plan__issuer__path", "plan__year"
        ):
            self.tasks.append((task_id, plan_id, issuer_path, year, themes.get(task_id, [])))
        self.big_tasks = [t for t in self.tasks if t[1] == self.big_plan.pk]
        self.other_tasks = [t for t in self.tasks if t[1] != self.big_plan.pk]
        self.people_in: dict[int, list[tuple[int, str]]] = {}
        self.spokesperson_of: dict[int, int] = {}
        for pk, unit_id, hr, fi, sp in Person.objects.values_list(
            "pk",
            "unit_id",
            "is_human_rights_officer",
            "is_foreign_info_officer",
            "is_spokesperson",
        ):
            duties = ",".join(
                d
                for d, held in (("human_rights", hr), ("foreign_info", fi), ("spokesperson", sp))
                if held
            )
            self.people_in.setdefault(unit_id, []).append((pk, duties))
            if sp:
                self.spokesperson_of.setdefault(unit_id, pk)
        self.languages = {row.code: row for row in Language.objects.all()}
        self.platforms = {row.code: row for row in Platform.objects.all()}

    def _unit_for(self, issuer_path: str) -> int:
        pool = self.under.get(issuer_path)
        return self.rng.choice(pool) if pool else self.rng.choice(self.all_units)

    def build(self) -> dict[str, int]:
        from django.db import connection, transaction

        from kehoach.activities.models import Record

        self.prepare()
        with connection.cursor() as cursor:  # a bulk load: durability per chunk is not needed
            cursor.execute("PRAGMA synchronous = OFF")
        next_pk = (Record.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        counts: dict[str, int] = {}
        made = 0
        start = time.perf_counter()
        while made < self.total:
            size = min(CHUNK, self.total - made)
            with transaction.atomic():
                for name, n in self._chunk(first_pk=next_pk + made, size=size).items():
                    counts[name] = counts.get(name, 0) + n
            made += size
            print(
                f"    {made:,} records ({time.perf_counter() - start:.0f} s)",
                flush=True,
            )
        return counts

    def _chunk(self, *, first_pk: int, size: int) -> dict[str, int]:
        from kehoach.activities import models as m

        rng = self.rng
        kinds = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()), k=size)
        records, task_links, theme_links = [], [], []
        details: dict[str, list[Any]] = {k: [] for k in KIND_WEIGHTS}
        languages, platforms, attendance = [], [], []
        products_so_far: list[int] = []
        lang_through = m.Product.languages.through
        plat_through = m.Product.platforms.through
        lang = self.languages
        plat = self.platforms
        for offset, kind in enumerate(kinds):
            pk = first_pk + offset
            task = rng.choice(self.big_tasks if rng.random() < BIG_PLAN_SHARE else self.other_tasks)
            task_id, _plan, issuer_path, year, themes = task
            unit_id = self._unit_for(issuer_path)
            date = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
            records.append(
                m.Record(
                    pk=pk,
                    kind=kind,
                    unit_id=unit_id,
                    date=date,
                    title=f"{TITLES[kind]} số {pk}",
                )
            )
            task_links.append(m.Record.tasks.through(record_id=pk, task_id=task_id))
            if themes:
                theme_links.append(m.Record.themes.through(record_id=pk, theme_id=themes[0]))
            if kind == "product":
                roll = rng.random()
                codes = ["vi"] if roll < 0.85 else (["vi", "cor"] if roll < 0.93 else ["en"])
                roll = rng.random()
                where = (
                    ["radio"]
                    if roll < 0.45
                    else ["print"]
                    if roll < 0.75
                    else ["television"]
                    if roll < 0.88
                    else ["portal", "social"]
                    if roll < 0.93
                    else ["portal"]
                )
                online = "portal" in where
                details[kind].append(
                    m.Product(
                        record_id=pk,
                        product_kind="radio" if where == ["radio"] else "article",
                        digitised=online or rng.random() < 0.4,
                        published_online=online,
                        in_minority_or_foreign_language=any(lang[c].group != "vi" for c in codes),
                        on_digital_platform=any(plat[c].digital for c in where),
                    )
                )
                languages += [lang_through(product_id=pk, language=lang[c]) for c in codes]
                platforms += [plat_through(product_id=pk, platform=plat[c]) for c in where]
                products_so_far.append(pk)
            elif kind == "broadcast":
                details[kind].append(
                    m.Broadcast(
                        record_id=pk,
                        product_id=rng.choice(products_so_far) if products_so_far else None,
                        station="Đài truyền thanh xã",
                        first_aired=date,
                        times_aired=rng.randint(1, 6),
                    )
                )
            elif kind == "portal_post":
                details[kind].append(
                    m.PortalPost(record_id=pk, url=f"https://quangnam.gov.vn/tin/{pk}")
                )
            elif kind == "bulletin":
                details[kind].append(
                    m.Bulletin(
                        record_id=pk,
                        period_start=date.replace(day=1),
                        period_end=date,
                        items=rng.randint(0, 40),
                    )
                )
            elif kind == "visual":
                details[kind].append(
                    m.VisualCampaign(
                        record_id=pk,
                        item="banner",
                        quantity=rng.randint(1, 50),
                        location="Trụ sở và các thôn",
                    )
                )
            elif kind == "briefing":
                details[kind].append(
                    m.PressBriefing(
                        record_id=pk,
                        spokesperson_id=self.spokesperson_of.get(unit_id),
                        journalists=rng.randint(3, 20),
                    )
                )
            elif kind == "training":
                details[kind].append(
                    m.Training(record_id=pk, training_kind="training", organiser="Sở Tư pháp")
                )
                pool = self.people_in.get(unit_id) or []
                for person_id, duties in rng.sample(pool, min(len(pool), rng.randint(2, 8))):
                    attendance.append(
                        m.Attendance(training_id=pk, person_id=person_id, duties=duties)
                    )
            else:
                details[kind].append(
                    m.ContestEntry(record_id=pk, contest="Việt Nam hạnh phúc – Happy Vietnam")
                )
        m.Record.objects.bulk_create(records, batch_size=5000)
        m.Record.tasks.through.objects.bulk_create(task_links, batch_size=5000)
        m.Record.themes.through.objects.bulk_create(theme_links, batch_size=5000)
        for rows in details.values():
            if rows:
                type(rows[0]).objects.bulk_create(rows, batch_size=5000)
        lang_through.objects.bulk_create(languages, batch_size=5000)
        plat_through.objects.bulk_create(platforms, batch_size=5000)
        m.Attendance.objects.bulk_create(attendance, batch_size=5000)
        return {
            "records": len(records),
            "record-task links": len(task_links),
            "record-theme links": len(theme_links),
            **{f"{k} details": len(v) for k, v in details.items()},
            "product languages": len(languages),
            "product platforms": len(platforms),
            "attendance": len(attendance),
        }


TITLES = {
    "product": "Sản phẩm truyền thông về quyền con người",
    "broadcast": "Tiếp sóng chuyên mục quyền con người",
    "portal_post": "Tin bài trên cổng thông tin điện tử",
    "bulletin": "Bản tin theo dõi thông tin báo chí",
    "visual": "Cổ động trực quan về quyền con người",
    "briefing": "Cung cấp thông tin cho báo chí",
    "training": "Tập huấn kiến thức về quyền con người",
    "contest": "Tác phẩm dự thi Happy Vietnam",
}


def generate_province(url: str, *, total: int) -> dict[str, Any]:
    from bench.generate import generate

    timings: dict[str, float] = {}
    start = time.perf_counter()
    generate(database_url=url, scale="province", seed=2026)
    timings["province dataset (bench.generate)"] = time.perf_counter() - start
    from kehoach.plans.models import Plan

    start = time.perf_counter()
    builder = RecordsBuilder(total=total, seed=2026)
    rows = builder.build()
    timings["records (bulk_create)"] = time.perf_counter() - start
    _rules(Plan.objects.get(issuer__name="Huyện Núi Thành", year=2024), seed_plan=True)
    _rules(builder.big_plan, seed_plan=False)
    start = time.perf_counter()
    _analyze()
    timings["ANALYZE"] = time.perf_counter() - start
    return {"rows": rows, "timings": timings}


def dataset_ready(url: str, *, records: int) -> bool:
    path = Path(url.removeprefix("sqlite:///"))
    if not path.exists():
        return False
    django_setup(url)
    from django.db import DatabaseError

    from kehoach.activities.models import Record, TargetRule

    try:
        return Record.objects.count() >= records and TargetRule.objects.count() >= 5
    except DatabaseError:
        return False


# ---------------------------------------------------------------------------- measuring (child)


def _time(call: Callable[[], Any], *, warmup: int, runs: int) -> tuple[list[float], list[int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        call()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    queries = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as context:
            call()
        queries.append(len(context.captured_queries))
    return timings, queries


def measure(*, scale: str, warmup: int, runs: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from kehoach.activities import selectors
    from kehoach.activities.models import Product, Record
    from kehoach.plans.models import Plan

    users = get_user_model().objects
    seed_plan = Plan.objects.get(issuer__name="Huyện Núi Thành", year=2024)
    plans = [("seed plan", seed_plan, "quanly")]
    if scale == "province":
        big = (
            Plan.objects.filter(issuer__name="Tỉnh Quảng Nam")
            .annotate(n=Count("tasks"))
            .order_by("-n", "pk")
            .first()
        )
        assert big is not None
        plans.insert(0, ("largest province plan", big, "quanly_tinh"))
    result: dict[str, Any] = {
        "scale": scale,
        "rows": {"records": Record.objects.count(), "products": Product.objects.count()},
        "load_before": os.getloadavg()[0],
        "targets": [],
        "pages": [],
    }
    for label, plan, username in plans:
        as_of = dt.date(plan.year, 12, 31)
        plan_records = Record.objects.filter(tasks__plan=plan).count()
        for target in plan.targets.select_related("rule").order_by("order"):
            rule = getattr(target, "rule", None)
            if rule is None:
                continue

            def compute(target: Any = target, as_of: dt.date = as_of) -> Any:
                return selectors.target_progress(target=target, as_of=as_of)

            timings, queries = _time(compute, warmup=warmup, runs=runs)
            progress = selectors.target_progress(target=target, as_of=as_of)
            assert progress is not None
            result["targets"].append(
                {
                    "plan": label,
                    "rule": rule.kind,
                    "params": rule.params,
                    "value": f"{progress.numerator:,} / {progress.denominator:,}"
                    if progress.denominator
                    else f"{progress.numerator:,}",
                    "median_ms": statistics.median(timings),
                    "p95_ms": _percentile(timings, 0.95),
                    "queries": queries[0],
                    "queries_stable": len(set(queries)) == 1,
                }
            )
            print(
                f"  {scale:8} {label:22} {rule.kind:18} {rule.params.get('condition', ''):20} "
                f"median {statistics.median(timings):8.1f} ms  {queries[0]:3} queries",
                flush=True,
            )
        try:
            url = reverse("activities:plan_dashboard", args=[plan.pk])
        except NoReverseMatch:
            result["dashboard_missing"] = True
            continue
        client = Client()
        client.force_login(users.get(username=username))

        def get(url: str = url, client: Client = client) -> None:
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"GET {url} answered {response.status_code}")

        timings, queries = _time(get, warmup=warmup, runs=runs)
        result["pages"].append(
            {
                "plan": label,
                "plan_tasks": plan.tasks.count(),
                "plan_records": plan_records,
                "url": url,
                "median_ms": statistics.median(timings),
                "p95_ms": _percentile(timings, 0.95),
                "queries": queries[0],
                "queries_stable": len(set(queries)) == 1,
            }
        )
        print(
            f"  {scale:8} {label:22} dashboard          "
            f"median {statistics.median(timings):8.1f} ms  {queries[0]:3} queries",
            flush=True,
        )
    result["load_after"] = os.getloadavg()[0]
    return result


# ---------------------------------------------------------------------------- the report


def _rule_label(item: dict[str, Any]) -> str:
    condition = item["params"].get("condition") or item["params"].get("record_kind")
    return f"{item['rule']} ({condition})" if condition else item["rule"]


def render(results: dict[str, Any], *, command: str, records: int, runs: int) -> str:
    seed, big = results["seed"], results["province"]
    generation = results.get("generation") or {}
    lines = [
        f"<!-- {MARK} -->",
        f"## Records: targets and the plan dashboard at seed scale and with {records:,} records",
        "",
        f"Command: `{command}` (SQLite). Run on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
        f"code at commit {git_commit()}; {runs} timed calls after warm-up, production "
        "settings. Method and datasets: `bench/records.py` docstring and bench/README.md.",
        "",
        "- **seed**: the demo — the seed plan with its year of records "
        f"({seed['rows']['records']:,} records, {seed['rows']['products']:,} products).",
        f"- **1M**: the province dataset plus {big['rows']['records'] - seed['rows']['records']:,}"
        f" generated records ({big['rows']['records']:,} in all, "
        f"{big['rows']['products']:,} products), spread over 100 plans, 3,993 units and "
        "2024–2026; 20 % are tied to the largest province plan (500 tasks, 2026).",
    ]
    if generation:
        parts = ", ".join(f"{k} {v:.0f} s" for k, v in generation.get("timings", {}).items())
        lines.append(f"- Generation of the 1M dataset: {parts}.")
    lines += [
        "- Every plan measured has the same five rules: the seed plan's four and a count of "
        "trainings. Target values are computed as of 31 December of the plan year.",
        "",
        "### Target computation (`selectors.target_progress`)",
        "",
        "| rule | seed: value | seed median / p95 ms | 1M: value | 1M median / p95 ms "
        "| 1M / seed (median) | SQL queries seed → 1M |",
        "|---|--:|--:|--:|--:|--:|---|",
    ]
    seed_targets = [t for t in seed["targets"] if t["plan"] == "seed plan"]
    big_targets = [t for t in big["targets"] if t["plan"] == "largest province plan"]
    all_equal = True
    ratios = []
    for a, b in zip(seed_targets, big_targets, strict=True):
        same = a["queries"] == b["queries"] and a["queries_stable"] and b["queries_stable"]
        all_equal &= same
        ratio = b["median_ms"] / a["median_ms"]
        ratios.append(ratio)
        lines.append(
            f"| {_rule_label(a)} | {a['value']} | {a['median_ms']:.1f} / {a['p95_ms']:.1f} "
            f"| {b['value']} | {b['median_ms']:.1f} / {b['p95_ms']:.1f} | ×{ratio:.1f} "
            f"| {a['queries']} → {b['queries']} ({'same' if same else 'DIFFERENT'}) |"
        )
    lines += ["", "### Plan dashboard (`activities:plan_dashboard`)", ""]
    if seed.get("dashboard_missing") or big.get("dashboard_missing"):
        lines.append(
            "The page `activities:plan_dashboard` did not exist when this ran; only the "
            "selectors above were measured."
        )
        page_equal = None
    else:
        lines += [
            "| dataset | plan | tasks | records of the plan | median ms | p95 ms | SQL queries |",
            "|---|---|--:|--:|--:|--:|--:|",
        ]
        for name, data in (("seed", seed), ("1M", big)):
            for page in data["pages"]:
                lines.append(
                    f"| {name} | {page['plan']} | {page['plan_tasks']:,} | "
                    f"{page['plan_records']:,} | {page['median_ms']:.1f} | {page['p95_ms']:.1f} | "
                    f"{page['queries']} |"
                )
        seed_page = seed["pages"][0]
        big_page = big["pages"][0]
        page_equal = seed_page["queries"] == big_page["queries"]
        page_ratio = big_page["median_ms"] / seed_page["median_ms"]
        lines += [
            "",
            f"Dashboard, largest province plan at 1M vs the seed plan at seed scale: median "
            f"×{page_ratio:.1f}, p95 ×{big_page['p95_ms'] / seed_page['p95_ms']:.1f}; SQL queries "
            f"{seed_page['queries']} → {big_page['queries']} "
            f"({'the same' if page_equal else 'DIFFERENT'}).",
        ]
    verdict = "equal" if all_equal and page_equal is not False else "NOT equal"
    lines += [
        "",
        f"**Query counts are {verdict} at both scales** (every rule"
        + (" and the dashboard" if page_equal is not None else "")
        + f"); target computation is ×{min(ratios):.1f}–×{max(ratios):.1f} slower (median) with "
        f"{records:,} records.",
        f"<!-- /{MARK} -->",
    ]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- orchestration


def _child(args: list[str]) -> None:
    process = subprocess.run([sys.executable, "-m", "bench.records", *args], cwd=REPO, check=False)
    if process.returncode != 0:
        raise SystemExit(f"bench.records {' '.join(args)} failed ({process.returncode})")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.records",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="keep complete datasets")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--output", default=str(REPO / "bench" / "RESULTS.md"))
    parser.add_argument("--step", choices=["seed", "province", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--scale", choices=["seed", "province"], help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.step == "seed":
        generate_seed(SEED_URL)
        return
    if args.step == "province":
        info = generate_province(PROVINCE_URL, total=args.records)
        Path(args.json).write_text(json.dumps(info), encoding="utf-8")
        return
    if args.step == "measure":
        django_setup(SEED_URL if args.scale == "seed" else PROVINCE_URL)
        result = measure(scale=args.scale, warmup=args.warmup, runs=args.runs)
        Path(args.json).write_text(json.dumps(result), encoding="utf-8")
        return

    start = time.perf_counter()
    results: dict[str, Any] = {}
    tmp = Path(tempfile.mkdtemp(prefix="bench-records-"))
    # Each step in its own process: Django is set up once per database.
    ready = args.reuse and _ready_in_child(SEED_URL, 1)
    if not ready:
        print("Generating the seed dataset", flush=True)
        _child(["--step", "seed"])
    ready = args.reuse and _ready_in_child(PROVINCE_URL, args.records)
    if not ready:
        print(f"Generating the province dataset with {args.records:,} records", flush=True)
        _child(["--step", "province", "--records", str(args.records), "--json", str(tmp / "g")])
        results["generation"] = json.loads((tmp / "g").read_text(encoding="utf-8"))
    for scale in ("seed", "province"):
        out = tmp / scale
        _child(
            [
                *("--step", "measure", "--scale", scale, "--json", str(out)),
                *("--warmup", str(args.warmup), "--runs", str(args.runs)),
            ]
        )
        results[scale] = json.loads(out.read_text(encoding="utf-8"))
    command = "python -m bench.records " + " ".join(sys.argv[1:] if argv is None else argv)
    section = render(results, command=command.strip(), records=args.records, runs=args.runs)
    section_write(MARK, section, Path(args.output))
    print(section)
    print(f"Wrote the {MARK} section of {args.output} in {time.perf_counter() - start:.0f} s")


def _ready_in_child(url: str, records: int) -> bool:
    code = (
        "import sys; from bench.records import dataset_ready; "
        f"sys.exit(0 if dataset_ready({url!r}, records={records}) else 1)"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, check=False).returncode == 0


if __name__ == "__main__":
    main()
