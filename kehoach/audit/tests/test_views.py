"""The audit trail's pages: filters, an object's history with its values before and after, in
Vietnamese by default."""

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from django.urls import reverse

from kehoach.activities.models import Record
from kehoach.activities.services import record_update
from kehoach.activities.testing import make_record
from kehoach.audit.context import audit_context
from kehoach.audit.models import Source
from kehoach.testing import KehoachTestCase


class AuditPagesTest(KehoachTestCase):
    record_a: Record
    record_b: Record

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with audit_context(source=Source.WEB, actor=cls.commune_a_staff):
            cls.record_a = make_record(
                unit=cls.commune_a, tasks=[cls.commune_task], title="Pa nô tuyên truyền Tam Xuân I"
            )
            record_update(
                record=cls.record_a,
                by=cls.commune_a_staff,
                title="Pa nô tuyên truyền Công ước tại Tam Xuân I",
            )
        with audit_context(source=Source.API, actor=cls.commune_b_staff):
            cls.record_b = make_record(
                unit=cls.commune_b, tasks=[cls.commune_task], title="Bản tin Tam Xuân II"
            )

    def setUp(self) -> None:
        self.login(self.manager)

    def reprs(self, query: str) -> list[str]:
        response = self.client.get(reverse("audit:list") + query)
        assert response.status_code == 200
        return [row.entry.object_repr for row in response.context["rows"]]

    def test_the_unit_filter_keeps_the_units_entries(self):
        kind = ContentType.objects.get_for_model(Record)
        assert set(self.reprs(f"?unit={self.commune_b.pk}&kind={kind.pk}")) == {
            "Bản tin Tam Xuân II"
        }
        assert set(self.reprs(f"?unit={self.commune_a.pk}&kind={kind.pk}")) == {
            "Pa nô tuyên truyền Tam Xuân I",  # the entry keeps the name the record had then
            "Pa nô tuyên truyền Công ước tại Tam Xuân I",
        }

    def test_the_filters_by_kind_user_source_and_text(self):
        kind = ContentType.objects.get_for_model(Record)
        assert set(self.reprs(f"?kind={kind.pk}&actor=tamxuan2")) == {"Bản tin Tam Xuân II"}
        assert set(self.reprs(f"?kind={kind.pk}&source=api")) == {"Bản tin Tam Xuân II"}
        assert set(self.reprs(f"?kind={kind.pk}&q=công ước")) == {
            "Pa nô tuyên truyền Công ước tại Tam Xuân I"
        }

    def test_the_date_filter_and_junk_in_filters(self):
        today = dt.date.today()
        assert self.reprs(f"?from={today + dt.timedelta(days=2)}") == []
        assert self.reprs(f"?to={today - dt.timedelta(days=2)}") == []
        assert len(self.reprs("?from=hôm-qua&unit=abc&kind=x&action=9")) > 0

    def test_the_objects_history_shows_before_and_after_in_vietnamese(self):
        kind = ContentType.objects.get_for_model(Record)
        response = self.client.get(reverse("audit:object", args=[kind.pk, self.record_a.pk]))
        page = response.content.decode()
        assert response.status_code == 200
        assert "Lịch sử" in page or "lịch sử" in page
        assert "Pa nô tuyên truyền Tam Xuân I" in page
        assert "Pa nô tuyên truyền Công ước tại Tam Xuân I" in page
        assert "Lê Văn Hùng" in page  # who: the user's full name
        assert "sửa đổi" in page  # the action ("changed"), in Vietnamese
        assert "Tiêu đề" in page  # the field's name, not "title"

    def test_the_kind_filter_names_each_kind_in_the_users_language(self):
        response = self.client.get(reverse("audit:list"))
        labels = dict(response.context["kinds"])
        assert labels[ContentType.objects.get_for_model(Record).pk] == "kết quả thực hiện"

    def test_the_page_reads_in_english_with_the_cookie(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = self.client.get(reverse("audit:list")).content.decode()
        assert "Audit trail" in page and "Before" in page

    @override_settings(KEHOACH_PAGE_SIZE=2)
    def test_the_pages_keep_the_filters(self):
        kind = ContentType.objects.get_for_model(Record)
        response = self.client.get(reverse("audit:list") + f"?kind={kind.pk}")
        assert response.context["page"].paginator.num_pages >= 2
        assert f"?kind={kind.pk}&amp;page=2" in response.content.decode()
        second = self.client.get(reverse("audit:list") + f"?kind={kind.pk}&page=2")
        assert all(row.entry.content_type == kind for row in second.context["rows"])

    def test_the_record_page_links_to_its_history(self):
        kind = ContentType.objects.get_for_model(Record)
        page = self.client.get(reverse("activities:detail", args=[self.record_a.pk]))
        assert reverse("audit:object", args=[kind.pk, self.record_a.pk]) in page.content.decode()
