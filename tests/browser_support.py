"""A live Streamlit server on the demo data, and Chromium driven by Playwright, for browser tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from programme.core.db import REPO_ROOT

# The browser benchmarks and screenshots drive: the full Chromium people use (Debian's chromium package).
CHROMIUM = "/usr/bin/chromium"
# The browser the tests drive: Debian's chromium-headless-shell (the same engine, built for headless use, as
# Playwright's own headless default) when installed, else the full Chromium; PROGRAMME_TEST_CHROMIUM names another.
# Measured on the same tests, alternately (6 December 2026, load 2.6-6): Chromium's CPU time 124.7 -> 93.5 s for
# tests/test_browser.py, 103.9 -> 77.6 s for test_browser_small_flows.py and test_browser_forms.py; the browser
# tests are about 40 % of the suite's CPU time, three quarters of it Chromium's.
HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"


def browser_executable() -> str:
    """Return the browser executable the browser tests launch."""
    named = os.environ.get("PROGRAMME_TEST_CHROMIUM")
    if named:
        return named
    return HEADLESS_SHELL if os.path.exists(HEADLESS_SHELL) else CHROMIUM


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ADMIN = ("admin", "a-long-test-password")
SERVER_START_SECONDS = 90
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
ARTEFACTS = REPO_ROOT / "test-artifacts" / "screenshots"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# The script the browser tests serve unless a test names one: README's start command, app.py (st.App: the same pages,
# the sign-in cookie HttpOnly); PROGRAMME_TEST_SCRIPT=streamlit_app.py runs the whole browser suite on the other.
DEFAULT_SCRIPT = "app.py"


def default_script() -> str:
    """Return the script streamlit_server runs when a test names none."""
    return os.environ.get("PROGRAMME_TEST_SCRIPT") or DEFAULT_SCRIPT


@contextmanager
def streamlit_server(
    database_url: str, script: str | None = None, *, address: str = "127.0.0.1", base_path: str = ""
) -> Iterator[str]:
    """Run `streamlit run <script>` (default_script(): app.py, st.App with our cookie routes, or streamlit_app.py) on a
    free port, on address (0.0.0.0: every interface, as README's venue network command) and under base_path
    (server.baseUrlPath, as behind a proxy); yield its base URL (through 127.0.0.1) once healthy."""
    script = script or default_script()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        address,
    ]
    if base_path:
        command += ["--server.baseUrlPath", base_path]
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}" + (f"/{base_path.strip('/')}" if base_path else "")
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def demo_server_with_admin(folder: Path, demo_template: Path) -> Iterator[tuple[str, str]]:
    """Run the app on a copy of the demo in folder, with the ADMIN account added; yield (its DATABASE_URL, its address).
    The audits' browser tests share it: each module's tests on a demo of their own."""
    from programme.access.accounts import add_user
    from programme.core.db import make_engine, session_scope
    from programme.models import UserRole

    path = folder / "demo.db"
    shutil.copy(demo_template, path)
    url = f"sqlite:///{path}"
    with session_scope(make_engine(url)) as session:
        add_user(session, username=ADMIN[0], password=ADMIN[1], role=UserRole.ADMIN, by=None)
    with streamlit_server(url) as base:
        yield url, base


def wait_idle(page, timeout: int = 60_000) -> None:
    """Wait until the app's script run has finished."""
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=timeout)


def log_in(page, base: str, username: str = ADMIN[0], password: str = ADMIN[1]) -> None:
    page.goto(base)
    wait_idle(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for(timeout=60_000)
    wait_idle(page)
    # The page's script keeps the sign-in in a cookie; a reload or a new address opened before it ran signs out.
    wait_for_cookie(page, "programme_sign_in")


def wait_for_cookie(page, name: str, *, present: bool = True, timeout: float = 30.0) -> None:
    """Wait until the browser holds (or no longer holds) the cookie: the app sets and expires it from a zero-height
    frame (a post to app.py's route, or a script), which runs after the page is drawn (later still on a loaded
    machine)."""
    deadline = time.monotonic() + timeout
    while (any(cookie["name"] == name for cookie in page.context.cookies()) != present) and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    held = any(cookie["name"] == name for cookie in page.context.cookies())
    assert held == present, f"the cookie {name} was {'not ' if present else ''}set within {timeout:.0f} s"


def screenshot(page, name: str) -> Path:
    """Keep a screenshot of the page as a test artefact (git-ignored) and return its path."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# How often a navigation click is tried, and how long the page's address may take to change after it.
NAVIGATION_TRIES = 3
NAVIGATION_WAIT_MS = 20_000


def open_page(page, title: str, group: str) -> None:
    """Open a page through the top navigation (same session), as a user would; on a loaded machine a rerun that
    redraws the page can swallow the click (the journey once stayed on Groups), so the page's address is awaited
    and the link clicked again if it did not come."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(NAVIGATION_TRIES):
        try:
            if group:
                page.get_by_text(group, exact=True).first.click()
                link = page.locator("[data-testid='stTopNavDropdownLink']", has_text=title).first
            else:
                link = page.locator("[data-testid='stTopNavLink']", has_text=title).first
            href = link.get_attribute("href", timeout=NAVIGATION_WAIT_MS)
            link.click(timeout=NAVIGATION_WAIT_MS)
            if href:
                target = href.split("?")[0].rstrip("/")
                page.wait_for_url(
                    lambda url, target=target: url.split("?")[0].rstrip("/") == target, timeout=NAVIGATION_WAIT_MS
                )
            wait_idle(page)
            return
        except PlaywrightTimeout:
            if attempt == NAVIGATION_TRIES - 1:
                raise
            page.keyboard.press("Escape")  # a dropdown left open
            wait_idle(page)


def choose_module(page, label: str, search: str = "", attempts: int = 3) -> None:
    """Pick a module in the module picker with this label, as a user would: open its list, type `search` to narrow it
    (the list shows a few options at a time), and click the first option showing it. Import participants chooses no
    module for the user. A rerun that redrew the box as it was clicked gets a second try."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.locator("[data-testid='stSelectbox']").filter(has_text=label).first
    option = page.get_by_role("option").filter(has_text=search).first
    for attempt in range(attempts):
        wait_idle(page)
        box.locator("input").click()
        if search:
            box.locator("input").fill(search)
        try:
            option.wait_for(timeout=10_000)
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
            continue
        option.click()
        break
    wait_idle(page)


def add_grid_row(page, grid) -> None:
    """Add a row to a data grid with its toolbar's "Add row", as a user would. The toolbar shows over the grid's top
    edge, and the grid (or the caption above it) can cover the button where the pointer lands, so the click event is
    sent to the button itself (a pointer click was swallowed in CI)."""
    grid.scroll_into_view_if_needed()
    grid.hover()
    page.get_by_role("button", name="Add row").dispatch_event("click")
    page.wait_for_timeout(500)
    wait_idle(page)


# The data grid's geometry in Streamlit 1.67: rows (and the header) 35 px high, then the row-marker column.
GRID_ROW_PX = 35
GRID_FIRST_CELL_X = 60


# How long a loaded machine may take to open a grid cell's editor after Enter, and how often the cell is chosen
# again when it did not open (a rerun that redraws the grid can swallow the click or the key).
CELL_EDITOR_TIMEOUT_MS = 5_000
CELL_EDITOR_TRIES = 4
_EDITOR_FOCUSED = "() => ['INPUT', 'TEXTAREA'].includes(document.activeElement && document.activeElement.tagName)"


def _open_cell_editor(page, grid, row: int, column_index: int) -> None:
    """Select the cell, open its editor with Enter and wait until its input has the focus; choose it again if not."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(CELL_EDITOR_TRIES):
        box = grid.bounding_box()
        page.mouse.click(box["x"] + GRID_FIRST_CELL_X, box["y"] + GRID_ROW_PX * (row + 1) + GRID_ROW_PX / 2)
        for _ in range(column_index):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        try:
            page.wait_for_function(_EDITOR_FOCUSED, timeout=CELL_EDITOR_TIMEOUT_MS)
            return
        except PlaywrightTimeout:
            if attempt == CELL_EDITOR_TRIES - 1:
                raise
            page.keyboard.press("Escape")
            wait_idle(page)


def type_cell(page, grid, row: int, column_index: int, value: str) -> None:
    """Select a grid cell (column_index columns right of the first), open its editor (Enter), fill it as a user
    would, and commit it (Enter). The time picker's <input type=time> takes "09:00"."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(CELL_EDITOR_TRIES):
        _open_cell_editor(page, grid, row, column_index)
        try:
            # A rerun that redraws the grid as the value goes in takes the editor away (seen on a loaded machine):
            # the cell is chosen and filled again, as a person would.
            page.locator(":focus").fill(value, timeout=CELL_EDITOR_TIMEOUT_MS)
            break
        except PlaywrightTimeout:
            if attempt == CELL_EDITOR_TRIES - 1:
                raise
            page.keyboard.press("Escape")
            wait_idle(page)
    page.keyboard.press("Enter")
    page.wait_for_timeout(700)
    wait_idle(page)
