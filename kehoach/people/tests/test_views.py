"""The people pages: list with search, filters and pages, detail, forms, export and erasure."""

import datetime as dt
import json

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kehoach.people.models import Person
from kehoach.people.services import person_create, person_erase
from kehoach.testing import KehoachTestCase
from kehoach.units.services import unit_end


def people_snapshot():
    return list(Person.objects.order_by("pk").values())


class ListViewTest(KehoachTestCase):
    def listed(self, **params):
        response = self.client.get(reverse("people:list"), params)
        assert response.status_code == 200
        return [person.full_name for person in response.context["page"].object_list]

    def test_it_lists_the_people_of_the_users_subtrees_only(self):
        self.login(self.commune_a_staff)
        assert self.listed() == ["Lê Văn Hùng"]
        self.login(self.outsider)
        assert self.listed() == []

    def test_it_orders_people_by_given_name(self):
        person_create(full_name="Nguyễn Thị Ánh", unit=self.commune_b)
        person_create(full_name="Võ Văn Dũng", unit=self.office)
        self.login(self.manager)
        # Ánh, Dũng, Hà, Hùng, Thanh: the given name decides, not the family name.
        assert self.listed() == [
            "Nguyễn Thị Ánh",
            "Võ Văn Dũng",
            "Trần Thị Thu Hà",
            "Lê Văn Hùng",
            "Bùi Thị Thanh",
        ]

    def test_the_search_finds_a_name_typed_without_diacritics(self):
        self.login(self.manager)
        assert self.listed(q="le van hung") == ["Lê Văn Hùng"]
        assert self.listed(q="Lê Văn Hùng") == ["Lê Văn Hùng"]
        assert self.listed(q="truong phong") == ["Trần Thị Thu Hà"]  # the position counts too
        assert self.listed(q="nguyen") == []

    def test_it_filters_by_unit_including_the_units_below(self):
        self.login(self.manager)
        assert self.listed(unit=self.commune_b.pk) == ["Bùi Thị Thanh"]
        assert len(self.listed(unit=self.district.pk)) == 3

    def test_a_unit_outside_the_scope_filters_to_nothing(self):
        self.login(self.commune_a_staff)
        assert self.listed(unit=self.commune_b.pk) == []
        assert self.listed(unit="abc") == []

    def test_it_filters_by_duty(self):
        self.login(self.manager)
        assert self.listed(duty="spokesperson") == ["Trần Thị Thu Hà"]
        assert self.listed(duty="human_rights", q="thanh") == ["Bùi Thị Thanh"]
        assert self.listed(duty="nonsense") == []

    @override_settings(KEHOACH_PAGE_SIZE=2)
    def test_it_pages_the_list_with_counts_and_keeps_the_filters(self):
        self.login(self.manager)
        response = self.client.get(reverse("people:list"), {"duty": "human_rights"})
        page = response.context["page"]
        assert page.paginator.count == 3 and len(page.object_list) == 2
        assert response.context["total"] == 3
        self.assertContains(response, "?duty=human_rights&amp;page=2")
        assert self.listed(duty="human_rights", page=2) == ["Bùi Thị Thanh"]
        assert response.context["nav"] == "people"


class DetailViewTest(KehoachTestCase):
    def test_it_shows_the_person(self):
        self.login(self.manager)
        response = self.client.get(reverse("people:detail", args=[self.commune_b_person.pk]))
        for text in ["Bùi Thị Thanh", "thanh.bt@tamxuan2.gov.vn", "Xã Tam Xuân II"]:
            self.assertContains(response, text)
        self.assertContains(response, reverse("people:edit", args=[self.commune_b_person.pk]))


class CreateViewTest(KehoachTestCase):
    def form(self, **changes):
        data = {
            "full_name": "Nguyễn Thị Mai",
            "position": "Phó Chủ tịch UBND xã",
            "unit": self.commune_a.pk,
            "phone": "0235 3871 234",
            "email": "mai.nt@tamxuan1.gov.vn",
            "duties": ["spokesperson", "foreign_info"],
        }
        return {**data, **changes}

    def test_it_offers_only_the_users_units(self):
        self.login(self.commune_a_staff)
        response = self.client.get(reverse("people:create"))
        assert list(response.context["form"].fields["unit"].queryset) == [self.commune_a]

    def test_it_does_not_offer_units_that_have_ended(self):
        unit_end(unit=self.commune_b, last_day=dt.date(2025, 6, 30))
        self.login(self.manager)
        offered = self.client.get(reverse("people:create")).context["form"].fields["unit"]
        assert self.commune_b not in offered.queryset and self.commune_a in offered.queryset
        # A person already in the ended unit keeps it as a choice when edited.
        url = reverse("people:edit", args=[self.commune_b_person.pk])
        assert self.commune_b in self.client.get(url).context["form"].fields["unit"].queryset

    def test_it_creates_a_person_with_duties(self):
        self.login(self.commune_a_staff)
        response = self.client.post(reverse("people:create"), self.form())
        person = Person.objects.get(full_name="Nguyễn Thị Mai")
        self.assertRedirects(response, reverse("people:detail", args=[person.pk]))
        assert person.unit == self.commune_a
        assert person.is_spokesperson and person.is_foreign_info_officer
        assert not person.is_human_rights_officer

    def test_bad_input_shows_the_message_and_saves_nothing(self):
        self.login(self.commune_a_staff)
        cases = {
            "full_name": self.form(full_name="   "),
            "email": self.form(email="mai@"),
            "unit": self.form(unit=self.commune_b.pk),  # the neighbour's commune
        }
        for field, data in cases.items():
            with self.subTest(field=field):
                before = people_snapshot()
                response = self.client.post(reverse("people:create"), data)
                assert response.status_code == 200
                assert response.context["form"].errors[field]
                self.assertContains(response, 'class="errorlist')
                assert people_snapshot() == before

    def test_an_unknown_duty_is_refused(self):
        self.login(self.commune_a_staff)
        response = self.client.post(reverse("people:create"), self.form(duties=["chief"]))
        assert response.context["form"].errors["duties"]
        assert not Person.objects.filter(full_name="Nguyễn Thị Mai").exists()


class EditViewTest(KehoachTestCase):
    def form(self, **changes):
        data = {
            "full_name": "Lê Văn Hùng",
            "position": "Phó Chủ tịch UBND xã",
            "unit": self.commune_a.pk,
            "phone": "",
            "email": "hung.lv@tamxuan1.gov.vn",
            "duties": ["human_rights", "spokesperson"],
            "active": "on",
        }
        return {**data, **changes}

    def test_it_shows_the_current_values(self):
        self.login(self.commune_a_staff)
        response = self.client.get(reverse("people:edit", args=[self.commune_a_person.pk]))
        initial = response.context["form"].initial
        assert initial["full_name"] == "Lê Văn Hùng" and initial["duties"] == ["human_rights"]

    def test_it_saves_the_changes(self):
        self.login(self.commune_a_staff)
        url = reverse("people:edit", args=[self.commune_a_person.pk])
        response = self.client.post(url, self.form())
        self.assertRedirects(response, reverse("people:detail", args=[self.commune_a_person.pk]))
        self.commune_a_person.refresh_from_db()
        assert self.commune_a_person.position == "Phó Chủ tịch UBND xã"
        assert self.commune_a_person.is_spokesperson
        assert self.commune_a_person.email == "hung.lv@tamxuan1.gov.vn"

    def test_it_can_mark_a_person_as_having_left(self):
        self.login(self.commune_a_staff)
        data = self.form()
        del data["active"]
        self.client.post(reverse("people:edit", args=[self.commune_a_person.pk]), data)
        self.commune_a_person.refresh_from_db()
        assert not self.commune_a_person.active

    def test_it_refuses_to_move_a_person_out_of_the_users_units(self):
        self.login(self.commune_a_staff)
        before = people_snapshot()
        response = self.client.post(
            reverse("people:edit", args=[self.commune_a_person.pk]),
            self.form(unit=self.commune_b.pk),
        )
        assert response.context["form"].errors["unit"]
        assert people_snapshot() == before

    def test_an_erased_person_cannot_be_edited(self):
        person_erase(person=self.commune_a_person)
        self.login(self.commune_a_staff)
        url = reverse("people:edit", args=[self.commune_a_person.pk])
        detail = reverse("people:detail", args=[self.commune_a_person.pk])
        self.assertRedirects(self.client.get(url), detail)
        before = people_snapshot()
        self.assertRedirects(self.client.post(url, self.form()), detail)
        assert people_snapshot() == before


class ExportViewTest(KehoachTestCase):
    def test_it_downloads_everything_held_about_the_person(self):
        self.login(self.manager)
        response = self.client.get(reverse("people:export", args=[self.commune_b_person.pk]))
        assert response["Content-Type"].startswith("application/json")
        assert response["Content-Disposition"] == (
            f'attachment; filename="person-{self.commune_b_person.pk}.json"'
        )
        data = json.loads(response.content)
        assert data["full_name"] == "Bùi Thị Thanh"
        assert data["email"] == "thanh.bt@tamxuan2.gov.vn"
        assert data["unit"]["name"] == "Xã Tam Xuân II"
        assert data["duties"] == ["human_rights"]
        assert {"id", "position", "phone", "active", "erased_at", "created_at"} <= set(data)
        assert "Bùi Thị Thanh".encode() in response.content  # readable UTF-8, not \\u escapes


class EraseViewTest(KehoachTestCase):
    def test_it_explains_what_is_erased_and_kept_before_erasing(self):
        self.login(self.commune_b_staff)
        response = self.client.get(reverse("people:erase", args=[self.commune_b_person.pk]))
        assert response.status_code == 200
        self.assertContains(response, 'method="post"')
        self.commune_b_person.refresh_from_db()
        assert self.commune_b_person.erased_at is None

    def test_it_keeps_the_row_but_clears_name_phone_and_email(self):
        self.login(self.commune_b_staff)
        response = self.client.post(reverse("people:erase", args=[self.commune_b_person.pk]))
        self.assertRedirects(response, reverse("people:detail", args=[self.commune_b_person.pk]))
        person = Person.objects.get(pk=self.commune_b_person.pk)
        assert "Thanh" not in person.full_name
        assert person.email == "" and person.phone == ""
        assert person.erased_at is not None and person.is_human_rights_officer
        # The erased row still counts in the list, without its name.
        self.login(self.manager)  # whose own name is not Bùi Thị Thanh
        listed = self.client.get(reverse("people:list")).context["page"].object_list
        assert person.pk in [p.pk for p in listed] and len(listed) == 3
        self.assertNotContains(self.client.get(reverse("people:list")), "Bùi Thị Thanh")


class ListQueryCountTest(KehoachTestCase):
    def count_queries(self):
        with CaptureQueriesContext(connection) as queries:
            assert self.client.get(reverse("people:list")).status_code == 200
        return len(queries)

    def test_the_number_of_queries_does_not_grow_with_the_people(self):
        self.login(self.manager)
        few = self.count_queries()
        for number in range(20):
            person_create(full_name=f"Nguyễn Văn Thử {number}", unit=self.commune_a)
        assert self.count_queries() == few
