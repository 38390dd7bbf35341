"""The Courses and modules page's tables fit a 1400 px wide laptop screen (the sidebar open), in headless Chromium.

Seen on a new organisation's journey: the modules table held 1,197 px of columns in its 938 px grid and the courses
table 1,152 px, so the scope, city and country (or the courses' module dates) were only reached by scrolling sideways.
"""

from __future__ import annotations

import pytest

from tests.browser_support import log_in, open_page, screenshot, wait_idle

pytestmark = pytest.mark.browser
# The grid's scroller (glide-data-grid): wider content than its box scrolls sideways.
SIDEWAYS = "g => { const s = g.querySelector('.dvn-scroller'); return [s.scrollWidth, s.clientWidth]; }"


def test_the_courses_pages_tables_do_not_scroll_sideways_at_1400_px(page, live_app: str) -> None:
    assert page.viewport_size == {"width": 1400, "height": 900}
    log_in(page, live_app)
    open_page(page, "Courses and modules", "Plan")
    for tab in ("Modules", "Courses"):
        page.get_by_role("tab", name=tab).click()
        wait_idle(page)
        grid = page.locator("[data-testid='stDataFrame']:visible").first
        grid.wait_for(timeout=60_000)
        page.wait_for_timeout(500)  # the grid sizes its columns after it is drawn
        content, box = grid.evaluate(SIDEWAYS)
        assert content <= box + 1, (tab, content, box)
        screenshot(page, f"courses-{tab.lower()}-1400")
