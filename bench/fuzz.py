"""Fuzz the inputs of kehoach at benchmark size and write the "fuzz" section of bench/RESULTS.md.

  python -m bench.fuzz                       10,000 inputs per property, 1,500 API requests
  python -m bench.fuzz --examples 300 --api-requests 100 --output /tmp/f.md   a quick try
  python -m bench.fuzz --database-url postgres://postgres@127.0.0.1:5432/kehoach_fuzz

The properties are the suite's own fuzz tests (kehoach/*/tests/test_fuzz_*.py), run by pytest
with the "bench" hypothesis profile of kehoach/tests/fuzzing.py, one process per property
(`--jobs` at a time, default 2). Each test counts the inputs it was given, by kind and outcome,
into a JSON file (KEHOACH_FUZZ_STATS); failures come from pytest's JUnit XML. On SQLite each
process has its own test database file; with --database-url each property gets its own
PostgreSQL test database (the base name plus the property's name).
"""

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

from bench import REPO, git_commit, scale_database_url
from bench.sections import section_write

MARK = "fuzz-bench"


@dataclass(frozen=True)
class Property:
    name: str  # also the counter prefix in the test
    title: str
    test: str


# The slowest first, so that with two jobs the run ends soonest.
PROPERTIES = (
    Property(
        "importer",
        "Plan importer: file → draft, and `import-plan --commit`",
        "kehoach/plans/tests/test_fuzz_importer.py",
    ),
    Property(
        "monitoring",
        "Monitoring input: feeds, sitemaps, listings, pages → a source fetch",
        "kehoach/monitoring/tests/test_fuzz_input.py",
    ),
    Property(
        "spreadsheet",
        "Records spreadsheet import (.xlsx/.csv → rows saved or reported)",
        "kehoach/activities/tests/test_fuzz_bulk.py",
    ),
    Property(
        "api",
        "JSON API: schemathesis requests from /api/openapi.json",
        "kehoach/tests/test_fuzz_api.py",
    ),
)


@dataclass
class Run:
    prop: Property
    seconds: float = 0.0
    tests: int = 0
    failures: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    returncode: int = 0


def _start(prop: Property, args: argparse.Namespace, workdir: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(
        KEHOACH_HYPOTHESIS_PROFILE="bench",
        KEHOACH_FUZZ_EXAMPLES=str(args.examples),
        KEHOACH_FUZZ_API_REQUESTS=str(args.api_requests),
        KEHOACH_FUZZ_STATS=str(workdir / f"{prop.name}.json"),
    )
    if args.database_url:
        env["DATABASE_URL"] = scale_database_url(args.database_url, prop.name)
    command = [
        sys.executable, "-m", "pytest", prop.test, "-q", "-p", "no:cacheprovider",
        "-p", "no:logging", "-W", "ignore", f"--junitxml={workdir / f'{prop.name}.xml'}",
    ]  # fmt: skip
    log = open(workdir / f"{prop.name}.log", "wb")  # noqa: SIM115 -- closed with the process
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)


def _finish(run: Run, workdir: Path) -> None:
    stats = workdir / f"{run.prop.name}.json"
    run.counts = json.loads(stats.read_text()) if stats.exists() else {}
    report = workdir / f"{run.prop.name}.xml"
    if not report.exists():
        run.failures.append(f"pytest wrote no report (exit {run.returncode}); see its log")
        return
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        run.tests += 1
        for problem in list(case.findall("failure")) + list(case.findall("error")):
            message = (problem.get("message") or problem.text or "").strip()
            run.failures.append(f"{case.get('name')}: {message.splitlines()[0][:300]}")


def _save(run: Run, workdir: Path) -> None:
    """The run's figures beside its logs, so that a report can be put together again from
    several runs (--report-from): a property rerun after a fix, the others kept."""
    figures = {k: getattr(run, k) for k in ("seconds", "tests", "failures", "counts")}
    (workdir / f"{run.prop.name}.run.json").write_text(json.dumps(figures, indent=1))


def load_runs(folders: list[str]) -> list[Run]:
    """The runs saved in these folders; a property found in several is taken from the last."""
    found: dict[str, Run] = {}
    for folder in folders:
        for prop in PROPERTIES:
            saved = Path(folder) / f"{prop.name}.run.json"
            if saved.exists():
                found[prop.name] = Run(prop, **json.loads(saved.read_text()))
    return [found[p.name] for p in PROPERTIES if p.name in found]


def run_all(args: argparse.Namespace) -> list[Run]:
    workdir = Path(tempfile.mkdtemp(prefix="kehoach-fuzz-bench-"))
    print(f"Logs and counters in {workdir}", flush=True)
    chosen = [p for p in PROPERTIES if not args.only or p.name in args.only]
    waiting = list(chosen)
    running: dict[str, tuple[subprocess.Popen[bytes], float]] = {}
    runs = {p.name: Run(p) for p in chosen}
    while waiting or running:
        while waiting and len(running) < args.jobs:
            prop = waiting.pop(0)
            running[prop.name] = (_start(prop, args, workdir), time.perf_counter())
            print(f"  {prop.name}: started", flush=True)
        time.sleep(1)
        for name, (process, started) in list(running.items()):
            if process.poll() is None:
                continue
            run = runs[name]
            run.seconds = time.perf_counter() - started
            run.returncode = process.returncode
            _finish(run, workdir)
            del running[name]
            _save(run, workdir)
            print(
                f"  {name}: {run.counts.get(_total_key(run.prop), 0):,} inputs, "
                f"{len(run.failures)} failures, {run.seconds:.0f} s",
                flush=True,
            )
    return [runs[p.name] for p in chosen]


def _total_key(prop: Property) -> str:
    return "api:requests" if prop.name == "api" else prop.name


def _breakdown(run: Run) -> str:
    prefix = f"{run.prop.name}:"
    parts = [
        f"{key.removeprefix(prefix)} {value:,}"
        for key, value in sorted(run.counts.items())
        if key.startswith(prefix) and not key.startswith("api:status:")
    ]
    return "; ".join(parts)


def report(args: argparse.Namespace, runs: list[Run], seconds: float) -> str:
    command = ("nice " if os.nice(0) > 0 else "") + "python -m bench.fuzz"
    command += "".join(f" {arg}" for arg in sys.argv[1:])
    engine = "PostgreSQL" if args.database_url else "SQLite"
    lines = [
        f"<!-- {MARK} -->",
        "## Fuzzing: generated inputs to the importers, the monitoring input and the API",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC at commit {git_commit()}, "
        f"{engine}, {os.cpu_count()} CPUs shared with other work, `--jobs {args.jobs}`; "
        f"`{command}` ({seconds / 60:.1f} min"
        + (" of the properties' own run times)." if args.report_from else ").")
        + (
            f" Put together from the runs in {', '.join(args.report_from)}."
            if args.report_from
            else ""
        ),
        "",
        "Each property is a test of the suite (`kehoach/*/tests/test_fuzz_*.py`) run with the "
        "hypothesis profile `bench` (derandomised, so a rerun tries the same inputs; "
        f"{args.examples:,} examples per property, {args.api_requests:,} for the API). "
        "The suite itself runs them with the `ci` profile (150 examples, 100 requests).",
        "",
        "| Property | Inputs | Failures | Time | Inputs by kind and outcome |",
        "|---|---:|---:|---:|---|",
    ]
    for run in runs:
        lines.append(
            f"| {run.prop.title} | {run.counts.get(_total_key(run.prop), 0):,} | "
            f"{len(run.failures)} | {run.seconds / 60:.1f} min | {_breakdown(run)} |"
        )
    api = next((run for run in runs if run.prop.name == "api"), None)
    if api is not None:
        statuses = sorted(
            (int(key.rsplit(":", 1)[1]), value)
            for key, value in api.counts.items()
            if key.startswith("api:status:")
        )
        lines += [
            "",
            "API answers by status (checks: `not_a_server_error`, `response_schema_conformance`; "
            "clients: the plan manager and a commune's staff with bearer tokens; positive and "
            "negative cases; path ids drawn from the test cast's objects 3 times in 4): "
            + ", ".join(f"{status}: {value:,}" for status, value in statuses)
            + ".",
        ]
    failures = [(run.prop.name, failure) for run in runs for failure in run.failures]
    lines += ["", "Failures:" if failures else "No failures."]
    lines += [f"- {name}: {failure}" for name, failure in failures]
    lines += [
        "",
        "Bugs the fuzz tests found, fixed and kept as `@example`s or tests (the first three "
        "in `ci` runs, the others in bench runs, each of which stopped its property early; "
        "the property was then run again): a .docx with a damaged deflate stream raised "
        "`zlib.error` instead "
        "of the importer's refusal; one broken address in a feed, sitemap or listing "
        '("http://[::1", port 99999) or in a page\'s canonical link failed the whole source '
        'fetch with `ValueError`; a feed or sitemap date with no UTC time ("9999-12-31T23:59:59'
        '-23:59") failed the sort and the save with `OverflowError`; a feed declaring the '
        'encoding "UTF-\\xca" raised feedparser\'s `UnicodeDecodeError`; a whole number above '
        "2,147,483,647 in a spreadsheet cell failed the whole records import (`OverflowError`), "
        "and in a JSON body a server error of the API; `?page=10**30` on an API list made an "
        "OFFSET the database cannot hold, and a query number beyond 64 bits "
        "(`?parent=-29885724148060692480`) one SQLite cannot bind (server errors).",
        f"<!-- /{MARK} -->",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.fuzz",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--examples", type=int, default=10_000, help="inputs per property")
    parser.add_argument("--api-requests", type=int, default=1_500)
    parser.add_argument("--jobs", type=int, default=2, help="properties run at once")
    parser.add_argument("--only", action="append", choices=[p.name for p in PROPERTIES])
    parser.add_argument("--database-url", help="a PostgreSQL base URL (default: SQLite)")
    parser.add_argument("--output", default=str(REPO / "bench" / "RESULTS.md"))
    parser.add_argument(
        "--report-from",
        nargs="+",
        metavar="DIR",
        help="write the report from the runs saved in these folders (the logs folder of each "
        "run), the later folders winning, instead of running",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    runs = load_runs(args.report_from) if args.report_from else run_all(args)
    seconds = (
        time.perf_counter() - started if not args.report_from else sum(r.seconds for r in runs)
    )
    section_write(MARK, report(args, runs, seconds), Path(args.output))
    print(f"Wrote the {MARK} section of {args.output} in {seconds / 60:.1f} min")
    return 1 if any(run.failures for run in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
