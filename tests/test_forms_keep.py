"""Forms keep what was typed after an error, tabs stay where the user was, and a save's message survives the
rerun that follows it (ui.flash)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.core.db import make_engine
from programme.models import Course, Module, User, UserRole
from tests.apptest_support import run_page, shown_text


@pytest.fixture
def empty_db(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> str:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


def _widget(app, kind: str, label: str, key: str | None = None):
    return next(w for w in getattr(app, kind) if w.label == label and (key is None or w.key == key))


def _click(app, label: str):
    return next(button for button in app.button if button.label == label).click().run()


def _open_tab(app) -> str:
    """Return the label of the tab the browser shows: the index the page sends in the tab container."""
    blocks = [app.main]
    while blocks:
        block = blocks.pop()
        proto = getattr(block, "proto", None)
        if proto is not None and hasattr(proto, "WhichOneof") and proto.WhichOneof("type") == "tab_container":
            return block.children[proto.tab_container.default_tab_index].label
        blocks.extend(getattr(block, "children", {}).values())
    raise AssertionError("no tabs on the page")


def _add_course(app, code: str, title: str):
    _widget(app, "text_input", "Code").set_value(code)
    _widget(app, "text_input", "Title", "add_course_title").set_value(title)
    return _click(app, "Add course")


def test_add_course_stays_on_its_tab_and_says_it_was_added(empty_db: str) -> None:
    app = run_page("pages/courses.py", UserRole.FACILITATOR)
    assert _open_tab(app) == "Timeline"
    app.session_state["courses_tab"] = "Add a course or module"  # the user opens the tab
    assert _open_tab(app.run()) == "Add a course or module"
    _add_course(app, "NP-MYS-2019", "Advocating 2019")
    assert not app.exception
    assert _open_tab(app) == "Add a course or module"
    assert [shown_text(s.value) for s in app.success] == ["Course NP-MYS-2019 added. Add its modules beside it."]
    # Saved, so the form is empty again for the next course.
    assert _widget(app, "text_input", "Code").value == ""
    with Session(make_engine(empty_db)) as session:
        assert session.scalar(sa.select(Course.title).where(Course.code == "NP-MYS-2019")) == "Advocating 2019"
    app.run()  # the message is shown once
    assert not app.success


def test_add_module_error_keeps_every_typed_field(empty_db: str) -> None:
    app = run_page("pages/courses.py", UserRole.FACILITATOR)
    app.session_state["courses_tab"] = "Add a course or module"
    _add_course(app.run(), "NP-MYS-2019", "Advocating 2019")
    _widget(app, "selectbox", "Course", "add_module_course").set_value("NP-MYS-2019")
    _widget(app, "number_input", "Number", "add_module_number").set_value(2)
    _widget(app, "text_input", "Title", "add_module_title").set_value("Lobbying in Geneva")
    _widget(app, "date_input", "Start date", "add_module_start").set_value(date(2019, 5, 10))
    _widget(app, "date_input", "End date", "add_module_end").set_value(date(2019, 5, 6))  # before the start
    _widget(app, "text_input", "City", "add_module_city").set_value("Geneva")
    _widget(app, "text_input", "Country (code or name)", "add_module_country").set_value("Switzerland")
    _click(app, "Add module")
    assert not app.exception
    assert app.error, "the end date before the start is refused"
    assert _open_tab(app) == "Add a course or module"
    kept = {
        "add_module_course": "NP-MYS-2019",
        "add_module_number": 2,
        "add_module_title": "Lobbying in Geneva",
        "add_module_start": date(2019, 5, 10),
        "add_module_end": date(2019, 5, 6),
        "add_module_city": "Geneva",
        "add_module_country": "Switzerland",
    }
    assert {key: app.session_state[key] for key in kept} == kept
    with Session(make_engine(empty_db)) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Module)) == 0
    # Corrected and saved: the module is added and the form is cleared.
    _widget(app, "date_input", "End date", "add_module_end").set_value(date(2019, 5, 13))
    _click(app, "Add module")
    assert not app.exception and not app.error
    assert "Module 2 of NP-MYS-2019 added" in app.success[0].value
    city = _widget(app, "text_input", "City")
    # Cleared under a new key, so that the browser draws it empty too (it kept what was typed when only the
    # server's state was removed); the course stays chosen for its next module.
    assert (city.value, city.key) == ("", "add_module_city~1")
    assert _widget(app, "selectbox", "Course", "add_module_course").value == "NP-MYS-2019"
    assert _widget(app, "number_input", "Number").value == 3  # the number after the course's Module 2
    with Session(make_engine(empty_db)) as session:
        module = session.scalars(sa.select(Module)).one()
        assert (module.number, module.title, module.city, module.country) == (2, "Lobbying in Geneva", "Geneva", "CHE")


def test_first_administrator_sees_a_confirmation(empty_db: str) -> None:
    app = run_page("pages/home.py", role=None)
    assert [t.value for t in app.title] == ["Welcome to Programme Manager"]
    _widget(app, "text_input", "Username").set_value("amina")
    _widget(app, "text_input", "Password").set_value("a long enough passphrase")
    _widget(app, "text_input", "Repeat the password").set_value("a long enough passphrase")
    _click(app, "Create administrator")
    assert not app.exception
    assert [t.value for t in app.title] == ["Programme Manager"]  # the sign-in form
    assert [s.value for s in app.success] == ["Administrator account amina created. Sign in with it to start."]
    with Session(make_engine(empty_db)) as session:
        assert session.scalar(sa.select(User.role).where(User.username == "amina")) == UserRole.ADMIN


def test_first_administrator_form_keeps_the_username_after_an_error(empty_db: str) -> None:
    app = run_page("pages/home.py", role=None)
    _widget(app, "text_input", "Username").set_value("amina")
    _widget(app, "text_input", "Password").set_value("a long enough passphrase")
    _widget(app, "text_input", "Repeat the password").set_value("a long enough passphrase!")
    _click(app, "Create administrator")
    assert [e.value for e in app.error] == ["The two passwords differ."]
    assert _widget(app, "text_input", "Username").value == "amina"
