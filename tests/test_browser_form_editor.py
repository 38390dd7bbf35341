"""The question editor in headless Chromium: on a module's standard form, a question is added, another reworded and
the new one moved to the top in the grid; saved, the page reloaded, the grid and the paper-entry form show them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time
from pathlib import Path

import pytest
from sqlmodel import Session

from programme.access.accounts import add_user
from programme.core import schema
from programme.core.db import make_engine, session_scope
from programme.courses.catalogue import add_course, add_module
from programme.evaluations import create_standard_form
from programme.evaluations.forms import form_questions
from programme.models import UserRole
from programme.planning.agenda import add_session
from tests.browser_support import (
    ADMIN,
    add_grid_row,
    log_in,
    open_page,
    screenshot,
    streamlit_server,
    type_cell,
    wait_idle,
)

pytestmark = pytest.mark.browser
# The grid's columns from the left (programme/web/form_editor.COLUMNS).
COLUMNS = ["position", "text", "kind", "scale", "asked", "answers", "feeds_backlog", "session", "earlier"]
NEW = "How confident are you now to brief a treaty body?"
REWORDED = "Venue, meals and travel"
TIMEOUT_MS = 60_000
CELL_TRIES = 3


@pytest.fixture
def form_app(tmp_path: Path) -> Iterator[tuple[str, str, int]]:
    """A running app on a new database: an administrator, one module with two sessions and its standard form."""
    url = f"sqlite:///{tmp_path / 'form.db'}"
    engine = make_engine(url)
    schema.upgrade(engine)
    with session_scope(engine) as session:
        add_user(session, username=ADMIN[0], password=ADMIN[1], role=UserRole.ADMIN, by=None)
        add_course(session, code="MW-2025", title="Migrant workers' rights", scope="national", country="MYS")
        module = add_module(session, course_code="MW-2025", number=1, title="Module 1", start=date(2025, 3, 3),
                            end=date(2025, 3, 6), city="Kuala Lumpur", country="MYS")  # fmt: skip
        for hour, title in ((9, "CEDAW and migrant women"), (11, "Lobbying for rights")):
            add_session(session, module_id=module.id, day=1, start=time(hour), end=time(hour + 1), title=title,
                        by=None)  # fmt: skip
        form_id = create_standard_form(session, module_id=module.id, by=None).id
    with streamlit_server(url) as base:
        yield base, url, form_id


def type_until_said(page, grid, row: int, column: str, value: str, said: str) -> None:  # type: ignore[no-untyped-def]
    """Type a cell, and again (at most CELL_TRIES times) until the page says what saving will do with it: on a loaded
    machine a rerun that redraws the grid can take the click or the arrow key that chose the cell."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(CELL_TRIES):
        type_cell(page, grid, row, COLUMNS.index(column), value)
        try:
            page.get_by_text(said, exact=False).wait_for(timeout=10_000)
            return
        except PlaywrightTimeout:
            if attempt == CELL_TRIES - 1:
                raise


def test_a_question_added_reworded_and_moved_is_saved_and_asked_on_the_paper_form(
    page, form_app: tuple[str, str, int]
) -> None:
    base, url, form_id = form_app
    log_in(page, base)
    open_page(page, "Forms and entry", "Evaluate")
    grid = page.locator("[data-testid='stDataFrame']:visible").first
    grid.wait_for(timeout=TIMEOUT_MS)
    screenshot(page, "form-editor-opened")
    with Session(make_engine(url)) as session:
        before = [q.text for q in form_questions(session, form_id)]
    logistics = before.index("Logistics and venue")
    # What the page says the save will do is how the test, as a person, sees that each cell was taken.
    type_until_said(
        page, grid, logistics, "text", REWORDED, f"Question {logistics + 1} (“Logistics and venue”): reworded."
    )
    add_grid_row(page, grid)
    type_until_said(page, grid, len(before), "text", NEW, f"“{NEW}” is added as question")
    type_until_said(page, grid, len(before), "position", "1", f"“{NEW}” is added as question 1.")
    page.get_by_role("button", name="Save questions").scroll_into_view_if_needed()
    screenshot(page, "form-editor-before-saving")
    save = page.get_by_role("button", name="Save questions")
    assert save.is_enabled(), "the typed cells were not taken"
    save.click()
    page.get_by_text("Saved: 1 question added, 1 changed.").wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    expected = [NEW, *(REWORDED if text == "Logistics and venue" else text for text in before)]
    with Session(make_engine(url)) as session:
        assert [q.text for q in form_questions(session, form_id)] == expected
    # Reloaded: the grid shows the saved questions, and the paper-entry form asks them in that order.
    page.reload()
    wait_idle(page)
    page.locator("[data-testid='stDataFrame']:visible").first.wait_for(timeout=TIMEOUT_MS)
    screenshot(page, "form-editor-reloaded")
    page.get_by_role("tab", name="Type paper forms").click()
    wait_idle(page)
    page.get_by_text(f"1. {NEW}").wait_for(timeout=TIMEOUT_MS)
    position = expected.index(REWORDED) + 1
    page.get_by_text(f"{position}. {REWORDED}").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_text("Logistics and venue").count() == 0
    screenshot(page, "form-editor-paper-form")
    assert page.locator("[data-testid='stException']").count() == 0


def test_a_paper_answer_to_a_question_changed_or_removed_while_typed_is_named_not_dropped(
    page, form_app: tuple[str, str, int]
) -> None:
    """In Chromium, where the browser sends the form: a facilitator types a paper form while a colleague puts one new
    question on a 0-10 scale and removes another. The save is refused naming both (the answers typed to them are read
    from the widgets the page no longer draws), the other answers stay typed, and the next save keeps them."""
    import sqlalchemy as sa

    from programme.access.accounts import SignedIn
    from programme.evaluations import form_editing as editing
    from programme.models import Answer, Response

    base, url, form_id = form_app
    admin = SignedIn(user_id=1, username=ADMIN[0], role=UserRole.ADMIN)
    with session_scope(make_engine(url)) as session:
        rescaled = editing.add_form_question(session, form_id=form_id, text="Would you attend Module 2?", by=admin).id
        removed = editing.add_form_question(session, form_id=form_id, text="Who told you?", kind="text", by=admin).id
        quality = next(q.id for q in form_questions(session, form_id) if q.text == "Quality of facilitation")
    log_in(page, base)
    open_page(page, "Forms and entry", "Evaluate")
    page.get_by_role("tab", name="Type paper forms").click()
    wait_idle(page)
    form = page.locator("[data-testid='stForm']").filter(has_text="Save and start the next form").first
    radios = form.locator("[data-testid='stRadio']")
    radios.filter(has_text="Quality of facilitation").get_by_text("5 Excellent").click()
    radios.filter(has_text="Would you attend Module 2?").get_by_text("2 Fair").click()
    form.locator("[data-testid='stTextArea']").filter(has_text="Who told you?").locator("textarea").fill("A colleague")
    with session_scope(make_engine(url)) as session:  # meanwhile, on the Form tab
        editing.set_question(session, question_id=rescaled, scale=(0, 10), by=admin)
        editing.remove_question(session, question_id=removed, by=admin)
    form.get_by_role("button", name="Save and start the next form").click()
    refusal = page.get_by_text("Changed while you typed: question 8 (“Would you attend Module 2?”) is now a rating "
                               "from 0 to 10.", exact=False)  # fmt: skip
    refusal.wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    screenshot(page, "paper-entry-changed-meanwhile")
    assert page.get_by_text(
        "Question 9 (“Who told you?”) was removed from the form while you typed", exact=False
    ).count()
    with Session(make_engine(url)) as session:
        assert session.scalar(sa.select(sa.func.count(Response.id))) == 0
    # Saved again, the 0-10 question left blank: the answer kept typed is stored, and only it.
    form.get_by_role("button", name="Save and start the next form").click()
    page.get_by_text("Saved. 1 form typed in this sitting.").wait_for(timeout=TIMEOUT_MS)
    with Session(make_engine(url)) as session:
        assert session.execute(sa.select(Answer.question_id, Answer.rating)).tuples().all() == [(quality, 5)]
