"""The API's permission matrix: every operation, as every role, on commune A's objects.

Rules (accounts.access): objects a user cannot see answer 404; objects they see but may not
change answer 403; nothing is written either way. The last test makes sure every operation of the
OpenAPI schema is in the matrix, so a new endpoint cannot be added without its permission test.
"""

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model

from kehoach.accounts.models import ApiToken
from kehoach.accounts.services import api_token_create
from kehoach.activities.models import Attachment, Record, VisualCampaign
from kehoach.activities.services import target_rule_set
from kehoach.activities.testing import make_record
from kehoach.api import api
from kehoach.monitoring.bulletins import bulletin_issue
from kehoach.monitoring.models import (
    Article,
    ClaimMatch,
    FactCheck,
    MonitoringBulletin,
    Review,
    Source,
    Story,
)
from kehoach.monitoring.tests.reviewing import make_article, make_source, make_story
from kehoach.monitoring.tests.test_review import CLAIM_REVIEW_PAGE
from kehoach.people.models import Person
from kehoach.plans.models import Assignment, Plan, ReportingDuty, Target, Task, TaskEvent, UnitScope
from kehoach.publishing.models import Publication, PublicationEvent
from kehoach.publishing.services import (
    publication_approve,
    publication_create,
    publication_withdraw,
)
from kehoach.reports.models import Report, ReportEvent, ReportPeriod
from kehoach.reports.services import periods_generate, report_open, report_submit
from kehoach.testing import KehoachTestCase

ROLES = ("anonymous", "outsider", "commune_b_staff", "commune_a_staff", "manager", "admin")


def statuses(*codes: int) -> dict[str, int]:
    """Expected status codes, in the order of ROLES."""
    return dict(zip(ROLES, codes, strict=True))


# Lists answer everyone signed in; what they contain is checked in test_api.py.
LIST = statuses(401, 200, 200, 200, 200, 200)
# Commune A's own objects: invisible to the outsider and to commune B.
READ_A = statuses(401, 404, 404, 200, 200, 200)
# Commune A's plan: commune A staff read it but only plan managers edit it.
EDIT_A_PLAN = statuses(401, 404, 404, 403, 200, 200)
CREATE_IN_A_PLAN = statuses(401, 404, 404, 403, 201, 201)
# A unit named in the body that the user cannot read is reported as unknown (422), like 999999.
CREATE_PERSON_IN_A = statuses(401, 422, 422, 201, 201, 201)
CREATE_RECORD_IN_A = CREATE_PERSON_IN_A
DELETE_A = statuses(401, 404, 404, 204, 204, 204)
ADD_TO_A = statuses(401, 404, 404, 201, 201, 201)
# Commune A's report goes to the district: commune A staff read it, the district reviews it.
REVIEW_A = statuses(401, 404, 404, 403, 200, 200)
# Fact-checks are shared; those who keep a news source (here: commune A's) enter them.
KEEPS_A_SOURCE = statuses(401, 403, 403, 201, 201, 201)
PUBLIC = statuses(200, 200, 200, 200, 200, 200)  # open data: anyone reads what is public
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # as in the OpenAPI schema
    expected: dict[str, int]
    params: Callable[[Any], dict[str, int | str]] = lambda t: {}
    body: Callable[[Any], dict[str, Any]] | None = None
    # What an allowed request answers with; refusals are always JSON.
    content_type: str = "application/json"


CASES = [
    Case("GET", "/api/me", LIST),
    Case("GET", "/api/units", LIST),
    Case("GET", "/api/units/{unit_id}", READ_A, lambda t: {"unit_id": t.commune_a.pk}),
    Case("GET", "/api/people", LIST),
    Case(
        "POST",
        "/api/people",
        CREATE_PERSON_IN_A,
        body=lambda t: {
            "full_name": "Nguyễn Thị Mai",
            "position": "Phó Chủ tịch UBND xã",
            "unit_id": t.commune_a.pk,
        },
    ),
    Case("GET", "/api/people/{person_id}", READ_A, lambda t: {"person_id": t.commune_a_person.pk}),
    Case(
        "PATCH",
        "/api/people/{person_id}",
        READ_A,
        lambda t: {"person_id": t.commune_a_person.pk},
        body=lambda t: {"position": "Chủ tịch UBND xã"},
    ),
    Case(
        "GET",
        "/api/people/{person_id}/export",
        READ_A,
        lambda t: {"person_id": t.commune_a_person.pk},
    ),
    Case(
        "POST",
        "/api/people/{person_id}/erase",
        READ_A,
        lambda t: {"person_id": t.commune_a_person.pk},
        body=lambda t: {},
    ),
    Case("GET", "/api/plans", LIST),
    Case("GET", "/api/plans/{plan_id}", READ_A, lambda t: {"plan_id": t.commune_a_plan.pk}),
    Case("GET", "/api/plans/{plan_id}/tasks", READ_A, lambda t: {"plan_id": t.commune_a_plan.pk}),
    Case(
        "POST",
        "/api/plans/{plan_id}/tasks",
        CREATE_IN_A_PLAN,
        lambda t: {"plan_id": t.commune_a_plan.pk},
        body=lambda t: {"title": "Treo băng rôn tuyên truyền tại nhà văn hóa thôn"},
    ),
    Case("GET", "/api/tasks/{task_id}", READ_A, lambda t: {"task_id": t.commune_a_task.pk}),
    Case(
        "PATCH",
        "/api/tasks/{task_id}",
        EDIT_A_PLAN,
        lambda t: {"task_id": t.commune_a_task.pk},
        body=lambda t: {"details": "Phát 3 buổi mỗi tuần"},
    ),
    # Commune A's staff change the status of their own plan's tasks; editing stays with managers.
    Case(
        "POST",
        "/api/tasks/{task_id}/status",
        READ_A,
        lambda t: {"task_id": t.commune_a_task.pk},
        body=lambda t: {"status": "in_progress", "note": "Đã phát 2 buổi"},
    ),
    # Records belong to commune A: its staff and those above write them; others never see them.
    Case("GET", "/api/records", LIST),
    Case(
        "POST",
        "/api/records",
        CREATE_RECORD_IN_A,
        body=lambda t: {
            "kind": "visual",
            "unit_id": t.commune_a.pk,
            "date": "2024-05-19",
            "title": "Treo băng rôn tại nhà văn hóa thôn Phú Tân",
            "task_ids": [t.commune_a_task.pk],
            "detail": {"item": "banner", "quantity": 6, "location": "Thôn Phú Tân"},
        },
    ),
    Case("GET", "/api/records/{record_id}", READ_A, lambda t: {"record_id": t.commune_a_record.pk}),
    Case(
        "PATCH",
        "/api/records/{record_id}",
        READ_A,
        lambda t: {"record_id": t.commune_a_record.pk},
        body=lambda t: {"title": "Bài viết về quyền trẻ em (đã sửa)"},
    ),
    Case(
        "DELETE",
        "/api/records/{record_id}",
        DELETE_A,
        lambda t: {"record_id": t.commune_a_record.pk},
    ),
    Case(
        "POST",
        "/api/records/{record_id}/attachments",
        ADD_TO_A,
        lambda t: {"record_id": t.commune_a_record.pk},
        body=lambda t: {"url": "https://tamxuan1.nuithanh.gov.vn/tin-tuc/bai-viet"},
    ),
    Case(
        "GET",
        "/api/targets/{target_id}/progress",
        READ_A,
        lambda t: {"target_id": t.commune_a_target.pk},
    ),
    Case(
        "GET",
        "/api/targets/{target_id}/members",
        READ_A,
        lambda t: {"target_id": t.commune_a_target.pk},
    ),
    Case(
        "GET", "/api/tasks/{task_id}/progress", READ_A, lambda t: {"task_id": t.commune_a_task.pk}
    ),
    # Commune A reports quarterly on its own plan to the district: a draft for the first quarter,
    # a submitted report for the second, none yet for the third.
    Case("GET", "/api/reports/periods", LIST),
    Case(
        "GET",
        "/api/reports/periods/{period_id}/completeness",
        REVIEW_A,
        lambda t: {"period_id": t.commune_a_quarters[0].pk},
    ),
    Case(
        "POST",
        "/api/reports/periods/{period_id}/units/{unit_id}/open",
        ADD_TO_A,
        lambda t: {"period_id": t.commune_a_quarters[2].pk, "unit_id": t.commune_a.pk},
    ),
    Case("GET", "/api/reports/{report_id}", READ_A, lambda t: {"report_id": t.commune_a_draft.pk}),
    Case(
        "PUT",
        "/api/reports/{report_id}",
        READ_A,
        lambda t: {"report_id": t.commune_a_draft.pk},
        body=lambda t: {"version": 1, "results": "Phát 8 buổi trên loa truyền thanh thôn."},
    ),
    Case(
        "POST",
        "/api/reports/{report_id}/submit",
        READ_A,
        lambda t: {"report_id": t.commune_a_draft.pk},
    ),
    Case(
        "POST",
        "/api/reports/{report_id}/return",
        REVIEW_A,
        lambda t: {"report_id": t.commune_a_submitted.pk},
        body=lambda t: {"comment": "Đề nghị bổ sung số liệu phát sóng."},
    ),
    Case(
        "POST",
        "/api/reports/{report_id}/accept",
        REVIEW_A,
        lambda t: {"report_id": t.commune_a_submitted.pk},
    ),
    Case(
        "GET",
        "/api/reports/{report_id}/export.{fmt}",
        READ_A,
        lambda t: {"report_id": t.commune_a_draft.pk, "fmt": "xlsx"},
        content_type=XLSX,
    ),
    # Monitoring: commune A keeps a news source; what it brought is reached through it.
    Case("GET", "/api/monitoring/sources", LIST),
    Case(
        "POST",
        "/api/monitoring/sources",
        CREATE_PERSON_IN_A,
        body=lambda t: {
            "unit_id": t.commune_a.pk,
            "name": "Báo Quảng Nam – Xã hội",
            "kind": "feed",
            "url": "https://baoquangnam.vn/rss/xa-hoi.rss",
        },
    ),
    Case(
        "GET",
        "/api/monitoring/sources/{source_id}",
        READ_A,
        lambda t: {"source_id": t.commune_a_source.pk},
    ),
    Case("GET", "/api/monitoring/queue", LIST),
    Case(
        "GET",
        "/api/monitoring/stories/{story_id}",
        READ_A,
        lambda t: {"story_id": t.commune_a_story.pk},
    ),
    Case(
        "POST",
        "/api/monitoring/stories/{story_id}/reviews",
        ADD_TO_A,
        lambda t: {"story_id": t.commune_a_story.pk},
        body=lambda t: {"decision": "relevant", "themes": ["T1"]},
    ),
    Case(
        "GET",
        "/api/monitoring/articles/{article_id}",
        READ_A,
        lambda t: {"article_id": t.commune_a_article.pk},
    ),
    Case(
        "POST",
        "/api/monitoring/matches/{match_id}/reviews",
        ADD_TO_A,
        lambda t: {"match_id": t.commune_a_match.pk},
        body=lambda t: {"decision": "answered", "note": "Đã cải chính trên loa truyền thanh xã."},
    ),
    Case("GET", "/api/monitoring/fact-checks", LIST),
    Case(
        "POST",
        "/api/monitoring/fact-checks",
        KEEPS_A_SOURCE,
        body=lambda t: {"claim": "Xã Tam Xuân I cắt trợ cấp người khuyết tật", "verdict": "false"},
    ),
    Case(
        "POST",
        "/api/monitoring/fact-checks/import",
        KEEPS_A_SOURCE,
        body=lambda t: {"document": CLAIM_REVIEW_PAGE},
    ),
    Case(
        "POST",
        "/api/monitoring/plans/{plan_id}/bulletins",
        ADD_TO_A,
        lambda t: {"plan_id": t.commune_a_plan.pk},
        body=lambda t: {
            "kind": "weekly",
            "start": "2024-06-09",
            "end": "2024-06-15",
            "task_id": t.commune_a_task.pk,
        },
    ),
    Case(
        "GET",
        "/api/monitoring/bulletins/{bulletin_id}",
        READ_A,
        lambda t: {"bulletin_id": t.commune_a_bulletin.pk},
    ),
    # Publishing (kehoach/publishing/api.py): commune A's product publications on commune A's
    # plan. Commune A's staff draft; the plan's managers (here: the district's) approve.
    # Open data (kehoach/publishing/api_opendata.py): no sign-in.
    Case("GET", "/api/open-data/catalog", PUBLIC),
    Case("GET", "/api/open-data/datasets/{name}", PUBLIC, lambda t: {"name": "products"}),
    Case("GET", "/api/publishing/publications", LIST),
    Case(
        "POST",
        "/api/publishing/publications",
        CREATE_RECORD_IN_A,
        body=lambda t: {"record_id": t.commune_a_unpublished.pk},
    ),
    Case(
        "GET",
        "/api/publishing/publications/{publication_id}",
        READ_A,
        lambda t: {"publication_id": t.commune_a_publication.pk},
    ),
    Case(
        "PATCH",
        "/api/publishing/publications/{publication_id}",
        READ_A,
        lambda t: {"publication_id": t.commune_a_publication.pk},
        body=lambda t: {"title_en": "Children's rights on the commune radio"},
    ),
    Case(
        "POST",
        "/api/publishing/publications/{publication_id}/approve",
        EDIT_A_PLAN,
        lambda t: {"publication_id": t.commune_a_publication.pk},
        body=lambda t: {},
    ),
    Case(
        "POST",
        "/api/publishing/publications/{publication_id}/withdraw",
        EDIT_A_PLAN,
        lambda t: {"publication_id": t.commune_a_published.pk},
        body=lambda t: {"reason": "Sai tên người phát biểu"},
    ),
    Case(
        "POST",
        "/api/publishing/publications/{publication_id}/reopen",
        EDIT_A_PLAN,
        lambda t: {"publication_id": t.commune_a_withdrawn.pk},
        body=lambda t: {},
    ),
]


def _snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row an API write could touch."""
    models: tuple[type[Model], ...] = (
        Person,
        Plan,
        Task,
        Assignment,
        TaskEvent,
        Record,
        Attachment,
        VisualCampaign,
        ReportPeriod,
        Report,
        ReportEvent,
        Source,
        Story,
        Review,
        FactCheck,
        MonitoringBulletin,
        Publication,
        PublicationEvent,
    )
    return {m.__name__: list(m._default_manager.order_by("pk").values()) for m in models}


class ApiPermissionMatrixTest(KehoachTestCase):
    commune_a_record: Record
    commune_a_target: Target
    commune_a_quarters: list[ReportPeriod]
    commune_a_draft: Report
    commune_a_submitted: Report
    commune_a_source: Source
    commune_a_story: Story
    commune_a_article: Article
    commune_a_match: ClaimMatch
    commune_a_bulletin: MonitoringBulletin
    commune_a_publication: Publication
    commune_a_published: Publication
    commune_a_withdrawn: Publication
    commune_a_unpublished: Record

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.commune_a_source = make_source(
            unit=cls.commune_a, name="Trang tin xã Tam Xuân I", url="https://tamxuan1.gov.vn/rss"
        )
        cls.commune_a_story = make_story()
        cls.commune_a_article = make_article(source=cls.commune_a_source, story=cls.commune_a_story)
        cls.commune_a_match = ClaimMatch.objects.create(
            article=cls.commune_a_article,
            fact_check=FactCheck.objects.create(
                claim="Xã Tam Xuân I thu phí sinh hoạt tôn giáo", verdict="false"
            ),
            score=0.77,
            strength="strong",
            sentence="Có tin xã Tam Xuân I thu phí sinh hoạt tôn giáo của người dân.",
        )
        cls.commune_a_bulletin = bulletin_issue(
            plan=cls.commune_a_plan,
            kind="daily",
            start=dt.date(2024, 6, 15),
            end=dt.date(2024, 6, 15),
            task=cls.commune_a_task,
            by=None,
        )
        ReportingDuty.objects.create(
            plan=cls.commune_a_plan,
            who_as_written="Công chức Văn hóa - Xã hội",
            who=cls.commune_a,
            who_scope=UnitScope.UNIT,
            what="Báo cáo kết quả tuyên truyền hằng quý",
            due="**-20",
            period="quý",
        )
        cls.commune_a_quarters = periods_generate(plan=cls.commune_a_plan)
        first, second = cls.commune_a_quarters[:2]
        cls.commune_a_draft = report_open(period=first, unit=cls.commune_a, by=None)
        cls.commune_a_submitted = report_submit(
            report=report_open(period=second, unit=cls.commune_a, by=None), by=None
        )
        cls.commune_a_record = make_record(unit=cls.commune_a, tasks=[cls.commune_a_task])
        cls.commune_a_target = Target.objects.create(
            plan=cls.commune_a_plan, text="Mỗi thôn có ít nhất 2 bài viết", value=2
        )
        target_rule_set(target=cls.commune_a_target, kind="record_count", params={})

        def product(title: str) -> Record:
            return make_record(unit=cls.commune_a, tasks=[cls.commune_a_task], title=title)

        cls.commune_a_publication = publication_create(record=cls.commune_a_record, by=None)
        cls.commune_a_published = publication_approve(
            publication_create(record=product("Phát thanh về quyền trẻ em"), by=None), by=None
        )
        cls.commune_a_withdrawn = publication_withdraw(
            publication_approve(
                publication_create(record=product("Áp phích về bình đẳng giới"), by=None),
                by=None,
            ),
            by=None,
            reason="Sai số liệu",
        )
        cls.commune_a_unpublished = product("Tờ rơi về quyền người cao tuổi")

    @contextmanager
    def isolated(self) -> Iterator[None]:
        """Each request of the matrix starts from the same data."""
        with transaction.atomic():
            yield
            transaction.set_rollback(True)

    def call(self, case: Case, role: str):
        self.client.logout()
        if role != "anonymous":
            self.login(getattr(self, role))
        url = case.path.format(**case.params(self))
        body = case.body(self) if case.body is not None else None
        return self.client.generic(
            case.method,
            url,
            data="" if body is None else json.dumps(body),
            content_type="application/json",
        )

    def test_it_answers_each_role_as_the_matrix_says_and_writes_nothing_when_refused(self):
        for case in CASES:
            for role in ROLES:
                with self.subTest(case.method + " " + case.path, role=role), self.isolated():
                    before = _snapshot()
                    response = self.call(case, role)
                    assert response.status_code == case.expected[role], response.content
                    allowed = response.status_code < 400
                    content_type = case.content_type if allowed else "application/json"
                    assert response["Content-Type"].startswith(content_type)
                    if response.status_code >= 400:
                        assert set(response.json()) == {"detail", "errors"}
                        assert response.json()["detail"]
                        assert _snapshot() == before
                    elif case.method != "GET":
                        assert _snapshot() != before, "an accepted write changed nothing"

    def test_it_covers_every_operation_of_the_api(self):
        schema = api.get_openapi_schema()
        operations = {
            (method.upper(), path)
            for path, methods in schema["paths"].items()
            for method in methods
        }
        covered = {(case.method, case.path) for case in CASES}
        assert operations - covered == set(), "API operations without a permission test"
        assert covered - operations == set(), "permission tests for operations that do not exist"


class ApiVisibleButReadOnlyTest(KehoachTestCase):
    """Commune B sees the district plan (it applies to B) but cannot change it: 403."""

    def setUp(self):
        self.login(self.commune_b_staff)

    def test_it_refuses_a_task_added_to_a_plan_the_user_only_reads(self):
        before = _snapshot()
        response = self.client.post(
            f"/api/plans/{self.district_plan.pk}/tasks",
            {"title": "Tổ chức cuộc thi tìm hiểu pháp luật"},
            content_type="application/json",
        )
        assert response.status_code == 403
        assert response.json()["errors"] == []
        assert _snapshot() == before

    def test_it_refuses_a_status_change_of_a_task_another_commune_leads(self):
        before = _snapshot()
        response = self.client.post(
            f"/api/tasks/{self.commune_task.pk}/status",
            {"status": "done", "note": "Đã hoàn thành"},
            content_type="application/json",
        )
        assert response.status_code == 403
        assert _snapshot() == before

    def test_it_refuses_editing_a_district_task_even_for_the_lead_commune(self):
        self.login(self.commune_a_staff)
        before = _snapshot()
        response = self.client.patch(
            f"/api/tasks/{self.commune_task.pk}",
            {"title": "Phát sóng hằng tuần"},
            content_type="application/json",
        )
        assert response.status_code == 403
        assert _snapshot() == before

    def test_it_lets_the_lead_commune_change_the_status_of_its_district_task(self):
        self.login(self.commune_a_staff)
        response = self.client.post(
            f"/api/tasks/{self.commune_task.pk}/status",
            {"status": "in_progress", "note": "Đã phát sóng 4 buổi"},
            content_type="application/json",
        )
        assert response.status_code == 200
        event = TaskEvent.objects.get(task=self.commune_task)
        assert (event.status_to, event.note, event.by) == (
            "in_progress",
            "Đã phát sóng 4 buổi",
            self.commune_a_staff,
        )

    def test_it_refuses_a_record_for_a_unit_the_user_only_reads(self):
        before = _snapshot()
        response = self.client.post(
            "/api/records",
            {
                "kind": "contest",
                "unit_id": self.district.pk,
                "date": "2024-08-01",
                "title": "Tác phẩm dự thi Việt Nam hạnh phúc",
                "task_ids": [self.commune_task.pk],
                "detail": {"contest": "Cuộc thi ảnh và video Việt Nam hạnh phúc"},
            },
            content_type="application/json",
        )
        assert response.status_code == 403
        assert _snapshot() == before

    def test_it_refuses_a_person_in_a_unit_the_user_only_reads(self):
        # The district is above commune B: readable, not writable.
        before = _snapshot()
        response = self.client.post(
            "/api/people",
            {"full_name": "Đỗ Văn Nam", "unit_id": self.district.pk},
            content_type="application/json",
        )
        assert response.status_code == 403
        assert _snapshot() == before

    def test_it_refuses_moving_a_person_into_a_unit_the_user_only_reads(self):
        before = _snapshot()
        response = self.client.patch(
            f"/api/people/{self.commune_b_person.pk}",
            {"unit_id": self.district.pk},
            content_type="application/json",
        )
        assert response.status_code == 403
        assert _snapshot() == before


class ApiTokenPermissionTest(KehoachTestCase):
    """A token carries its user's permissions, no more."""

    def test_a_commune_b_token_cannot_reach_commune_a(self):
        _token, raw = api_token_create(user=self.commune_b_staff, name="Đồng bộ xã Tam Xuân II")
        auth = {"Authorization": f"Bearer {raw}"}
        assert (
            self.client.get(f"/api/plans/{self.commune_a_plan.pk}", headers=auth).status_code == 404
        )
        before = _snapshot()
        response = self.client.post(f"/api/people/{self.commune_a_person.pk}/erase", headers=auth)
        assert response.status_code == 404
        assert _snapshot() == before
        assert ApiToken.objects.get(user=self.commune_b_staff).last_used_at is not None
