"""The reach map draws countries in headless Chromium with every request off this machine blocked.

plotly.js fetches world shapes from a CDN at render time; the app ships them in ./static/topojson/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from programme.accounts import add_user
from programme.db import REPO_ROOT, make_engine, session_scope
from programme.models import UserRole

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "a-long-password"
# Starting Streamlit, signing in and drawing the map on a busy 2-core machine.
START_TIMEOUT_S = 60
RENDER_TIMEOUT_MS = 60_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def app_url(demo_sqlite_url: str, tmp_path: Path):
    """Start Streamlit on a free port with the demo and an admin account; yield its address."""
    with session_scope(make_engine(demo_sqlite_url)) as session:
        add_user(session, username="admin", password=PASSWORD, role=UserRole.ADMIN, by=None)
    port = _free_port()
    log = (tmp_path / "streamlit.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=REPO_ROOT, env={**os.environ, "DATABASE_URL": demo_sqlite_url}, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail(f"Streamlit did not start: {(tmp_path / 'streamlit.log').read_text()[-2000:]}")
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def _idle(page) -> None:
    page.wait_for_timeout(800)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=RENDER_TIMEOUT_MS)


def test_reach_map_draws_countries_offline(app_url: str, tmp_path: Path) -> None:
    playwright_api = pytest.importorskip("playwright.sync_api")
    outside, topojson = [], []

    def only_this_machine(route) -> None:
        address = route.request.url
        if "topojson" in address:
            topojson.append(address)
        if address.startswith(app_url):
            route.continue_()
        else:  # the CDN (cdn.plot.ly) and any other host: as on a laptop with no internet
            outside.append(address)
            route.abort()

    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.route("**/*", only_this_machine)
        page.goto(app_url)
        _idle(page)
        page.get_by_label("Username").fill("admin")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        _idle(page)
        more = page.locator("[data-testid='stSidebarNav']").get_by_text("View", exact=False).filter(has_text="more")
        if more.count():
            more.first.click()
        page.locator("[data-testid='stSidebarNav'] a", has_text="Reach dashboard").first.click()
        _idle(page)
        # plotly draws one path per country of the topojson once the shapes have loaded.
        countries = page.locator(".js-plotly-plot .geo .countries path, .js-plotly-plot .choroplethlocation")
        countries.first.wait_for(state="attached", timeout=RENDER_TIMEOUT_MS)
        page.wait_for_timeout(1000)
        filled = page.locator(".js-plotly-plot .choroplethlocation").count()
        artifacts = REPO_ROOT / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        page.locator(".js-plotly-plot").first.screenshot(path=str(artifacts / "reach-map-offline.png"))
        browser.close()

    assert topojson and all(address.startswith(f"{app_url}/app/static/topojson/") for address in topojson)
    assert not [address for address in outside if "plot.ly" in address or "topojson" in address]
    assert filled >= 20  # the demo reaches 23 nationalities; each is a filled country shape
