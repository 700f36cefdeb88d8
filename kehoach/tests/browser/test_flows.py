"""The key flows in a real browser: sign in, plan home, filter tasks, open a task, change its
status, switch language. The screenshots saved here are the ones in the README."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from kehoach.demo import DEMO_PASSWORD
from kehoach.plans.models import Plan, TaskEvent, TaskStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + reverse("accounts:login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def seed_plan() -> Plan:
    return Plan.objects.get(issuer__name="Huyện Núi Thành", year=2024)


def test_a_wrong_password_is_refused_with_a_message(page: Page, live_server) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("input[name=username]", "quanly")
    page.fill("input[name=password]", "sai-mat-khau")
    page.click("main button[type=submit]")
    expect(page.locator(".errorlist")).to_be_visible()
    assert "/accounts/login/" in page.url


def test_the_manager_signs_in_and_lands_on_the_plan_home_page(
    page: Page, live_server, screenshot
) -> None:
    sign_in(page, live_server.url, "quanly")
    plan = seed_plan()
    assert page.url.endswith(reverse("plans:home", args=[plan.pk]))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("h1")).to_contain_text("Đề án truyền thông về quyền con người")
    # The 4 targets of section II.2 and the 15–20% range are on the page.
    expect(page.get_by_text("15–20")).to_be_visible()
    screenshot("plan-home")


def test_filtering_the_task_list_refreshes_the_table_only(
    page: Page, live_server, screenshot
) -> None:
    sign_in(page, live_server.url, "quanly")
    plan = seed_plan()
    page.goto(live_server.url + reverse("plans:tasks", args=[plan.pk]))
    rows = page.locator("#task-table tbody tr")
    expect(rows).to_have_count(8)
    page.evaluate("window.__not_reloaded = true")

    page.select_option("select[name=status]", TaskStatus.DONE)

    expect(rows).to_have_count(3)
    expect(page).to_have_url(re.compile(r"status=done"))
    # htmx swapped the table in place: the page itself was not reloaded.
    assert page.evaluate("window.__not_reloaded === true")
    page.fill("#task-q", "tap huan")  # typed without diacritics
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Tham gia tập huấn")
    screenshot("task-list")


def test_unit_staff_open_a_task_and_change_its_status(page: Page, live_server, screenshot) -> None:
    sign_in(page, live_server.url, "vhtt")
    plan = seed_plan()
    task = plan.tasks.get(order=5)  # led by Phòng Văn hoá và Thông tin, not started
    page.goto(live_server.url + reverse("plans:tasks", args=[plan.pk]))
    page.click(f"a[href='{reverse('plans:task', args=[task.pk])}']")
    expect(page.locator("h1")).to_contain_text("cổ động trực quan")

    page.select_option("#task-status select[name=status]", TaskStatus.IN_PROGRESS)
    page.fill("#task-status [name=note]", "Đã treo 12 băng rôn tại trung tâm huyện")
    page.click("#task-status button[type=submit]")

    expect(page.locator("#task-status .message.success")).to_be_visible()
    event = TaskEvent.objects.get(task=task, status_to=TaskStatus.IN_PROGRESS)
    assert event.note == "Đã treo 12 băng rôn tại trung tâm huyện"
    assert event.by is not None and event.by.username == "vhtt"
    screenshot("task-detail")


def test_a_commune_cannot_open_another_communes_page(page: Page, live_server) -> None:
    from kehoach.people.models import Person

    sign_in(page, live_server.url, "tamxuan1")
    other = Person.objects.get(unit__name="Xã Tam Trà")
    response = page.goto(live_server.url + reverse("people:detail", args=[other.pk]))
    assert response is not None and response.status == 404


def test_the_plan_document_and_the_2024_unit_map(page: Page, live_server, screenshot) -> None:
    sign_in(page, live_server.url, "quanly")
    plan = seed_plan()
    page.goto(live_server.url + reverse("plans:document", args=[plan.pk]))
    expect(page.locator("#L1")).to_be_attached()
    screenshot("plan-document")
    page.goto(live_server.url + reverse("units:tree") + "?on=2024-06-30")
    expect(page.get_by_text("Xã Tam Xuân II").first).to_be_visible()
    expect(page.get_by_text("Xã Đức Phú")).to_have_count(0)
    screenshot("unit-tree")


def test_the_language_switch_turns_the_pages_into_english_and_back(
    page: Page, live_server, screenshot
) -> None:
    sign_in(page, live_server.url, "quanly")
    page.click("button[data-lang=en]")
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("nav.mainnav")).to_contain_text("Plans")
    screenshot("plan-home-en")
    page.click("button[data-lang=vi]")
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("nav.mainnav")).to_contain_text("Kế hoạch")
