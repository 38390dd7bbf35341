"""Every page and tab in Chromium against a running app: seconds until the page settles and bytes the server sent.

    streamlit run app.py --server.headless true --server.port 8621     (DATABASE_URL=a copy of the scale db)
    python benchmarks/browser_pages.py http://localhost:8621 USER PASSWORD admin|facilitator|viewer [--shots DIR]
                                       [--course CODE]

AppTest (benchmarks/pages.py) times the scripts; this adds what a browser meets: the websocket frames' payloads summed
per page and per tab (a widget listing 18,000 courses was 1.5 MB on each load), and a full-page screenshot of each.
The server's figure caches are shared by every session: run it twice to see warm figures. Seconds include drawing.
--course CODE: on the Reach page, the course found by its code in the Course filter's find box, chosen, and each tab
with it chosen (what a user meets choosing a course).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import Page, sync_playwright

from benchmarks.common import machine
from programme.models import UserRole
from programme.web.navigation import pages_for
from tests.browser_support import CHROMIUM, IDLE, log_in, open_page

PAUSE_MS = 500  # a rerun may follow a run (a search choosing its first match): idle twice, this far apart


def settle(page: Page) -> None:
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=180_000)
    page.wait_for_timeout(PAUSE_MS)
    page.wait_for_selector(IDLE, timeout=180_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base")
    parser.add_argument("username")
    parser.add_argument("password")
    parser.add_argument("role", choices=[role.value for role in UserRole])
    parser.add_argument("--shots", type=Path, help="a folder for a full-page screenshot of each page and tab")
    parser.add_argument("--pages", nargs="*", help="only these page files (e.g. pages/reach.py)")
    parser.add_argument("--course", metavar="CODE", help="Reach: find this course, choose it, then each tab")
    args = parser.parse_args()
    print(machine())
    received = [0]
    if args.shots:
        args.shots.mkdir(parents=True, exist_ok=True)

    def measured(name: str, page: Page, started: float) -> None:
        settle(page)
        seconds = time.perf_counter() - started - (300 + PAUSE_MS) / 1000
        print(f"{name:<56}{seconds:8.2f} s{received[0] / 1e6:10.2f} MB", flush=True)
        if args.shots:
            safe = "".join(c if c.isalnum() else "_" for c in name)
            page.screenshot(path=str(args.shots / f"{args.role}_{safe}.png"), full_page=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(180_000)
        page.on(
            "websocket",
            lambda ws: ws.on("framereceived", lambda data: received.__setitem__(0, received[0] + len(data))),
        )
        started = time.perf_counter()
        log_in(page, args.base, args.username, args.password)
        measured("sign-in and Home", page, started)
        for spec in pages_for(UserRole(args.role)):
            if args.pages and spec.path not in args.pages:
                continue
            received[0], started = 0, time.perf_counter()
            open_page(page, spec.title, spec.group)
            measured(spec.path, page, started)
            if args.course and spec.path == "pages/reach.py":
                received[0], started = 0, time.perf_counter()
                finder = page.get_by_label("Find a course")
                finder.fill(args.course)
                finder.press("Enter")
                measured(f"{spec.path}: find {args.course}", page, started)
                received[0], started = 0, time.perf_counter()
                page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first.click()
                page.get_by_role("option", name=args.course).first.click()
                page.keyboard.press("Escape")
                measured(f"{spec.path}: choose {args.course}", page, started)
            tabs = page.get_by_role("tab")
            for index, label in list(enumerate(tabs.nth(i).inner_text() for i in range(tabs.count())))[1:]:
                received[0], started = 0, time.perf_counter()
                page.get_by_role("tab").nth(index).click()
                measured(f"{spec.path} > {label}", page, started)
        browser.close()


if __name__ == "__main__":
    main()
