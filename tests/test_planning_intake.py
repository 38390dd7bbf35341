"""The agenda import through the intake's steps: title rows above the header, a two-row header ("Time" over
"Start" and "End"), each column's role in the report, --column FIELD=HEADER, times as planners type them
("9:00 AM", "14h30"), on SQLite and PostgreSQL. Expected figures are written out by hand from the sheets."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.intake.columns import ColumnChoiceError
from programme.models import AgendaSession
from programme.planning.agenda import agenda_table
from programme.planning.agenda_import import import_agenda
from tests.test_evaluations import make_module
from tests.test_planning_import import _counts, _run, _xlsx, cli_db  # noqa: F401 - cli_db is a fixture

# A partner's programme as sent: two title rows and a blank row above the header, "Day N" headings in the Day
# column, one Time column holding ranges typed three ways ("9:00 AM - 10:30 AM", "14h30 - 16h00", "2:00 PM to
# 5:00 PM"), breaks and lunch as rows of their own.
REAL_AGENDA = [
    ["Regional Training on the Rights of Migrant Workers — Module 1"],
    ["Bangkok, 8–10 April 2019 · Programme (draft 3)"],
    [],
    ["Day", "Time", "Session", "Facilitator", "Method", "Room"],
    ["Day 1 – Monday 8 April", "", "", "", "", ""],
    ["", "9:00 AM - 10:30 AM", "Opening and expectations", "Ana Thapa", "Plenary", "Main hall"],
    ["", "10:30 AM - 10:45 AM", "Coffee break", "", "", ""],
    ["", "10:45 AM - 12:30 PM", "The UN treaty bodies", "Ana Thapa; Dev Putra", "Presentation", "Main hall"],
    ["", "12:30 PM - 1:30 PM", "Lunch", "", "", ""],
    ["", "14h30 - 16h00", "Role play: lobbying a labour attaché", "Dev Putra", "Role play", "Room B"],
    ["Day 2 – Tuesday 9 April", "", "", "", "", ""],
    ["", "9h00 - 10h30", "Working with the media", "Ana Thapa", "Working group", "Room B"],
    ["", "2:00 PM to 5:00 PM", "Visit to the EU Delegation", "", "Visit", ""],
]
# By hand from REAL_AGENDA: day, start, end, title, method, room, facilitators.
EXPECTED = [
    [1, time(9), time(10, 30), "Opening and expectations", "plenary", "Main hall", "Ana Thapa"],
    [1, time(10, 30), time(10, 45), "Coffee break", "break", "", ""],
    [1, time(10, 45), time(12, 30), "The UN treaty bodies", "presentation", "Main hall", "Ana Thapa; Dev Putra"],
    [1, time(12, 30), time(13, 30), "Lunch", "meal", "", ""],
    [1, time(14, 30), time(16), "Role play: lobbying a labour attaché", "role play", "Room B", "Dev Putra"],
    [2, time(9), time(10, 30), "Working with the media", "working group", "Room B", "Ana Thapa"],
    [2, time(14), time(17), "Visit to the EU Delegation", "visit", "", ""],
]


def _agenda(session: Session, module_id: int) -> list[list]:
    table = agenda_table(session, module_id)
    rows = table[["day", "start", "end", "title", "method", "room", "facilitators"]].values.tolist()
    return [[int(day), start, end, title, method, room or "", people or ""] for day, start, end, title, method, room,
            people in rows]  # fmt: skip


def test_a_real_agenda_with_title_rows_and_typed_times_imports(session: Session) -> None:
    module = make_module(session, code="AG1", sessions=[])  # 8-12 April 2019, an empty agenda
    data = _xlsx(REAL_AGENDA)
    report = import_agenda(session, data=data, filename="programme.xlsx", module_id=module.id, dry_run=False, by=None)
    assert report.errors == [] and report.written
    assert (report.rows, report.sessions, report.skipped) == (9, 7, 2)  # the two "Day N" headings skipped
    assert report.columns == [
        {"header": "Day", "role": "day"},
        {"header": "Time", "role": "start"},
        {"header": "Session", "role": "title"},
        {"header": "Facilitator", "role": "facilitator"},
        {"header": "Method", "role": "method"},
        {"header": "Room", "role": "room"},
    ]
    assert _agenda(session, module.id) == EXPECTED


def test_a_two_row_header_reads_time_over_start_and_end(session: Session) -> None:
    module = make_module(session, code="AG2", sessions=[])
    data = (
        "Module 1 programme,,,,,,\n"
        "Day,Time,,Session,Facilitator,Method,Room\n"
        ",Start,End,,,,\n"
        "1,9:00 AM,10:30 AM,Opening and expectations,Ana Thapa,Plenary,Main hall\n"
        "1,14h30,16h00,Role play: lobbying a labour attaché,Dev Putra,Role play,Room B\n"
    ).encode()
    report = import_agenda(session, data=data, filename="programme.csv", module_id=module.id, dry_run=False, by=None)
    assert report.errors == [] and report.written and report.rows == 2
    assert [item["header"] for item in report.columns] == ["Day", "Start", "End", "Session", "Facilitator", "Method",
                                                           "Room"]  # fmt: skip
    assert [item["role"] for item in report.columns] == ["day", "start", "end", "title", "facilitator", "method",
                                                         "room"]  # fmt: skip
    assert _agenda(session, module.id) == [EXPECTED[0], EXPECTED[4]]


def test_column_choices_override_the_detected_ones_and_wrong_ones_are_refused(session: Session) -> None:
    module = make_module(session, code="AG3", sessions=[])
    data = b"Day,Time,What,Who,Topic\n1,9:00 AM - 10:30 AM,Opening,Ana Thapa,Introductions\n"
    missing = import_agenda(session, data=data, filename="a.csv", module_id=module.id, dry_run=False, by=None)
    assert not missing.written and [error.column for error in missing.errors] == ["Session or Title"]
    chosen = {"title": "What", "facilitator": "who", "topics": None}  # a header matched without case; Topic unread
    report = import_agenda(session, data=data, filename="a.csv", module_id=module.id, dry_run=False, by=None,
                           columns=chosen)  # fmt: skip
    assert report.errors == [] and report.written
    roles = {item["header"]: item["role"] for item in report.columns}
    assert roles == {"Day": "day", "Time": "start", "What": "title", "Who": "facilitator", "Topic": "not used"}
    assert _agenda(session, module.id) == [[1, time(9), time(10, 30), "Opening", "presentation", "", "Ana Thapa"]]
    for wrong, message in (({"speaker": "Who"}, "'speaker' is not a field of an agenda"),
                           ({"title": "Agenda item"}, "The list has no column 'Agenda item'")):  # fmt: skip
        with pytest.raises(ColumnChoiceError, match=message):
            import_agenda(session, data=data, filename="a.csv", module_id=module.id, dry_run=True, by=None,
                          columns=wrong)  # fmt: skip
    assert session.scalar(sa.select(sa.func.count(AgendaSession.id))) == 1


def test_cli_column_option_and_its_errors(cli_db: str, tmp_path: Path, capsys) -> None:  # noqa: F811
    path = tmp_path / "agenda.csv"
    path.write_text(
        "Date,Time,Item title,Led by\n2017-12-02,9:00 AM - 10:30 AM,Opening,Maria Santos\n", encoding="utf-8"
    )
    code, report = _run(capsys, path, "--column", "title=Item title", "--column", "facilitator=Led by")
    assert code == 0 and report["written"] and report["sessions"] == 1 and report["people_matched"] == 1
    assert {item["header"]: item["role"] for item in report["columns"]}["Item title"] == "title"
    before = _counts(cli_db)
    for option, message in (("speaker=Led by", "'speaker' is not a field of an agenda"),
                            ("title=Nope", "The list has no column 'Nope'"),
                            ("title", "is not FIELD=HEADER")):  # fmt: skip
        capsys.readouterr()
        from programme.cli import main

        code = main(["import", "agenda", str(path), "--course", "NP-MYS", "--module", "4", "--column", option])
        error = capsys.readouterr().err
        assert code == 2 and message in error and error.count("\n") == 1
    assert _counts(cli_db) == before


def test_the_preview_shows_the_sessions_as_read_and_each_column_in_words(session: Session) -> None:
    """Seen as a first user: the Agenda page's preview gave only counts and field names ("start" for a Time column
    of ranges), so whether "14h30 - 16h00" was read as 14:30-16:00 could not be checked before importing."""
    from programme.web.agenda_import import RANGE_WORDS, role_words

    module = make_module(session, code="AG4", sessions=[])
    data = _xlsx(REAL_AGENDA)
    report = import_agenda(session, data=data, filename="programme.xlsx", module_id=module.id, dry_run=True, by=None)
    assert not report.written and _agenda(session, module.id) == []
    table = report.sessions_table()
    # By hand from REAL_AGENDA (EXPECTED): the times as read, as HH:MM.
    assert table[["day", "start", "end", "session"]].values.tolist() == [
        [1, "09:00", "10:30", "Opening and expectations"],
        [1, "10:30", "10:45", "Coffee break"],
        [1, "10:45", "12:30", "The UN treaty bodies"],
        [1, "12:30", "13:30", "Lunch"],
        [1, "14:30", "16:00", "Role play: lobbying a labour attaché"],
        [2, "09:00", "10:30", "Working with the media"],
        [2, "14:00", "17:00", "Visit to the EU Delegation"],
    ]
    assert table["row"].tolist() == [6, 7, 8, 9, 10, 12, 13]  # the spreadsheet's rows, below 3 title rows + header
    assert table["facilitators"].tolist()[2] == "Ana Thapa; Dev Putra"
    words = dict(role_words(report.columns).values.tolist())
    assert words["Time"] == RANGE_WORDS and "9:00 AM - 10:30 AM" in RANGE_WORDS
    assert words["Session"] == "the session's title" and words["Facilitator"] == "the facilitators"
    # With an End column beside it, the start column is just the start.
    separate = [{"header": "From", "role": "start"}, {"header": "To", "role": "end"}]
    assert role_words(separate)["read as"].tolist() == ["the start time", "the end time"]
