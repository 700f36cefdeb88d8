"""Publishing in a real browser (issue 7): the district's plan manager attaches the recording of a
radio programme to its record, publishes the product and approves it; anyone, without signing in,
finds it on the public pages and plays it, and finds it in the Atom feed and the open-data CSV;
withdrawn, it is gone from all of them at once. The public pages and the open-data catalogue pass
axe-core's checks (WCAG 2.1 A and AA) with no serious or critical violation.

The demo (kehoach/publishing/demo.py) publishes a few products and the plan's results page and
leaves the other radio programmes unpublished for this test.
"""

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from kehoach.activities.models import Record, RecordKind
from kehoach.publishing.demo import LEAFLET_TITLE, POSTER_TITLE, RADIO_TITLE, demo_wav
from kehoach.publishing.models import Publication, PublicationKind, PublicationState

from . import axe
from .axe import assert_no_serious_violations
from .test_flows import seed_plan, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ATOM = "{http://www.w3.org/2005/Atom}"
PRODUCTS_CSV = "/du-lieu-mo/products.csv"
ATOM_FEED = "/cong-khai/atom.xml"
REASON = "Bản ghi âm chưa được biên tập lại lời bình; đơn vị sẽ đăng lại sau khi sửa."
RECORDING = "chuyen-muc-phat-thanh-quyen-tre-em-thang-12.wav"
TITLE_EN = "Radio programme on human rights, December 2024"


@pytest.fixture
def visitor(browser: Browser, page: Page) -> Iterator[Page]:
    """An anonymous visitor in a context of their own (no staff cookie), after the demo loaded."""
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def unpublished_radio_programme() -> Record:
    """The district centre's latest radio programme: no publication and no file yet."""
    record = (
        Record.objects.filter(
            kind=RecordKind.PRODUCT,
            product__product_kind="radio",
            unit__name__startswith="Trung tâm",
            publication__isnull=True,
            attachments__isnull=True,
        )
        .order_by("-date", "-pk")
        .first()
    )
    assert record is not None, "the demo leaves radio programmes unpublished for this test"
    return record


def feed_links(visitor: Page, base: str) -> list[str]:
    response = visitor.request.get(base + ATOM_FEED)
    assert response.ok, response.status
    assert "atom" in response.headers["content-type"]
    root = ET.fromstring(response.body())
    return [
        link.attrib["href"]
        for entry in root.iter(f"{ATOM}entry")
        for link in entry.iter(f"{ATOM}link")
        if link.attrib.get("rel", "alternate") == "alternate"
    ]


def feed_entry(visitor: Page, base: str, page_url: str) -> ET.Element | None:
    response = visitor.request.get(base + ATOM_FEED)
    root = ET.fromstring(response.body())
    for entry in root.iter(f"{ATOM}entry"):
        for link in entry.iter(f"{ATOM}link"):
            if link.attrib.get("rel", "alternate") == "alternate" and link.attrib["href"].endswith(
                page_url
            ):
                return entry
    return None


def csv_rows(visitor: Page, base: str) -> list[dict[str, str]]:
    response = visitor.request.get(base + PRODUCTS_CSV)
    assert response.ok, f"{PRODUCTS_CSV}: {response.status}"
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.body().decode("utf-8-sig"))))


def play(visitor: Page) -> dict[str, float]:
    """Start the page's player the way a visitor does (a click gives the page the user
    activation that Chromium's autoplay policy asks for) and let it play for a moment."""
    visitor.locator("h1").click()
    state: dict[str, float] = visitor.evaluate(
        """async () => {
            const audio = document.querySelector("audio");
            await audio.play();
            const start = performance.now();
            while (audio.currentTime < 0.3 && performance.now() - start < 5000) {
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
            audio.pause();
            return {
                currentTime: audio.currentTime,
                readyState: audio.readyState,
                duration: audio.duration,
                error: audio.error ? audio.error.code : 0,
            };
        }"""
    )
    return state


def test_the_sign_in_page_has_no_serious_accessibility_violations(page: Page, live_server) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    assert_no_serious_violations(page, "the sign-in page")


def test_the_public_pages_and_the_open_data_catalogue_pass_axe_core(
    visitor: Page, live_server
) -> None:
    base = live_server.url
    radio = Publication.objects.get(title=RADIO_TITLE)
    poster = Publication.objects.get(title=POSTER_TITLE)
    results = Publication.objects.get(kind=PublicationKind.RESULTS)
    pages = [
        ("the public home page", reverse("public:home")),
        ("the list of products", reverse("public:products")),
        ("the list filtered by a search", reverse("public:products") + "?q=quyen+tre+em"),
        ("a search that finds nothing", reverse("public:products") + "?q=khong+co+gi+ca"),
        ("a radio programme with its player", reverse("public:product", args=[radio.pk])),
        ("a poster with its image", reverse("public:product", args=[poster.pk])),
        ("the plan's results page", reverse("public:plan", args=[results.plan_id])),
        ("the open-data catalogue", "/du-lieu-mo/"),
    ]
    for what, url in pages:
        response = visitor.goto(base + url)
        status = response.status if response is not None else None
        assert status == 200, f"{what} ({url}): {status}"
        expect(visitor.locator("h1")).to_have_count(1)
        assert_no_serious_violations(visitor, f"{what} ({url})")
    # The embed shown inside other sites' pages (a list, no heading of its own).
    visitor.goto(base + reverse("public:embed") + f"?ke-hoach={results.plan_id}")
    expect(visitor.locator("a[href*='/cong-khai/san-pham/']").first).to_be_visible()
    assert_no_serious_violations(visitor, "the embed for other websites")
    # The same pages in English (titles and summaries translated where a translation exists).
    visitor.goto(base + reverse("public:product", args=[radio.pk]))
    visitor.click("a[hreflang=en]")
    expect(visitor.locator("html")).to_have_attribute("lang", "en")
    expect(visitor.locator("h1")).to_contain_text("Rights of the Child")
    assert_no_serious_violations(visitor, "a radio programme in English")
    visitor.goto(base + reverse("public:plan", args=[results.plan_id]))
    assert_no_serious_violations(visitor, "the plan's results page in English")
    screenshot_page(visitor, "public-plan")


def test_the_public_search_finds_the_same_products_with_or_without_diacritics(
    visitor: Page, live_server
) -> None:
    found = {}
    for q in ("quyen tre em", "quyền trẻ em", "QUYỀN TRẺ EM"):
        visitor.goto(live_server.url + reverse("public:products") + "?q=" + q)
        titles = visitor.locator("main .pub-item-title a")
        expect(titles.first).to_be_visible()
        found[q] = sorted(titles.all_inner_texts())
    assert found["quyen tre em"] == found["quyền trẻ em"] == found["QUYỀN TRẺ EM"]
    assert set(found["quyen tre em"]) == {RADIO_TITLE, POSTER_TITLE, LEAFLET_TITLE}


def test_the_staff_publishing_pages_pass_axe_core(page: Page, live_server) -> None:
    base = live_server.url
    sign_in(page, base, "quanly")
    results = Publication.objects.get(kind=PublicationKind.RESULTS)
    draft = Publication.objects.get(state=PublicationState.DRAFT)
    pages = [
        ("the list of publications", reverse("publishing:list")),
        ("a draft with its approval form", reverse("publishing:detail", args=[draft.pk])),
        ("the edit form", reverse("publishing:edit", args=[draft.pk])),
        ("the results page with its embed code", reverse("publishing:detail", args=[results.pk])),
        ("the withdrawal confirmation", reverse("publishing:withdraw", args=[results.pk])),
        ("the staff search", reverse("search:search") + "?q=quyen+tre+em"),
    ]
    for what, url in pages:
        response = page.goto(base + url)
        status = response.status if response is not None else None
        assert status == 200, f"{what} ({url}): {status}"
        assert_no_serious_violations(page, f"{what} ({url})")


def test_a_missing_axe_core_fails_the_test_with_the_command_that_installs_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(axe, "AXE_JS", Path("/nonexistent/axe-core/axe.min.js"))
    with pytest.raises(pytest.fail.Exception, match=r"\./dev setup"):
        axe.axe_source()


def screenshot_page(page: Page, name: str) -> None:
    folder = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


def test_a_radio_programme_is_published_played_fed_listed_as_open_data_then_withdrawn(
    page: Page, visitor: Page, live_server, tmp_path: Path, screenshot
) -> None:
    base = live_server.url
    record = unpublished_radio_programme()
    recording = tmp_path / RECORDING
    recording.write_bytes(demo_wav(seconds=4.0))

    # The plan manager attaches the recording to the programme's record ...
    sign_in(page, base, "quanly")
    page.goto(base + reverse("activities:edit", args=[record.pk]))
    page.set_input_files("input[name=documents]", str(recording))
    page.click("main form button[type=submit].btn")
    page.wait_for_url(f"**{reverse('activities:detail', args=[record.pk])}")
    expect(page.locator("main")).to_contain_text(RECORDING)

    # ... publishes the product from the record's page (a draft, with an English title) ...
    page.click("#publish-record")
    expect(page.locator("#publication-form input[name=title]")).to_have_value(record.title)
    page.fill("#publication-form [name=title_en]", TITLE_EN)
    page.click("#create-publication")
    page.wait_for_url(re.compile(r"/publishing/\d+/$"))
    publication = Publication.objects.get(record=record)
    detail_url = reverse("publishing:detail", args=[publication.pk])
    assert page.url.endswith(detail_url)
    expect(page.locator("#publication-state")).to_have_attribute("data-state", "draft")

    # ... and approves it for publication now.
    page.click("#approve-now")
    expect(page.locator("#publication-state")).to_have_attribute("data-state", "published")
    publication.refresh_from_db()
    assert publication.state == PublicationState.PUBLISHED
    assert publication.title_en == TITLE_EN
    public_url = reverse("public:product", args=[publication.pk])
    # The staff page shows where the public finds it.
    expect(page.locator("#public-url a")).to_have_attribute("href", re.compile(public_url + "$"))
    screenshot("publishing-detail")

    # Anyone, without signing in, finds it among the products and plays the recording.
    visitor.goto(base + reverse("public:products"))
    visitor.click(f"main a[href='{public_url}']")
    expect(visitor.locator("h1")).to_have_text(record.title)
    audio = visitor.locator("audio[controls]")
    expect(audio).to_have_count(1)
    file_url = audio.get_attribute("src")
    # Served by the public file address, under the name it was uploaded with.
    assert file_url is not None
    assert re.fullmatch(rf"/cong-khai/tep/\d+/{re.escape(RECORDING)}", file_url), file_url
    state = play(visitor)
    assert state["error"] == 0, state
    assert state["readyState"] >= 2, state
    assert state["currentTime"] > 0, state
    assert 3.5 <= state["duration"] <= 4.5, state
    screenshot_page(visitor, "public-product")
    file_response = visitor.request.get(base + file_url)
    assert file_response.status == 200
    assert file_response.headers["content-type"] == "audio/wav"

    # The Atom feed carries it, with the recording as its enclosure ...
    entry = feed_entry(visitor, base, public_url)
    assert entry is not None, "the published programme is not in the Atom feed"
    assert entry.findtext(f"{ATOM}title") == record.title
    enclosures = [
        link.attrib for link in entry.iter(f"{ATOM}link") if link.attrib.get("rel") == "enclosure"
    ]
    assert [e["type"] for e in enclosures] == ["audio/wav"]
    assert enclosures[0]["href"].endswith(file_url)
    assert int(enclosures[0]["length"]) == recording.stat().st_size

    # ... and so does the open-data CSV of products.
    rows = [row for row in csv_rows(visitor, base) if row.get("title") == record.title]
    assert len(rows) == 1, "the published programme is not in the open-data CSV"
    assert rows[0]["id"] == str(publication.pk)
    assert rows[0]["page_url"].endswith(public_url)
    assert file_url in rows[0]["file_urls"]

    # The plan manager withdraws it, confirming with a reason ...
    page.goto(base + detail_url)
    page.click("#withdraw-publication")
    expect(page.locator("main")).to_contain_text(record.title)
    page.fill("#withdraw-form [name=reason]", REASON)
    page.click("#confirm-withdraw")
    page.wait_for_url(f"**{detail_url}")
    expect(page.locator("#publication-state")).to_have_attribute("data-state", "withdrawn")
    expect(page.locator("main")).to_contain_text(REASON)
    publication.refresh_from_db()
    assert publication.state == PublicationState.WITHDRAWN
    assert publication.withdrawal_reason == REASON

    # ... and at once it is gone: the page and the file answer 404, the list, the feed and the
    # CSV no longer have it.
    response = visitor.goto(base + public_url)
    assert response is not None and response.status == 404
    assert visitor.request.get(base + file_url).status == 404
    visitor.goto(base + reverse("public:products"))
    expect(visitor.locator(f"main a[href='{public_url}']")).to_have_count(0)
    assert not any(link.endswith(public_url) for link in feed_links(visitor, base))
    assert not [row for row in csv_rows(visitor, base) if row.get("title") == record.title]
    # What stays public stays: the demo's published programme is still there.
    radio = Publication.objects.get(title=RADIO_TITLE)
    assert any(
        link.endswith(reverse("public:product", args=[radio.pk]))
        for link in feed_links(visitor, base)
    )
    assert seed_plan().pk == publication.plan_id
