"""Small flows users hit, first driven in headless Chromium: a colleague's link opened while signed out leads, after
the sign-in, to the page and the module it named, on a server just started as on a warm one; Forms for participants'
tab row fits a phone's width."""

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
from tests.browser_support import ADMIN, demo_server_with_admin, log_in, screenshot, streamlit_server, wait_idle

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


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory, sqlite_templates: dict[str, Path]) -> Iterator[tuple[str, str]]:
    with demo_server_with_admin(tmp_path_factory.mktemp("small_flows"), sqlite_templates["demo"]) as (url, base):
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


# Each tab's box (left, top, right) and the tab row's visible width and full width, in CSS pixels.
_TAB_ROW = """() => { const row = document.querySelector('.st-key-forms_tab [role="tablist"]');
  const tabs = [...row.querySelectorAll('[role="tab"]')].map(tab => { const box = tab.getBoundingClientRect();
    return [tab.innerText.trim(), box.left, box.top, box.right]; });
  const edge = row.getBoundingClientRect();
  return {tabs, left: edge.left, right: edge.right, visible: row.clientWidth, full: row.scrollWidth}; }"""
_FITS = """() => { const row = document.querySelector('.st-key-forms_tab [role="tablist"]');
  return row.scrollWidth <= row.clientWidth; }"""
SETTLE_MS = 10_000
FORMS_TABS = ["Links and QR codes", "Submissions", "Registrations to review", "Check-in codes"]


@pytest.mark.parametrize(("width", "height", "phone"), [(390, 844, True), (1400, 900, False)])
def test_the_forms_pages_tab_row_fits_a_phones_width(browser, demo_app, width: int, height: int, phone: bool) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    _, base = demo_app
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    try:
        log_in(page, base)
        page.goto(f"{base}/participant_forms")
        wait_idle(page)
        page.locator(".st-key-forms_tab [role='tablist']").wait_for(timeout=TIMEOUT_MS)
        try:  # the page's style may reach the row a moment after it is drawn
            page.wait_for_function(_FITS, timeout=SETTLE_MS)
        except PlaywrightTimeout:
            pass  # said by the assertions below, with the row's geometry
        row = page.evaluate(_TAB_ROW)
        screenshot(page, f"small-flows-forms-tabs-{width}")
        assert [tab[0] for tab in row["tabs"]] == FORMS_TABS
        # Every tab in sight inside the row: no sideways scrolling, none behind the row's arrow.
        assert row["full"] <= row["visible"], row
        for label, left, _, right in row["tabs"]:
            assert row["left"] - 0.5 <= left and right <= row["right"] + 0.5, (label, row)
        if not phone:  # on a laptop the row fits: one line, as before
            assert len({round(top) for _, _, top, _ in row["tabs"]}) == 1, row
        # The last tab opens with a tap where it is.
        page.get_by_role("tab", name="Check-in codes").click()
        page.get_by_role("button", name="Give a new check-in code").wait_for(timeout=TIMEOUT_MS)
    finally:
        context.close()


def test_a_viewer_following_a_link_to_accounts_is_told_after_the_sign_in_why_home_opened(browser, fresh_app) -> None:
    """A viewer opening Accounts' address signed out met Home after the sign-in without a word (the role check read
    the address of the Log in click's run, which names none); on a fresh server and a warm one."""
    from programme.access.accounts import add_user as add_account

    url, base = fresh_app
    with session_scope(make_engine(url)) as session:
        add_account(session, username="viewer1", password="a-long-viewer-password", role=UserRole.VIEWER, by=None)
    for attempt in ("fresh server", "warm server"):
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        try:
            page.goto(f"{base}/accounts")
            wait_idle(page)
            page.get_by_label("Username").fill("viewer1")
            page.get_by_label("Password", exact=True).fill("a-long-viewer-password")
            page.get_by_role("button", name="Log in").click()
            page.get_by_role("button", name="Log out").wait_for(timeout=TIMEOUT_MS)
            wait_idle(page)
            said = page.get_by_text("The page Accounts needs the admin role; you are signed in as viewer.")
            said.wait_for(timeout=TIMEOUT_MS)
            assert urlsplit(page.url).path.rstrip("/") == "", f"{attempt}: {page.url}"
            assert page.get_by_role("heading", name="Programme Manager").count() == 1, attempt
            assert page.get_by_text("Change an account").count() == 0  # nothing of Accounts
        finally:
            context.close()
