"""Agenda import: header synonyms, rows named in errors, all-or-nothing writes, and the CLI contract."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from sqlmodel import Session

from programme.cli import main
from programme.core.db import make_engine, session_scope
from programme.courses.catalogue import add_module
from programme.models import AgendaSession, ImportBatch, Person, SessionFacilitator
from programme.people.names import name_key
from programme.planning import agenda_import
from programme.planning.agenda import agenda_table


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Programme"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# As partners send it: two title rows, a blank row, "Day 2" headings, breaks, time ranges and dates. The
# coffee break is an agenda row of its own (method "break"), the "Day 2" heading is skipped.
MESSY_AGENDA = [
    ["Advocating for the Rights of Migrant Workers — Module 4"],
    ["2–5 December 2017, Kuala Lumpur"],
    [],
    ["Date", "Time", "Session", "Format", "Resource person", "Room"],
    ["Day 1", "09:00 - 10:30", "Introduction and overview", "Plenary", "Santos, Maria", "Main hall"],
    ["", "10:30-11:00", "Coffee break", "", "", ""],
    ["", "11.00-12.30", "CEDAW, women's rights and migrant workers", "Lecture", "Ivy Josiah; Irene Lim", "Main hall"],
    ["", "2pm - 3:30pm", "Lobbying for rights", "Group work", "Maria Santos", "Room B"],
    ["Day 2 – Sunday 3 December", "", "", "", "", ""],
    ["2017-12-03", "9:00-10:30", "Role play: preparing the visit", "Role play", "", "Main hall"],
    ["", "14:00-17:30", "Visit to the Australian High Commission", "Visit", "Irene Lim", ""],
]


@pytest.fixture
def cli_db(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> str:
    """An empty database with course NP-MYS and its Module 4 (2–5 December 2017), and one known person."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    assert (
        main(["course", "add", "--code", "NP-MYS", "--title", "Advocating", "--scope", "national", "--country", "MYS"])
        == 0
    )
    assert (
        main(
            [
                "module",
                "add",
                "--course",
                "NP-MYS",
                "--number",
                "4",
                "--title",
                "Module 4",
                "--start",
                "2017-12-02",
                "--end",
                "2017-12-05",
                "--city",
                "Kuala Lumpur",
                "--country",
                "Malaysia",
            ]
        )
        == 0
    )
    with Session(make_engine(sqlite_url)) as session:
        session.add(Person(full_name="Maria Santos", name_key=name_key("Maria Santos")))
        session.commit()
    return sqlite_url


def _run(capsys: pytest.CaptureFixture, path: Path, *extra: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["import", "agenda", str(path), "--course", "NP-MYS", "--module", "4", "--json", *extra])
    return code, json.loads(capsys.readouterr().out)


def _counts(url: str) -> tuple[int, int, int]:
    with Session(make_engine(url)) as session:
        return tuple(
            session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in (AgendaSession, Person, ImportBatch)
        )


def test_a_messy_agenda_imports_with_people_matched_or_created(cli_db: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / "agenda.xlsx"
    path.write_bytes(_xlsx(MESSY_AGENDA))
    code, report = _run(capsys, path)
    assert code == 0
    assert {key: report[key] for key in ("rows", "sessions", "created", "updated", "skipped", "written")} == {
        "rows": 7,
        "sessions": 6,
        "created": 6,
        "updated": 0,
        "skipped": 1,
        "written": True,
    }
    assert (report["people_matched"], report["people_created"], report["errors"]) == (1, 2, [])
    with Session(make_engine(cli_db)) as session:
        table = agenda_table(session, 1)
        assert table[["day", "title", "method", "room"]].values.tolist() == [
            [1, "Introduction and overview", "plenary", "Main hall"],
            [1, "Coffee break", "break", ""],
            [1, "CEDAW, women's rights and migrant workers", "presentation", "Main hall"],
            [1, "Lobbying for rights", "working group", "Room B"],
            [2, "Role play: preparing the visit", "role play", "Main hall"],
            [2, "Visit to the Australian High Commission", "visit", ""],
        ]
        assert [f"{t:%H:%M}" for t in table["end"]] == ["10:30", "11:00", "12:30", "15:30", "10:30", "17:30"]
        assert table.loc[2, "resource_persons"] == "Irene Lim; Ivy Josiah"
        maria = session.scalar(sa.select(Person).where(Person.full_name == "Maria Santos"))
        led = session.scalars(sa.select(SessionFacilitator.role).where(SessionFacilitator.person_id == maria.id)).all()
        assert [role.value for role in led] == ["resource person", "resource person"]
        batch = session.scalar(sa.select(ImportBatch))
        assert (batch.kind.value, batch.module_id, json.loads(batch.counts)["created"]) == ("agenda", 1, 6)


def test_importing_the_same_sheet_again_updates_instead_of_doubling(cli_db: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / "agenda.xlsx"
    path.write_bytes(_xlsx(MESSY_AGENDA))
    assert _run(capsys, path)[0] == 0
    code, report = _run(capsys, path)
    assert (code, report["created"], report["updated"], report["people_created"]) == (0, 0, 6, 0)
    assert _counts(cli_db)[:2] == (6, 3)


def test_errors_name_row_and_column_and_nothing_is_written(cli_db: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / "agenda.csv"
    path.write_text(
        "Day,Start,End,Title,Type,Speaker\n"
        "1,09:00,10:30,Opening,Plenary,New Person\n"
        "6,09:00,10:00,Too late,Panel,\n"
        "2,25:00,10:00,,Dance,\n"
        "2,11:00,10:00,Backwards,Panel,\n",
        encoding="utf-8",
    )
    code, report = _run(capsys, path)
    assert code == 1 and report["written"] is False
    assert [(e["row"], e["column"]) for e in report["errors"]] == [
        (3, "Day"),
        (4, "Start"),
        (4, "Title"),
        (4, "Type"),
        (5, "End"),
    ]
    assert "outside the module's dates (02 Dec to 05 Dec 2017, 4 days)" in report["errors"][0]["message"]
    assert report["errors"][4]["message"] == "The session ends (10:00) before it starts (11:00)."
    assert _counts(cli_db) == (0, 1, 0)  # not even the valid row, nor the new facilitator
    # A rejected run created nothing and says so; the one readable session (row 2, "Opening") would be new.
    assert (report["created"], report["people_created"], report["would_create"]) == (0, 0, 1)


def test_a_dry_run_reports_but_writes_nothing(cli_db: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / "agenda.xlsx"
    path.write_bytes(_xlsx(MESSY_AGENDA))
    code, report = _run(capsys, path, "--dry-run")
    assert (code, report["created"], report["written"], report["dry_run"]) == (0, 0, False, True)
    # What the sheet would do, under keys of their own: six sessions new, two facilitators not yet on record.
    assert (report["would_create"], report["would_update"], report["would_create_people"]) == (6, 0, 2)
    assert (report["updated"], report["people_created"]) == (0, 0)
    assert _counts(cli_db) == (0, 1, 0)
    assert main(["import", "agenda", str(path), "--course", "NP-MYS", "--module", "4", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Dry run: nothing was written." in out
    assert "(6 to add, 0 already on the agenda)" in out and "2 to add." in out and " new" not in out


def test_a_failure_while_writing_leaves_nothing_behind(cli_db: str, tmp_path: Path, capsys, monkeypatch) -> None:
    path = tmp_path / "agenda.xlsx"
    path.write_bytes(_xlsx(MESSY_AGENDA))
    real = agenda_import.write_planned
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(agenda_import, "write_planned", failing)
    assert main(["import", "agenda", str(path), "--course", "NP-MYS", "--module", "4"]) == 1
    assert "nothing was saved" in capsys.readouterr().err
    assert _counts(cli_db) == (0, 1, 0)


def test_unreadable_files_exit_2_and_missing_columns_exit_1(cli_db: str, tmp_path: Path, capsys) -> None:
    corrupt = tmp_path / "agenda.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 not really a workbook")
    assert main(["import", "agenda", str(corrupt), "--course", "NP-MYS", "--module", "4"]) == 2
    assert capsys.readouterr().err.startswith("Error: The file could not be read as a spreadsheet")
    code, report = _run(capsys, tmp_path / "missing.xlsx")
    assert code == 2 and report["written"] is False and "was not found" in report["errors"][0]["message"]
    no_title = tmp_path / "no_title.csv"
    no_title.write_text("Day,Start,End,Speaker\n1,09:00,10:00,A B\n", encoding="utf-8")
    code, report = _run(capsys, no_title)
    assert code == 1 and report["errors"] == [
        {"row": 1, "column": "Session or Title", "message": "No column for this was found in the header row."}
    ]
    assert main(["import", "agenda", str(no_title), "--course", "NP-MYS", "--module", "9"]) == 1
    assert "has no module 9" in capsys.readouterr().err


def test_warnings_are_reported_but_do_not_stop_the_import(cli_db: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / "agenda.csv"
    path.write_text(
        "Day,From,To,Session,Method,Facilitator,Room\n"
        "1,08:00,12:00,Morning,Lecture,Ivy Josiah,Hall\n"
        "1,11:00,18:00,Long afternoon,Panel,Ivy Josiah,Hall\n",
        encoding="utf-8",
    )
    code, report = _run(capsys, path)
    assert code == 0 and report["written"] is True
    assert len(report["warnings"]) == 3  # room clash, Ivy in two places, a 10-hour day
    assert any("Ivy Josiah leads both" in w for w in report["warnings"])


def test_course_and_module_lists_filter(cli_db: str, capsys) -> None:
    capsys.readouterr()
    assert main(["module", "list", "--year", "2017", "--country", "MYS", "--json"]) == 0
    modules = json.loads(capsys.readouterr().out)
    assert [(m["course"], m["number"], m["status"]) for m in modules] == [("NP-MYS", 4, "delivered")]
    assert main(["module", "list", "--year", "2018", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["course", "list", "--scope", "national"]) == 0
    assert "NP-MYS" in capsys.readouterr().out
    # --course keeps one course's modules; a course that does not exist is named (a ProgrammeError: exit 1).
    assert main(["module", "list", "--course", "np-mys", "--json"]) == 0
    assert [(m["course"], m["number"]) for m in json.loads(capsys.readouterr().out)] == [("NP-MYS", 4)]
    assert main(["module", "list", "--course", "NOPE", "--json"]) == 1
    assert "There is no course with the code 'NOPE'." in capsys.readouterr().err


def test_the_json_has_the_shared_intake_keys(cli_db: str, tmp_path: Path, capsys) -> None:
    """Agenda, participant and evaluation imports report in one shape: tool, columns, warning_details."""
    path = tmp_path / "agenda.xlsx"
    path.write_bytes(_xlsx(MESSY_AGENDA))
    code, report = _run(capsys, path, "--dry-run")
    assert code == 0 and report["tool"] is None
    assert report["columns"] == [
        {"header": "Date", "role": "day"},
        {"header": "Time", "role": "start"},
        {"header": "Session", "role": "title"},
        {"header": "Format", "role": "method"},
        {"header": "Resource person", "role": "resource_person"},
        {"header": "Room", "role": "room"},
    ]
    assert [item["message"] for item in report["warning_details"]] == report["warnings"]
    assert all(item["column"] is None for item in report["warning_details"])


def test_lists_of_a_course_and_a_module_with_blanks_say_nothing_for_them(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str, capsys
) -> None:
    """Seen on the command line: a module with no city printed "nan" in `module list`, and its JSON held NaN, which
    is not JSON (a script reading it failed)."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    assert main(["course", "add", "--code", "ONL", "--title", "Online course"]) == 0
    assert main(["course", "add", "--code", "KL", "--title", "Kuala Lumpur course", "--country", "Malaysia"]) == 0
    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        add_module(session, course_code="ONL", number=1, title="Online", start=date(2026, 2, 3), end=date(2026, 2, 3))
        add_module(session, course_code="KL", number=1, title="M1", start=date(2026, 3, 3), end=date(2026, 3, 5),
                   city="Kuala Lumpur", country="MYS")  # fmt: skip
    capsys.readouterr()
    assert main(["module", "list"]) == 0
    assert main(["course", "list"]) == 0
    text = capsys.readouterr().out
    assert "nan" not in text.lower().replace("online", "") and "ONL" in text and "Kuala Lumpur" in text
    assert main(["module", "list", "--json"]) == 0
    modules = json.loads(capsys.readouterr().out)  # strict: NaN would not parse as JSON here
    online = next(module for module in modules if module["course"] == "ONL")
    assert online["city"] is None and online["country"] is None
    assert main(["course", "list", "--json"]) == 0
    json.loads(capsys.readouterr().out, parse_constant=lambda name: pytest.fail(f"{name} in the JSON"))
