"""Benchmark: end-to-end import of a generated 50,000-row sheet vs a bare pandas + calamine read of it.

python benchmarks/import_participants.py [ROWS] [--url postgresql://.../EMPTY_DB]
    (prints both times and their ratio; goal: at most 3.0 on SQLite, 4.0 on PostgreSQL). Imports into a fresh
    SQLite file, or into the empty database at --url.

On SQLite it then measures the floor no import of this sheet can go below: the workbook's parse alone
(calamine, which every later step needs) plus the database's work alone for the rows the import wrote
(copied with INSERT ... SELECT into a fresh database with the same schema, triggers and indexes, and the
search index and the alumni directory filled for the rows' ranges at once, as the import does). SQLite has one writer, and the writes need
the parsed rows, so these two add up whatever the validation costs and however it is overlapped.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pandas as pd
import python_calamine
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing


from benchmarks.common import machine
from programme.core import schema
from programme.core.db import make_engine, session_scope
from programme.core.search_index import ENTRIES_RANGE, EXPECTED_TRIGGER, REMOVE_RANGE, TRIGGER
from programme.courses.catalogue import add_course, add_module, get_module
from programme.importing import apply_plan, build_plan, detect_mapping, file_hash, read_participant_sheet, triggers
from programme.importing.pipeline import import_list, worth_piping

ROWS = 50_000
# The import's time at most this many times the bare read's (issue 19), by database.
GOALS = {"sqlite": 3.0, "postgresql": 4.0}
SEED = 50
GIVEN = ["Maria", "Ana", "Ram", "Sita", "Nguyen", "Siti", "Kamal", "Joy", "Aung", "Dewi", "Rina", "Jose", "Lina"]
FAMILY = ["Santos", "Rai", "Gurung", "Tran", "Rahman", "Lim", "Reyes", "Perera", "Hossain", "Win", "Sari"]
COUNTRIES = ["Philippines", "Nepal", "Viet Nam", "Bangladesh", "Malaysia", "Sri Lanka", "Burma", "Indonesia"]
ORG_TYPES = ["NGO", "INGO", "Trade Union", "Lawyer", "Migrant association", "Faith based organisation"]
GENDERS = ["F", "M", "female", "Male", "O", ""]
HEADER = ["#", "Full name", "Gender", "Nationality", "Country where you work", "Organisation"]
HEADER += ["Type of organisation", "E-mail address", "Mobile / WhatsApp", "Day 1", "Day 2", "Day 3"]


def write_sheet(path: Path, rows: int) -> None:
    """Write a participant list with a title row, like the attendance sheets facilitators receive."""
    rng = random.Random(SEED)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Participants")
    sheet.append(["Participants of the benchmark course"])
    sheet.append(HEADER)
    for number in range(1, rows + 1):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        sheet.append(
            [
                number,
                f"{given} {family} {number}",
                rng.choice(GENDERS),
                rng.choice(COUNTRIES),
                rng.choice(COUNTRIES),
                f"{rng.choice(FAMILY)} Workers Centre {number % 900}",
                rng.choice(ORG_TYPES),
                f"{given}.{family}.{number}@example.org".upper() if number % 7 == 0 else f"p{number}@example.org",
                f"+{rng.randint(60, 99)} {rng.randint(100000000, 999999999)}",
                "x",
                rng.choice(["x", "", "x"]),
                "x",
            ]
        )
    workbook.save(path)


def import_once(url: str, path: Path) -> dict[str, int]:
    data = path.read_bytes()
    engine = make_engine(url)
    with session_scope(engine) as session:
        table = read_participant_sheet(data, path.name)
        options = {
            "table": table,
            "mapping": detect_mapping(table.columns),
            "module": get_module(session, "BENCH", 1),
            "file_name": path.name,
            "file_hash": file_hash(data),
        }
        # As the command line imports it: on SQLite written while it is validated (programme.importing.pipeline).
        if worth_piping(session, len(table.row_numbers)):
            plan, result = import_list(session, **options, username="benchmark")
            assert result is not None, "the benchmark's list was refused"
        else:
            plan = build_plan(session, **options)
            result = apply_plan(session, plan=plan, username="benchmark")
    engine.dispose()
    return {"rows": plan.counts()["rows"], "created": result.created, "participations": result.participations}


def new_database(url: str) -> None:
    """Create the schema and the benchmark's course and module."""
    engine = make_engine(url)
    schema.upgrade(engine)
    with session_scope(engine) as session:
        add_course(session, code="BENCH", title="Benchmark course")
        add_module(session, course_code="BENCH", number=1, title="M1", start=date(2020, 1, 6), end=date(2020, 1, 8))
    engine.dispose()


def cpu_seconds() -> float:
    """This process's CPU time and that of its children that have ended (the reader's child parsing a workbook)."""
    times = os.times()
    return time.process_time() + times.children_user + times.children_system


def parse_seconds(path: Path) -> float:
    """Time calamine's parse of the workbook into Python rows, as the import's reader does it (no DataFrame)."""
    started = time.perf_counter()
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
    for name in workbook.sheet_names:
        workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    return time.perf_counter() - started


# The tables an import of new people writes, in the order it writes them.
WRITTEN = ("import_batch", "organisation", "person", "participation", "attendance_day")


def database_seconds(imported: Path, fresh: Path) -> dict[str, float]:
    """Time the database's work alone: the imported rows copied into a fresh database, table by table."""
    new_database(f"sqlite:///{fresh}")
    engine = make_engine(f"sqlite:///{fresh}")
    raw = engine.raw_connection()  # the application's pragmas (foreign keys, WAL...), no implicit transactions
    connection: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
    connection.execute("ATTACH DATABASE ? AS imported", (str(imported),))
    connection.execute("PRAGMA cache_size=-131072")  # as the import's connection has
    seconds: dict[str, float] = {}
    connection.execute("BEGIN IMMEDIATE")
    trigger = connection.execute("SELECT sql FROM sqlite_master WHERE name = ?", (TRIGGER,)).fetchone()[0]
    assert " ".join(trigger.split()) == EXPECTED_TRIGGER, "the search trigger is not the one the import replays"
    connection.execute(f'DROP TRIGGER "{TRIGGER}"')
    # The alumni directory's insert triggers are set aside too, and their statements run for the rows' ranges.
    directory = {}
    for table, replayed in (("person", triggers.PERSON), ("participation", triggers.PARTICIPATION)):
        sql = connection.execute("SELECT sql FROM sqlite_master WHERE name = ?", (replayed.name,)).fetchone()[0]
        assert " ".join(sql.split()) == replayed.expected, "an alumni trigger is not the one the import replays"
        connection.execute(f'DROP TRIGGER "{replayed.name}"')
        directory[table] = (replayed, sql)
    replayed_seconds = 0.0
    for table in WRITTEN:
        started = time.perf_counter()
        # ORDER BY: the rows in the import's order, and no transfer optimisation (which copies a table's records and
        # index entries wholesale into an empty table, a shortcut no import can take).
        connection.execute(f'INSERT INTO main."{table}" SELECT * FROM imported."{table}" ORDER BY rowid')  # noqa: S608
        seconds[table] = time.perf_counter() - started
        if table in directory:
            started = time.perf_counter()
            replayed, sql = directory[table]
            first, last = connection.execute(f'SELECT min(id), max(id) FROM main."{table}"').fetchone()  # noqa: S608
            for statement in replayed.for_range:
                connection.execute(statement, {"first": first, "last": last})
            connection.execute(sql)
            replayed_seconds += time.perf_counter() - started
    seconds["alumni directory"] = replayed_seconds
    bounds = dict(
        zip(("first", "last"), connection.execute("SELECT min(id), max(id) FROM person").fetchone(), strict=True)
    )
    started = time.perf_counter()
    connection.execute(REMOVE_RANGE, bounds)
    connection.execute(ENTRIES_RANGE, bounds)
    connection.execute(trigger)
    seconds["search index"] = time.perf_counter() - started
    started = time.perf_counter()
    connection.execute("COMMIT")
    seconds["commit"] = time.perf_counter() - started
    raw.close()
    engine.dispose()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int, default=ROWS)
    parser.add_argument("--url", help="an empty database to import into (default: a fresh SQLite file)")
    args = parser.parse_args()
    rows = args.rows
    print(machine())
    with tempfile.TemporaryDirectory() as folder:
        sheet, db = Path(folder) / "participants.xlsx", Path(folder) / "bench.db"
        started = time.perf_counter()
        write_sheet(sheet, rows)
        print(f"generated {rows:,} rows ({sheet.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")
        url = args.url or f"sqlite:///{db}"
        new_database(url)
        dialect = make_engine(url).dialect.name

        # CPU time beside wall time: on a shared machine other processes lengthen the wall times unevenly.
        started, cpu = time.perf_counter(), cpu_seconds()
        frame = pd.read_excel(sheet, engine="calamine", header=1)
        read_seconds, read_cpu = time.perf_counter() - started, cpu_seconds() - cpu
        print(f"pandas.read_excel(engine='calamine'): {read_seconds:.2f} s, cpu {read_cpu:.2f} s ({len(frame):,} rows)")

        started, cpu = time.perf_counter(), cpu_seconds()
        counts = import_once(url, sheet)
        import_seconds, import_cpu = time.perf_counter() - started, cpu_seconds() - cpu
        print(
            f"end-to-end import into a fresh {dialect} database: {import_seconds:.2f} s, "
            f"cpu of this process and its children {import_cpu:.2f} s {counts}"
        )
        goal = GOALS.get(dialect, GOALS["sqlite"])
        print(f"ratio: {import_seconds / read_seconds:.2f}, cpu {import_cpu / read_cpu:.2f} (goal: at most {goal:.1f})")
        if args.url:
            return
        parse = parse_seconds(sheet)
        database = database_seconds(db, Path(folder) / "floor.db")
        print(f"floor: the workbook's parse alone (calamine): {parse:.2f} s")
        print(
            f"floor: the database's work alone for the same rows: {sum(database.values()):.2f} s ("
            + ", ".join(f"{name} {value:.2f}" for name, value in database.items())
            + ")"
        )
        floor = parse + sum(database.values())
        print(f"floor ratio: (parse + database) / bare read = {floor / read_seconds:.2f}")


if __name__ == "__main__":
    main()
