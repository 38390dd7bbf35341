"""A hostile spreadsheet uploaded in the browser: one sentence, and the server keeps serving."""

from __future__ import annotations

import pytest

from tests import hostile_files
from tests.browser_support import choose_module, log_in, open_page, screenshot, wait_idle

pytestmark = pytest.mark.browser
EXCEPTION = "[data-testid='stException']"
TIMEOUT_MS = 60_000


def test_a_sheet_with_a_cell_at_xfd1048576_is_refused_and_the_server_keeps_serving(page, live_app: str) -> None:
    log_in(page, live_app)
    open_page(page, "Import participants", "People")
    choose_module(page, "Module the list belongs to")  # the page chooses none for the user
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
        {
            "name": "far-cell.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": hostile_files.far_cell_xlsx(),
        }
    )
    alert = page.locator("[data-testid='stAlert']", has_text="too large to read")
    alert.wait_for(timeout=TIMEOUT_MS)
    assert "column 16,384" in alert.inner_text()
    wait_idle(page)
    screenshot(page, "import-far-cell-refused")
    assert page.locator(EXCEPTION).count() == 0
    # The same server still answers: another page opens and draws.
    open_page(page, "Participants", "People")
    page.get_by_role("heading", name="Participants").first.wait_for(timeout=TIMEOUT_MS)
    assert page.locator(EXCEPTION).count() == 0
