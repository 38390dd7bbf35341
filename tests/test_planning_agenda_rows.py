"""Agenda rows as people type them: times in every form, a default method, the organisation's own methods,
breaks and meals (on the timeline, not in training hours), and the grid saved on a new module."""

from __future__ import annotations

from datetime import date, datetime, time

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.charts.planning import day_timeline, hours_by, hours_chart
from programme.core.db import make_engine, session_scope
from programme.core.errors import ProgrammeError
from programme.courses.catalogue import add_course, add_module, get_module
from programme.evaluations.forms import create_standard_form
from programme.models import AgendaMethod, AgendaSession, AuditEntry, Question, UserRole
from programme.planning import agenda, exports, methods
from programme.planning.checks import long_days
from programme.planning.planned import AGENDA_COLUMNS, planned_from_frame
from programme.planning.times import TimeNotRead, read_time, time_problem
from tests.apptest_support import edit_grid, run_page, shown_text


def _new_module(session: Session, number: int = 1):
    """Module N of a new course, 2–5 December 2017: an empty agenda, nothing copied from a design."""
    if not session.scalar(sa.text("SELECT count(*) FROM course WHERE code = 'NEW'")):
        add_course(session, code="NEW", title="A new course", scope="national", country="MYS")
    return add_module(
        session,
        course_code="NEW",
        number=number,
        title=f"Module {number}",
        start=date(2017, 12, 2),
        end=date(2017, 12, 5),
        city="Kuala Lumpur",
        country="MYS",
    )


def _typed(*rows: dict) -> pd.DataFrame:
    """The grid of a new module after typing: as st.data_editor returns it for an agenda with no rows yet.

    Its columns are empty, so the editor keeps what the browser sent: the time picker's text
    ("09:00:00.000"), None for a cell left empty, the day as a number.
    """
    base = dict.fromkeys(AGENDA_COLUMNS)
    return pd.DataFrame([{**base, **row} for row in rows], columns=AGENDA_COLUMNS)


# ---- times ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # What the grid's time picker returns
        ("09:00:00.000", time(9)),
        ("10:30:00.000", time(10, 30)),
        (time(9, 0), time(9)),
        (time(9, 0, 30, 500), time(9)),
        (datetime(1970, 1, 1, 14, 15), time(14, 15)),
        (pd.Timestamp("2017-12-02 16:45:00"), time(16, 45)),
        ("1970-01-01T09:00:00.000Z", time(9)),
        ("2017-12-02 13:30:00", time(13, 30)),
        # What people type
        ("09:00", time(9)),
        ("9:00", time(9)),
        ("9.00", time(9)),
        ("09.30", time(9, 30)),
        ("9:00 AM", time(9)),
        ("9:00 am", time(9)),
        ("9 a.m.", time(9)),
        ("2:15 PM", time(14, 15)),
        ("2pm", time(14)),
        ("12:30 pm", time(12, 30)),
        ("12am", time(0)),
        ("0900", time(9)),
        ("930", time(9, 30)),
        ("1430 hrs", time(14, 30)),
        ("9h", time(9)),
        ("9H30", time(9, 30)),
        ("14h00", time(14)),
        ("09:00:00", time(9)),
        ("  9:00\u00a0", time(9)),
        ("9", time(9)),
        ("noon", time(12)),
        # What spreadsheets hold
        (0.375, time(9)),
        ("0.375", time(9)),
        (0.5625, time(13, 30)),
        (9, time(9)),
        ("0.30", time(0, 30)),
    ],
)
def test_a_time_is_read_in_every_form_the_grid_and_people_give(value: object, expected: time) -> None:
    assert read_time(value) == expected


@pytest.mark.parametrize("value", [None, "", "   ", float("nan"), pd.NA, pd.NaT, "nan", "NaT", "<NA>"])
def test_a_blank_time_is_none(value: object) -> None:
    assert read_time(value) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "'abc' is not a time; write it like 09:00, 9.30, 2:30 PM or 1430."),
        ("25:00", "'25:00' is not a time of day: hours go from 0 to 23."),
        ("9:75", "'9:75' is not a time: minutes go from 00 to 59."),
        ("13pm", "'13pm' is not a time: with am or pm the hour goes from 1 to 12."),
        ("9.3", "'9.3' is not a time; write it like 09:00, 9.30, 2:30 PM or 1430."),
        ("9 to 5", "'9 to 5' is not a time; write it like 09:00, 9.30, 2:30 PM or 1430."),
        (True, "'True' is not a time; write it like 09:00, 9.30, 2:30 PM or 1430."),
        (24, "'24' is not a time of day: hours go from 0 to 23."),
    ],
)
def test_nonsense_is_not_a_time_and_the_message_says_what_to_write(value: object, message: str) -> None:
    with pytest.raises(TimeNotRead) as raised:
        read_time(value)
    assert str(raised.value) == message


def test_a_time_problem_names_the_cell() -> None:
    assert time_problem("09:00:00.000", "start time", "09:00") == (time(9), None)
    assert time_problem(None, "start time", "09:00") == (None, "The start time is missing; write it like 09:00.")
    assert time_problem("25:00", "end time", "10:30") == (
        None,
        "The end time '25:00' is not a time of day: hours go from 0 to 23.",
    )


# ---- methods ----------------------------------------------------------------------------------------------


def test_a_row_without_a_method_gets_the_default_and_pauses_are_recognised_by_title() -> None:
    assert methods.resolve_method(None) == "presentation"
    assert methods.resolve_method("", title="Opening") == "presentation"
    assert methods.resolve_method("  ", title="Lunch") == "meal"
    assert methods.resolve_method(None, title="Coffee break") == "break"
    assert methods.resolve_method("Break") == "break"
    # A method given is never replaced by a guess from the title.
    assert methods.resolve_method("plenary", title="Lunch") == "plenary"
    assert methods.resolve_method("dance") is None
    # The usual words map to the standard methods, unless the organisation has the word as its own.
    assert methods.resolve_method("Lecture") == "presentation"
    assert methods.resolve_method("Lecture", ["lecture"]) == "lecture"
    assert methods.resolve_method("FIELD VISIT", ["field visit"]) == "field visit"


def test_typed_rows_with_only_day_times_and_title_are_taken() -> None:
    grid = _typed(
        {"day": 1, "start": "09:00:00.000", "end": "10:30:00.000", "title": "Opening"},
        {"day": 1, "start": "10:30:00.000", "end": "11:00:00.000", "title": "Coffee break"},
        {"day": 1, "start": "11:00", "end": "12:30", "title": "Lobbying", "method": "lecture"},
        {"day": 1, "start": "abc", "end": None, "title": "Broken"},
    )
    planned, errors = planned_from_frame(grid, ["lecture"])
    assert [(p.row, p.start, p.end, p.title, p.method) for p in planned] == [
        (1, time(9), time(10, 30), "Opening", "presentation"),
        (2, time(10, 30), time(11), "Coffee break", "break"),
        (3, time(11), time(12, 30), "Lobbying", "lecture"),
    ]
    assert [(e.row, e.column, e.message) for e in errors] == [
        (4, "Start", "The start time 'abc' is not a time; write it like 09:00, 9.30, 2:30 PM or 1430."),
        (4, "End", "The end time is missing; write it like 10:30."),
    ]
    _, errors = planned_from_frame(_typed({"day": 1, "start": "9:00", "end": "10:00", "title": "X", "method": "dance"}))
    assert errors[0].column == "Method" and "'dance' is not on the list of methods" in errors[0].message


def test_the_organisations_methods_are_remembered_offered_and_refused_when_they_repeat(session: Session) -> None:
    assert methods.remember_method(session, "  field   visit ", by="ana") == "field visit"
    assert methods.remember_method(session, "Lecture", by="ana") == "Lecture"
    session.commit()
    assert methods.own_methods(session) == ["field visit", "Lecture"]
    options = methods.method_options(methods.own_methods(session), ["visit", "old method"])
    assert options[: len(methods.STANDARD_METHODS)] == list(methods.STANDARD_METHODS)
    assert options[len(methods.STANDARD_METHODS) :] == ["field visit", "Lecture", "old method"]
    assert {"break", "meal"} <= set(options)
    for name, message in [
        ("Presentation", "'presentation' is already on the list of methods."),
        ("lecture", "'Lecture' is already one of your methods."),
        ("Lunch", "'Lunch' is a pause: use the method 'meal'"),
        ("coffee break", "'coffee break' is a pause: use the method 'break'"),
        ("", "Type the method's name"),
        ("x" * 61, "at most 60 characters"),
    ]:
        with pytest.raises(ProgrammeError, match=message.replace("(", r"\(").replace(")", r"\)")):
            methods.remember_method(session, name, by="ana")
    session.rollback()
    methods.forget_method(session, "Lecture", by="ana")
    session.commit()
    assert session.scalars(sa.select(AgendaMethod.name)).all() == ["field visit"]
    summaries = session.scalars(sa.select(AuditEntry.summary).where(AuditEntry.entity == "agenda_method")).all()
    assert sorted(summaries) == ["method 'Lecture' added", "method 'Lecture' removed", "method 'field visit' added"]


# ---- the grid saved on a new module, on both backends ----------------------------------------------------


def test_a_new_modules_agenda_typed_in_the_grid_saves_and_reads_back(session: Session) -> None:
    module = _new_module(session)
    methods.remember_method(session, "field visit", by="ana")
    session.commit()
    grid = _typed(
        {"day": 1, "start": "09:00:00.000", "end": "10:30:00.000", "title": "Opening"},
        {"day": 1, "start": "10:30:00.000", "end": "11:00:00.000", "title": "Coffee break", "room": "Terrace"},
        {"day": 1, "start": "11:00:00.000", "end": "12:30:00.000", "title": "CEDAW", "method": "panel"},
        {"day": 1, "start": "12:30:00.000", "end": "13:30:00.000", "title": "Lunch"},
        {
            "day": 2,
            "start": "14:00:00.000",
            "end": "17:00:00.000",
            "title": "Visit to a shelter",
            "method": "field visit",
            "room": "Bus",
            "facilitators": "Ivy Josiah",
        },
    )
    result = agenda.save_agenda_frame(session, module_id=module.id, frame=grid, by="ana")
    session.commit()
    assert (result.created, result.updated, result.deleted, result.people_created) == (5, 0, 0, 1)
    session.expire_all()
    saved = agenda.agenda_table(session, module.id)
    assert saved[["day", "title", "method", "room", "facilitators"]].values.tolist() == [
        [1, "Opening", "presentation", "", ""],
        [1, "Coffee break", "break", "Terrace", ""],
        [1, "CEDAW", "panel", "", ""],
        [1, "Lunch", "meal", "", ""],
        [2, "Visit to a shelter", "field visit", "Bus", "Ivy Josiah"],
    ]
    assert [(s.hour, s.minute, e.hour, e.minute) for s, e in zip(saved["start"], saved["end"], strict=True)] == [
        (9, 0, 10, 30),
        (10, 30, 11, 0),
        (11, 0, 12, 30),
        (12, 30, 13, 30),
        (14, 0, 17, 0),
    ]
    # Saved as read back (time objects now, as the editor returns a filled column): nothing to change.
    again = agenda.save_agenda_frame(session, module_id=module.id, frame=saved, by="ana")
    session.commit()
    assert (again.created, again.updated, again.deleted) == (0, 5, 0)
    # The organisation forgets its method; the session keeps it and the grid can still be saved.
    methods.forget_method(session, "field visit", by="ana")
    session.commit()
    assert agenda.save_agenda_frame(session, module_id=module.id, frame=saved, by="ana").updated == 5
    stored = session.scalars(sa.select(AgendaSession.method).order_by(AgendaSession.day, AgendaSession.start_time))
    assert stored.all() == ["presentation", "break", "panel", "meal", "field visit"]


def test_an_agenda_export_has_the_room_and_the_breaks(session: Session) -> None:
    module = _new_module(session)
    grid = _typed(
        {"day": 1, "start": "09:00", "end": "10:30", "title": "Opening", "room": "Main hall"},
        {"day": 1, "start": "10:30", "end": "11:00", "title": "Tea break", "room": "Terrace"},
    )
    agenda.save_agenda_frame(session, module_id=module.id, frame=grid, by="ana")
    printed = exports.printable_agenda(session, module.id)
    assert printed[["Time", "Session", "Method", "Room"]].values.tolist() == [
        ["09:00–10:30", "Opening", "presentation", "Main hall"],
        ["10:30–11:00", "Tea break", "break", "Terrace"],
    ]


# ---- breaks and meals: on the timeline, not in training hours --------------------------------------------


def _day(*rows: tuple[int, time, time, str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"day": d, "start": s, "end": e, "title": t, "method": m, "facilitators": "", "topics": "CEDAW"}
            for d, s, e, t, m in rows
        ]
    )


def test_breaks_and_meals_are_on_the_timeline_but_not_in_training_hours() -> None:
    frame = _day(
        (1, time(9), time(10, 30), "Opening", "plenary"),
        (1, time(10, 30), time(11), "Coffee", "break"),
        (1, time(11), time(12, 30), "CEDAW", "presentation"),
        (1, time(12, 30), time(13, 30), "Lunch", "meal"),
        (1, time(13, 30), time(15), "Shelter", "field visit"),
        (1, time(19), time(21), "Welcome dinner", "meal"),
    )
    # By hand: plenary 1.5 h, presentation 1.5 h, field visit 1.5 h; the break (0.5 h) and meals (3 h) left out.
    assert sorted(hours_by(frame, "method").values.tolist()) == [
        ["field visit", 1.5],
        ["plenary", 1.5],
        ["presentation", 1.5],
    ]
    assert hours_by(frame, "topics").values.tolist() == [["CEDAW", 4.5]]
    assert methods.training_minutes(zip(frame["start"], frame["end"], frame["method"], strict=True)) == (270, 210)
    chart = hours_chart(frame, "method")
    assert chart.layout.title.text == "Training hours by method" and "meal" not in list(chart.data[0].y)
    timeline = day_timeline(frame, 1)
    assert {trace.name for trace in timeline.data} == {"plenary", "break", "presentation", "meal", "field visit"}
    assert len(timeline.layout.yaxis.categoryarray) == 6
    # The organisation's method has a colour of its own, the same in both charts.
    colours = {trace.name: trace.marker.color for trace in timeline.data}
    assert len(set(colours.values())) == 5
    bars = dict(zip(chart.data[0].y, chart.data[0].marker.color, strict=True))
    assert bars["field visit"] == colours["field visit"]


def test_a_dinner_does_not_make_a_long_day_and_breaks_are_not_rated(session: Session) -> None:
    module = _new_module(session)
    grid = _typed(
        {"day": 1, "start": "09:00", "end": "12:30", "title": "Opening"},
        {"day": 1, "start": "12:30", "end": "13:30", "title": "Lunch"},
        {"day": 1, "start": "13:30", "end": "17:00", "title": "Lobbying"},
        {"day": 1, "start": "19:00", "end": "21:30", "title": "Welcome dinner"},
    )
    planned, errors = planned_from_frame(grid)
    assert errors == [] and long_days(planned) == []  # 09:00–17:00 is 8 hours, under the 9-hour limit
    agenda.save_agenda_frame(session, module_id=module.id, frame=grid, by="ana")
    form = create_standard_form(session, module_id=module.id)
    rated = session.scalars(
        sa.select(Question.text).where(Question.form_id == form.id, Question.session_id.is_not(None))
    ).all()
    assert sorted(rated) == ["How useful was the session: Lobbying?", "How useful was the session: Opening?"]


# ---- the Agenda page, on a new module -------------------------------------------------------------------


@pytest.fixture
def new_module_url(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> tuple[str, int]:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    with session_scope(make_engine(sqlite_url)) as session:
        module_id = _new_module(session).id
    return sqlite_url, module_id


def test_the_agenda_page_saves_rows_typed_on_a_new_module(new_module_url: tuple[str, int]) -> None:
    url, module_id = new_module_url
    app = run_page("pages/agenda.py", UserRole.FACILITATOR)
    assert not app.exception and any("No session yet" in info.value for info in app.info)
    save = next(button for button in app.button if button.label == "Save agenda")
    assert save.disabled  # nothing typed yet
    # As the browser sends it: the time picker's text, the method left empty (None), no id.
    app = edit_grid(
        app,
        f"grid_{module_id}_0",
        added_rows=[
            {"day": 1, "start": "09:00:00.000", "end": "10:30:00.000", "title": "Opening", "method": None},
            {"day": 1, "start": "10:30:00.000", "end": "11:00:00.000", "title": "Coffee break"},
            {"day": 1, "start": "11:00:00.000", "end": "12:30:00.000", "title": "CEDAW", "room": "Main hall"},
        ],
    )
    assert not app.exception
    assert not [error.value for error in app.error]
    assert any("No clashes" in success.value for success in app.success)
    save = next(button for button in app.button if button.label == "Save agenda")
    assert not save.disabled
    save.click().run()
    assert not app.exception
    with Session(make_engine(url)) as session:
        saved = agenda.agenda_table(session, module_id)
    assert saved[["day", "title", "method", "room"]].values.tolist() == [
        [1, "Opening", "presentation", ""],
        [1, "Coffee break", "break", ""],
        [1, "CEDAW", "presentation", "Main hall"],
    ]
    assert [f"{t:%H:%M}" for t in saved["start"]] == ["09:00", "10:30", "11:00"]
    # After the save a fresh grid shows the saved agenda; the timeline counts 3 h of training.
    assert not any("No session yet" in info.value for info in app.info)
    assert any("Training time: **3.0 h**; breaks and meals (0.5 h)" in c.value for c in app.caption)


def test_the_agenda_page_names_a_bad_time_and_keeps_save_disabled(new_module_url: tuple[str, int]) -> None:
    _, module_id = new_module_url
    app = run_page("pages/agenda.py", UserRole.FACILITATOR)
    app = edit_grid(
        app, f"grid_{module_id}_0", added_rows=[{"day": 1, "start": "nine", "end": "10:30:00.000", "title": "X"}]
    )
    assert not app.exception
    problems = next(frame.value for frame in app.dataframe if "message" in frame.value.columns)
    assert problems.values.tolist() == [
        [1, "Start", "The start time 'nine' is not a time; write it like 09:00, 9.30, 2:30 PM or 1430."]
    ]
    assert next(button for button in app.button if button.label == "Save agenda").disabled


def test_a_method_added_on_the_page_is_offered_in_the_grid(new_module_url: tuple[str, int]) -> None:
    import json

    url, module_id = new_module_url
    app = run_page("pages/agenda.py", UserRole.FACILITATOR)
    next(box for box in app.text_input if box.label == "New method").set_value("field visit")
    next(button for button in app.button if button.label == "Add to the list").click().run()
    assert not app.exception
    with Session(make_engine(url)) as session:
        assert methods.own_methods(session) == ["field visit"]
    editor = next(grid for grid in app.data_editor if grid.key == f"grid_{module_id}_1")
    options = json.loads(editor.proto.columns)["method"]["type_config"]["options"]
    assert options[-3:] == ["break", "meal", "field visit"]


def test_the_module_report_lists_sessions_with_their_room_but_not_the_breaks(session: Session) -> None:
    import io

    from docx import Document

    from programme.reports.module_report import module_report

    module = _new_module(session)
    grid = _typed(
        {"day": 1, "start": "09:00", "end": "10:30", "title": "Opening", "room": "Main hall"},
        {"day": 1, "start": "10:30", "end": "11:00", "title": "Coffee break", "room": "Terrace"},
        {"day": 1, "start": "11:00", "end": "12:30", "title": "CEDAW", "method": "panel"},
    )
    agenda.save_agenda_frame(session, module_id=module.id, frame=grid, by="ana")
    session.commit()
    text = [
        p.text
        for p in Document(
            io.BytesIO(module_report(session, module_id=get_module(session, "NEW", 1).id, by="t"))
        ).paragraphs
    ]
    assert "Day 1, 09:00–10:30: Opening (presentation, Main hall)." in text
    assert "Day 1, 11:00–12:30: CEDAW (panel)." in text
    assert not [line for line in text if "Coffee break" in line]


def test_an_imported_agenda_keeps_the_organisations_methods_and_its_breaks(session: Session) -> None:
    from programme.planning.agenda_import import import_agenda

    module = _new_module(session)
    sheet = (
        b"Day,Start,End,Title,Type,Room\n"
        b"1,9:00 AM,10:30 AM,Opening,Lecture,Main hall\n"
        b"1,10.30,11.00,Coffee break,,Terrace\n"
        b"1,1100,1230,Shelter visit,Field visit,\n"
    )
    before = import_agenda(session, data=sheet, filename="agenda.csv", module_id=module.id, dry_run=True, by="ana")
    assert before.errors == [] and before.sessions == 3
    methods.remember_method(session, "lecture", by="ana")
    report = import_agenda(session, data=sheet, filename="agenda.csv", module_id=module.id, dry_run=False, by="ana")
    assert report.errors == [] and report.written
    saved = agenda.agenda_table(session, module.id)
    # "Lecture" is the organisation's own now; "Field visit" is not, so it is the standard "visit".
    assert saved[["title", "method", "room"]].values.tolist() == [
        ["Opening", "lecture", "Main hall"],
        ["Coffee break", "break", "Terrace"],
        ["Shelter visit", "visit", ""],
    ]
    bad = import_agenda(
        session,
        data=b"Day,Start,End,Title,Type\n1,09:00,10:00,X,Dance\n",
        filename="a.csv",
        module_id=module.id,
        dry_run=True,
        by="ana",
    )
    assert [(e.row, e.column) for e in bad.errors] == [(2, "Type")]
    assert "'Dance' is not a method we know" in bad.errors[0].message and "lecture" in bad.errors[0].message


def test_saved_sessions_with_an_own_method_are_checked_like_the_others(session: Session) -> None:
    module = _new_module(session)
    methods.remember_method(session, "field visit", by="ana")
    grid = _typed({"day": 9, "start": "09:00", "end": "12:00", "title": "Shelter", "method": "field visit"})
    agenda.save_agenda_frame(session, module_id=module.id, frame=grid, by="ana")
    methods.forget_method(session, "field visit", by="ana")
    planned = agenda.planned_from_database(session, module.id)
    assert [(p.title, p.method) for p in planned] == [("Shelter", "field visit")]


def test_typed_changes_survive_a_colleagues_save_and_are_saved_onto_it(new_module_url: tuple[str, int]) -> None:
    # Facilitator A types a room into row 3 of a saved agenda; facilitator B, in another browser, renames row 1 and
    # saves. A's next click must keep A's edit (it was dropped without a word), and A's save must keep B's too.
    url, module_id = new_module_url
    _three_sessions(url, module_id)
    app = run_page("pages/agenda.py", UserRole.FACILITATOR, username="fac_a")
    app = edit_grid(app, f"grid_{module_id}_0", edited_rows={"2": {"room": "Room C"}})
    assert not app.exception
    with Session(make_engine(url)) as session:  # B's save
        theirs = agenda.agenda_table(session, module_id)
        theirs.loc[0, "title"] = "Opening and introductions"
        agenda.save_agenda_frame(session, module_id=module_id, frame=theirs, by="fac_b")
        session.commit()
    app = app.run()
    assert not app.exception
    assert any("Someone saved this agenda while you were editing" in warning.value for warning in app.warning)
    save = next(button for button in app.button if button.label == "Save agenda")
    assert not save.disabled  # A's edit is still there to save
    save.click().run()
    assert not app.exception
    with Session(make_engine(url)) as session:
        saved = agenda.agenda_table(session, module_id)
    assert saved["title"].tolist() == ["Opening and introductions", "Coffee break", "CEDAW"]
    assert saved["room"].tolist() == ["", "", "Room C"]


def _three_sessions(url: str, module_id: int) -> None:
    rows = [
        {"day": 1, "start": time(9), "end": time(10, 30), "title": "Opening"},
        {"day": 1, "start": time(10, 30), "end": time(11), "title": "Coffee break"},
        {"day": 1, "start": time(11), "end": time(12, 30), "title": "CEDAW"},
    ]
    with Session(make_engine(url)) as session:
        agenda.save_agenda_frame(session, module_id=module_id, frame=pd.DataFrame(rows), by="b")
        session.commit()


def test_a_cell_both_facilitators_changed_is_refused_naming_the_session_and_keeping_the_edit(
    new_module_url: tuple[str, int],
) -> None:
    # A types Room C into CEDAW's row; B saves Room D there. A's save put Room C over B's without a word; now nothing
    # is saved, A reads what B saved, A's edit stays in the grid, and saving again replaces B's room.
    url, module_id = new_module_url
    _three_sessions(url, module_id)
    app = run_page("pages/agenda.py", UserRole.FACILITATOR, username="fac_a")
    key = f"grid_{module_id}_0"
    app = edit_grid(app, key, edited_rows={"2": {"room": "Room C"}})
    with Session(make_engine(url)) as session:  # B's save
        theirs = agenda.agenda_table(session, module_id)
        theirs.loc[2, "room"] = "Room D"
        agenda.save_agenda_frame(session, module_id=module_id, frame=theirs, by="fac_b")
        session.commit()
    next(button for button in app.button if button.label == "Save agenda").click().run()
    assert not app.exception
    said = [shown_text(error.value) for error in app.error]
    assert any(
        "fac_b saved the session “CEDAW” (day 1) while you were editing it" in text and "Room: “Room D”" in text
        for text in said
    ), said
    assert list(app.session_state[key]["edited_rows"].values()) == [{"room": "Room C"}]
    with Session(make_engine(url)) as session:
        assert agenda.agenda_table(session, module_id)["room"].tolist() == ["", "", "Room D"]
    next(button for button in app.button if button.label == "Save agenda").click().run()
    assert not app.exception and not app.error
    with Session(make_engine(url)) as session:
        assert agenda.agenda_table(session, module_id)["room"].tolist() == ["", "", "Room C"]


def test_an_agenda_save_applies_its_own_cells_to_the_agenda_as_saved_in_its_transaction(
    new_module_url: tuple[str, int],
) -> None:
    # B's save lands after A's page ran and before A's save's transaction: A's rows as drawn must not put B's title
    # back, nor remove the session B added.
    url, module_id = new_module_url
    _three_sessions(url, module_id)
    with Session(make_engine(url)) as session:
        drawn = agenda.agenda_table(session, module_id)
    typed = drawn.copy()
    typed.loc[2, "room"] = "Room C"
    with Session(make_engine(url)) as session:  # B
        theirs = agenda.agenda_table(session, module_id)
        theirs.loc[0, "title"] = "Opening and introductions"
        added = {"day": 1, "start": time(14), "end": time(15), "title": "Lobbying"}
        theirs = pd.concat([theirs, pd.DataFrame([added])], ignore_index=True)
        agenda.save_agenda_frame(session, module_id=module_id, frame=theirs, by="fac_b")
        session.commit()
    with Session(make_engine(url)) as session:  # A's save
        agenda.save_agenda_frame(session, module_id=module_id, frame=typed, by="fac_a", opened=drawn)
        session.commit()
        saved = agenda.agenda_table(session, module_id)
    assert saved["title"].tolist() == ["Opening and introductions", "Coffee break", "CEDAW", "Lobbying"]
    assert saved["room"].tolist() == ["", "", "Room C", ""]


def _registered_ana(url: str, module_id: int) -> None:
    """Ana Reyes on the module's list, registered, her attendance not recorded."""
    from programme.models import Participation, Person

    with Session(make_engine(url)) as session:
        ana = Person(full_name="Ana Reyes", name_key="ana reyes")
        session.add(ana)
        session.flush()
        session.add(Participation(person_id=ana.id, module_id=module_id, registered=True, attended=None))
        session.commit()


def test_ticks_survive_an_import_that_adds_someone_and_are_saved(new_module_url: tuple[str, int]) -> None:
    # A ticks Day 3 for Ana on the Attendance tab; meanwhile an import adds Ben to the module (the list changes,
    # which reset the grid: "Attendance saved for 0 person(s)"). A's save must record Ana's Day 3.
    from programme.models import Participation, Person
    from programme.planning import attendance

    url, module_id = new_module_url
    _registered_ana(url, module_id)
    app = run_page("pages/agenda.py", UserRole.FACILITATOR, username="fac_a")
    app = edit_grid(app, f"attendance_{module_id}_0", edited_rows={"0": {"Day 3": True}})
    assert not app.exception
    with Session(make_engine(url)) as session:  # the import, in another session
        ben = Person(full_name="Ben Rai", name_key="ben rai")
        session.add(ben)
        session.flush()
        session.add(Participation(person_id=ben.id, module_id=module_id, registered=True, attended=None))
        session.commit()
    app = app.run()
    assert any("changed while you were ticking" in warning.value for warning in app.warning)
    next(button for button in app.button if button.label == "Save attendance").click().run()
    assert not app.exception
    said = [message.value for message in [*app.success, *app.error, *app.warning]]
    assert any("Attendance saved for 1 person." in text for text in said), said
    with Session(make_engine(url)) as session:
        table = attendance.attendance_table(session, module_id).set_index("full_name")
        assert table.loc["Ana Reyes", "Day 3"] is True and not table.loc["Ana Reyes", "Day 1"]
        assert len(table) == 2 and pd.isna(table.loc["Ben Rai", "Day 3"])  # Ben's attendance still not recorded


def _two_registered(url: str, module_id: int) -> None:
    from programme.models import Participation, Person

    with Session(make_engine(url)) as session:
        for name in ("Ana Reyes", "Ben Rai"):
            person = Person(full_name=name, name_key=name.lower())
            session.add(person)
            session.flush()
            session.add(Participation(person_id=person.id, module_id=module_id, registered=True, attended=None))
        session.commit()


def test_attendance_saved_by_a_colleague_after_the_grid_was_drawn_is_not_unticked(
    new_module_url: tuple[str, int],
) -> None:
    """A draws the attendance grid and ticks Day 2 for Ben. Before A's save reads the attendance, B saves Day 1 for
    Ana. A's save wrote Ana's row as A's grid had it, without Day 1; now it applies only A's own tick."""
    from programme.planning import attendance

    url, module_id = new_module_url
    _two_registered(url, module_id)
    with Session(make_engine(url)) as session:
        drawn = attendance.attendance_table(session, module_id)
    row = {name: position for position, name in enumerate(drawn["full_name"])}
    typed = drawn.copy()
    typed.loc[row["Ben Rai"], "Day 2"] = True
    with Session(make_engine(url)) as session:  # B's save, after A's grid was drawn
        theirs = drawn.copy()
        theirs.loc[row["Ana Reyes"], "Day 1"] = True
        attendance.save_attendance_frame(session, module_id=module_id, frame=theirs, by="fac_b", opened=drawn)
        session.commit()
    with Session(make_engine(url)) as session:  # A's save
        changed = attendance.save_attendance_frame(session, module_id=module_id, frame=typed, by="fac_a", opened=drawn)
        session.commit()
        saved = attendance.attendance_table(session, module_id).set_index("full_name")
    assert changed == 1
    assert (saved.loc["Ana Reyes", "Day 1"], saved.loc["Ben Rai", "Day 2"]) == (True, True)


def test_a_tick_a_colleague_set_the_other_way_since_the_grid_was_drawn_is_refused(
    new_module_url: tuple[str, int],
) -> None:
    """Ana's attendance is not recorded. B ticks her Day 1 and saves; A, from a grid drawn before, unticks that same
    (empty) Day 1 box: the two disagree, so A's save names Ana and saves nothing."""
    from programme.core.edits import GridConflict
    from programme.planning import attendance

    url, module_id = new_module_url
    _two_registered(url, module_id)
    with Session(make_engine(url)) as session:
        drawn = attendance.attendance_table(session, module_id)
    row = {name: position for position, name in enumerate(drawn["full_name"])}
    theirs, typed = drawn.copy(), drawn.copy()
    theirs.loc[row["Ana Reyes"], "Day 1"] = True
    typed.loc[row["Ana Reyes"], "Day 1"] = False
    typed.loc[row["Ben Rai"], "Day 2"] = True
    with Session(make_engine(url)) as session:
        attendance.save_attendance_frame(session, module_id=module_id, frame=theirs, by="fac_b", opened=drawn)
        session.commit()
    with Session(make_engine(url)) as session, pytest.raises(GridConflict, match="Ana Reyes"):
        attendance.save_attendance_frame(session, module_id=module_id, frame=typed, by="fac_a", opened=drawn)
    with Session(make_engine(url)) as session:
        saved = attendance.attendance_table(session, module_id).set_index("full_name")
    assert saved.loc["Ana Reyes", "Day 1"] is True and pd.isna(saved.loc["Ben Rai", "Day 2"])


def test_a_session_past_midnight_is_told_how_to_go_on() -> None:
    frame = pd.DataFrame(
        [
            {"day": 1, "start": "23:00", "end": "01:00", "title": "Night vigil"},
            {"day": 1, "start": "11:00", "end": "10:00", "title": "Typo"},
        ]
    )
    _, errors = planned_from_frame(frame, [])
    messages = [error.message for error in errors]
    assert messages[0].startswith("The session ends before it starts (23:00–01:00): a session cannot run past midnight")
    assert "split it into two rows" in messages[0]
    assert messages[1] == "The session ends before it starts."


@pytest.mark.parametrize(
    ("title", "method"),
    [
        ("Role play: dialogue with diplomats", "role play"),
        ("Field visit - Migrant Resource Centre", "visit"),
        ("Group work: cases of wage theft", "working group"),
        ("CEDAW: an introduction", "presentation"),  # a topic before the colon, not a method
        ("Opening", "presentation"),
        ("Lunch", "meal"),
    ],
)
def test_a_row_without_a_method_takes_the_one_its_title_opens_with(title: str, method: str) -> None:
    planned, errors = planned_from_frame(pd.DataFrame([{"day": 1, "start": "09:00", "end": "10:00", "title": title}]))
    assert not errors and planned[0].method == method


def test_saving_attendance_or_completion_with_nothing_changed_says_so(new_module_url: tuple[str, int]) -> None:
    """ "Attendance saved for 0 people." and "Completion updated for 0 participations." (wave 11's SQLite journey,
    after the attendance sheet had been imported) read as if the click had been lost or gone wrong."""

    url, module_id = new_module_url
    _registered_ana(url, module_id)
    app = run_page("pages/agenda.py", UserRole.FACILITATOR)
    next(button for button in app.button if button.label == "Save attendance").click().run()
    assert not app.exception
    said = [message.value for message in [*app.success, *app.info, *app.warning]]
    assert any(text.startswith("Nothing to save: no tick") for text in said), said
    assert not any("saved for 0" in text for text in said)
    next(button for button in app.button if button.label == "Mark completion from attendance").click().run()
    said = [message.value for message in [*app.success, *app.info, *app.warning]]
    assert any(text.startswith("Nothing changed: everyone's Completed box") for text in said), said
    assert not any("updated for 0" in text for text in said)


def test_the_attendance_ticks_come_before_the_contacts(new_module_url: tuple[str, int]) -> None:
    """A team's journey at 1400 px: the grid (940 px wide beside the sidebar) showed name, nationality, organisation,
    position, e-mail, phone and role, and the Attended and day columns began past its right edge: a facilitator
    scrolled sideways to tick anyone. The columns ticked (and what follows from them) now come first."""
    import json

    url, module_id = new_module_url
    _registered_ana(url, module_id)
    app = run_page("pages/agenda.py", UserRole.FACILITATOR)
    assert not app.exception
    grid = next(editor for editor in app.data_editor if (editor.key or "").startswith(f"attendance_{module_id}_"))
    hidden = {name for name, config in json.loads(grid.proto.columns or "{}").items() if config.get("hidden")}
    shown = [name for name in (list(grid.proto.column_order) or list(grid.value.columns)) if name not in hidden]
    ticks = ["attended", "Day 1", "Day 2", "Day 3", "Day 4", "days_attended", "completed"]  # a 4-day module
    contacts = ["organisation", "position", "email", "phone"]
    assert set(ticks + contacts) <= set(shown), shown
    assert shown[0] == "full_name"
    assert max(shown.index(c) for c in ticks) < min(shown.index(c) for c in contacts), shown
