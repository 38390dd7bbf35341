"""Build the scale database (500,000 people by default) in a SQLite file, timing it.

    python benchmarks/make_scale_db.py /tmp/scale.db [--people 500000] [--seed 2004]

The file must not exist yet (or be empty). The other benchmarks read it through --db.
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

from benchmarks.common import machine
from programme.core import schema
from programme.core.db import make_engine, session_scope
from programme.demo.generator import DEMO_SEED
from programme.demo.scale import load_scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="the SQLite file to create")
    parser.add_argument("--people", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=DEMO_SEED)
    args = parser.parse_args()
    print(machine())
    engine = make_engine(f"sqlite:///{args.path}")
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
    engine.dispose()
    with sqlite3.connect(args.path) as connection:  # fold the WAL into the file
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    elapsed = time.perf_counter() - started
    print(f"commit and checkpoint: {time.perf_counter() - committing:.1f} s")
    for table, rows in counts.items():
        print(f"{table:<22}{rows:>12,}")
    size = os.path.getsize(args.path) / 1024**3
    print(f"built {args.people:,} people in {elapsed:.0f} s ({elapsed / 60:.1f} min); file {size:.2f} GiB")
    print(f"python {platform.python_version()}, sqlite {sqlite3.sqlite_version}")


if __name__ == "__main__":
    main()
