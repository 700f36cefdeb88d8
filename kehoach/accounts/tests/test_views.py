"""The accounts pages: sign-in and out, the start page, the profile with API tokens, language."""

from django.urls import reverse

from kehoach.accounts.models import ApiToken, hash_token
from kehoach.accounts.services import api_token_authenticate, api_token_create
from kehoach.plans.selectors import plans_for_user
from kehoach.testing import PASSWORD, KehoachTestCase


class LoginViewTest(KehoachTestCase):
    def test_it_shows_the_sign_in_form(self):
        response = self.client.get(reverse("accounts:login"))
        assert response.status_code == 200
        self.assertContains(response, 'name="username"')
        self.assertContains(response, 'name="password"')

    def test_it_signs_in_and_goes_to_the_start_page(self):
        response = self.client.post(
            reverse("accounts:login"), {"username": "tamxuan1", "password": PASSWORD}
        )
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        assert self.client.session["_auth_user_id"] == str(self.commune_a_staff.pk)

    def test_it_refuses_a_wrong_password_with_a_message(self):
        response = self.client.post(
            reverse("accounts:login"), {"username": "tamxuan1", "password": "sai-mat-khau"}
        )
        assert response.status_code == 200
        assert response.context["form"].non_field_errors()
        assert "_auth_user_id" not in self.client.session

    def test_it_sends_a_signed_in_user_on(self):
        self.login(self.manager)
        response = self.client.get(reverse("accounts:login"))
        assert response.status_code == 302


class LogoutViewTest(KehoachTestCase):
    def test_it_signs_out_on_post(self):
        self.login(self.manager)
        response = self.client.post(reverse("accounts:logout"))
        self.assertRedirects(response, reverse("accounts:login"), fetch_redirect_response=False)
        assert "_auth_user_id" not in self.client.session

    def test_a_link_cannot_sign_anyone_out(self):
        # GET would let any page on the web sign the user out with an <img>.
        self.login(self.manager)
        assert self.client.get(reverse("accounts:logout")).status_code == 405
        assert "_auth_user_id" in self.client.session


class HomeViewTest(KehoachTestCase):
    def test_it_needs_a_signed_in_user(self):
        response = self.client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_it_opens_the_most_recent_plan_the_user_can_see(self):
        self.login(self.commune_a_staff)
        plan = plans_for_user(self.commune_a_staff).first()
        assert plan in (self.district_plan, self.commune_a_plan)
        response = self.client.get(reverse("home"))
        self.assertRedirects(
            response, reverse("plans:home", args=[plan.pk]), fetch_redirect_response=False
        )

    def test_it_falls_back_to_the_plan_list_without_plans(self):
        self.login(self.outsider)
        response = self.client.get(reverse("home"))
        self.assertRedirects(response, reverse("plans:list"), fetch_redirect_response=False)


class ProfileViewTest(KehoachTestCase):
    def test_it_shows_the_roles_and_units(self):
        self.login(self.commune_a_staff)
        response = self.client.get(reverse("accounts:profile"))
        self.assertContains(response, "Xã Tam Xuân I")
        self.assertContains(response, reverse("units:detail", args=[self.commune_a.pk]))
        self.assertNotContains(response, "Xã Tam Xuân II")

    def test_it_lists_only_the_users_own_tokens(self):
        api_token_create(user=self.commune_a_staff, name="Báo cáo tự động xã")
        api_token_create(user=self.commune_b_staff, name="Kịch bản của xã bên cạnh")
        self.login(self.commune_a_staff)
        response = self.client.get(reverse("accounts:profile"))
        self.assertContains(response, "Báo cáo tự động xã")
        self.assertNotContains(response, "Kịch bản của xã bên cạnh")


class TokenCreateViewTest(KehoachTestCase):
    def test_it_shows_the_raw_key_once_and_stores_only_its_hash(self):
        self.login(self.commune_a_staff)
        response = self.client.post(reverse("accounts:token_create"), {"name": "Máy chủ xã"})
        assert response.status_code == 200
        raw = response.context["raw_key"]
        self.assertContains(response, raw)
        token = ApiToken.objects.get(user=self.commune_a_staff)
        assert token.name == "Máy chủ xã"
        assert token.key_hash == hash_token(raw) and raw not in token.key_hash
        assert api_token_authenticate(raw) == self.commune_a_staff
        # The next visit of the profile no longer shows it.
        self.assertNotContains(self.client.get(reverse("accounts:profile")), raw)

    def test_it_asks_for_a_name_and_creates_nothing_without_one(self):
        self.login(self.commune_a_staff)
        response = self.client.post(reverse("accounts:token_create"), {"name": "  "})
        assert response.status_code == 400
        assert response.context["token_form"].errors["name"]
        assert not ApiToken.objects.exists()

    def test_it_accepts_post_only(self):
        self.login(self.commune_a_staff)
        assert self.client.get(reverse("accounts:token_create")).status_code == 405


class TokenRevokeViewTest(KehoachTestCase):
    def setUp(self):
        self.token, self.raw = api_token_create(user=self.commune_a_staff, name="Máy chủ xã")

    def test_it_asks_for_confirmation_first(self):
        self.login(self.commune_a_staff)
        response = self.client.get(reverse("accounts:token_revoke", args=[self.token.pk]))
        self.assertContains(response, "Máy chủ xã")
        self.token.refresh_from_db()
        assert self.token.revoked_at is None

    def test_it_revokes_on_post_and_the_key_stops_working(self):
        self.login(self.commune_a_staff)
        response = self.client.post(reverse("accounts:token_revoke", args=[self.token.pk]))
        self.assertRedirects(response, reverse("accounts:profile"))
        self.token.refresh_from_db()
        assert self.token.revoked_at is not None
        assert api_token_authenticate(self.raw) is None

    def test_another_users_token_does_not_exist_for_them(self):
        self.login(self.commune_b_staff)
        url = reverse("accounts:token_revoke", args=[self.token.pk])
        assert self.client.get(url).status_code == 404
        assert self.client.post(url).status_code == 404
        self.token.refresh_from_db()
        assert self.token.revoked_at is None


class LanguageSwitchTest(KehoachTestCase):
    def test_pages_are_vietnamese_by_default(self):
        self.login(self.manager)
        response = self.client.get(reverse("units:tree"))
        self.assertContains(response, '<html lang="vi">')

    def test_it_switches_to_english_and_back(self):
        self.login(self.manager)
        response = self.client.post(
            reverse("set_language"), {"language": "en", "next": reverse("units:tree")}
        )
        self.assertRedirects(response, reverse("units:tree"), fetch_redirect_response=False)
        self.assertContains(self.client.get(reverse("units:tree")), '<html lang="en">')
        self.client.post(reverse("set_language"), {"language": "vi"})
        self.assertContains(self.client.get(reverse("units:tree")), '<html lang="vi">')
