"""The audit trail records every change — from the web app, the API, the admin, imports and the
worker — with who, when, the object, its unit and the values before and after."""

import datetime as dt
import json

from django.conf import settings
from django.contrib.auth.models import User
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import translation

from kehoach.accounts.services import api_token_create
from kehoach.activities.models import Attendance, Record, RecordKind
from kehoach.activities.services import record_update
from kehoach.activities.testing import make_record
from kehoach.audit.context import audit_context, audit_source, process_source
from kehoach.audit.models import AuditEntry, Source
from kehoach.audit.registry import MASK
from kehoach.monitoring.models import Decision
from kehoach.monitoring.review import review_record
from kehoach.monitoring.tests.reviewing import make_article, make_source
from kehoach.people.models import Person
from kehoach.people.services import person_erase, person_update
from kehoach.plans.models import Convention
from kehoach.testing import KehoachTestCase

Action = AuditEntry.Action


def entries_of(obj: object) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            content_type__model=type(obj)._meta.model_name,  # type: ignore[attr-defined]
            object_pk=str(obj.pk),  # type: ignore[attr-defined]
        ).order_by("pk")
    )


class WebAppTest(KehoachTestCase):
    def test_a_record_entered_on_the_page_names_the_user_the_unit_and_the_values(self):
        self.login(self.commune_a_staff)
        response = self.client.post(
            reverse("activities:create") + "?kind=broadcast",
            {
                "unit": self.commune_a.pk,
                "date": "2024-03-06",
                "title": "Phát sóng chuyên mục quyền trẻ em trên loa xã Tam Xuân I",
                "tasks": [self.commune_task.pk],
                "station": "Đài Truyền thanh xã Tam Xuân I",
                "first_aired": "2024-03-06",
                "times_aired": "3",
            },
        )
        assert response.status_code == 302
        record = Record.objects.get(title__startswith="Phát sóng chuyên mục")
        created = entries_of(record)[0]
        assert created.action == Action.CREATE
        assert created.actor == self.commune_a_staff
        assert created.source == Source.WEB
        assert created.unit_id == self.commune_a.pk
        assert created.remote_addr == "127.0.0.1"
        assert created.changes["title"] == [
            None,
            "Phát sóng chuyên mục quyền trẻ em trên loa xã Tam Xuân I",
        ]
        # The tasks it serves are recorded as links added to the record.
        linked = [e for e in entries_of(record) if "tasks" in (e.changes or {})]
        assert linked and linked[0].changes["tasks"]["operation"] == "add"

    def test_a_forged_forwarded_address_is_not_believed(self):
        self.login(self.commune_a_staff)
        record = make_record(unit=self.commune_a, tasks=[self.commune_task], title="Tin số 5")
        self.client.post(
            reverse("activities:delete", args=[record.pk]), HTTP_X_FORWARDED_FOR="203.0.113.9"
        )
        assert entries_of(record)[-1].remote_addr == "127.0.0.1"

    def test_an_edit_keeps_the_value_before_and_after(self):
        record = make_record(
            unit=self.commune_a,
            tasks=[self.commune_task],
            title="Tọa đàm về quyền của người khuyết tật",
        )
        with audit_context(source=Source.WEB, actor=self.commune_a_staff):
            record_update(
                record=record,
                by=self.commune_a_staff,
                title="Tọa đàm về Công ước quyền của người khuyết tật",
            )
        update = entries_of(record)[-1]
        assert update.action == Action.UPDATE
        assert update.changes["title"] == [
            "Tọa đàm về quyền của người khuyết tật",
            "Tọa đàm về Công ước quyền của người khuyết tật",
        ]
        assert update.actor == self.commune_a_staff

    def test_a_deletion_is_recorded_with_what_was_deleted(self):
        record = make_record(unit=self.commune_a, tasks=[self.commune_task], title="Pa nô Tam Xuân")
        self.login(self.commune_a_staff)
        response = self.client.post(reverse("activities:delete", args=[record.pk]))
        assert response.status_code == 302
        deleted = entries_of(record)[-1]
        assert deleted.action == Action.DELETE
        assert deleted.actor == self.commune_a_staff
        assert deleted.object_repr.startswith("Pa nô Tam Xuân")


class ApiTest(KehoachTestCase):
    def test_a_change_made_with_a_bearer_token_names_the_tokens_user(self):
        record = make_record(unit=self.commune_a, tasks=[self.commune_task], title="Bản tin số 3")
        _token, raw = api_token_create(user=self.commune_a_staff, name="Phần mềm xã")
        response = self.client.patch(
            f"/api/records/{record.pk}",
            data=json.dumps({"title": "Bản tin số 3 (sửa)"}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
        assert response.status_code == 200, response.content
        update = entries_of(record)[-1]
        assert update.source == Source.API
        assert update.actor == self.commune_a_staff
        assert update.changes["title"] == ["Bản tin số 3", "Bản tin số 3 (sửa)"]


class AdminTest(KehoachTestCase):
    def test_a_change_in_the_admin_is_recorded_as_made_there(self):
        User.objects.filter(pk=self.admin.pk).update(is_staff=True, is_superuser=True)
        self.login(User.objects.get(pk=self.admin.pk))
        convention = Convention.objects.create(
            abbr="CRC",
            name_vi="Công ước về quyền trẻ em",
            name_en="Convention on the Rights of the Child",
        )
        url = reverse("admin:plans_convention_change", args=[convention.pk])
        page = self.client.get(url)
        assert page.status_code == 200
        form = page.context["adminform"].form
        data = {name: form[name].value() for name in form.fields}
        data = {name: "" if value is None else value for name, value in data.items()}
        data["name_vi"] = "Công ước của Liên hợp quốc về quyền trẻ em"
        response = self.client.post(url, data)
        assert response.status_code == 302, response.content
        update = entries_of(convention)[-1]
        assert update.source == Source.ADMIN
        assert update.actor_id == self.admin.pk
        assert update.unit_id is None  # conventions belong to no unit


class ImportAndWorkerTest(KehoachTestCase):
    def test_the_plan_import_is_recorded_as_an_import_by_its_user(self):
        plan_entries = entries_of(self.district_plan)
        assert plan_entries[0].source == Source.IMPORT
        assert plan_entries[0].unit_id == self.district.pk

    def test_a_job_without_a_user_is_recorded_as_the_workers(self):
        with audit_context(source=Source.WORKER):
            record = make_record(unit=self.commune_b, tasks=[self.commune_task], title="Tin số 7")
        created = entries_of(record)[0]
        assert created.actor is None
        assert created.source == Source.WORKER

    def test_outside_a_request_a_creation_is_by_the_author_the_object_names(self):
        record = make_record(
            unit=self.commune_a, tasks=[self.commune_task], title="Tin 13", by=self.commune_a_staff
        )
        created = entries_of(record)[0]
        assert created.actor == self.commune_a_staff
        assert created.source == Source.COMMAND
        # Inside a request the request's user stands, whoever the object names.
        with audit_context(source=Source.WEB, actor=self.manager):
            other = make_record(
                unit=self.commune_a,
                tasks=[self.commune_task],
                title="Tin 14",
                by=self.commune_a_staff,
            )
        assert entries_of(other)[0].actor == self.manager

    def test_the_process_tells_the_source_outside_a_request(self):
        import sys
        from unittest import mock

        with mock.patch.object(sys, "argv", ["kehoach", "worker"]):
            assert process_source() == Source.WORKER
        with mock.patch.object(sys, "argv", ["kehoach", "import-records", "ds.xlsx"]):
            assert process_source() == Source.IMPORT
        with mock.patch.object(sys, "argv", ["kehoach", "demo"]):
            assert process_source() == Source.COMMAND

    def test_an_import_started_from_a_page_keeps_the_pages_user(self):
        with audit_context(source=Source.WEB, actor=self.manager):
            with audit_source(Source.IMPORT):
                record = make_record(unit=self.commune_a, tasks=[self.commune_task], title="Tin 9")
            after = make_record(unit=self.commune_a, tasks=[self.commune_task], title="Tin 10")
        assert entries_of(record)[0].source == Source.IMPORT
        assert entries_of(record)[0].actor == self.manager
        assert entries_of(after)[0].source == Source.WEB


class BulkWritesTest(KehoachTestCase):
    def test_attendees_added_in_bulk_are_each_recorded(self):
        with audit_context(source=Source.WEB, actor=self.commune_a_staff):
            record = make_record(
                unit=self.commune_a,
                tasks=[self.commune_task],
                kind=RecordKind.TRAINING,
                attendees=[self.commune_a_person.pk],
            )
        attendance = Attendance.objects.get(training__record=record)
        created = entries_of(attendance)
        assert [e.action for e in created] == [Action.CREATE]
        assert created[0].actor == self.commune_a_staff
        assert created[0].unit_id == self.commune_a.pk


class PersonalDataTest(KehoachTestCase):
    def test_a_persons_name_and_contacts_are_masked_and_gone_after_erasure(self):
        person = self.commune_a_person
        person_update(person=person, full_name="Lê Thị Hoa", phone="0235 3871 234", duties=[])
        person_erase(person=person)
        texts = [
            json.dumps([e.changes, e.object_repr, e.serialized_data], ensure_ascii=False)
            for e in entries_of(person)
        ]
        assert texts, "the person's changes are recorded"
        for text in texts:
            assert "Hoa" not in text and "3871" not in text
        assert any(MASK in text for text in texts)
        with translation.override(settings.LANGUAGE_CODE):
            label = f"{Person._meta.verbose_name} #{person.pk}"
        assert all(e.object_repr == label for e in entries_of(person))


class ReviewTest(KehoachTestCase):
    def test_a_reviewers_decision_is_recorded_in_the_sources_unit(self):
        source = make_source(unit=self.office)
        article = make_article(source=source)
        review = review_record(by=self.office_staff, article=article, decision=Decision.RELEVANT)
        created = entries_of(review)[0]
        assert created.changes["decision"][1] == Decision.RELEVANT
        assert created.unit_id == self.office.pk


class ImmutableTest(KehoachTestCase):
    def test_the_database_refuses_to_change_or_delete_an_entry(self):
        record = make_record(unit=self.commune_a, tasks=[self.commune_task], title="Tin 11")
        entry = entries_of(record)[0]
        with self.assertRaises(DatabaseError), transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk).update(object_repr="sửa lịch sử")
        with self.assertRaises(DatabaseError), transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk).delete()
        entry.refresh_from_db()
        assert entry.object_repr.startswith("Tin 11")

    def test_deleting_a_user_keeps_their_entries_with_their_email(self):
        user = User.objects.create_user("canbo.tamtra", email="canbo@tamtra.gov.vn")
        with audit_context(source=Source.WEB, actor=user):
            record = make_record(unit=self.commune_a, tasks=[self.commune_task], title="Tin 12")
        user.delete()
        entry = entries_of(record)[0]
        assert entry.actor_id is None
        assert entry.actor_email == "canbo@tamtra.gov.vn"
        assert entry.timestamp <= dt.datetime.now(tz=dt.UTC)
