"""Twenty participants send the module's evaluation at once, each from a browser session of their own.

    python benchmarks/forms_load.py [--participants 20] [--database-url URL]

Starts `streamlit run app.py` (tests/browser_support.py's default) on a new database (a temporary SQLite file unless --database-url names an
empty PostgreSQL database), opens a module's evaluation form, then headless Chromium (/usr/bin/chromium) opens the
link in N separate browser contexts (N sessions, as N phones; five pages load at a time), waits until every form is
on screen and filled in, and clicks Send in all of them at once. Prints the time from the click to the thank-you per participant (median, slowest), the
wall time for all, and checks that N responses and N audited submissions are stored.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import date
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from benchmarks.common import machine
from programme.core import schema
from programme.core.db import make_engine, session_scope
from programme.courses.catalogue import add_course, add_module
from programme.models import AuditEntry, FormSubmission, Response
from programme.planning.agenda import add_session
from programme.selfservice.links import open_form
from tests.browser_support import CHROMIUM, CHROMIUM_FLAGS, streamlit_server

TIMEOUT_MS = 300_000
# Pages opened at a time: opening is not what is measured (all click Send together), and 20 Chromium pages loading
# at once on a busy 2-core machine can take minutes.
OPENING_AT_ONCE = 5


def prepare(url: str) -> str:
    """Build a module with three sessions, open its evaluation form and return the token."""
    engine = make_engine(url)
    schema.upgrade(engine)
    with session_scope(engine) as session:
        add_course(session, code="LOAD1", title="Load test course", by=None)
        module = add_module(session, course_code="LOAD1", number=1, title="Load test module",
                            start=date(2026, 12, 1), end=date(2026, 12, 3), by=None)  # fmt: skip
        for hour, title in ((9, "Treaty bodies"), (10, "Lobbying"), (11, "Role play")):
            add_session(session, module_id=module.id, day=1, start=clock(hour), end=clock(hour + 1), title=title,
                        by=None)  # fmt: skip
        return open_form(session, module_id=module.id, kind="evaluation").token


async def participant(browser, link: str, number: int, ready: asyncio.Barrier, opening: asyncio.Semaphore) -> float:  # type: ignore[no-untyped-def]
    context = await browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = await context.new_page()
    try:
        radios = page.locator("[data-testid='stRadio']")
        async with opening:
            await page.goto(link, timeout=TIMEOUT_MS, wait_until="commit")
            await radios.first.wait_for(timeout=TIMEOUT_MS)
        await radios.nth(0).get_by_text("Very good", exact=True).click()
        await (
            radios.nth(1)
            .get_by_text(["Poor", "Fair", "Good", "Very good", "Excellent"][number % 5], exact=True)
            .click()
        )
        await page.locator("textarea").first.fill(f"Participant {number}: the role play")
        await ready.wait()  # every form filled: all click Send together
        started = time.perf_counter()
        await page.get_by_role("button", name="Send").click()
        await page.get_by_text("your answers were received").wait_for(timeout=TIMEOUT_MS)
        return time.perf_counter() - started
    finally:
        await context.close()


async def run(link: str, participants: int) -> tuple[list[float], float]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        ready, opening = asyncio.Barrier(participants), asyncio.Semaphore(OPENING_AT_ONCE)
        started = time.perf_counter()
        times = await asyncio.gather(*(participant(browser, link, n, ready, opening) for n in range(participants)))
        wall = time.perf_counter() - started
        await browser.close()
    return list(times), wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=20)
    parser.add_argument("--database-url", help="an empty database (default: a temporary SQLite file)")
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/forms_load.db"
        token = prepare(url)
        with streamlit_server(url) as base:
            times, wall = asyncio.run(run(f"{base}/?form={token}", args.participants))
        engine = make_engine(url)
        with session_scope(engine) as session:
            responses = session.scalar(sa.select(sa.func.count()).select_from(Response))
            submitted = session.scalar(sa.select(sa.func.count()).select_from(FormSubmission))
            audited = session.scalar(sa.select(sa.func.count()).where(AuditEntry.entity == "form_submission"))
        engine.dispose()
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"{backend}: {args.participants} evaluations sent at once from {args.participants} browser sessions")
    print(f"  Send → thank-you: median {statistics.median(times):.2f} s, slowest {max(times):.2f} s")
    print(f"  all {args.participants} sessions, from opening the link to the last thank-you: {wall:.1f} s")
    print(f"  stored: {responses} responses, {submitted} submissions, {audited} audit entries")
    ok = responses == submitted == audited == args.participants
    print("  verdict:", "all stored" if ok else "MISSING SUBMISSIONS")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
