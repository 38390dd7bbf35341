"""A new organisation's first steps, page by page (AppTest): what an empty page says, before anyone is recorded.

Seen in Chromium on an empty database with one course and module: the Participants page said "Nobody matches. Clear
the search or the filters" with no search or filter set; the Reach dashboard gave the share of women among nobody as
"0%" (its share of civil society said "—"); Funders and grants sent the user to forms "below" that are on tabs."""

from __future__ import annotations

import pytest

from programme.core.db import make_engine, session_scope
from programme.models import UserRole
from tests.apptest_support import run_page, shown_text
from tests.test_form_editing import make_module


@pytest.fixture
def first_module(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> str:
    """A course and its first module, with its agenda, and nobody on its list yet."""
    with session_scope(make_engine(sqlite_url)) as session:
        make_module(session)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


def _infos(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [shown_text(info.value) for info in app.info]


def test_participants_before_any_list_says_to_import_one_not_to_clear_filters(first_module: str) -> None:
    app = run_page("pages/participants.py", UserRole.FACILITATOR)
    assert not app.exception, app.exception
    assert _infos(app) == ["Nobody is recorded yet. Import a participant list on **Import participants**."]
    app.text_input(key="people_search").input("santos").run()
    assert _infos(app) == ["Nobody matches. Clear the search or the filters, or import a participant list."]


def test_reach_of_nobody_gives_no_share_of_women(first_module: str) -> None:
    app = run_page("pages/reach.py", UserRole.VIEWER)
    assert not app.exception, app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Individuals"] == "0" and metrics["Women"] == "—" and metrics["Civil society"] == "—"


def test_funders_without_grants_names_the_tabs_to_add_them(first_module: str) -> None:
    app = run_page("pages/funding.py", UserRole.FACILITATOR)
    assert not app.exception, app.exception
    assert _infos(app)[0] == (
        "No grants recorded yet. Add a funder on the **Add a funder** tab, then its grants on **Add a grant**."
    )
    assert [tab.label for tab in app.tabs][1:3] == ["Add a funder", "Add a grant"]


def test_the_standard_form_offered_before_the_agenda_says_it_asks_about_no_session(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    """It said "(0 sessions on the agenda)": the form made then asks about no session, and the user is told where the
    agenda goes and that its sessions' questions can be added later."""
    with session_scope(make_engine(sqlite_url)) as session:
        module_id = make_module(session, titles=[]).id
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/evaluation_entry.py", UserRole.FACILITATOR)
    app = app.selectbox(key="entry_module").set_value(module_id).run()
    assert not app.exception, app.exception
    offer = next(info for info in _infos(app) if info.startswith("This module has no evaluation form yet."))
    assert "(the agenda has no session yet: type it on **Agenda** first, or add its sessions' questions here" in offer
    assert "0 sessions" not in offer


def test_a_day_outside_a_one_day_module_is_refused_in_the_singular(sqlite_url: str) -> None:
    from datetime import date

    from programme.core.errors import ProgrammeError
    from programme.models import Participation, Person
    from programme.planning.attendance import mark_attendance

    with session_scope(make_engine(sqlite_url)) as session:
        module = make_module(session)
        module.end_date = module.start_date = date(2024, 1, 2)  # a one-day module
        person = Person(full_name="Ana Lim", name_key="ana lim")
        session.add(person)
        session.flush()
        participation = Participation(person_id=person.id, module_id=module.id)
        session.add(participation)
        session.flush()
        with pytest.raises(ProgrammeError, match=r"^Day 2 is not a day of this module \(1 day\)\.$"):
            mark_attendance(session, participation_id=participation.id, days_present={2: True}, by=None)
