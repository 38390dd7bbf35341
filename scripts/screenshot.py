"""Take screenshots of app pages in headless Chromium: python scripts/screenshot.py URL OUT.png [USER PASS]."""

from __future__ import annotations

import sys

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def main() -> None:
    url, out = sys.argv[1], sys.argv[2]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url)
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=30_000)
        if len(sys.argv) > 4:
            page.get_by_label("Username").fill(sys.argv[3])
            page.get_by_label("Password", exact=True).fill(sys.argv[4])
            page.get_by_role("button", name="Log in").click()
            page.wait_for_timeout(1500)
            page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=30_000)
        page.wait_for_timeout(800)
        page.screenshot(path=out, full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
