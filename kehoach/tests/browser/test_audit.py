"""The audit trail in a real browser: Tam Trà's officer corrects a record's title; the district's
plan manager finds the change in the trail of the commune, with the title before and after and
who made it, and opens the record's own history from the record page."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from kehoach.activities.models import Record
from kehoach.units.models import Unit

from .axe import assert_no_serious_violations
from .test_flows import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_TITLE = "Tuyên truyền Công ước quyền trẻ em trên loa truyền thanh xã Tam Trà (đã sửa)"


def test_a_correction_is_found_in_the_communes_trail_and_the_records_history(
    page: Page, live_server
) -> None:
    tam_tra = Unit.objects.get(name="Xã Tam Trà")
    record = Record.objects.filter(unit=tam_tra).order_by("pk").first()
    assert record is not None, "the demo has records of Tam Trà"
    old_title = record.title

    sign_in(page, live_server.url, "tamtra")
    page.goto(live_server.url + reverse("activities:edit", args=[record.pk]))
    page.fill("input[name=title]", NEW_TITLE)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text(NEW_TITLE)
    page.context.clear_cookies()

    sign_in(page, live_server.url, "quanly")
    page.goto(live_server.url + reverse("audit:list"))
    page.select_option("select[name=unit]", str(tam_tra.pk))
    page.fill("input[name=q]", "đã sửa")
    page.click("main form[role=search] button[type=submit]")
    entry = page.locator("table.audit > tbody > tr").first
    expect(entry).to_contain_text(old_title[:40])
    expect(entry).to_contain_text(NEW_TITLE[:40])
    expect(entry).to_contain_text("tamtra")
    assert_no_serious_violations(page, "audit trail")

    page.goto(live_server.url + reverse("activities:detail", args=[record.pk]))
    page.click("p.history-link a")
    expect(page.locator("h1")).to_contain_text(NEW_TITLE[:40])
    expect(page.locator("table.audit")).to_contain_text(old_title[:40])
