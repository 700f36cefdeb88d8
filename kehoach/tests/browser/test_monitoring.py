"""Press monitoring in a real browser: the Phòng Văn hóa và Thông tin's staff member reviews the
demo's queue (kehoach/monitoring/demo.py), keeps a decision on a story, reads a claim match with
its evidence and records the answer given, then issues the weekly bulletin of the last week of
2024 and downloads it as a Word document. The queue and story screenshots are the README's."""

import io

import pytest
from django.urls import reverse
from docx import Document
from playwright.sync_api import Page, expect

from kehoach.monitoring.models import (
    ClaimMatch,
    Decision,
    MonitoringBulletin,
    Review,
    Story,
)

from .test_flows import seed_plan, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWER = (
    "Đã phối hợp Đài Truyền thanh - Truyền hình huyện đăng tin phản bác, khẳng định thành tựu "
    "bảo đảm quyền con người của Việt Nam."
)
NOTE = "Tin trên địa bàn, đưa vào bản tin tuần."


def test_a_reviewer_works_the_queue_and_issues_the_weekly_bulletin(
    page: Page, live_server, screenshot
) -> None:
    base = live_server.url
    sign_in(page, base, "vhtt")
    page.goto(base + reverse("monitoring:queue"))
    expect(page.locator("h1")).to_be_visible()
    stories = page.locator("article.queue-item h2 a[href*='/stories/']")
    expect(stories.first).to_be_visible()
    assert stories.count() >= 5
    screenshot("monitoring-queue")

    # A story of several articles: its articles and tags, and the decision kept.
    story = (
        Story.objects.filter(relevant=True, reviews__isnull=True)
        .order_by("-article_count", "-last_seen", "pk")
        .first()
    )
    assert story is not None and story.article_count >= 2
    page.click(f"article.queue-item h2 a[href='{reverse('monitoring:story', args=[story.pk])}']")
    expect(page.locator("h1")).to_contain_text(story.title[:40])
    first_article = story.articles.order_by("published", "pk")[0]
    expect(page.locator("main table")).to_contain_text(first_article.title[:40])
    screenshot("monitoring-story")
    form = page.locator("form.review-form")
    form.locator("select[name=decision]").select_option(Decision.RELEVANT)
    form.locator("[name=note]").fill(NOTE)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    review = Review.objects.get(story=story)
    assert review.by is not None
    assert (review.decision, review.note, review.by.username) == (Decision.RELEVANT, NOTE, "vhtt")

    # The open claim match: the article's sentence beside the fact-checked claim.
    match = ClaimMatch.objects.filter(reviews__isnull=True, score__gte=0.5).get()
    page.goto(base + reverse("monitoring:queue") + "?strength=suggested")
    card = page.locator(
        "article.queue-item", has=page.locator(f"form[action$='/matches/{match.pk}/review/']")
    )
    expect(card.locator("table.match")).to_contain_text(match.sentence[:40])
    expect(card.locator("table.match")).to_contain_text(match.fact_check.claim[:40])
    # The article behind it, with the evidence of why it was kept.
    card.locator(f"a[href='{reverse('monitoring:article', args=[match.article_id])}']").click()
    expect(page.locator("dl.evidence")).to_be_visible()
    expect(page.locator("table.match")).to_contain_text(match.sentence[:40])
    page.go_back()
    card.locator("select[name=decision]").select_option(Decision.ANSWERED)
    card.locator("[name=note]").fill(ANSWER)
    card.locator("button[type=submit]").click()
    page.wait_for_load_state()
    review = Review.objects.get(claim_match=match)
    assert (review.decision, review.note) == (Decision.ANSWERED, ANSWER)

    # The weekly bulletin of 23–29/12/2024, issued as a record of the plan's first task.
    plan = seed_plan()
    page.goto(base + reverse("monitoring:bulletins"))
    page.click(f"a[href='{reverse('monitoring:bulletin_new', args=[plan.pk])}']")
    page.select_option("select[name=kind]", "weekly")
    page.fill("input[name=start]", "2024-12-23")
    page.fill("input[name=end]", "2024-12-29")
    page.click("button[name=action][value=preview]")
    expect(page.locator("section.card")).to_contain_text(ANSWER)
    page.click("button[name=action][value=issue]")
    page.wait_for_url("**/monitoring/bulletins/*/")
    bulletin = MonitoringBulletin.objects.get(start__year=2024, start__month=12, start__day=23)
    assert bulletin.record is not None
    assert list(bulletin.record.tasks.all()) == [plan.tasks.order_by("order").first()]

    with page.expect_download() as download_info:
        page.click(f"a[href='{reverse('monitoring:bulletin_docx', args=[bulletin.pk])}']")
    path = download_info.value.path()
    data = path.read_bytes()
    assert data[:2] == b"PK"
    document = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = " ".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "BẢN TIN" in text + cells
    assert ANSWER in text + cells
