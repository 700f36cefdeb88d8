"""Every units URL, visited as every role: who gets in, who is turned away (404 for units they
cannot see, 403 for units they see but may not change), and that the turned-away change nothing.
The global URL test checks COVERED_URL_NAMES against all URL names."""

from django.urls import reverse

from kehoach.testing import KehoachTestCase
from kehoach.units.models import Unit, UnitAlias

COVERED_URL_NAMES: set[str] = {"units:tree", "units:detail", "units:edit"}


def snapshot():
    return (
        list(Unit.objects.order_by("pk").values()),
        list(UnitAlias.objects.order_by("pk").values()),
    )


class UnitPermissionsTest(KehoachTestCase):
    def edit_data(self, unit):
        return {
            "name": unit.name,
            "short_name": "Tên ngắn mới",
            "code": "",
            "note": "",
            "valid_from": "",
            "valid_to": "",
            "new_alias": "Bí danh mới",
        }

    def requests(self, unit):
        """(name, method, url, data) for every URL of the app, aimed at one unit."""
        return [
            ("units:tree", "get", reverse("units:tree"), None),
            ("units:detail", "get", reverse("units:detail", args=[unit.pk]), None),
            ("units:edit", "get", reverse("units:edit", args=[unit.pk]), None),
            ("units:edit", "post", reverse("units:edit", args=[unit.pk]), self.edit_data(unit)),
        ]

    def check(self, unit, expected):
        """expected maps URL name + method to a status; a refused request changes nothing."""
        for name, method, url, data in self.requests(unit):
            with self.subTest(name=name, method=method):
                before = snapshot()
                response = getattr(self.client, method)(url, data or {})
                status = expected[f"{name} {method}"]
                assert response.status_code == status, (name, method, response.status_code)
                refused = status in (403, 404) or not response.wsgi_request.user.is_authenticated
                if refused:
                    assert snapshot() == before
                if status == 302 and refused:
                    assert response["Location"].startswith(reverse("accounts:login"))

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        self.check(
            self.commune_a,
            {
                "units:tree get": 302,
                "units:detail get": 302,
                "units:edit get": 302,
                "units:edit post": 302,
            },
        )

    def test_an_outsider_does_not_see_the_commune(self):
        self.login(self.outsider)
        self.check(
            self.commune_a,
            {
                "units:tree get": 200,
                "units:detail get": 404,
                "units:edit get": 404,
                "units:edit post": 404,
            },
        )
        self.assertNotContains(self.client.get(reverse("units:tree")), "Xã Tam Xuân I")

    def test_the_neighbouring_commune_does_not_see_it_either(self):
        self.login(self.commune_b_staff)
        self.check(
            self.commune_a,
            {
                "units:tree get": 200,
                "units:detail get": 404,
                "units:edit get": 404,
                "units:edit post": 404,
            },
        )

    def test_the_office_of_the_district_does_not_see_a_commune(self):
        self.login(self.office_staff)
        self.check(
            self.commune_a,
            {
                "units:tree get": 200,
                "units:detail get": 404,
                "units:edit get": 404,
                "units:edit post": 404,
            },
        )

    def test_commune_staff_read_the_district_above_but_may_not_change_it(self):
        self.login(self.commune_a_staff)
        self.check(
            self.district,
            {
                "units:tree get": 200,
                "units:detail get": 200,
                "units:edit get": 403,
                "units:edit post": 403,
            },
        )

    def test_commune_staff_change_their_own_commune(self):
        self.login(self.commune_a_staff)
        self.check(
            self.commune_a,
            {
                "units:tree get": 200,
                "units:detail get": 200,
                "units:edit get": 200,
                "units:edit post": 302,
            },
        )
        self.commune_a.refresh_from_db()
        assert self.commune_a.short_name == "Tên ngắn mới"

    def test_the_district_manager_and_the_administrator_change_it(self):
        for user in [self.manager, self.admin]:
            self.login(user)
            with self.subTest(user=user.username):
                self.check(
                    self.commune_a,
                    {
                        "units:tree get": 200,
                        "units:detail get": 200,
                        "units:edit get": 200,
                        "units:edit post": 302,
                    },
                )

    def test_only_the_administrator_changes_the_province(self):
        self.login(self.manager)
        assert self.client.get(reverse("units:edit", args=[self.province.pk])).status_code == 403
        self.login(self.admin)
        assert self.client.get(reverse("units:edit", args=[self.province.pk])).status_code == 200
