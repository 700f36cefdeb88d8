"""Sign-in hardening and security headers: Argon2, session expiry, headers, check --deploy."""

import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import time_machine
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from kehoach.testing import PASSWORD, KehoachTestCase

PRODUCTION_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


class PasswordHashingTest(KehoachTestCase):
    def test_production_settings_put_argon2_first(self):
        import kehoach.settings as production

        assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")

    @override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS)
    def test_an_old_pbkdf2_hash_still_signs_in_and_is_upgraded_to_argon2(self):
        user = User.objects.get(username="tamxuan1")
        user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
        user.save(update_fields=["password"])
        response = self.client.post(
            reverse("accounts:login"), {"username": "tamxuan1", "password": PASSWORD}
        )
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.password.startswith("argon2$")


class SessionExpiryTest(KehoachTestCase):
    def test_a_sign_in_lasts_eight_hours_by_default(self):
        assert settings.SESSION_COOKIE_AGE == 8 * 3600
        self.client.post(reverse("accounts:login"), {"username": "tamxuan1", "password": PASSWORD})
        assert self.client.session.get_expiry_age() == 8 * 3600
        cookie = self.client.cookies[settings.SESSION_COOKIE_NAME]
        assert int(cookie["max-age"]) == 8 * 3600
        assert cookie["httponly"]


class SecurityHeadersTest(KehoachTestCase):
    def test_pages_send_the_security_headers(self):
        response = self.client.get(reverse("accounts:login"))
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]

    @override_settings(
        SECURE_SSL_REDIRECT=True,
        SECURE_HSTS_SECONDS=31536000,
        SECURE_REDIRECT_EXEMPT=[r"^health/$"],
    )
    def test_https_redirects_plain_http_and_sends_hsts_on_https(self):
        plain = self.client.get(reverse("accounts:login"))
        assert plain.status_code == 301
        assert plain["Location"].startswith("https://")
        secure = self.client.get(reverse("accounts:login"), secure=True)
        assert secure.status_code == 200
        assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


def _production_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEHOACH_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' conftest
    env.update(
        KEHOACH_SECRET_KEY=secrets.token_urlsafe(64),
        KEHOACH_HTTPS="1",
        KEHOACH_VAR_DIR=os.environ.get("KEHOACH_VAR_DIR", str(settings.VAR_DIR)),
        DJANGO_SETTINGS_MODULE="kehoach.settings",
    )
    return env


def test_check_deploy_is_clean_with_the_production_settings():
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(),
        cwd=Path(settings.BASE_DIR).parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


class LockoutTest(KehoachTestCase):
    """django-axes: 5 failures for one username from one address lock that pair for 15 minutes."""

    def fail(self, username: str = "tamxuan1", address: str = "203.0.113.7"):
        return self.client.post(
            reverse("accounts:login"),
            {"username": username, "password": "sai-mat-khau"},
            REMOTE_ADDR=address,
        )

    def sign_in(self, username: str = "tamxuan1", address: str = "203.0.113.7"):
        return self.client.post(
            reverse("accounts:login"),
            {"username": username, "password": PASSWORD},
            REMOTE_ADDR=address,
        )

    def test_four_failures_still_let_the_right_password_in_and_reset_the_count(self):
        for _ in range(4):
            assert self.fail().status_code == 200
        assert self.sign_in().status_code == 302
        self.client.logout()
        for _ in range(4):
            assert self.fail().status_code == 200
        assert self.sign_in().status_code == 302

    def test_the_fifth_failure_locks_out_even_the_right_password_with_a_clear_message(self):
        for _ in range(4):
            self.fail()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # read the English msgids
        response = self.fail()
        assert response.status_code == 429
        self.assertContains(response, "Too many failed sign-ins", status_code=429)
        self.assertContains(response, "15 minutes", status_code=429)
        self.assertContains(response, 'name="username"', status_code=429)
        response = self.sign_in()
        assert response.status_code == 429
        assert "_auth_user_id" not in self.client.session

    def test_the_lockout_shows_in_vietnamese_by_default(self):
        for _ in range(5):
            response = self.fail()
        assert response.status_code == 429
        assert response.context["locked_out"]

    def test_the_lockout_ends_after_the_cool_off(self):
        for _ in range(5):
            self.fail()
        assert self.sign_in().status_code == 429
        with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
            assert self.sign_in().status_code == 302

    def test_other_users_and_other_addresses_are_not_locked(self):
        for _ in range(5):
            self.fail()
        assert self.sign_in(address="198.51.100.9").status_code == 302
        self.client.logout()
        assert self.sign_in(username="tamxuan2").status_code in (302,)

    def test_the_admin_sign_in_counts_too(self):
        for _ in range(5):
            response = self.client.post(
                reverse("admin:login"),
                {"username": "tamxuan1", "password": "sai"},
                REMOTE_ADDR="203.0.113.7",
            )
        assert response.status_code == 429
        assert self.sign_in().status_code == 429

    @override_settings(AXES_ENABLED=False)
    def test_the_lockout_can_be_turned_off(self):
        for _ in range(8):
            self.fail()
        assert self.sign_in().status_code == 302

    def test_code_that_signs_in_without_a_request_is_not_refused(self):
        from django.contrib.auth import authenticate

        assert authenticate(username="tamxuan1", password=PASSWORD) is not None
        assert self.client.login(username="tamxuan1", password=PASSWORD)


class ContentSecurityPolicyTest(KehoachTestCase):
    def test_pages_send_a_policy_that_allows_only_our_own_scripts(self):
        self.login(self.manager)
        for url in [reverse("accounts:login"), reverse("accounts:profile"), "/api/docs"]:
            with self.subTest(url=url):
                policy = self.client.get(url)["Content-Security-Policy"]
                directives = dict(
                    (part.split()[0], part.split()[1:]) for part in policy.split("; ")
                )
                assert directives["script-src"][0] == "'self'"
                assert "'unsafe-inline'" not in directives["script-src"]
                assert "'unsafe-eval'" not in directives["script-src"]
                assert directives["default-src"] == ["'self'"]
                assert directives["object-src"] == ["'none'"]
                assert directives["form-action"] == ["'self'"]

    def test_no_template_has_an_inline_script_the_policy_would_block(self):
        import re

        script = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
        offenders = []
        for template in Path(settings.BASE_DIR).rglob("templates/**/*.html"):
            for attributes in script.findall(template.read_text(encoding="utf-8")):
                if "src=" not in attributes and "application/json" not in attributes:
                    offenders.append(str(template))
        assert offenders == []
        for template in Path(settings.BASE_DIR).rglob("templates/**/*.html"):
            text = template.read_text(encoding="utf-8")
            # Inline handlers run only when the policy lists their hash (settings: script-src).
            for handler in re.findall(r"\son[a-z]+=\"([^\"]*)\"", text):
                assert handler == "this.form.submit()", (template, handler)
            assert "javascript:" not in text, template
