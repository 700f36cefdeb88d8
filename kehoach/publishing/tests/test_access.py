"""Who drafts, approves and sees publications (kehoach.accounts.access)."""

from kehoach.accounts import access
from kehoach.publishing.models import Publication
from kehoach.publishing.tests.workflow import PublishingCase


class PublishingAccessTests(PublishingCase):
    def test_staff_of_the_unit_and_above_draft(self):
        assert access.can_draft_publication(self.commune_a_staff, self.commune_a)
        assert access.can_draft_publication(self.manager, self.commune_a)
        assert not access.can_draft_publication(self.commune_b_staff, self.commune_a)
        assert not access.can_draft_publication(self.outsider, self.commune_a)

    def test_only_managers_of_the_plans_issuer_and_admins_approve(self):
        assert access.can_approve_publication(self.manager, self.district_plan)
        assert access.can_approve_publication(self.admin, self.district_plan)
        assert not access.can_approve_publication(self.office_staff, self.district_plan)
        assert not access.can_approve_publication(self.commune_a_staff, self.district_plan)
        assert access.can_approve_publication(self.manager, self.commune_a_plan)

    def test_visibility_follows_the_unit_and_the_plan(self):
        pub = self.draft()
        results = Publication.objects.create(
            kind="results", plan=self.commune_b_plan, unit=self.commune_b, title="Kết quả"
        )

        def seen(user):
            q = access.publication_visibility_q(user)
            return set(Publication.objects.filter(q).values_list("pk", flat=True))

        assert seen(self.commune_a_staff) == {pub.pk}
        assert seen(self.commune_b_staff) == {results.pk}
        assert seen(self.manager) == {pub.pk, results.pk}
        assert seen(self.office_staff) == set()
        assert seen(self.outsider) == set()
        assert seen(self.admin) == {pub.pk, results.pk}

    def test_the_approval_filter_matches_can_approve(self):
        pub = self.draft()
        commune_b = Publication.objects.create(
            kind="results", plan=self.commune_b_plan, unit=self.commune_b, title="Kết quả"
        )
        for user in (self.manager, self.admin, self.commune_a_staff, self.outsider):
            approvable = set(
                Publication.objects.filter(access.publication_approval_q(user)).values_list(
                    "pk", flat=True
                )
            )
            expected = {
                p.pk for p in (pub, commune_b) if access.can_approve_publication(user, p.plan)
            }
            assert approvable == expected, user
