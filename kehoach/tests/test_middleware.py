from django.conf import settings
from django.urls import reverse

from kehoach.testing import KehoachTestCase


class VietnameseFirstTest(KehoachTestCase):
    def test_pages_ignore_an_english_browser(self):
        response = self.client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        assert response.wsgi_request.LANGUAGE_CODE == "vi"
        assert '<html lang="vi">' in response.content.decode()

    def test_the_language_switch_still_applies(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.get(reverse("accounts:login"))
        assert response.wsgi_request.LANGUAGE_CODE == "en"

    def test_api_clients_may_ask_for_english(self):
        response = self.client.get("/api/plans", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 401
        assert response.wsgi_request.LANGUAGE_CODE == "en"
