from unittest import mock

from kehoach.plans import selectors
from kehoach.plans.models import UnitScope
from kehoach.plans.selectors import TaskFilters, task_filter_units, task_list
from kehoach.testing import TODAY, KehoachTestCase, make_plan


class TaskListUnitFilterTest(KehoachTestCase):
    def titles(self, plan, unit):
        return {
            t.title for t in task_list(plan=plan, filters=TaskFilters(unit_id=unit.pk), today=TODAY)
        }

    def test_a_commune_sees_its_own_tasks_and_the_groups_that_contain_it(self):
        assert self.titles(self.district_plan, self.commune_a) == {
            "Phát sóng trên đài truyền thanh xã",
            "Cổ động trực quan tại các xã",
        }
        assert self.titles(self.district_plan, self.commune_b) == {"Cổ động trực quan tại các xã"}

    def test_a_district_in_a_province_plan_covers_the_units_below_it(self):
        plan = make_plan(
            issuer=self.province,
            title="Kế hoạch của tỉnh",
            tasks=[
                {"title": "Tập huấn cho xã Tam Xuân I"},
                {"title": "Hội nghị của huyện Phú Ninh"},
                {"title": "Tuyên truyền ở mọi xã, phường"},
            ],
        )
        first, second, third = plan.tasks.order_by("order")
        first.assignments.create(
            role="lead", name_as_written="UBND xã Tam Xuân I", unit=self.commune_a
        )
        second.assignments.create(
            role="lead", name_as_written="UBND huyện Phú Ninh", unit=self.outsider_district
        )
        third.assignments.create(
            role="lead",
            name_as_written="UBND các xã, phường",
            unit=self.province,
            scope=UnitScope.COMMUNES,
        )
        assert self.titles(plan, self.district) == {
            "Tập huấn cho xã Tam Xuân I",
            "Tuyên truyền ở mọi xã, phường",
        }

    def test_the_filter_offers_the_level_below_when_communes_are_too_many(self):
        offered = set(task_filter_units(plan=self.district_plan))
        assert {self.commune_a, self.commune_b, self.office} <= offered
        with mock.patch.object(selectors, "FILTER_COMMUNES_LIMIT", 1):
            province_plan = make_plan(issuer=self.province, title="Kế hoạch của tỉnh")
            offered = set(task_filter_units(plan=province_plan))
        assert offered == {self.district, self.outsider_district}
