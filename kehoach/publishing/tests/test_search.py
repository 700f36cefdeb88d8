"""Full-text search: Vietnamese with or without diacritics and in either tone placement, every
word required and the last one a prefix, public at query time, scoped records, the index kept in
step with saves and deletes (SQLite FTS5 or PostgreSQL full-text search, whichever runs)."""

import datetime as dt
import io

import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation

from kehoach.activities.models import RecordKind
from kehoach.activities.services import record_delete, record_update
from kehoach.activities.testing import make_record
from kehoach.publishing.models import Publication, PublicationState, SearchDocument, SearchKind
from kehoach.publishing.search import (
    highlight,
    query_terms,
    search_documents,
    search_index_publication,
    search_publications,
    search_rebuild,
    search_records,
)
from kehoach.publishing.tests.opendata_builders import make_publication
from kehoach.testing import KehoachTestCase


class SearchTestCase(KehoachTestCase):
    children: Publication
    radio: Publication
    mediation: Publication
    women: Publication

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.children = make_publication(
            record=make_record(
                unit=cls.office,
                tasks=[cls.office_task],
                title="Bài viết về quyền trẻ em trên bản tin huyện",
            ),
            title_en="Article on children's rights in the district newsletter",
        )
        cls.radio = make_publication(
            record=make_record(
                unit=cls.commune_a,
                tasks=[cls.commune_task],
                kind=RecordKind.BROADCAST,
                title="Chương trình phát thanh: Trẻ em có quyền được bảo vệ",
            ),
            summary="Phát trên loa truyền thanh các thôn của xã Tam Xuân I.",
        )
        # Written with the new tone placement ("hoà"), searched with the old one and back.
        cls.mediation = make_publication(
            record=make_record(
                unit=cls.office, tasks=[cls.office_task], title="Tờ gấp về hoà giải ở cơ sở"
            ),
        )
        cls.women = make_publication(
            record=make_record(
                unit=cls.office, tasks=[cls.office_task], title="Quyền của phụ nữ dân tộc thiểu số"
            ),
        )


class SearchPublicationsTests(SearchTestCase):
    def assertFinds(self, q: str, expected: list[Publication]) -> None:
        self.assertCountEqual(list(search_publications(q)), expected, q)

    def test_it_finds_the_same_products_with_and_without_diacritics(self):
        with_marks = list(search_publications("quyền trẻ em"))
        self.assertCountEqual(with_marks, [self.children, self.radio])
        self.assertCountEqual(list(search_publications("quyen tre em")), with_marks)
        self.assertCountEqual(list(search_publications("QUYỀN TRẺ EM")), with_marks)
        # Decomposed (NFD) input, as pasted from some PDFs and macOS.
        import unicodedata

        self.assertCountEqual(
            list(search_publications(unicodedata.normalize("NFD", "quyền trẻ em"))), with_marks
        )

    def test_it_finds_either_tone_placement(self):
        self.assertFinds("hòa giải", [self.mediation])
        self.assertFinds("hoà giải", [self.mediation])
        self.assertFinds("hoa giai", [self.mediation])

    def test_it_requires_every_word(self):
        self.assertFinds("quyền phụ nữ", [self.women])
        self.assertFinds("quyền trẻ em phụ nữ", [])

    def test_it_takes_the_last_word_as_a_prefix_only(self):
        self.assertFinds("quyen tr", [self.children, self.radio])
        self.assertFinds("tre em bao", [self.radio])
        # Only the last word: "quy" alone is a prefix of "quyen", but not before another word.
        self.assertFinds("quy", [self.children, self.radio, self.women])
        self.assertFinds("quy tre", [])

    def test_it_searches_the_english_title_and_the_summary(self):
        self.assertFinds("children's rights", [self.children])
        self.assertFinds("loa truyen thanh thon", [self.radio])

    def test_it_ranks_closer_matches_first(self):
        focused = make_publication(
            record=make_record(unit=self.office, tasks=[self.office_task], title="Quyền trẻ em"),
            summary="Quyền trẻ em. Trẻ em có quyền được học tập, quyền trẻ em được bảo vệ.",
        )
        self.assertEqual(search_publications("quyen tre em")[0], focused)

    def test_it_shows_only_what_is_public_now(self):
        draft = make_publication(
            record=make_record(
                unit=self.office, tasks=[self.office_task], title="Dự thảo về quyền trẻ em"
            ),
            state=PublicationState.DRAFT,
        )
        withdrawn = make_publication(
            record=make_record(
                unit=self.office, tasks=[self.office_task], title="Tin đã gỡ về quyền trẻ em"
            ),
            state=PublicationState.WITHDRAWN,
            withdrawn_at=timezone.now(),
        )
        self.assertFinds("quyen tre em", [self.children, self.radio])
        # Another queryset (a staff list) sees them too.
        everything = search_publications("quyen tre em", queryset=Publication.objects.all())
        self.assertCountEqual(list(everything), [self.children, self.radio, draft, withdrawn])

    def test_it_finds_a_scheduled_publication_once_its_time_has_come(self):
        at = timezone.now() + dt.timedelta(hours=2)
        scheduled = make_publication(
            record=make_record(
                unit=self.office, tasks=[self.office_task], title="Hội thi tìm hiểu quyền trẻ em"
            ),
            state=PublicationState.APPROVED,
            publish_at=at,
        )
        self.assertFinds("hoi thi", [])
        # No save in between: what is public is decided when searching.
        with time_machine.travel(at + dt.timedelta(minutes=1)):
            self.assertFinds("hoi thi", [scheduled])

    def test_it_drops_a_withdrawn_publication_at_once(self):
        self.children.state = PublicationState.WITHDRAWN
        self.children.withdrawn_at = timezone.now()
        self.children.save()
        self.assertFinds("quyen tre em", [self.radio])

    def test_it_filters_nothing_without_words(self):
        self.assertEqual(search_publications("  ,.- ").count(), 4)
        self.assertEqual(search_documents("").count(), 0)

    def test_it_treats_search_syntax_as_plain_words(self):
        # FTS5 and tsquery operators, quotes and brackets must not raise.
        for q in [
            'quyen OR "tre',
            "quyen AND NOT em",
            "quyen & !tre | (em",
            "NEAR(quyen tre)",
            "*",
        ]:
            list(search_publications(q))
        self.assertFinds('"quyền" trẻ-em', [self.children, self.radio])

    def test_it_follows_edits_of_the_title(self):
        self.women.title = "Quyền của người cao tuổi"
        self.women.save()
        self.assertFinds("phu nu", [])
        self.assertFinds("nguoi cao tuoi", [self.women])
        self.women.refresh_from_db()
        self.assertEqual(self.women.search_key, "quyen cua nguoi cao tuoi")

    def test_it_forgets_a_deleted_publication(self):
        pk = self.radio.pk
        self.radio.delete()
        self.assertFalse(
            SearchDocument.objects.filter(kind=SearchKind.PUBLICATION, object_id=pk).exists()
        )

    def test_it_uses_the_database_full_text_index(self):
        document = search_index_publication(self.children)
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT rowid FROM publishing_searchdocument_fts "
                    "WHERE publishing_searchdocument_fts MATCH 'tre'"
                )
            else:
                cursor.execute(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
                    ["publishing_searchdocument_body_fts"],
                )
                self.assertIn("gin", cursor.fetchone()[0])
                cursor.execute(
                    "SELECT id FROM publishing_searchdocument "
                    "WHERE to_tsvector('simple'::regconfig, body) @@ to_tsquery('simple', 'tre')"
                )
            self.assertIn(document.pk, {row[0] for row in cursor.fetchall()})

    def test_it_ranks_from_one_run_of_the_full_text_query(self):
        # On SQLite "rowid = id AND MATCH" per row took minutes for 17,000 matches; the matches
        # are materialized once instead. PostgreSQL ranks from each row's own body.
        queryset = search_documents("quyen tre em")
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
                self.assertIn("MATERIALIZE fts_match", plan)
            else:
                self.assertIn("ts_rank", sql)
        # Two records and their two publications.
        self.assertEqual(len(queryset), 4)


class SearchRecordsTests(SearchTestCase):
    def test_it_finds_records_the_user_may_see(self):
        office = self.children.record
        commune = self.radio.record
        self.assertCountEqual(
            list(search_records("quyen tre em", user=self.manager)), [office, commune]
        )
        self.assertEqual(list(search_records("quyen tre em", user=self.commune_a_staff)), [commune])
        self.assertEqual(list(search_records("quyen tre em", user=self.outsider)), [])

    def test_it_searches_the_description(self):
        record = make_record(
            unit=self.commune_b, tasks=[self.commune_task], title="Hội nghị tuyên truyền ở thôn"
        )
        record_update(
            record=record, by=self.manager, description="Phổ biến Luật Trẻ em năm 2016 cho 45 hộ."
        )
        self.assertEqual(list(search_records("luat tre em 2016", user=self.manager)), [record])

    def test_it_follows_record_edits_and_deletes(self):
        record = self.women.record
        assert record is not None
        record_update(record=record, by=self.manager, title="Bảo vệ quyền của người khuyết tật")
        self.assertEqual(list(search_records("nguoi khuyet tat", user=self.manager)), [record])
        self.assertEqual(list(search_records("phu nu dan toc", user=self.manager)), [])
        pk = record.pk
        record_delete(record=record, by=self.manager)
        self.assertFalse(SearchDocument.objects.filter(object_id=pk).exists())

    def test_it_rebuilds_the_index(self):
        SearchDocument.objects.all().delete()
        self.assertEqual(list(search_publications("quyen tre em")), [])
        # Four records and four publications.
        self.assertEqual(search_rebuild(batch_size=3), 8)
        self.assertCountEqual(
            list(search_publications("quyen tre em")), [self.children, self.radio]
        )
        self.assertEqual(len(search_records("hoa giai", user=self.admin)), 1)


class QueryTermsTests(KehoachTestCase):
    def test_it_normalises_words(self):
        self.assertEqual(query_terms("Quyền  trẻ em, quyền!"), ["quyen", "tre", "em"])
        self.assertEqual(query_terms("Hoà HÒA hoa"), ["hoa"])
        self.assertEqual(query_terms("đường_làng"), ["duong", "lang"])


class HighlightTests(KehoachTestCase):
    def test_it_marks_matching_words_whatever_their_diacritics(self):
        self.assertEqual(
            highlight("Quyền trẻ em và quyền phụ nữ", "quyen tre"),
            "<mark>Quyền</mark> <mark>trẻ</mark> em và <mark>quyền</mark> phụ nữ",
        )
        self.assertEqual(
            highlight("Tờ gấp hoà giải", "hòa giai"), "Tờ gấp <mark>hoà</mark> <mark>giải</mark>"
        )

    def test_it_escapes_the_text(self):
        self.assertEqual(
            highlight("<b>Trẻ em</b> & gia đình", "tre"),
            "&lt;b&gt;<mark>Trẻ</mark> em&lt;/b&gt; &amp; gia đình",
        )
        self.assertEqual(highlight("<i>x</i>", ""), "&lt;i&gt;x&lt;/i&gt;")


class SearchRebuildCommandTests(SearchTestCase):
    def test_it_rebuilds_the_index_and_says_how_many(self):
        SearchDocument.objects.all().delete()
        out = io.StringIO()
        with translation.override("en"):
            call_command("search_rebuild", stdout=out)
        self.assertEqual(out.getvalue().strip(), "8 documents indexed.")
        self.assertEqual(len(search_publications("hoa giai")), 1)


class PublicProductSearchTests(SearchTestCase):
    """The acceptance: the public products page finds the same products however the words are
    typed (the page itself is tested in test_views_public.py)."""

    def found(self, q: str) -> list[int]:
        response = self.client.get("/cong-khai/san-pham/", {"q": q})
        self.assertEqual(response.status_code, 200)
        return [publication.pk for publication in response.context["page"].object_list]

    def test_it_finds_the_same_products_however_the_words_are_typed(self):
        expected = self.found("quyền trẻ em")
        self.assertCountEqual(expected, [self.children.pk, self.radio.pk])
        for q in ("quyen tre em", "QUYỀN TRẺ EM", "Quyen Tre Em"):
            self.assertEqual(self.found(q), expected, q)
        self.assertEqual(self.found("hoà giải"), [self.mediation.pk])
        self.assertEqual(self.found("hòa giải"), [self.mediation.pk])
