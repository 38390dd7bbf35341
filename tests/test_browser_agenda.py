"""The agenda grid in headless Chromium: rows typed on a new module with the grid's own time picker are saved."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session

from programme.access.accounts import add_user
from programme.core import schema
from programme.core.db import make_engine, session_scope
from programme.courses.catalogue import add_course, add_module
from programme.models import UserRole
from programme.planning.agenda import agenda_table
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
# Columns after Day, in the grid's order.
COLUMNS = ["day", "start", "end", "title", "method", "room"]


@pytest.fixture
def new_module_app(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A running app on an empty database with an administrator, a course and its Module 1 (no agenda)."""
    url = f"sqlite:///{tmp_path / 'new.db'}"
    engine = make_engine(url)
    schema.upgrade(engine)
    with session_scope(engine) as session:
        add_user(session, username=ADMIN[0], password=ADMIN[1], role=UserRole.ADMIN, by=None)
        add_course(session, code="MW-2025", title="Migrant workers' rights", scope="national", country="MYS")
        add_module(
            session,
            course_code="MW-2025",
            number=1,
            title="Module 1",
            start=date(2025, 3, 3),
            end=date(2025, 3, 6),
            city="Kuala Lumpur",
            country="MYS",
        )
    with streamlit_server(url) as base:
        yield base, url


def test_rows_typed_with_the_time_picker_on_a_new_module_are_saved(page, new_module_app: tuple[str, str]) -> None:
    base, url = new_module_app
    log_in(page, base)
    open_page(page, "Agenda", "Plan")
    grid = page.locator("[data-testid='stDataFrame']").first
    rows = [("1", "09:00", "10:30", "Opening", "Main hall"), ("1", "10:30", "11:00", "Coffee break", "Terrace")]
    for index, (day, start, end, title, room) in enumerate(rows):
        add_grid_row(page, grid)
        for column, value in zip(["day", "start", "end", "title", "room"], [day, start, end, title, room], strict=True):
            type_cell(page, grid, index, COLUMNS.index(column), value)
    save = page.get_by_role("button", name="Save agenda")
    from playwright.sync_api import expect

    # The button is enabled by the rerun that takes the last cell's value; on a loaded machine (CI) that rerun can end
    # after the cell's own short wait, so the check waits for it (bounded), and keeps a screenshot if it never comes.
    wait_idle(page)
    try:
        expect(save).to_be_enabled(timeout=30_000)
    except AssertionError:
        screenshot(page, "agenda-typed-rows-not-taken")
        raise AssertionError("the typed rows were not taken") from None
    assert page.get_by_text("to fix before saving:").count() == 0
    save.click()
    page.get_by_text("Saved: 2 added").wait_for(timeout=60_000)
    wait_idle(page)
    screenshot(page, "agenda-typed-rows-saved")
    with Session(make_engine(url)) as session:
        saved = agenda_table(session, 1)
    assert saved[["day", "title", "method", "room"]].values.tolist() == [
        [1, "Opening", "presentation", "Main hall"],
        [1, "Coffee break", "break", "Terrace"],
    ]
    assert [(f"{s:%H:%M}", f"{e:%H:%M}") for s, e in zip(saved["start"], saved["end"], strict=True)] == [
        ("09:00", "10:30"),
        ("10:30", "11:00"),
    ]


def test_an_agenda_sheet_is_previewed_with_its_columns_and_imported(
    page, new_module_app: tuple[str, str], tmp_path: Path
) -> None:
    """Title rows above the header, typed times; the page shows each column's role; Room set to not used is not read."""
    base, url = new_module_app
    sheet = tmp_path / "programme.csv"
    sheet.write_text(
        "Migrant workers' rights — Module 1,,,,,\n"
        "Kuala Lumpur, 3–6 March 2025,,,,\n"
        ",,,,,\n"
        "Day,Time,Session,Facilitator,Method,Room\n"
        "1,9:00 AM - 10:30 AM,Opening and expectations,Ana Thapa,Plenary,Main hall\n"
        "1,14h30 - 16h00,Role play: lobbying a labour attaché,Dev Putra,Role play,Room B\n",
        encoding="utf-8",
    )
    log_in(page, base)
    open_page(page, "Agenda", "Plan")
    page.get_by_role("tab", name="Library and copying").click()
    wait_idle(page)
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
        {"name": sheet.name, "mimeType": "text/csv", "buffer": sheet.read_bytes()}
    )
    wait_idle(page)
    page.get_by_text("each column and what it is read as").wait_for(timeout=60_000)
    page.get_by_text("Change what a column is read as").click()
    wait_idle(page)
    for label, option in (("Column", "Room"), ("Read as", "not used")):
        choose(page, label, option)
    screenshot(page, "agenda-import-preview")
    page.get_by_role("button", name="Import 2 sessions").click()
    page.get_by_text("Imported 2 sessions (2 new, 0 updated).").wait_for(timeout=60_000)
    wait_idle(page)
    assert page.locator("[data-testid='stException']").count() == 0
    with Session(make_engine(url)) as session:
        table = agenda_table(session, 1)
    assert [(row.title, f"{row.start:%H:%M}", f"{row.end:%H:%M}", row.room) for row in table.itertuples()] == [
        ("Opening and expectations", "09:00", "10:30", ""),
        ("Role play: lobbying a labour attaché", "14:30", "16:00", ""),
    ]


def choose(page, label: str, option: str, tries: int = 3) -> None:
    """Pick option in the selectbox labelled label, as a person would: open it, type, click the option. A rerun that
    redraws the box as it opens takes its list away (seen on a loaded machine, CI): the box is opened again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(tries):
        box = page.locator("[data-testid='stSelectbox']").filter(has_text=label).first
        box.locator("input").click()
        box.locator("input").fill(option)
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=15_000)
            break
        except PlaywrightTimeout:
            if attempt == tries - 1:
                screenshot(page, f"agenda-import-{label.lower().replace(' ', '-')}-not-offered")
                raise
            page.keyboard.press("Escape")
            wait_idle(page)
    wait_idle(page)
