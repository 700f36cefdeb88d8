"""The unit pages: the tree on a date, search, one unit with its history, and editing."""

import datetime as dt

import time_machine
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kehoach.testing import KehoachTestCase
from kehoach.units.models import Unit, UnitKind
from kehoach.units.services import unit_create, unit_merge

AFTER_REFORM = dt.datetime(2025, 8, 1, 9, 0, tzinfo=dt.UTC)


class MergedCommunesMixin:
    """The reform of 1 July 2025: Tam Xuân I and II become xã Tam Xuân."""

    district: Unit
    commune_a: Unit
    commune_b: Unit
    merged: Unit

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()  # type: ignore[misc]
        cls.merged = unit_create(
            name="Xã Tam Xuân",
            kind=UnitKind.COMMUNE,
            parent=cls.district,
            valid_from=dt.date(2025, 7, 1),
        )
        unit_merge(
            sources=[cls.commune_a, cls.commune_b],
            into=cls.merged,
            on=dt.date(2025, 7, 1),
            legal_basis="Nghị quyết số 1680/NQ-UBTVQH15",
        )
        cls.commune_a.refresh_from_db()
        cls.commune_b.refresh_from_db()


def names(nodes):
    found = []
    for node in nodes:
        found.append(node.unit.name)
        found.extend(names(node.children))
    return found


class TreeViewTest(MergedCommunesMixin, KehoachTestCase):
    def test_it_shows_the_2024_map(self):
        self.login(self.manager)
        response = self.client.get(reverse("units:tree"), {"on": "2024-06-30"})
        shown = names(response.context["nodes"])
        assert {"Huyện Núi Thành", "Xã Tam Xuân I", "Xã Tam Xuân II"} <= set(shown)
        assert "Xã Tam Xuân" not in shown
        assert response.context["nav"] == "units"

    def test_it_shows_the_map_after_the_merge(self):
        self.login(self.manager)
        response = self.client.get(reverse("units:tree"), {"on": "2025-08-01"})
        shown = names(response.context["nodes"])
        assert "Xã Tam Xuân" in shown
        assert "Xã Tam Xuân I" not in shown and "Xã Tam Xuân II" not in shown

    @time_machine.travel(AFTER_REFORM, tick=False)
    def test_it_defaults_to_today_and_marks_units_that_have_ended_since(self):
        self.login(self.manager)
        assert "Xã Tam Xuân" in names(self.client.get(reverse("units:tree")).context["nodes"])
        response = self.client.get(reverse("units:tree"), {"on": "2024-06-30"})
        self.assertContains(
            response,
            f'<a href="{reverse("units:detail", args=[self.commune_a.pk])}" class="ended">',
        )
        self.assertContains(response, "?on=2024-06-30")  # the "2024 map" quick link
        self.assertContains(response, "?on=2025-08-01")  # the "Today" quick link

    def test_it_nests_units_under_their_parents(self):
        self.login(self.manager)
        nodes = self.client.get(reverse("units:tree"), {"on": "2024-06-30"}).context["nodes"]
        (province,) = nodes  # the units above the manager's district are shown too
        assert province.unit == self.province
        (district,) = province.children
        assert district.unit == self.district
        children = {child.unit.name for child in district.children}
        assert {"Xã Tam Xuân I", "Phòng Văn hóa và Thông tin huyện Núi Thành"} <= children

    def test_a_commune_sees_its_own_branch_and_the_units_above_only(self):
        self.login(self.commune_a_staff)
        response = self.client.get(reverse("units:tree"), {"on": "2024-06-30"})
        shown = names(response.context["nodes"])
        assert shown == ["Tỉnh Quảng Nam", "Huyện Núi Thành", "Xã Tam Xuân I"]

    def test_a_bad_date_falls_back_to_today_with_a_message(self):
        self.login(self.manager)
        response = self.client.get(reverse("units:tree"), {"on": "30/6/2024"})
        assert response.status_code == 200
        assert response.context["day"] == response.context["today"]
        assert [str(m) for m in response.context["messages"]]

    def test_the_search_finds_a_name_typed_without_diacritics(self):
        self.login(self.manager)
        response = self.client.get(reverse("units:tree"), {"q": "tam xuan"})
        matches = {unit.name for unit in response.context["matches"]}
        assert matches == {"Xã Tam Xuân", "Xã Tam Xuân I", "Xã Tam Xuân II"}

    def test_the_search_finds_an_alias(self):
        self.login(self.manager)
        response = self.client.get(reverse("units:tree"), {"q": "Phòng Văn hoá"})
        assert [unit.pk for unit in response.context["matches"]] == [self.office.pk]

    def test_the_search_stays_inside_what_the_user_reads(self):
        self.login(self.commune_a_staff)
        response = self.client.get(reverse("units:tree"), {"q": "tam xuan"})
        assert [unit.name for unit in response.context["matches"]] == ["Xã Tam Xuân I"]


class DetailViewTest(MergedCommunesMixin, KehoachTestCase):
    def test_it_shows_names_code_kind_and_aliases(self):
        self.login(self.manager)
        response = self.client.get(reverse("units:detail", args=[self.commune_a.pk]))
        for text in ["Xã Tam Xuân I", "Tam Xuân 1", "UBND xã Tam Xuân I", "Hiệu lực đến"]:
            self.assertContains(response, text)
        province = self.client.get(reverse("units:detail", args=[self.province.pk]))
        self.assertContains(province, "<td>49</td>", html=True)

    def test_it_shows_the_parent_chain_as_breadcrumbs(self):
        self.login(self.commune_a_staff)
        response = self.client.get(reverse("units:detail", args=[self.commune_a.pk]))
        assert response.context["ancestors"] == [self.province, self.district]
        self.assertContains(response, reverse("units:detail", args=[self.district.pk]))

    def test_it_says_what_a_unit_was_merged_into(self):
        self.login(self.manager)
        response = self.client.get(reverse("units:detail", args=[self.commune_a.pk]))
        self.assertContains(response, "ngày 01 tháng 7 năm 2025")
        self.assertContains(response, reverse("units:detail", args=[self.merged.pk]))
        self.assertContains(response, "Nghị quyết số 1680/NQ-UBTVQH15")

    def test_it_says_what_a_unit_was_formed_from(self):
        self.login(self.manager)
        response = self.client.get(reverse("units:detail", args=[self.merged.pk]))
        sources = [merge.source for merge in response.context["merged_from"]]
        assert sources == [self.commune_a, self.commune_b]

    def test_it_lists_the_children_the_user_can_see(self):
        self.login(self.commune_a_staff)
        response = self.client.get(reverse("units:detail", args=[self.district.pk]))
        assert list(response.context["children"]) == [self.commune_a]

    def test_it_links_to_the_people_of_the_unit_for_those_who_manage_them(self):
        self.login(self.manager)
        response = self.client.get(reverse("units:detail", args=[self.district.pk]))
        assert response.context["people_count"] == 3
        self.assertContains(response, f"{reverse('people:list')}?unit={self.district.pk}")
        self.login(self.commune_a_staff)
        response = self.client.get(reverse("units:detail", args=[self.district.pk]))
        assert response.context["people_count"] is None
        self.assertNotContains(response, reverse("units:edit", args=[self.district.pk]))


class EditViewTest(KehoachTestCase):
    def form(self, **changes):
        data = {
            "name": "Xã Tam Xuân I",
            "short_name": "Tam Xuân I",
            "code": "20566",
            "valid_from": "",
            "valid_to": "",
            "note": "",
            "new_alias": "",
        }
        return {**data, **changes}

    def test_it_shows_the_form_with_the_current_values(self):
        self.login(self.commune_a_staff)
        response = self.client.get(reverse("units:edit", args=[self.commune_a.pk]))
        assert response.context["form"].initial["name"] == "Xã Tam Xuân I"

    def test_it_saves_through_the_services_and_adds_an_alias(self):
        self.login(self.commune_a_staff)
        response = self.client.post(
            reverse("units:edit", args=[self.commune_a.pk]),
            self.form(valid_to="2025-06-30", new_alias="xã Tam Xuân Một"),
        )
        self.assertRedirects(response, reverse("units:detail", args=[self.commune_a.pk]))
        self.commune_a.refresh_from_db()
        assert self.commune_a.code == "20566"
        assert self.commune_a.valid_to == dt.date(2025, 6, 30)
        assert self.commune_a.aliases.filter(name="xã Tam Xuân Một").exists()
        # The new alias is searchable at once (the services refreshed the search text).
        found = self.client.get(reverse("units:tree"), {"q": "tam xuan mot"}).context["matches"]
        assert [unit.pk for unit in found] == [self.commune_a.pk]

    def test_an_end_before_the_start_is_refused_and_nothing_changes(self):
        self.login(self.commune_a_staff)
        before = Unit.objects.filter(pk=self.commune_a.pk).values().get()
        response = self.client.post(
            reverse("units:edit", args=[self.commune_a.pk]),
            self.form(
                name="Tên mới", valid_from="2024-01-01", valid_to="2023-12-31", new_alias="X"
            ),
        )
        assert response.status_code == 200
        assert response.context["form"].errors["valid_to"]
        assert Unit.objects.filter(pk=self.commune_a.pk).values().get() == before
        assert not self.commune_a.aliases.filter(name="X").exists()

    def test_an_empty_name_or_a_bad_date_is_refused(self):
        self.login(self.commune_a_staff)
        url = reverse("units:edit", args=[self.commune_a.pk])
        response = self.client.post(url, self.form(name="  "))
        assert response.context["form"].errors["name"]
        response = self.client.post(url, self.form(valid_from="30/6/2024"))
        assert response.context["form"].errors["valid_from"]
        self.commune_a.refresh_from_db()
        assert self.commune_a.name == "Xã Tam Xuân I" and self.commune_a.valid_from is None


class VnDateFiltersTest(KehoachTestCase):
    def render(self, source, **context):
        return Template("{% load vn %}" + source).render(Context(context))

    def test_it_writes_dates_as_official_documents_do(self):
        day = dt.date(2024, 2, 5)
        assert self.render("{{ d|vn_date }}", d=day) == "ngày 05 tháng 02 năm 2024"
        assert self.render("{{ d|vn_date_short }}", d=dt.date(2024, 6, 30)) == "30/6/2024"

    def test_it_shows_a_datetime_as_the_local_day(self):
        # 20:00 UTC on 30 June is already 1 July in Hà Nội.
        moment = dt.datetime(2024, 6, 30, 20, 0, tzinfo=dt.UTC)
        assert self.render("{{ d|vn_date_short }}", d=moment) == "1/7/2024"

    def test_it_shows_nothing_for_no_date(self):
        assert self.render("{{ d|vn_date }}|{{ d|vn_date_short }}", d=None) == "|"


class TreeQueryCountTest(KehoachTestCase):
    def count_queries(self):
        with CaptureQueriesContext(connection) as queries:
            assert self.client.get(reverse("units:tree"), {"on": "2024-06-30"}).status_code == 200
        return len(queries)

    def test_the_number_of_queries_does_not_grow_with_the_units(self):
        self.login(self.manager)
        few = self.count_queries()
        for number in range(10):
            unit_create(name=f"Thôn {number}", kind=UnitKind.OTHER, parent=self.commune_a)
        assert self.count_queries() == few
