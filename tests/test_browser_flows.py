"""A facilitator's main flows in headless Chromium: import a list, filter a dashboard, search the alumni."""

from __future__ import annotations

import re

import pytest

from tests.browser_support import choose_module, log_in, open_page, screenshot, wait_idle

pytestmark = pytest.mark.browser
EXCEPTION = "[data-testid='stException']"
TIMEOUT_MS = 60_000

PARTICIPANT_LIST = (
    "Name of participant,Sex,Nationality,Organization,E-mail address\n"
    '"Santos, Maria Browser",F,Phillipines,Migrante Browser Test,maria.browser@example.org\n'
    "Nguyen Van Browser,M,Viet Nam,Browser Workers Union,nguyen.browser@example.org\n"
    "Siti Browser Rahmah,F,Malaysia,Tenaganita Browser,siti.browser@example.org\n"
)


def metric(page, label: str) -> str:
    """Return the shown value of the metric with this label."""
    box = page.locator("[data-testid='stMetric']").filter(has=page.get_by_text(label, exact=True)).first
    return box.locator("[data-testid='stMetricValue']").inner_text()


def test_importing_a_participant_list_with_an_upload(page, live_app: str) -> None:
    log_in(page, live_app)
    open_page(page, "Import participants", "People")
    choose_module(page, "Module the list belongs to")  # the page chooses none for the user
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
        {"name": "registrations.csv", "mimeType": "text/csv", "buffer": PARTICIPANT_LIST.encode()}
    )
    page.get_by_text("registrations.csv").first.wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    screenshot(page, "flow-import-preview")
    button = page.get_by_role("button", name="Import 3 rows")
    button.wait_for(timeout=TIMEOUT_MS)
    assert metric(page, "Rows") == "3"
    button.click()
    page.get_by_text(re.compile(r"Imported as import \d+: 3 new people")).wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    screenshot(page, "flow-import-done")
    assert page.locator(EXCEPTION).count() == 0


def test_the_reach_dashboard_follows_its_filters(page, live_app: str) -> None:
    log_in(page, live_app)
    open_page(page, "Reach dashboard", "Reports")
    everyone = int(metric(page, "Individuals").replace(",", ""))
    assert metric(page, "Women") not in ("0%", "100%")

    gender = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").filter(has_text="Gender")
    gender.locator("input").click()
    page.get_by_role("option", name="female", exact=True).click()
    page.keyboard.press("Escape")
    wait_idle(page)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stMetric]')]"
        ".some(m => m.innerText.includes('Women') && m.innerText.includes('100%'))",
        timeout=TIMEOUT_MS,
    )
    women = int(metric(page, "Individuals").replace(",", ""))
    screenshot(page, "flow-reach-filtered")
    assert 0 < women < everyone
    assert page.locator(EXCEPTION).count() == 0


def test_the_alumni_search_finds_advocates_by_expertise(page, live_app: str) -> None:
    log_in(page, live_app)
    open_page(page, "Alumni directory", "Alumni")
    everyone = page.get_by_text(re.compile(r"listed alumni\*?\*? match"))
    everyone.first.wait_for(timeout=TIMEOUT_MS)
    before = page.locator("[data-testid='stMarkdown']", has_text="listed alumni").first.inner_text()

    search = page.get_by_role("textbox", name="Search", exact=True)
    search.fill("domestic workers")
    search.press("Enter")
    wait_idle(page)
    page.wait_for_function(
        "(before) => { const m = [...document.querySelectorAll('[data-testid=stMarkdown]')]"
        ".find(e => e.innerText.includes('listed alumni')); return m && m.innerText !== before; }",
        arg=before,
        timeout=TIMEOUT_MS,
    )
    after = page.locator("[data-testid='stMarkdown']", has_text="listed alumni").first.inner_text()
    found = int(re.search(r"([\d,]+) listed alumni", after).group(1).replace(",", ""))
    screenshot(page, "flow-alumni-search")
    assert 0 < found < 200
    assert page.get_by_text("domestic workers").first.is_visible()
    assert page.locator(EXCEPTION).count() == 0


def test_tabs_run_when_opened_and_keep_the_search(page, live_app: str) -> None:
    """The alumni directory's tabs run only when opened (ui.lazy_tabs): switching draws the tab, and a
    search typed in the Directory tab is still there on coming back."""
    log_in(page, live_app)
    open_page(page, "Alumni directory", "Alumni")
    search = page.get_by_role("textbox", name="Search", exact=True)
    search.fill("domestic workers")
    search.press("Enter")
    wait_idle(page)

    page.get_by_role("tab", name="Trainer pool").click()
    wait_idle(page)
    page.get_by_text("Only alumni (trained in our courses)").wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("Mean rating: all 1–5 ratings").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_role("textbox", name="Search", exact=True).count() == 0  # the Directory tab did not run
    screenshot(page, "flow-alumni-trainer-pool")

    page.get_by_role("tab", name="Directory").click()
    wait_idle(page)
    search = page.get_by_role("textbox", name="Search", exact=True)
    search.wait_for(timeout=TIMEOUT_MS)
    assert search.input_value() == "domestic workers"
    assert page.locator(EXCEPTION).count() == 0
