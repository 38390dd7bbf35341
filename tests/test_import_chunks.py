"""Large participant lists: read and planned a chunk of rows at a time, with the outcome of reading them at once.

The chunk sizes are made small here so that a 20,000-row file crosses many chunk boundaries: rows repeated,
e-mails shared and consent answers spread across chunks must give the same plan as one pass over the rows.
The figures planted in the generated file are counted by the generator itself, not by the code under test.
"""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
import tracemalloc
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from programme.cli import main
from programme.core.db import make_engine, session_scope
from programme.courses.catalogue import add_course, add_module, get_module
from programme.importing import apply_plan, build_plan, detect_columns, file_hash, plan, read_participant_sheet
from programme.sheets import reader

ROWS = 20_000
HEADER = ["Full name", "Gender", "Nationality", "E-mail address", "Consent: e-mail shareable", "Day 1", "Day 2"]
GIVEN = ["Maria", "Ana", "Ram", "Sita", "Nguyen", "Siti", "Kamal", "Joy"]
FAMILY = ["Santos", "Rai", "Gurung", "Tran", "Rahman", "Lim", "Reyes"]
COUNTRIES = ["Philippines", "Nepal", "Viet Nam", "Bangladesh", "Malaysia"]
# People already in the database: the first rows of the file, imported before (matched by e-mail).
KNOWN = 40


@dataclass
class Planted:
    """What the generator put in the file, counted as it wrote it."""

    repeated: int = 0  # a later row with an earlier row's name, nationality and e-mail
    shared: int = 0  # a later row with an earlier row's e-mail and another name: an error
    bad_email: int = 0  # an e-mail without @: an error
    unknown_gender: int = 0  # "Xyz": a warning, the row is valid
    unclear_consent: int = 0  # "maybe": a warning, the row is valid


def large_csv() -> tuple[bytes, Planted]:
    rng = random.Random(17)
    planted = Planted()
    rows: list[list[str]] = []
    for number in range(1, ROWS + 1):
        name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} {number}"
        row = [name, rng.choice(["F", "M", ""]), rng.choice(COUNTRIES), f"p{number}@example.org", "yes", "x", ""]
        if number > 5_000 and number % 1_000 == 0:  # the row 4,321 rows above, again: across chunk boundaries
            row = list(rows[number - 4_322])
            planted.repeated += 1
        elif number > 5_000 and number % 1_777 == 0:  # another person with the e-mail of 3,000 rows above
            row[3] = rows[number - 3_001][3]
            planted.shared += 1
        elif number % 2_500 == 0:
            row[3] = f"p{number}.example.org"
            planted.bad_email += 1
        if number % 997 == 0 and row[1] != "Xyz":
            row[1] = "Xyz"
        if number % 1_499 == 0:
            row[4] = "maybe"
        rows.append(row)
    planted.unknown_gender = sum(row[1] == "Xyz" for row in rows)
    planted.unclear_consent = sum(row[4] == "maybe" for row in rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8"), planted


@pytest.fixture(scope="module")
def generated() -> tuple[bytes, Planted]:
    return large_csv()


@pytest.fixture
def database(tmp_path: Path, sqlite_templates: dict[str, Path], generated: tuple[bytes, Planted]) -> Engine:
    """An SQLite database with module BKK 1, into which the file's first KNOWN rows were imported."""
    path = tmp_path / "chunks.db"
    shutil.copy(sqlite_templates["empty"], path)
    engine = make_engine(f"sqlite:///{path}")
    with session_scope(engine) as session:
        add_course(session, code="BKK", title="Regional course")
        day = date(2019, 3, 4)
        add_module(session, course_code="BKK", number=1, title="Module 1", start=day, end=date(2019, 3, 5))
    first = b"\n".join(generated[0].split(b"\n")[: KNOWN + 1]) + b"\n"
    with session_scope(engine) as session:
        apply_plan(session, plan=make_plan(session, first, "first.csv"), username="tester")
    return engine


def make_plan(session, data: bytes, name: str, **options) -> plan.ImportPlan:
    table = read_participant_sheet(data, name)
    return build_plan(
        session,
        table=table,
        mapping=detect_columns(table),
        module=get_module(session, "BKK", 1),
        file_name=name,
        file_hash=file_hash(data),
        **options,
    )


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "ROWS_PER_CHUNK", 3_000)
    monkeypatch.setattr(plan, "PLAN_ROWS_PER_CHUNK", 4_000)
    monkeypatch.setattr(plan, "SUMMARY_ROWS_PER_CHUNK", 2_500)


def test_a_large_table_is_held_as_arrow_strings_with_the_same_text(
    generated: tuple[bytes, Planted], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = generated[0]
    whole = read_participant_sheet(data, "list.csv")
    monkeypatch.setattr(reader, "ROWS_PER_CHUNK", 3_000)
    chunked = read_participant_sheet(data, "list.csv")
    assert whole.frame.dtypes.map(str).tolist() == ["object"] * len(HEADER)
    assert chunked.frame.dtypes.map(str).tolist() == ["str"] * len(HEADER)
    assert chunked.row_numbers == whole.row_numbers == list(range(2, ROWS + 2))
    for column in HEADER:
        assert chunked.frame[column].tolist() == whole.frame[column].tolist()
    expected = list(csv.reader(io.StringIO(data.decode())))[1:]
    assert chunked.frame.iloc[12_345].tolist() == expected[12_345]


def test_a_plan_made_in_chunks_reports_what_one_pass_does(
    database: Engine, generated: tuple[bytes, Planted], monkeypatch: pytest.MonkeyPatch
) -> None:
    data, planted = generated
    with session_scope(database) as session:
        whole = make_plan(session, data, "list.csv").report()
    monkeypatch.setattr(reader, "ROWS_PER_CHUNK", 3_000)
    monkeypatch.setattr(plan, "PLAN_ROWS_PER_CHUNK", 4_000)
    monkeypatch.setattr(plan, "SUMMARY_ROWS_PER_CHUNK", 2_500)
    with session_scope(database) as session:
        chunked = make_plan(session, data, "list.csv")
        summary = make_plan(session, data, "list.csv", keep_rows=False)
    assert chunked.report() == whole
    assert summary.report() == whole
    errors = planted.shared + planted.bad_email
    assert whole["rows"] == ROWS
    assert whole["valid"] == ROWS - errors
    assert whole["matched"] == KNOWN
    assert whole["repeated"] == planted.repeated
    assert whole["would_create"] == ROWS - errors - KNOWN - planted.repeated
    assert whole["created"] == 0  # nothing written
    assert len(whole["errors"]) == errors
    assert sum("is also given for" in error["message"] for error in whole["errors"]) == planted.shared
    gender = next(warning for warning in whole["warnings"] if "'Xyz'" in warning)
    assert f"'Xyz' ({planted.unknown_gender} rows)" in gender
    assert f"{planted.unclear_consent - plan.CONSENT_WARNINGS_SHOWN} more consent answers" in " ".join(
        whole["warnings"]
    )
    repeats = [planned for planned in chunked.rows if planned.status == plan.RowStatus.REPEATED]
    assert [planned.same_as_row for planned in repeats[:2]] == [6_000 + 1 - 4_321, 7_000 + 1 - 4_321]
    assert [planned.person.index for planned in chunked.rows[:3]] == [0, 1, 2]
    assert chunked.rows[-1].person.index == ROWS - 1


def test_a_summary_plan_holds_only_the_rows_it_reports(
    database: Engine, generated: tuple[bytes, Planted], small_chunks: None
) -> None:
    data, planted = generated
    with session_scope(database) as session:
        table = read_participant_sheet(data, "list.csv")
        mapping, module = detect_columns(table), get_module(session, "BKK", 1)

        def held(keep_rows: bool) -> tuple[plan.ImportPlan, int]:
            """Return the plan and the bytes of Python objects it holds once made (the table made before)."""
            tracemalloc.start()
            try:
                made = build_plan(
                    session,
                    table=table,
                    mapping=mapping,
                    module=module,
                    file_name="list.csv",
                    file_hash="x",
                    keep_rows=keep_rows,
                )
                return made, tracemalloc.get_traced_memory()[0]
            finally:
                tracemalloc.stop()

        full, full_bytes = held(True)
        summary, summary_bytes = held(False)
    counts = full.counts()
    assert len(full.rows) == ROWS
    assert counts["error_rows"] == planted.shared + planted.bad_email
    assert len(summary.rows) == counts["error_rows"] + counts["probable"] < ROWS / 10
    assert {planned.status for planned in summary.rows} == {plan.RowStatus.ERROR, plan.RowStatus.PROBABLE}
    assert summary.counts() == counts
    # The full plan holds every row (hundreds of bytes each); the summary only the rows it lists.
    assert full_bytes > 200 * ROWS
    assert summary_bytes < full_bytes / 10
    with session_scope(database) as session, pytest.raises(ValueError, match="summary plan"):
        apply_plan(session, plan=summary, username="tester", skip_invalid=True)


def test_a_dry_run_of_a_large_file_reports_as_before(
    database: Engine,
    generated: tuple[bytes, Planted],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(generated[0])
    monkeypatch.setenv("DATABASE_URL", str(database.url))
    command = ["import", "participants", str(path), "--course", "BKK", "--module", "1", "--dry-run", "--json"]
    assert main(command) == 1  # rows with errors: nothing would be written without --skip-invalid
    whole = json.loads(capsys.readouterr().out)
    monkeypatch.setattr(reader, "ROWS_PER_CHUNK", 3_000)
    monkeypatch.setattr(plan, "SUMMARY_ROWS_PER_CHUNK", 2_500)
    assert main(command) == 1
    assert json.loads(capsys.readouterr().out) == whole
    assert (whole["rows"], whole["written"]) == (ROWS, False)
