"""Benchmark: where the time of import_participants.py's import goes, step by step (issue 19's PostgreSQL goal).

python benchmarks/import_phases.py [ROWS] [--url postgresql://.../EMPTY_DB] [--set "SET LOCAL ..."]...
    Imports the benchmark's sheet as the page does on PostgreSQL (build_plan, then apply_plan, then the commit with
    the summaries' upkeep) into a fresh SQLite file or the empty database at --url, and prints: the bare calamine
    read; each step's wall time (reading, planning: names, validation and matching, writing, commit); the wall time
    of each bulk write and statement the writing thread ran (COPY per table, the triggers' range statements), and
    how long the main thread waited to hand it more; the statements the main thread ran; on PostgreSQL the server
    process's CPU during the writing and the commit. --set runs a statement at the start of the import's transaction
    (to try a transaction-local setting); --before runs one in its own transaction before the import (to try a
    schema change on the scratch database). The writes' order, ids and rows are the import's own.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from benchmarks.common import machine
from benchmarks.import_participants import ROWS, new_database, write_sheet
from programme.core import bulk
from programme.core.db import make_engine, session_scope
from programme.courses.catalogue import get_module
from programme.importing import apply_plan, build_plan, detect_mapping, file_hash, read_participant_sheet


def _label(job: Callable[[], None]) -> str:
    """What a queued write does: bulk.write_columns' rows of a table, or execute_in_order's statement."""
    names, cells = job.__code__.co_freevars, job.__closure__ or ()
    values = {name: cell.cell_contents for name, cell in zip(names, cells, strict=True)}
    if "sql" in values:
        return "statement " + " ".join(values["sql"].split())[:70]
    return f"rows of {values['table_name']}" if "table_name" in values else "other write"


class Timings:
    """Wall seconds by label, summed; the writing thread's jobs timed where they run."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def install(self, engine: sa.Engine) -> Callable[[], None]:
        original_run = bulk._run
        local = threading.local()

        def run(session: Any, job: Callable[[], None]) -> None:
            label = _label(job)

            def timed() -> None:
                started = time.perf_counter()
                try:
                    job()
                finally:
                    self.seconds[f"writer: {label}"] += time.perf_counter() - started

            started = time.perf_counter()
            original_run(session, timed)
            self.seconds["main: waiting to hand the writer more"] += time.perf_counter() - started

        def before(*_args: Any) -> None:
            local.started = time.perf_counter()

        def after(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            key = " ".join(statement.split())[:70]
            self.seconds[f"main: {key}"] += time.perf_counter() - local.started

        bulk._run = run
        sa.event.listen(engine, "before_cursor_execute", before)
        sa.event.listen(engine, "after_cursor_execute", after)

        def uninstall() -> None:
            bulk._run = original_run

        return uninstall


def _backend_cpu(pid: int | None) -> float:
    """The server process's CPU seconds (a server on this machine only), 0 without one."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / 100


def _own_cpu() -> float:
    times = os.times()
    return time.process_time() + times.children_user + times.children_system


def import_by_phase(url: str, sheet: Path, settings: list[str]) -> tuple[list[tuple[str, float]], Timings, float]:
    """Import the sheet as the page does; return each step's seconds, the writes' timings and the server's CPU."""
    engine = make_engine(url)
    timings = Timings()
    uninstall = timings.install(engine)
    steps: list[tuple[str, float]] = []
    data = sheet.read_bytes()
    try:
        with session_scope(engine) as session:
            connection = session.connection()
            postgresql = connection.dialect.name == "postgresql"
            pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar() if postgresql else None
            for setting in settings:
                connection.exec_driver_sql(setting)
            started = time.perf_counter()
            table = read_participant_sheet(data, sheet.name)
            steps.append(("read (calamine, the workbook's checks)", time.perf_counter() - started))
            started = time.perf_counter()
            options = {"table": table, "mapping": detect_mapping(table.columns), "file_name": sheet.name}
            plan = build_plan(session, **options, module=get_module(session, "BENCH", 1), file_hash=file_hash(data))
            steps.append(("plan (names, validation, matching)", time.perf_counter() - started))
            started, cpu = time.perf_counter(), _backend_cpu(pid)
            apply_plan(session, plan=plan, username="benchmark")
            steps.append(("write (apply_plan)", time.perf_counter() - started))
            server = _backend_cpu(pid) - cpu
            started, cpu = time.perf_counter(), _backend_cpu(pid)
            session.commit()
            steps.append(("commit (the summaries' upkeep)", time.perf_counter() - started))
            server += _backend_cpu(pid) - cpu
    finally:
        uninstall()
        engine.dispose()
    return steps, timings, server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int, default=ROWS)
    parser.add_argument("--url", help="an empty database to import into (default: a fresh SQLite file)")
    parser.add_argument("--set", action="append", default=[], help="a statement run first in the import's transaction")
    parser.add_argument("--before", action="append", default=[], help="a statement run before, in its own transaction")
    parser.add_argument("--sheet", type=Path, help="the sheet to import (made, if missing, with ROWS rows)")
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as folder:
        sheet = args.sheet or Path(folder) / "participants.xlsx"
        if not sheet.exists():
            write_sheet(sheet, args.rows)
        url = args.url or f"sqlite:///{Path(folder) / 'bench.db'}"
        new_database(url)
        if args.before:
            engine = make_engine(url)
            with engine.begin() as connection:
                for statement in args.before:
                    connection.exec_driver_sql(statement)
            engine.dispose()
        started = time.perf_counter()
        pd.read_excel(sheet, engine="calamine", header=1)
        bare = time.perf_counter() - started
        started, cpu = time.perf_counter(), _own_cpu()
        steps, timings, server = import_by_phase(url, sheet, args.set)
        total, cpu = time.perf_counter() - started, _own_cpu() - cpu
    print(f"bare calamine read {bare:.2f} s; import {total:.2f} s; ratio: {total / bare:.2f}")
    print(f"  CPU of this process and its children (the workbook's parser) {cpu:.2f} s")
    for name, seconds in steps:
        print(f"  {name}: {seconds:.2f} s")
    if server:
        print(f"  the server process's CPU while writing and committing: {server:.2f} s")
    for name, seconds in sorted(timings.seconds.items(), key=lambda item: -item[1]):
        if seconds >= 0.01:
            print(f"    {seconds:6.2f} s  {name}")


if __name__ == "__main__":
    main()
