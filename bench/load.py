"""Load test: signed-in staff of huyện Núi Thành against `kehoach serve --workers N` on PostgreSQL.

  python -m bench.load                  50 users for 60 s, 4 gunicorn workers, kehoach_load
  python -m bench.load --users 50 --duration 60 --workers 4 --threads 1 --think 1,3
                       --database-url postgres://postgres@127.0.0.1:5432/kehoach_load
                       [--reuse] [--drop-database] [--output bench/RESULTS.md]

Steps: drop and create the database (kept with --reuse when it already holds this load's
accounts), migrate, load the demo (kehoach.demo.demo_load: huyện Núi Thành, its 2024 plan, a
year of records, reports, monitoring and publishing), create the accounts (district plan
managers, staff of district offices and organisations, commune staff; Vietnamese names), start
`kehoach serve 127.0.0.1:PORT --workers N` with the production settings (DEBUG off, plain HTTP),
run locust headless with bench/locustfile.py, stop the server, and write the <!-- load-bench -->
section of bench/RESULTS.md. The database is kept unless --drop-database.

The run fails (exit status 1) when any request failed or the server logged an error.
"""

import argparse
import csv
import datetime as dt
import json
import math
import os
import platform
import random
import re
import signal
import socket
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import REPO, VAR_DIR, django_setup, git_commit
from bench.sections import section_write

MARK = "load-bench"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/kehoach_load"
WORK_DIR = VAR_DIR / "load"
LOAD_PASSWORD = "NuiThanh@2024-thu-tai"
# Who the users are: the district's plan managers, staff of its offices, organisations and
# centres, and commune staff (unit keys of kehoach/units/data/nui-thanh.json).
DISTRICT = "nt"
OFFICES = [
    "nt-vhtt",
    "nt-vp",
    "nt-ttvh",
    "nt-tp",
    "nt-nv",
    "nt-gddt",
    "nt-ldtbxh",
    "nt-mttq",
    "nt-lhpn",
    "nt-hd",
    "nt-hnd",
    "nt-ccb",
    "nt-ca",
    "nt-btg",
    "nt-yt",
    "nt-tckh",
    "nt-tnmt",
    "nt-tt",
    "nt-ldld",
    "nt-bchqs",
]
COMMUNES = [
    "nt-nui-thanh",
    "nt-tam-xuan-i",
    "nt-tam-xuan-ii",
    "nt-tam-tien",
    "nt-tam-hoa",
    "nt-tam-anh-bac",
    "nt-tam-anh-nam",
    "nt-tam-hiep",
    "nt-tam-giang",
    "nt-tam-quang",
    "nt-tam-nghia",
    "nt-tam-hai",
    "nt-tam-son",
    "nt-tam-thanh",
    "nt-tam-my-dong",
    "nt-tam-my-tay",
    "nt-tam-tra",
]
ROLE_LABELS = {
    "manager": "plan managers of huyện Núi Thành",
    "office": "staff of district offices and organisations",
    "commune": "commune staff",
}


@dataclass(frozen=True)
class Account:
    username: str
    full_name: str
    role: str  # manager, office, commune
    unit_key: str


# ---------------------------------------------------------------------------- the accounts


def _ascii(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def accounts_plan(users: int, seed: int = 8) -> list[Account]:
    """`users` accounts: a tenth plan managers (at least one), 40 % office staff, the rest at
    communes, spread round-robin over the units; the same seed gives the same names."""
    from bench.generate import (
        FAMILY,
        FAMILY_WEIGHTS,
        GIVEN_FEMALE,
        GIVEN_MALE,
        MIDDLE_FEMALE,
        MIDDLE_MALE,
    )

    rng = random.Random(seed)
    managers = max(1, users // 10)
    offices = min(users - managers, round(users * 0.4))
    roles = (
        ["manager"] * managers + ["office"] * offices + ["commune"] * (users - managers - offices)
    )
    taken: set[str] = set()
    accounts = []
    for index, role in enumerate(roles):
        family = rng.choices(FAMILY, weights=FAMILY_WEIGHTS)[0]
        if rng.random() < 0.5:
            full_name = f"{family} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"
        else:
            full_name = f"{family} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"
        # nguyenthithuha → "ha.nguyenthithu" is how offices often spell e-mail names; keep it
        # simple and unique: given name, then the family and middle initials.
        parts = _ascii(full_name).split()
        base = parts[-1] + "".join(part[0] for part in parts[:-1])
        username = base
        number = 1
        while username in taken:
            number += 1
            username = f"{base}{number}"
        taken.add(username)
        units = {"manager": [DISTRICT], "office": OFFICES, "commune": COMMUNES}[role]
        position = index - roles.index(role)
        accounts.append(Account(username, full_name, role, units[position % len(units)]))
    return accounts


def database_ready(accounts: list[Account]) -> bool:
    """True when the database holds the demo and every account of this load (for --reuse)."""
    from django.contrib.auth.models import User
    from django.db import DatabaseError

    from kehoach.demo import seed_plan_exists

    try:
        found = User.objects.filter(username__in=[a.username for a in accounts]).count()
        return seed_plan_exists() and found == len(accounts)
    except DatabaseError:
        return False


def database_build(accounts: list[Account]) -> None:
    from django.core.management import call_command

    from kehoach.accounts.models import Role
    from kehoach.accounts.services import user_create_with_role
    from kehoach.demo import demo_load
    from kehoach.units.models import Unit

    call_command("migrate", interactive=False, verbosity=0)
    demo_load()
    district = Unit.objects.get(name="Huyện Núi Thành")
    for account in accounts:
        unit = Unit.objects.get(path__startswith=district.path, name=_unit_name(account.unit_key))
        user_create_with_role(
            username=account.username,
            password=LOAD_PASSWORD,
            role=Role.PLAN_MANAGER if account.role == "manager" else Role.UNIT_STAFF,
            unit=unit,
            full_name=account.full_name,
        )


def _unit_name(key: str) -> str:
    from kehoach.demo import UNITS_FILE, load_json

    names: dict[str, str] = {u["key"]: u["name"] for u in load_json(UNITS_FILE)["units"]}
    return names[key]


def users_file(accounts: list[Account], path: Path) -> dict[str, int]:
    """What each simulated user needs to click through: its plan, tasks, records, periods."""
    from django.contrib.auth.models import User

    from kehoach.accounts import access
    from kehoach.activities.forms import visible_themes
    from kehoach.activities.selectors import records_for_user
    from kehoach.plans.selectors import plan_for_home, tasks_for_user
    from kehoach.reports.selectors import periods_for_user

    rows: list[dict[str, Any]] = []
    for account in accounts:
        user = User.objects.get(username=account.username)
        plan = plan_for_home(user)
        assert plan is not None, account
        own_unit = access.scope_for(user).unit_ids[0]
        records = list(records_for_user(user).order_by("-date", "-pk").values_list("pk", flat=True))
        rows.append(
            {
                "username": account.username,
                "password": LOAD_PASSWORD,
                "role": account.role,
                "unit_id": own_unit,
                "unit_ids": list(
                    access.writable_units(user).order_by("path").values_list("pk", flat=True)[:20]
                ),
                "plan_id": plan.pk,
                "task_ids": list(
                    tasks_for_user(user).filter(plan=plan).values_list("pk", flat=True)
                ),
                "theme_ids": list(
                    visible_themes(user).filter(plan=plan).values_list("pk", flat=True)
                ),
                "record_ids": records[:60],
                "period_ids": list(periods_for_user(user).values_list("pk", flat=True)[:10]),
            }
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"accounts": rows}, ensure_ascii=False, indent=1), "utf-8")
    return {
        "records": max(len(r["record_ids"]) for r in rows),
        "periods": max(len(r["period_ids"]) for r in rows),
    }


# ---------------------------------------------------------------------------- server and locust


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_start(port: int, workers: int, threads: int, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "kehoach.cli", "serve", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--threads", str(threads)]
    print(f"Server: {' '.join(command[1:])} (log: {log})", flush=True)
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)


def server_wait(port: int, server: subprocess.Popen[bytes], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"The server stopped (status {server.returncode}); see its log.")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:  # refused, reset or timed out while the workers start
            pass
        time.sleep(0.5)
    raise SystemExit("The server did not answer /health/ in time; see its log.")


def argon2_cpu_seconds() -> float:
    """CPU seconds of one password check with the production hasher (median of three)."""
    from django.contrib.auth.hashers import Argon2PasswordHasher

    hasher = Argon2PasswordHasher()
    encoded = hasher.encode(LOAD_PASSWORD, hasher.salt())
    spent = []
    for _check in range(3):
        started = time.process_time()
        hasher.verify(LOAD_PASSWORD, encoded)
        spent.append(time.process_time() - started)
    return sorted(spent)[1]


def server_warm(port: int, workers: int) -> None:
    """Load the app in every worker (gunicorn imports it in each worker on its first request),
    so that the first users are not timed against a cold start."""
    from concurrent.futures import ThreadPoolExecutor

    def get(_index: int) -> None:
        url = f"http://127.0.0.1:{port}/accounts/login/"
        with urllib.request.urlopen(url, timeout=60) as answer:
            answer.read()

    for _round in range(2):
        with ThreadPoolExecutor(max_workers=workers * 2) as pool:
            list(pool.map(get, range(workers * 4)))


def process_cpu_seconds(pid: int) -> float:
    """CPU time of a process and its live children (gunicorn's master and workers)."""
    import psutil  # type: ignore[import-untyped]  # comes with locust

    try:
        process = psutil.Process(pid)
        total = 0.0
        for member in [process, *process.children(recursive=True)]:
            times = member.cpu_times()
            total += times.user + times.system
        return total
    except psutil.Error:
        return 0.0


def server_stop(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def locust_run(args: argparse.Namespace, port: int, users_path: Path) -> dict[str, Any]:
    prefix = WORK_DIR / "locust"
    (WORK_DIR / "times.json").unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(REPO / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{args.duration}s",
        "--stop-timeout",
        "10",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(prefix),
        "--only-summary",
    ]
    env = {
        **os.environ,
        "KEHOACH_LOAD_USERS": str(users_path),
        "KEHOACH_LOAD_THINK": args.think,
        "KEHOACH_LOAD_TIMES": str(WORK_DIR / "times.json"),
    }
    log = WORK_DIR / "locust.log"
    print(
        f"Locust: {args.users} users, {args.spawn_rate}/s, {args.duration} s (log: {log})",
        flush=True,
    )
    started = time.perf_counter()
    cpu = _cpu_self_children()
    with log.open("wb") as out:
        done = subprocess.run(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    return {
        "returncode": done.returncode,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": _cpu_self_children() - cpu,
        "stats": _read_csv(Path(f"{prefix}_stats.csv")),
        "failures": _read_csv(Path(f"{prefix}_failures.csv")),
        "times": _read_times(WORK_DIR / "times.json", log),
    }


def _read_times(path: Path, log: Path) -> list[tuple[str, float, bool]]:
    if not path.exists():
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SystemExit(f"locust wrote no request times; the end of its log:\n{tail}")
    return [(name, ms, failed) for name, ms, failed in json.loads(path.read_text("utf-8"))]


def _cpu_self_children() -> float:
    times = os.times()
    return times.children_user + times.children_system


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def server_errors(log: Path) -> list[str]:
    """Lines of the server's log that report an error (tracebacks, 5xx, worker timeouts)."""
    pattern = re.compile(
        r"Traceback|Internal Server Error|\[CRITICAL\]|WORKER TIMEOUT|\[ERROR\]"
        r"|^(Not Found|Forbidden|Bad Request|Unauthorized|Method Not Allowed)"
    )
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return [line for line in lines if pattern.search(line)]


# ---------------------------------------------------------------------------- the report


SIGN_IN = {"sign-in form", "sign-in", "static files"}


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of sorted values."""
    rank = max(1, math.ceil(share * len(values)))
    return values[rank - 1]


def summarise(times: list[tuple[str, float, bool]], seconds: float) -> dict[str, Any]:
    """Count, failures, req/s, p50/p95/p99 and max per name, for the browsing after sign-in
    (every name but the sign-in and its static files) and for all requests."""

    def line(items: list[tuple[str, float, bool]]) -> dict[str, float]:
        values = sorted(ms for _name, ms, _failed in items)
        if not values:
            return {"requests": 0, "failures": 0, "rps": 0, "p50": 0, "p95": 0, "p99": 0, "max": 0}
        return {
            "requests": len(values),
            "failures": sum(1 for *_rest, failed in items if failed),
            "rps": len(values) / seconds,
            "p50": percentile(values, 0.50),
            "p95": percentile(values, 0.95),
            "p99": percentile(values, 0.99),
            "max": values[-1],
        }

    names = sorted({name for name, _ms, _failed in times})
    return {
        "groups": {name: line([t for t in times if t[0] == name]) for name in names},
        "browsing": line([t for t in times if t[0] not in SIGN_IN]),
        "total": line(times),
    }


def _row(label: str, figures: dict[str, float], bold: bool = False) -> str:
    cells = [
        label,
        f"{figures['requests']:,}",
        f"{figures['failures']:,}",
        f"{figures['rps']:.2f}",
        *(f"{figures[key]:,.0f}" for key in ("p50", "p95", "p99", "max")),
    ]
    if bold:
        cells = [f"**{cell}**" for cell in cells]
    return "| " + " | ".join(cells) + " |"


def report(args: argparse.Namespace, facts: dict[str, Any], run: dict[str, Any]) -> str:
    summary = summarise(run["times"], float(args.duration))
    total = summary["total"]
    browsing = summary["browsing"]
    think = args.think.replace(",", "–")
    sign_ins = summary["groups"].get("sign-in", {}).get("requests", 0)
    others = total["requests"] - sign_ins
    rest_cpu = max(0.0, facts["server_cpu"] - sign_ins * facts["argon2"])
    rest_ms = rest_cpu / others * 1000 if others else 0.0
    roles = ", ".join(f"{ROLE_LABELS[role]}: {n}" for role, n in facts["roles"].items())
    lines = [
        f"<!-- {MARK} -->",
        f"## Load: {args.users} signed-in users for {args.duration} s against "
        f"`kehoach serve --workers {args.workers}` on {facts['engine']}",
        "",
        f"Measured {facts['started']:%Y-%m-%d %H:%M} UTC at commit {facts['commit']}"
        + (" (working tree with uncommitted changes of others)" if facts["dirty"] else "")
        + f" with `{facts['command']}`.",
        "",
        f"- **Result: {total['requests']:,} requests, {total['failures']} failures, "
        f"{total['rps']:.1f} requests/s; after sign-in p50 {browsing['p50']:,.0f} ms, p95 "
        f"{browsing['p95']:,.0f} ms**; server log: {facts['server_errors']} error lines.",
        f"- Users: {roles}; each signs in once through the sign-in form (CSRF token from the "
        "page, Argon2 password check), loads the stylesheet and htmx, then clicks with a think "
        f"time of {think} s between requests (locust `between`): see bench/locustfile.py for "
        "the mix of each role (about 5 % writes: a record through the web form or the JSON API).",
        f"- Server: gunicorn, {args.workers} worker processes × {args.threads} thread(s), "
        "production settings (DEBUG off, plain HTTP on 127.0.0.1, static files by WhiteNoise, "
        f"Argon2, django-axes on), {facts['engine']} {facts['server_version']} on the same "
        "machine; every worker loaded the app before the run. Spawn rate "
        f"{args.spawn_rate:g} users/s: all users are in after {args.users / args.spawn_rate:.0f} s"
        ", and the totals include the ramp-up and the sign-ins.",
        f"- Data: the demo (huyện Núi Thành, the 2024 plan, up to {facts['records']} records and "
        f"{facts['periods']} report periods visible to a user) plus the records written during "
        "the run.",
        f"- Machine: 2 CPU cores shared with other work, Python {platform.python_version()}; "
        f"locust (the load generator) ran on the same cores and used {run['cpu_seconds']:.0f} CPU "
        f"seconds, the server {facts['server_cpu']:.0f} CPU seconds over "
        f"{run['seconds']:.0f} s; load average (1 min) {facts['load_before']:.2f} before the run, "
        f"{facts['load_after']:.2f} at its end"
        + (
            " — other work was running, so the times are pessimistic."
            if facts["load_before"] > 1.5
            else "."
        ),
        f"- Where the server's CPU went: one Argon2 password check costs {facts['argon2']:.2f} "
        f"CPU seconds here, so the {sign_ins} sign-ins took about {sign_ins * facts['argon2']:.0f}"
        f" of its {facts['server_cpu']:.0f} CPU seconds; the other {others:,} requests about "
        f"{rest_ms:.0f} ms of CPU each on average. Response times beyond that are waiting for a "
        "worker or a core.",
        "",
        "Response times in milliseconds, exact percentiles (nearest rank) of every request; a "
        "request through a redirect (home, sign-in, form save) is timed to its last page; "
        "req/s is over the run time.",
        "",
        "| endpoint group | requests | failures | req/s | p50 | p95 | p99 | max |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    groups = summary["groups"]
    for name in sorted(groups, key=lambda n: (n in SIGN_IN, -groups[n]["requests"], n)):
        lines.append(_row(name, groups[name]))
    lines.append(_row("after sign-in (all but sign-in and static files)", browsing, bold=True))
    lines.append(_row("total", total, bold=True))
    if run["failures"]:
        lines += ["", "Failures:", ""]
        for failure in run["failures"]:
            lines.append(
                f"- {failure['Method']} {failure['Name']}: {failure['Error']} "
                f"({failure['Occurrences']}×)"
            )
    lines.append(f"<!-- /{MARK} -->")
    return "\n".join(lines) + "\n"


def _dirty() -> bool:
    done = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    return bool(done.stdout.strip())


def _engine_and_version() -> tuple[str, str]:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return "PostgreSQL", str(cursor.fetchone()[0]).split()[0]
    import sqlite3

    return "SQLite", sqlite3.sqlite_version


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker")
    parser.add_argument("--think", default="1,3", help="think time MIN,MAX seconds")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--reuse", action="store_true", help="keep a database already loaded")
    parser.add_argument("--drop-database", action="store_true", help="drop it at the end")
    parser.add_argument("--output", default=str(REPO / "bench" / "RESULTS.md"))
    args = parser.parse_args(argv)
    low, _comma, high = args.think.partition(",")
    if not (_is_number(low) and _is_number(high) and 0 <= float(low) <= float(high)):
        parser.error("--think takes MIN,MAX seconds, e.g. 1,3")
    command = "python -m bench.load " + " ".join(argv if argv is not None else sys.argv[1:])
    started_at = dt.datetime.now(dt.UTC)
    start = time.perf_counter()

    from bench.generate import reset_database

    accounts = accounts_plan(args.users)
    django_setup(args.database_url)  # also sets the server's environment: production settings
    if args.reuse and database_ready(accounts):
        print("Database: reused", flush=True)
    else:
        from django.db import connections

        connections.close_all()
        reset_database(args.database_url)
        print("Database: migrate, demo, accounts …", flush=True)
        database_build(accounts)
    users_path = WORK_DIR / "users.json"
    sizes = users_file(accounts, users_path)
    engine, version = _engine_and_version()
    argon2 = argon2_cpu_seconds()
    from django.db import connections

    connections.close_all()
    print(f"Database ready in {time.perf_counter() - start:.0f} s", flush=True)

    port = args.port or free_port()
    server_log = WORK_DIR / "server.log"
    server = server_start(port, args.workers, args.threads, server_log)
    try:
        server_wait(port, server)
        server_warm(port, args.workers)
        load_before = os.getloadavg()[0]
        run = locust_run(args, port, users_path)
        load_after = os.getloadavg()[0]
        server_cpu = process_cpu_seconds(server.pid)
    finally:
        server_stop(server)
    errors = server_errors(server_log)
    roles: dict[str, int] = {}
    for account in accounts:
        roles[account.role] = roles.get(account.role, 0) + 1
    facts = {
        "started": started_at,
        "commit": git_commit(),
        "dirty": _dirty(),
        "command": command.strip(),
        "engine": engine,
        "server_version": version,
        "roles": roles,
        "load_before": load_before,
        "load_after": load_after,
        "server_cpu": server_cpu,
        "server_errors": len(errors),
        "argon2": argon2,
        **sizes,
    }
    section_write(MARK, report(args, facts, run), Path(args.output))
    if args.drop_database:
        _drop(args.database_url)
    summary = summarise(run["times"], float(args.duration))
    total, browsing = summary["total"], summary["browsing"]
    locust_total = next((r for r in run["stats"] if r["Name"] == "Aggregated"), None)
    locust_failures = int(locust_total["Failure Count"]) if locust_total else -1
    print(
        f"{total['requests']:,} requests, {total['failures']} failures "
        f"(locust: {locust_failures}), {total['rps']:.1f} req/s; after sign-in p50 "
        f"{browsing['p50']:.0f} ms, p95 {browsing['p95']:.0f} ms, p99 {browsing['p99']:.0f} ms; "
        f"server log errors: {len(errors)}. Wrote the {MARK} section of {args.output}.",
        flush=True,
    )
    for line in errors[:20]:
        print(f"  server: {line}")
    if total["failures"] or locust_failures != 0 or errors or not total["requests"]:
        raise SystemExit(1)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _drop(database_url: str) -> None:
    import dj_database_url

    config = dj_database_url.parse(database_url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    from bench.generate import _server_params

    with psycopg.connect(**_server_params(config), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(config["NAME"])
            )
        )
    print(f"Database {config['NAME']} dropped", flush=True)


if __name__ == "__main__":
    main()
