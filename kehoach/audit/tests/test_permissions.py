"""Who reads which part of the audit trail. Entries follow the unit of the object they are
about: a user reads those of their subtrees; entries of no unit (accounts, conventions) only
administrators. The global URL test checks COVERED_URL_NAMES against all URL names."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from kehoach.activities.models import Record
from kehoach.activities.testing import make_record
from kehoach.audit.context import audit_context
from kehoach.audit.models import Source
from kehoach.plans.models import Convention
from kehoach.testing import KehoachTestCase

COVERED_URL_NAMES = {"audit:list", "audit:object"}


class AuditPermissionCase(KehoachTestCase):
    record: Record
    convention: Convention

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with audit_context(source=Source.WEB, actor=cls.commune_a_staff):
            cls.record = make_record(
                unit=cls.commune_a,
                tasks=[cls.commune_task],
                title="Tuyên truyền quyền trẻ em trên loa xã Tam Xuân I",
            )
        with audit_context(source=Source.ADMIN, actor=cls.admin):
            cls.convention = Convention.objects.create(
                abbr="CAT", name_vi="Công ước chống tra tấn", name_en="Convention against Torture"
            )

    def history_url(self, obj: Any) -> str:
        kind = ContentType.objects.get_for_model(type(obj))
        return reverse("audit:object", args=[kind.pk, obj.pk])

    def listed(self) -> set[str]:
        response = self.client.get(reverse("audit:list"))
        assert response.status_code == 200
        return {row.entry.object_repr for row in response.context["rows"]}


class AnonymousTest(AuditPermissionCase):
    def test_it_is_sent_to_sign_in(self):
        for url in [reverse("audit:list"), self.history_url(self.record)]:
            response = self.client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login"))


class CommuneStaffTest(AuditPermissionCase):
    def test_it_reads_its_communes_entries_only(self):
        self.login(self.commune_a_staff)
        listed = self.listed()
        assert self.record.title in listed
        assert str(self.convention) not in listed
        assert self.client.get(self.history_url(self.record)).status_code == 200
        assert self.client.get(self.history_url(self.convention)).status_code == 404

    def test_the_neighbouring_commune_does_not_see_it(self):
        self.login(self.commune_b_staff)
        assert self.record.title not in self.listed()
        assert self.client.get(self.history_url(self.record)).status_code == 404


class ManagerTest(AuditPermissionCase):
    def test_the_district_manager_reads_the_communes_under_it(self):
        self.login(self.manager)
        assert self.record.title in self.listed()
        assert self.client.get(self.history_url(self.record)).status_code == 200


class OutsiderTest(AuditPermissionCase):
    def test_another_district_reads_nothing_of_it(self):
        self.login(self.outsider)
        assert self.record.title not in self.listed()
        assert self.client.get(self.history_url(self.record)).status_code == 404


class AdminTest(AuditPermissionCase):
    def test_the_administrator_reads_everything_including_entries_of_no_unit(self):
        self.login(self.admin)
        listed = self.listed()
        assert {self.record.title, str(self.convention)} <= listed
        assert self.client.get(self.history_url(self.convention)).status_code == 200

    def test_a_kind_that_is_not_audited_does_not_exist(self):
        self.login(self.admin)
        kind = ContentType.objects.get(app_label="sessions", model="session")
        url = reverse("audit:object", args=[kind.pk, "1"])
        assert self.client.get(url).status_code == 404
        assert Record.objects.filter(pk=self.record.pk).exists()
