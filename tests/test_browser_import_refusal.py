"""In headless Chromium: an evaluation import clicked after a colleague imported the same export into the module since
the preview says which import that was, when and by which account (staff's, not personal data)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.core.db import make_engine, session_scope
from programme.evaluations import import_evaluations
from programme.models import Course, Module
from tests.browser_support import demo_server_with_admin, log_in, screenshot, wait_idle

pytestmark = pytest.mark.browser
EXCEPTION = "[data-testid='stException']"
TIMEOUT_MS = 60_000
EXPORT = (
    "Timestamp,Overall quality of the module (1-5),What should be improved?\n"
    "2026/11/20 10:00:00 AM GMT+7,4,More role play\n"
    "2026/11/20 10:05:00 AM GMT+7,5,Longer visits\n"
)


@pytest.fixture(scope="module")
def refusal_app(
    tmp_path_factory: pytest.TempPathFactory, sqlite_templates: dict[str, Path]
) -> Iterator[tuple[str, str]]:
    with demo_server_with_admin(tmp_path_factory.mktemp("refusal"), sqlite_templates["demo"]) as app:
        yield app


def test_the_refusal_at_the_click_names_the_colleagues_import(page, refusal_app) -> None:
    url, base = refusal_app
    engine = make_engine(url)
    with Session(engine) as session:
        module_id = (
            session.execute(
                sa.select(Module.id).join(Course, Course.id == Module.course_id).order_by(Module.start_date, Module.id)
            )
            .scalars()
            .first()
        )
    data = EXPORT.encode()
    log_in(page, base)
    page.goto(f"{base}/evaluation_entry?module={module_id}")
    wait_idle(page)
    page.get_by_role("tab", name="Import an export").click()
    wait_idle(page)
    page.locator("[data-testid='stFileUploader']:visible input[type='file']").set_input_files(
        {"name": "colleague.csv", "mimeType": "text/csv", "buffer": data}
    )
    wait_idle(page)
    button = page.get_by_role("button", name="Import 2 responses")
    button.wait_for(timeout=TIMEOUT_MS)
    with session_scope(engine) as session:  # the colleague's import of the same export commits meanwhile
        import_evaluations(session, data=data, filename="colleague.csv", module_id=module_id, by="amira")
    with engine.connect() as connection:
        number, created_at = connection.execute(
            sa.text("SELECT (SELECT count(*) FROM import_batch b WHERE b.kind = i.kind AND b.id <= i.id), created_at "
                    "FROM import_batch i WHERE username = 'amira'")
        ).one()  # fmt: skip
    moment = datetime.fromisoformat(created_at) if isinstance(created_at, str) else created_at
    button.click()
    wait_idle(page)
    said = f"import {number}, on {moment:%d %b %Y at %H:%M} UTC by amira"
    # The click reruns the page: its preview, made again, finds every response imported (or, when the colleague's
    # import commits between the preview and the write, the write is refused); either way the page names the import.
    alerts: list[str] = []
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline and not any(said in alert for alert in alerts):
        page.wait_for_timeout(500)
        alerts = page.locator("[data-testid='stAlert']").all_inner_texts()
    screenshot(page, "import-refusal-names-the-import")
    assert any(said in alert for alert in alerts), (said, alerts)
    assert not page.get_by_text("Imported 2 responses").count()
    assert page.locator(EXCEPTION).count() == 0
