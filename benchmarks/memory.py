"""Peak memory of the app process at scale (goal: under 600 MB).

    python benchmarks/memory.py --db /tmp/scale.db

Starts `streamlit run app.py` on the database, then headless Chromium (Playwright, the
machine's /usr/bin/chromium) logs in and opens every page once through the top navigation. The figure
is the server process's peak resident set (VmHWM in /proc). It adds an account "benchmark-admin" to the
database if missing. With --apptest it instead measures this process's own peak while AppTest runs
every page (no browser needed; the output says which was measured).

    python benchmarks/memory.py --csv-import 1000000

Instead writes a CSV of that many participants (the columns of import_participants.py) and runs
`python -m programme import participants FILE --dry-run` on a fresh SQLite file with one module; the figure
is that command's peak resident set (ru_maxrss of the child). Goal: under 1 GB for a million rows.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import ACCOUNT, database_url, ensure_account, machine
from programme.core.db import REPO_ROOT
from programme.web.navigation import PAGES
from tests.browser_support import CHROMIUM, CHROMIUM_FLAGS, free_port, log_in, open_page, wait_idle

GOAL_MB = 600
CSV_GOAL_MB = 1024
PAGE_TIMEOUT_MS = 600_000
START_SECONDS = 120


def megabytes(pid: int, field: str) -> float:
    """Return a memory field of /proc/PID/status (VmRSS, VmHWM) in MB."""
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith(field + ":"))
    return int(line.split()[1]) / 1024


def start_server(url: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    env = {**os.environ, "DATABASE_URL": url}
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("streamlit did not start")


def browser_run(url: str, screenshots: Path | None) -> None:
    from playwright.sync_api import sync_playwright

    ensure_account(url)
    process, base = start_server(url)
    try:
        print(f"after start: {megabytes(process.pid, 'VmRSS'):.0f} MB")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(PAGE_TIMEOUT_MS)
            log_in(page, base, *ACCOUNT)
            for spec in PAGES:
                started = time.perf_counter()
                open_page(page, spec.title, spec.group)
                wait_idle(page, timeout=PAGE_TIMEOUT_MS)
                errors = page.locator("[data-testid='stException']").count()
                if screenshots:
                    screenshots.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(screenshots / f"{Path(spec.path).stem}.png"), full_page=True)
                print(
                    f"{spec.path:<34} shown in {time.perf_counter() - started:6.1f} s, "
                    f"server now {megabytes(process.pid, 'VmRSS'):5.0f} MB"
                    + (f", {errors} exception(s) on the page" if errors else ""),
                    flush=True,
                )
            browser.close()
        peak = megabytes(process.pid, "VmHWM")
    finally:
        process.terminate()
        process.wait(timeout=30)
    verdict = "ok" if peak < GOAL_MB else "OVER"
    print(f"\npeak RSS of the `streamlit run` process (VmHWM), every page opened once in Chromium: {peak:.0f} MB")
    print(f"goal under {GOAL_MB} MB: {verdict}")


def apptest_run(url: str) -> None:
    ensure_account(url)
    os.environ["DATABASE_URL"] = url
    from benchmarks.common import quiet_streamlit
    from benchmarks.pages import run_once

    quiet_streamlit()

    for spec in PAGES:
        seconds, _ = run_once(spec.path)
        print(f"{spec.path:<34} {seconds:6.1f} s, process now {megabytes(os.getpid(), 'VmRSS'):5.0f} MB", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    verdict = "ok" if peak < GOAL_MB else "OVER"
    print(f"\npeak RSS of one Python process running every page once with AppTest (no browser): {peak:.0f} MB")
    print(f"goal under {GOAL_MB} MB: {verdict}")


def csv_import_run(rows: int) -> None:
    import csv
    import random
    import tempfile
    from datetime import date

    from benchmarks.import_participants import COUNTRIES, FAMILY, GENDERS, GIVEN, HEADER, ORG_TYPES, SEED
    from programme.core import schema
    from programme.core.db import make_engine, session_scope
    from programme.courses.catalogue import add_course, add_module

    with tempfile.TemporaryDirectory(prefix="programme-benchmark-") as folder:
        path, database = Path(folder) / "participants.csv", Path(folder) / "benchmark.db"
        rng = random.Random(SEED)
        with path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(HEADER)
            for number in range(1, rows + 1):
                given, family = rng.choice(GIVEN), rng.choice(FAMILY)
                writer.writerow(
                    [number, f"{given} {family} {number}", rng.choice(GENDERS), rng.choice(COUNTRIES)]
                    + [rng.choice(COUNTRIES), f"{rng.choice(FAMILY)} Workers Centre {number % 900}"]
                    + [rng.choice(ORG_TYPES), f"p{number}@example.org", f"+{rng.randint(60, 99)} 5{number:08d}"]
                    + ["x", rng.choice(["x", ""]), "x"]
                )
        url = f"sqlite:///{database}"
        engine = make_engine(url)
        schema.upgrade(engine)
        with session_scope(engine) as session:
            add_course(session, code="BENCH", title="Benchmark course")
            day = date(2024, 5, 1)
            add_module(session, course_code="BENCH", number=1, title="Module 1", start=day, end=day)
        engine.dispose()
        print(f"{rows:,} rows, {path.stat().st_size / 2**20:.0f} MB of CSV", flush=True)
        command = [sys.executable, "-m", "programme", "import", "participants", str(path)]
        command += ["--course", "BENCH", "--module", "1", "--dry-run", "--json"]
        started = time.perf_counter()
        done = subprocess.run(
            command, cwd=REPO_ROOT, env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True
        )
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"exit {done.returncode} in {seconds:.0f} s; {done.stderr.strip()[:300]}")
    verdict = "ok" if peak < CSV_GOAL_MB else "OVER"
    print(
        f"peak RSS of the dry-run import (ru_maxrss of the command): {peak:.0f} MB; goal under {CSV_GOAL_MB} MB: {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="SQLite file or database URL (page measurements)")
    parser.add_argument("--csv-import", type=int, metavar="ROWS", help="measure a dry-run import of a ROWS-row CSV")
    parser.add_argument("--apptest", action="store_true", help="measure AppTest runs instead of a browser")
    parser.add_argument("--screenshots", type=Path, help="keep a screenshot of each page in this folder")
    args = parser.parse_args()
    print(machine())
    if args.csv_import:
        csv_import_run(args.csv_import)
        return
    if not args.db:
        parser.error("--db is required unless --csv-import is given")
    url = database_url(args.db)
    if args.apptest or not os.path.exists(CHROMIUM):
        apptest_run(url)
    else:
        browser_run(url, args.screenshots)


if __name__ == "__main__":
    main()
