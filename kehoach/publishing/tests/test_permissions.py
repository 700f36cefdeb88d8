"""Every staff page of publishing, visited as every role: who gets in, who is turned away, and
that the turned away change nothing. kehoach/tests/test_url_coverage.py checks
COVERED_URL_NAMES against all URL names.

Rules (kehoach/accounts/access.py): a publication exists for the staff of its unit and of its
plan's issuer (404 for others); the unit's staff draft, the plan's managers approve, withdraw and
reopen (403 for the unit's staff)."""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from kehoach.activities.testing import make_record
from kehoach.publishing.files import public_file_url
from kehoach.publishing.models import Publication, PublicationEvent
from kehoach.publishing.services import (
    publication_approve,
    publication_create,
    publication_withdraw,
)
from kehoach.publishing.tests.test_permissions_public import (
    COVERED_URL_NAMES as PUBLIC_URL_NAMES,
)
from kehoach.publishing.tests.test_views_opendata import (
    COVERED_URL_NAMES as OPENDATA_URL_NAMES,
)
from kehoach.publishing.tests.test_views_search import COVERED_URL_NAMES as SEARCH_URL_NAMES
from kehoach.publishing.tests.workflow import PublishingCase

# Staff pages (helper A); the public, open-data and search pages add theirs to this set.
STAFF_URL_NAMES = {
    "publishing:list",
    "publishing:create",
    "publishing:detail",
    "publishing:edit",
    "publishing:approve",
    "publishing:withdraw",
    "publishing:reopen",
}
COVERED_URL_NAMES: set[str] = set(STAFF_URL_NAMES)

ROLES = ("anonymous", "outsider", "commune_b_staff", "commune_a_staff", "manager", "admin")
LOGIN = "login"  # a redirect to the sign-in page


def expect(*codes: int | str) -> dict[str, int | str]:
    return dict(zip(ROLES, codes, strict=True))


LIST = expect(LOGIN, 200, 200, 200, 200, 200)
READ = expect(LOGIN, 404, 404, 200, 200, 200)
DRAFT = expect(LOGIN, 404, 404, 302, 302, 302)
APPROVE_PAGE = expect(LOGIN, 404, 404, 403, 200, 200)
APPROVE = expect(LOGIN, 404, 404, 403, 302, 302)


def snapshot() -> list[Any]:
    return [
        list(Publication.objects.order_by("pk").values()),
        list(PublicationEvent.objects.order_by("pk").values()),
    ]


class StaffPagePermissionTests(PublishingCase):
    def setUp(self):
        def product(title):
            return make_record(unit=self.commune_a, tasks=[self.commune_task], title=title)

        self.draft_pub = publication_create(record=product("Bài viết về quyền trẻ em"), by=None)
        self.published_pub = publication_approve(
            publication_create(record=product("Phát thanh về bình đẳng giới"), by=None), by=None
        )
        self.withdrawn_pub = publication_withdraw(
            publication_approve(
                publication_create(record=product("Áp phích về người khuyết tật"), by=None),
                by=None,
            ),
            by=None,
            reason="Sai số liệu",
        )
        self.unpublished = product("Tờ rơi về quyền người cao tuổi")

    def cases(self) -> list[tuple[str, str, str, dict[str, Any], dict[str, int | str]]]:
        texts = {
            "title": "Bài viết đã sửa",
            "summary": "",
            "title_en": "",
            "summary_en": "",
            "licence": "CC-BY-4.0",
        }
        draft, published, withdrawn = (
            self.draft_pub.pk,
            self.published_pub.pk,
            self.withdrawn_pub.pk,
        )
        create = reverse("publishing:create") + f"?record={self.unpublished.pk}"
        return [
            ("publishing:list", "get", reverse("publishing:list"), {}, LIST),
            ("publishing:create", "get", create, {}, READ),
            ("publishing:create", "post", create, texts, DRAFT),
            ("publishing:detail", "get", reverse("publishing:detail", args=[draft]), {}, READ),
            ("publishing:edit", "get", reverse("publishing:edit", args=[draft]), {}, READ),
            ("publishing:edit", "post", reverse("publishing:edit", args=[draft]), texts, DRAFT),
            (
                "publishing:approve",
                "post",
                reverse("publishing:approve", args=[draft]),
                {"action": "now"},
                APPROVE,
            ),
            (
                "publishing:withdraw",
                "get",
                reverse("publishing:withdraw", args=[published]),
                {},
                APPROVE_PAGE,
            ),
            (
                "publishing:withdraw",
                "post",
                reverse("publishing:withdraw", args=[published]),
                {"reason": "Sai tên"},
                APPROVE,
            ),
            (
                "publishing:reopen",
                "post",
                reverse("publishing:reopen", args=[withdrawn]),
                {},
                APPROVE,
            ),
        ]

    def test_every_role_gets_what_the_rules_say_and_the_refused_change_nothing(self):
        seen = set()
        for name, method, url, data, expected in self.cases():
            seen.add(name)
            for role in ROLES:
                with self.subTest(name=name, method=method, role=role):
                    self.client.logout()
                    if role != "anonymous":
                        self.login(getattr(self, role))
                    with transaction.atomic():  # each request starts from the same data
                        self.check(method, url, data, expected[role])
                        transaction.set_rollback(True)
        assert seen == STAFF_URL_NAMES

    def check(self, method: str, url: str, data: dict[str, Any], want: int | str) -> None:
        before = snapshot()
        response = getattr(self.client, method)(url, data)
        if want == LOGIN:
            assert response.status_code == 302
            assert response["Location"].startswith(reverse(settings.LOGIN_URL))
        else:
            assert response.status_code == want, response
        if want in (LOGIN, 403, 404):
            assert snapshot() == before
        elif method == "post":
            assert snapshot() != before, "an accepted write changed nothing"


class PublicFilePermissionTests(PublishingCase):
    """A product's file at its public address: everyone while it is public, nobody otherwise
    (signed-in staff included: they reach the file from the record's page)."""

    def test_every_role_gets_a_public_file_and_nobody_a_drafts(self):
        draft_record, public_record = self.radio_record(), self.radio_record(title="Bản tin")
        draft_file, public_file = self.audio(draft_record), self.audio(public_record)
        self.draft(draft_record)
        self.published(public_record)
        for role in ROLES:
            with self.subTest(role=role):
                self.client.logout()
                if role != "anonymous":
                    self.login(getattr(self, role))
                assert self.client.get(public_file_url(public_file)).status_code == 200
                assert self.client.get(public_file_url(draft_file)).status_code == 404


COVERED_URL_NAMES.add("public:file")

# The public, open-data and search pages are checked in their own modules.
COVERED_URL_NAMES |= PUBLIC_URL_NAMES | OPENDATA_URL_NAMES | SEARCH_URL_NAMES
