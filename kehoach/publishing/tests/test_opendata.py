"""Open data: the rows of the products, activities and targets datasets, only from what is public
now; CSV and DCAT forms; who is named publisher."""

import csv
import datetime as dt
import io

from django.utils import timezone

from kehoach.activities.models import Attachment, Record, RecordKind
from kehoach.activities.services import record_create, target_rule_set
from kehoach.activities.testing import make_record
from kehoach.plans.models import Convention, Target
from kehoach.publishing import opendata
from kehoach.publishing.models import Licence, Publication, PublicationState
from kehoach.publishing.tests.opendata_builders import make_publication, make_results
from kehoach.testing import KehoachTestCase

AS_OF = dt.date(2024, 6, 15)


def absolute(path: str) -> str:
    return "https://kehoach.nuithanh.gov.vn" + path


class OpenDataTestCase(KehoachTestCase):
    radio_record: Record
    radio: Publication
    article: Publication

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.radio_record = make_record(
            unit=cls.commune_a,
            tasks=[cls.commune_task],
            title="Chương trình phát thanh về quyền trẻ em",
            date=dt.date(2024, 3, 5),
            product_kind="radio",
            languages=["vi"],
            platforms=["radio"],
        )
        cls.radio_record.themes.set([cls.theme])
        crc = Convention.objects.create(
            abbr="CRC",
            name_vi="Công ước về quyền trẻ em",
            name_en="Convention on the Rights of the Child",
        )
        cls.radio_record.conventions.set([crc])
        Attachment.objects.create(
            record=cls.radio_record,
            file="records/2024/03/chuong-trinh-quyen-tre-em.mp3",
            caption="Bản ghi chương trình",
            content_type="audio/mpeg",
            size=48000,
        )
        Attachment.objects.create(
            record=cls.radio_record, url="https://www.facebook.com/tamxuan1/videos/1"
        )
        cls.radio = make_publication(
            record=cls.radio_record,
            title_en="Radio programme on children's rights",
            summary="Phát trên loa truyền thanh 12 thôn.",
            licence=Licence.CC0,
        )
        cls.article = make_publication(
            record=make_record(
                unit=cls.office,
                tasks=[cls.office_task],
                title="Bài viết về Công ước về quyền của người khuyết tật",
                date=dt.date(2024, 4, 20),
            ),
            published_at=timezone.now() - dt.timedelta(days=1),
        )


class ProductRowsTests(OpenDataTestCase):
    def test_it_describes_each_public_product(self):
        rows = opendata.product_rows(absolute=absolute)
        self.assertEqual([row["id"] for row in rows], [self.radio.pk, self.article.pk])
        row = rows[0]
        self.assertEqual(row["title"], "Chương trình phát thanh về quyền trẻ em")
        self.assertEqual(row["title_en"], "Radio programme on children's rights")
        self.assertEqual(row["date"], "2024-03-05")
        self.assertEqual(row["unit"], "Xã Tam Xuân I")
        self.assertEqual(row["plan_id"], self.district_plan.pk)
        self.assertEqual(row["record_kind"], RecordKind.PRODUCT)
        self.assertEqual(row["product_kind"], "radio")
        self.assertEqual(row["languages"], ["vi"])
        self.assertEqual(row["platforms"], ["radio"])
        self.assertEqual(row["themes"], ["Công ước quốc tế"])
        self.assertEqual(row["conventions"], ["CRC"])
        self.assertEqual(row["links"], ["https://www.facebook.com/tamxuan1/videos/1"])
        self.assertEqual(
            row["page_url"], f"https://kehoach.nuithanh.gov.vn/cong-khai/san-pham/{self.radio.pk}/"
        )
        attachment = self.radio_record.attachments.get(url="")
        self.assertEqual(
            row["file_urls"],
            [
                "https://kehoach.nuithanh.gov.vn/cong-khai/tep/"
                f"{attachment.pk}/chuong-trinh-quyen-tre-em.mp3"
            ],
        )
        self.assertEqual(row["licence"], "CC0-1.0")
        self.assertEqual(row["licence_url"], "https://creativecommons.org/publicdomain/zero/1.0/")

    def test_it_leaves_out_what_is_not_public_now(self):
        def product(title: str, **fields: object) -> Publication:
            record = make_record(unit=self.office, tasks=[self.office_task], title=title)
            return make_publication(record=record, **fields)  # type: ignore[arg-type]

        product("Bản nháp", state=PublicationState.DRAFT)
        product("Đã gỡ", state=PublicationState.WITHDRAWN)
        product(
            "Hẹn giờ ngày mai",
            state=PublicationState.APPROVED,
            publish_at=timezone.now() + dt.timedelta(days=1),
        )
        due = product(
            "Hẹn giờ đã đến",
            state=PublicationState.APPROVED,
            publish_at=timezone.now() - dt.timedelta(minutes=5),
        )
        ids = {row["id"] for row in opendata.product_rows()}
        self.assertEqual(ids, {self.radio.pk, self.article.pk, due.pk})

    def test_it_drops_a_withdrawn_product_at_once(self):
        self.radio.state = PublicationState.WITHDRAWN
        self.radio.withdrawn_at = timezone.now()
        self.radio.save()
        self.assertEqual([row["id"] for row in opendata.product_rows()], [self.article.pk])

    def test_it_takes_the_kind_and_languages_of_the_product_a_broadcast_aired(self):
        broadcast = make_record(
            unit=self.commune_a,
            tasks=[self.commune_task],
            kind=RecordKind.BROADCAST,
            title="Phát sóng chương trình quyền trẻ em",
            product=self.radio_record.pk,
        )
        publication = make_publication(record=broadcast)
        row = next(r for r in opendata.product_rows() if r["id"] == publication.pk)
        self.assertEqual(row["record_kind"], RecordKind.BROADCAST)
        self.assertEqual(row["product_kind"], "radio")
        self.assertEqual(row["languages"], ["vi"])
        self.assertEqual(row["file_urls"], [])

    def test_it_filters_by_plan(self):
        other = make_publication(
            record=make_record(
                unit=self.commune_a, tasks=[self.commune_a_task], title="Tin của xã Tam Xuân I"
            )
        )
        rows = opendata.product_rows(plan=self.commune_a_plan)
        self.assertEqual([row["id"] for row in rows], [other.pk])


class ActivityRowsTests(OpenDataTestCase):
    def test_it_counts_records_only_of_plans_with_public_results(self):
        self.assertEqual(opendata.activity_rows(), [])
        make_results(plan=self.district_plan)
        rows = opendata.activity_rows()
        self.assertEqual(
            [(r["task_id"], r["unit"], r["record_kind"], r["month"], r["records"]) for r in rows],
            [
                (
                    self.office_task.pk,
                    "Phòng Văn hóa và Thông tin huyện Núi Thành",
                    "product",
                    "2024-04",
                    1,
                ),
                (self.commune_task.pk, "Xã Tam Xuân I", "product", "2024-03", 1),
            ],
        )
        self.assertEqual(rows[0]["plan"], self.district_plan.title)
        self.assertEqual(rows[0]["task_number"], "1")

    def test_it_counts_per_month_and_kind_and_keeps_names_of_people_out(self):
        make_results(plan=self.district_plan)
        for day in ("2024-05-02", "2024-05-28", "2024-06-03"):
            record_create(
                kind=RecordKind.TRAINING,
                unit=self.commune_a,
                date=day,
                title="Tập huấn về quyền con người cho cán bộ thôn",
                by=None,
                tasks=[self.commune_task],
                detail={
                    "training_kind": "training",
                    "attendees": [self.commune_a_person.pk],
                },
            )
        rows = [r for r in opendata.activity_rows() if r["record_kind"] == "training"]
        self.assertEqual(
            [(r["month"], r["records"]) for r in rows], [("2024-05", 2), ("2024-06", 1)]
        )
        text = opendata.csv_text(opendata.ACTIVITIES, opendata.activity_rows())
        self.assertNotIn("Lê Văn Hùng", text)
        self.assertNotIn("Tập huấn", text)

    def test_it_forgets_a_plan_whose_results_are_withdrawn(self):
        results = make_results(plan=self.district_plan)
        results.state = PublicationState.WITHDRAWN
        results.save()
        self.assertEqual(opendata.activity_rows(), [])
        self.assertEqual(opendata.target_rows(as_of=AS_OF), [])


class TargetRowsTests(OpenDataTestCase):
    def test_it_gives_each_computed_target_with_its_progress(self):
        target = Target.objects.create(
            plan=self.district_plan,
            text="Ít nhất 4 sản phẩm truyền thông được số hóa",
            value=4,
            unit_of_measure="sản phẩm",
            deadline=dt.date(2024, 12, 31),
        )
        target_rule_set(target=target, kind="record_count", params={})
        Target.objects.create(plan=self.district_plan, text="Không có cách tính", value=1)
        self.assertEqual(opendata.target_rows(as_of=AS_OF), [])
        make_results(plan=self.district_plan)
        rows = opendata.target_rows(as_of=AS_OF)
        self.assertEqual(len(rows), 1)
        row = rows[0]
        self.assertEqual(row["target_id"], target.pk)
        self.assertEqual(row["goal"], 4)
        self.assertEqual(row["value"], 2)
        self.assertEqual(row["progress"], 50)
        self.assertEqual(row["unit_of_measure"], "sản phẩm")
        self.assertFalse(row["is_share"])
        self.assertEqual(row["deadline"], "2024-12-31")
        self.assertEqual(row["as_of"], "2024-06-15")
        self.assertIn(row["status"], {"on_track", "behind"})


class CsvTests(OpenDataTestCase):
    def test_it_writes_a_header_of_keys_lists_and_plain_utf8(self):
        text = opendata.csv_text(opendata.PRODUCTS, opendata.product_rows(absolute=absolute))
        self.assertFalse(text.startswith("\ufeff"))
        reader = list(csv.DictReader(io.StringIO(text)))
        self.assertEqual(list(reader[0]), opendata.PRODUCTS.keys)
        self.assertEqual(reader[0]["title"], "Chương trình phát thanh về quyền trẻ em")
        self.assertEqual(reader[1]["themes"], "")
        self.assertEqual(reader[0]["themes"], "Công ước quốc tế")

    def test_it_joins_lists_and_neutralises_formulas(self):
        rows = [
            {
                "id": 1,
                "title": '=HYPERLINK("http://x")',
                "languages": ["vi", "km"],
                "title_en": None,
            }
        ]
        line = opendata.csv_text(opendata.PRODUCTS, rows).splitlines()[1]
        self.assertTrue(line.startswith('1,,,"\'=HYPERLINK(""http://x"")",,'))
        self.assertIn(",vi; km,", line)


class CatalogTests(OpenDataTestCase):
    def test_it_describes_the_datasets_in_dcat(self):
        make_results(plan=self.district_plan)
        data = opendata.catalog_jsonld(absolute=absolute)
        self.assertEqual(data["@type"], "dcat:Catalog")
        self.assertEqual(
            data["dct:license"], {"@id": "https://creativecommons.org/licenses/by/4.0/"}
        )
        names = [d["dct:identifier"] for d in data["dcat:dataset"]]
        self.assertEqual(names, ["products", "activities", "targets"])
        products = data["dcat:dataset"][0]
        self.assertEqual(products["@type"], "dcat:Dataset")
        self.assertEqual(products["dct:publisher"]["foaf:name"], "Huyện Núi Thành")
        self.assertEqual(
            products["dct:language"], {"@id": "http://id.loc.gov/vocabulary/iso639-1/vi"}
        )
        self.assertIn("dct:modified", products)
        downloads = [d["dcat:downloadURL"]["@id"] for d in products["dcat:distribution"]]
        self.assertEqual(
            downloads,
            [
                "https://kehoach.nuithanh.gov.vn/du-lieu-mo/products.csv",
                "https://kehoach.nuithanh.gov.vn/du-lieu-mo/products.json",
            ],
        )
        self.assertEqual(
            [d["dcat:mediaType"]["@id"].rsplit("/", 2)[-2:] for d in products["dcat:distribution"]],
            [["text", "csv"], ["application", "json"]],
        )

    def test_it_names_the_lowest_unit_above_every_publisher(self):
        make_publication(
            record=make_record(unit=self.commune_a, tasks=[self.commune_a_task], title="Tin xã A")
        )
        make_publication(
            record=make_record(unit=self.commune_b, tasks=[self.commune_b_task], title="Tin xã B")
        )
        self.assertEqual(opendata.dataset_publisher("products"), self.district)
        self.assertEqual(
            opendata.dataset_publisher("products", plan=self.commune_b_plan), self.commune_b
        )
        self.assertIsNone(opendata.dataset_publisher("targets"))

    def test_it_counts_rows_and_dates_each_dataset(self):
        make_results(plan=self.district_plan)
        infos = {info.dataset.name: info for info in opendata.catalog()}
        self.assertEqual(infos["products"].rows, 2)
        self.assertEqual(infos["activities"].rows, len(opendata.activity_rows()))
        self.assertEqual(infos["targets"].rows, 0)
        self.assertEqual(infos["products"].modified, self.article.updated_at)
        self.assertIsNotNone(infos["activities"].modified)
        self.assertEqual(infos["products"].csv_url, "/du-lieu-mo/products.csv")
        plan_infos = opendata.catalog(plan=self.district_plan)
        self.assertEqual(
            plan_infos[0].csv_url, f"/du-lieu-mo/products.csv?ke-hoach={self.district_plan.pk}"
        )
        self.assertEqual(
            plan_infos[0].api_url,
            f"/api/open-data/datasets/products?plan_id={self.district_plan.pk}",
        )

    def test_it_lists_plans_with_anything_public(self):
        self.assertEqual(list(opendata.public_plans()), [self.district_plan])
        make_results(plan=self.commune_b_plan, state=PublicationState.DRAFT)
        self.assertEqual(list(opendata.public_plans()), [self.district_plan])


class ModifiedTests(OpenDataTestCase):
    def test_it_dates_a_withdrawal_as_a_change(self):
        self.assertEqual(opendata.dataset_modified("products"), self.article.updated_at)
        # Withdrawn without touching updated_at: the rows left are all older than the change.
        withdrawn = timezone.now()
        Publication.objects.filter(pk=self.radio.pk).update(
            state=PublicationState.WITHDRAWN, withdrawn_at=withdrawn
        )
        self.assertEqual(opendata.dataset_modified("products"), withdrawn)
        self.assertIsNone(opendata.dataset_modified("products", plan=self.commune_a_plan))

    def test_it_ignores_a_scheduled_time_still_to_come(self):
        make_publication(
            record=make_record(unit=self.office, tasks=[self.office_task], title="Hẹn giờ"),
            state=PublicationState.APPROVED,
            publish_at=timezone.now() + dt.timedelta(days=2),
        )
        self.assertEqual(opendata.dataset_modified("products"), self.article.updated_at)

    def test_it_dates_activities_by_their_records_and_results_page(self):
        self.assertIsNone(opendata.dataset_modified("activities"))
        results = make_results(plan=self.district_plan)
        modified = opendata.dataset_modified("targets")
        self.assertEqual(modified, results.updated_at)
