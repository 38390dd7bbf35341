"""A new organisation's journey, in headless Chromium: a module's address opens every module picker on it (a wrong one
gives a note, never a traceback); an evaluation export's long "becomes" is readable in full without the page scrolling
sideways; a participant's form closed while it is filled in keeps what they typed on Send, with when it closed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.core.db import make_engine, session_scope
from programme.courses.catalogue import add_course, add_module
from programme.courses.catalogue import module_label as label_of
from programme.models import Course, Module
from programme.selfservice.links import close_forms, open_form
from tests.browser_support import demo_server_with_admin, log_in, screenshot, wait_idle

pytestmark = pytest.mark.browser
EXCEPTION = "[data-testid='stException']"
TIMEOUT_MS = 60_000
# A question as a survey tool exports it: long, with characters Markdown would read (* _ $ [ ]).
LONG_QUESTION = (
    "How will you use what you learned at the *visit to the Australian High Commission* in your work over the next "
    "six months (cases, lobbying, $ budget, [network] meetings), and with which colleagues or partners_?"
)


@pytest.fixture(scope="module")
def audit_app(tmp_path_factory: pytest.TempPathFactory, sqlite_templates: dict[str, Path]) -> Iterator[tuple[str, str]]:
    with demo_server_with_admin(tmp_path_factory.mktemp("audit_j"), sqlite_templates["demo"]) as app:
        yield app


def _oldest(url: str) -> tuple[int, str]:
    with Session(make_engine(url)) as session:
        row = session.execute(
            sa.select(Module.id, Course.code, Module.number, Module.start_date, Module.city)
            .join(Course, Course.id == Module.course_id)
            .order_by(Module.start_date, Module.id)
        ).first()
        return int(row.id), label_of(row.code, row.number, row.start_date, row.city)


def test_a_modules_address_opens_the_pickers_on_it_and_a_wrong_one_says_so(page, audit_app) -> None:
    url, base = audit_app
    module_id, label = _oldest(url)
    log_in(page, base)
    for path in ("groups", "participant_forms", "evaluation_entry"):
        page.goto(f"{base}/{path}?module={module_id}")
        wait_idle(page)
        picker = page.locator("[data-testid='stSelectbox']").filter(has_text="Module").first
        picker.wait_for(timeout=TIMEOUT_MS)
        # The picker shows the address's module (its label as the options read it; the value is in the box's input).
        shown = picker.evaluate(
            "box => box.innerText + ' ' + [...box.querySelectorAll('input')].map(i => i.value).join(' ')"
        )
        assert label in shown, (path, shown)
        assert page.locator(EXCEPTION).count() == 0
        screenshot(page, f"audit-j-address-{path}")
    page.goto(f"{base}/agenda?module=987654")
    wait_idle(page)
    page.get_by_text("The module in the address does not exist").wait_for(timeout=TIMEOUT_MS)
    assert page.locator(EXCEPTION).count() == 0
    screenshot(page, "audit-j-address-wrong")


def test_an_evaluation_exports_long_becomes_is_read_in_full(page, audit_app, tmp_path: Path) -> None:
    _url, base = audit_app
    export = tmp_path / "long_question.csv"
    export.write_text(f'Timestamp,Overall quality,"{LONG_QUESTION}"\n2026-11-20 10:00:00,4,With my union\n')
    log_in(page, base)
    page.goto(f"{base}/evaluation_entry")
    wait_idle(page)
    page.get_by_role("tab", name="Import an export").click()
    wait_idle(page)
    page.locator("[data-testid='stFileUploader']:visible input[type='file']").set_input_files(
        {"name": export.name, "mimeType": "text/csv", "buffer": export.read_bytes()}
    )
    wait_idle(page)
    table = page.locator("[data-testid='stTable']").filter(has_text="becomes").first
    table.wait_for(timeout=TIMEOUT_MS)
    # The whole wording, exactly as the export has it (no Markdown read into it), in a cell one can read: on the page,
    # visible, not cut (its cell as wide as its text), and the page itself does not scroll sideways.
    cell = table.locator("td").filter(has_text="visit to the Australian High Commission").first
    assert LONG_QUESTION in cell.inner_text()
    assert cell.is_visible()
    assert cell.evaluate("c => c.scrollWidth <= c.clientWidth + 1")
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
    cell.scroll_into_view_if_needed()
    assert page.locator(EXCEPTION).count() == 0
    screenshot(page, "audit-j-becomes-in-full")


def test_a_form_closed_while_it_is_filled_in_keeps_the_answers_on_a_phone(browser, audit_app) -> None:
    url, base = audit_app
    with session_scope(make_engine(url)) as session:
        add_course(session, code="AUDJ", title="Journey audit course", by=None)
        module = add_module(session, course_code="AUDJ", number=1, title="Advocacy with embassies",
                            start=date(2026, 12, 2), end=date(2026, 12, 3), by=None)  # fmt: skip
        token = open_form(session, module_id=module.id, kind="registration").token
        module_id = module.id
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    try:
        phone.goto(f"{base}/?form={token}")
        wait_idle(phone)
        name = phone.get_by_label("Full name (required)")
        name.fill("Somchai Prasert")
        phone.get_by_label("Organisation", exact=True).fill("Migrant Workers Rights Network")
        with session_scope(make_engine(url)) as session:
            close_forms(session, module_id=module_id, by="facilitator")
        phone.get_by_role("button", name="Send").click()
        phone.get_by_text("This form was closed by the organisers on").wait_for(timeout=TIMEOUT_MS)
        wait_idle(phone)
        assert phone.get_by_text("Your answers have not been sent; they are still on this page.").count() == 1
        assert name.input_value() == "Somchai Prasert"
        assert phone.get_by_label("Organisation", exact=True).input_value() == "Migrant Workers Rights Network"
        assert phone.locator(EXCEPTION).count() == 0
        phone.get_by_text("This form was closed by the organisers on").scroll_into_view_if_needed()
        screenshot(phone, "audit-j-form-closed-message")
        name.scroll_into_view_if_needed()
        screenshot(phone, "audit-j-form-closed-answers-kept")
        # The link opened afresh: when it closed and what to do, and nothing of the form.
        phone.goto(f"{base}/?form={token}")
        phone.get_by_text("ask the course's organisers").wait_for(timeout=TIMEOUT_MS)
        assert phone.get_by_label("Full name (required)").count() == 0
        screenshot(phone, "audit-j-form-closed-link")
    finally:
        context.close()
