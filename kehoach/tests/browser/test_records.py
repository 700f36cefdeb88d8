"""Records in a real browser: a commune records a radio programme in Cor and its broadcast on the
commune station; the district's plan manager sees both on the plan dashboard and on the
language/platform target. The dashboard screenshot is the one in the README."""

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from kehoach.activities import selectors
from kehoach.activities.models import Record, RecordKind
from kehoach.plans.models import Plan

from .test_flows import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PRODUCT_TITLE = "Chương trình phát thanh tiếng Cor: Quyền được học tập của trẻ em vùng cao"
BROADCAST_TITLE = "Phát trên Đài truyền thanh xã Tam Trà: quyền được học tập của trẻ em"
END_OF_YEAR = dt.date(2024, 12, 31)


def seed_plan() -> Plan:
    return Plan.objects.get(issuer__name="Huyện Núi Thành", year=2024)


def sign_out(page: Page) -> None:
    page.context.clear_cookies()


def test_a_commune_records_a_broadcast_and_the_district_sees_it(
    page: Page, live_server, screenshot
) -> None:
    plan = seed_plan()
    airing_task = plan.tasks.get(order=4)  # "Đăng tải, phát sóng …": communes lead it
    language_target = plan.targets.get(order=2)  # 15–20% in minority/foreign languages or digital
    before = selectors.target_progress(target=language_target, as_of=END_OF_YEAR)
    assert before is not None
    records_before = selectors.task_progress(task=airing_task, today=END_OF_YEAR).records

    # Tam Trà's officer records the programme, made in Cor and Vietnamese for the radio …
    sign_in(page, live_server.url, "tamtra")
    page.goto(live_server.url + reverse("activities:create") + f"?kind={RecordKind.PRODUCT}")
    page.fill("input[name=date]", "2024-11-18")
    page.fill("input[name=title]", PRODUCT_TITLE)
    page.select_option("select[name=tasks]", str(airing_task.pk))
    page.select_option("select[name=product_kind]", "radio")
    page.check("input[name=languages][value=cor]")
    page.check("input[name=languages][value=vi]")
    page.check("input[name=platforms][value=radio]")
    page.check("input[name=digitised]")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text(PRODUCT_TITLE)
    product = Record.objects.get(title=PRODUCT_TITLE)

    # … and its broadcast on the commune station.
    page.goto(live_server.url + reverse("activities:create") + f"?kind={RecordKind.BROADCAST}")
    page.fill("input[name=date]", "2024-11-20")
    page.fill("input[name=title]", BROADCAST_TITLE)
    page.select_option("select[name=tasks]", str(airing_task.pk))
    page.select_option("select[name=product]", str(product.pk))
    page.fill("input[name=station]", "Đài truyền thanh xã Tam Trà")
    page.fill("input[name=first_aired]", "2024-11-20")
    page.fill("input[name=last_aired]", "2024-11-27")
    page.fill("input[name=times_aired]", "4")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text(BROADCAST_TITLE)
    broadcast = Record.objects.get(title=BROADCAST_TITLE)
    assert broadcast.unit.name == "Xã Tam Trà"
    assert broadcast.broadcast.product_id == product.pk

    # The district's plan manager sees both on the dashboard …
    after = selectors.target_progress(target=language_target, as_of=END_OF_YEAR)
    assert after is not None
    # A programme in Cor counts: one more product, and one more counted.
    assert before.denominator is not None
    assert (after.numerator, after.denominator) == (before.numerator + 1, before.denominator + 1)
    sign_out(page)
    sign_in(page, live_server.url, "quanly")
    page.goto(live_server.url + reverse("activities:plan_dashboard", args=[plan.pk]))
    target_row = page.locator("tr", has=page.locator(f"a[href$='/targets/{language_target.pk}/']"))
    expect(target_row).to_contain_text(f"{after.numerator} / {after.denominator}")
    task_row = page.locator(
        "tr", has=page.locator(f"a[href='{reverse('activities:task', args=[airing_task.pk])}']")
    )
    expect(task_row.locator("td").nth(3)).to_have_text(str(records_before + 2))
    tam_tra_row = page.locator("tr", has=page.get_by_role("link", name="Xã Tam Trà", exact=True))
    expect(tam_tra_row).to_be_visible()
    screenshot("dashboard")

    # … and the language/platform target lists the programme among the products it counts.
    target_row.get_by_role("link").click()
    expect(page.locator(".stat").nth(1)).to_have_text(f"{after.numerator} / {after.denominator}")
    numerator = page.locator("h2#numerator + table")
    expect(numerator).to_contain_text(PRODUCT_TITLE)
