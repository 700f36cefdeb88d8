"""The editorial workflow: draft → approved/published → withdrawn → draft, one event per step,
and what each step refuses."""

import datetime as dt

import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from kehoach.activities.models import RecordKind
from kehoach.activities.testing import make_record
from kehoach.publishing.models import (
    Licence,
    PublicationAction,
    PublicationKind,
    PublicationState,
)
from kehoach.publishing.selectors import public_publications
from kehoach.publishing.services import (
    publication_approve,
    publication_create,
    publication_reopen,
    publication_update,
    publication_withdraw,
    publications_publish_due,
)
from kehoach.publishing.tests.workflow import PublishingCase

NOW = dt.datetime(2024, 7, 1, 9, 0, tzinfo=dt.UTC)


def actions(pub):
    return [(e.action, e.by) for e in pub.events.all()]


@time_machine.travel(NOW, tick=False)
class PublicationCreateTests(PublishingCase):
    def test_a_product_takes_the_records_unit_plan_title_and_description(self):
        record = self.radio_record()
        record.description = "Phát trên loa truyền thanh các thôn."
        record.save()
        pub = publication_create(record=record, by=self.commune_a_staff)
        assert pub.kind == PublicationKind.PRODUCT
        assert pub.state == PublicationState.DRAFT
        assert pub.unit == self.commune_a
        assert pub.plan == self.district_plan
        assert pub.title == "Chương trình phát thanh về quyền trẻ em"
        assert pub.summary == "Phát trên loa truyền thanh các thôn."
        assert pub.licence == Licence.CC_BY_4
        assert pub.created_by == self.commune_a_staff
        assert actions(pub) == [(PublicationAction.CREATED, self.commune_a_staff)]
        assert not public_publications().exists()

    def test_a_radio_broadcast_can_be_published(self):
        record = make_record(
            unit=self.commune_a, tasks=[self.commune_task], kind=RecordKind.BROADCAST
        )
        pub = publication_create(
            record=record, by=self.commune_a_staff, title="Phát sóng  tháng 3 "
        )
        assert pub.title == "Phát sóng tháng 3"

    def test_a_training_cannot_be_published(self):
        # Its attendees are personal data.
        record = make_record(unit=self.office, tasks=[self.office_task], kind=RecordKind.TRAINING)
        with (
            translation.override("en"),
            self.assertRaisesMessage(ValidationError, "cannot be published"),
        ):
            publication_create(record=record, by=self.office_staff)

    def test_a_record_has_one_publication(self):
        pub = self.draft()
        with (
            self.assertRaisesMessage(ValidationError, "already has a publication"),
            translation.override("en"),
        ):
            publication_create(record=pub.record, by=self.manager)

    def test_a_plans_results_page_belongs_to_its_issuer_once(self):
        pub = publication_create(plan=self.district_plan, by=self.manager)
        assert pub.kind == PublicationKind.RESULTS
        assert pub.unit == self.district
        assert pub.title == self.district_plan.title
        with self.assertRaises(ValidationError):
            publication_create(plan=self.district_plan, by=self.manager)

    def test_an_empty_title_and_an_unknown_licence_are_refused(self):
        with self.assertRaises(ValidationError) as caught:
            publication_create(record=self.radio_record(), by=self.manager, title="  ")
        assert "title" in caught.exception.message_dict
        with self.assertRaises(ValidationError) as caught:
            publication_create(
                record=self.radio_record(title="Khác"), by=self.manager, licence="GPL"
            )
        assert "licence" in caught.exception.message_dict


@time_machine.travel(NOW, tick=False)
class PublicationApproveTests(PublishingCase):
    def test_approved_without_a_time_it_is_public_now(self):
        pub = publication_approve(self.draft(), by=self.manager)
        assert pub.state == PublicationState.PUBLISHED
        assert pub.published_at == NOW
        assert list(public_publications()) == [pub]
        assert actions(pub)[1:] == [
            (PublicationAction.APPROVED, self.manager),
            (PublicationAction.PUBLISHED, self.manager),
        ]

    def test_a_past_time_publishes_now(self):
        pub = publication_approve(
            self.draft(), by=self.manager, publish_at=NOW - dt.timedelta(days=1)
        )
        assert pub.state == PublicationState.PUBLISHED
        assert pub.published_at == NOW

    def test_a_future_time_schedules_it(self):
        at = NOW + dt.timedelta(days=2)
        pub = publication_approve(self.draft(), by=self.manager, publish_at=at)
        assert pub.state == PublicationState.APPROVED
        assert pub.publish_at == at
        assert pub.published_at is None
        assert not public_publications().exists()
        assert actions(pub)[-1] == (PublicationAction.SCHEDULED, self.manager)
        # Public from that time on, before the worker has run.
        with time_machine.travel(at + dt.timedelta(seconds=1), tick=False):
            assert list(public_publications()) == [pub]

    def test_a_scheduled_publication_can_be_moved_or_published_now(self):
        pub = self.scheduled(NOW + dt.timedelta(days=2))
        pub = publication_approve(pub, by=self.manager, publish_at=NOW + dt.timedelta(days=5))
        assert pub.publish_at == NOW + dt.timedelta(days=5)
        pub = publication_approve(pub, by=self.manager)
        assert pub.state == PublicationState.PUBLISHED

    def test_a_published_or_withdrawn_publication_cannot_be_approved(self):
        pub = self.published()
        with (
            translation.override("en"),
            self.assertRaisesMessage(ValidationError, "this one is published"),
        ):
            publication_approve(pub, by=self.manager)


@time_machine.travel(NOW, tick=False)
class PublicationWithdrawReopenTests(PublishingCase):
    def test_withdrawn_it_leaves_the_public_site_at_once_with_its_reason(self):
        pub = publication_withdraw(
            self.published(), by=self.manager, reason="Sai tên người phát biểu"
        )
        assert pub.state == PublicationState.WITHDRAWN
        assert pub.withdrawn_at == NOW
        assert pub.withdrawal_reason == "Sai tên người phát biểu"
        assert not public_publications().exists()
        last = pub.events.order_by("-pk")[0]
        assert (last.action, last.by, last.comment) == (
            PublicationAction.WITHDRAWN,
            self.manager,
            "Sai tên người phát biểu",
        )

    def test_a_scheduled_publication_can_be_withdrawn_before_its_time(self):
        at = NOW + dt.timedelta(hours=3)
        pub = publication_withdraw(self.scheduled(at), by=self.manager, reason="Chưa duyệt lại")
        with time_machine.travel(at + dt.timedelta(hours=1), tick=False):
            assert not public_publications().exists()
            assert publications_publish_due() == 0
        pub.refresh_from_db()
        assert pub.state == PublicationState.WITHDRAWN

    def test_a_reason_is_required(self):
        pub = self.published()
        with self.assertRaises(ValidationError) as caught:
            publication_withdraw(pub, by=self.manager, reason="   ")
        assert "reason" in caught.exception.message_dict
        pub.refresh_from_db()
        assert pub.state == PublicationState.PUBLISHED

    def test_a_draft_cannot_be_withdrawn(self):
        with self.assertRaises(ValidationError):
            publication_withdraw(self.draft(), by=self.manager, reason="Không cần")

    def test_reopened_it_is_a_draft_again_and_the_reason_stays_in_the_history(self):
        pub = publication_withdraw(self.published(), by=self.manager, reason="Sai số liệu")
        pub = publication_reopen(pub, by=self.manager)
        assert pub.state == PublicationState.DRAFT
        assert pub.published_at is None
        assert pub.withdrawal_reason == ""
        assert [e.action for e in pub.events.all()] == [
            PublicationAction.CREATED,
            PublicationAction.APPROVED,
            PublicationAction.PUBLISHED,
            PublicationAction.WITHDRAWN,
            PublicationAction.REOPENED,
        ]
        assert pub.events.get(action=PublicationAction.WITHDRAWN).comment == "Sai số liệu"
        with self.assertRaises(ValidationError):
            publication_reopen(pub, by=self.manager)


@time_machine.travel(NOW, tick=False)
class PublicationUpdateTests(PublishingCase):
    def test_a_draft_gets_its_english_translation(self):
        pub = publication_update(
            self.draft(),
            by=self.commune_a_staff,
            title_en="Radio programme on children's rights",
            summary_en="Aired in every hamlet.",
            licence=Licence.CC0,
        )
        assert pub.title_en == "Radio programme on children's rights"
        assert pub.licence == Licence.CC0
        last = pub.events.order_by("-pk")[0]
        assert last.action == PublicationAction.EDITED
        assert last.comment == "title_en, summary_en, licence"

    def test_a_published_correction_keeps_it_public(self):
        pub = publication_update(
            self.published(), by=self.manager, title="Chương trình phát thanh: quyền trẻ em"
        )
        assert pub.state == PublicationState.PUBLISHED
        assert list(public_publications()) == [pub]

    def test_no_change_writes_no_event(self):
        pub = self.draft()
        publication_update(pub, by=self.manager, title=pub.title)
        assert pub.events.count() == 1

    def test_a_withdrawn_publication_must_be_reopened_first(self):
        pub = publication_withdraw(self.published(), by=self.manager, reason="Sai")
        with (
            translation.override("en"),
            self.assertRaisesMessage(ValidationError, "reopen it first"),
        ):
            publication_update(pub, by=self.manager, title="Mới")
