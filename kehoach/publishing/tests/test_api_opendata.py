"""Open data API: the catalogue and the datasets as JSON, without signing in, only what is
public."""

from django.utils import timezone

from kehoach.activities.testing import make_record
from kehoach.publishing.models import Publication, PublicationState
from kehoach.publishing.tests.opendata_builders import make_publication, make_results
from kehoach.testing import KehoachTestCase


class OpenDataApiTests(KehoachTestCase):
    radio: Publication

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.radio = make_publication(
            record=make_record(
                unit=cls.commune_a,
                tasks=[cls.commune_task],
                title="Chương trình phát thanh về quyền trẻ em",
            )
        )
        make_publication(
            record=make_record(unit=cls.office, tasks=[cls.office_task], title="Bản nháp"),
            state=PublicationState.DRAFT,
        )

    def test_it_serves_the_catalogue_without_signing_in(self):
        response = self.client.get("/api/open-data/catalog")
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(data["@type"], "dcat:Catalog")
        self.assertEqual(
            [d["dct:identifier"] for d in data["dcat:dataset"]],
            ["products", "activities", "targets"],
        )

    def test_it_serves_a_dataset_as_in_its_file(self):
        data = self.client.get("/api/open-data/datasets/products").json()
        self.assertEqual(
            [row["title"] for row in data["rows"]], ["Chương trình phát thanh về quyền trẻ em"]
        )
        self.assertEqual(data, self.client.get("/du-lieu-mo/products.json").json())

    def test_it_drops_a_withdrawn_product_at_once(self):
        self.radio.state = PublicationState.WITHDRAWN
        self.radio.withdrawn_at = timezone.now()
        self.radio.save()
        self.assertEqual(self.client.get("/api/open-data/datasets/products").json()["rows"], [])

    def test_it_filters_by_a_plan_with_something_public(self):
        make_results(plan=self.district_plan)
        url = f"/api/open-data/datasets/activities?plan_id={self.district_plan.pk}"
        rows = self.client.get(url).json()["rows"]
        self.assertEqual({row["plan_id"] for row in rows}, {self.district_plan.pk})
        response = self.client.get(
            f"/api/open-data/datasets/products?plan_id={self.commune_b_plan.pk}"
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(set(response.json()), {"detail", "errors"})

    def test_it_answers_404_for_an_unknown_dataset(self):
        response = self.client.get("/api/open-data/datasets/people")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["detail"], "Không tìm thấy.")
