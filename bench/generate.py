"""Build a benchmark dataset in its own database.

  python -m bench.generate --scale seed      the demo (kehoach.demo.demo_load)
  python -m bench.generate --scale province  the demo plus a generated province: 30 former
                                             districts, 3,300 communes, 100 plans, 5,000 tasks,
                                             50,000 people

Options: --database-url URL (default: sqlite var/bench-<scale>.sqlite3; a PostgreSQL database is
created when missing), --if-missing (keep a complete dataset instead of rebuilding it),
--seed N (the random seed; the same seed gives the same data).

Plans go through plans.services.plan_import; units, tasks, assignments and people are
bulk-created, since the services would take many minutes for 60,000 rows. Every derived field the
services keep (Unit.path/depth/name_key/search_text/sort_key, Person.sort_key/search_text,
Task.search_text) is computed with the models' own refresh_keys and the tree rule of units.services.
"""

import argparse
import datetime as dt
import functools
import itertools
import random
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import DEFAULT_DATABASE_URL, SCALES, django_setup, scale_database_url

PROVINCE_MANAGER = "quanly_tinh"
SEED_MANAGER = "quanly"  # the demo's plan manager at huyện Núi Thành
N_DISTRICTS = 30
COMMUNES_PER_DISTRICT = 110
N_PLANS = 100
N_TASKS = 5000
BIG_PLAN_TASKS = 500
N_PEOPLE = 50_000
BIG_PLAN_TITLE = "Thông tin, truyền thông về quyền con người năm 2026 trên địa bàn tỉnh Quảng Nam"

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đoàn",
    "Trương",
    "Lương",
    "Đinh",
    "Mai",
    "Cao",
    "Tạ",
    "Châu",
]
FAMILY_WEIGHTS = [38, 11, 9, 7, 5, 5, 4, 4, 4, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
MIDDLE_MALE = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Công", "Thanh", "Xuân", "Ngọc", "Đình"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Kim", "Mỹ", "Thanh", "Bích", "Hồng"]
GIVEN_MALE = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đức",
    "Hải",
    "Hiếu",
    "Hùng",
    "Huy",
    "Khánh",
    "Khoa",
    "Long",
    "Minh",
    "Nam",
    "Nghĩa",
    "Phong",
    "Phúc",
    "Quang",
    "Sơn",
    "Tâm",
    "Thắng",
    "Thành",
    "Toàn",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
    "Bảo",
    "Lộc",
    "Tài",
]
GIVEN_FEMALE = [
    "Anh",
    "Ánh",
    "Châu",
    "Diệp",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hoa",
    "Hồng",
    "Hương",
    "Lan",
    "Liên",
    "Linh",
    "Loan",
    "Mai",
    "My",
    "Ngân",
    "Nhung",
    "Oanh",
    "Phương",
    "Quyên",
    "Thảo",
    "Thủy",
    "Trang",
    "Tuyết",
    "Vân",
    "Yến",
    "Xuân",
]
# Place names: a first syllable and a second one, as in Tam Hòa, Bình Minh, Duy Xuyên.
PLACE_FIRST = [
    "Tam",
    "Bình",
    "Duy",
    "Điện",
    "Đại",
    "Quế",
    "Tiên",
    "Phước",
    "Trà",
    "Hòa",
    "Thăng",
    "Sơn",
    "Hiệp",
    "Phú",
    "Tân",
    "An",
    "Kỳ",
    "Cẩm",
    "Xuân",
    "Thạnh",
]
PLACE_SECOND = [
    "Hòa",
    "Hiệp",
    "Xuân",
    "Anh",
    "Thạnh",
    "Mỹ",
    "Phước",
    "Lộc",
    "An",
    "Phú",
    "Sơn",
    "Trung",
    "Nam",
    "Bắc",
    "Đông",
    "Tây",
    "Hải",
    "Giang",
    "Lãnh",
    "Tiến",
    "Thành",
    "Vinh",
    "Quang",
    "Minh",
    "Đức",
    "Thắng",
    "Lợi",
    "Long",
    "Ninh",
    "Tú",
]
DISTRICT_NAMES = [
    ("Thăng Bình", "district"),
    ("Duy Xuyên", "district"),
    ("Quế Sơn", "district"),
    ("Nông Sơn", "district"),
    ("Đại Lộc", "district"),
    ("Đông Giang", "district"),
    ("Tây Giang", "district"),
    ("Nam Giang", "district"),
    ("Phước Sơn", "district"),
    ("Hiệp Đức", "district"),
    ("Tiên Phước", "district"),
    ("Bắc Trà My", "district"),
    ("Nam Trà My", "district"),
    ("Phú Ninh", "district"),
    ("Tam Kỳ", "city"),
    ("Hội An", "city"),
    ("Điện Bàn", "town"),
    ("Quế Phong", "district"),
    ("Bình Sơn", "district"),
    ("Tư Nghĩa", "district"),
    ("Sơn Tịnh", "district"),
    ("Mộ Đức", "district"),
    ("Đức Phổ", "town"),
    ("Ba Tơ", "district"),
    ("Minh Long", "district"),
    ("Trà Bồng", "district"),
    ("Sơn Hà", "district"),
    ("Nghĩa Hành", "district"),
    ("Lý Sơn", "district"),
    ("Tây Trà", "district"),
]
DISTRICT_WORD = {"district": "huyện", "city": "thành phố", "town": "thị xã"}
# (name pattern, short name, kind) of the bodies of a district; {d} is "huyện Thăng Bình".
DISTRICT_BODIES = [
    ("Văn phòng HĐND và UBND {d}", "Văn phòng HĐND và UBND", "office"),
    ("Phòng Nội vụ {d}", "Phòng Nội vụ", "office"),
    ("Phòng Tư pháp {d}", "Phòng Tư pháp", "office"),
    ("Phòng Tài chính - Kế hoạch {d}", "Phòng TC-KH", "office"),
    ("Phòng Tài nguyên và Môi trường {d}", "Phòng TN&MT", "office"),
    ("Phòng Lao động - Thương binh và Xã hội {d}", "Phòng LĐ-TB&XH", "office"),
    ("Phòng Văn hóa và Thông tin {d}", "Phòng VH&TT", "office"),
    ("Phòng Giáo dục và Đào tạo {d}", "Phòng GD&ĐT", "office"),
    ("Phòng Y tế {d}", "Phòng Y tế", "office"),
    ("Phòng Kinh tế - Hạ tầng {d}", "Phòng KT-HT", "office"),
    ("Phòng Nông nghiệp và Phát triển nông thôn {d}", "Phòng NN&PTNT", "office"),
    ("Phòng Dân tộc {d}", "Phòng Dân tộc", "office"),
    ("Thanh tra {d}", "Thanh tra", "office"),
    ("Trung tâm Văn hóa - Thể thao và Truyền thanh {d}", "Trung tâm VH-TT&TT", "centre"),
    ("Công an {d}", "Công an", "armed"),
    ("Ban Chỉ huy Quân sự {d}", "Ban CHQS", "armed"),
    ("Ủy ban MTTQ Việt Nam {d}", "Ủy ban MTTQVN", "mass_org"),
    ("Hội Liên hiệp Phụ nữ {d}", "Hội LHPN", "mass_org"),
    ("Đoàn TNCS Hồ Chí Minh {d}", "Đoàn TN", "mass_org"),
    ("Hội Nông dân {d}", "Hội Nông dân", "mass_org"),
]
PROVINCE_BODIES = [
    ("Sở Nội vụ tỉnh Quảng Nam", "Sở Nội vụ", "office"),
    ("Sở Tư pháp tỉnh Quảng Nam", "Sở Tư pháp", "office"),
    ("Sở Ngoại vụ tỉnh Quảng Nam", "Sở Ngoại vụ", "office"),
    ("Sở Giáo dục và Đào tạo tỉnh Quảng Nam", "Sở GD&ĐT", "office"),
    ("Sở Y tế tỉnh Quảng Nam", "Sở Y tế", "office"),
    ("Sở Lao động - Thương binh và Xã hội tỉnh Quảng Nam", "Sở LĐ-TB&XH", "office"),
    ("Sở Văn hóa, Thể thao và Du lịch tỉnh Quảng Nam", "Sở VH-TT&DL", "office"),
    ("Sở Tài chính tỉnh Quảng Nam", "Sở Tài chính", "office"),
    ("Ban Dân tộc tỉnh Quảng Nam", "Ban Dân tộc", "office"),
    ("Công an tỉnh Quảng Nam", "Công an tỉnh", "armed"),
    ("Báo Quảng Nam", "Báo Quảng Nam", "centre"),
    ("Đài Phát thanh - Truyền hình Quảng Nam", "Đài PT-TH", "centre"),
]
POSITIONS = {
    "commune": [
        "Chủ tịch UBND xã",
        "Phó Chủ tịch UBND xã",
        "Công chức Văn hóa - Xã hội",
        "Công chức Tư pháp - Hộ tịch",
        "Công chức Văn phòng - Thống kê",
    ],
    "office": ["Trưởng phòng", "Phó Trưởng phòng", "Chuyên viên", "Chuyên viên", "Chuyên viên"],
    "other": ["Chủ tịch", "Phó Chủ tịch", "Cán bộ", "Chuyên viên"],
}
TASK_VERBS = [
    "Tổ chức tuyên truyền",
    "Biên soạn, phát hành tài liệu về",
    "Tổ chức hội nghị tập huấn về",
    "Lồng ghép nội dung",
    "Đăng tải tin, bài về",
    "Tổ chức cuộc thi tìm hiểu về",
    "Theo dõi, tổng hợp thông tin về",
    "Xây dựng chuyên mục về",
    "Phổ biến, quán triệt",
    "Kiểm tra, đánh giá việc thực hiện",
]
TASK_TOPICS = [
    "quyền con người trong Hiến pháp năm 2013",
    "Công ước về quyền trẻ em",
    "quyền của người khuyết tật",
    "bình đẳng giới và phòng, chống bạo lực gia đình",
    "quyền của đồng bào dân tộc thiểu số",
    "chính sách tôn giáo, tín ngưỡng",
    "Công ước chống tra tấn",
    "quyền tiếp cận thông tin của công dân",
    "thành tựu bảo đảm quyền con người của Việt Nam",
    "quyền của người lao động",
    "phòng, chống mua bán người",
    "quyền được chăm sóc sức khỏe",
]
TASK_AUDIENCES = [
    "cho cán bộ, công chức cấp xã",
    "cho đoàn viên, hội viên",
    "cho học sinh, sinh viên",
    "cho đồng bào vùng cao",
    "trên hệ thống truyền thanh cơ sở",
    "trên cổng thông tin điện tử",
    "cho báo cáo viên, tuyên truyền viên",
    "tại các thôn, khối phố",
]
THEME_TITLES = [
    "Luật pháp quốc tế về quyền con người",
    "Chủ trương, chính sách của Đảng và Nhà nước",
    "Thành tựu bảo đảm quyền con người",
    "Đấu tranh với luận điệu sai trái",
    "Quyền của nhóm dễ bị tổn thương",
    "Thông tin đối ngoại",
    "Cải cách tư pháp",
]


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)
    timings: list[tuple[str, float]] = field(default_factory=list)


@contextmanager
def timed(counts: Counts, label: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    seconds = time.perf_counter() - start
    counts.timings.append((label, seconds))
    print(f"  {label}: {seconds:.1f} s", flush=True)


# ---------------------------------------------------------------------------- the database


def reset_database(database_url: str) -> None:
    """Start from an empty database: delete the SQLite file, or drop and create the database."""
    import dj_database_url

    config = dj_database_url.parse(database_url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        path = Path(config["NAME"])
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg
    from psycopg import sql

    name = config["NAME"]
    with psycopg.connect(**_server_params(config), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _server_params(config: Any) -> dict[str, Any]:
    params = {"dbname": "postgres", "user": config.get("USER") or "postgres"}
    for key, param in (("HOST", "host"), ("PORT", "port"), ("PASSWORD", "password")):
        if config.get(key):
            params[param] = config[key]
    return params


def dataset_complete(database_url: str, scale: str) -> bool:
    """True when the database already holds a complete dataset of this scale."""
    import dj_database_url

    config = dj_database_url.parse(database_url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if not Path(config["NAME"]).exists():
            return False
    else:
        import psycopg

        with psycopg.connect(**_server_params(config), autocommit=True) as conn:
            found = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
            ).fetchone()
        if not found:
            return False
    django_setup(database_url)
    from django.contrib.auth import get_user_model
    from django.db import DatabaseError

    from kehoach.plans.models import Task

    username = PROVINCE_MANAGER if scale == "province" else SEED_MANAGER
    try:
        has_user = get_user_model().objects.filter(username=username).exists()
        tasks = Task.objects.count()
    except DatabaseError:
        return False
    return has_user and tasks >= (N_TASKS if scale == "province" else 1)


# ---------------------------------------------------------------------------- the data


@functools.cache
def _person_keys(full_name: str, position: str) -> tuple[str, str]:
    from kehoach.people.models import Person

    person = Person(full_name=full_name, position=position)
    person.refresh_keys()
    return person.sort_key, person.search_text


class ProvinceBuilder:
    """Builds the province dataset in one transaction, deterministic for a given seed."""

    def __init__(self, *, seed: int, counts: Counts) -> None:
        self.rng = random.Random(seed)
        self.counts = counts

    def build(self) -> None:
        from django.db import transaction

        from kehoach.demo import demo_load

        with timed(self.counts, "demo (the seed plan and the Núi Thành tree)"):
            demo_load()
        with transaction.atomic():
            with timed(self.counts, "units"):
                self.build_units()
            with timed(self.counts, "people"):
                self.build_people()
            with timed(self.counts, "plans (plans.services.plan_import)"):
                self.build_plans()
            with timed(self.counts, "tasks, assignments, themes, events"):
                self.build_tasks()
            with timed(self.counts, "users"):
                self.build_users()

    # -- units

    def _bulk_units(self, units: list[Any]) -> list[Any]:
        """Insert units of one level whose parents are saved, then place them in the tree."""
        from kehoach.units.models import Unit
        from kehoach.units.services import _place_in_tree  # the one path rule

        for unit in units:
            unit.refresh_keys()  # before the insert: no pk yet, so no alias query
        created = Unit.objects.bulk_create(units, batch_size=500)
        for unit in created:
            _place_in_tree(unit)
        Unit.objects.bulk_update(created, ["path", "depth"], batch_size=500)
        return created

    def build_units(self) -> None:
        from kehoach.units.models import Unit

        self.province = Unit.objects.get(name="Tỉnh Quảng Nam", parent=None)
        former_end = dt.date(2025, 6, 30)  # the district level ended on 1 July 2025
        bodies = [
            Unit(name=name, short_name=short, kind=kind, parent=self.province)
            for name, short, kind in PROVINCE_BODIES
        ]
        chosen = DISTRICT_NAMES[:N_DISTRICTS]
        districts = [
            Unit(
                name=f"{DISTRICT_WORD[kind].capitalize()} {name}",
                short_name=f"UBND {DISTRICT_WORD[kind]} {name}",
                kind=kind,
                parent=self.province,
                valid_to=former_end,
                code=str(600 + index),
            )
            for index, (name, kind) in enumerate(chosen)
        ]
        created = self._bulk_units(bodies + districts)
        self.province_bodies = created[: len(bodies)]
        self.districts = created[len(bodies) :]
        children = []
        places = [f"{a} {b}" for a in PLACE_FIRST for b in PLACE_SECOND if a != b]
        for index, (district, (name, kind)) in enumerate(zip(self.districts, chosen, strict=True)):
            label = f"{DISTRICT_WORD[kind]} {name}"  # "huyện Thăng Bình", "thị xã Điện Bàn"
            for pattern, short, body_kind in DISTRICT_BODIES:
                children.append(
                    Unit(
                        name=pattern.format(d=label),
                        short_name=short,
                        kind=body_kind,
                        parent=district,
                        valid_to=former_end,
                    )
                )
            for number, place in enumerate(self.rng.sample(places, COMMUNES_PER_DISTRICT)):
                level = "ward" if kind in ("city", "town") and number % 2 else "commune"
                if kind == "district" and number == 0:
                    level = "township"
                prefix = {"ward": "Phường", "commune": "Xã", "township": "Thị trấn"}[level]
                children.append(
                    Unit(
                        name=f"{prefix} {place}",
                        kind=level,
                        parent=district,
                        code=f"{20000 + index * 200 + number}",
                    )
                )
        created_children = self._bulk_units(children)
        self.district_bodies: dict[int, list[Any]] = {d.pk: [] for d in self.districts}
        self.district_communes: dict[int, list[Any]] = {d.pk: [] for d in self.districts}
        for unit in created_children:
            bucket = (
                self.district_communes
                if unit.kind in ("commune", "ward", "township")
                else self.district_bodies
            )
            bucket[unit.parent_id].append(unit)
        self.all_units = self.province_bodies + self.districts + created_children
        self.counts.rows["units (generated)"] = len(self.all_units)
        self.counts.rows["of which commune level"] = sum(
            len(v) for v in self.district_communes.values()
        )

    # -- people

    def _name(self) -> str:
        rng = self.rng
        family = rng.choices(FAMILY, weights=FAMILY_WEIGHTS)[0]
        if rng.random() < 0.5:
            return f"{family} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"
        return f"{family} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"

    def build_people(self) -> None:
        from kehoach.people.models import Person

        rng = self.rng
        people = []
        for index in range(N_PEOPLE):
            unit = (
                self.all_units[index % len(self.all_units)]
                if index < len(self.all_units)
                else rng.choice(self.all_units)
            )
            kind = (
                "commune"
                if unit.kind in ("commune", "ward", "township")
                else ("office" if unit.kind == "office" else "other")
            )
            full_name = self._name()
            position = rng.choice(POSITIONS[kind])
            sort, search = _person_keys(full_name, position)
            roll = rng.random()
            people.append(
                Person(
                    full_name=full_name,
                    position=position,
                    unit=unit,
                    is_human_rights_officer=roll < 0.12,
                    is_foreign_info_officer=0.08 < roll < 0.15,
                    is_spokesperson=position.startswith(("Chủ tịch", "Trưởng phòng")),
                    active=rng.random() > 0.03,
                    sort_key=sort,
                    search_text=search,
                )
            )
        Person.objects.bulk_create(people, batch_size=2000)
        self.counts.rows["people"] = len(people)

    # -- plans

    def build_plans(self) -> None:
        from kehoach.plans.services import plan_import

        rng = self.rng
        issuers = [self.province] * 25 + [rng.choice(self.districts) for _ in range(N_PLANS - 25)]
        self.plans = []
        for index, issuer in enumerate(issuers):
            is_big = index == 0
            year = (
                2026
                if is_big
                else (
                    rng.choice([2024, 2025, 2026])
                    if issuer.pk == self.province.pk
                    else rng.choice([2024, 2025])
                )
            )
            where = issuer.name[0].lower() + issuer.name[1:]  # "tỉnh Quảng Nam", "huyện Quế Sơn"
            title = (
                BIG_PLAN_TITLE
                if is_big
                else (
                    f"{rng.choice(TASK_VERBS)} {rng.choice(TASK_TOPICS)} "
                    f"năm {year} trên địa bàn {where}"
                )
            )
            resolver_index = self._resolver_index(issuer)
            data = {
                "title": title,
                "number": f"{100 + index}/KH-UBND",
                "date": f"{year}-0{rng.randint(1, 3)}-{rng.randint(10, 28)}",
                "year": year,
                "period": {"time": f"Năm {year}", "start": f"{year}-01-01", "end": f"{year}-12-31"},
                "purposes": "Nâng cao nhận thức của cán bộ, đảng viên và Nhân dân "
                "về quyền con người.",
                "themes": [
                    {
                        "number": str(n + 1),
                        "short_title": t,
                        "text": f"Tuyên truyền về {t.lower()}.",
                        "conventions": rng.sample(["ICCPR", "ICESCR", "CEDAW", "CRC", "CRPD"], 2),
                    }
                    for n, t in enumerate(rng.sample(THEME_TITLES, 5))
                ],
                "targets": [
                    {
                        "text": "100% cán bộ làm công tác quyền con người được tập huấn.",
                        "value": 100,
                        "unit": "%",
                    },
                    {
                        "text": "Tổ chức ít nhất 02 hội nghị tập huấn.",
                        "value": 2,
                        "unit": "hội nghị",
                    },
                ],
                "duties": [
                    {"who": name, "text": "Chủ trì, phối hợp triển khai các nội dung được giao."}
                    for name in rng.sample(sorted(resolver_index), 4)
                ],
                "reporting": [
                    {
                        "who": "UBND các xã, thị trấn",
                        "what": "báo cáo 06 tháng đầu năm",
                        "due": "06-15",
                        "period": "6 tháng",
                        "to_whom": issuer.short_name,
                    },
                    {
                        "who": "UBND các xã, thị trấn",
                        "what": "báo cáo năm",
                        "due": "11-30",
                        "period": "năm",
                        "to_whom": issuer.short_name,
                    },
                ],
            }
            plan = plan_import(data=data, issuer=issuer, resolve_unit=resolver_index.get)
            self.plans.append(plan)
        self.counts.rows["plans (generated)"] = len(self.plans)

    @functools.cache  # noqa: B019 (one builder per run)
    def _resolver_index(self, issuer: Any) -> dict[str, tuple[Any, str]]:
        """Names a plan of this issuer writes, mapped as plans.resolve would map them."""
        from kehoach.plans.models import UnitScope

        if issuer.pk == self.province.pk:
            named = self.province_bodies + self.districts
        else:
            named = self.district_bodies[issuer.pk] + self.district_communes[issuer.pk]
        index: dict[str, tuple[Any, str]] = {
            u.short_name or u.name: (u, UnitScope.UNIT) for u in named
        }
        index["UBND các xã, thị trấn"] = (issuer, UnitScope.COMMUNES)
        index["Các cơ quan, đơn vị liên quan"] = (issuer, UnitScope.ALL_BODIES)
        return index

    # -- tasks

    def _task_sizes(self) -> list[int]:
        rest = N_TASKS - BIG_PLAN_TASKS
        others = len(self.plans) - 1
        sizes = [BIG_PLAN_TASKS] + [rest // others] * others
        for i in range(rest - sum(sizes[1:])):
            sizes[1 + i] += 1
        return sizes

    def build_tasks(self) -> None:
        from kehoach.plans.models import (
            Assignment,
            AssignmentRole,
            Recurrence,
            Task,
            TaskEvent,
            TaskStatus,
            Theme,
            UnitScope,
        )

        rng = self.rng
        tasks: list[Task] = []
        plan_of_task: list[Any] = []
        for plan, size in zip(self.plans, self._task_sizes(), strict=True):
            for order in range(size):
                recurrence = rng.choices(
                    [
                        Recurrence.NONE,
                        Recurrence.CONTINUOUS,
                        Recurrence.QUARTERLY,
                        Recurrence.YEARLY,
                    ],
                    weights=[6, 2, 1, 1],
                )[0]
                start = dt.date(plan.year, rng.randint(1, 9), rng.randint(1, 28))
                end = min(
                    start + dt.timedelta(days=rng.randint(20, 300)), dt.date(plan.year, 12, 31)
                )
                if recurrence == Recurrence.CONTINUOUS:
                    start, end = dt.date(plan.year, 1, 1), dt.date(plan.year, 12, 31)
                status = rng.choices(
                    [
                        TaskStatus.NOT_STARTED,
                        TaskStatus.IN_PROGRESS,
                        TaskStatus.DONE,
                        TaskStatus.CANCELLED,
                    ],
                    weights=[3, 4, 4, 1],
                )[0]
                title = (
                    f"{rng.choice(TASK_VERBS)} {rng.choice(TASK_TOPICS)} "
                    f"{rng.choice(TASK_AUDIENCES)}"
                )
                task = Task(
                    plan=plan,
                    order=order,
                    number=f"{order // 10 + 1}.{order % 10 + 1}",
                    title=title,
                    details="Nội dung, hình thức phù hợp với từng đối tượng; báo cáo kết quả "
                    "về cơ quan chủ trì.",
                    time_text="Thường xuyên"
                    if recurrence == Recurrence.CONTINUOUS
                    else f"Quý {(end.month - 1) // 3 + 1}/{plan.year}",
                    start=start,
                    end=end,
                    recurrence=recurrence,
                    status=status,
                )
                task.refresh_keys()
                tasks.append(task)
                plan_of_task.append(plan)
        Task.objects.bulk_create(tasks, batch_size=1000)

        themes_by_plan: dict[int, list[int]] = {}
        for theme_id, plan_id in Theme.objects.filter(plan__in=self.plans).values_list(
            "pk", "plan_id"
        ):
            themes_by_plan.setdefault(plan_id, []).append(theme_id)
        assignments: list[Assignment] = []
        task_themes = []
        events: list[TaskEvent] = []
        through = Task.themes.through
        singles_by_issuer: dict[int, list[str]] = {}
        for task, plan in zip(tasks, plan_of_task, strict=True):
            names = self._resolver_index(plan.issuer)
            singles = singles_by_issuer.setdefault(
                plan.issuer_id, [n for n, (_u, s) in names.items() if s == UnitScope.UNIT]
            )
            for role in (AssignmentRole.LEAD, AssignmentRole.SUPPORT):
                chosen: Sequence[str] = rng.sample(singles, rng.randint(1, 3))
                if rng.random() < 0.2:  # a group: "UBND các xã, thị trấn" or "các cơ quan..."
                    group = rng.choice(["UBND các xã, thị trấn", "Các cơ quan, đơn vị liên quan"])
                    chosen = [*chosen[:2], group]
                for order, name in enumerate(chosen):
                    unit, scope = names[name]
                    assignments.append(
                        Assignment(
                            task=task,
                            role=role,
                            order=order,
                            name_as_written=name,
                            unit=unit,
                            scope=scope,
                        )
                    )
            for theme_id in rng.sample(themes_by_plan[plan.pk], rng.randint(1, 2)):
                task_themes.append(through(task_id=task.pk, theme_id=theme_id))
            if task.status != TaskStatus.NOT_STARTED:
                # The history task_set_status would have written.
                path = [TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, task.status]
                if task.status in (TaskStatus.IN_PROGRESS, TaskStatus.CANCELLED):
                    path = [TaskStatus.NOT_STARTED, task.status]
                for before, after in itertools.pairwise(path):
                    events.append(TaskEvent(task=task, status_from=before, status_to=after))
        Assignment.objects.bulk_create(assignments, batch_size=2000)
        through.objects.bulk_create(task_themes, batch_size=2000)
        TaskEvent.objects.bulk_create(events, batch_size=2000)
        self.counts.rows["tasks (generated)"] = len(tasks)
        self.counts.rows["assignments"] = len(assignments)
        self.counts.rows["task themes"] = len(task_themes)
        self.counts.rows["task events"] = len(events)

    def build_users(self) -> None:
        from kehoach.accounts.models import Role
        from kehoach.accounts.services import user_create_with_role

        user_create_with_role(
            username=PROVINCE_MANAGER,
            password="QuangNam@2026",
            role=Role.PLAN_MANAGER,
            unit=self.province,
            full_name="Trần Văn Quảng",
        )


def generate(*, database_url: str, scale: str, seed: int) -> Counts:
    from django.core.management import call_command
    from django.db import connection

    counts = Counts()
    reset_database(database_url)
    django_setup(database_url)
    print(f"Generating the {scale} dataset in {_safe(database_url)}", flush=True)
    with timed(counts, "migrate"):
        call_command("migrate", verbosity=0)
    if scale == "seed":
        from kehoach.demo import demo_load

        with timed(counts, "demo (kehoach.demo.demo_load)"):
            demo_load()
    else:
        ProvinceBuilder(seed=seed, counts=counts).build()
    if connection.vendor == "postgresql":
        # Autovacuum would gather planner statistics soon after a bulk load; do it now, so the
        # first measurements do not run on plans made for empty tables.
        with timed(counts, "ANALYZE"), connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    _count_rows(counts)
    return counts


def _count_rows(counts: Counts) -> None:
    from kehoach.people.models import Person
    from kehoach.plans.models import Assignment, Plan, Task
    from kehoach.units.models import Unit

    totals = {
        "units": Unit,
        "people": Person,
        "plans": Plan,
        "tasks": Task,
        "assignments": Assignment,
    }
    print(
        "  rows in the database:",
        ", ".join(f"{name} {model._default_manager.count():,}" for name, model in totals.items()),
        flush=True,
    )


def _safe(url: str) -> str:
    return url.split("@")[-1] if "@" in url else url


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--scale", choices=SCALES, required=True)
    parser.add_argument(
        "--database-url",
        default="",
        help="the database of this scale (default: var/bench-<scale>.sqlite3)",
    )
    parser.add_argument(
        "--if-missing",
        action="store_true",
        help="keep a complete dataset of this scale instead of rebuilding it",
    )
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    url = args.database_url or scale_database_url(DEFAULT_DATABASE_URL, args.scale)
    if args.if_missing and dataset_complete(url, args.scale):
        print(f"Reusing the {args.scale} dataset in {_safe(url)}")
        return
    start = time.perf_counter()
    counts = generate(database_url=url, scale=args.scale, seed=args.seed)
    for name, value in counts.rows.items():
        print(f"  {name}: {value:,}")
    print(f"Generated the {args.scale} dataset in {time.perf_counter() - start:.1f} s", flush=True)


if __name__ == "__main__":
    main()
