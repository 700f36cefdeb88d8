"""Every accounts URL, visited as every role: who gets in, who is turned away, and that the
turned-away change nothing. The global URL test checks COVERED_URL_NAMES against all URL names."""

from django.urls import reverse

from kehoach.accounts.models import ApiToken
from kehoach.accounts.services import api_token_create
from kehoach.testing import KehoachTestCase

COVERED_URL_NAMES: set[str] = {
    "home",
    "set_language",
    "accounts:login",
    "accounts:logout",
    "accounts:profile",
    "accounts:token_create",
    "accounts:token_revoke",
    "accounts:health",
    "accounts:otp_verify",
    "accounts:otp_setup",
    "accounts:privacy",
}

# Pages every signed-in user has (about themselves); anonymous visitors go to the sign-in page.
OWN_PAGES = [("home", "get"), ("accounts:profile", "get"), ("accounts:token_create", "post")]


def tokens_snapshot():
    return list(ApiToken.objects.order_by("pk").values())


class AnonymousTest(KehoachTestCase):
    def test_it_is_sent_to_sign_in_everywhere_but_the_public_pages(self):
        token, _raw = api_token_create(user=self.commune_a_staff, name="Máy chủ xã")
        login = reverse("accounts:login")
        for name, method, args in [
            *((name, method, []) for name, method in OWN_PAGES),
            ("accounts:token_revoke", "get", [token.pk]),
            ("accounts:token_revoke", "post", [token.pk]),
        ]:
            with self.subTest(name=name, method=method):
                before = tokens_snapshot()
                response = getattr(self.client, method)(reverse(name, args=args))
                assert response.status_code == 302
                assert response["Location"].startswith(login)
                assert tokens_snapshot() == before

    def test_the_sign_in_page_and_the_language_switch_are_public(self):
        assert self.client.get(reverse("accounts:login")).status_code == 200
        response = self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        assert response.status_code == 302

    def test_the_personal_data_page_is_public_and_changes_nothing(self):
        url = reverse("accounts:privacy")
        for user in [None, self.admin, self.manager, self.commune_a_staff, self.outsider]:
            with self.subTest(user=user and user.username):
                self.client.logout()
                if user is not None:
                    self.login(user)
                before = tokens_snapshot()
                assert self.client.get(url).status_code == 200
                assert self.client.post(url).status_code == 405
                assert tokens_snapshot() == before

    def test_signing_out_without_a_session_just_lands_on_sign_in(self):
        response = self.client.post(reverse("accounts:logout"))
        self.assertRedirects(response, reverse("accounts:login"), fetch_redirect_response=False)


class SignedInRolesTest(KehoachTestCase):
    def roles(self):
        return [
            self.admin,
            self.manager,
            self.office_staff,
            self.commune_a_staff,
            self.commune_b_staff,
            self.outsider,
        ]

    def test_every_role_reaches_its_own_pages(self):
        for user in self.roles():
            self.login(user)
            with self.subTest(user=user.username):
                assert self.client.get(reverse("home")).status_code == 302
                assert self.client.get(reverse("accounts:profile")).status_code == 200
                response = self.client.post(reverse("accounts:token_create"), {"name": "Thử"})
                assert response.status_code == 200
                token = ApiToken.objects.filter(user=user).latest("pk")
                url = reverse("accounts:token_revoke", args=[token.pk])
                assert self.client.get(url).status_code == 200
                assert self.client.post(url).status_code == 302
                token.refresh_from_db()
                assert token.revoked_at is not None
                assert (
                    self.client.post(reverse("set_language"), {"language": "vi"}).status_code == 302
                )
                assert self.client.post(reverse("accounts:logout")).status_code == 302

    def test_nobody_touches_someone_elses_token(self):
        # Even the administrator revokes other people's tokens in the admin, not here.
        token, _raw = api_token_create(user=self.commune_a_staff, name="Máy chủ xã Tam Xuân I")
        url = reverse("accounts:token_revoke", args=[token.pk])
        for user in [self.commune_b_staff, self.outsider, self.manager, self.admin]:
            self.login(user)
            with self.subTest(user=user.username):
                before = tokens_snapshot()
                assert self.client.get(url).status_code == 404
                assert self.client.post(url).status_code == 404
                assert tokens_snapshot() == before
                self.assertNotContains(
                    self.client.get(reverse("accounts:profile")), "Máy chủ xã Tam Xuân I"
                )

    def test_the_owner_revokes_their_own_token(self):
        token, _raw = api_token_create(user=self.commune_a_staff, name="Máy chủ xã")
        self.login(self.commune_a_staff)
        response = self.client.post(reverse("accounts:token_revoke", args=[token.pk]))
        assert response.status_code == 302
        token.refresh_from_db()
        assert token.revoked_at is not None


class HealthPermissionTest(KehoachTestCase):
    def test_the_health_endpoint_answers_everybody_alike_and_changes_nothing(self):
        url = reverse("accounts:health")
        for user in [None, self.admin, self.manager, self.commune_a_staff, self.outsider]:
            with self.subTest(user=user and user.username):
                self.client.logout()
                if user is not None:
                    self.login(user)
                before = tokens_snapshot()
                response = self.client.get(url)
                assert response.status_code == 200
                assert set(response.json()) == {"ok", "database", "worker_queue", "disk"}
                assert self.client.post(url).status_code == 405
                assert tokens_snapshot() == before


class SecondFactorPermissionTest(KehoachTestCase):
    def test_only_administrators_and_plan_managers_set_up_a_second_factor(self):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        setup = reverse("accounts:otp_setup")
        verify = reverse("accounts:otp_verify")
        login = reverse("accounts:login")
        response = self.client.get(setup)
        assert response.status_code == 302 and response["Location"].startswith(login)
        # The code step without a password first sends everybody to sign in.
        assert self.client.get(verify)["Location"] == login
        assert self.client.post(verify, {"token": "123456"})["Location"] == login
        for user, status in [
            (self.admin, 200),
            (self.manager, 200),
            (self.office_staff, 403),
            (self.commune_a_staff, 403),
            (self.commune_b_staff, 403),
            (self.outsider, 403),
        ]:
            with self.subTest(user=user.username):
                self.login(user)
                assert self.client.get(setup).status_code == status
                assert self.client.get(verify)["Location"] == login
                if status == 403:
                    assert self.client.post(setup, {"token": "1"}).status_code == 403
                    assert not TOTPDevice.objects.filter(user=user).exists()
