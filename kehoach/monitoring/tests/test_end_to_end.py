"""Issue 6's acceptance path on the local test site: a source fetched by the worker
(django-tasks' db_worker, as `kehoach worker` runs it), articles extracted and analysed, the
relevant stories in the review queue, a claim match shown with its evidence, a decision kept and
the bulletin exported as .docx.

The pages, services and bulletin know nothing of fetching or analysis; this test joins them."""

import io
from io import StringIO

from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from docx import Document

from kehoach.monitoring.bulletins import bulletin_docx
from kehoach.monitoring.models import (
    Article,
    ClaimMatch,
    FactCheck,
    FetchOutcome,
    FetchRun,
    MonitoringBulletin,
    Review,
    Source,
    SourceKind,
    Verdict,
)
from kehoach.monitoring.services import theme_definitions_seed
from kehoach.monitoring.tasks import fetch_due_sources_task
from kehoach.monitoring.tests.newssite import FAST_FETCHING, STORIES, NewsSiteMixin
from kehoach.testing import KehoachTransactionTestCase

CHILDREN, DISABILITY, TOURISM = STORIES


@override_settings(**FAST_FETCHING)
class EndToEndTest(NewsSiteMixin, KehoachTransactionTestCase):
    def test_from_the_feed_to_the_bulletin(self):
        theme_definitions_seed(plan=self.district_plan)
        # A verified fact-check whose claim an article of the site repeats.
        fact_check = FactCheck.objects.create(
            claim=(
                "Núi Thành trao 25 con bò giống cho các hộ có người khuyết tật thuộc diện hộ "
                "nghèo với tổng kinh phí hơn 300 triệu đồng"
            ),
            verdict=Verdict.TRUE,
            verdict_as_written="Đúng sự thật",
            publisher="Báo Quảng Nam",
        )
        source = Source.objects.create(
            unit=self.office,
            name="Báo Quảng Nam Thử",
            kind=SourceKind.FEED,
            url=self.site.url("/rss/thoi-su.xml"),
        )

        fetch_due_sources_task.enqueue(reschedule=False)
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=StringIO())

        run = FetchRun.objects.get(source=source)

        assert (run.outcome, run.articles_new) == (FetchOutcome.OK, 3)
        relevant = set(Article.objects.filter(relevant=True).values_list("title", flat=True))
        assert CHILDREN.title in relevant
        assert TOURISM.title not in relevant
        match = ClaimMatch.objects.get(fact_check=fact_check)
        assert match.article.title == DISABILITY.title

        self.login(self.office_staff)
        queue = self.client.get(reverse("monitoring:queue"))
        kinds = {item.kind for item, _evidence in queue.context["rows"]}
        assert kinds == {"story", "match"}
        queued = {item.story.title for item, _e in queue.context["rows"] if item.story}
        assert CHILDREN.title in queued and TOURISM.title not in queued
        self.assertContains(queue, match.sentence[:40])  # the article's sentence, beside the claim

        article = self.client.get(reverse("monitoring:article", args=[match.article_id]))
        assert article.context["evidence"]  # terms, places: why it was kept
        raw = self.client.get(reverse("monitoring:article_raw", args=[match.article_id]))
        assert raw["Content-Type"] == "text/plain; charset=utf-8"

        self.client.post(
            reverse("monitoring:match_review", args=[match.pk]),
            {"decision": "answered", "note": "Đã đăng thông tin chính thức trên Cổng TTĐT huyện."},
        )
        assert Review.objects.get().claim_match == match

        self.client.post(
            reverse("monitoring:bulletin_new", args=[self.district_plan.pk]),
            {
                "kind": "weekly",
                "start": "2026-11-16",
                "end": "2026-11-22",
                "task": self.office_task.pk,
                "action": "issue",
            },
        )
        bulletin = MonitoringBulletin.objects.get()
        assert bulletin.record is not None and bulletin.record.kind == "bulletin"
        (claim,) = bulletin.content["claims"]
        assert claim["answers"] == ["Đã đăng thông tin chính thức trên Cổng TTĐT huyện."]
        document = Document(io.BytesIO(bulletin_docx(bulletin)))
        cells = " ".join(
            cell.text for table in document.tables for row in table.rows for cell in row.cells
        )
        assert CHILDREN.title in cells
        assert "Đã đăng thông tin chính thức" in cells
