"""The demo district: huyện Núi Thành with its 2024 and 2025 maps, the seed plan, people and users.

Data files (with their sources) live in units/data/ and plans/data/; nothing is read from shared/.
"""

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from kehoach.accounts.models import Role
from kehoach.accounts.services import user_create_with_role
from kehoach.activities.demo import demo_records_load
from kehoach.activities.services import seed_target_rules
from kehoach.monitoring.demo import demo_monitoring_load
from kehoach.people.services import person_create
from kehoach.plans.importer.extract import extract
from kehoach.plans.importer.parse import parse_document
from kehoach.plans.models import Plan, TaskStatus
from kehoach.plans.resolve import make_resolver
from kehoach.plans.services import conventions_load, plan_import, task_set_status
from kehoach.publishing.demo import demo_publishing_load
from kehoach.reports.demo import demo_reports_load
from kehoach.units.models import Unit
from kehoach.units.services import units_load

UNITS_FILE = Path(__file__).parent / "units" / "data" / "nui-thanh.json"
PLANS_DIR = Path(__file__).parent / "plans" / "data"
SEED_PLAN_DOCUMENT = PLANS_DIR / "plan-2024-nui-thanh.md"
SEED_PLAN_SUPPLEMENT = PLANS_DIR / "plan-2024-nui-thanh.supplement.json"
DEMO_PASSWORD = "NuiThanh@2024"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    unit: str


# (username, role, unit key in nui-thanh.json, full name)
DEMO_USERS: list[tuple[str, Role, str | None, str]] = [
    ("quantri", Role.ADMIN, None, "Quản trị hệ thống"),
    ("quanly", Role.PLAN_MANAGER, "nt", "Nguyễn Văn Toàn"),
    ("vhtt", Role.UNIT_STAFF, "nt-vhtt", "Trần Thị Thu Hà"),
    ("tamxuan1", Role.UNIT_STAFF, "nt-tam-xuan-i", "Lê Văn Hùng"),
    ("tamtra", Role.UNIT_STAFF, "nt-tam-tra", "Hồ Thị Lan"),
]

# Fictional officials: (unit key, full name, position, duties)
DEMO_PEOPLE = [
    ("nt-vhtt", "Trần Thị Thu Hà", "Trưởng phòng", ["human_rights", "spokesperson"]),
    ("nt-vhtt", "Phan Văn Toàn", "Chuyên viên", ["human_rights", "foreign_info"]),
    ("nt-vp", "Nguyễn Thị Mỹ Linh", "Chánh Văn phòng", ["spokesperson"]),
    ("nt-tp", "Võ Văn Đức", "Trưởng phòng", ["human_rights"]),
    ("nt-ttvh", "Đặng Quốc Bảo", "Phó Giám đốc", ["foreign_info"]),
    ("nt-mttq", "Huỳnh Thị Ánh", "Phó Chủ tịch", ["human_rights"]),
    ("nt-lhpn", "Lương Thị Hồng", "Chủ tịch Hội", ["human_rights"]),
    ("nt-hd", "Ngô Minh Khoa", "Bí thư Huyện đoàn", ["foreign_info"]),
    ("nt-ca", "Trương Công Sơn", "Phó Trưởng Công an huyện", ["spokesperson"]),
    ("nt-tam-xuan-i", "Lê Văn Hùng", "Công chức Văn hóa - Xã hội", ["human_rights"]),
    ("nt-tam-xuan-ii", "Bùi Thị Thanh", "Công chức Văn hóa - Xã hội", ["human_rights"]),
    ("nt-tam-tra", "Hồ Thị Lan", "Công chức Văn hóa - Xã hội", ["human_rights", "foreign_info"]),
    ("nt-tam-hai", "Phạm Văn An", "Phó Chủ tịch UBND xã", ["spokesperson"]),
    ("nt-nui-thanh", "Đoàn Thị Yến", "Công chức Văn hóa - Xã hội", ["human_rights"]),
]

# Where the demo stands on the seed plan's tasks (by position in the plan).
DEMO_TASK_STATUS = {
    0: TaskStatus.IN_PROGRESS,
    1: TaskStatus.IN_PROGRESS,
    2: TaskStatus.DONE,
    3: TaskStatus.DONE,
    4: TaskStatus.IN_PROGRESS,
    5: TaskStatus.NOT_STARTED,
    6: TaskStatus.IN_PROGRESS,
    7: TaskStatus.DONE,
}


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def seed_plan_draft() -> tuple[dict[str, Any], str]:
    """The seed plan read from its document by the importer, plus the small supplement of what
    the document does not say (see the supplement's _source)."""
    document = extract(SEED_PLAN_DOCUMENT.read_bytes(), SEED_PLAN_DOCUMENT.name)
    draft = parse_document(document)
    supplement = load_json(SEED_PLAN_SUPPLEMENT)
    draft["period"] = supplement["period"]
    draft["implements_number"] = supplement["implements_number"]
    for theme in draft.get("themes", []):
        theme["short_title"] = supplement["theme_short_titles"].get(
            theme["number"], theme["short_title"]
        )
    for task in draft["tasks"]:
        task["themes"] = supplement["task_themes"].get(task["title"], [])
    return draft, document.text


def seed_plan_exists() -> bool:
    return Plan.objects.filter(title__startswith="Triển khai thực hiện Đề án", year=2024).exists()


@transaction.atomic
def demo_load() -> list[DemoLogin]:
    """Load everything the demo shows. Safe to call twice: a loaded demo is left as it is."""
    units = units_load(data=load_json(UNITS_FILE))
    conventions_load(items=load_json(PLANS_DIR / "conventions.json")["conventions"])
    if seed_plan_exists():
        return [DemoLogin(u, r, _unit_name(units, k)) for u, r, k, _n in DEMO_USERS]
    province: Unit = units["qn"]
    plan_import(
        data={
            "title": "Triển khai thực hiện Đề án truyền thông về quyền con người ở Việt Nam, "
            "năm 2024 trên địa bàn tỉnh Quảng Nam",
            "issuer": "UBND tỉnh Quảng Nam",
            "number": "3901/KH-UBND",
            "date": "2024-05-29",
            "year": 2024,
        },
        issuer=province,
    )
    district: Unit = units["nt"]
    draft, source_text = seed_plan_draft()
    plan = plan_import(
        data=draft,
        issuer=district,
        resolve_unit=make_resolver(issuer=district, on=dt.date(2024, 6, 1)),
        source_text=source_text,
        source_name=SEED_PLAN_DOCUMENT.name,
    )
    for unit_key, full_name, position, duties in DEMO_PEOPLE:
        person_create(full_name=full_name, unit=units[unit_key], position=position, duties=duties)
    logins = []
    for username, role, user_unit_key, user_full_name in DEMO_USERS:
        unit = units[user_unit_key] if user_unit_key else None
        user_create_with_role(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            unit=unit,
            full_name=user_full_name,
        )
        logins.append(DemoLogin(username, role, _unit_name(units, user_unit_key)))
    for index, task in enumerate(plan.tasks.order_by("order")):
        status = DEMO_TASK_STATUS.get(index, TaskStatus.NOT_STARTED)
        task_set_status(task=task, status=status, by=None)
    # The seed plan's four targets count themselves from a year of records.
    seed_target_rules(plan=plan)
    demo_records_load(plan=plan, units=units)
    demo_reports_load(plan=plan, units=units)
    demo_monitoring_load(plan=plan, units=units)
    demo_publishing_load(plan=plan, units=units)
    return logins


def _unit_name(units: dict[str, Unit], key: str | None) -> str:
    return units[key].name if key else "—"
