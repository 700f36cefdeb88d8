"""Every people URL, visited as every role: people outside the user's subtrees do not exist for
them (404), and a refused request changes nothing. The global URL test checks COVERED_URL_NAMES
against all URL names."""

from django.urls import reverse

from kehoach.people.models import Person
from kehoach.testing import KehoachTestCase

COVERED_URL_NAMES: set[str] = {
    "people:list",
    "people:create",
    "people:detail",
    "people:edit",
    "people:export",
    "people:erase",
}

ALLOWED = {
    "people:list get": 200,
    "people:create get": 200,
    "people:create post": 302,
    "people:detail get": 200,
    "people:edit get": 200,
    "people:edit post": 302,
    "people:export get": 200,
    "people:erase get": 200,
    "people:erase post": 302,
}
# Someone else's person: lists and the create form open, but the person does not exist and a
# new person cannot be put into the other unit (the form refuses the unit and saves nothing).
HIDDEN = {
    **ALLOWED,
    "people:create post": 200,
    "people:detail get": 404,
    "people:edit get": 404,
    "people:edit post": 404,
    "people:export get": 404,
    "people:erase get": 404,
    "people:erase post": 404,
}
ANONYMOUS = dict.fromkeys(ALLOWED, 302)


def snapshot():
    return list(Person.objects.order_by("pk").values())


class PeoplePermissionsTest(KehoachTestCase):
    def requests(self, person):
        """(name, method, url, data) for every URL of the app; erasing comes last."""
        form = {
            "full_name": "Đỗ Thị Hoa",
            "position": "Công chức Tư pháp - Hộ tịch",
            "unit": person.unit_id,
            "email": "hoa.dt@example.gov.vn",
            "duties": ["human_rights"],
            "active": "on",
        }
        by_pk = [person.pk]
        return [
            ("people:list", "get", reverse("people:list"), None),
            ("people:create", "get", reverse("people:create"), None),
            ("people:create", "post", reverse("people:create"), form),
            ("people:detail", "get", reverse("people:detail", args=by_pk), None),
            ("people:edit", "get", reverse("people:edit", args=by_pk), None),
            ("people:edit", "post", reverse("people:edit", args=by_pk), form),
            ("people:export", "get", reverse("people:export", args=by_pk), None),
            ("people:erase", "get", reverse("people:erase", args=by_pk), None),
            ("people:erase", "post", reverse("people:erase", args=by_pk), None),
        ]

    def check(self, person, expected):
        for name, method, url, data in self.requests(person):
            with self.subTest(name=name, method=method):
                before = snapshot()
                response = getattr(self.client, method)(url, data or {})
                status = expected[f"{name} {method}"]
                assert response.status_code == status, (name, method, response.status_code)
                if expected is ANONYMOUS:
                    assert response["Location"].startswith(reverse("accounts:login"))
                if expected is not ALLOWED and method == "post":
                    assert snapshot() == before

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        self.check(self.commune_a_person, ANONYMOUS)

    def test_an_outsider_does_not_see_the_communes_people(self):
        self.login(self.outsider)
        self.check(self.commune_a_person, HIDDEN)
        self.assertNotContains(self.client.get(reverse("people:list")), "Lê Văn Hùng")

    def test_the_neighbouring_commune_does_not_see_them_either(self):
        self.login(self.commune_b_staff)
        self.check(self.commune_a_person, HIDDEN)
        self.assertNotContains(self.client.get(reverse("people:list")), "Lê Văn Hùng")

    def test_the_district_office_does_not_see_a_communes_people(self):
        self.login(self.office_staff)
        self.check(self.commune_a_person, HIDDEN)

    def test_commune_staff_manage_their_own_people(self):
        self.login(self.commune_a_staff)
        self.check(self.commune_a_person, ALLOWED)
        self.commune_a_person.refresh_from_db()
        assert self.commune_a_person.erased_at is not None
        assert Person.objects.filter(full_name="Đỗ Thị Hoa", unit=self.commune_a).count() == 1

    def test_the_district_manager_manages_the_communes_people(self):
        self.login(self.manager)
        self.check(self.commune_a_person, ALLOWED)

    def test_the_administrator_manages_everyone(self):
        self.login(self.admin)
        self.check(self.commune_a_person, ALLOWED)
