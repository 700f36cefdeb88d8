"""Measure the plan home page and the task list at the seed and the province scale.

  python -m bench.run                     SQLite: var/bench-seed.sqlite3, var/bench-province.sqlite3
  python -m bench.run --database-url postgres://postgres@127.0.0.1:5432/kehoach_bench
                                          PostgreSQL (kehoach_bench_seed, kehoach_bench_province;
                                          created when missing)
  python -m bench.run --database-url sqlite --database-url postgres://...
                                          both engines in one run and one RESULTS.md

Options: --reuse keeps complete datasets instead of rebuilding them; --requests N timed requests
per page (default 30) after --warmup N (default 5); --output PATH (default bench/RESULTS.md).

Each page is requested through django.test.Client with the plan manager logged in
(force_login), in one process per database with the production settings (DEBUG off). Latency is
wall time around Client.get; SQL is counted in separate requests under CaptureQueriesContext, so
recording the SQL does not slow the timed ones.
"""

import argparse
import datetime as dt
import difflib
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import DEFAULT_DATABASE_URL, REPO, SCALES, django_setup, scale_database_url

PAGES = [
    ("home", "Plan home page", "plans:home", ""),
    ("tasks", "Task list, first page", "plans:tasks", ""),
    ("tasks_in_progress", "Task list, status=in_progress", "plans:tasks", "?status=in_progress"),
]
CAPTURED_REQUESTS = 3


# ---------------------------------------------------------------------------- measuring (child)


def _targets(scale: str) -> list[dict[str, Any]]:
    """What to measure in this database: (label, plan, manager)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from bench.generate import PROVINCE_MANAGER, SEED_MANAGER
    from kehoach.plans.models import Plan

    users = get_user_model().objects
    seed_plan = Plan.objects.get(issuer__name="Huyện Núi Thành", year=2024)
    seed = {"target": "seed plan", "plan": seed_plan, "user": users.get(username=SEED_MANAGER)}
    if scale == "seed":
        return [seed]
    largest = Plan.objects.annotate(n=Count("tasks")).order_by("-n", "pk").first()
    assert largest is not None
    return [
        {"target": "largest plan", "plan": largest, "user": users.get(username=PROVINCE_MANAGER)},
        seed,
    ]


def _normalise(sql: str) -> str:
    """The shape of a query: literals and the length of IN lists do not count."""
    sql = re.sub(r'"_django_curs_\w+"', '"_django_curs"', sql)  # PostgreSQL server-side cursors
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    sql = re.sub(r"%s", "?", sql)
    return re.sub(r"IN \((\?(, )?)+\)", "IN (…)", sql)


def _summary(sql: str) -> str:
    """A normalised query without its column list, short enough to read in a diff."""
    shape = re.sub(r"^SELECT (.*?) FROM ", "SELECT … FROM ", _normalise(sql), count=1)
    return shape if len(shape) <= 500 else shape[:499] + "…"


def _is_prefetch(sql: str) -> bool:
    """A prefetch_related query: Django runs one only when the list it completes is not empty."""
    return "_prefetch_related_val" in sql or bool(re.search(r'"\w+_id" IN \(', sql))


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def measure(*, scale: str, warmup: int, requests: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from kehoach.people.models import Person
    from kehoach.plans.models import Assignment, Plan, Task
    from kehoach.units.models import Unit

    result: dict[str, Any] = {
        "load_before": os.getloadavg()[0],
        "scale": scale,
        "vendor": connection.vendor,
        "db_version": _db_version(),
        "rows": {
            "units": Unit.objects.count(),
            "people": Person.objects.count(),
            "plans": Plan.objects.count(),
            "tasks": Task.objects.count(),
            "assignments": Assignment.objects.count(),
        },
        "measurements": [],
    }
    for target in _targets(scale):
        plan = target["plan"]
        client = Client()
        client.force_login(target["user"])
        for key, _title, url_name, query in PAGES:
            url = reverse(url_name, args=[plan.pk]) + query
            for _ in range(warmup):
                _get(client, url)
            timings = []
            size = 0
            for _ in range(requests):
                start = time.perf_counter()
                response = _get(client, url)
                timings.append((time.perf_counter() - start) * 1000)
                size = len(response.content)
            captured = []
            for _ in range(CAPTURED_REQUESTS):
                with CaptureQueriesContext(connection) as context:
                    _get(client, url)
                captured.append([q["sql"] for q in context.captured_queries])
            result["measurements"].append(
                {
                    "page": key,
                    "target": target["target"],
                    "plan_id": plan.pk,
                    "plan": f"{plan.number or '(no number)'} {plan.title}",
                    "plan_tasks": plan.tasks.count(),
                    "user": target["user"].get_username(),
                    "url": url,
                    "median_ms": statistics.median(timings),
                    "p95_ms": _percentile(timings, 0.95),
                    "min_ms": min(timings),
                    "bytes": size,
                    "selects": _select_sizes(response.content.decode()),
                    "dashboard": _dashboard_sizes(plan) if key == "home" else None,
                    "queries": len(captured[0]),
                    "queries_stable": len({len(c) for c in captured}) == 1,
                    "sql": captured[0],
                }
            )
            print(
                f"  {scale:8} {target['target']:13} {key:18} "
                f"median {statistics.median(timings):7.1f} ms  "
                f"p95 {_percentile(timings, 0.95):7.1f} ms  {len(captured[0]):3} queries  "
                f"{size / 1024:6.1f} KiB",
                flush=True,
            )
    result["load_after"] = os.getloadavg()[0]
    return result


def _select_sizes(html: str) -> dict[str, int]:
    """How many options each <select> of the page offers: long lists cost rendering time."""
    return {
        found.group(1): found.group(2).count("<option")
        for found in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S)
    }


def _dashboard_sizes(plan: Any) -> dict[str, int]:
    """How long the home page's lists are today, which decides whether their prefetches run."""
    from django.utils import timezone

    from kehoach.plans.selectors import plan_dashboard

    dashboard = plan_dashboard(plan=plan, today=timezone.localdate())
    return {
        "overdue": len(dashboard.overdue),
        "due_this_month": len(dashboard.due_this_month),
        "reporting_due": len(dashboard.reporting_due),
    }


def _get(client: Any, url: str) -> Any:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}; the benchmark needs 200.")
    return response


def _db_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


# ---------------------------------------------------------------------------- orchestration


def _engine_name(url: str) -> str:
    return "SQLite" if url.startswith("sqlite") else "PostgreSQL"


def _safe(url: str) -> str:
    """The URL without a password, for the report."""
    return re.sub(r"//([^:@/]+):[^@/]+@", r"//\1:***@", url)


def _run_child(args: list[str]) -> str:
    process = subprocess.run(
        [sys.executable, *args], cwd=REPO, capture_output=True, text=True, check=False
    )
    sys.stdout.write(process.stdout)
    if process.returncode != 0:
        sys.stderr.write(process.stderr)
        raise SystemExit(f"{' '.join(args)} failed with exit code {process.returncode}")
    return process.stdout


def run_engine(base_url: str, *, reuse: bool, warmup: int, requests: int) -> dict[str, Any]:
    engine: dict[str, Any] = {"name": _engine_name(base_url), "url": _safe(base_url), "scales": {}}
    for scale in SCALES:
        url = scale_database_url(base_url, scale)
        generate_args = ["-m", "bench.generate", "--scale", scale, "--database-url", url]
        start = time.perf_counter()
        output = _run_child(generate_args + (["--if-missing"] if reuse else []))
        engine["scales"][scale] = {
            "url": _safe(url),
            "generation_s": time.perf_counter() - start,
            "reused": output.startswith("Reusing"),
        }
    for scale in SCALES:
        url = scale_database_url(base_url, scale)
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            out = Path(handle.name)
        try:
            _run_child(
                [
                    "-m",
                    "bench.run",
                    "--measure",
                    scale,
                    "--database-url",
                    url,
                    "--json",
                    str(out),
                    "--warmup",
                    str(warmup),
                    "--requests",
                    str(requests),
                ]
            )
            engine["scales"][scale].update(json.loads(out.read_text(encoding="utf-8")))
        finally:
            out.unlink(missing_ok=True)
    return engine


# ---------------------------------------------------------------------------- the report


def _machine() -> dict[str, str]:
    import django

    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else ""
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"MemTotal:\s*(\d+) kB", meminfo.read_text())
        memory = f"{int(found.group(1)) / 1024 / 1024:.0f} GiB" if found else ""
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
    }


def _git_state() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, check=False
        ).stdout.strip()

    head = git("rev-parse", "--short", "HEAD")
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "kehoach")
    return f"{head}" + (" (with uncommitted changes under kehoach/)" if dirty else "")


def _find(scale: dict[str, Any], page: str, target: str) -> dict[str, Any] | None:
    for item in scale.get("measurements", []):
        if item["page"] == page and item["target"] == target:
            return item  # type: ignore[no-any-return]
    return None


def _query_verdict(base: dict[str, Any], other: dict[str, Any], label: str) -> list[str]:
    """Say whether two measurements ran the same queries; name the ones that differ."""
    if not (base["queries_stable"] and other["queries_stable"]):
        return [f"- **{label}: the query count changed between identical requests.**"]
    base_shapes = [_summary(q) for q in base["sql"]]
    other_shapes = [_summary(q) for q in other["sql"]]
    diff = list(
        difflib.unified_diff(
            base_shapes, other_shapes, fromfile="seed", tofile="province", lineterm="", n=0
        )
    )
    block = ["", "  ```diff", *[f"  {line}" for line in diff], "  ```"]
    if base_shapes == other_shapes:
        return [f"- {label}: the same {base['queries']} queries at both scales."]
    if base["queries"] == other["queries"]:
        return [
            f"- {label}: the same number of queries ({base['queries']}) at both scales; "
            f"{_count_phrase(diff)} in their conditions only (the user's scope, a list's length).",
            "  <details><summary>The queries whose shape differs</summary>",
            *block,
            "",
            "  </details>",
        ]
    # Queries compared by what they read (the text before WHERE): the ones one side runs more.
    kinds = Counter(q.split(" WHERE ")[0] for q in other["sql"])
    kinds.subtract(q.split(" WHERE ")[0] for q in base["sql"])
    extra = [q for q in base["sql"] + other["sql"] if kinds[q.split(" WHERE ")[0]] != 0]
    only_prefetch = bool(extra) and all(_is_prefetch(q) for q in extra)
    cause = (
        " Every query that only one side runs is a prefetch_related query: Django skips a "
        "prefetch when the list it completes is empty, so the count is bounded but not constant."
        if only_prefetch
        else ""
    )
    return [
        f"- **{label}: {base['queries']} queries at seed scale, {other['queries']} at province "
        f"scale — the page's query count depends on the data; report it to the view's "
        f"author.**{cause} The queries that differ (literals replaced by ?):",
        *block,
    ]


def render_report(
    engines: list[dict[str, Any]], *, command: str, requests: int, warmup: int
) -> str:
    machine = _machine()
    now = dt.datetime.now().astimezone()
    lines = [
        "# Benchmark: the plan home page and the task list at two scales",
        "",
        f"Command: `{command}`",
        "",
        f"Run on {now:%Y-%m-%d %H:%M %Z}, code at commit {_git_state()}. "
        "Every number below comes from this one run.",
        "",
        "## Machine",
        "",
        f"- CPUs (nproc): {machine['nproc']} — {machine['cpu']}",
        f"- Memory: {machine['memory']}",
        f"- OS: {machine['os']}",
        f"- Python {machine['python']}, Django {machine['django']}",
    ]
    for engine in engines:
        version = engine["scales"]["seed"].get("db_version", "")
        lines.append(f"- {engine['name']}: {version} ({engine['url']})")
    lines += [
        "",
        "## Method",
        "",
        "- Datasets (`python -m bench.generate`): **seed** is the demo (`kehoach.demo.demo_load`: "
        "huyện Núi Thành, the 2024 seed plan with 8 tasks); **province** is the demo plus a "
        "generated province under tỉnh Quảng Nam: 30 former districts with 20 offices and "
        "organisations and 110 commune-level units each, 100 plans issued by the province and the "
        "districts in 2024–2026, 5,000 tasks (one plan of 500), 1–3 lead and 1–3 coordinating "
        "units per task (some written as groups: UBND các xã, thị trấn), 50,000 people. "
        "Each scale has its own database.",
        f"- Each page: {warmup} warm-up requests, then {requests} timed requests through "
        "`django.test.Client` in one process, logged in (`force_login`) as the plan manager of "
        "the plan's issuer (`quanly` at huyện Núi Thành for the seed plan, `quanly_tinh` at tỉnh "
        "Quảng Nam for the largest province plan). Production settings, DEBUG off.",
        "- Latency: wall time around `Client.get` (URL resolution, middleware, session, view, "
        "template rendering; no network, no web server). SQL: counted in "
        f"{CAPTURED_REQUESTS} further requests under `CaptureQueriesContext`, which must agree.",
        "- The seed plan is also measured inside the province database, which separates the "
        "cost of a big plan from the cost of big tables.",
        "",
    ]
    lines += _summary_section(engines)
    for engine in engines:
        lines += _engine_section(engine)
    return "\n".join(lines).rstrip() + "\n"


def _summary_section(engines: list[dict[str, Any]]) -> list[str]:
    """One line per engine and page: the seed plan against the largest province plan."""
    lines = [
        "## Summary",
        "",
        "| database | page | seed median ms | province median ms | province / seed | "
        "SQL queries seed → province |",
        "|---|---|--:|--:|--:|---|",
    ]
    for engine in engines:
        scales = engine["scales"]
        for key, title, _name, _query in PAGES:
            seed = _find(scales["seed"], key, "seed plan")
            big = _find(scales["province"], key, "largest plan")
            if not (seed and big):
                continue
            same = "same" if seed["queries"] == big["queries"] else "**DIFFERENT**"
            lines.append(
                f"| {engine['name']} | {title} | {seed['median_ms']:.1f} | {big['median_ms']:.1f} "
                f"| ×{big['median_ms'] / seed['median_ms']:.2f} | "
                f"{seed['queries']} → {big['queries']} ({same}) |"
            )
    return [*lines, ""]


def _engine_section(engine: dict[str, Any]) -> list[str]:
    scales = engine["scales"]
    lines = [
        f"## {engine['name']}",
        "",
        "| dataset | units | people | plans | tasks | assignments | generation |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for name in SCALES:
        scale = scales[name]
        rows = scale["rows"]
        made = "reused" if scale["reused"] else f"{scale['generation_s']:.0f} s"
        lines.append(
            f"| {name} | {rows['units']:,} | {rows['people']:,} | {rows['plans']:,} | "
            f"{rows['tasks']:,} | {rows['assignments']:,} | {made} |"
        )
    loads = ", ".join(
        f"{name} {scales[name]['load_before']:.2f} → {scales[name]['load_after']:.2f}"
        for name in SCALES
    )
    lines += ["", f"1-minute load average before → after measuring: {loads} (2 CPUs).", ""]
    verdicts: list[str] = []
    for key, title, _name, _query in PAGES:
        seed = _find(scales["seed"], key, "seed plan")
        big = _find(scales["province"], key, "largest plan")
        seed_in_big = _find(scales["province"], key, "seed plan")
        if not (seed and big and seed_in_big):
            continue
        lines += [
            f"### {title}",
            "",
            f"`GET {_url_pattern(big['url'])}`",
            "",
            "| scale | plan | tasks in plan | median ms | p95 ms | SQL queries | response KiB "
            "| longest `<select>` |",
            "|---|---|--:|--:|--:|--:|--:|--:|",
        ]
        for label, item in (
            ("seed", seed),
            ("province", big),
            ("province DB, seed plan", seed_in_big),
        ):
            lines.append(
                f"| {label} | {_short(item['plan'])} | {item['plan_tasks']} | "
                f"{item['median_ms']:.1f} | {item['p95_ms']:.1f} | {item['queries']} | "
                f"{item['bytes'] / 1024:.1f} | {_largest_select(item)} |"
            )
        if seed["dashboard"]:
            lines += [
                "",
                "Lists on the page today: "
                + "; ".join(
                    f"{label} — {item['dashboard']['overdue']} overdue, "
                    f"{item['dashboard']['due_this_month']} due this month, "
                    f"{item['dashboard']['reporting_due']} reporting dates"
                    for label, item in (("seed", seed), ("province", big))
                )
                + ".",
            ]
        lines += [
            "",
            f"Province / seed latency: median ×{big['median_ms'] / seed['median_ms']:.2f}, "
            f"p95 ×{big['p95_ms'] / seed['p95_ms']:.2f}. "
            f"Query count: {_same_or_not(seed, big)}.",
            "",
        ]
        verdicts += _query_verdict(seed, big, f"{title} (seed plan vs largest province plan)")
        verdicts += _query_verdict(seed, seed_in_big, f"{title} (seed plan, seed vs province DB)")
    lines += ["### Queries per page at both scales", "", *verdicts, ""]
    return lines


def _count_phrase(diff: list[str]) -> str:
    changed = len([line for line in diff if line.startswith("+") and not line.startswith("+++")])
    return "1 query differs" if changed == 1 else f"{changed} queries differ"


def _largest_select(item: dict[str, Any]) -> str:
    if not item["selects"]:
        return "—"
    name, size = max(item["selects"].items(), key=lambda pair: pair[1])
    return f"{name}: {size:,} options"


def _same_or_not(seed: dict[str, Any], big: dict[str, Any]) -> str:
    if seed["queries"] == big["queries"]:
        return f"the same at both scales ({seed['queries']})"
    return f"**differs: {seed['queries']} at seed scale, {big['queries']} at province scale**"


def _url_pattern(url: str) -> str:
    return re.sub(r"/\d+/", "/<pk>/", url)


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57].rstrip() + "…"


# ---------------------------------------------------------------------------- entry point


def _keep_other_sections(report: str, path: Path) -> str:
    """Carry over the sections other benchmarks own (<!-- name --> … <!-- /name -->)."""
    if not path.exists():
        return report
    old = path.read_text(encoding="utf-8")
    blocks = re.finditer(r"<!-- ([\w-]+) -->.*?<!-- /\1 -->", old, re.S)
    extra = [m.group(0) for m in blocks if m.group(0) not in report]
    return report.rstrip("\n") + "".join("\n\n" + block for block in extra) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--database-url",
        action="append",
        default=[],
        help="a base database URL (repeatable); 'sqlite' means the default SQLite files",
    )
    parser.add_argument("--reuse", action="store_true", help="keep complete datasets")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--output", default=str(REPO / "bench" / "RESULTS.md"))
    parser.add_argument("--measure", choices=SCALES, help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.requests < 1 or args.warmup < 0:
        parser.error("--requests must be at least 1 and --warmup at least 0.")

    if args.measure:  # a child process: one database, already generated
        django_setup(args.database_url[0])
        result = measure(scale=args.measure, warmup=args.warmup, requests=args.requests)
        Path(args.json).write_text(json.dumps(result), encoding="utf-8")
        return

    urls = [DEFAULT_DATABASE_URL if u == "sqlite" else u for u in args.database_url]
    urls = urls or [DEFAULT_DATABASE_URL]
    start = time.perf_counter()
    engines = [
        run_engine(url, reuse=args.reuse, warmup=args.warmup, requests=args.requests)
        for url in urls
    ]
    command = "python -m bench.run " + " ".join(sys.argv[1:] if argv is None else argv)
    report = render_report(
        engines, command=command.strip(), requests=args.requests, warmup=args.warmup
    )
    Path(args.output).write_text(_keep_other_sections(report, Path(args.output)), encoding="utf-8")
    print(f"Wrote {args.output} in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
