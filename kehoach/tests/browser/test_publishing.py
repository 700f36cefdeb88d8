"""Publishing in a real browser (issue 7), and the accessibility of the public pages by axe-core."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from .axe import assert_no_serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_sign_in_page_has_no_serious_accessibility_violations(page: Page, live_server) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    assert_no_serious_violations(page, "the sign-in page")
