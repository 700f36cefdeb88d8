"""Consolidating 3,300 commune reports into one province report, and exporting it.

  python -m bench.reports                  SQLite (var/bench-reports.sqlite3): build, measure, and
                                           write the <!-- reports-bench --> section of RESULTS.md
  python -m bench.reports --database-url sqlite \\
      --database-url postgres://postgres@127.0.0.1:5432/kehoach_bench
                                           both engines (PostgreSQL: kehoach_bench_reports)
  python -m bench.reports --reuse          keep a dataset that is already complete
  python -m bench.reports --communes 300 --output /tmp/r.md     a quick try

The dataset (its own database; bench.generate's reset rules): tỉnh Quảng Nam with 12 provincial
departments and --communes commune-level units (default 3,300) directly under it, as after the
2025 reform; a province plan for 2026 of 40 tasks whose reporting duty asks "UBND các xã, phường"
(who = the province, who_scope = communes) for a six-monthly report to the province; its period
from reports.services.periods_generate; 3–4 records per commune (a product, a broadcast, a
training with two attendees, a third of the communes a product in Co/Cơ Tu on social media) and
2 per department, linked to the plan's tasks and dated inside the period's data window. Units,
people and records are bulk-created (derived fields by the models' own refresh_keys). Every
commune report goes through the real services: report_open → report_submit → report_accept (in
transactions of 100 communes). A second, small province (tỉnh Quảng Ngãi, --small-communes, 30)
is built the same way, so the SQL of a consolidation can be compared between 30 and 3,300
communes.

Measured, each operation in its own process with the production settings (DEBUG off), so that
the process's max RSS (resource.getrusage) belongs to that operation:
- consolidate: report_open of the province report (consolidate over the accepted reports), in a
  transaction rolled back after each run; refresh: report_refresh of the (saved) province report;
- exports of the province report: report_xlsx, report_docx, report_pdf (LibreOffice in a child
  process: its time is taken inside report_pdf and its memory, RUSAGE_CHILDREN, is not in the
  Python figures); and write_docx (with LibreOffice) of the same document with its table cut to
  --series sizes.
Wall time: time.perf_counter over --runs runs (fewer when one run takes long: --budget).
Peak Python memory: one further run under tracemalloc, which does not see C libraries (lxml), so
max RSS is given before the first call, after it and after all runs, with the resident memory
after each run and around a gc.collect(). SQL: two further runs under CaptureQueriesContext (they
must agree). An export that runs longer than --export-timeout seconds is stopped and reported as
such.
"""

import argparse
import datetime as dt
import gc
import json
import math
import os
import random
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench import (
    DEFAULT_DATABASE_URL,
    REPO,
    VAR_DIR,
    django_setup,
    git_commit,
    scale_database_url,
)
from bench.sections import section_write

MARK = "reports-bench"
BIG_PROVINCE = "Tỉnh Quảng Nam"
SMALL_PROVINCE = "Tỉnh Quảng Ngãi"
MANAGER = "quanly_tinh"
YEAR = 2026
N_TASKS = 40
COMMUNE_TASKS = 12  # tasks led by "UBND các xã, phường"
COMMUNES_GROUP = "UBND các xã, phường"
BATCH = 100  # communes per transaction while their reports are sent and accepted
# Further place-name syllables: with bench.generate's two lists they give over 4,000 names.
PLACE_THIRD = ["", "Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ"]
OPS = ("consolidate", "refresh", "series", "xlsx", "docx", "pdf")
EXPORTS = ("xlsx", "docx", "pdf")


# ---------------------------------------------------------------------------- the dataset


def commune_names(count: int, rng: random.Random) -> list[str]:
    """Distinct place names as the communes after the reform are named: "Tam Hòa", "Bình
    Minh Tây"; numbered only when the lists run out."""
    from bench.generate import PLACE_FIRST, PLACE_SECOND

    names: list[str] = []
    for third in PLACE_THIRD:
        batch = [
            f"{a} {b} {third}".strip()
            for a in PLACE_FIRST
            for b in PLACE_SECOND
            if a != b and b != third
        ]
        rng.shuffle(batch)
        names += batch
    base, round_ = list(names), 2
    while len(names) < count:
        names += [f"{name} {round_}" for name in base]
        round_ += 1
    return names[:count]


class ProvinceBuilder:
    """A province with communes directly under it, a plan, its period, records and the commune
    reports sent and accepted through the services."""

    def __init__(self, *, rng: random.Random, next_record_pk: int) -> None:
        self.rng = rng
        self.next_record_pk = next_record_pk
        from kehoach.activities.models import Language, Platform

        self.languages = {row.code: row for row in Language.objects.all()}
        self.platforms = {row.code: row for row in Platform.objects.all()}

    def build(self, *, name: str, communes: int, manager: Any | None) -> dict[str, Any]:
        from django.db import transaction

        timings: dict[str, float] = {}
        with transaction.atomic():
            start = time.perf_counter()
            self.units(name=name, communes=communes)
            self.people()
            timings["units and people"] = time.perf_counter() - start
            start = time.perf_counter()
            self.user = manager or self.manager()
            self.plan()
            timings["plan (plan_import) and period (periods_generate)"] = (
                time.perf_counter() - start
            )
            start = time.perf_counter()
            records = self.records()
            timings["records (bulk_create)"] = time.perf_counter() - start
        start = time.perf_counter()
        self.reports()
        timings["commune reports: report_open → report_submit → report_accept"] = (
            time.perf_counter() - start
        )
        return {"timings": timings, "records": records, "communes": len(self.communes)}

    # -- units and people

    def _bulk_units(self, units: list[Any]) -> list[Any]:
        from kehoach.units.models import Unit
        from kehoach.units.services import _place_in_tree  # the one path rule

        for unit in units:
            unit.refresh_keys()  # before the insert: no pk yet, so no alias query
        created = Unit.objects.bulk_create(units, batch_size=500)
        for unit in created:
            _place_in_tree(unit)
        Unit.objects.bulk_update(created, ["path", "depth"], batch_size=500)
        return created

    def units(self, *, name: str, communes: int) -> None:
        from bench.generate import PROVINCE_BODIES
        from kehoach.units.models import Unit
        from kehoach.units.services import unit_create

        self.province = unit_create(
            name=name, kind="province", short_name=f"UBND {name[0].lower()}{name[1:]}"
        )
        where = name.removeprefix("Tỉnh ")
        bodies = [
            Unit(
                name=body.replace("Quảng Nam", where),
                short_name=short,
                kind=kind,
                parent=self.province,
            )
            for body, short, kind in PROVINCE_BODIES
        ]
        self.bodies = self._bulk_units(bodies)
        rows = []
        for number, place in enumerate(commune_names(communes, self.rng)):
            ward = self.rng.random() < 0.12
            rows.append(
                Unit(
                    name=f"{'Phường' if ward else 'Xã'} {place}",
                    kind="ward" if ward else "commune",
                    parent=self.province,
                    code=f"{20000 + number}",
                    valid_from=dt.date(2025, 7, 1),
                )
            )
        self.communes = self._bulk_units(rows)

    def people(self) -> None:
        from bench.generate import (
            FAMILY,
            FAMILY_WEIGHTS,
            GIVEN_FEMALE,
            GIVEN_MALE,
            MIDDLE_FEMALE,
            MIDDLE_MALE,
            _person_keys,
        )
        from kehoach.people.models import Person

        rng = self.rng

        def full_name() -> str:
            family = rng.choices(FAMILY, weights=FAMILY_WEIGHTS)[0]
            if rng.random() < 0.5:
                return f"{family} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"
            return f"{family} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"

        people = []
        for unit in self.communes + self.bodies:
            positions = (
                ["Công chức Văn hóa - Xã hội", "Phó Chủ tịch UBND xã"]
                if unit.kind in ("commune", "ward")
                else ["Chuyên viên", "Phó Giám đốc"]
            )
            for position in positions:
                name = full_name()
                sort, search = _person_keys(name, position)
                people.append(
                    Person(
                        full_name=name,
                        position=position,
                        unit=unit,
                        is_human_rights_officer=position.startswith(("Công chức", "Chuyên viên")),
                        sort_key=sort,
                        search_text=search,
                    )
                )
        created = Person.objects.bulk_create(people, batch_size=2000)
        self.people_of: dict[int, list[int]] = {}
        for person in created:
            self.people_of.setdefault(person.unit_id, []).append(person.pk)

    def manager(self) -> Any:
        from kehoach.accounts.models import Role
        from kehoach.accounts.services import user_create_with_role

        return user_create_with_role(
            username=MANAGER,
            password="QuangNam@2026",
            role=Role.PLAN_MANAGER,
            unit=self.province,
            full_name="Trần Văn Quảng",
        )

    # -- the plan and its period

    def plan(self) -> None:
        from bench.generate import TASK_AUDIENCES, TASK_TOPICS, TASK_VERBS
        from kehoach.plans.models import UnitScope
        from kehoach.reports.services import periods_generate

        rng = self.rng
        where = self.province.name[0].lower() + self.province.name[1:]
        names: dict[str, tuple[Any, str]] = {b.short_name: (b, UnitScope.UNIT) for b in self.bodies}
        names[COMMUNES_GROUP] = (self.province, UnitScope.COMMUNES)
        names[self.province.short_name] = (self.province, UnitScope.UNIT)
        departments = [b.short_name for b in self.bodies]
        tasks = []
        for order in range(N_TASKS):
            for_communes = order < COMMUNE_TASKS
            lead = [COMMUNES_GROUP] if for_communes else [rng.choice(departments)]
            tasks.append(
                {
                    "number": f"{order // 10 + 1}.{order % 10 + 1}",
                    "title": f"{rng.choice(TASK_VERBS)} {rng.choice(TASK_TOPICS)} "
                    f"{rng.choice(TASK_AUDIENCES)}",
                    "lead": lead,
                    "support": rng.sample(departments, 2),
                    "start": f"{YEAR}-01-01",
                    "end": f"{YEAR}-12-31",
                    "recurring": True,
                }
            )
        data = {
            "title": f"Thông tin, truyền thông về quyền con người năm {YEAR} trên địa bàn {where}",
            "number": "25/KH-UBND",
            "date": f"{YEAR}-01-20",
            "year": YEAR,
            "period": {"time": f"Năm {YEAR}", "start": f"{YEAR}-01-01", "end": f"{YEAR}-12-31"},
            "purposes": "Nâng cao nhận thức của cán bộ, đảng viên và Nhân dân về quyền con người.",
            "tasks": tasks,
            "reporting": [
                {
                    "who": COMMUNES_GROUP,
                    "what": "Báo cáo kết quả thực hiện Kế hoạch 6 tháng đầu năm",
                    "due": "06-15",
                    "period": "6 tháng",
                    "to_whom": self.province.short_name,
                }
            ],
        }
        from kehoach.plans.services import plan_import

        self.plan_obj = plan_import(data=data, issuer=self.province, resolve_unit=names.get)
        (self.period,) = periods_generate(plan=self.plan_obj)
        tasks_in_order = list(self.plan_obj.tasks.order_by("order"))
        self.commune_tasks = [t.pk for t in tasks_in_order[:COMMUNE_TASKS]]
        self.other_tasks = [t.pk for t in tasks_in_order[COMMUNE_TASKS:]]

    # -- records

    def records(self) -> int:
        from kehoach.activities import models as m

        rng = self.rng
        period = self.period
        days = (period.data_to - period.data_from).days
        records: list[Any] = []
        task_links: list[Any] = []
        products: list[Any] = []
        languages: list[Any] = []
        platforms: list[Any] = []
        broadcasts: list[Any] = []
        trainings: list[Any] = []
        attendance: list[Any] = []
        lang_through = m.Product.languages.through
        plat_through = m.Product.platforms.through

        def record(unit: Any, kind: str, title: str, tasks: list[int]) -> int:
            pk = self.next_record_pk
            self.next_record_pk += 1
            row = m.Record(
                pk=pk,
                kind=kind,
                unit_id=unit.pk,
                date=period.data_from + dt.timedelta(days=rng.randrange(days + 1)),
                title=title,
            )
            row.refresh_keys()
            records.append(row)
            task_links.extend(m.Record.tasks.through(record_id=pk, task_id=t) for t in tasks)
            return pk

        def product(pk: int, codes: list[str], where: list[str], kind: str = "article") -> None:
            lang, plat = self.languages, self.platforms
            online = "portal" in where or "social" in where
            products.append(
                m.Product(
                    record_id=pk,
                    product_kind=kind,
                    digitised=online,
                    published_online=online,
                    in_minority_or_foreign_language=any(lang[c].group != "vi" for c in codes),
                    on_digital_platform=any(plat[c].digital for c in where),
                )
            )
            languages.extend(lang_through(product_id=pk, language=lang[c]) for c in codes)
            platforms.extend(plat_through(product_id=pk, platform=plat[c]) for c in where)

        for unit in self.communes:
            task = rng.choice(self.commune_tasks)
            pk = record(unit, "product", "Bài viết về quyền trẻ em trên bản tin xã", [task])
            product(pk, ["vi"], ["print"])
            pk = record(
                unit,
                "broadcast",
                "Phát sóng chuyên mục quyền con người trên Đài truyền thanh xã",
                [task],
            )
            broadcasts.append(
                m.Broadcast(
                    record_id=pk,
                    station="Đài truyền thanh xã",
                    first_aired=records[-1].date,
                    times_aired=rng.randint(1, 6),
                )
            )
            pk = record(
                unit,
                "training",
                "Tập huấn kiến thức về quyền con người cho cán bộ, công chức xã",
                rng.sample(self.commune_tasks, 2),
            )
            trainings.append(
                m.Training(record_id=pk, training_kind="training", organiser=unit.name)
            )
            attendance += [
                m.Attendance(training_id=pk, person_id=person, duties="human_rights")
                for person in self.people_of[unit.pk]
            ]
            if rng.random() < 1 / 3:
                pk = record(
                    unit,
                    "product",
                    "Tờ gấp quyền con người bằng tiếng dân tộc thiểu số",
                    [task],
                )
                product(pk, ["vi", rng.choice(["cor", "katu"])], ["social"])
        for unit in self.bodies:
            pk = record(
                unit,
                "product",
                "Tin bài về quyền con người trên cổng thông tin điện tử",
                [rng.choice(self.other_tasks)],
            )
            product(pk, ["vi"], ["portal"])
            pk = record(
                unit,
                "training",
                "Hội nghị tập huấn về quyền con người",
                [rng.choice(self.other_tasks)],
            )
            trainings.append(
                m.Training(record_id=pk, training_kind="training", organiser=unit.name)
            )
            attendance += [
                m.Attendance(training_id=pk, person_id=person, duties="human_rights")
                for person in self.people_of[unit.pk]
            ]
        m.Record.objects.bulk_create(records, batch_size=2000)
        m.Record.tasks.through.objects.bulk_create(task_links, batch_size=2000)
        m.Product.objects.bulk_create(products, batch_size=2000)
        lang_through.objects.bulk_create(languages, batch_size=2000)
        plat_through.objects.bulk_create(platforms, batch_size=2000)
        m.Broadcast.objects.bulk_create(broadcasts, batch_size=2000)
        m.Training.objects.bulk_create(trainings, batch_size=2000)
        m.Attendance.objects.bulk_create(attendance, batch_size=2000)
        return len(records)

    # -- the commune reports, through the services

    def reports(self) -> None:
        from django.db import transaction

        from kehoach.reports.services import report_accept, report_open, report_submit

        start = time.perf_counter()
        for first in range(0, len(self.communes), BATCH):
            with transaction.atomic():
                for unit in self.communes[first : first + BATCH]:
                    report = report_open(period=self.period, unit=unit, by=self.user)
                    report = report_submit(report=report, by=self.user)
                    report_accept(report=report, by=self.user)
            done = min(first + BATCH, len(self.communes))
            if done % 500 < BATCH or done == len(self.communes):
                print(
                    f"    {done:,} commune reports accepted ({time.perf_counter() - start:.0f} s)",
                    flush=True,
                )


def build(*, database_url: str, communes: int, small: int, seed: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from bench.generate import reset_database

    reset_database(database_url)
    django_setup(database_url)
    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    big = ProvinceBuilder(rng=rng, next_record_pk=1)
    print(f"  {BIG_PROVINCE}: {communes:,} communes", flush=True)
    info = {"big": big.build(name=BIG_PROVINCE, communes=communes, manager=None)}
    little = ProvinceBuilder(rng=rng, next_record_pk=big.next_record_pk)
    print(f"  {SMALL_PROVINCE}: {small:,} communes", flush=True)
    info["small"] = little.build(name=SMALL_PROVINCE, communes=small, manager=big.user)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return info


def dataset_ready(database_url: str, *, communes: int, small: int) -> bool:
    """True when the database holds both provinces with every commune report accepted."""
    import dj_database_url

    config = dj_database_url.parse(database_url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if not Path(config["NAME"]).exists():
            return False
    else:
        import psycopg

        from bench.generate import _server_params

        with psycopg.connect(**_server_params(config), autocommit=True) as conn:
            if not conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
            ).fetchone():
                return False
    django_setup(database_url)
    from django.db import DatabaseError

    from kehoach.reports.models import Report, ReportStatus

    try:
        for name, count in ((BIG_PROVINCE, communes), (SMALL_PROVINCE, small)):
            accepted = Report.objects.filter(
                receiver__name=name, receiver__parent=None, status=ReportStatus.ACCEPTED
            ).count()
            if accepted != count:
                return False
    except DatabaseError:
        return False
    return True


# ---------------------------------------------------------------------------- measuring (child)


def _rss_mib() -> float:
    """The process's max RSS so far (Linux: KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _resident_mib() -> float | None:
    """The process's resident memory now (Linux /proc), unlike ru_maxrss which never falls."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return None
    found = re.search(r"VmRSS:\s*(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else None


def _collect(result: dict[str, Any]) -> None:
    """Resident memory before and after a full garbage collection, and what it cost."""
    result["resident_before_gc"] = _resident_mib()
    start = time.perf_counter()
    gc.collect()
    result["gc_s"] = time.perf_counter() - start
    result["resident_after_gc"] = _resident_mib()


def _children_rss_mib() -> float:
    """The max RSS of the largest finished child process (soffice.bin for a PDF)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _runs(
    call: Callable[[], Any], *, runs: int, budget: float, result: dict[str, Any] | None = None
) -> list[float]:
    """Seconds of up to `runs` calls; no further call once `budget` seconds are spent. With
    `result`, the process's max RSS after the first call goes to result["rss_first"] and the
    resident memory after each call to result["resident_runs"]."""
    timings: list[float] = []
    resident: list[float | None] = []
    while len(timings) < runs and sum(timings) < budget:
        start = time.perf_counter()
        call()
        timings.append(time.perf_counter() - start)
        resident.append(_resident_mib())
        if result is not None and len(timings) == 1:
            result["rss_first"] = _rss_mib()
    if result is not None:
        result["resident_runs"] = resident
    return timings


def _runs_collected(call: Callable[[], Any], *, runs: int) -> list[float | None]:
    """Resident memory after each of `runs` calls, each followed by a full gc.collect()."""
    resident = []
    for _ in range(runs):
        call()
        gc.collect()
        resident.append(_resident_mib())
    return resident


def _traced(call: Callable[[], Any]) -> float:
    """Peak Python memory (MiB) of one call under tracemalloc."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        call()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1024 / 1024


def _queries(call: Callable[[], Any]) -> list[list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    captured = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as context:
            call()
        captured.append([q["sql"] for q in context.captured_queries])
    return captured


def _objects(name: str) -> tuple[Any, Any, Any]:
    from django.contrib.auth import get_user_model

    from kehoach.reports.models import ReportPeriod
    from kehoach.units.models import Unit

    province = Unit.objects.get(name=name, parent=None)
    period = ReportPeriod.objects.select_related("plan", "duty", "duty__to_whom", "duty__who").get(
        plan__issuer=province
    )
    return province, period, get_user_model().objects.get(username=MANAGER)


def _province_report(name: str) -> Any:
    from kehoach.reports.models import Report

    return Report.objects.select_related(
        "period", "period__plan", "period__duty", "unit", "unit__parent", "receiver"
    ).get(unit__name=name, unit__parent=None)


def _pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", data))


def measure(op: str, *, runs: int, budget: float, series: list[int]) -> dict[str, Any]:
    from django.db import connection, transaction

    from kehoach.reports import exports, services
    from kehoach.reports.models import Report

    result: dict[str, Any] = {
        "op": op,
        "load_before": os.getloadavg()[0],
        "vendor": connection.vendor,
    }
    province, period, user = _objects(BIG_PROVINCE)

    if op == "consolidate":
        Report.objects.filter(period=period, unit=province).delete()  # report_open creates it

        def open_rolled_back(period: Any = period, unit: Any = province) -> None:
            with transaction.atomic():
                services.report_open(period=period, unit=unit, by=user)
                transaction.set_rollback(True)

        result["rss_before"] = _rss_mib()
        open_rolled_back()  # warm-up: imports, caches
        first = _rss_mib()
        result["timings"] = _runs(open_rolled_back, runs=runs, budget=budget, result=result)
        result["rss_first"] = first
        result["rss_after"] = _rss_mib()
        _collect(result)
        result["peak_mib"] = _traced(open_rolled_back)
        result["sql"] = _queries(open_rolled_back)
        small, small_period, _user = _objects(SMALL_PROVINCE)
        Report.objects.filter(period=small_period, unit=small).delete()

        def open_small(period: Any = small_period, unit: Any = small) -> None:
            with transaction.atomic():
                services.report_open(period=period, unit=unit, by=user)
                transaction.set_rollback(True)

        open_small()
        result["small_timings"] = _runs(open_small, runs=runs, budget=budget)
        result["small_sql"] = _queries(open_small)
        result["units_rows"] = len(services.report_figures(period=period, unit=province)["units"])
        return _done(result)

    if op == "refresh":
        start = time.perf_counter()
        report = services.report_open(period=period, unit=province, by=user)  # saved from now on
        result["open_committed_s"] = time.perf_counter() - start

        def refresh(report: Any = report) -> None:
            services.report_refresh(report=report)

        result["rss_before"] = _rss_mib()
        refresh()  # warm-up
        first = _rss_mib()
        result["timings"] = _runs(refresh, runs=runs, budget=budget, result=result)
        result["rss_first"] = first
        result["rss_after"] = _rss_mib()
        _collect(result)
        result["peak_mib"] = _traced(refresh)
        result["sql"] = _queries(refresh)
        result["figures_json_bytes"] = len(json.dumps(report.figures, ensure_ascii=False))
        return _done(result)

    report = _province_report(BIG_PROVINCE)
    result["units_rows"] = len(report.figures.get("units", []))
    result["rss_before"] = _rss_mib()

    if op == "series":
        from kehoach.lib.documents import write_docx, write_pdf
        from kehoach.reports.selectors import report_document

        rows = []
        figures = report.figures
        for size in series:
            report.figures = {**figures, "units": figures["units"][:size]}
            document = report_document(report=report)
            start = time.perf_counter()
            docx = write_docx(document)
            docx_s = time.perf_counter() - start
            start = time.perf_counter()
            pdf = write_pdf(docx)
            pdf_s = time.perf_counter() - start
            rows.append(
                {
                    "units": size,
                    "docx_s": docx_s,
                    "docx_bytes": len(docx),
                    "soffice_s": pdf_s,
                    "pages": _pdf_pages(pdf),
                }
            )
            print(
                f"    table of {size:,} units: docx {docx_s:.1f} s, soffice {pdf_s:.1f} s, "
                f"{rows[-1]['pages']} pages",
                flush=True,
            )
        report.figures = figures
        result["series"] = rows
        result["soffice_rss"] = _children_rss_mib()
        result["rss_after"] = _rss_mib()
        return _done(result)

    if op in ("xlsx", "docx"):
        export = exports.report_xlsx if op == "xlsx" else exports.report_docx
        output: dict[str, bytes] = {}

        def run(export: Callable[[Any], bytes] = export, report: Any = report) -> None:
            output["data"] = export(report)

        result["timings"] = _runs(run, runs=runs, budget=budget, result=result)
        result["rss_after"] = _rss_mib()
        _collect(result)
        result["bytes"] = len(output["data"])
        if sum(result["timings"]) / len(result["timings"]) < budget:
            result["resident_collected"] = _runs_collected(run, runs=2)
            result["peak_mib"] = _traced(run)
        return _done(result)

    if op == "pdf":
        from unittest import mock

        from kehoach.lib.documents import write_pdf as convert

        soffice: list[float] = []

        def timed_convert(docx: bytes, **kwargs: Any) -> bytes:
            start = time.perf_counter()
            try:
                return convert(docx, **kwargs)
            finally:
                soffice.append(time.perf_counter() - start)

        output = {}

        def run_pdf(report: Any = report) -> None:
            output["data"] = exports.report_pdf(report)

        # report_pdf is write_pdf(report_docx(report)): time the LibreOffice part inside it.
        with mock.patch("kehoach.reports.exports.write_pdf", timed_convert):
            result["timings"] = _runs(run_pdf, runs=runs, budget=budget, result=result)
            result["rss_after"] = _rss_mib()
            _collect(result)
            result["soffice_timings"] = list(soffice)
            result["soffice_rss"] = _children_rss_mib()
            if sum(result["timings"]) / len(result["timings"]) < budget:
                result["peak_mib"] = _traced(run_pdf)
        result["bytes"] = len(output["data"])
        result["pages"] = _pdf_pages(output["data"])
        return _done(result)
    raise SystemExit(f"unknown operation {op}")


def _done(result: dict[str, Any]) -> dict[str, Any]:
    result["load_after"] = os.getloadavg()[0]
    timings = result.get("timings")
    if timings:
        print(
            f"    {result['op']:12} runs {len(timings)}  best {min(timings):8.2f} s  "
            f"median {statistics.median(timings):8.2f} s  "
            f"peak {result.get('peak_mib', float('nan')):7.1f} MiB  "
            f"max RSS {result['rss_after']:7.1f} MiB"
            + (f"  {len(result['sql'][0])} queries" if "sql" in result else ""),
            flush=True,
        )
    return result


# ---------------------------------------------------------------------------- orchestration


def _child(args: list[str], *, timeout: float | None = None) -> str:
    """Run `python -m bench.reports ARGS` in its own process group; stop the group after
    `timeout` seconds. Returns "ok" or "timeout"."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.reports", *args], cwd=REPO, start_new_session=True
    )
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the child and any soffice it started
        process.wait()
        return "timeout"
    if code != 0:
        raise SystemExit(f"bench.reports {' '.join(args)} failed ({code})")
    return "ok"


def _engine_name(url: str) -> str:
    return "SQLite" if url.startswith("sqlite") else "PostgreSQL"


def run_engine(base_url: str, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    url = scale_database_url(base_url, "reports")
    engine: dict[str, Any] = {"name": _engine_name(url), "url": _safe(url), "ops": {}}
    common = ["--database-url", url, "--communes", str(args.communes)]
    common += ["--small-communes", str(args.small_communes)]
    # What the setup took is kept next to the datasets, so a reused dataset still reports it.
    saved = (
        Path(url.removeprefix("sqlite:///") + ".build.json")
        if url.startswith("sqlite:")
        else VAR_DIR / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', url.rpartition('/')[2])}.build.json"
    )
    ready = args.reuse and _ready_in_child(url, args.communes, args.small_communes)
    if ready:
        print(f"Reusing the reports dataset in {_safe(url)}", flush=True)
        engine["build"] = json.loads(saved.read_text(encoding="utf-8")) if saved.exists() else None
        engine["reused"] = True
    else:
        print(f"Building the reports dataset in {_safe(url)}", flush=True)
        out = tmp / f"{engine['name']}-build.json"
        _child(["--step", "build", *common, "--json", str(out)])
        engine["build"] = json.loads(out.read_text(encoding="utf-8"))
        engine["build"]["built_at"] = f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_text(json.dumps(engine["build"]), encoding="utf-8")
    for op in OPS:
        if op == "pdf" and engine["ops"].get("docx", {}).get("timeout"):
            engine["ops"][op] = {"skipped": "docx"}  # report_pdf starts with report_docx
            continue
        out = tmp / f"{engine['name']}-{op}.json"
        child_args = ["--step", "measure", "--op", op, *common, "--json", str(out)]
        child_args += ["--runs", str(args.runs), "--budget", str(args.budget)]
        child_args += ["--series", args.series]
        print(f"  {engine['name']}: {op}", flush=True)
        limit = args.export_timeout if op in EXPORTS and args.export_timeout > 0 else None
        start = time.perf_counter()
        status = _child(child_args, timeout=limit)
        if status == "timeout":
            print(f"    {op} did not finish within {limit:.0f} s; stopped", flush=True)
            engine["ops"][op] = {"timeout": limit}
            continue
        engine["ops"][op] = json.loads(out.read_text(encoding="utf-8"))
        engine["ops"][op]["wall_s"] = time.perf_counter() - start
    return engine


def _ready_in_child(url: str, communes: int, small: int) -> bool:
    code = (
        "import sys; from bench.reports import dataset_ready; "
        f"sys.exit(0 if dataset_ready({url!r}, communes={communes}, small={small}) else 1)"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, check=False).returncode == 0


def _safe(url: str) -> str:
    return re.sub(r"//([^:@/]+):[^@/]+@", r"//\1:***@", url)


# ---------------------------------------------------------------------------- the report


def _s(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _mib(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _time_cells(op: dict[str, Any]) -> str:
    timings = op["timings"]
    return f"{len(timings)} | {_s(min(timings))} | {_s(statistics.median(timings))}"


def _shapes(queries: list[str]) -> Counter[str]:
    from bench.run import _summary

    return Counter(_summary(q) for q in queries)


def _sql_verdict(op: dict[str, Any], communes: int, small: int) -> tuple[str, list[str]]:
    """The query count at both sizes and, when they differ, the queries that repeat."""
    big_sql, small_sql = op["sql"][0], op["small_sql"][0]
    stable = len({len(c) for c in op["sql"]}) == 1 and len({len(c) for c in op["small_sql"]}) == 1
    cell = f"{len(small_sql)} → {len(big_sql)}"
    if not stable:
        return cell + " (UNSTABLE)", ["the query count changed between identical runs"]
    if len(big_sql) == len(small_sql):
        return cell + " (same)", []
    grown = _shapes(big_sql)
    grown.subtract(_shapes(small_sql))
    lines = [f"{count:+,} × `{shape[:300]}`" for shape, count in grown.most_common() if count != 0]
    return cell + f" (**grows with the communes: {small} → {communes}**)", lines


def render(engines: list[dict[str, Any]], args: argparse.Namespace, command: str) -> str:
    from bench.run import _machine

    machine = _machine()
    now = dt.datetime.now(dt.UTC)
    versions = "; ".join(e.get("db_version") or e["name"] for e in engines)
    lines = [
        f"<!-- {MARK} -->",
        f"## Reports: consolidating {args.communes:,} commune reports into one province report, "
        "and exporting it",
        "",
        f"Command: `{command}`. Run on {now:%Y-%m-%d %H:%M} UTC, code at commit {git_commit()}. "
        "Every number below comes from this one run"
        + (
            ", except the setup times of a reused dataset, which are from the run that built it."
            if any(e.get("reused") for e in engines)
            else "."
        ),
        "",
        f"Machine: {machine['nproc']} shared CPU cores ({machine['cpu']}), {machine['memory']}; "
        f"Python {machine['python']}, Django {machine['django']}; {versions}. Other work ran on "
        "the same cores: the 1-minute load average is given per step.",
        "",
        f"Dataset (`bench/reports.py`, its own database per engine): tỉnh Quảng Nam with 12 "
        f"departments and {args.communes:,} communes and wards directly under it (after the 2025 "
        f'reform), a 2026 plan of {N_TASKS} tasks whose reporting duty asks "{COMMUNES_GROUP}" '
        "(who = the province, scope communes, to the province) for a six-monthly report; its "
        'period "6 tháng đầu năm 2026" from `periods_generate` (data 15/12/2025–14/6/2026); '
        "3–4 records per commune and 2 per department, bulk-created. **Every commune report went "
        "through `report_open` → `report_submit` → `report_accept`** (100 communes per "
        "transaction). A second province with "
        f"{args.small_communes} communes, built the same way, gives the SQL at a small size.",
        "",
        "Method: each operation in its own process, production settings (DEBUG off). Wall time "
        "with `time.perf_counter` (`report_open` and `report_refresh` after one warm-up call; "
        "the exports from their first call, modules already imported); runs stop "
        f"after {args.runs} or once {args.budget:.0f} s are spent. Peak Python memory: one more "
        "run under `tracemalloc` (timed runs are untraced). Max RSS: `resource.getrusage` of that "
        "process (Django, the loaded report and the operation; it never goes down). SQL: two "
        "more runs under `CaptureQueriesContext`, which must agree. `report_open` runs in a "
        "transaction rolled back after each run, so each run creates the report afresh. "
        "LibreOffice runs in a child process: its time is measured inside `report_pdf` (the "
        "`write_pdf` call) and its memory (`RUSAGE_CHILDREN`, the largest child: soffice.bin) "
        "is **not** in the Python figures. tracemalloc sees only what Python's allocator hands "
        "out: the XML trees python-docx builds live in libxml2 (lxml), outside it, so for the "
        "exports read the RSS columns. The column of resident memory (Linux `VmRSS`) shows how "
        "much a full `gc.collect()` after the runs gives back.",
        "",
    ]
    for engine in engines:
        lines += _engine_lines(engine, args)
    lines += _findings(engines, args)
    lines.append(f"<!-- /{MARK} -->")
    return "\n".join(lines) + "\n"


def _rss_cells(op: dict[str, Any]) -> str:
    """Max RSS before the first call → after it → after every run; resident memory before →
    after a full garbage collection."""
    rss = (
        f"{_mib(op.get('rss_before'))} → {_mib(op.get('rss_first'))} → {_mib(op.get('rss_after'))}"
    )
    gc_cell = "—"
    if op.get("resident_before_gc") is not None:
        gc_cell = (
            f"{_mib(op['resident_before_gc'])} → {_mib(op['resident_after_gc'])} "
            f"({op['gc_s'] * 1000:.0f} ms)"
        )
    return f"{rss} | {gc_cell}"


def _engine_lines(engine: dict[str, Any], args: argparse.Namespace) -> list[str]:
    ops = engine["ops"]
    lines = [f"### {engine['name']} ({engine['url']})", ""]
    build = engine.get("build")
    if build:
        big = build["big"]
        parts = ", ".join(f"{k} {_s(v)} s" for k, v in big["timings"].items())
        per = big["timings"]["commune reports: report_open → report_submit → report_accept"]
        lines += [
            f"Setup of the {big['communes']:,} communes ({big['records']:,} records"
            + (f"; dataset reused, built {build['built_at']}" if engine.get("reused") else "")
            + f"): {parts} — {per / big['communes'] * 1000:.0f} ms per commune report for open, "
            "submit and accept.",
            "",
        ]
    else:
        lines += ["Dataset reused from an earlier run (`--reuse`); its setup was not recorded.", ""]
    consolidate, refresh = ops["consolidate"], ops["refresh"]
    sql_cell, sql_lines = _sql_verdict(consolidate, args.communes, args.small_communes)
    small_median = statistics.median(consolidate["small_timings"])
    big_median = statistics.median(consolidate["timings"])
    header = (
        "| runs | best s | median s | peak Python MiB (tracemalloc) "
        "| max RSS MiB: before → 1st call → all runs | resident MiB before → after gc.collect() "
    )
    lines += [
        "| operation " + header + "| SQL queries | load |",
        "|---|--:|--:|--:|--:|--:|--:|---|---|",
        f"| `report_open` of the province report (consolidates {args.communes:,} accepted "
        f"reports; table of {consolidate['units_rows']:,} rows) | {_time_cells(consolidate)} | "
        f"{_mib(consolidate['peak_mib'])} | {_rss_cells(consolidate)} | {sql_cell} "
        f"({args.small_communes} → {args.communes:,} communes) | "
        f"{consolidate['load_before']:.1f} → {consolidate['load_after']:.1f} |",
        f"| `report_refresh` of the province report | {_time_cells(refresh)} | "
        f"{_mib(refresh['peak_mib'])} | {_rss_cells(refresh)} | {len(refresh['sql'][0])} | "
        f"{refresh['load_before']:.1f} → {refresh['load_after']:.1f} |",
        "",
        f"`report_open` at {args.small_communes} communes: median {_s(small_median)} s; at "
        f"{args.communes:,}: {_s(big_median)} s (×{big_median / small_median:.0f} for "
        f"×{args.communes / args.small_communes:.0f} communes). The saved figures of the province "
        f"report are {refresh['figures_json_bytes'] / 1024 / 1024:.1f} MiB of JSON.",
        "",
    ]
    if sql_lines:
        lines += ["Queries run more often at the larger size (literals replaced by ?):", ""]
        lines += [f"- {line}" for line in sql_lines[:20]]
        lines.append("")
    lines += [
        f"Exports of the province report (its table per unit has {consolidate['units_rows']:,} "
        f"rows plus header and total; an export is stopped after {args.export_timeout:.0f} s):",
        "",
        "| export " + header + "| size | load |",
        "|---|--:|--:|--:|--:|--:|--:|---|---|",
    ]
    for name in EXPORTS:
        op = ops.get(name, {})
        label = f"`report_{name}`"
        if "timeout" in op:
            lines.append(
                f"| {label} | 0 | **did not finish in {op['timeout']:.0f} s** | — | — | — | — "
                "| — | — |"
            )
            continue
        if "skipped" in op:
            lines.append(
                f"| {label} | — | not run: `report_pdf` first builds the .docx (`report_docx`), "
                "which did not finish | — | — | — | — | — | — |"
            )
            continue
        size = f"{op['bytes'] / 1024:.0f} KiB" + (f", {op['pages']} pages" if "pages" in op else "")
        lines.append(
            f"| {label} | {_time_cells(op)} | {_mib(op.get('peak_mib'))} | {_rss_cells(op)} | "
            f"{size} | {op['load_before']:.1f} → {op['load_after']:.1f} |"
        )
        if name == "pdf":
            soffice = op["soffice_timings"]
            lines.append(
                f"| of which LibreOffice (`write_pdf`, a child process) | {len(soffice)} | "
                f"{_s(min(soffice))} | {_s(statistics.median(soffice))} | not in the Python "
                f"figures | soffice.bin max RSS {_mib(op['soffice_rss'])} | — | | |"
            )
    series = ops.get("series", {}).get("series", [])
    if series:
        lines += [
            "",
            "The .docx and its PDF by the size of the table per unit (the province report's "
            "document with its table cut to the first N units; one run each):",
            "",
            "| units in the table | `write_docx` s | ×time for ×size | LibreOffice s | pages |",
            "|--:|--:|--:|--:|--:|",
        ]
        previous = None
        for row in series:
            growth = (
                f"×{row['docx_s'] / previous['docx_s']:.1f} for "
                f"×{row['units'] / previous['units']:.0f}"
                if previous
                else ""
            )
            lines.append(
                f"| {row['units']:,} | {_s(row['docx_s'])} | {growth} | {_s(row['soffice_s'])} | "
                f"{row['pages']} |"
            )
            previous = row
        exponent = _exponent(series)
        docx = ops.get("docx", {})
        if exponent is not None:
            full = consolidate["units_rows"]
            predicted = series[-1]["docx_s"] * (full / series[-1]["units"]) ** exponent
            measured = (
                f"; measured above: {_s(min(docx['timings']))} s (best)"
                if docx.get("timings")
                else " (extrapolated: the full export did not finish)"
            )
            lines += [
                "",
                f"`write_docx` time grows as units^{exponent:.1f} between the two largest sizes; "
                f"at that rate the full table of {full:,} rows takes about {_duration(predicted)}"
                f"{measured}.",
            ]
    return [*lines, ""]


def _exponent(series: list[dict[str, Any]]) -> float | None:
    if len(series) < 2:
        return None
    a, b = series[-2], series[-1]
    if a["docx_s"] <= 0 or a["units"] == b["units"]:
        return None
    return math.log(b["docx_s"] / a["docx_s"]) / math.log(b["units"] / a["units"])


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _findings(engines: list[dict[str, Any]], args: argparse.Namespace) -> list[str]:
    lines = ["### Findings", ""]
    for engine in engines:
        consolidate = engine["ops"]["consolidate"]
        cell, _lines = _sql_verdict(consolidate, args.communes, args.small_communes)
        lines.append(
            f"- {engine['name']}: consolidation SQL {cell} queries for "
            f"{args.small_communes} → {args.communes:,} communes."
        )
    setups = {
        e["name"]: e["build"]["big"]["timings"][
            "commune reports: report_open → report_submit → report_accept"
        ]
        / e["build"]["big"]["communes"]
        for e in engines
        if e.get("build")
    }
    if len(setups) == 2:
        (a_name, a_s), (b_name, b_s) = setups.items()
        lines.append(
            f"- One commune report opened, submitted and accepted at this size (the setup): "
            f"{a_s * 1000:.0f} ms on {a_name}, {b_s * 1000:.0f} ms on {b_name} "
            f"(×{max(a_s, b_s) / min(a_s, b_s):.1f})."
        )
    for engine in engines:
        pdf = engine["ops"].get("pdf", {})
        if pdf.get("timings") and statistics.median(pdf["timings"]) > 30:
            lines.append(
                f"- {engine['name']}: `report_pdf` of the province report takes "
                f"{statistics.median(pdf['timings']):.0f} s (median), longer than gunicorn's "
                "default worker timeout of 30 s."
            )
    if len(engines) == 2:
        a, b = (e["ops"]["consolidate"] for e in engines)
        ratio = statistics.median(b["timings"]) / statistics.median(a["timings"])
        lines.append(
            f"- `report_open` of the province report, {engines[1]['name']} / "
            f"{engines[0]['name']}: ×{ratio:.2f} (median)."
        )
    for engine in engines:
        for name in ("consolidate", "refresh", *EXPORTS):
            op = engine["ops"].get(name, {})
            runs = len(op.get("timings", []))
            if runs < 2 or op.get("resident_after_gc") is None:
                continue
            per_call = (op["rss_after"] - op["rss_first"]) / (runs - 1)
            freed = op["resident_before_gc"] - op["resident_after_gc"]
            if per_call < 50 and freed < 100:
                continue
            label = f"`report_{name}`" if name != "consolidate" else "`report_open`"
            after_each = ", ".join(_mib(v) for v in op.get("resident_runs", []))
            collected = ", ".join(_mib(v) for v in op.get("resident_collected", []))
            line = (
                f"- {engine['name']}: {label} keeps memory from one call to the next: the "
                f"process's max RSS rose from {op['rss_first']:.0f} MiB after the first call to "
                f"{op['rss_after']:.0f} MiB after {runs} (about {per_call:.0f} MiB per call; "
                f"resident after each call: {after_each} MiB), outside tracemalloc's view (peak "
                f"{_mib(op.get('peak_mib'))} MiB), so in C libraries (lxml for the .docx)."
            )
            values = [v for v in op.get("resident_collected", []) if v is not None]
            if values:
                flat = max(values) - (op["resident_after_gc"] or 0) < per_call / 4
                line += (
                    f" A `gc.collect()` after the runs took {op['gc_s'] * 1000:.0f} ms; with one "
                    f"after each call, two more calls left the resident memory at {collected} MiB"
                    + (
                        " (no growth): the memory is held by objects in reference cycles until "
                        "Python's cyclic collector runs. (Memory a collection frees stays with "
                        "the process's allocator for reuse, so the resident figure does not fall.)"
                        if flat
                        else "."
                    )
                )
            lines.append(line)
        docx = engine["ops"].get("docx", {})
        if "timeout" in docx:
            lines.append(
                f"- {engine['name']}: `report_docx` of the province report did not finish within "
                f"{docx['timeout']:.0f} s, so `report_pdf` (which builds the .docx first) was not "
                "run either; the table above shows how its time grows with the table."
            )
    return [*lines, ""]


# ---------------------------------------------------------------------------- entry point


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.reports",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--database-url",
        action="append",
        default=[],
        help="a base database URL (repeatable); 'sqlite' means var/bench-reports.sqlite3",
    )
    parser.add_argument("--communes", type=int, default=3300)
    parser.add_argument("--small-communes", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="keep a complete dataset")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--budget", type=float, default=60, help="seconds of runs per operation")
    parser.add_argument(
        "--export-timeout", type=float, default=600, help="stop an export after this (0: never)"
    )
    parser.add_argument("--series", default="100,200,400", help="table sizes for write_docx")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", default=str(REPO / "bench" / "RESULTS.md"))
    parser.add_argument("--step", choices=["build", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--op", choices=OPS, help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs < 1 or args.communes < 1 or args.small_communes < 1:
        parser.error("--runs, --communes and --small-communes must be at least 1.")
    series = [int(n) for n in args.series.split(",") if n.strip()]

    if args.step == "build":
        url = args.database_url[0]
        info = build(
            database_url=url, communes=args.communes, small=args.small_communes, seed=args.seed
        )
        Path(args.json).write_text(json.dumps(info), encoding="utf-8")
        return
    if args.step == "measure":
        django_setup(args.database_url[0])
        from bench.run import _db_version

        result = measure(args.op, runs=args.runs, budget=args.budget, series=series)
        result["db_version"] = _db_version()
        Path(args.json).write_text(json.dumps(result), encoding="utf-8")
        return

    urls = [DEFAULT_DATABASE_URL if u == "sqlite" else u for u in args.database_url]
    start = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    engines = []
    for url in urls or [DEFAULT_DATABASE_URL]:
        engine = run_engine(url, args, tmp)
        engine["db_version"] = engine["ops"]["consolidate"].get("db_version", "")
        engines.append(engine)
    command = "python -m bench.reports " + " ".join(sys.argv[1:] if argv is None else argv)
    shutil.rmtree(tmp, ignore_errors=True)
    section = render(engines, args, command.strip())
    section_write(MARK, section, Path(args.output))
    print(section)
    print(f"Wrote the {MARK} section of {args.output} in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
