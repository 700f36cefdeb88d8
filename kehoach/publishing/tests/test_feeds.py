"""Atom and RSS feeds of public products: all, per plan, per theme, per unit."""

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lxml import etree  # type: ignore[import-untyped]

from kehoach.activities.models import RecordKind
from kehoach.activities.testing import make_record
from kehoach.publishing.models import Publication, PublicationState

from .opendata_builders import make_publication as publish
from .opendata_builders import make_results as publish_results
from .test_views_public import PublicCast, attach

ATOM = "{http://www.w3.org/2005/Atom}"


def atom_entries(content: bytes) -> list[Any]:
    return list(etree.fromstring(content).iter(f"{ATOM}entry"))


def atom_titles(content: bytes) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in atom_entries(content)]


class AllProductsFeedTests(PublicCast):
    def test_the_atom_feed_has_public_products_with_their_audio_as_enclosure(self) -> None:
        response = self.client.get("/cong-khai/atom.xml")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/atom+xml"))
        self.assertEqual(atom_titles(response.content), [self.poster.title, self.radio.title])
        radio = atom_entries(response.content)[1]
        link = radio.find(f"{ATOM}link[@rel='alternate']")
        self.assertEqual(
            link.get("href"), "http://testserver" + reverse("public:product", args=[self.radio.pk])
        )
        enclosures = radio.findall(f"{ATOM}link[@rel='enclosure']")
        self.assertEqual(len(enclosures), 1)
        self.assertEqual(
            enclosures[0].get("href"),
            "http://testserver"
            + reverse("public:file", args=[self.audio.pk, "chuyen-muc-quyen-tre-em.wav"]),
        )
        self.assertEqual(enclosures[0].get("type"), "audio/wav")
        self.assertEqual(enclosures[0].get("length"), str(self.audio.size))
        self.assertEqual(radio.findtext(f"{ATOM}author/{ATOM}name"), self.office.name)
        self.assertEqual(
            [c.get("term") for c in radio.findall(f"{ATOM}category")], ["Công ước quốc tế"]
        )
        self.assertEqual(
            radio.findtext(f"{ATOM}id"), f"tag:kehoach,2024:publication:{self.radio.pk}"
        )

    def test_the_rss_feed_has_the_same_items_and_enclosures(self) -> None:
        response = self.client.get("/cong-khai/rss.xml")
        self.assertTrue(response["Content-Type"].startswith("application/rss+xml"))
        channel = etree.fromstring(response.content).find("channel")
        self.assertEqual(channel.findtext("language"), "vi")
        items = channel.findall("item")
        self.assertEqual(
            [item.findtext("title") for item in items], [self.poster.title, self.radio.title]
        )
        enclosure = items[1].find("enclosure")
        self.assertEqual(enclosure.get("type"), "audio/wav")
        self.assertEqual(enclosure.get("length"), str(self.audio.size))
        self.assertIsNone(items[0].find("enclosure"))  # images and documents are not enclosed

    def test_a_withdrawn_product_leaves_the_feed_at_once(self) -> None:
        Publication.objects.filter(pk=self.radio.pk).update(state=PublicationState.WITHDRAWN)
        content = self.client.get("/cong-khai/atom.xml").content
        self.assertEqual(atom_titles(content), [self.poster.title])
        self.assertNotIn(b"chuyen-muc-quyen-tre-em.wav", content)

    def test_its_queries_do_not_grow_with_the_items(self) -> None:
        self.client.get("/cong-khai/atom.xml")
        with CaptureQueriesContext(connection) as before:
            self.client.get("/cong-khai/atom.xml")
        for number, kind in enumerate(
            [RecordKind.PRODUCT, RecordKind.BROADCAST, RecordKind.PORTAL_POST, RecordKind.CONTEST]
        ):
            record = make_record(
                unit=self.commune_b,
                tasks=[self.commune_b_task],
                kind=kind,
                title=f"Tin số {number}",
            )
            attach(record, f"tin-{number}.mp3", b"ID3" + bytes(30), "audio/mpeg")
            publish(record)
        with self.assertNumQueries(len(before.captured_queries)):
            content = self.client.get("/cong-khai/atom.xml").content
        self.assertEqual(len(atom_entries(content)), 6)

    def test_feeds_are_cached_for_a_minute(self) -> None:
        response = self.client.get("/cong-khai/atom.xml")
        self.assertIn("max-age=60", response["Cache-Control"])
        self.assertIn("public", response["Cache-Control"])


class ScopedFeedTests(PublicCast):
    def test_a_plan_feed_has_the_plans_products(self) -> None:
        other = publish(
            make_record(
                unit=self.commune_a, tasks=[self.commune_a_task], title="Tin của kế hoạch xã"
            )
        )
        content = self.client.get(f"/cong-khai/ke-hoach/{self.commune_a_plan.pk}/atom.xml").content
        self.assertEqual(atom_titles(content), [other.title])
        rss = self.client.get(f"/cong-khai/ke-hoach/{self.district_plan.pk}/rss.xml")
        self.assertEqual(rss.status_code, 200)
        self.assertNotIn(other.title.encode(), rss.content)

    def test_a_plan_with_nothing_public_has_no_feed(self) -> None:
        publish_results(self.commune_b_plan, state=PublicationState.DRAFT)
        for suffix in ("atom.xml", "rss.xml"):
            url = f"/cong-khai/ke-hoach/{self.commune_b_plan.pk}/{suffix}"
            self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.get("/cong-khai/ke-hoach/999999/atom.xml").status_code, 404)

    def test_a_theme_feed_has_the_products_of_the_theme(self) -> None:
        content = self.client.get(f"/cong-khai/chu-de/{self.theme.pk}/atom.xml").content
        self.assertEqual(atom_titles(content), [self.radio.title])
        self.assertEqual(self.client.get("/cong-khai/chu-de/999999/rss.xml").status_code, 404)

    def test_a_unit_feed_takes_the_units_under_it(self) -> None:
        district = self.client.get(f"/cong-khai/don-vi/{self.district.pk}/atom.xml").content
        self.assertEqual(atom_titles(district), [self.poster.title, self.radio.title])
        commune = self.client.get(f"/cong-khai/don-vi/{self.commune_a.pk}/rss.xml").content
        self.assertIn(self.poster.title.encode(), commune)
        self.assertNotIn(self.radio.title.encode(), commune)
        outsider = self.client.get(f"/cong-khai/don-vi/{self.outsider_district.pk}/atom.xml")
        self.assertEqual(outsider.status_code, 404)
