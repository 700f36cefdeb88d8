"""Open-data pages and files under /du-lieu-mo/: anyone may read them, they hold only what is
public now, and they are cached for a minute and open to other sites."""

import csv
import datetime as dt
import io

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kehoach.activities.models import Attachment
from kehoach.activities.testing import make_record
from kehoach.publishing.models import Publication, PublicationState
from kehoach.publishing.tests.opendata_builders import make_publication, make_results
from kehoach.testing import KehoachTestCase

# Public: every role and the anonymous visitor get the same answer (checked below).
COVERED_URL_NAMES: set[str] = {
    "opendata:catalog",
    "opendata:catalog_jsonld",
    "opendata:dataset_csv",
    "opendata:dataset_json",
}


class OpenDataViewTestCase(KehoachTestCase):
    radio: Publication
    draft: Publication
    audio: Attachment

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        record = make_record(
            unit=cls.commune_a,
            tasks=[cls.commune_task],
            title="Chương trình phát thanh về quyền trẻ em",
            product_kind="radio",
            platforms=["radio"],
        )
        cls.audio = Attachment.objects.create(
            record=record, file="records/2024/03/quyen-tre-em.mp3", content_type="audio/mpeg"
        )
        cls.radio = make_publication(record=record, title_en="Radio programme on children's rights")
        cls.draft = make_publication(
            record=make_record(
                unit=cls.office, tasks=[cls.office_task], title="Bản nháp chưa duyệt về hòa giải"
            ),
            state=PublicationState.DRAFT,
        )
        make_results(plan=cls.district_plan)

    def english(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


class CatalogPageTests(OpenDataViewTestCase):
    def test_it_lists_the_datasets_with_formats_and_licence(self):
        self.english()
        response = self.client.get("/du-lieu-mo/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<html lang="en">', html=False)
        self.assertContains(response, "<h1>Open data</h1>", html=True)
        self.assertContains(response, "Published communication products")
        self.assertContains(response, 'href="http://testserver/du-lieu-mo/products.csv"')
        self.assertContains(response, 'href="http://testserver/du-lieu-mo/targets.json"')
        self.assertContains(response, 'href="https://creativecommons.org/licenses/by/4.0/"')
        self.assertContains(response, '<label for="f-plan">Plan</label>', html=True)
        self.assertContains(response, "Huyện Núi Thành")  # the publisher
        self.assertEqual(response["Cache-Control"], "public, max-age=60")

    def test_it_is_in_vietnamese_by_default(self):
        response = self.client.get("/du-lieu-mo/")
        self.assertContains(response, '<html lang="vi">', html=False)

    def test_it_shows_one_plan_and_refuses_a_plan_with_nothing_public(self):
        response = self.client.get("/du-lieu-mo/", {"ke-hoach": self.district_plan.pk})
        self.assertContains(
            response,
            f'href="http://testserver/du-lieu-mo/products.csv?ke-hoach={self.district_plan.pk}"',
        )
        self.assertEqual(
            self.client.get("/du-lieu-mo/", {"ke-hoach": self.commune_b_plan.pk}).status_code, 404
        )
        self.assertEqual(self.client.get("/du-lieu-mo/", {"ke-hoach": "mot"}).status_code, 404)

    def test_it_links_the_dcat_catalogue(self):
        response = self.client.get("/du-lieu-mo/")
        self.assertContains(
            response, 'type="application/ld+json" href="/du-lieu-mo/catalog.jsonld"'
        )


class DatasetFileTests(OpenDataViewTestCase):
    def rows(self, url: str, **params: object) -> list[dict[str, str]]:
        response = self.client.get(url, params)
        self.assertEqual(response.status_code, 200)
        return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))

    def test_it_serves_the_products_as_csv(self):
        response = self.client.get("/du-lieu-mo/products.csv")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertEqual(response["Content-Disposition"], 'inline; filename="products.csv"')
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        self.assertEqual(response["Cache-Control"], "public, max-age=60")
        rows = self.rows("/du-lieu-mo/products.csv")
        self.assertEqual(
            [row["title"] for row in rows], ["Chương trình phát thanh về quyền trẻ em"]
        )
        self.assertEqual(
            rows[0]["page_url"], f"http://testserver/cong-khai/san-pham/{self.radio.pk}/"
        )
        self.assertEqual(
            rows[0]["file_urls"],
            f"http://testserver/cong-khai/tep/{self.audio.pk}/quyen-tre-em.mp3",
        )

    def test_it_drops_a_withdrawn_product_from_csv_and_json_at_once(self):
        self.radio.state = PublicationState.WITHDRAWN
        self.radio.withdrawn_at = timezone.now()
        self.radio.save()
        self.assertEqual(self.rows("/du-lieu-mo/products.csv"), [])
        self.assertEqual(self.client.get("/du-lieu-mo/products.json").json()["rows"], [])

    def test_it_serves_json_with_columns_and_licence(self):
        data = self.client.get("/du-lieu-mo/products.json").json()
        self.assertEqual(data["name"], "products")
        self.assertEqual(data["licence"], "CC-BY-4.0")
        self.assertEqual(data["count"], 1)
        self.assertEqual(data["rows"][0]["id"], self.radio.pk)
        self.assertEqual(data["rows"][0]["platforms"], ["radio"])
        self.assertEqual(data["columns"][0]["key"], "id")

    def test_it_serves_activities_and_targets_of_plans_with_public_results(self):
        # Every record counts, published as a product or not: these are counts of activity.
        rows = self.rows("/du-lieu-mo/activities.csv")
        self.assertEqual(
            [(r["unit"], r["record_kind"], r["month"], r["records"]) for r in rows],
            [
                ("Phòng Văn hóa và Thông tin huyện Núi Thành", "product", "2024-03", "1"),
                ("Xã Tam Xuân I", "product", "2024-03", "1"),
            ],
        )
        self.assertEqual(self.rows("/du-lieu-mo/targets.csv"), [])
        response = self.client.get("/du-lieu-mo/targets.json")
        self.assertEqual(response.json()["rows"], [])

    def test_it_filters_by_plan(self):
        other = make_publication(
            record=make_record(
                unit=self.commune_a, tasks=[self.commune_a_task], title="Tin của xã Tam Xuân I"
            ),
            published_at=timezone.now() - dt.timedelta(hours=1),
        )
        rows = self.rows("/du-lieu-mo/products.csv", **{"ke-hoach": self.commune_a_plan.pk})
        self.assertEqual([int(r["id"]) for r in rows], [other.pk])
        self.assertEqual(
            self.rows("/du-lieu-mo/activities.csv", **{"ke-hoach": self.commune_a_plan.pk}), []
        )
        response = self.client.get("/du-lieu-mo/products.csv", {"ke-hoach": self.commune_b_plan.pk})
        self.assertEqual(response.status_code, 404)

    def test_it_knows_only_its_datasets(self):
        self.assertEqual(self.client.get("/du-lieu-mo/people.csv").status_code, 404)
        self.assertEqual(self.client.get("/du-lieu-mo/people.json").status_code, 404)

    def test_it_refuses_writes(self):
        self.assertEqual(self.client.post("/du-lieu-mo/products.csv").status_code, 405)

    def test_it_serves_the_catalogue_as_json_ld(self):
        response = self.client.get("/du-lieu-mo/catalog.jsonld")
        self.assertEqual(response["Content-Type"], "application/ld+json; charset=utf-8")
        data = response.json()
        self.assertEqual(data["@type"], "dcat:Catalog")
        distribution = data["dcat:dataset"][0]["dcat:distribution"][0]
        self.assertEqual(
            distribution["dcat:downloadURL"]["@id"], "http://testserver/du-lieu-mo/products.csv"
        )


class OpenDataPermissionTests(OpenDataViewTestCase):
    """Public: every role, and nobody at all, gets the same data; never a draft."""

    def test_it_answers_everyone_the_same(self):
        urls = {
            "opendata:catalog": reverse("opendata:catalog"),
            "opendata:catalog_jsonld": reverse("opendata:catalog_jsonld"),
            "opendata:dataset_csv": reverse("opendata:dataset_csv", args=["products"]),
            "opendata:dataset_json": reverse("opendata:dataset_json", args=["products"]),
        }
        self.assertEqual(set(urls), COVERED_URL_NAMES)
        users = [
            None,
            self.outsider,
            self.commune_b_staff,
            self.commune_a_staff,
            self.manager,
            self.admin,
        ]
        for name, url in urls.items():
            bodies = set()
            for user in users:
                with self.subTest(name, user=user):
                    self.client.logout()
                    if user is not None:
                        self.login(user)
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 200)
                    self.assertNotIn("Bản nháp chưa duyệt", response.content.decode())
                    bodies.add(response.content)
            self.assertEqual(len(bodies), 1, name)
