"""Two flows first opened in headless Chromium: a next step's focal points chosen again, saved and still there after a
reload (Next steps and topics); a Google Forms quiz export uploaded and its pre-test scores imported (Forms and entry ›
Pre/post tests)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.access.accounts import add_user
from programme.core.db import make_engine, session_scope
from programme.models import ActionFocalPoint, ActionItem, Participation, Person, UserRole
from programme.planning import next_steps
from tests.browser_support import ADMIN, log_in, open_page, screenshot, streamlit_server, wait_idle
from tests.test_test_scores import GOOGLE, make_tested_module, scores

pytestmark = pytest.mark.browser
EXCEPTION = "[data-testid='stException']"
TIMEOUT_MS = 60_000
EXPANDER = "Change a next step's focal points"


@pytest.fixture(scope="module")
def entry_app(tmp_path_factory: pytest.TempPathFactory, sqlite_templates: dict[str, Path]) -> Iterator[tuple[str, str]]:
    """A running app on a copy of the demo with an administrator and the quiz's module (LRN Module 1, whose people are
    those of tests/data/tools/quizzes/google_forms_quiz.csv); yields the database URL and the app's address."""
    import shutil

    path = tmp_path_factory.mktemp("entry") / "demo.db"
    shutil.copy(sqlite_templates["demo"], path)
    url = f"sqlite:///{path}"
    with session_scope(make_engine(url)) as session:
        add_user(session, username=ADMIN[0], password=ADMIN[1], role=UserRole.ADMIN, by=None)
        make_tested_module(session)
    with streamlit_server(url) as base:
        yield url, base


def _focal_names(url: str, item_id: int) -> set[str]:
    with Session(make_engine(url)) as session:
        return set(
            session.scalars(
                sa.select(Person.full_name)
                .join(ActionFocalPoint, ActionFocalPoint.person_id == Person.id)
                .where(ActionFocalPoint.action_item_id == item_id)
            )
        )


def _open_focal_points(page, step: str):  # type: ignore[no-untyped-def]
    """On the Next steps tab, open the focal-points expander, pick the next step; return the expander."""
    page.get_by_role("tab", name="Next steps").click()
    wait_idle(page)
    expander = page.locator("[data-testid='stExpander']").filter(has_text=EXPANDER)
    expander.get_by_text(EXPANDER).click()
    wait_idle(page)
    expander.locator("[data-testid='stSelectbox'] input").click()
    page.get_by_role("option", name=step, exact=True).click()
    wait_idle(page)
    expander.locator("[data-testid='stMultiSelect']").wait_for(timeout=TIMEOUT_MS)
    return expander


def _chips(expander) -> list[str]:  # type: ignore[no-untyped-def]
    """The names the focal-points picker holds, as shown."""
    picker = expander.locator("[data-testid='stMultiSelect']")
    return [text.strip() for text in picker.locator("[data-tag] span[title]").all_inner_texts()]


def test_a_next_steps_focal_points_are_chosen_again_and_stay_after_a_reload(page, entry_app) -> None:
    url, base = entry_app
    # A demo next step with two focal points, and someone of its module who is not one.
    with Session(make_engine(url)) as session:
        item = session.scalars(
            sa.select(ActionItem)
            .join(ActionFocalPoint, ActionFocalPoint.action_item_id == ActionItem.id)
            .group_by(ActionItem.id)
            .having(sa.func.count() == 2)
            .order_by(ActionItem.id)
        ).first()
        item_id, module_id, step = item.id, item.module_id, item.text
        people = next_steps.module_people(session, module_id)
    kept, removed = sorted(_focal_names(url, item_id))
    added = next(name for name in people["full_name"] if name not in {kept, removed})
    log_in(page, base)
    page.goto(f"{base}/next_steps?module={module_id}")  # a module's own address, as Home's links open it
    wait_idle(page)
    expander = _open_focal_points(page, step)
    assert sorted(_chips(expander)) == sorted([kept, removed])
    picker = expander.locator("[data-testid='stMultiSelect']")
    picker.locator("input").fill(added)
    page.get_by_role("option", name=added, exact=True).click()
    page.keyboard.press("Escape")
    wait_idle(page)
    picker.get_by_role("button", name=f"Remove {removed}").click()  # the × on its name
    wait_idle(page)
    assert sorted(_chips(expander)) == sorted([kept, added])
    screenshot(page, "next-steps-focal-points-chosen")
    expander.get_by_role("button", name="Save focal points").click()
    page.get_by_text("Focal points saved.").wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    assert page.locator(EXCEPTION).count() == 0
    assert _focal_names(url, item_id) == {kept, added}
    # After a reload the step's focal points are those saved.
    page.reload()
    wait_idle(page)
    expander = _open_focal_points(page, step)
    assert sorted(_chips(expander)) == sorted([kept, added])
    screenshot(page, "next-steps-focal-points-after-reload")


def test_the_tab_a_user_was_on_is_open_again_after_a_reload(page, entry_app) -> None:
    """Seen: after F5, Next steps opened on its first tab. The open tab is in the address (ui.tabs): a reload, or the
    address copied to a colleague, opens it again, on the same module."""
    url, base = entry_app
    with Session(make_engine(url)) as session:
        module_id = session.scalar(sa.select(ActionItem.module_id).order_by(ActionItem.id))
    log_in(page, base)
    page.goto(f"{base}/next_steps?module={module_id}")
    wait_idle(page)
    page.get_by_role("tab", name="Topic backlog").click()
    wait_idle(page)
    assert "next_steps_tab=Topic+backlog" in page.url and f"module={module_id}" in page.url
    page.reload()
    wait_idle(page)
    assert page.get_by_role("tab", name="Topic backlog").get_attribute("aria-selected") == "true"
    assert page.get_by_role("tab", name="Review the previous module").get_attribute("aria-selected") == "false"
    assert page.get_by_text("Pull a topic into an agenda").count() == 1  # the tab's own content
    assert page.locator(EXCEPTION).count() == 0
    screenshot(page, "next-steps-tab-after-reload")
    # The first tab takes no parameter: the address stays as it was.
    page.get_by_role("tab", name="Review the previous module").click()
    wait_idle(page)
    assert "next_steps_tab" not in page.url


def test_a_google_forms_quiz_export_is_uploaded_and_its_pre_test_scores_imported(page, entry_app) -> None:
    url, base = entry_app
    log_in(page, base)
    open_page(page, "Forms and entry", "Evaluate")
    # The page's module picker comes first; the Form tab's "copy an earlier module's form" has one of its own.
    page.get_by_label("Find a module").first.fill("LRN")
    page.keyboard.press("Enter")
    wait_idle(page)
    page.get_by_role("tab", name="Pre/post tests").click()
    wait_idle(page)
    # The open tab's uploader: Import an export has one of its own.
    page.locator("[data-testid='stFileUploader']:visible input[type='file']").set_input_files(
        {"name": GOOGLE.name, "mimeType": "text/csv", "buffer": GOOGLE.read_bytes()}
    )
    page.get_by_text("This looks like a Google Forms export.").wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    screenshot(page, "pre-post-tests-quiz-previewed")
    page.get_by_role("button", name="Import 3 pre-test scores").click()
    page.get_by_text("3 pre-test scores written; 2 rows not matched, not written.").wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    screenshot(page, "pre-post-tests-quiz-imported")
    assert page.locator(EXCEPTION).count() == 0
    with Session(make_engine(url)) as session:
        module_id = session.scalar(
            sa.select(Participation.module_id).join(Person).where(Person.email == "maria.santos@example.org")
        )
        stored = scores(session, module_id)
    # By hand, from the file: 7 / 10, 4.00 / 10 (the e-mail in capitals), 6 / 10 (Rina, matched by name); the two
    # Somchai Wongsa of the module are not told apart by the quiz, and Nguyen Van An is not on its list.
    assert {name: pre for name, (pre, _) in stored.items()} == {
        "Maria Santos PHL": 70.0,
        "Ahmad Rahman BGD": 40.0,
        "Rina Sari IDN": 60.0,
        "Somchai Wongsa THA": None,
        "Somchai Wongsa KHM": None,
    }
