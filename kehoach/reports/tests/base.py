"""A district plan with a six-monthly duty for every commune, and records of two communes."""

import datetime as dt
from contextlib import AbstractContextManager
from unittest import mock

from kehoach.activities.models import RecordKind
from kehoach.activities.testing import make_record
from kehoach.plans.models import ReportingDuty, UnitScope
from kehoach.reports.models import ReportPeriod
from kehoach.reports.services import periods_generate
from kehoach.testing import KehoachTestCase


def today_is(day: dt.date) -> AbstractContextManager[object]:
    return mock.patch("kehoach.reports.services.timezone.localdate", return_value=day)


class ReportsTestCase(KehoachTestCase):
    half_year_duty: ReportingDuty
    period: ReportPeriod

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.half_year_duty = ReportingDuty.objects.create(
            plan=cls.district_plan,
            order=0,
            who_as_written="UBND các xã, thị trấn",
            who=cls.district,
            who_scope=UnitScope.COMMUNES,
            to_whom_as_written="UBND huyện (qua Phòng Văn hóa và Thông tin)",
            to_whom=cls.district,
            what="Báo cáo kết quả thực hiện Kế hoạch 6 tháng đầu năm",
            due="06-15",
            period="6 tháng",
        )
        (cls.period,) = periods_generate(plan=cls.district_plan)
        # Xã Tam Xuân I, in the first half of 2024: 2 products (1 in Cơ Tu, online),
        # 1 training attended by 2 people, 1 broadcast aired 3 times.
        task = cls.commune_task
        make_record(unit=cls.commune_a, tasks=[task], date=dt.date(2024, 2, 1))
        make_record(
            unit=cls.commune_a,
            tasks=[task, cls.communes_group_task],
            date=dt.date(2024, 5, 20),
            title="Tờ gấp quyền con người bằng tiếng Cơ Tu",
            languages=["katu"],
            platforms=["social"],
        )
        make_record(
            unit=cls.commune_a,
            tasks=[task],
            kind=RecordKind.TRAINING,
            date=dt.date(2024, 4, 10),
            attendees=[cls.commune_a_person.pk, cls.office_person.pk],
        )
        make_record(
            unit=cls.commune_a,
            tasks=[task],
            kind=RecordKind.BROADCAST,
            date=dt.date(2024, 3, 5),
            times_aired=3,
        )
        # Not in the period, or not of this plan: never counted.
        make_record(unit=cls.commune_a, tasks=[task], date=dt.date(2024, 7, 2))
        make_record(unit=cls.commune_a, tasks=[cls.commune_a_task], date=dt.date(2024, 3, 1))
        # Xã Tam Xuân II: 1 product.
        make_record(unit=cls.commune_b, tasks=[cls.communes_group_task], date=dt.date(2024, 6, 1))
