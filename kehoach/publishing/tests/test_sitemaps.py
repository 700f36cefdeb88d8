"""The sitemap: public pages, products and plan results pages, with lastmod."""

from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from lxml import etree  # type: ignore[import-untyped]

from kehoach.publishing.models import Publication, PublicationState
from kehoach.publishing.sitemaps import robots_txt

from .opendata_builders import make_results as publish_results
from .test_views_public import PublicCast

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class SitemapTests(PublicCast):
    def locations(self) -> dict[str, str | None]:
        response = self.client.get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        return {
            url.findtext(f"{NS}loc"): url.findtext(f"{NS}lastmod")
            for url in etree.fromstring(response.content).iter(f"{NS}url")
        }

    def test_it_lists_the_public_pages_with_the_day_they_changed(self) -> None:
        results = publish_results(self.district_plan)
        publish_results(self.commune_b_plan, state=PublicationState.DRAFT)
        found = self.locations()
        base = "http://testserver"
        today = timezone.localdate().isoformat()
        self.assertIn(base + reverse("public:home"), found)
        self.assertIn(base + reverse("public:products"), found)
        products = {loc for loc in found if "/san-pham/" in loc and loc.rstrip("/")[-1].isdigit()}
        self.assertEqual(
            products,
            {
                base + reverse("public:product", args=[self.radio.pk]),
                base + reverse("public:product", args=[self.poster.pk]),
            },
        )
        plans = {loc for loc in found if "/ke-hoach/" in loc}
        self.assertEqual(plans, {base + reverse("public:plan", args=[results.plan_id])})
        self.assertEqual(found[base + reverse("public:product", args=[self.radio.pk])], today)

    def test_a_withdrawn_product_leaves_the_sitemap(self) -> None:
        Publication.objects.filter(pk=self.radio.pk).update(state=PublicationState.WITHDRAWN)
        self.assertNotIn(
            "http://testserver" + reverse("public:product", args=[self.radio.pk]),
            self.locations(),
        )

    def test_it_is_cached_for_a_minute(self) -> None:
        response = self.client.get("/sitemap.xml")
        self.assertIn("max-age=60", response["Cache-Control"])


class RobotsTests(PublicCast):
    def test_it_names_the_sitemap_and_keeps_robots_off_staff_pages(self) -> None:
        response = robots_txt(RequestFactory().get("/robots.txt"))
        lines = response.content.decode().splitlines()
        self.assertIn("Sitemap: http://testserver/sitemap.xml", lines)
        self.assertIn("Disallow: /publishing/", lines)
        self.assertLess(lines.index("Allow: /api/open-data/"), lines.index("Disallow: /api/"))
        self.assertNotIn("Disallow: /cong-khai/", lines)
        self.assertNotIn("Disallow: /du-lieu-mo/", lines)
