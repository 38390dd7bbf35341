"""Benchmark: end-to-end import of a generated 50,000-row sheet vs a bare pandas + calamine read of it.

python benchmarks/import_participants.py [ROWS] [--url postgresql://.../EMPTY_DB]
    (prints both times and their ratio; goal: at most 2.0). Imports into a fresh SQLite file, or into the
    empty database at --url.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing


from benchmarks.common import machine
from programme import schema
from programme.courses import add_course, add_module, get_module
from programme.db import make_engine, session_scope
from programme.importing import apply_plan, build_plan, detect_mapping, file_hash, read_participant_sheet

ROWS = 50_000
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
        plan = build_plan(
            session,
            table=table,
            mapping=detect_mapping(table.columns),
            module=get_module(session, "BENCH", 1),
            file_name=path.name,
            file_hash=file_hash(data),
        )
        result = apply_plan(session, plan=plan, username="benchmark")
    engine.dispose()
    return {"rows": plan.counts()["rows"], "created": result.created, "participations": result.participations}


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
        engine = make_engine(url)
        schema.upgrade(engine)
        with session_scope(engine) as session:
            add_course(session, code="BENCH", title="Benchmark course")
            add_module(session, course_code="BENCH", number=1, title="M1", start=date(2020, 1, 6), end=date(2020, 1, 8))
        engine.dispose()

        # CPU time beside wall time: on a shared machine other processes lengthen the wall times unevenly.
        started, cpu = time.perf_counter(), time.process_time()
        frame = pd.read_excel(sheet, engine="calamine", header=1)
        read_seconds, read_cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"pandas.read_excel(engine='calamine'): {read_seconds:.2f} s, cpu {read_cpu:.2f} s ({len(frame):,} rows)")

        started, cpu = time.perf_counter(), time.process_time()
        counts = import_once(url, sheet)
        import_seconds, import_cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"end-to-end import into a fresh {engine.dialect.name} database: {import_seconds:.2f} s, "
            f"cpu of this process {import_cpu:.2f} s {counts}"
        )
        print(f"ratio: {import_seconds / read_seconds:.2f}, cpu {import_cpu / read_cpu:.2f} (goal: at most 2.0)")


if __name__ == "__main__":
    main()
