"""A long list written while it is validated (importing.pipeline) leaves every table as build_plan + apply_plan does.

Each case imports the same list into the same starting database both ways and compares every table's rows (every
column but the timestamps: ids, foreign keys, the search index, the alumni directory, the summaries, the audit
record and the batch's counts included), the command line's report and the result. The parts are made a few rows
long, so that every list spans several, and the probable matches, repeats and shared e-mails cross their
boundaries. A list the checks refuse must leave the database exactly as it was.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from programme.cli import main, participants
from programme.core import bulk
from programme.core.db import make_engine, session_scope
from programme.courses.catalogue import add_course, add_module, get_module
from programme.importing import apply_plan, build_plan, detect_columns, file_hash, pipeline, read_participant_sheet
from programme.importing import plan as plan_module
from programme.sheets import SheetTable
from tests.conftest import POSTGRES_URL, truncate_all
from tests.test_import_chunks import large_csv

DATA = Path(__file__).parent / "data"
HEADER = ["Full name", "Gender", "Nationality", "Country of work", "Organisation", "E-mail", "Phone", "Day 1", "Day 2"]


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


# People already in the database before each import (some fields blank, to be filled by a list).
KNOWN = _csv(
    [
        ["Maria Santos", "F", "Philippines", "", "", "maria.santos@example.org", "", "x", "x"],
        ["Ram Gurung", "", "Nepal", "Malaysia", "", "ram.g@example.org", "", "x", ""],
        ["Siti Rahman", "F", "Indonesia", "Malaysia", "Tenaganita", "", "", "x", "x"],
        ["Nguyen Van Tran", "M", "Viet Nam", "", "", "", "", "", ""],
    ]
)


def _rows(count: int, *, start: int = 1) -> list[list[str]]:
    """Distinct new people, no repeat among them."""
    countries = ["Philippines", "Nepal", "Viet Nam", "Bangladesh", "Indonesia"]
    return [
        [
            f"Person{number} Family{number % 7}",
            ["F", "M", "", "female"][number % 4],
            countries[number % 5],
            countries[(number + 2) % 5] if number % 3 else "",
            f"Centre {number % 4}" if number % 2 else "",
            f"p{number}@example.org" if number % 5 else "",
            f"+63 9{number:08d}" if number % 3 == 0 else "",
            "x",
            "x" if number % 2 else "",
        ]
        for number in range(start, start + count)
    ]


def _mixed() -> bytes:
    """New people with, across parts: repeats by e-mail and by name, a namesake with another e-mail, a probable match,
    known people (by e-mail) with blank fields to fill, a shared e-mail (an error) and a name missing (an error)."""
    rows = _rows(12)
    rows.insert(
        3, ["Maria Santos", "F", "Philippines", "Philippines", "Kanlungan", "maria.santos@example.org", "", "x", ""]
    )
    rows.insert(
        5, ["Ram Gurung", "M", "Nepal", "Malaysia", "Pourakhi", "RAM.G@example.org", "+977 9800000000", "", "x"]
    )
    rows.insert(
        7, ["Siti Rahmann", "F", "Indonesia", "Malaysia", "", "siti.other@example.org", "", "x", ""]
    )  # probable
    rows.append(["Person2 Family2", "", "Viet Nam", "Japan", "Later Org", "p2@example.org", "+81 9011112222", "", "x"])
    rows.append(["Person4 Family4", "F", "Indonesia", "", "Org Four", "", "+62 81234567", "x", "x"])  # no e-mail
    rows.append(["Person4 Family4", "F", "Indonesia", "", "", "another4@example.org", "", "", "x"])  # namesake
    rows.append(["Somebody Else", "M", "Nepal", "", "", "p7@example.org", "", "x", ""])  # shared e-mail: error
    rows.append(["", "", "Nepal", "", "Orphan Org", "", "", "x", ""])  # no name: error
    rows.append(["Nguyen Van Tran", "", "Viet Nam", "Thailand", "MAP Foundation", "nguyen@example.org", "", "x", "x"])
    return _csv(rows)


def _repeat_first() -> bytes:
    """The first row repeated at the end: every new person waits for the end."""
    rows = _rows(10)
    rows.append(list(rows[0][:6]) + ["+63 9111111111", "", "x"])
    return _csv(rows)


def _valid_only() -> bytes:
    rows = _rows(23)
    rows[20][0] = rows[2][0]  # a name key repeated late (another nationality): the people after row 3 wait
    return _csv(rows)


def _own_header(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _blank_in_every_column() -> bytes:
    """Every column has a blank cell (a row with day marks only is no person), and the phone and organisation cells
    need cleaning (doubled spaces): read_names(later=True) then reads every column at once to tell the blank rows."""
    rows = _rows(14)
    rows[2] = ["", "", "", "", "", "", "", "x", "x"]  # day marks only: a blank row, no person
    rows[5] = ["", "", "", "", "", "", "", "", ""]
    rows[6][0] = ""  # no name: an error
    for row in rows[7:]:
        row[4], row[6] = row[4].replace(" ", "  "), row[6].replace(" ", "   ")
    return _csv(rows)


def _suffixes_and_family_first() -> bytes:
    """Names written "Family, Given", a Suffix column (the name split before its letters are added) and given and
    family cells on some rows; phone cells to clean."""
    header = ["Full name", "Suffix", "Given name", "Family name", "Nationality", "E-mail", "Phone", "Day 1"]
    rows = [
        [f"Family{n}, Given{n}" if n % 3 == 0 else f"Given{n}  Middle Family{n}", "Jr." if n % 4 == 0 else "",
         f"Own{n}" if n % 5 == 0 else "", f"Last{n}" if n % 7 == 0 else "", "Philippines",
         f"s{n}@example.org", f"+63  9{n:08d}" if n % 2 else "", "x"]
        for n in range(1, 16)
    ]  # fmt: skip
    rows.append(["Total: 15 participants", "", "", "", "", "", "", ""])  # a totals line, no person
    return _own_header(header, rows)


CASES: list[tuple[str, Callable[[], tuple[bytes, str]], dict[str, Any]]] = [
    ("blank-in-every-column", lambda: (_blank_in_every_column(), "blanks.csv"), {"skip_invalid": True}),
    ("suffixes-family-first", lambda: (_suffixes_and_family_first(), "suffixes.csv"), {}),
    ("distinct", lambda: (_csv(_rows(40)), "distinct.csv"), {}),
    ("distinct-attendance", lambda: (_csv(_rows(17)), "attendance.csv"), {"list_kind": "attendance"}),
    ("distinct-registration", lambda: (_csv(_rows(17)), "registration.csv"), {"list_kind": "registration"}),
    ("mixed-refused", lambda: (_mixed(), "mixed.csv"), {}),
    ("mixed-skip-invalid", lambda: (_mixed(), "mixed.csv"), {"skip_invalid": True}),
    ("mixed-accept-probable", lambda: (_mixed(), "mixed.csv"), {"skip_invalid": True, "accept_probable": True}),
    ("repeat-first", lambda: (_repeat_first(), "repeat.csv"), {}),
    ("late-namesake", lambda: (_valid_only(), "late.csv"), {}),
    ("no-valid-row", lambda: (_csv([["", "F", "Nepal", "", "Org", "bad-address", "", "x", ""]] * 3), "none.csv"), {}),
    ("known-file-again", lambda: (KNOWN, "known.csv"), {}),
    ("attendance-sheet", lambda: ((DATA / "attendance_sheet.xlsx").read_bytes(), "attendance_sheet.xlsx"), {}),
    (
        "online-form",
        lambda: ((DATA / "registrations_online_form.csv").read_bytes(), "registrations_online_form.csv"),
        {"skip_invalid": True},
    ),
    *[
        (path.stem, lambda path=path: (path.read_bytes(), path.name), {"skip_invalid": True})
        for path in sorted((DATA / "tools" / "participants").glob("*.csv"))
    ],
]


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(not POSTGRES_URL, reason="no PG"))]
)
def fresh(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_templates: dict[str, Path]
) -> Iterator[Callable[[], Engine]]:
    """Return a function giving the starting database: module BKK 2, the known people imported into module BKK 1."""
    engines: list[Engine] = []

    def make() -> Engine:
        if request.param == "sqlite":
            path = tmp_path / f"db{len(engines)}.db"
            shutil.copy(sqlite_templates["empty"], path)
            engine = make_engine(f"sqlite:///{path}")
            engines.append(engine)
        else:
            engine = request.getfixturevalue("postgres_engine")
            truncate_all(engine)
        with session_scope(engine) as session:
            add_course(session, code="BKK", title="Regional course")
            add_module(
                session, course_code="BKK", number=1, title="Earlier", start=date(2018, 3, 4), end=date(2018, 3, 5)
            )
            add_module(
                session, course_code="BKK", number=2, title="Module 2", start=date(2019, 3, 4), end=date(2019, 3, 5)
            )
        with session_scope(engine) as session:
            known = _plan(session, KNOWN, "earlier.csv", 1)
            apply_plan(session, plan=known, username="tester")
        return engine

    yield make
    for engine in engines:
        engine.dispose()


def _plan(session, data: bytes, name: str, number: int = 2, **options: Any):
    table = read_participant_sheet(data, name)
    return build_plan(
        session,
        table=table,
        mapping=detect_columns(table),
        module=get_module(session, "BKK", number),
        file_name=name,
        file_hash=file_hash(data),
        **options,
    )


def _reference(engine: Engine, data: bytes, name: str, options: dict[str, Any]) -> tuple[dict, dict | None]:
    """build_plan, then apply_plan when the command line would: the report and the result."""
    with session_scope(engine) as session:
        plan = _plan(session, data, name, list_kind=options.get("list_kind"))
        accepted = {row.row for row in plan.probable} if options.get("accept_probable") else set()
        refused = (plan.errors and not options.get("skip_invalid")) or plan.counts()["valid"] == 0
        result = None
        if not refused:
            result = apply_plan(
                session, plan=plan, username="tester", accepted=accepted, skip_invalid=bool(options.get("skip_invalid"))
            )
        report = plan.report(accepted, written=result is not None)
    return report, None if result is None else asdict(result)


def _pipelined(engine: Engine, data: bytes, name: str, options: dict[str, Any]) -> tuple[dict, dict | None]:
    with session_scope(engine) as session:
        table = read_participant_sheet(data, name)
        plan, result = pipeline.import_list(
            session,
            table=table,
            mapping=detect_columns(table),
            module=get_module(session, "BKK", 2),
            file_name=name,
            file_hash=file_hash(data),
            username="tester",
            list_kind=options.get("list_kind"),
            accept_probable=bool(options.get("accept_probable")),
            skip_invalid=bool(options.get("skip_invalid")),
        )
        accepted = {row.row for row in plan.probable} if options.get("accept_probable") else set()
        report = plan.report(accepted, written=result is not None)
    return report, None if result is None else asdict(result)


def _tables(connection: sa.Connection) -> list[str]:
    if connection.dialect.name == "sqlite":
        names = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'person_search_%' ORDER BY name"
        ).scalars()
    else:
        names = connection.exec_driver_sql(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name"
        ).scalars()
    return list(names)


def _timestamps(connection: sa.Connection, table: str) -> set[str]:
    """The table's timestamp columns: the only ones not compared."""
    if connection.dialect.name == "sqlite":
        columns = connection.exec_driver_sql(f'PRAGMA table_info("{table}")').all()
        return {
            row[1] for row in columns if "DATETIME" in (row[2] or "").upper() or "TIMESTAMP" in (row[2] or "").upper()
        }
    columns = connection.exec_driver_sql(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %(t)s "
        "AND data_type LIKE 'timestamp%%'",
        {"t": table},
    ).scalars()
    return set(columns)


def dump(engine: Engine) -> dict[str, list[tuple]]:
    """Every table's rows, every column but the timestamps, sorted."""
    contents: dict[str, list[tuple]] = {}
    with engine.connect() as connection:
        for table in _tables(connection):
            skipped = _timestamps(connection, table)
            result = connection.exec_driver_sql(f'SELECT * FROM "{table}"')
            keep = [position for position, name in enumerate(result.keys()) if name not in skipped]
            rows = [tuple(row[position] for position in keep) for row in result]
            contents[table] = sorted(rows, key=repr)
    return contents


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "PIPELINE_ROWS", 4)
    monkeypatch.setattr(pipeline, "FIRST_PART_ROWS", 3)  # a first part shorter than the others, as by default


def test_the_parts_a_first_part_of_its_own_size_then_the_others() -> None:
    """plan._chunks with a first part: offsets and rows as counted here, every row once and in order."""
    numbers = [row + 2 for row in range(11)]
    frame = pd.DataFrame({"Full name": [f"Person {row}" for row in numbers]})
    table = SheetTable(sheet="S", header_row=1, columns=["Full name"], frame=frame, row_numbers=numbers)
    parts = list(plan_module._chunks(table, 4, 3))
    assert [start for start, _ in parts] == [0, 3, 7]
    assert [part.row_numbers for _, part in parts] == [numbers[0:3], numbers[3:7], numbers[7:11]]
    assert [name for _, part in parts for name in part.frame["Full name"]] == list(frame["Full name"])
    assert [part.frame.index.tolist() for _, part in parts] == [[0, 1, 2], [0, 1, 2, 3], [0, 1, 2, 3]]
    # Without a first part (or one the whole table fits in) the parts are as before.
    assert [start for start, _ in plan_module._chunks(table, 4)] == [0, 4, 8]
    assert [start for start, _ in plan_module._chunks(table, 4, 20)] == [0]


@pytest.mark.parametrize(("case", "made", "options"), CASES, ids=[case for case, _, _ in CASES])
def test_a_list_written_while_validated_leaves_what_build_and_apply_leave(
    fresh: Callable[[], Engine], small_parts: None, case: str, made: Callable[[], tuple[bytes, str]], options: dict
) -> None:
    data, name = made()
    engine = fresh()
    before = dump(engine)
    expected_report, expected_result = _reference(engine, data, name, options)
    expected = dump(engine)
    engine = fresh()
    assert dump(engine) == before
    report, result = _pipelined(engine, data, name, options)
    after = dump(engine)

    assert report == expected_report
    assert result == expected_result
    assert after.keys() == expected.keys()
    for table in expected:
        assert after[table] == expected[table], table
    if expected_result is None:
        assert after == before  # refused: nothing stays
    else:
        assert after != before


class _Refused(Exception):
    """The test's own failure of a write."""


def test_a_write_failing_in_a_later_part_leaves_nothing(
    fresh: Callable[[], Engine], small_parts: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write on the writing thread fails on the third part's participations, after the first parts' people,
    organisations and participations were written: the error reaches the caller and every table is as before."""
    engine = fresh()
    before = dump(engine)
    written: list[str] = []

    def failing(real: Callable[..., None]) -> Callable[..., None]:
        def write(raw: Any, table_name: str, *args: Any) -> None:
            written.append(table_name)
            if written.count("participation") == 3:
                raise _Refused
            real(raw, table_name, *args)

        return write

    monkeypatch.setattr(bulk, "_insert_values", failing(bulk._insert_values))  # SQLite
    monkeypatch.setattr(bulk, "_copy", failing(bulk._copy))  # PostgreSQL
    with pytest.raises(_Refused):
        _pipelined(engine, _csv(_rows(40)), "distinct.csv", {})
    assert written.count("person") == 3  # the parts before the failing one were written: not a refusal at the start
    assert dump(engine) == before


def test_the_cases_cover_what_they_claim(fresh: Callable[[], Engine], small_parts: None) -> None:
    """The generated lists hold what the comparisons are about, counted from the reference's own report."""
    engine = fresh()
    report, result = _reference(engine, _mixed(), "mixed.csv", {"skip_invalid": True})
    assert result is not None
    assert report["repeated"] >= 2 and len(report["probable"]) == 1 and report["matched"] == 3
    assert {error["row"] for error in report["errors"]} == {20, 21}  # the shared e-mail and the missing name
    assert result["updated_fields"] > 0  # known people's blank fields filled
    engine = fresh()
    report, result = _reference(engine, _mixed(), "mixed.csv", {})
    assert result is None and report["errors"]


@pytest.mark.parametrize("skip_invalid", [True, False])
def test_the_command_line_imports_a_long_list_while_validating_it_with_the_same_outcome(
    fresh: Callable[[], Engine],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    skip_invalid: bool,
) -> None:
    """20,000 rows with repeats, shared e-mails and bad e-mails across parts (test_import_chunks' file): the command
    line's JSON, exit code and every table as with build_plan + apply_plan (the command line's way for a short list, or
    on PostgreSQL)."""
    data, _ = large_csv()
    path = tmp_path / "list.csv"
    path.write_bytes(data)
    command = ["import", "participants", str(path), "--course", "BKK", "--module", "2", "--json"]
    command += ["--skip-invalid"] if skip_invalid else []
    calls: list[int] = []
    real = pipeline.import_list

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(participants, "import_list", counted)
    outcomes = []
    for piped in (False, True):  # planned first (the command line's way for a short list), then piped
        monkeypatch.setattr(participants, "worth_piping", lambda _session, _rows, piped=piped: piped)
        engine = fresh()
        before = dump(engine)
        monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
        code = main(command)
        outcomes.append((code, json.loads(capsys.readouterr().out), dump(engine)))
    assert calls == [1]  # the second run only
    (code, report, tables), (expected_code, expected_report, expected_tables) = outcomes[1], outcomes[0]
    assert (code, report) == (expected_code, expected_report)
    assert tables == expected_tables
    assert code == (0 if skip_invalid else 1)
    if not skip_invalid:
        assert tables == before and not report["written"]
    else:
        assert report["created"] > 19_000 and report["repeated"] > 0 and report["errors"]


def test_a_long_list_is_piped_on_sqlite_only(fresh: Callable[[], Engine]) -> None:
    engine = fresh()
    with session_scope(engine) as session:
        sqlite = engine.dialect.name == "sqlite"
        assert pipeline.worth_piping(session, 2_001) == sqlite
        assert not pipeline.worth_piping(session, 2_000)
