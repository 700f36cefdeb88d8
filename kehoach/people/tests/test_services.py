"""The people services: keys for search and Vietnamese order, export and erasure."""

import pytest
from django.core.exceptions import ValidationError

from kehoach.lib.vntext import search_key
from kehoach.people.models import Person
from kehoach.people.services import person_create, person_erase, person_export, person_update
from kehoach.testing import KehoachTestCase


class PersonCreateTest(KehoachTestCase):
    def test_it_keys_the_name_for_search_without_diacritics(self):
        assert search_key("le van hung") in self.commune_a_person.search_text

    def test_it_refuses_an_empty_name_and_a_bad_email(self):
        with pytest.raises(ValidationError) as error:
            person_create(full_name="  ", unit=self.commune_a, email="khong-phai-email")
        assert set(error.value.message_dict) == {"full_name", "email"}
        assert Person.objects.count() == 3

    def test_people_are_ordered_by_given_name(self):
        person_create(full_name="Nguyễn Thị Ánh", unit=self.commune_a)
        person_create(full_name="Trần Văn Đông", unit=self.commune_a)
        person_create(full_name="Võ Văn Dũng", unit=self.commune_a)
        # Given names: Ánh < Dũng < Đông (đ after d) < Hà < Hùng < Thanh.
        assert [p.full_name.split()[-1] for p in Person.objects.all()] == [
            "Ánh",
            "Dũng",
            "Đông",
            "Hà",
            "Hùng",
            "Thanh",
        ]


class PersonExportTest(KehoachTestCase):
    def test_it_holds_every_field_kept_about_the_person(self):
        data = person_export(person=self.commune_b_person)
        assert data["full_name"] == "Bùi Thị Thanh"
        assert data["email"] == "thanh.bt@tamxuan2.gov.vn"
        assert data["position"] == "Công chức Văn hóa - Xã hội"
        assert data["unit"] == {"id": self.commune_b.pk, "name": "Xã Tam Xuân II"}
        assert data["duties"] == ["human_rights"]
        assert data["active"] is True and data["erased_at"] is None
        assert {"id", "phone", "created_at", "updated_at"} <= set(data)


class PersonEraseTest(KehoachTestCase):
    def test_it_keeps_the_row_but_clears_the_personal_fields(self):
        person = person_erase(person=self.commune_b_person)
        person.refresh_from_db()
        assert Person.objects.filter(pk=person.pk).exists()
        assert "Thanh" not in person.full_name
        assert person.phone == "" and person.email == "" and person.position == ""
        assert person.erased_at is not None and not person.active
        # The duty stays, so counts of human-rights officers stay true.
        assert person.is_human_rights_officer and person.unit == self.commune_b
        assert search_key("bui thi thanh") not in person.search_text

    def test_an_erased_person_cannot_be_edited(self):
        person_erase(person=self.commune_b_person)
        with pytest.raises(ValidationError):
            person_update(person=self.commune_b_person, full_name="Bùi Thị Thanh")
