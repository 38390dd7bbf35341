"""Loose ends of a journey audit, in headless Chromium at a phone's size: a participant's form closed while it is filled
in says so where the participant looks on Send (not below the screen's edge), with a date no line breaks; an import
preview's value too long for its cell is readable in full under the table."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from programme.core.db import make_engine, session_scope
from programme.courses.catalogue import add_course, add_module
from programme.selfservice.labels import text
from programme.selfservice.links import close_forms, open_form
from tests.browser_support import (
    choose_module,
    demo_server_with_admin,
    log_in,
    open_page,
    screenshot,
    wait_idle,
)

pytestmark = pytest.mark.browser
EXCEPTION = "[data-testid='stException']"
TIMEOUT_MS = 60_000
PHONE = {"width": 390, "height": 844}

# In the browser: the message's date and time ("5 décembre 2026 à 14:30", from the date's isolate U+2068 to the zone)
# laid out at each width of the message from 240 to 390 px; the widths at which they take more than one line. (The
# narrowest phone, 320 px wide, draws the message 288 px wide; the French date and time in words, about 180 px, are
# cut only below 214 px, where Streamlit's overflow-wrap breaks a run longer than the line.)
BROKEN_AT = """alert => {
  const nodes = [], walker = document.createTreeWalker(alert, NodeFilter.SHOW_TEXT);
  let whole = '';
  while (walker.nextNode()) { nodes.push([walker.currentNode, whole.length]); whole += walker.currentNode.data; }
  const at = offset => { const [node, from] = nodes.filter(([, from]) => from <= offset).pop(); return [node, offset - from]; };
  const start = whole.indexOf('\u2068'), end = whole.indexOf(' (UTC');
  if (start < 0 || end < start) { return ['no date']; }
  const broken = [];
  for (let width = 240; width <= 390; width += 2) {
    alert.style.width = width + 'px';
    const range = document.createRange();
    range.setStart(...at(start));
    range.setEnd(...at(end));
    const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
    if (tops.size > 1) { broken.push(width); }
  }
  alert.style.width = '';
  return broken;
}"""

# In the browser: where the year, the minutes and the month of the message's date and time are drawn, from the left (in
# French "5 décembre 2026 à 14:30" left to right; in Arabic "5 ديسمبر 2026 الساعة 14:30" right to left, the day first).
DRAWN_AT = """alert => {
  const walker = document.createTreeWalker(alert, NodeFilter.SHOW_TEXT);
  const left = pattern => {
    walker.currentNode = alert;
    while (walker.nextNode()) {
      const found = walker.currentNode.data.search(pattern);
      if (found >= 0) {
        const range = document.createRange();
        range.setStart(walker.currentNode, found);
        range.setEnd(walker.currentNode, found + 2);
        return Math.round(range.getBoundingClientRect().left);
      }
    }
    return null;
  };
  return [left(/2026/), left(/:[0-9][0-9]/), left(/décembre|ديسمبر/)];  // the minutes: their own text node (Markdown parts text at ':')
}"""


@pytest.fixture(scope="module")
def audit_app(tmp_path_factory: pytest.TempPathFactory, sqlite_templates: dict[str, Path]) -> Iterator[tuple[str, str]]:
    with demo_server_with_admin(tmp_path_factory.mktemp("audit_k"), sqlite_templates["demo"]) as app:
        yield app


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_form_closed_while_it_is_filled_in_says_so_on_the_phones_screen(browser, audit_app, language: str) -> None:
    """Seen in an audit: on a phone, Send at the bottom of the screen, the closed form's message was drawn under the
    button, below the screen's edge, and its date wrapped at a hyphen ("2026-12-" / "05"). Now it is above the
    answers and brought into view, in the form's language, its date (in words) and time on one line at every width,
    read in the sentence's direction; what was typed is kept."""
    url, base = audit_app
    code = f"AUDK{language.upper()}"
    with session_scope(make_engine(url)) as session:
        add_course(session, code=code, title="Journey audit course", by=None)
        module = add_module(session, course_code=code, number=1, title="Advocacy with embassies",
                            start=date(2026, 12, 2), end=date(2026, 12, 3), by=None)  # fmt: skip
        token = open_form(session, module_id=module.id, kind="registration", language=language).token
        module_id = module.id
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    try:
        phone.goto(f"{base}/?form={token}")
        wait_idle(phone)
        name = phone.get_by_label(text(language, "full_name"))
        name.fill("Somchai Prasert")
        send = phone.locator("[data-testid='stFormSubmitButton'] button")
        send.scroll_into_view_if_needed()  # where a participant is when they press Send: the form's end
        with session_scope(make_engine(url)) as session:
            close_forms(session, module_id=module_id, by="facilitator")
        send.click()
        kept = text(language, "answers_kept")
        alert = phone.locator("[data-testid='stAlert']").filter(has_text=kept)
        alert.wait_for(timeout=TIMEOUT_MS)
        wait_idle(phone)
        phone.wait_for_timeout(1_500)  # the frame that brings it into view runs after the page is drawn
        box = alert.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
        phone.screenshot(path=str(screenshot(phone, f"audit-k-form-closed-{language}")))  # the screen as seen
        assert alert.count() == 1 and phone.locator(EXCEPTION).count() == 0
        assert name.input_value() == "Somchai Prasert"
        assert alert.evaluate(BROKEN_AT) == []
        year, time, month = alert.evaluate(DRAWN_AT)
        assert None not in (year, time, month)
        # Read in the sentence's direction: the day, its month, the year, then the time.
        assert (month < year < time) if language == "fr" else (time < year < month), (month, year, time)
    finally:
        context.close()


# An organisation as a registration export may give it (a participant typed their organisation and its work), 257
# characters (an organisation holds at most 300): about twelve lines in the preview's organisation column, where a row
# is at most six lines high.
LONG_ORGANISATION = (
    "Migrant Forum in Asia - Philippine Chapter of Domestic Workers and Seafarers Advocates, with returnee "
    "associations in Central Luzon, Mindanao and the Visayas on wage theft, debt bondage and recruitment fees, "
    "and legal aid clinics of the Integrated Bar (end)"
)


def test_an_import_previews_long_value_is_readable_in_full(page, audit_app) -> None:
    """Seen in an audit: the preview's rows are at most six lines high, so a longer value was cut in its cell. It is
    listed under the table in full, with its row and column; the other rows keep their height."""
    _url, base = audit_app
    sheet = f'Full name,Nationality,Organisation\nAna Lim,Nepal,"{LONG_ORGANISATION}"\nBen Rai,Nepal,Union\n'
    log_in(page, base)
    open_page(page, "Import participants", "People")
    choose_module(page, "Module the list belongs to")  # the page chooses none for the user
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
        {"name": "long.csv", "mimeType": "text/csv", "buffer": sheet.encode()}
    )
    full = _values_in_full(page)
    assert full.get_by_text("(end)").is_visible()
    assert full.inner_text().count("Row 2, organisation:") == 1 and LONG_ORGANISATION in full.inner_text()
    assert page.locator(EXCEPTION).count() == 0
    full.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot(page, "audit-k-import-value-in-full")))


def test_an_agenda_previews_long_title_is_readable_in_full(page, audit_app) -> None:
    """The agenda import's preview draws its rows as the participant import's does: a title longer than six lines of its
    column is listed in full under the table."""
    _url, base = audit_app
    title = (
        "Visit to the Australian High Commission: preparing the delegation's three asks on wage theft, debt bondage "
        "and recruitment fees, with the role cards, the briefing note for the labour attaché and the follow-up "
        "letter agreed in plenary (end)"
    )
    sheet = f'Day,Start,End,Session\n1,09:00,10:30,"{title}"\n1,11:00,12:30,Opening\n'
    log_in(page, base)
    open_page(page, "Agenda", "Plan")
    page.get_by_role("tab", name="Library and copying").click()
    wait_idle(page)
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
        {"name": "agenda.csv", "mimeType": "text/csv", "buffer": sheet.encode()}
    )
    full = _values_in_full(page)
    assert full.inner_text().count("Row 2, session:") == 1 and title in full.inner_text()
    assert page.locator(EXCEPTION).count() == 0
    full.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot(page, "audit-k-agenda-value-in-full")))


def _values_in_full(page):  # type: ignore[no-untyped-def]
    """Open the preview's list of values longer than their cells, once its one value's end ("(end)") is drawn."""
    full = page.locator("[data-testid='stExpander']").filter(has_text="1 value longer than its cell shows: in full")
    full.wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    full.locator("summary").click()
    full.get_by_text("(end)").wait_for(timeout=TIMEOUT_MS)
    return full


def test_a_corrected_name_shows_in_the_open_one_person_box(page, audit_app) -> None:
    """Seen in an audit: after a person's name was corrected, the page's "Open one person" box still showed the old
    name until a reload (the heading and the list had the new one). It shows the corrected name; and a person whose
    corrected name the search no longer finds stays open."""
    url, base = audit_app
    with make_engine(url).connect() as connection:
        person_id, name = connection.execute(
            sa.text("SELECT id, full_name FROM person WHERE full_name LIKE '% %' ORDER BY id DESC LIMIT 1")
        ).one()
    log_in(page, base)
    open_page(page, "Participants", "People")
    page.get_by_label("Search by name or e-mail").fill(name)
    page.keyboard.press("Enter")
    wait_idle(page)
    box = page.locator("[data-testid='stSelectbox']").filter(has_text="Open one person").first
    box.locator("input").click()
    box.locator("input").fill(name)
    page.get_by_role("option").filter(has_text=name).first.click(timeout=TIMEOUT_MS)
    wait_idle(page)

    corrected = f"{name} Corrected"
    _correct_name(page, corrected)
    assert box.locator("input").input_value().startswith(f"{corrected} · ")
    assert page.get_by_role("heading", name=corrected).is_visible()

    # The search (the old full name) finds "… Corrected" still; a name it no longer finds keeps the person open.
    renamed = f"Zz{person_id} Renamed"
    _correct_name(page, renamed)
    assert page.get_by_role("heading", name=renamed).is_visible()
    assert page.locator(EXCEPTION).count() == 0
    with make_engine(url).connect() as connection:
        stored = connection.execute(sa.text("SELECT full_name FROM person WHERE id = :id"), {"id": person_id}).scalar()
    assert stored == renamed


def _correct_name(page, name: str) -> None:  # type: ignore[no-untyped-def]
    editor = page.locator("[data-testid='stExpander']").filter(has_text="Correct this person's record").first
    if not editor.get_by_label("Name", exact=True).is_visible():
        editor.locator("summary").click()
    field = editor.get_by_label("Name", exact=True)
    field.fill(name)
    # Enter in a field submits the form (as "Save the corrections" does). A click at the button's place was lost now
    # and then in CI: the table above it may still change height after the run, moving the button under the pointer.
    field.press("Enter")
    # The first correction's "Saved" may still be on the page while the second one's run draws: wait for the run
    # that shows the new name (the box above the heading is drawn before it in the same run).
    page.get_by_role("heading", name=name).wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("Saved: name.").wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)


def test_the_forms_page_on_a_phone_writes_its_dates_in_words(browser, audit_app) -> None:
    """The Forms page said "open until 2027-03-12"; the rest of the app writes a day in words. On a phone the open form
    says its date in words (the closing date's field is the phone's own, in its owner's order)."""
    url, base = audit_app
    with session_scope(make_engine(url)) as session:
        add_course(session, code="AUDKD", title="Journey audit course", by=None)
        module_id = add_module(session, course_code="AUDKD", number=1, title="Advocacy with embassies",
                               start=date(2027, 3, 1), end=date(2027, 3, 4), by=None).id  # fmt: skip
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    try:
        log_in(phone, base)
        phone.goto(f"{base}/participant_forms?module={module_id}")
        wait_idle(phone)
        field = phone.locator("[data-testid='stDateInput'] input").first
        # On a phone the field is the phone's own date field (drawn in its owner's order; its value is the machine's
        # 2027-03-11): a week after the module's last day.
        assert (field.get_attribute("type"), field.input_value()) == ("date", "2027-03-11")
        phone.get_by_role("button", name="Open the form").click()
        # The confirmation; the list of open forms below says "open until" too (one text each, or the wait is
        # ambiguous once both are drawn).
        confirmed = phone.get_by_text("The registration form is open until 11 March 2027.")
        confirmed.wait_for(timeout=TIMEOUT_MS)
        wait_idle(phone)
        shown = phone.locator("[data-testid='stMain']").inner_text()
        assert "The registration form is open until 11 March 2027." in shown
        assert "Registration · English · open until 11 March 2027" in shown
        assert "2027-03" not in shown and phone.locator(EXCEPTION).count() == 0
        phone.locator("[data-testid='stDateInput']").first.scroll_into_view_if_needed()
        phone.screenshot(path=str(screenshot(phone, "audit-k-forms-page-dates")))
    finally:
        context.close()
