"""What the Agenda and Forms and entry pickers open on, and the status words Home and the modules list say.

Agenda opened on the newest module, even a module planned for next year with nothing in it; it now opens on the
module running today or else the next one to start. Forms and entry opens on the latest module to have started
(its forms are due). Home and the modules list said "delivered" of a past module with only registrations.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session

from programme.core.db import make_engine
from programme.courses.catalogue import add_course, add_module
from programme.courses.overview import latest_modules
from programme.courses.search import opening_module
from programme.models import Module, ModuleStatus, Participation, Person, UserRole
from tests.apptest_support import run_page

TODAY = date.today()


def _modules(session: Session, *offsets: tuple[int, int]) -> list[int]:
    """Add course MW-KL with one module per (start, end) offset in days from today; return their ids in order."""
    add_course(session, code="MW-KL", title="Migrant workers' rights", by=None)
    ids = []
    for number, (start, end) in enumerate(offsets, start=1):
        module = add_module(session, course_code="MW-KL", number=number, title=f"Module {number}",
                            start=TODAY + timedelta(days=start), end=TODAY + timedelta(days=end), by=None)  # fmt: skip
        ids.append(int(module.id))
    session.commit()
    return ids


def _newest_first(session: Session, ids: list[int]) -> list[int]:
    return sorted(ids, key=lambda module: session.get(Module, module).start_date, reverse=True)


def test_opening_module_is_the_running_or_next_one_and_the_latest_begun(session: Session) -> None:
    past, upcoming, far = _modules(session, (-400, -397), (30, 33), (365, 368))
    order = _newest_first(session, [past, upcoming, far])
    assert order[0] == far
    assert opening_module(session, order, "next", today=TODAY) == upcoming
    assert opening_module(session, order, "begun", today=TODAY) == past
    # A module running today comes before the next one; once every date is past, none (the picker takes the newest).
    assert opening_module(session, order, "next", today=TODAY + timedelta(days=31)) == upcoming
    assert opening_module(session, order, "begun", today=TODAY + timedelta(days=31)) == upcoming
    assert opening_module(session, order, "next", today=TODAY + timedelta(days=400)) is None
    assert opening_module(session, order, "begun", today=TODAY - timedelta(days=500)) is None


def _picker(app, key: str):  # type: ignore[no-untyped-def]
    return next(box for box in app.selectbox if box.key == key)


@pytest.mark.parametrize(
    ("path", "key", "opened"),
    [
        ("pages/agenda.py", "agenda_module", 1),
        ("pages/evaluation_entry.py", "entry_module", 0),
        ("pages/next_steps.py", "next_steps_module", 0),
        ("pages/participant_forms.py", "forms_module", 1),
    ],
)
def test_pages_open_on_the_module_in_hand_not_next_years(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str, path: str, key: str, opened: int
) -> None:
    """A module held last year, one next month, one planned for next year: Agenda and Forms for participants (its
    registration and check-in) open on next month's, Forms and
    entry and Next steps on last year's (its forms and next steps are the ones due), each saying why; an address
    naming a module still wins."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    with Session(make_engine(sqlite_url)) as session:
        ids = _modules(session, (-300, -297), (30, 33), (365, 368))
    app = run_page(path, UserRole.ADMIN)
    assert not app.exception
    assert _picker(app, key).value == ids[opened]
    assert any("Opened on" in caption.value for caption in app.caption)
    named = run_page(path, UserRole.ADMIN, address={"module": str(ids[2])})
    assert _picker(named, key).value == ids[2]
    assert not any("Opened on" in caption.value for caption in named.caption)


def test_review_of_a_module_with_no_next_steps_says_none_were_recorded(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    """Module 2's review tab said "Every next step agreed at Module 1 is done or dropped." when none was recorded."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    with Session(make_engine(sqlite_url)) as session:
        ids = _modules(session, (-300, -297), (30, 33))
    app = run_page("pages/next_steps.py", UserRole.ADMIN, address={"module": str(ids[1])})
    assert not app.exception
    said = [element.value for element in [*app.info, *app.success]]
    assert any("No next steps are recorded for Module 1" in text for text in said), said
    assert not any("done or dropped" in text for text in said)


def _person(session: Session, name: str) -> int:
    person = Person(full_name=name, name_key=name.lower(), nationality="MYS")
    session.add(person)
    session.flush()
    return int(person.id)


def test_status_words_follow_what_is_recorded(session: Session) -> None:
    """Module 1 (past) has only registrations (attendance not recorded), module 2 (past) someone who came, module 3
    (past) nobody, module 4 runs today with nobody marked: each marked delivered."""
    ids = _modules(session, (-300, -297), (-200, -197), (-100, -97), (-1, 1))
    for module in ids:
        session.get(Module, module).status = ModuleStatus.DELIVERED
    registered = _person(session, "Ana Lim")
    came = _person(session, "Budi Santoso")
    session.add(Participation(person_id=registered, module_id=ids[0], attended=None, registered=True))
    session.add(Participation(person_id=registered, module_id=ids[1], attended=None, registered=True))
    session.add(Participation(person_id=came, module_id=ids[1], attended=True))
    session.commit()
    frame = latest_modules(session, today=TODAY)
    assert dict(zip(frame["module"], frame["status"], strict=True)) == {
        1: "ended, attendance not recorded",
        2: "delivered",
        3: "ended, nothing recorded yet",
        4: "under way",
    }


def test_modules_list_says_attendance_not_recorded(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    with Session(make_engine(sqlite_url)) as session:
        (module,) = _modules(session, (-300, -297))
        session.get(Module, module).status = ModuleStatus.DELIVERED
        session.add(Participation(person_id=_person(session, "Ana Lim"), module_id=module, attended=None,
                                  registered=True))  # fmt: skip
        session.commit()
    for path in ("pages/home.py", "pages/courses.py"):
        app = run_page(path, UserRole.ADMIN)
        assert not app.exception
        frame = next(frame for frame in app.dataframe if "status" in frame.value.columns)
        assert frame.value["status"].tolist() == ["ended, attendance not recorded"], path
        if path == "pages/home.py":
            # The status beside the dates, not last, where a laptop's screen cut it off.
            assert list(frame.value.columns)[:3] == ["module", "dates", "status"]
            # The dates in words, short enough for the status to show beside them on a laptop's screen.
            start, end = TODAY - timedelta(days=300), TODAY - timedelta(days=297)
            if (start.year, start.month) == (end.year, end.month):
                expected = f"{start.day}–{end.day} {end:%B %Y}"
            elif start.year == end.year:
                expected = f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
            else:
                expected = f"{start.day} {start:%B %Y} – {end.day} {end:%B %Y}"
            assert frame.value["dates"].tolist() == [expected]


def _statuses_recorded(session: Session) -> dict[int, str]:
    """Eight modules of MW-KL, marked and recorded so that each word is said of some (the words by hand, as
    status_words says them): {number: words}."""
    ids = _modules(session, (-300, -297), (-200, -197), (-100, -97), (-1, 1), (30, 33), (60, 63), (-50, -47), (-2, 2))
    stored = {1: "delivered", 2: "delivered", 3: "delivered", 4: "delivered", 5: "delivered", 6: "planned",
              7: "cancelled", 8: "delivered"}  # fmt: skip
    for number, status in stored.items():
        session.get(Module, ids[number - 1]).status = ModuleStatus(status)
    registered, came = _person(session, "Ana Lim"), _person(session, "Budi Santoso")
    session.add(Participation(person_id=registered, module_id=ids[0], attended=None, registered=True))
    session.add(Participation(person_id=came, module_id=ids[1], attended=True))
    session.add(Participation(person_id=registered, module_id=ids[7], attended=None, registered=True))
    session.add(Participation(person_id=came, module_id=ids[7], attended=True))
    session.commit()
    return {1: "ended, attendance not recorded", 2: "delivered", 3: "ended, nothing recorded yet", 4: "under way",
            5: "delivered", 6: "planned", 7: "cancelled", 8: "delivered"}  # fmt: skip


def test_the_status_filter_reads_the_words_the_list_says(session: Session) -> None:
    """The Courses page's "Module status" filter and `module list --status` read the stored word: "delivered" listed
    a past module with only registrations, which the list itself says "ended, attendance not recorded" of."""
    from programme.core.errors import ProgrammeError
    from programme.courses.overview import SHOWN_STATUSES, recorded_in_modules, shown_statuses
    from programme.courses.queries import ModuleFilter, count_modules, modules_table

    said = _statuses_recorded(session)
    for words in SHOWN_STATUSES:
        expected = sorted(number for number, shown in said.items() if shown == words)
        table = modules_table(session, ModuleFilter(status=words), today=TODAY)
        assert sorted(table["number"]) == expected, words
        assert count_modules(session, ModuleFilter(status=words), today=TODAY) == (len(expected), min(len(expected), 1))
        recorded = recorded_in_modules(session, tuple(int(module) for module in table["module_id"]))
        assert set(shown_statuses(table, recorded, today=TODAY)) <= {words}  # the list says the words filtered on
    with pytest.raises(ProgrammeError, match="status must be one of: planned, confirmed, under way, delivered"):
        modules_table(session, ModuleFilter(status="done"), today=TODAY)


def test_module_list_filters_on_and_gives_the_words_the_list_says(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`module list` kept the stored word only; its JSON keeps "status" and adds "status_shown"."""
    import json

    from programme.cli import main

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    with Session(make_engine(sqlite_url)) as session:
        said = _statuses_recorded(session)
    capsys.readouterr()
    assert main(["module", "list", "--status", "ended, attendance not recorded", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(m["number"], m["status"], m["status_shown"]) for m in listed] == [
        (1, "delivered", "ended, attendance not recorded")
    ]
    assert main(["module", "list", "--status", "delivered", "--json"]) == 0
    assert sorted(m["number"] for m in json.loads(capsys.readouterr().out)) == [2, 5, 8]
    assert main(["module", "list", "--json"]) == 0
    assert {m["number"]: m["status_shown"] for m in json.loads(capsys.readouterr().out)} == said
    assert main(["module", "list", "--status", "under way"]) == 0
    text = capsys.readouterr().out.strip()
    assert text.count("\n") == 0 and text.endswith("under way")


def test_the_courses_pages_status_filter_offers_the_words_the_list_says(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    with Session(make_engine(sqlite_url)) as session:
        said = _statuses_recorded(session)
    app = run_page("pages/courses.py", UserRole.FACILITATOR)
    status = next(box for box in app.selectbox if box.label == "Module status")
    assert status.options == ["Any", "planned", "confirmed", "under way", "delivered",
                              "ended, attendance not recorded", "ended, nothing recorded yet", "cancelled"]  # fmt: skip
    app = status.set_value("ended, attendance not recorded").run()
    assert not app.exception
    frame = next(frame for frame in app.dataframe if "status" in frame.value.columns)
    assert frame.value[["number", "status"]].values.tolist() == [[1, "ended, attendance not recorded"]]
    app = next(box for box in app.selectbox if box.label == "Module status").set_value("delivered").run()
    frame = next(frame for frame in app.dataframe if "status" in frame.value.columns)
    assert sorted(frame.value["number"]) == sorted(n for n, words in said.items() if words == "delivered")
    assert set(frame.value["status"]) == {"delivered"}


def test_what_is_recorded_is_read_for_more_modules_than_a_statement_binds(session: Session) -> None:
    """`module list` reads what is recorded of every module listed: at scale more ids than one statement binds
    (SQLite 32,766 parameters, PostgreSQL 65,535)."""
    from programme.courses.overview import recorded_in_modules

    ids = _modules(session, (-300, -297), (-200, -197))
    session.add(Participation(person_id=_person(session, "Ana Lim"), module_id=ids[1], attended=True))
    session.commit()
    asked = (*range(10_000_000, 10_070_000), *ids)  # ids of no module, then the two
    assert recorded_in_modules(session, asked) == {ids[1]: (True, True)}
