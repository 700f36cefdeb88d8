"""Optional second factor (TOTP, django-otp) for administrators and plan managers."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kehoach.accounts.otp import PENDING_KEY
from kehoach.testing import PASSWORD, KehoachTestCase


def code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now, computed from the device's key."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(value).zfill(device.digits)


class OtpTestCase(KehoachTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.now = timezone.now()
        self.traveller = time_machine.travel(self.now, tick=False)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)

    def later(self, seconds: int = 31) -> None:
        """Move on to the next 30-second step: a code is accepted once only."""
        self.traveller.stop()
        self.now += timedelta(seconds=seconds)
        self.traveller = time_machine.travel(self.now, tick=False)
        self.traveller.start()

    def confirmed_device(self, user) -> TOTPDevice:
        return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)

    def password(self, username: str = "quanly", next_url: str = ""):
        data = {"username": username, "password": PASSWORD}
        if next_url:
            data["next"] = next_url
        return self.client.post(reverse("accounts:login"), data)


class SetupTest(OtpTestCase):
    def test_a_plan_manager_sets_up_an_app_with_the_key_shown_as_text(self):
        self.login(self.manager)
        with translation.override("en"):
            response = self.client.get(reverse("accounts:otp_setup"))
        assert response.status_code == 200
        device = TOTPDevice.objects.get(user=self.manager)
        assert not device.confirmed
        self.assertContains(response, response.context["secret"])
        assert response.context["uri"].startswith("otpauth://totp/")
        assert "secret=" + response.context["secret"] in response.context["uri"]

        response = self.client.post(reverse("accounts:otp_setup"), {"token": code(device)})
        self.assertRedirects(response, reverse("accounts:profile"), fetch_redirect_response=False)
        device.refresh_from_db()
        assert device.confirmed
        # The session that confirmed the device counts as verified: it stays signed in.
        assert self.client.get(reverse("accounts:profile")).status_code == 200

    def test_a_wrong_code_does_not_confirm_and_the_same_key_can_be_retried(self):
        self.login(self.admin)
        self.client.get(reverse("accounts:otp_setup"))
        device = TOTPDevice.objects.get(user=self.admin)
        response = self.client.post(reverse("accounts:otp_setup"), {"token": "000000"})
        assert response.status_code == 400
        assert response.context["device"].pk == device.pk
        device.refresh_from_db()
        assert not device.confirmed
        self.later()
        self.client.post(reverse("accounts:otp_setup"), {"token": code(device)})
        device.refresh_from_db()
        assert device.confirmed

    def test_unit_staff_cannot_set_up_a_second_factor(self):
        for user in [self.commune_a_staff, self.office_staff, self.outsider]:
            with self.subTest(user=user.username):
                self.login(user)
                assert self.client.get(reverse("accounts:otp_setup")).status_code == 403
                assert self.client.post(reverse("accounts:otp_setup"), {}).status_code == 403
                assert not TOTPDevice.objects.filter(user=user).exists()

    def test_the_second_factor_is_removed_only_with_a_right_code(self):
        device = self.confirmed_device(self.manager)
        self.password()
        self.client.post(reverse("accounts:otp_verify"), {"token": code(device)})
        self.later()
        url = reverse("accounts:otp_setup")
        response = self.client.post(url, {"action": "remove", "token": "123456"})
        assert response.status_code == 400
        assert TOTPDevice.objects.filter(pk=device.pk).exists()
        self.later()  # django-otp slows down guessing: a wrong code blocks the next for a while
        self.client.post(url, {"action": "remove", "token": code(device)})
        assert not TOTPDevice.objects.filter(user=self.manager).exists()


class SignInWithCodeTest(OtpTestCase):
    def test_without_a_device_the_password_is_enough(self):
        response = self.password()
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        assert self.client.session["_auth_user_id"] == str(self.manager.pk)

    def test_with_a_device_the_password_leads_to_the_code_step_and_the_code_signs_in(self):
        device = self.confirmed_device(self.manager)
        next_url = reverse("accounts:profile")
        response = self.password(next_url=next_url)
        self.assertRedirects(
            response, reverse("accounts:otp_verify"), fetch_redirect_response=False
        )
        assert "_auth_user_id" not in self.client.session
        # Not signed in yet: pages send the visitor to sign in.
        assert self.client.get(next_url).status_code == 302
        page = self.client.get(reverse("accounts:otp_verify"))
        assert page.status_code == 200
        self.assertContains(page, 'autocomplete="one-time-code"')

        response = self.client.post(reverse("accounts:otp_verify"), {"token": code(device)})
        self.assertRedirects(response, next_url, fetch_redirect_response=False)
        assert self.client.session["_auth_user_id"] == str(self.manager.pk)
        assert PENDING_KEY not in self.client.session
        assert self.client.get(next_url).status_code == 200

    def test_a_wrong_code_is_refused_and_five_send_back_to_the_password(self):
        device = self.confirmed_device(self.manager)
        self.password()
        for _ in range(4):
            response = self.client.post(reverse("accounts:otp_verify"), {"token": "000000"})
            assert response.status_code == 400
            assert "_auth_user_id" not in self.client.session
        response = self.client.post(reverse("accounts:otp_verify"), {"token": "000000"})
        self.assertRedirects(response, reverse("accounts:login"), fetch_redirect_response=False)
        self.later()
        response = self.client.post(reverse("accounts:otp_verify"), {"token": code(device)})
        self.assertRedirects(response, reverse("accounts:login"), fetch_redirect_response=False)
        assert "_auth_user_id" not in self.client.session

    def test_the_code_step_expires_after_five_minutes(self):
        device = self.confirmed_device(self.manager)
        self.password()
        self.later(6 * 60)
        response = self.client.post(reverse("accounts:otp_verify"), {"token": code(device)})
        self.assertRedirects(response, reverse("accounts:login"), fetch_redirect_response=False)
        assert "_auth_user_id" not in self.client.session

    def test_the_code_step_without_a_password_first_goes_to_sign_in(self):
        response = self.client.get(reverse("accounts:otp_verify"))
        self.assertRedirects(response, reverse("accounts:login"), fetch_redirect_response=False)

    def test_a_session_signed_in_without_the_code_is_signed_out(self):
        """The admin's own sign-in page (or any other path) cannot skip the code."""
        self.confirmed_device(self.admin)
        self.admin.is_staff = True
        self.admin.save(update_fields=["is_staff"])
        response = self.client.post(
            reverse("admin:login"), {"username": "quantri", "password": PASSWORD}
        )
        assert response.status_code == 302
        assert "_auth_user_id" not in self.client.session
        response = self.client.get(reverse("accounts:profile"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
