"""Periodic reports in a real browser: Xã Tam Xuân I writes and sends its 6-month 2024 report, the
district returns it with a comment, the commune reads the comment and sends it again, the district
accepts it and downloads its own consolidated report as a Word document. The board and report
screenshots are the ones in the README.

The demo (kehoach/reports/demo.py) leaves Xã Tam Xuân I's 6-month report as a draft for this.
"""

import io
import re

import pytest
from django.urls import reverse
from docx import Document
from playwright.sync_api import Page, expect

from kehoach.plans.models import Plan
from kehoach.reports.models import Report, ReportPeriod, ReportStatus
from kehoach.units.models import Unit

from .test_flows import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESULTS = (
    "UBND xã Tam Xuân I triển khai Kế hoạch của huyện; Đài truyền thanh xã phát 24 chương trình "
    "về quyền con người; treo 6 băng rôn tại chợ Tam Xuân và nhà văn hóa các thôn."
)
COMMENT = "Đề nghị bổ sung số buổi tuyên truyền tại các thôn và số lượt người tham dự."
REVISED = RESULTS + " Tổ chức 4 buổi tuyên truyền tại các thôn với 310 lượt người tham dự."


def half_year_period() -> ReportPeriod:
    plan = Plan.objects.get(issuer__name="Huyện Núi Thành", year=2024)
    return ReportPeriod.objects.get(plan=plan, label="6 tháng đầu năm 2024")


def switch_user(page: Page, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, base_url, username)


def test_a_commune_report_goes_up_returned_resubmitted_accepted_and_consolidated(
    page: Page, live_server, screenshot
) -> None:
    base = live_server.url
    period = half_year_period()
    commune = Unit.objects.get(name="Xã Tam Xuân I")
    report = Report.objects.get(period=period, unit=commune)
    assert report.status == ReportStatus.DRAFT
    report_url = reverse("reports:report", args=[report.pk])
    status = page.locator(".report-meta .badge").first

    # The commune finds its report from the list of periods and the period's page ...
    sign_in(page, base, "tamxuan1")
    page.goto(base + reverse("reports:periods"))
    page.click(f"a[href='{reverse('reports:period', args=[period.pk])}']")
    page.click(f"a[href='{report_url}']")
    expect(page.locator("h1")).to_contain_text("Xã Tam Xuân I")
    # ... pre-filled: the figures from its records and a drafted narrative.
    expect(page.locator(".figures table")).to_be_visible()
    expect(page.locator("textarea[name=narrative]")).not_to_be_empty()
    page.fill("textarea[name=results]", RESULTS)
    page.click("button[name=send]")
    expect(status).to_have_class(re.compile("report-submitted"))
    report.refresh_from_db()
    assert report.results == RESULTS

    # The district sees it on its board and returns it with a comment.
    switch_user(page, base, "quanly")
    page.goto(base + reverse("reports:period", args=[period.pk]))
    board = page.locator(f"#board-{report.receiver_id}")
    expect(board.locator(f"a[href='{report_url}']")).to_be_visible()
    screenshot("report-board")
    board.locator(f"a[href='{report_url}']").click()
    page.fill("#return-form textarea[name=comment]", COMMENT)
    page.click("#return-form button[type=submit]")
    expect(status).to_have_class(re.compile("report-returned"))

    # The commune reads the comment, completes the report and sends it again.
    switch_user(page, base, "tamxuan1")
    page.goto(base + report_url)
    expect(page.locator(".return-comment")).to_contain_text(COMMENT)
    expect(page.locator(".return-comment")).to_contain_text("Nguyễn Văn Toàn")
    screenshot("report")
    page.fill("textarea[name=results]", REVISED)
    page.click("button[name=send]")
    expect(status).to_have_class(re.compile("report-submitted"))
    expect(page.locator(".events li")).to_have_count(4)  # opened, sent, returned, sent again
    expect(page.locator(".events")).to_contain_text(COMMENT)

    # The district accepts it ...
    switch_user(page, base, "quanly")
    page.goto(base + report_url)
    page.click(f"form[action='{reverse('reports:accept', args=[report.pk])}'] button")
    expect(status).to_have_class(re.compile("report-accepted"))
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and report.results == REVISED

    # ... and downloads its own consolidated report as an official Word document.
    page.goto(base + reverse("reports:period", args=[period.pk]))
    consolidated = Report.objects.get(period=period, unit=report.receiver)
    page.click(f"a[href='{reverse('reports:report', args=[consolidated.pk])}']")
    expect(page.locator(".units-table")).to_be_visible()
    with page.expect_download() as download_info:
        page.click("a[data-format=docx]")
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    path = download.path()
    assert path is not None
    with open(path, "rb") as handle:
        document = Document(io.BytesIO(handle.read()))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "BÁO CÁO" in text
    assert "6 tháng đầu năm 2024" in text
