"""The test cast, built in code: one province, a district with an office and two communes, an
outsider district, one user per role, and small plans. Tests of every app build on it."""

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.test import TestCase, TransactionTestCase

from kehoach.accounts.models import Role
from kehoach.accounts.services import user_create_with_role
from kehoach.people.models import Person
from kehoach.people.services import person_create
from kehoach.plans.models import Plan, Task, Theme, UnitScope
from kehoach.plans.services import plan_import
from kehoach.units.models import Unit, UnitKind
from kehoach.units.services import unit_create

PASSWORD = "mat-khau-thu-nghiem-2024"


def make_plan(
    *,
    issuer: Unit,
    title: str = "Kế hoạch truyền thông về quyền con người năm 2024",
    number: str = "",
    tasks: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> Plan:
    data: dict[str, Any] = {"title": title, "number": number, "year": 2024, **extra}
    data["tasks"] = tasks or []
    return plan_import(data=data, issuer=issuer)


class Cast:
    """The cast's attributes, made by `cast_create`, and signing in."""

    client: Any
    province: Unit
    district: Unit
    office: Unit
    commune_a: Unit
    commune_b: Unit
    outsider_district: Unit
    outsider_commune: Unit
    admin: User
    manager: User
    office_staff: User
    commune_a_staff: User
    commune_b_staff: User
    outsider: User
    district_plan: Plan
    office_task: Task
    commune_task: Task
    communes_group_task: Task
    theme: Theme
    commune_a_plan: Plan
    commune_b_plan: Plan
    commune_a_task: Task
    commune_b_task: Task
    commune_a_person: Person
    commune_b_person: Person
    office_person: Person

    @classmethod
    def cast_create(cls) -> None:
        cls.province = unit_create(name="Tỉnh Quảng Nam", kind=UnitKind.PROVINCE, code="49")
        cls.district = unit_create(
            name="Huyện Núi Thành",
            kind=UnitKind.DISTRICT,
            parent=cls.province,
            short_name="UBND huyện Núi Thành",
            aliases=["Ủy ban nhân dân huyện Núi Thành"],
        )
        cls.office = unit_create(
            name="Phòng Văn hóa và Thông tin huyện Núi Thành",
            kind=UnitKind.OFFICE,
            parent=cls.district,
            short_name="Phòng VH&TT",
            aliases=["Phòng Văn hoá và Thông tin huyện"],
        )
        cls.commune_a = unit_create(
            name="Xã Tam Xuân I",
            kind=UnitKind.COMMUNE,
            parent=cls.district,
            short_name="Tam Xuân I",
            aliases=["Tam Xuân 1", "UBND xã Tam Xuân I"],
        )
        cls.commune_b = unit_create(
            name="Xã Tam Xuân II",
            kind=UnitKind.COMMUNE,
            parent=cls.district,
            short_name="Tam Xuân II",
            aliases=["Tam Xuân 2"],
        )
        cls.outsider_district = unit_create(
            name="Huyện Phú Ninh", kind=UnitKind.DISTRICT, parent=cls.province
        )
        cls.outsider_commune = unit_create(
            name="Xã Tam Đàn", kind=UnitKind.COMMUNE, parent=cls.outsider_district
        )

        def user(username: str, role: str, unit: Unit | None, name: str) -> User:
            created = user_create_with_role(
                username=username, password=PASSWORD, role=role, unit=unit, full_name=name
            )
            assert isinstance(created, User)
            return created

        cls.admin = user("quantri", Role.ADMIN, None, "Quản trị viên")
        cls.manager = user("quanly", Role.PLAN_MANAGER, cls.district, "Nguyễn Văn Toàn")
        cls.office_staff = user("vhtt", Role.UNIT_STAFF, cls.office, "Trần Thị Thu Hà")
        cls.commune_a_staff = user("tamxuan1", Role.UNIT_STAFF, cls.commune_a, "Lê Văn Hùng")
        cls.commune_b_staff = user("tamxuan2", Role.UNIT_STAFF, cls.commune_b, "Bùi Thị Thanh")
        cls.outsider = user("phuninh", Role.UNIT_STAFF, cls.outsider_district, "Phạm Văn Tài")

        cls.district_plan = plan_import(
            data={
                "title": "Triển khai Đề án truyền thông về quyền con người năm 2024",
                "number": "125/KH-UBND",
                "year": 2024,
                "themes": [
                    {
                        "number": "1",
                        "short_title": "Công ước quốc tế",
                        "text": "Tuyên truyền các công ước",
                    }
                ],
                "tasks": [
                    {
                        "number": "1",
                        "title": "Theo dõi thông tin báo chí",
                        "time": "Quý II/2024",
                        "start": "2024-04-01",
                        "end": "2024-06-30",
                        "themes": ["1"],
                    },
                    {
                        "number": "2",
                        "title": "Phát sóng trên đài truyền thanh xã",
                        "time": "Cả năm 2024",
                        "start": "2024-01-01",
                        "end": "2024-12-31",
                    },
                    {
                        "number": "3",
                        "title": "Cổ động trực quan tại các xã",
                        "time": "Thường xuyên",
                        "recurring": True,
                    },
                ],
            },
            issuer=cls.district,
        )
        cls.office_task, cls.commune_task, cls.communes_group_task = (
            cls.district_plan.tasks.order_by("order")
        )
        cls.theme = cls.district_plan.themes.get()
        cls.office_task.assignments.create(
            role="lead", name_as_written="Phòng VH&TT", unit=cls.office
        )
        cls.commune_task.assignments.create(
            role="lead", name_as_written="UBND xã Tam Xuân I", unit=cls.commune_a
        )
        cls.communes_group_task.assignments.create(
            role="lead",
            name_as_written="UBND các xã, thị trấn",
            unit=cls.district,
            scope=UnitScope.COMMUNES,
        )
        cls.commune_a_plan = make_plan(
            issuer=cls.commune_a,
            title="Kế hoạch tuyên truyền của xã Tam Xuân I",
            tasks=[{"title": "Tuyên truyền trên loa truyền thanh thôn"}],
        )
        cls.commune_b_plan = make_plan(
            issuer=cls.commune_b,
            title="Kế hoạch tuyên truyền của xã Tam Xuân II",
            tasks=[{"title": "Tổ chức hội nghị tuyên truyền ở thôn"}],
        )
        cls.commune_a_task = cls.commune_a_plan.tasks.get()
        cls.commune_b_task = cls.commune_b_plan.tasks.get()
        cls.office_person = person_create(
            full_name="Trần Thị Thu Hà",
            unit=cls.office,
            position="Trưởng phòng",
            duties=["human_rights", "spokesperson"],
        )
        cls.commune_a_person = person_create(
            full_name="Lê Văn Hùng",
            unit=cls.commune_a,
            position="Công chức Văn hóa - Xã hội",
            duties=["human_rights"],
        )
        cls.commune_b_person = person_create(
            full_name="Bùi Thị Thanh",
            unit=cls.commune_b,
            position="Công chức Văn hóa - Xã hội",
            email="thanh.bt@tamxuan2.gov.vn",
            duties=["human_rights"],
        )

    def login(self, user: User) -> None:
        self.client.force_login(user)


class KehoachTestCase(Cast, TestCase):
    """Base class: the cast is created once per class, inside a transaction."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast_create()


class KehoachTransactionTestCase(Cast, TransactionTestCase):
    """The same cast, made before each test and flushed after it: for tests that run the worker
    in the test's process (it commits and closes its connection, which a TestCase cannot
    survive)."""

    def setUp(self) -> None:
        super().setUp()
        type(self).cast_create()


TODAY = dt.date(2024, 6, 15)
