"""Staff search page: signed-in users find the records of their units and the publications they
see on the staff pages, with or without diacritics, titles highlighted, paginated."""

from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from kehoach.activities.testing import make_record
from kehoach.publishing.models import Publication, PublicationState
from kehoach.publishing.tests.opendata_builders import make_publication
from kehoach.testing import KehoachTestCase

COVERED_URL_NAMES: set[str] = {"search:search"}


class SearchPageTests(KehoachTestCase):
    published: Publication
    draft: Publication

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.published = make_publication(
            record=make_record(
                unit=cls.commune_a,
                tasks=[cls.commune_task],
                title="Chương trình phát thanh về quyền trẻ em",
            )
        )
        cls.draft = make_publication(
            record=make_record(
                unit=cls.office, tasks=[cls.office_task], title="Tờ gấp hỏi đáp về quyền trẻ em"
            ),
            state=PublicationState.DRAFT,
        )
        make_record(
            unit=cls.outsider_commune,
            tasks=[cls.commune_task],
            title="Tuyên truyền quyền trẻ em ở xã Tam Đàn",
        )

    def setUp(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def test_it_asks_to_sign_in(self):
        self.client.logout()
        response = self.client.get("/search/", {"q": "quyen tre em"})
        self.assertEqual(response.status_code, 302)
        self.assertIn("login", response["Location"])

    def test_it_finds_records_with_or_without_diacritics_highlighted(self):
        self.login(self.manager)
        for q in ("quyen tre em", "quyền trẻ em", "QUYỀN TRẺ"):
            response = self.client.get("/search/", {"q": q})
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "2 records")
            self.assertContains(response, "2 publications")
            self.assertContains(
                response,
                "Chương trình phát thanh về <mark>quyền</mark> <mark>trẻ</mark>",
            )
            self.assertContains(
                response, f'href="{reverse("activities:detail", args=[self.draft.record_id])}"'
            )
            # The outsider district's record is not the manager's to see.
            self.assertNotContains(response, "Tam Đàn")

    def test_it_scopes_to_the_users_units(self):
        self.login(self.commune_a_staff)
        response = self.client.get("/search/", {"q": "quyen tre em"})
        self.assertContains(response, "1 record")
        self.assertNotContains(response, "Tờ gấp")
        self.login(self.outsider)
        response = self.client.get("/search/", {"q": "quyen tre em"})
        self.assertContains(response, "Tam Đàn")
        self.assertContains(response, "0 publications")

    def test_it_lists_publications_in_every_state_with_the_public_link(self):
        self.login(self.manager)
        response = self.client.get("/search/", {"q": "quyen tre em", "in": "publications"})
        self.assertContains(
            response, f'href="{reverse("publishing:detail", args=[self.draft.pk])}"'
        )
        self.assertContains(response, '<span class="badge state-draft">Draft</span>', html=True)
        self.assertContains(response, f'href="/cong-khai/san-pham/{self.published.pk}/"')
        self.assertNotContains(response, f'href="/cong-khai/san-pham/{self.draft.pk}/"')

    def test_it_shows_publications_first_when_no_record_matches(self):
        self.draft.title_en = "Leaflet on children's rights"
        self.draft.save()
        self.login(self.manager)
        response = self.client.get("/search/", {"q": "leaflet"})
        self.assertEqual(response.context["shown"], "publications")
        self.assertContains(response, "<mark>Leaflet</mark> on children", html=False)

    def test_it_asks_for_a_word(self):
        self.login(self.manager)
        self.assertContains(self.client.get("/search/", {"q": " ,. "}), "Type at least one word.")
        response = self.client.get("/search/")
        self.assertContains(response, '<label for="search-q">Words to find</label>', html=True)

    @override_settings(KEHOACH_PAGE_SIZE=1)
    def test_it_paginates(self):
        self.login(self.manager)
        response = self.client.get("/search/", {"q": "quyen", "page": 2})
        self.assertContains(response, "Page 2 of 2")
        self.assertEqual(len(response.context["items"]), 1)

    def test_it_lets_every_signed_in_role_search_and_refuses_writes(self):
        users = [
            self.outsider,
            self.commune_b_staff,
            self.commune_a_staff,
            self.manager,
            self.admin,
        ]
        for user in users:
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get("/search/", {"q": "quyen"}).status_code, 200)
                self.assertEqual(self.client.post("/search/", {"q": "quyen"}).status_code, 405)
