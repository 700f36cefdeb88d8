"""Every monitoring URL, visited as every role: who gets in, who is turned away, and that the
turned away change nothing. The global URL test checks COVERED_URL_NAMES against all URL names.

Rules (kehoach/accounts/access.py): a news source belongs to a unit; its staff and those above
it read what it brought and decide about it; the staff of units below read it. Stories, articles
and claim matches are reached through the sources. Fact-checks are shared: every unit's staff
read them, those who keep a source enter them.
"""

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse

from kehoach.monitoring.bulletins import bulletin_issue
from kehoach.monitoring.models import FactCheck, MonitoringBulletin, Review, Source, Story

from .reviewing import MonitoringTestCase
from .test_review import CLAIM_REVIEW_PAGE

COVERED_URL_NAMES: set[str] = {
    "monitoring:queue",
    "monitoring:story",
    "monitoring:story_review",
    "monitoring:article",
    "monitoring:article_raw",
    "monitoring:match_review",
    "monitoring:sources",
    "monitoring:source_new",
    "monitoring:source",
    "monitoring:source_edit",
    "monitoring:source_deactivate",
    "monitoring:source_activate",
    "monitoring:fact_checks",
    "monitoring:fact_check_new",
    "monitoring:fact_check_import",
    "monitoring:fact_check_edit",
    "monitoring:fact_check_delete",
    "monitoring:bulletins",
    "monitoring:bulletin_new",
    "monitoring:bulletin",
    "monitoring:bulletin_docx",
}

LISTS = {
    "monitoring:queue",
    "monitoring:sources",
    "monitoring:fact_checks",
    "monitoring:bulletins",
}


def snapshot() -> list[Any]:
    return [
        list(Source.objects.order_by("pk").values()),
        list(Story.objects.order_by("pk").values()),
        list(Review.objects.order_by("pk").values()),
        list(FactCheck.objects.order_by("pk").values()),
        list(MonitoringBulletin.objects.order_by("pk").values()),
    ]


class MonitoringPermissionCase(MonitoringTestCase):
    bulletin: MonitoringBulletin

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.bulletin = bulletin_issue(
            plan=cls.district_plan,
            kind="daily",
            start=dt.date(2024, 6, 14),
            end=dt.date(2024, 6, 14),
            task=cls.office_task,
            by=None,
        )

    def every_request(self) -> list[tuple[str, str, str, dict[str, Any]]]:
        source, story, article, match = self.source, self.story, self.article, self.match
        source_data = {
            "unit": self.office.pk,
            "name": "Báo Quảng Nam – Xã hội",
            "kind": "feed",
            "url": "https://baoquangnam.vn/rss/xa-hoi.rss",
            "interval_minutes": 60,
            "max_items": 200,
            "silent_after_days": 7,
        }
        edit_data = {**source_data, "name": "Báo Quảng Nam – Thời sự", "url": source.url}
        fact_check_data = {
            "claim": "Huyện Núi Thành không cho trẻ em khuyết tật đến trường",
            "verdict": "false",
            "lang": "vi",
        }

        def url(name: str, *args: int) -> str:
            return reverse(f"monitoring:{name}", args=args)

        plan, bulletin = self.district_plan.pk, self.bulletin.pk
        fact_check = self.fact_check.pk
        bulletin_data = {
            "kind": "daily",
            "start": "2024-06-15",
            "end": "2024-06-15",
            "task": self.office_task.pk,
            "action": "issue",
        }
        return [
            ("monitoring:queue", "get", url("queue"), {}),
            ("monitoring:bulletins", "get", url("bulletins"), {}),
            ("monitoring:bulletin_new", "get", url("bulletin_new", plan), {}),
            ("monitoring:bulletin_new", "post", url("bulletin_new", plan), bulletin_data),
            ("monitoring:bulletin", "get", url("bulletin", bulletin), {}),
            ("monitoring:bulletin_docx", "get", url("bulletin_docx", bulletin), {}),
            ("monitoring:story", "get", url("story", story.pk), {}),
            (
                "monitoring:story_review",
                "post",
                url("story_review", story.pk),
                {"decision": "relevant", "themes": ["T1"]},
            ),
            ("monitoring:article", "get", url("article", article.pk), {}),
            ("monitoring:article_raw", "get", url("article_raw", article.pk), {}),
            (
                "monitoring:match_review",
                "post",
                url("match_review", match.pk),
                {"decision": "answered", "note": "Đã cải chính trên Cổng TTĐT huyện."},
            ),
            ("monitoring:sources", "get", url("sources"), {}),
            ("monitoring:source_new", "get", url("source_new"), {}),
            ("monitoring:source_new", "post", url("source_new"), source_data),
            ("monitoring:source", "get", url("source", source.pk), {}),
            ("monitoring:source_edit", "get", url("source_edit", source.pk), {}),
            ("monitoring:source_edit", "post", url("source_edit", source.pk), edit_data),
            ("monitoring:source_deactivate", "get", url("source_deactivate", source.pk), {}),
            ("monitoring:source_deactivate", "post", url("source_deactivate", source.pk), {}),
            ("monitoring:source_activate", "post", url("source_activate", source.pk), {}),
            ("monitoring:fact_checks", "get", url("fact_checks"), {}),
            ("monitoring:fact_check_new", "get", url("fact_check_new"), {}),
            ("monitoring:fact_check_new", "post", url("fact_check_new"), fact_check_data),
            ("monitoring:fact_check_import", "get", url("fact_check_import"), {}),
            (
                "monitoring:fact_check_import",
                "post",
                url("fact_check_import"),
                {"document": CLAIM_REVIEW_PAGE},
            ),
            ("monitoring:fact_check_edit", "get", url("fact_check_edit", fact_check), {}),
            (
                "monitoring:fact_check_edit",
                "post",
                url("fact_check_edit", fact_check),
                {**fact_check_data, "claim": self.fact_check.claim, "publisher": "Báo Quảng Nam"},
            ),
            ("monitoring:fact_check_delete", "get", url("fact_check_delete", fact_check), {}),
            ("monitoring:fact_check_delete", "post", url("fact_check_delete", fact_check), {}),
        ]

    def send(self, method: str, url: str, data: dict[str, Any]) -> Any:
        return getattr(self.client, method)(url, data)

    def expect(self, user: User, expected: dict[tuple[str, str], int]) -> None:
        self.login(user)
        for name, method, url, data in self.every_request():
            with self.subTest(user=user.username, name=name, method=method):
                status = self.send(method, url, data).status_code
                assert status == expected[(name, method)], (name, method, status)

    def all(self, status: int) -> dict[tuple[str, str], int]:
        return {(name, method): status for name, method, _u, _d in self.every_request()}


class AnonymousTest(MonitoringPermissionCase):
    def test_it_is_sent_to_sign_in_everywhere(self):
        login = reverse("accounts:login")
        before = snapshot()
        for name, method, url, data in self.every_request():
            with self.subTest(name=name, method=method):
                response = self.send(method, url, data)
                assert response.status_code == 302
                assert response["Location"].startswith(login)
        assert snapshot() == before

    def test_the_matrix_visits_every_covered_url(self):
        assert {name for name, _m, _u, _d in self.every_request()} == COVERED_URL_NAMES


class OutsiderTest(MonitoringPermissionCase):
    def test_nothing_of_another_district_exists(self):
        expected = self.all(404)
        expected |= {(name, "get"): 200 for name in LISTS}
        # Its own district's units: it may add a source there, not for the office (form error).
        expected |= {("monitoring:source_new", "get"): 200, ("monitoring:source_new", "post"): 200}
        # It keeps a source of its own, so it enters fact-checks, which every unit shares.
        expected |= {
            ("monitoring:fact_check_new", "get"): 200,
            ("monitoring:fact_check_new", "post"): 302,
            ("monitoring:fact_check_import", "get"): 200,
            ("monitoring:fact_check_import", "post"): 302,
            ("monitoring:fact_check_edit", "get"): 200,
            ("monitoring:fact_check_edit", "post"): 302,
            # Only whoever entered a fact-check deletes it.
            ("monitoring:fact_check_delete", "get"): 403,
            ("monitoring:fact_check_delete", "post"): 403,
        }
        before = snapshot()
        self.expect(self.outsider, expected)
        after = snapshot()
        assert after[:3] == before[:3]
        assert FactCheck.objects.count() == 4
        assert after[4] == before[4]  # no bulletin


class CommuneStaffTest(MonitoringPermissionCase):
    def test_the_offices_sources_do_not_exist_for_a_commune(self):
        expected = self.all(404)
        expected |= {(name, "get"): 200 for name in LISTS}
        # The district's plan applies to it: it reads the plan's bulletins, and it leads task 2,
        # but keeps no news source under the district, so it does not issue them.
        expected |= {("monitoring:bulletin", "get"): 200, ("monitoring:bulletin_docx", "get"): 200}
        expected |= {("monitoring:bulletin_new", m): 403 for m in ("get", "post")}
        expected |= {("monitoring:source_new", "get"): 200, ("monitoring:source_new", "post"): 200}
        # No news source of its own: it reads fact-checks but does not enter them.
        expected |= {
            ("monitoring:fact_check_new", "get"): 403,
            ("monitoring:fact_check_new", "post"): 403,
            ("monitoring:fact_check_import", "get"): 403,
            ("monitoring:fact_check_import", "post"): 403,
            ("monitoring:fact_check_edit", "get"): 403,
            ("monitoring:fact_check_edit", "post"): 403,
            ("monitoring:fact_check_delete", "get"): 403,
            ("monitoring:fact_check_delete", "post"): 403,
        }
        before = snapshot()
        self.expect(self.commune_a_staff, expected)
        assert snapshot() == before


def everything_allowed() -> dict[tuple[str, str], int]:
    gets = {
        "monitoring:queue",
        "monitoring:story",
        "monitoring:article",
        "monitoring:article_raw",
        "monitoring:sources",
        "monitoring:source_new",
        "monitoring:source",
        "monitoring:source_edit",
        "monitoring:source_deactivate",
        "monitoring:fact_checks",
        "monitoring:fact_check_new",
        "monitoring:fact_check_import",
        "monitoring:fact_check_edit",
        "monitoring:bulletins",
        "monitoring:bulletin_new",
        "monitoring:bulletin",
        "monitoring:bulletin_docx",
    }
    posts = {
        "monitoring:story_review",
        "monitoring:match_review",
        "monitoring:source_new",
        "monitoring:source_edit",
        "monitoring:source_deactivate",
        "monitoring:source_activate",
        "monitoring:fact_check_new",
        "monitoring:fact_check_import",
        "monitoring:fact_check_edit",
        "monitoring:bulletin_new",
    }
    return {(name, "get"): 200 for name in gets} | {(name, "post"): 302 for name in posts}


def fact_check_not_entered_by_them() -> dict[tuple[str, str], int]:
    return {("monitoring:fact_check_delete", m): 403 for m in ("get", "post")}


class ReviewersTest(MonitoringPermissionCase):
    def check(self, user: User) -> None:
        expected = everything_allowed() | fact_check_not_entered_by_them()
        if user.is_superuser or user == self.admin:
            # The administrator may delete it, but reviewers answered one of its matches.
            expected |= {
                ("monitoring:fact_check_delete", "get"): 200,
                ("monitoring:fact_check_delete", "post"): 302,
            }
        self.expect(user, expected)
        assert Review.objects.filter(by=user).count() == 2
        assert Source.objects.filter(name="Báo Quảng Nam – Xã hội").exists()
        self.source.refresh_from_db()
        assert (self.source.name, self.source.active) == ("Báo Quảng Nam – Thời sự", True)
        assert FactCheck.objects.count() == 4
        assert FactCheck.objects.get(pk=self.fact_check.pk).publisher == "Báo Quảng Nam"
        assert MonitoringBulletin.objects.filter(created_by=user).count() == 1

    def test_the_offices_staff_review_and_keep_their_sources(self):
        self.check(self.office_staff)

    def test_the_district_manager_above_the_office_may_too(self):
        self.check(self.manager)

    def test_the_administrator_may_do_everything(self):
        self.check(self.admin)
