"""The personal-data page: public, figures read from the settings in force, in both languages."""

from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from kehoach.testing import KehoachTestCase


class PrivacyPageTest(KehoachTestCase):
    url = reverse("accounts:privacy")

    def english(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def test_it_is_public_and_in_vietnamese_by_default(self) -> None:
        response = self.client.get(self.url)
        assert response.status_code == 200
        assert response["Content-Language"] == "vi"
        self.assertContains(response, '<html lang="vi">')

    def test_it_is_in_english_with_the_language_cookie(self) -> None:
        self.english()
        response = self.client.get(self.url)
        assert response["Content-Language"] == "en"
        self.assertContains(response, '<html lang="en">')
        self.assertContains(response, "Personal data in kehoach")
        self.assertContains(response, "Kept permanently.")

    @override_settings(KEHOACH_RAW_PAGE_RETENTION_DAYS=45)
    def test_it_states_the_raw_page_retention_from_the_settings(self) -> None:
        self.english()
        response = self.client.get(self.url)
        self.assertContains(response, "The page as fetched is deleted 45 days after it was fetched")

    def test_it_states_the_lockout_and_session_figures_from_the_settings(self) -> None:
        self.english()
        with override_settings(AXES_FAILURE_LIMIT=3, SESSION_COOKIE_AGE=4 * 3600):
            response = self.client.get(self.url)
        self.assertContains(response, "After 3 failed sign-ins")
        self.assertContains(response, "Kept 15 minutes after the last failure, then deleted")
        self.assertContains(response, "A sign-in lasts 4 hours.")

    @override_settings(
        KEHOACH_PRIVACY_CONTACT="Văn phòng HĐND và UBND huyện Núi Thành\nĐT 0235 3871 234"
    )
    def test_it_names_the_contact_from_the_settings(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "Văn phòng HĐND và UBND huyện Núi Thành<br>ĐT 0235 3871 234")

    def test_without_a_contact_setting_it_names_the_unit_running_the_installation(self) -> None:
        self.english()
        response = self.client.get(self.url)
        self.assertContains(response, "The office of the unit that runs this installation")

    def test_it_names_the_buttons_staff_use_to_export_and_erase(self) -> None:
        self.english()
        response = self.client.get(self.url)
        self.assertContains(response, "“Export the data (JSON)”")
        self.assertContains(response, "“Erase the personal data”")

    def test_signed_in_staff_get_links_to_the_people_where_they_export_and_erase(self) -> None:
        self.login(self.commune_a_staff)
        response = self.client.get(self.url)
        self.assertContains(response, f'href="{reverse("people:list")}"')

    def test_the_public_pages_link_to_it_in_their_footer(self) -> None:
        response = self.client.get(reverse("public:home"))
        self.assertContains(response, f'<a href="{self.url}">')
