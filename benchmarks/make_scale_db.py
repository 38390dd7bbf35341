"""Build the scale database (500,000 people by default) in a SQLite file or a PostgreSQL database, timing it.

    python benchmarks/make_scale_db.py /tmp/scale.db [--people 500000] [--seed 2004]
    python benchmarks/make_scale_db.py postgresql://user:password@host/scale     (or --db URL)

The SQLite file must not exist yet (or be empty); the PostgreSQL database must exist and hold no data (the
script makes the schema). The other benchmarks read it through --db. The summaries are filled at the
load's commit, inside the time; on PostgreSQL the time also includes VACUUM ANALYZE after the load (the
planner's statistics and the visibility map that autovacuum would build later).
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from benchmarks.common import database_url, machine
from programme.core import schema
from programme.core.db import keep_statistics, make_engine, session_scope
from programme.demo.generator import DEMO_SEED
from programme.demo.scale import load_scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", help="the SQLite file to create, or a database URL")
    parser.add_argument("--db", help="a database URL (or SQLite file) instead of the path")
    parser.add_argument("--people", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=DEMO_SEED)
    args = parser.parse_args()
    if (args.path is None) == (args.db is None):
        parser.error("give the SQLite file or database URL once, as the path or as --db")
    url = database_url(args.db or args.path)
    print(machine())
    engine = make_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    started = time.perf_counter()
    schema.upgrade(engine)
    last = [0.0]

    def show(share: float, label: str) -> None:
        if share - last[0] >= 0.05 or share >= 0.98:
            last[0] = share
            print(f"{share:4.0%}  {label}  ({time.perf_counter() - started:.0f} s)", flush=True)

    with session_scope(engine) as session:
        counts = load_scale(session, people=args.people, seed=args.seed, progress=show)
        committing = time.perf_counter()
    print(f"commit (summaries filled): {time.perf_counter() - committing:.1f} s", flush=True)
    finishing = time.perf_counter()
    if sqlite:
        engine.dispose()
        with make_engine(url).begin() as connection:
            # The planner's statistics of courses and modules, as the app's start (schema.upgrade) keeps them: the
            # empty database had none to keep when the build began.
            keep_statistics(connection)
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:  # fold the WAL into the file
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        print(f"checkpoint: {time.perf_counter() - finishing:.1f} s")
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM (ANALYZE)")
            size = connection.scalar(sa.text("SELECT pg_database_size(current_database())"))
        print(f"vacuum analyze: {time.perf_counter() - finishing:.1f} s")
        engine.dispose()
    elapsed = time.perf_counter() - started
    for table, rows in counts.items():
        print(f"{table:<22}{rows:>12,}")
    if sqlite:
        size = os.path.getsize(url.removeprefix("sqlite:///"))
    where = "SQLite file" if sqlite else f"{engine.dialect.name} database"
    print(f"built {args.people:,} people in {elapsed:.0f} s ({elapsed / 60:.1f} min); {where} {size / 1024**3:.2f} GiB")
    print(f"python {platform.python_version()}, sqlite {sqlite3.sqlite_version}")


if __name__ == "__main__":
    main()
