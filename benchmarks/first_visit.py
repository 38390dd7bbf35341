"""The first visit after a server start, in Chromium: what a facilitator meets every morning on a laptop.

    python benchmarks/first_visit.py DATABASE USER PASSWORD [--runs 3] [--importtime FILE] [--app DIR] [--pause S]

DATABASE is a SQLite file or a URL that already holds the account USER (an empty database with one account, or the
demo: `python -m programme demo`). Each run starts `streamlit run app.py` (the README's command; streamlit_app.py in a checkout without app.py; headless
on a free port) with Chromium already open, and prints:

- server: from the command's start until its health check answers (Streamlit's own start);
- sign-in page: from opening the app's address until the sign-in form is drawn (the first script run: the imports
  the entry script and Home need, the engine, the migration check, the count of accounts);
- Home: from the Log in click until Home is drawn and its script run ended (the first figures computed);
- then the same two steps again in a fresh browser context on the same server (the second visit).

Each step also gives, in brackets, the seconds until the server's last websocket message of that step: the server's
part (the script run); the rest is the browser's (loading the elements' scripts: Plotly's for Home's chart; drawing).

--importtime FILE: the server runs with `python -X importtime`; its import log (every import, in the script
runs' threads too) is written to FILE, for a breakdown of the first run's imports.
--pause S: wait S seconds between the sign-in form drawn and the Log in click, as a person typing (default 0: the
click at once, the least time for what the server does meanwhile).
--app DIR: run the app of another checkout (an older commit extracted with `git archive`), to alternate before and
after a change on the same database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import Browser, sync_playwright

from benchmarks.common import database_url, machine
from programme.core.db import REPO_ROOT
from tests.browser_support import CHROMIUM, IDLE, free_port


def start_server(url: str, port: int, importtime: Path | None, app: Path = REPO_ROOT) -> subprocess.Popen:
    flags = ["-X", "importtime"] if importtime else []
    script = "app.py" if (app / "app.py").exists() else "streamlit_app.py"  # an older checkout has no app.py
    command = [sys.executable, *flags, "-m", "streamlit", "run", script]
    command += ["--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1"]
    stderr = importtime.open("w") if importtime else subprocess.DEVNULL
    return subprocess.Popen(
        command, cwd=app, env={**os.environ, "DATABASE_URL": url}, stdout=subprocess.DEVNULL, stderr=stderr
    )


def wait_healthy(base: str, process: subprocess.Popen) -> None:
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None:
            raise RuntimeError("streamlit stopped before it answered")
        time.sleep(0.02)


def visit(
    browser: Browser, base: str, username: str, password: str, pause: float = 0.0
) -> tuple[float, float, float, float]:
    """Return, in a fresh browser context, the seconds to the sign-in form drawn and from Log in to Home drawn, each
    with the seconds to the server's last message of that step (the rest is the browser's: loading the elements'
    scripts, drawing)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(180_000)
    last = [0.0]
    page.on("websocket", lambda ws: ws.on("framereceived", lambda _data: last.__setitem__(0, time.perf_counter())))
    started = time.perf_counter()
    page.goto(base)
    page.get_by_label("Username").wait_for(state="visible")
    sign_in = time.perf_counter() - started
    page.wait_for_selector(IDLE)
    sign_in_server = last[0] - started
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.wait_for_timeout(pause * 1000)
    started = time.perf_counter()
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for(state="visible")
    page.get_by_role("heading", name="Programme Manager").wait_for(state="visible")
    page.wait_for_selector(IDLE)
    home = time.perf_counter() - started
    context.close()
    return sign_in, sign_in_server, home, last[0] - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("username")
    parser.add_argument("password")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--importtime", type=Path, help="the server's -X importtime log, written here")
    parser.add_argument("--pause", type=float, default=0.0, help="seconds between the form drawn and Log in (typing)")
    parser.add_argument("--app", type=Path, default=REPO_ROOT, help="the checkout whose app.py runs")
    args = parser.parse_args()
    url = database_url(args.database)
    print(machine())
    print(f"app: {args.app}")
    rows: list[tuple[float, ...]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for run in range(args.runs):
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            started = time.perf_counter()
            process = start_server(url, port, args.importtime if run == 0 else None, args.app)
            try:
                wait_healthy(base, process)
                server = time.perf_counter() - started
                first = visit(browser, base, args.username, args.password, args.pause)
                second = visit(browser, base, args.username, args.password)
            finally:
                process.terminate()
                process.wait(timeout=30)
            rows.append((server, *first, *second))
            print(
                f"run {run + 1}: server {server:5.2f} s | first visit: sign-in page {first[0]:5.2f} s "
                f"(server's last message {first[1]:5.2f}), Home {first[2]:5.2f} s ({first[3]:5.2f}) | second visit: "
                f"sign-in page {second[0]:5.2f} s ({second[1]:5.2f}), Home {second[2]:5.2f} s ({second[3]:5.2f})",
                flush=True,
            )
        browser.close()
    medians = [statistics.median(column) for column in zip(*rows, strict=True)]
    print(
        f"median: server {medians[0]:.2f} s | first visit: sign-in page {medians[1]:.2f} s ({medians[2]:.2f}), "
        f"Home {medians[3]:.2f} s ({medians[4]:.2f}) | second visit: sign-in page {medians[5]:.2f} s "
        f"({medians[6]:.2f}), Home {medians[7]:.2f} s ({medians[8]:.2f})"
    )
    print(machine())


if __name__ == "__main__":
    main()
