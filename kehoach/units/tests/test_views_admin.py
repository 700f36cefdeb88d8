"""The back-office admin for units, people and accounts saves through the services."""

import datetime as dt

from django.urls import reverse

from kehoach.accounts.services import api_token_create
from kehoach.lib.vntext import search_key
from kehoach.people.models import Person
from kehoach.testing import KehoachTestCase
from kehoach.units.models import Unit, UnitKind, UnitMerge
from kehoach.units.selectors import unit_search
from kehoach.units.services import unit_create


def inline(prefix, rows=(), initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


class UnitAdminTest(KehoachTestCase):
    def test_adding_a_unit_places_it_in_the_tree_with_its_aliases_searchable(self):
        self.login(self.admin)
        response = self.client.post(
            reverse("admin:units_unit_add"),
            {
                "name": "Thị trấn Núi Thành",
                "kind": UnitKind.TOWNSHIP,
                "parent": self.district.pk,
                "short_name": "",
                "code": "20557",
                "valid_from": "",
                "valid_to": "",
                "note": "",
                **inline("aliases", [{"name": "TT Núi Thành"}]),
            },
        )
        assert response.status_code == 302, response.content[:2000]
        unit = Unit.objects.get(name="Thị trấn Núi Thành")
        assert unit.path == f"{self.district.path}{unit.pk}/" and unit.depth == 2
        assert list(unit_search(Unit.objects.all(), "tt nui thanh")) == [unit]

    def test_the_admin_search_ignores_diacritics(self):
        self.login(self.admin)
        response = self.client.get(reverse("admin:units_unit_changelist"), {"q": "tam xuan"})
        assert set(response.context["cl"].result_list) == {self.commune_a, self.commune_b}

    def test_recording_a_merge_ends_the_source_the_day_before(self):
        self.login(self.admin)
        merged = unit_create(
            name="Xã Tam Xuân",
            kind=UnitKind.COMMUNE,
            parent=self.district,
            valid_from=dt.date(2025, 7, 1),
        )
        response = self.client.post(
            reverse("admin:units_unitmerge_add"),
            {
                "source": self.commune_a.pk,
                "successor": merged.pk,
                "effective_on": "2025-07-01",
                "legal_basis": "Nghị quyết số 1680/NQ-UBTVQH15",
                "source_url": "",
            },
        )
        assert response.status_code == 302
        assert UnitMerge.objects.get().successor == merged
        self.commune_a.refresh_from_db()
        assert self.commune_a.valid_to == dt.date(2025, 6, 30)

    def test_only_staff_reach_the_admin(self):
        self.login(self.manager)
        response = self.client.get(reverse("admin:units_unit_changelist"))
        assert response.status_code == 302


class PersonAdminTest(KehoachTestCase):
    def test_saving_recomputes_the_search_and_sort_keys(self):
        self.login(self.admin)
        person = self.commune_a_person
        response = self.client.post(
            reverse("admin:people_person_change", args=[person.pk]),
            {
                "full_name": "Lê Văn Thắng",
                "position": person.position,
                "unit": person.unit_id,
                "phone": "",
                "email": "",
                "is_human_rights_officer": "on",
                "active": "on",
            },
        )
        assert response.status_code == 302, response.content[:2000]
        person.refresh_from_db()
        assert search_key("le van thang") in person.search_text

    def test_the_erase_action_keeps_the_rows(self):
        self.login(self.admin)
        self.client.post(
            reverse("admin:people_person_changelist"),
            {"action": "erase_selected", "_selected_action": [self.commune_b_person.pk]},
        )
        person = Person.objects.get(pk=self.commune_b_person.pk)
        assert person.erased_at is not None and person.email == ""


class ApiTokenAdminTest(KehoachTestCase):
    def test_tokens_cannot_be_added_and_show_only_the_hash(self):
        token, raw = api_token_create(user=self.commune_a_staff, name="Máy chủ xã")
        self.login(self.admin)
        assert self.client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
        response = self.client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
        self.assertContains(response, token.key_hash)
        self.assertNotContains(response, raw)
