"""A facilitator's first module, start to finish, on a new installation (issue 21), in headless Chromium.

From an empty database, by clicks and uploads only: the first administrator, a course and a 4-day Module 1, the
shared samples (registration export, attendance sheet, evaluation export), an agenda typed in the grid, role-play
groups, the dashboards, and the three outputs downloaded and read back. Expected figures come from the sample files
themselves (openpyxl, csv) and from the completion rule's wording, never from the app's own queries.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from pypdf import PdfReader

from programme.core import schema
from programme.core.db import make_engine
from tests.browser_support import (
    add_grid_row,
    choose_module,
    open_page,
    screenshot,
    streamlit_server,
    type_cell,
    wait_idle,
)

pytestmark = pytest.mark.browser
# The shared samples sit beside the repository (../shared/samples from its root); a worktree one level deeper
# finds them further up.
SAMPLES = next(
    (folder / "shared" / "samples" for folder in Path(__file__).resolve().parents[2:4] if (folder / "shared").is_dir()),
    Path(__file__).resolve().parents[2] / "shared" / "samples",
)
EXCEPTION = "[data-testid='stException']"
TIMEOUT_MS = 60_000
USERNAME, PASSWORD = "facilitator-admin", "correct-horse-battery-staple-42"
COURSE = "MW-BKK-2019"
# The agenda typed in the grid: day, start, end, title (the method is left empty: the default is taken).
AGENDA = [
    ("1", "09:00", "10:30", "Opening and expectations"),
    ("1", "10:30", "12:00", "International human rights framework"),
    ("2", "09:00", "11:00", "Treaty body reporting"),
]


@pytest.fixture
def empty_app(tmp_path: Path) -> Iterator[str]:
    """A running app on an empty database: no account, no course."""
    if not SAMPLES.is_dir():
        pytest.skip(f"the shared samples are not at {SAMPLES}: the journey test needs them")
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    schema.upgrade(make_engine(url))
    with streamlit_server(url) as base:
        yield base


def sheet_people() -> list[dict]:
    """The attendance sheet's people, read independently: numbered rows under the '#' header, days ticked 'x'."""
    rows = list(openpyxl.load_workbook(SAMPLES / "attendance_sheet.xlsx")["Attendance"].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "#")
    day_columns = [i for i, name in enumerate(rows[header]) if isinstance(name, str) and name.startswith("Day ")]
    people = []
    for row in rows[header + 1 :]:
        if isinstance(row[0], int):
            days = sum(1 for i in day_columns if str(row[i] or "").strip().lower() == "x")
            people.append({"surname": row[1], "given": row[2], "email": (row[6] or "").lower(), "days": days})
    return people


# How often the agenda is typed into the grid before the test gives up (see the journey).
AGENDA_TRIES = 3


def type_agenda(page) -> bool:  # type: ignore[no-untyped-def]
    """Type AGENDA into the Agenda page's empty grid, a row at a time; return whether the grid took it whole (no
    problem shown, no empty row added)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    grid = page.locator("[data-testid='stDataFrame']").first
    try:
        for index, row in enumerate(AGENDA):
            add_grid_row(page, grid)
            for column, value in enumerate(row):
                type_cell(page, grid, index, column, value)
    except PlaywrightTimeout:
        return False
    return page.get_by_text("to fix before saving:").count() == 0


def upload(page, path: Path) -> None:
    """Upload a file into the page's only file uploader; the caller waits for what the upload shows."""
    page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(str(path))
    page.wait_for_timeout(500)
    wait_idle(page)


def upload_until(page, path: Path, shown) -> None:
    """Upload a file until what it leads to is shown: on a loaded machine (CI, every core busy) a file put in while
    a rerun redraws the page was once lost, and a person would put it in again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(DOWNLOAD_TRIES):
        upload(page, path)
        try:
            shown.wait_for(timeout=DOWNLOAD_WAIT_MS)
            return
        except PlaywrightTimeout:
            if attempt == DOWNLOAD_TRIES - 1:
                raise
            screenshot(page, f"journey-upload-retry-{attempt + 1}")


def fill_date(page, label: str, value: str) -> None:
    """Type a date into the date field's segments (year, month, day), as a user would with the keyboard."""
    field = page.get_by_role("group", name=label, exact=True)
    field.get_by_role("spinbutton").first.click()
    page.keyboard.type(value.replace("/", ""))
    page.keyboard.press("Tab")


def metric(page, label: str) -> str:
    box = page.locator("[data-testid='stMetric']").filter(has=page.get_by_text(label, exact=True)).first
    return box.locator("[data-testid='stMetricValue']").inner_text()


# A download button whose file is made on the click: a rerun that redraws the page as the click lands can
# swallow it, as a person would see nothing happen and click again; the test does the same, a few times.
DOWNLOAD_TRIES = 3
DOWNLOAD_WAIT_MS = 30_000


def download(page, name: str) -> bytes:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(DOWNLOAD_TRIES):
        wait_idle(page)
        try:
            with page.expect_download(timeout=DOWNLOAD_WAIT_MS) as started:
                page.get_by_role("button", name=name).click()
            return Path(started.value.path()).read_bytes()
        except PlaywrightTimeout:
            if attempt == DOWNLOAD_TRIES - 1:
                raise
    raise AssertionError("unreachable")


def click_until(page, button, shown) -> None:
    """Click a button until what it leads to is shown: on a loaded machine a rerun that redraws the page as the
    click lands can swallow it (a person would click again). Only for actions that are safe to repeat (an import
    of the same file adds no duplicates)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(DOWNLOAD_TRIES):
        wait_idle(page)
        if button.count():
            button.click()
        try:
            shown.wait_for(timeout=DOWNLOAD_WAIT_MS)
            wait_idle(page)
            return
        except PlaywrightTimeout:
            if attempt == DOWNLOAD_TRIES - 1:
                raise


def no_exception(page) -> None:
    assert page.locator(EXCEPTION).count() == 0


def import_list(page, path: Path, kind: str, shot: str) -> None:
    open_page(page, "Import participants", "People")
    choose_module(page, "Module the list belongs to", f"{COURSE} · Module 1")  # the page chooses none for the user
    # The list's kind is detected and shown for the user to confirm.
    upload_until(page, path, page.get_by_text(f"{kind} (detected)"))
    screenshot(page, shot)
    page.get_by_role("button", name=re.compile(rf"Import [\d,]+ rows into {COURSE} · Module 1")).click()
    page.get_by_text(re.compile(r"Imported as import \d+")).first.wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    no_exception(page)


def test_a_first_module_from_an_empty_database(page, empty_app: str) -> None:
    try:
        journey(page, empty_app)
    except Exception:
        screenshot(page, "journey-failure")
        raise


def journey(page, base: str) -> None:
    people = sheet_people()
    with (SAMPLES / "registrations_online_form.csv").open(encoding="utf-8-sig") as export:
        registrations = list(csv.DictReader(export))
    sheet_emails = {p["email"] for p in people if p["email"]}

    # The first administrator, then signing in with it.
    page.goto(base)
    wait_idle(page)
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create administrator").click()
    page.get_by_text(f"Administrator account {USERNAME} created").wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    screenshot(page, "journey-01-first-admin-created")
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    screenshot(page, "journey-02-home-empty")
    no_exception(page)

    # A course and its 4-day Module 1.
    open_page(page, "Courses and modules", "Plan")
    page.get_by_role("tab", name="Add a course or module").click()
    course_form = page.locator("[data-testid='stForm']").filter(has_text="Add a course").first
    course_form.get_by_label("Code", exact=True).fill(COURSE)
    course_form.get_by_label("Title", exact=True).fill("Regional Course on Migrant Workers' Rights")
    course_form.get_by_label("Host country (code or name)").fill("Thailand")
    course_form.get_by_role("button", name="Add course").click()
    page.get_by_text(f"Course {COURSE} added").wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    screenshot(page, "journey-03-course-added")
    # Saved, so the browser shows the form empty for the next course (it used to keep what was typed).
    assert course_form.get_by_label("Code", exact=True).input_value() == ""
    assert course_form.get_by_label("Title", exact=True).input_value() == ""
    module_form = page.locator("[data-testid='stForm']").filter(has_text="Add a module").first
    module_form.locator("[data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name=re.compile(COURSE)).click()
    module_form.get_by_label("Title", exact=True).fill("Module 1")
    fill_date(page, "Start date", "2019/04/09")
    fill_date(page, "End date", "2019/04/12")
    module_form.get_by_label("City", exact=True).fill("Bangkok")
    module_form.get_by_label("Country (code or name)").fill("Thailand")
    screenshot(page, "journey-04-add-module")
    module_form.get_by_role("button", name="Add module").click()
    page.get_by_text(f"Module 1 of {COURSE} added").first.wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    no_exception(page)
    assert module_form.get_by_label("City", exact=True).input_value() == ""  # cleared; the course stays chosen

    # The registration export, then the attendance sheet, into Module 1.
    import_list(page, SAMPLES / "registrations_online_form.csv", "Registration list", "journey-04-import-registrations")
    import_list(page, SAMPLES / "attendance_sheet.xlsx", "Attendance sheet", "journey-05-import-attendance")

    # The agenda, typed in the grid: day, times and title only. The canvas grid, driven by clicks and keys while
    # reruns redraw it, sometimes loses a row or a cell (seen in CI: an empty row, a cell whose editor never opened);
    # then, as a person would, the test leaves the page (the unsaved grid goes) and types the agenda again.
    for attempt in range(AGENDA_TRIES):
        open_page(page, "Agenda", "Plan")
        if type_agenda(page):
            break
        screenshot(page, f"journey-agenda-try-{attempt + 1}")
        assert attempt < AGENDA_TRIES - 1, "the agenda could not be typed in the grid"
        open_page(page, "Courses and modules", "Plan")
    assert page.get_by_text("to fix before saving:").count() == 0
    page.get_by_role("button", name="Save agenda").click()
    page.get_by_text(f"Saved: {len(AGENDA)} added").wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    screenshot(page, "journey-06-agenda-saved")
    no_exception(page)

    # Role-play groups.
    open_page(page, "Groups and role plays", "Plan")
    page.get_by_role("button", name="Generate groups").click()
    wait_idle(page)
    page.get_by_role("button", name="Save groups").click()
    wait_idle(page)
    page.get_by_text(re.compile(r"[Ss]aved")).first.wait_for(timeout=TIMEOUT_MS)
    screenshot(page, "journey-07-groups")
    no_exception(page)

    # The evaluation export.
    open_page(page, "Forms and entry", "Evaluate")
    page.get_by_role("tab", name="Import an export").click()
    wait_idle(page)  # the tab's own rerun, before the file goes in
    importing = page.get_by_role("button", name=re.compile(r"Import \d+ responses"))
    upload_until(page, SAMPLES / "evaluation_survey_export.csv", importing)
    screenshot(page, "journey-08-evaluation-preview")
    click_until(page, importing, page.get_by_text(re.compile(r"Imported \d+ responses")).first)
    no_exception(page)

    # The dashboards.
    open_page(page, "Evaluation dashboard", "Evaluate")
    responses = int(metric(page, "Responses"))
    screenshot(page, "journey-09-evaluation-dashboard")
    no_exception(page)
    open_page(page, "Reach dashboard", "Reports")
    individuals = int(metric(page, "Individuals").replace(",", ""))
    countries = int(metric(page, "Countries"))
    women = metric(page, "Women")
    registered = int(metric(page, "Signed up"))
    screenshot(page, "journey-10-reach")
    no_exception(page)
    # Reach counts the people who took part: the 60 on the attendance sheet, not the 100 registered.
    assert individuals == len(people) == 60
    # The export has a blank submission and one person who filled the form twice (same e-mail): 60 registered.
    assert (
        registered == len({r["Email Address"].strip().lower() for r in registrations if r["Full Name"].strip()}) == 60
    )

    # Completion under the default rule (attended all days): nobody attended all 4 days of a 3-day sheet.
    expected_all_days = [p for p in people if p["days"] >= 4]
    open_page(page, "Reports and exports", "Reports")
    page.get_by_text("Completed Module 1:").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_text(f"Completed Module 1: {len(expected_all_days)}").count() == 1
    assert expected_all_days == []
    # The hint names the cause: the rule, not missing attendance (the sheet covers 3 of the module's 4 days).
    page.get_by_text(
        f"{len(people)} took part, and nobody meets the completion rule ('attended all days' of the module's 4 days)"
    ).wait_for(timeout=TIMEOUT_MS)
    report = Document(io.BytesIO(download(page, "Download the module report (.docx)")))
    workbook = openpyxl.load_workbook(io.BytesIO(download(page, "Download the summary workbook (.xlsx)")))
    screenshot(page, "journey-11-reports")
    no_exception(page)

    # The report: the typed agenda, and the same figures as the dashboards.
    text = "\n".join(paragraph.text for paragraph in report.paragraphs)
    for day, start, end, title in AGENDA:
        assert f"Day {day}, {start}–{end}: {title}" in text
    assert f"{individuals} participants from {countries} countries took part" in text
    assert f"{women} were women" in text
    assert f"({responses} responses)" in text
    assert "Completed: 40" not in text
    # The workbook: sheets the caption promises, with figures.
    assert len(workbook.sheetnames) >= 3

    # The organisation's rule changed in Settings to "at least one day": the 60 on the sheet complete, the 40
    # registered only do not.
    open_page(page, "Settings", "Admin")
    page.get_by_text("attended at least one day", exact=True).click()
    page.get_by_role("button", name="Save and apply to every module").click()
    page.get_by_text("The rule is now 'attended at least one day'").wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    expected = [p for p in people if p["days"] >= 1]
    open_page(page, "Reports and exports", "Reports")
    page.get_by_text(f"Completed Module 1: {len(expected)}").wait_for(timeout=TIMEOUT_MS)
    pdf = PdfReader(io.BytesIO(download(page, "Certificates for this module (PDF)")))
    screenshot(page, "journey-12-reports-completed")
    no_exception(page)
    assert len(pdf.pages) == len(expected)
    printed = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    latin = [p for p in expected if re.fullmatch(r"[A-Za-z' -]+", f"{p['surname']}{p['given']}")]
    assert latin
    for person in latin:
        assert person["surname"] in printed, person
    registered_only = [r for r in registrations if r["Email Address"].strip().lower() not in sheet_emails]
    sheet_names = {f"{p['given']} {p['surname']}" for p in people} | {f"{p['surname']} {p['given']}" for p in people}
    for row in registered_only:
        name = row["Full Name"].strip()
        if name not in sheet_names and re.fullmatch(r"[A-Za-z' -]+", name):
            assert name not in printed, name

    # Home, after the journey: the module and its reach at a glance.
    open_page(page, "Home", "")
    screenshot(page, "journey-13-home")
    no_exception(page)
