"""Staff pages of publishing: the flow from a record's page to a public product and back,
what each role may do, the list's filters."""

import datetime as dt

import time_machine
from django.urls import reverse

from kehoach.activities.models import RecordKind
from kehoach.activities.testing import make_record
from kehoach.publishing.models import Publication, PublicationAction, PublicationState
from kehoach.publishing.selectors import public_publications
from kehoach.publishing.services import publication_create, publication_withdraw
from kehoach.publishing.tests.workflow import PublishingCase

NOW = dt.datetime(2024, 7, 1, 9, 0, tzinfo=dt.UTC)


class StaffCase(PublishingCase):
    def setUp(self):
        self.client.cookies["django_language"] = "en"


class PublishFromTheRecordTests(StaffCase):
    def test_the_record_page_offers_to_publish_a_product(self):
        record = self.radio_record()
        self.login(self.commune_a_staff)
        page = self.client.get(reverse("activities:detail", args=[record.pk])).content.decode()
        assert f'href="{reverse("publishing:create")}?record={record.pk}"' in page
        assert 'id="publish-record"' in page
        assert "Publish this product" in page

    def test_a_training_record_offers_nothing(self):
        record = make_record(unit=self.office, tasks=[self.office_task], kind=RecordKind.TRAINING)
        self.login(self.office_staff)
        page = self.client.get(reverse("activities:detail", args=[record.pk])).content.decode()
        assert 'id="publish-record"' not in page

    def test_the_whole_flow_draft_approve_withdraw_reopen(self):
        record = self.radio_record()
        self.audio(record)
        self.login(self.manager)
        create_url = reverse("publishing:create") + f"?record={record.pk}"
        form = self.client.get(create_url)
        assert form.context["form"].initial["title"] == record.title
        response = self.client.post(
            create_url,
            {
                "record": record.pk,
                "title": "Chương trình phát thanh về quyền trẻ em",
                "summary": "Phát trên loa các thôn.",
                "title_en": "Radio programme on children's rights",
                "summary_en": "",
                "licence": "CC-BY-4.0",
            },
        )
        pub = Publication.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("publishing:detail", args=[pub.pk])
        assert pub.state == PublicationState.DRAFT
        assert pub.title_en == "Radio programme on children's rights"

        detail = self.client.get(reverse("publishing:detail", args=[pub.pk])).content.decode()
        assert 'id="approve-now"' in detail
        assert "Approve and publish now" in detail

        self.client.post(reverse("publishing:approve", args=[pub.pk]), {"action": "now"})
        pub.refresh_from_db()
        assert pub.state == PublicationState.PUBLISHED
        detail = self.client.get(reverse("publishing:detail", args=[pub.pk])).content.decode()
        assert reverse("public:product", args=[pub.pk]) in detail
        assert 'id="withdraw-publication"' in detail

        confirm = self.client.get(reverse("publishing:withdraw", args=[pub.pk]))
        assert "It disappears at once" in confirm.content.decode()
        refused = self.client.post(reverse("publishing:withdraw", args=[pub.pk]), {"reason": ""})
        assert "reason" in refused.context["form"].errors
        self.client.post(
            reverse("publishing:withdraw", args=[pub.pk]), {"reason": "Sai tên người phát biểu"}
        )
        pub.refresh_from_db()
        assert pub.state == PublicationState.WITHDRAWN
        assert not public_publications().exists()
        detail = self.client.get(reverse("publishing:detail", args=[pub.pk])).content.decode()
        assert "Sai tên người phát biểu" in detail

        self.client.post(reverse("publishing:reopen", args=[pub.pk]))
        pub.refresh_from_db()
        assert pub.state == PublicationState.DRAFT
        assert [e.action for e in pub.events.all()] == [
            PublicationAction.CREATED,
            PublicationAction.APPROVED,
            PublicationAction.PUBLISHED,
            PublicationAction.WITHDRAWN,
            PublicationAction.REOPENED,
        ]
        record_page = self.client.get(reverse("activities:detail", args=[record.pk]))
        assert 'id="record-publication"' in record_page.content.decode()

    def test_a_training_record_cannot_be_published_by_url_either(self):
        record = make_record(unit=self.office, tasks=[self.office_task], kind=RecordKind.TRAINING)
        self.login(self.office_staff)
        url = reverse("publishing:create") + f"?record={record.pk}"
        assert self.client.get(url).status_code == 403

    def test_a_draft_cannot_be_withdrawn(self):
        pub = self.draft()
        self.login(self.manager)
        response = self.client.get(reverse("publishing:withdraw", args=[pub.pk]))
        assert response["Location"] == reverse("publishing:detail", args=[pub.pk])

    def test_a_second_create_goes_to_the_existing_publication(self):
        pub = self.draft()
        self.login(self.commune_a_staff)
        response = self.client.get(reverse("publishing:create") + f"?record={pub.record_id}")
        assert response["Location"] == reverse("publishing:detail", args=[pub.pk])

    def test_staff_of_another_commune_cannot_publish_the_record(self):
        record = self.radio_record()
        self.login(self.commune_b_staff)
        assert (
            self.client.get(reverse("publishing:create") + f"?record={record.pk}").status_code
            == 404
        )

    @time_machine.travel(NOW, tick=False)
    def test_approval_for_a_later_time_schedules_it(self):
        pub = self.draft()
        self.login(self.manager)
        self.client.post(
            reverse("publishing:approve", args=[pub.pk]),
            {"action": "schedule", "publish_at": "2024-07-02T08:00"},
        )
        pub.refresh_from_db()
        assert pub.state == PublicationState.APPROVED
        assert pub.publish_at is not None
        assert pub.publish_at.date() == dt.date(2024, 7, 2)

    @time_machine.travel(NOW, tick=False)
    def test_a_past_schedule_time_is_refused_with_a_message(self):
        pub = self.draft()
        self.login(self.manager)
        response = self.client.post(
            reverse("publishing:approve", args=[pub.pk]),
            {"action": "schedule", "publish_at": "2024-06-01T08:00"},
            follow=True,
        )
        assert "The time has passed" in response.content.decode()
        pub.refresh_from_db()
        assert pub.state == PublicationState.DRAFT


class PermissionTests(StaffCase):
    def test_the_records_staff_draft_but_do_not_approve(self):
        pub = self.draft()
        self.login(self.commune_a_staff)
        page = self.client.get(reverse("publishing:detail", args=[pub.pk])).content.decode()
        assert 'id="approve-now"' not in page
        assert 'id="edit-publication"' in page
        assert (
            self.client.post(
                reverse("publishing:approve", args=[pub.pk]), {"action": "now"}
            ).status_code
            == 403
        )
        pub.refresh_from_db()
        assert pub.state == PublicationState.DRAFT

    def test_after_approval_only_managers_edit(self):
        pub = self.published()
        self.login(self.commune_a_staff)
        assert self.client.get(reverse("publishing:edit", args=[pub.pk])).status_code == 403
        assert self.client.get(reverse("publishing:withdraw", args=[pub.pk])).status_code == 403
        self.login(self.manager)
        response = self.client.post(
            reverse("publishing:edit", args=[pub.pk]),
            {
                "title": "Tên mới",
                "summary": "",
                "title_en": "",
                "summary_en": "",
                "licence": "CC0-1.0",
            },
        )
        assert response.status_code == 302
        pub.refresh_from_db()
        assert (pub.title, pub.state) == ("Tên mới", PublicationState.PUBLISHED)

    def test_outsiders_do_not_see_it(self):
        pub = self.draft()
        for user in (self.outsider, self.commune_b_staff, self.office_staff):
            self.login(user)
            assert self.client.get(reverse("publishing:detail", args=[pub.pk])).status_code == 404
            assert self.client.post(reverse("publishing:reopen", args=[pub.pk])).status_code == 404

    def test_anonymous_users_are_sent_to_sign_in(self):
        response = self.client.get(reverse("publishing:list"))
        assert response.status_code == 302

    def test_a_plans_results_page_is_made_by_its_managers(self):
        url = reverse("publishing:create") + f"?plan={self.district_plan.pk}"
        self.login(self.office_staff)
        assert self.client.get(url).status_code == 403
        self.login(self.manager)
        response = self.client.post(
            url,
            {
                "plan": self.district_plan.pk,
                "title": "Kết quả thực hiện kế hoạch 125",
                "summary": "",
                "title_en": "",
                "summary_en": "",
                "licence": "CC-BY-4.0",
            },
        )
        assert response.status_code == 302
        assert Publication.objects.get().kind == "results"


class ListTests(StaffCase):
    def setUp(self):
        super().setUp()
        self.radio = self.published()
        self.poster = publication_create(
            record=self.radio_record(title="Áp phích quyền trẻ em ở Tam Xuân II"),
            by=self.manager,
        )
        other = make_record(
            unit=self.commune_b, tasks=[self.commune_b_task], title="Pa nô về bình đẳng giới"
        )
        self.other = publication_create(record=other, by=self.commune_b_staff)
        publication_withdraw(self.radio, by=self.manager, reason="Sai")

    def titles(self, query=""):
        response = self.client.get(reverse("publishing:list") + query)
        assert response.status_code == 200
        return sorted(p.title for p in response.context["page"].object_list)

    def test_each_user_sees_their_units_and_plans(self):
        self.login(self.manager)
        assert len(self.titles()) == 3
        self.login(self.commune_b_staff)
        assert self.titles() == ["Pa nô về bình đẳng giới"]

    def test_filters_by_state_unit_plan_and_text_without_marks(self):
        self.login(self.manager)
        assert self.titles("?state=withdrawn") == [self.radio.title]
        assert self.titles(f"?unit={self.commune_b.pk}") == ["Pa nô về bình đẳng giới"]
        assert self.titles(f"?plan={self.commune_b_plan.pk}") == ["Pa nô về bình đẳng giới"]
        assert self.titles("?q=ap phich tre em") == ["Áp phích quyền trẻ em ở Tam Xuân II"]
        assert self.titles("?kind=results") == []

    def test_managers_are_offered_the_plans_without_a_results_page(self):
        self.login(self.manager)
        response = self.client.get(reverse("publishing:list"))
        plans = response.context["results_plans"]
        assert self.district_plan in plans
        assert self.commune_b_plan in plans
        publication_create(plan=self.district_plan, by=self.manager)
        response = self.client.get(reverse("publishing:list"))
        assert self.district_plan not in response.context["results_plans"]
        self.login(self.commune_a_staff)
        assert self.client.get(reverse("publishing:list")).context["results_plans"] == []

    def test_managers_see_how_many_drafts_await_their_approval(self):
        self.login(self.manager)
        assert self.client.get(reverse("publishing:list")).context["awaiting"] == 2
        self.login(self.commune_b_staff)
        response = self.client.get(reverse("publishing:list"))
        assert response.context["awaiting"] == 0
        assert 'id="awaiting-approval"' not in response.content.decode()

    def test_the_list_pages(self):
        self.login(self.manager)
        with self.settings(KEHOACH_PAGE_SIZE=2):
            response = self.client.get(reverse("publishing:list") + "?page=2")
        assert len(response.context["page"].object_list) == 1
