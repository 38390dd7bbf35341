"""Tool exports uploaded in headless Chromium: the page says which tool it recognised, the user changes one
column's mapping, and the import writes what was chosen (Import participants; Forms and entry)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from programme.core.db import REPO_ROOT, make_engine, session_scope
from programme.models import Participation, Person
from tests.browser_support import choose_module, log_in, open_page, screenshot, wait_idle

pytestmark = pytest.mark.browser
EXCEPTION = "[data-testid='stException']"
TIMEOUT_MS = 60_000
TOOLS = REPO_ROOT / "tests" / "data" / "tools"


def choose(page, selectbox_label: str, option: str, attempts: int = 3) -> None:
    """Pick an option in the st.selectbox with this label, as a user would: when a rerun redrew the box as it was
    clicked (its list closed, or never opened, on a loaded machine), click it and type again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.locator("[data-testid='stSelectbox']").filter(has_text=selectbox_label).first
    wanted = page.get_by_role("option", name=option, exact=True)
    for attempt in range(attempts):
        wait_idle(page)
        box.locator("input").click()
        box.locator("input").fill(option)  # the list shows only a few options at a time: type to find it
        try:
            wanted.wait_for(timeout=10_000)
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
            continue
        wanted.click()
        break
    wait_idle(page)


def upload(page, path, mime: str = "text/csv") -> None:
    # The open tab's uploader: Forms and entry has one on another tab too (Pre/post tests).
    page.locator("[data-testid='stFileUploader']:visible input[type='file']").set_input_files(
        {"name": path.name, "mimeType": mime, "buffer": path.read_bytes()}
    )
    wait_idle(page)
    screenshot(page, f"intake-upload-{path.stem}")


def import_list(
    page, button_name: str = r"^Import \d+ rows? into", result: str = r"Imported as import \d+: \d+ new (people|person)"
) -> None:
    """Press the Import button (a participant list's names the rows and the module) and wait for the result; no
    exception shown."""
    button = page.get_by_role("button", name=re.compile(button_name))
    button.wait_for(timeout=TIMEOUT_MS)
    button.click()
    page.get_by_text(re.compile(result)).wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    assert page.locator(EXCEPTION).count() == 0


def test_participant_list_from_eventbrite_with_one_column_changed(page, live_app: str, live_db_url: str) -> None:
    log_in(page, live_app)
    open_page(page, "Import participants", "People")
    choose_module(page, "Module the list belongs to")  # the page chooses none for the user
    upload(page, TOOLS / "participants" / "eventbrite_attendee_report.csv")
    screenshot(page, "intake-participants-uploaded")
    page.get_by_text("This looks like an Eventbrite export.").wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("Columns: which column holds what").click()
    wait_idle(page)
    choose(page, "Position", "— not used —")
    screenshot(page, "intake-participants-eventbrite")
    import_list(page)
    with session_scope(make_engine(live_db_url)) as session:
        thida = session.scalar(sa.select(Person).where(Person.email == "thida.win@example.org"))
        assert thida is not None and thida.position is None  # Job Title was set to "not used" on the page
        # Attendee Status, kept as the tool writes it: "Checked In" came, "Attending" only registered.
        expected = {"thida.win@example.org": True, "somchai.p@example.org": None, "dewi.lestari@example.org": True}
        attended = session.execute(
            sa.select(Person.email, Participation.attended)
            .join(Participation, Participation.person_id == Person.id)
            .where(Person.email.in_(expected))
        ).all()
        assert dict(attended) == expected


def test_evaluation_export_from_typeform_with_one_column_changed(page, live_app: str) -> None:
    log_in(page, live_app)
    open_page(page, "Forms and entry", "Evaluate")
    page.get_by_role("tab", name="Import an export").click()
    wait_idle(page)
    upload(page, TOOLS / "typeform.csv")
    page.get_by_text("This looks like a Typeform export.").wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("Change what a column is read as").click()
    wait_idle(page)
    choose(page, "Column", "What was most useful?")
    choose(page, "Read as", "not imported (the tool's own column)")
    page.get_by_text(re.compile(r"Read as you chose: What was most useful\?: not imported")).wait_for(
        timeout=TIMEOUT_MS
    )
    screenshot(page, "intake-evaluations-typeform")
    import_list(page, r"^Import \d+ responses", r"Imported \d+ responses")


def test_an_unknown_organisation_type_is_mapped_once_and_remembered(page, live_app: str, live_db_url: str) -> None:
    from programme.importing.value_mappings import saved_mappings
    from programme.models import Organisation, OrgType

    log_in(page, live_app)
    open_page(page, "Import participants", "People")
    choose_module(page, "Module the list belongs to")  # the page chooses none for the user
    upload(page, TOOLS / "participants" / "partner_list_unknown_types.csv")
    page.get_by_text("Values not recognised").wait_for(timeout=TIMEOUT_MS)
    choose(page, "'Sports club' (2 rows)", "other")
    page.get_by_role("button", name="Remember these values and check the list again").click()
    page.get_by_text("1 value remembered").wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    screenshot(page, "intake-participants-value-mapped")
    left = page.locator("[data-testid='stSelectbox']").filter(has_text="'migrant workers union' (1 row)").first
    shown = left.evaluate("box => box.innerText + ' ' + [...box.querySelectorAll('input')].map(i => i.value).join(' ')")
    assert "leave not recorded" in shown and "other" not in shown, shown  # its own choice, not the one before
    button = page.get_by_role("button", name=re.compile(r"^Import 5 rows into"))
    button.wait_for(timeout=TIMEOUT_MS)
    button.click()
    page.get_by_text(re.compile(r"Imported as import \d+: \d+ new (people|person)")).wait_for(timeout=TIMEOUT_MS)
    assert page.locator(EXCEPTION).count() == 0
    with session_scope(make_engine(live_db_url)) as session:
        assert saved_mappings(session)["org_type"]["sports club"] == "other"
        kinds = session.execute(
            sa.select(Organisation.name, Organisation.org_type).where(
                Organisation.name.in_(["Seafarers Circle", "Harbour Circle", "Workers Voice"])
            )
        ).all()
        # By hand from the file: the two "Sports club" rows are now "other"; "migrant workers union" not recorded.
        assert dict(kinds) == {
            "Seafarers Circle": OrgType.OTHER,
            "Harbour Circle": OrgType.OTHER,
            "Workers Voice": None,
        }


def test_a_zoom_report_asks_about_the_hosts_account_before_any_import(page, live_app: str, live_db_url: str) -> None:
    """Zoom's meeting participants report (fixture README: Zoom support KB0066590) marks the people signed in to the
    organisers' own account "Guest: No". The page names them and offers no Import button until the user chooses; the
    choice "Leave them out" imports the guests only."""
    log_in(page, live_app)
    open_page(page, "Import participants", "People")
    choose_module(page, "Module the list belongs to")
    upload(page, TOOLS / "participants" / "zoom_meeting_participants.csv")
    page.get_by_text("People on your own Zoom account").wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("Programme Host").first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("Choose whether to import them to see the preview.").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_role("button", name=re.compile(r"^Import \d+ rows? into")).count() == 0
    screenshot(page, "intake-zoom-own-account-question")
    page.get_by_text("Leave them out (they organised, facilitated or hosted)").click()
    wait_idle(page)
    import_list(page)
    # The guests of the file, by hand: Guest "Yes" and admitted (Lina Haddad was only ever in the waiting room; Nur
    # Aisyah's three joins are one person).
    guests = {"Ana Resource", "Nur Aisyah", "Bikash Gurung"}
    with session_scope(make_engine(live_db_url)) as session:
        named = set(
            session.scalars(sa.select(Person.full_name).where(Person.full_name.in_([*guests, "Programme Host"])))
        )
    assert named == guests


def test_a_zoom_webinar_report_asks_about_attendees_on_the_organisers_account(
    page, live_app: str, live_db_url: str
) -> None:
    """A webinar's attendee report marks each attendee "Is Guest" (tests/data/tools/participants/README.md: Zoom support
    KB0066590). An attendee with "Is Guest: No" is signed in to the organisers' own Zoom account: the page names them
    and the host of the report's Host Details, offers no Import button until the user chooses, and "Leave them out"
    imports the guests only."""
    log_in(page, live_app)
    open_page(page, "Import participants", "People")
    choose_module(page, "Module the list belongs to")
    upload(page, TOOLS / "participants" / "zoom_webinar_attendee_report_own_account.csv")
    page.get_by_text("People on your own Zoom account").wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("Farah Rahim").first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("named in the file's Host Details").first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("Choose whether to import them to see the preview.").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_role("button", name=re.compile(r"^Import \d+ rows? into")).count() == 0
    screenshot(page, "intake-zoom-webinar-own-account-question")
    page.get_by_text("Leave them out (they organised, facilitated or hosted)").click()
    wait_idle(page)
    import_list(page)
    # By hand, from the file's Attendee Details: Is Guest "Yes" (Nur Aisyah twice), or "--" for Lina Haddad, who
    # registered and never joined; Farah Rahim's "No" left out as chosen.
    guests = {"Nur Aisyah", "Bikash Gurung", "Lina Haddad"}
    with session_scope(make_engine(live_db_url)) as session:
        named = set(
            session.scalars(
                sa.select(Person.full_name)
                .join(Participation, Participation.person_id == Person.id)
                .where(Person.full_name.in_([*guests, "Farah Rahim", "Programme Host"]))
            )
        )
    assert named == guests
