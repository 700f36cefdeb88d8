"""Writes of records: validation per kind, the product flags, updates, deletes, attachments,
target rules."""

import datetime as dt
import hashlib
import os
import tempfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from kehoach.activities.models import (
    Attendance,
    Broadcast,
    Language,
    Platform,
    Product,
    Record,
    RecordKind,
    RuleKind,
    TargetRule,
)
from kehoach.activities.services import (
    attachment_add,
    product_flags_refresh,
    record_create,
    record_delete,
    record_detail,
    record_update,
    target_rule_set,
)
from kehoach.activities.testing import DEFAULT_DETAIL, make_record
from kehoach.lib.tests.samples import PDF_BYTES, jpeg_bytes, wav_bytes
from kehoach.people.services import person_erase, person_update
from kehoach.plans.models import Target
from kehoach.testing import KehoachTestCase


class RecordCase(KehoachTestCase):
    def setUp(self) -> None:
        super().setUp()
        # These tests read the English msgids; the Vietnamese catalog is checked elsewhere.
        self.enterContext(translation.override("en"))

    def create(self, kind=RecordKind.PRODUCT, **overrides):
        arguments = {
            "kind": kind,
            "unit": self.commune_a,
            "date": dt.date(2024, 5, 10),
            "title": "Phóng sự về quyền của người khuyết tật",
            "by": self.commune_a_staff,
            "tasks": [self.commune_task],
            "detail": dict(DEFAULT_DETAIL.get(kind, {})),
        }
        arguments.update(overrides)
        return record_create(**arguments)

    def assert_refused(self, field, **overrides):
        before = Record.objects.count()
        with self.assertRaises(ValidationError) as caught:
            self.create(**overrides)
        self.assertIn(field, caught.exception.message_dict)
        self.assertEqual(Record.objects.count(), before, "nothing is saved on an error")
        return caught.exception.message_dict[field]


class RecordCreateTests(RecordCase):
    def test_it_creates_a_product_with_its_languages_and_platforms(self):
        record = self.create(
            detail={
                "product_kind": "radio",
                "languages": ["vi", "katu"],
                "platforms": ["radio", "social"],
                "url": "https://www.facebook.com/nuithanh/videos/1",
                "digitised": True,
                "published_online": True,
            },
            themes=[self.theme],
        )
        product = Product.objects.get(record=record)
        self.assertEqual(record.kind, RecordKind.PRODUCT)
        self.assertEqual(record.created_by, self.commune_a_staff)
        self.assertEqual({lang.code for lang in product.languages.all()}, {"vi", "katu"})
        self.assertEqual({p.code for p in product.platforms.all()}, {"radio", "social"})
        self.assertEqual(list(record.tasks.all()), [self.commune_task])
        self.assertEqual(list(record.themes.all()), [self.theme])
        self.assertTrue(product.digitised and product.published_online)

    def test_it_sets_the_product_flags_from_languages_and_platforms(self):
        cases = [
            (["vi"], ["print"], (False, False)),
            (["vi", "katu"], ["print"], (True, False)),
            (["en"], ["radio"], (True, False)),
            (["vi"], ["print", "portal"], (False, True)),
            (["cor"], ["social"], (True, True)),
        ]
        for languages, platforms, flags in cases:
            with self.subTest(languages=languages, platforms=platforms):
                record = self.create(
                    detail={
                        "product_kind": "article",
                        "languages": languages,
                        "platforms": platforms,
                    }
                )
                product = Product.objects.get(record=record)
                self.assertEqual(
                    (product.in_minority_or_foreign_language, product.on_digital_platform), flags
                )

    def test_it_accepts_dates_and_codes_as_text(self):
        record = self.create(
            date="2024-07-02",
            detail={"product_kind": "leaflet", "languages": "vi; katu", "platforms": "print"},
        )
        record.refresh_from_db()
        self.assertEqual(record.date, dt.date(2024, 7, 2))
        self.assertTrue(record.product.in_minority_or_foreign_language)

    def test_it_refuses_unknown_languages_and_platforms(self):
        message = self.assert_refused(
            "languages",
            detail={"product_kind": "article", "languages": ["vi", "klingon"], "platforms": ["x"]},
        )
        self.assertEqual(message, ["Unknown language: klingon."])
        self.assert_refused(
            "platforms",
            detail={"product_kind": "article", "languages": ["vi"], "platforms": ["fax"]},
        )

    def test_it_requires_the_fields_of_each_kind(self):
        required = {
            RecordKind.PRODUCT: {"product_kind", "languages", "platforms"},
            RecordKind.TRAINING: {"training_kind"},
            RecordKind.BROADCAST: {"station", "first_aired"},
            RecordKind.PORTAL_POST: {"url"},
            RecordKind.VISUAL: {"item", "quantity", "location"},
            RecordKind.CONTEST: {"contest"},
            RecordKind.BULLETIN: {"period_start", "period_end"},
        }
        for kind, fields in required.items():
            with self.subTest(kind=kind), self.assertRaises(ValidationError) as caught:
                self.create(kind=kind, detail={})
            self.assertEqual(set(caught.exception.message_dict), fields)
        self.assertFalse(Record.objects.exists())

    def test_it_creates_every_kind(self):
        for kind in RecordKind.values:
            with self.subTest(kind=kind):
                record = self.create(kind=kind)
                self.assertEqual(record.kind, kind)
                self.assertTrue(record_detail(record), "the detail row exists")

    def test_it_requires_a_title_a_date_a_unit_and_an_existing_task(self):
        self.assert_refused("title", title="   ")
        self.assert_refused("date", date=None)
        self.assert_refused("date", date="31/02/2024")
        self.assert_refused("unit", unit=None)
        self.assert_refused("tasks", tasks=[])
        self.assertEqual(self.assert_refused("tasks", tasks=[999999]), ["Unknown task: 999999."])
        self.assert_refused("kind", kind="podcast", detail={})

    def test_it_refuses_fields_of_another_kind(self):
        self.assert_refused(
            "station", detail={**DEFAULT_DETAIL[RecordKind.PRODUCT], "station": "Đài huyện"}
        )

    def test_it_records_attendees_with_the_duties_they_held(self):
        record = self.create(
            kind=RecordKind.TRAINING,
            detail={
                "training_kind": "conference",
                "attendees": [self.office_person.pk, self.commune_a_person, self.office_person.pk],
            },
        )
        rows = Attendance.objects.filter(training__record=record)
        self.assertCountEqual(
            [(a.person, a.duties) for a in rows],
            [
                (self.commune_a_person, "human_rights"),
                (self.office_person, "human_rights,spokesperson"),
            ],
        )

    def test_it_refuses_attendees_who_are_not_people(self):
        erased = person_erase(person=self.commune_b_person)
        message = self.assert_refused(
            "attendees",
            kind=RecordKind.TRAINING,
            detail={"training_kind": "training", "attendees": [self.office_person.pk, 424242]},
        )
        self.assertEqual(message, ["Not in the people registry: 424242."])
        self.assert_refused(
            "attendees",
            kind=RecordKind.TRAINING,
            detail={"training_kind": "training", "attendees": [erased.pk]},
        )

    def test_it_links_a_broadcast_to_a_product_record_only(self):
        product = self.create()
        training = self.create(kind=RecordKind.TRAINING)
        broadcast = self.create(
            kind=RecordKind.BROADCAST,
            detail={
                "product": product.pk,
                "station": "Đài Truyền thanh xã Tam Xuân I",
                "first_aired": "2024-05-10",
                "last_aired": "2024-05-31",
                "times_aired": 12,
            },
        )
        self.assertEqual(Broadcast.objects.get(record=broadcast).product_id, product.pk)
        message = self.assert_refused(
            "product",
            kind=RecordKind.BROADCAST,
            detail={**DEFAULT_DETAIL[RecordKind.BROADCAST], "product": training.pk},
        )
        self.assertEqual(message, [f"Record {training.pk} is not a communication product."])

    def test_it_refuses_a_last_airing_before_the_first(self):
        self.assert_refused(
            "last_aired",
            kind=RecordKind.BROADCAST,
            detail={
                "station": "Đài Truyền thanh xã Tam Xuân II",
                "first_aired": "2024-05-10",
                "last_aired": "2024-05-01",
            },
        )

    def test_it_refuses_quantities_below_one(self):
        self.assert_refused(
            "times_aired",
            kind=RecordKind.BROADCAST,
            detail={**DEFAULT_DETAIL[RecordKind.BROADCAST], "times_aired": 0},
        )
        self.assert_refused(
            "quantity",
            kind=RecordKind.VISUAL,
            detail={**DEFAULT_DETAIL[RecordKind.VISUAL], "quantity": "0"},
        )
        self.assert_refused(
            "quantity",
            kind=RecordKind.VISUAL,
            detail={**DEFAULT_DETAIL[RecordKind.VISUAL], "quantity": "mười"},
        )

    def test_it_refuses_a_bulletin_that_ends_before_it_starts(self):
        self.assert_refused(
            "period_end",
            kind=RecordKind.BULLETIN,
            detail={"period_start": "2024-04-30", "period_end": "2024-04-01"},
        )

    def test_it_refuses_a_link_that_is_not_a_web_address(self):
        self.assert_refused(
            "url", kind=RecordKind.PORTAL_POST, detail={"url": "nuithanh.quangnam.gov.vn"}
        )

    def test_it_refuses_a_spokesperson_not_in_the_registry(self):
        self.assert_refused(
            "spokesperson", kind=RecordKind.BRIEFING, detail={"spokesperson": 987654}
        )


class RecordUpdateTests(RecordCase):
    def test_it_changes_only_the_detail_keys_given(self):
        record = self.create(
            detail={
                "product_kind": "video",
                "languages": ["vi"],
                "platforms": ["television"],
                "url": "https://www.youtube.com/watch?v=quyen-con-nguoi",
            }
        )
        record_update(
            record=record,
            by=self.commune_a_staff,
            title="Video về quyền trẻ em (bản tiếng Cơ Tu)",
            detail={"languages": ["katu"]},
        )
        record = Record.objects.get(pk=record.pk)
        product = record.product
        self.assertEqual(record.title, "Video về quyền trẻ em (bản tiếng Cơ Tu)")
        self.assertEqual(product.product_kind, "video")
        self.assertEqual(product.url, "https://www.youtube.com/watch?v=quyen-con-nguoi")
        self.assertEqual([lang.code for lang in product.languages.all()], ["katu"])
        self.assertTrue(product.in_minority_or_foreign_language)
        self.assertEqual(list(record.tasks.all()), [self.commune_task])

    def test_it_keeps_the_record_as_it_was_on_an_error(self):
        record = self.create(kind=RecordKind.VISUAL)
        with self.assertRaises(ValidationError) as caught:
            record_update(
                record=record, by=None, title="Pa nô mới", detail={"quantity": 0, "location": ""}
            )
        self.assertEqual(set(caught.exception.message_dict), {"quantity", "location"})
        record = Record.objects.get(pk=record.pk)
        self.assertEqual(record.title, "Phóng sự về quyền của người khuyết tật")
        self.assertEqual(record.visual.quantity, 10)

    def test_it_changes_the_kind_with_a_whole_new_detail(self):
        record = self.create()
        with self.assertRaises(ValidationError):
            record_update(record=record, by=None, kind=RecordKind.VISUAL, detail={"quantity": 3})
        record_update(
            record=record,
            by=None,
            kind=RecordKind.VISUAL,
            detail={"item": "panel", "quantity": 3, "location": "Ngã ba Tam Xuân"},
        )
        record = Record.objects.get(pk=record.pk)
        self.assertEqual(record.kind, RecordKind.VISUAL)
        self.assertEqual(record.visual.quantity, 3)
        self.assertFalse(Product.objects.filter(record=record).exists())

    def test_it_moves_a_record_to_other_tasks_and_dates(self):
        record = self.create(kind=RecordKind.BRIEFING)
        record_update(record=record, by=None, tasks=[self.office_task.pk], date=dt.date(2024, 9, 2))
        record = Record.objects.get(pk=record.pk)
        self.assertEqual(list(record.tasks.all()), [self.office_task])
        self.assertEqual(record.date, dt.date(2024, 9, 2))
        self.assertEqual(record.briefing.journalists, 6)

    def test_it_keeps_the_links_to_a_product_it_updates(self):
        product = self.create()
        broadcast = self.create(
            kind=RecordKind.BROADCAST,
            detail={**DEFAULT_DETAIL[RecordKind.BROADCAST], "product": product.pk},
        )
        record_update(record=product, by=None, detail={"platforms": ["radio", "social"]})
        self.assertEqual(Broadcast.objects.get(record=broadcast).product_id, product.pk)
        self.assertTrue(Product.objects.get(record=product).on_digital_platform)

    def test_it_keeps_the_duties_attendees_held_when_recorded(self):
        record = self.create(
            kind=RecordKind.TRAINING,
            detail={"training_kind": "training", "attendees": [self.commune_a_person.pk]},
        )
        person_update(person=self.commune_a_person, duties=["foreign_info"])
        record_update(
            record=record,
            by=None,
            detail={"attendees": [self.commune_a_person.pk, self.commune_b_person.pk]},
        )
        self.assertEqual(
            dict(
                Attendance.objects.filter(training__record=record).values_list(
                    "person_id", "duties"
                )
            ),
            {self.commune_a_person.pk: "human_rights", self.commune_b_person.pk: "human_rights"},
        )
        record_update(record=record, by=None, detail={"attendees": [self.commune_b_person.pk]})
        self.assertEqual(
            list(Attendance.objects.filter(training__record=record).values_list("person_id")),
            [(self.commune_b_person.pk,)],
        )


class RecordDeleteTests(RecordCase):
    def test_it_deletes_the_record_with_its_detail(self):
        record = self.create(
            kind=RecordKind.TRAINING,
            detail={"training_kind": "training", "attendees": [self.office_person]},
        )
        record_delete(record=record, by=self.commune_a_staff)
        self.assertFalse(Record.objects.exists())
        self.assertFalse(Attendance.objects.exists())

    def test_it_keeps_broadcasts_of_a_deleted_product(self):
        product = self.create()
        broadcast = self.create(
            kind=RecordKind.BROADCAST,
            detail={**DEFAULT_DETAIL[RecordKind.BROADCAST], "product": product.pk},
        )
        record_delete(record=product, by=None)
        self.assertIsNone(Broadcast.objects.get(record=broadcast).product_id)


class AttachmentAddTests(RecordCase):
    def test_it_attaches_a_link(self):
        record = self.create()
        attachment = attachment_add(
            record=record, url="https://baoquangnam.vn/bai-viet", caption="Bài đăng trên báo"
        )
        self.assertEqual(list(record.attachments.all()), [attachment])

    def test_it_attaches_a_file(self):
        record = self.create()
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            attachment = attachment_add(
                record=record,
                file=SimpleUploadedFile("anh-hoi-nghi.jpg", jpeg_bytes(), "image/jpeg"),
                caption="Ảnh hội nghị",
            )
            self.assertTrue(attachment.file.name.endswith(".jpg"))
            self.assertEqual(attachment.content_type, "image/jpeg")
            stored = attachment.file.read()
            attachment.file.close()
            self.assertEqual(attachment.size, len(stored))
            self.assertEqual(attachment.sha256, hashlib.sha256(stored).hexdigest())

    def test_it_refuses_a_file_whose_extension_lies_and_stores_nothing(self):
        record = self.create()
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            with self.assertRaises(ValidationError) as caught, translation.override("en"):
                attachment_add(
                    record=record, file=SimpleUploadedFile("tin-tuc.mp3", PDF_BYTES, "audio/mpeg")
                )
            self.assertEqual(
                caught.exception.message_dict["file"],
                ["The file “tin-tuc.mp3” is not an MP3 audio file: its content is a PDF document."],
            )
            self.assertEqual(os.listdir(media), [])
        self.assertFalse(record.attachments.exists())

    @override_settings(KEHOACH_UPLOAD_MAX_BYTES={"audio": 2**20})
    def test_it_refuses_an_oversize_file(self):
        record = self.create()
        big = SimpleUploadedFile("ban-tin.wav", wav_bytes() + b"\0" * 2**20)
        with self.assertRaises(ValidationError) as caught, translation.override("en"):
            attachment_add(record=record, file=big)
        self.assertEqual(
            caught.exception.message_dict["file"],
            ["The file “ban-tin.wav” is too large (1.1 MB): audio files may be at most 1 MB."],
        )
        self.assertFalse(record.attachments.exists())

    def test_it_requires_a_file_or_a_link(self):
        record = self.create()
        with self.assertRaises(ValidationError) as caught:
            attachment_add(record=record, caption="Không có gì")
        self.assertIn("file", caught.exception.message_dict)
        with self.assertRaises(ValidationError) as caught:
            attachment_add(record=record, url="ftp://example.org/a")
        self.assertIn("url", caught.exception.message_dict)
        self.assertFalse(record.attachments.exists())


class ProductFlagsRefreshTests(RecordCase):
    def test_it_follows_a_change_of_language_group_or_platform(self):
        record = make_record(
            unit=self.commune_a, tasks=[self.commune_task], languages=["ko"], platforms=["radio"]
        )
        Language.objects.filter(code="ko").update(group="vi")
        Platform.objects.filter(code="radio").update(digital=True)
        product_flags_refresh()
        product = Product.objects.get(record=record)
        self.assertFalse(product.in_minority_or_foreign_language)
        self.assertTrue(product.on_digital_platform)


class TargetRuleSetTests(KehoachTestCase):
    def setUp(self):
        self.target = Target.objects.create(
            plan=self.district_plan, text="100% cán bộ được tập huấn", value=100
        )

    def test_it_stores_the_rule_with_its_defaults(self):
        rule = target_rule_set(target=self.target, kind=RuleKind.TRAINED_SHARE, params={})
        self.assertEqual(rule.params, {"duties": ["human_rights", "foreign_info"]})
        rule = target_rule_set(
            target=self.target, kind=RuleKind.SPOKESPERSON_SHARE, params={}, explanation=" Ghi chú "
        )
        self.assertEqual(TargetRule.objects.get().kind, RuleKind.SPOKESPERSON_SHARE)
        self.assertEqual(rule.params, {"unit_kinds": ["office"], "require_briefing": True})
        self.assertEqual(rule.explanation, "Ghi chú")

    def test_it_refuses_unknown_kinds_and_parameters(self):
        bad: list[tuple[str, dict[str, object]]] = [
            ("average", {}),
            (RuleKind.PRODUCT_SHARE, {}),
            (RuleKind.PRODUCT_SHARE, {"condition": "printed"}),
            (RuleKind.TRAINED_SHARE, {"duties": ["mayor"]}),
            (RuleKind.SPOKESPERSON_SHARE, {"unit_kinds": ["office"], "colour": "red"}),
            (RuleKind.RECORD_COUNT, {"record_kind": "podcast"}),
        ]
        for kind, params in bad:
            with self.subTest(kind=kind, params=params), self.assertRaises(ValidationError):
                target_rule_set(target=self.target, kind=kind, params=params)
        self.assertFalse(TargetRule.objects.exists())
