"""The permission rules of accounts.access, on the cast of kehoach.testing."""

from kehoach.accounts import access
from kehoach.plans.selectors import can_change_task, can_edit_plan, plans_for_user
from kehoach.testing import KehoachTestCase


class PlanVisibilityTest(KehoachTestCase):
    def visible(self, user):
        return set(plans_for_user(user))

    def test_a_commune_sees_the_district_plan_and_its_own_but_not_its_neighbours(self):
        assert self.visible(self.commune_a_staff) == {self.district_plan, self.commune_a_plan}

    def test_the_district_manager_sees_every_plan_in_the_district(self):
        assert self.visible(self.manager) == {
            self.district_plan,
            self.commune_a_plan,
            self.commune_b_plan,
        }

    def test_an_outsider_sees_none_of_them(self):
        assert self.visible(self.outsider) == set()

    def test_the_administrator_sees_everything(self):
        assert self.visible(self.admin) == {
            self.district_plan,
            self.commune_a_plan,
            self.commune_b_plan,
        }


class PlanEditingTest(KehoachTestCase):
    def test_only_managers_of_the_issuer_edit_a_plan(self):
        assert can_edit_plan(self.manager, self.district_plan)
        assert can_edit_plan(self.manager, self.commune_a_plan)
        assert not can_edit_plan(self.office_staff, self.district_plan)
        assert not can_edit_plan(self.commune_a_staff, self.district_plan)

    def test_unit_staff_change_only_tasks_their_unit_leads_by_name(self):
        assert can_change_task(self.office_staff, self.office_task)
        assert not can_change_task(self.office_staff, self.commune_task)
        assert can_change_task(self.commune_a_staff, self.commune_task)
        assert not can_change_task(self.commune_b_staff, self.commune_task)
        # A group lead ("UBND các xã, thị trấn") gives no single commune the whole task.
        assert not can_change_task(self.commune_a_staff, self.communes_group_task)
        assert can_change_task(self.manager, self.communes_group_task)

    def test_unit_staff_change_the_tasks_of_their_own_units_plans(self):
        assert can_change_task(self.commune_a_staff, self.commune_a_task)
        assert not can_change_task(self.commune_b_staff, self.commune_a_task)
        assert not can_change_task(self.office_staff, self.commune_a_task)


class UnitAccessTest(KehoachTestCase):
    def test_a_commune_reads_its_ancestors_and_itself_but_not_its_neighbour(self):
        readable = set(access.readable_units(self.commune_a_staff))
        assert {self.province, self.district, self.commune_a} <= readable
        assert self.commune_b not in readable and self.office not in readable

    def test_writes_reach_only_the_subtree(self):
        assert access.can_write_unit(self.commune_a_staff, self.commune_a)
        assert not access.can_write_unit(self.commune_a_staff, self.district)
        assert access.can_write_unit(self.manager, self.commune_b)
        assert not access.can_write_unit(self.outsider, self.commune_a)

    def test_anonymous_users_reach_nothing(self):
        from django.contrib.auth.models import AnonymousUser

        assert not access.readable_units(AnonymousUser()).exists()
        assert not plans_for_user(AnonymousUser()).exists()


class PlanForHomeTest(KehoachTestCase):
    def test_a_commune_lands_on_its_own_plan_and_the_manager_on_the_district_plan(self):
        from kehoach.plans.selectors import plan_for_home

        assert plan_for_home(self.commune_a_staff) == self.commune_a_plan
        assert plan_for_home(self.manager) == self.district_plan
        # The office has no plan of its own: it lands on the district's.
        assert plan_for_home(self.office_staff) == self.district_plan
        assert plan_for_home(self.outsider) is None
