"""Small flows users hit, first driven in headless Chromium: a colleague's link opened while signed out leads, after
the sign-in, to the page and the module it named, on a server just started as on a warm one."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.access.accounts import add_user
from programme.core.db import make_engine, session_scope
from programme.models import Module, UserRole
from tests.browser_support import ADMIN, streamlit_server, wait_idle

pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000


@pytest.fixture
def fresh_app(tmp_path: Path, sqlite_templates: dict[str, Path]) -> Iterator[tuple[str, str]]:
    """A server started for this test alone (its first script run is the one that matters) on a copy of the demo
    with an administrator; yields the database URL and the app's address."""
    path = tmp_path / "demo.db"
    shutil.copy(sqlite_templates["demo"], path)
    url = f"sqlite:///{path}"
    with session_scope(make_engine(url)) as session:
        add_user(session, username=ADMIN[0], password=ADMIN[1], role=UserRole.ADMIN, by=None)
    with streamlit_server(url) as base:
        yield url, base


def _sign_in_on_the_form(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Username").fill(ADMIN[0])
    page.get_by_label("Password", exact=True).fill(ADMIN[1])
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)


def test_a_link_opened_signed_out_opens_its_page_after_the_sign_in_on_a_fresh_and_a_warm_server(
    browser, fresh_app
) -> None:
    url, base = fresh_app
    with Session(make_engine(url)) as session:
        module_id = session.scalars(sa.select(Module.id).order_by(Module.id.desc()).limit(1)).one()
    for attempt in ("fresh server", "warm server"):
        context = browser.new_context(viewport={"width": 1400, "height": 900})  # signed out: no cookie
        page = context.new_page()
        try:
            page.goto(f"{base}/evaluations?module={module_id}")
            wait_idle(page)
            _sign_in_on_the_form(page)
            address = urlsplit(page.url)
            assert address.path.rstrip("/") == "/evaluations", f"{attempt}: landed on {page.url}"
            assert parse_qs(address.query).get("module") == [str(module_id)], f"{attempt}: {page.url}"
            page.get_by_role("heading", name="Evaluation dashboard").wait_for(timeout=TIMEOUT_MS)
        finally:
            context.close()
