"""Security in a real browser: the Content-Security-Policy breaks nothing on the main pages (no
violation reported, styles included), and the second factor works end to end for a plan manager."""

import base64
import hashlib
import hmac
import struct
import time
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Page, expect

from kehoach.demo import DEMO_PASSWORD
from kehoach.plans.models import Plan
from kehoach.units.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + reverse("accounts:login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def watch_csp(page: Page) -> list[str]:
    """Chromium reports every blocked script, style or frame on the console."""
    violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return violations


def test_the_main_pages_break_no_rule_of_the_content_security_policy(
    page: Page, live_server
) -> None:
    violations = watch_csp(page)
    plan = Plan.objects.get(issuer__name="Huyện Núi Thành", year=2024)
    task = plan.tasks.get(order=5)
    unit = Unit.objects.get(name="Huyện Núi Thành")
    target = plan.targets.order_by("pk").first()
    assert target is not None
    public = [
        reverse("accounts:login"),
        reverse("public:home"),
        reverse("public:products"),
        reverse("public:embed") + f"?ke-hoach={plan.pk}",
    ]
    staff = [
        reverse("plans:home", args=[plan.pk]),
        reverse("plans:tasks", args=[plan.pk]),
        reverse("plans:task", args=[task.pk]),
        reverse("activities:plan_dashboard", args=[plan.pk]),  # Chart.js
        reverse("activities:unit_dashboard", args=[unit.pk]),
        reverse("activities:target", args=[target.pk]),
        reverse("activities:list"),
        reverse("activities:create"),
        reverse("people:list"),
        reverse("reports:periods"),
        reverse("monitoring:queue"),
        reverse("publishing:list"),
        reverse("accounts:profile"),
        reverse("accounts:otp_setup"),
    ]
    admin = [reverse("admin:index"), "/api/docs"]
    for url in public:
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
    sign_in(page, live_server.url, "quanly")
    for url in staff:
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
    # An htmx swap (the task filter) adds content after the load: still nothing blocked.
    page.goto(live_server.url + reverse("plans:tasks", args=[plan.pk]))
    page.select_option("select[name=status]", "done")
    expect(page.locator("#task-table tbody tr")).to_have_count(3)
    page.context.clear_cookies()
    sign_in(page, live_server.url, "vhtt")  # unit staff enter people
    page.goto(live_server.url + reverse("people:create"))
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    sign_in(page, live_server.url, "quantri")
    for url in admin:
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
    assert violations == [], "\n".join(violations)


def totp(secret_base32: str, *, at: float | None = None) -> str:
    """The six-digit code an authenticator app shows (RFC 6238: HMAC-SHA1, 30 s steps)."""
    key = base64.b32decode(secret_base32 + "=" * (-len(secret_base32) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def test_a_plan_manager_turns_the_second_factor_on_and_signs_in_with_a_code(
    page: Page, live_server, settings
) -> None:
    # django-otp waits 1 s after a wrong code before it checks another (tested in test_otp);
    # this person types the right code at machine speed.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    # Read the English msgids.
    page.context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    sign_in(page, live_server.url, "quanly")
    page.goto(live_server.url + reverse("accounts:otp_setup"))

    # "Scanning": the app reads the key from the page, as from the QR code's otpauth:// address.
    secret = page.locator("#otp-secret").inner_text().strip()
    uri = page.locator("#otp-uri").inner_text().strip()
    assert parse_qs(urlparse(uri).query)["secret"] == [secret]
    page.fill("#id_token", totp(secret))
    page.click("main form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("The second factor is on")

    page.click("header form.inline button[type=submit]")  # sign out
    page.wait_for_load_state()
    sign_in(page, live_server.url, "quanly")
    # The password alone does not sign in: the code is asked for.
    expect(page).to_have_url(live_server.url + reverse("accounts:otp_verify"))
    expect(page.locator("h1")).to_have_text("Code from your app")

    wrong = f"{(int(totp(secret)) + 500_000) % 1_000_000:06d}"
    page.fill("#id_token", wrong)
    page.click("main button[type=submit]")
    expect(page.locator(".errorlist")).to_have_text(
        "The code is not right. Enter the code your app shows now."
    )
    assert page.url.endswith(reverse("accounts:otp_verify"))
    expect(page.locator("header .username")).to_have_count(0)  # not signed in

    # A code is good once: the one that confirmed the app is spent, the app's next one is taken.
    page.fill("#id_token", totp(secret, at=time.time() + 30))
    page.click("main button[type=submit]")
    plan = Plan.objects.get(issuer__name="Huyện Núi Thành", year=2024)
    expect(page).to_have_url(live_server.url + reverse("plans:home", args=[plan.pk]))
    expect(page.locator("header .username")).to_have_text("Nguyễn Văn Toàn")
