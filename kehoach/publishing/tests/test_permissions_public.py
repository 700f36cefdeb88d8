"""Every public page (no sign-in: pages, feeds, embed, language switch, sitemap, robots.txt, open
data), visited as every role: what is public answers the same to everybody, what is not public
answers 404 to everybody, signed in or not — staff rights never open an unpublished item on the
public side. kehoach/tests/test_url_coverage.py checks COVERED_URL_NAMES."""

from django.urls import reverse

from kehoach.publishing.services import publication_approve, publication_create
from kehoach.publishing.tests.workflow import PublishingCase

ROLES = ("anonymous", "outsider", "commune_b_staff", "commune_a_staff", "manager", "admin")

COVERED_URL_NAMES = {
    "public:home",
    "public:products",
    "public:product",
    "public:plan",
    "public:embed",
    "public:language",
    "public:atom",
    "public:rss",
    "public:plan_atom",
    "public:plan_rss",
    "public:theme_atom",
    "public:theme_rss",
    "public:unit_atom",
    "public:unit_rss",
    "sitemap",
    "robots",
}


class PublicPagePermissionTests(PublishingCase):
    def setUp(self) -> None:
        record = self.radio_record(title="Phát thanh về quyền trẻ em")
        record.themes.add(self.theme)
        self.public = self.published(record)
        self.hidden = self.draft(self.radio_record(title="Bài viết chưa duyệt"))
        self.results = publication_approve(
            publication_create(plan=self.district_plan, by=self.manager), by=self.manager
        )
        # A commune's own plan with a draft results page: nothing of it is public.
        self.hidden_plan = self.commune_b_plan
        publication_create(plan=self.hidden_plan, by=self.manager)

    def as_each_role(self, url: str) -> dict[str, int]:
        codes = {}
        for role in ROLES:
            self.client.logout()
            if role != "anonymous":
                self.login(getattr(self, role))
            codes[role] = self.client.get(url).status_code
        return codes

    def assert_everybody(self, url: str, status: int) -> None:
        with self.subTest(url=url):
            self.assertEqual(self.as_each_role(url), dict.fromkeys(ROLES, status))

    def test_what_is_public_answers_everybody(self):
        pk = {"pk": self.public.pk}
        for url in (
            reverse("public:home"),
            reverse("public:products"),
            reverse("public:product", kwargs=pk),
            reverse("public:plan", kwargs={"pk": self.district_plan.pk}),
            reverse("public:embed") + f"?ke-hoach={self.district_plan.pk}",
            reverse("public:atom"),
            reverse("public:rss"),
            reverse("public:plan_atom", kwargs={"pk": self.district_plan.pk}),
            reverse("public:plan_rss", kwargs={"pk": self.district_plan.pk}),
            reverse("public:theme_atom", kwargs={"pk": self.theme.pk}),
            reverse("public:theme_rss", kwargs={"pk": self.theme.pk}),
            reverse("public:unit_atom", kwargs={"pk": self.commune_a.pk}),
            reverse("public:unit_rss", kwargs={"pk": self.commune_a.pk}),
            reverse("sitemap"),
            reverse("robots"),
        ):
            self.assert_everybody(url, 200)

    def test_what_is_not_public_is_not_found_for_anybody(self):
        for url in (
            reverse("public:product", kwargs={"pk": self.hidden.pk}),
            reverse("public:plan", kwargs={"pk": self.hidden_plan.pk}),
            reverse("public:plan_atom", kwargs={"pk": self.hidden_plan.pk}),
            reverse("public:plan_rss", kwargs={"pk": self.hidden_plan.pk}),
            reverse("public:unit_atom", kwargs={"pk": self.commune_b.pk}),
            reverse("public:unit_rss", kwargs={"pk": self.commune_b.pk}),
        ):
            self.assert_everybody(url, 404)

    def test_the_language_switch_redirects_everybody_and_stays_on_this_site(self):
        url = reverse("public:language", kwargs={"code": "en"}) + "?next=https://example.com/"
        self.assert_everybody(url, 302)
        self.client.logout()
        location = self.client.get(url)["Location"]
        self.assertFalse(location.startswith("https://example.com"), location)

    def test_the_public_side_lists_no_draft_even_to_its_authors(self):
        for role in ("commune_a_staff", "manager", "admin"):
            with self.subTest(role=role):
                self.login(getattr(self, role))
                page = self.client.get(reverse("public:products")).content.decode()
                self.assertIn(self.public.title, page)
                self.assertNotIn(self.hidden.title, page)
