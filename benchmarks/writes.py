"""Everyday writes at scale: how long each one's commit takes with the summaries' upkeep (issue 19).

    python benchmarks/writes.py --db /tmp/scale.db [--runs 3]
    python benchmarks/writes.py --db postgresql://.../programme_scale

Each write runs in a transaction that is rolled back, so the database is left as it was: the change is made and
flushed, then the summaries are brought up to it as the commit would (`summaries.settle`, the same upkeep in the same
transaction). Printed per write: the change, the upkeep, and the two together (median of the runs).

- attendance: one participant of the newest module marked absent (the Agenda's attendance grid, one cell);
- person: the gender of someone who took part in several modules, changed (a person's page);
- module dates: the newest module moved by a year (Courses and modules), so its people count in another year;
- import 30: a list of 30 new people imported into the newest module (read, plan, write).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import database_url, machine
from programme import summaries
from programme.core.db import make_engine
from programme.importing import apply_plan, build_plan, detect_mapping, file_hash, read_participant_sheet
from programme.models import Gender, Module, Participation, Person


def newest_module(session: Session) -> Module:
    return session.scalars(sa.select(Module).order_by(Module.start_date.desc(), Module.id.desc()).limit(1)).one()


def attendance(session: Session) -> None:
    module = newest_module(session)
    participation = session.scalars(
        sa.select(Participation).where(Participation.module_id == module.id, Participation.attended.is_(True)).limit(1)
    ).one()
    participation.attended, participation.completed, participation.days_attended = False, False, 0


def person(session: Session) -> None:
    busy = (
        sa.select(Participation.person_id)
        .group_by(Participation.person_id)
        .having(sa.func.count() >= 3)
        .order_by(Participation.person_id)
        .limit(1)
    )
    someone = session.get(Person, session.scalar(busy))
    someone.gender = Gender.MALE if someone.gender != Gender.MALE else Gender.FEMALE


def module_dates(session: Session) -> None:
    module = newest_module(session)
    module.start_date -= timedelta(days=366)
    module.end_date -= timedelta(days=366)


def import_30(session: Session) -> None:
    stamp = time.time_ns()
    lines = ["Full Name,Gender,Country of Nationality,Country where you work,Email Address"]
    lines += [f"Writes Bench {stamp} {i},Female,Kenya,Uganda,writes.{stamp}.{i}@example.org" for i in range(30)]
    data = "\n".join(lines).encode()
    table = read_participant_sheet(data, "writes.csv")
    plan = build_plan(
        session,
        table=table,
        mapping=detect_mapping(table.columns),
        module=newest_module(session),
        file_name="writes.csv",
        file_hash=file_hash(data),
    )
    apply_plan(session, plan=plan, username="benchmark")


WRITES: dict[str, Callable[[Session], None]] = {
    "attendance": attendance,
    "person": person,
    "module dates": module_dates,
    "import 30": import_30,
}


def timed(engine: sa.Engine, write: Callable[[Session], None]) -> tuple[float, float]:
    """Return (the change's seconds, the upkeep's seconds) of one run, rolled back."""
    with Session(engine) as session:
        started = time.perf_counter()
        write(session)
        session.flush()
        changed = time.perf_counter()
        summaries.settle(session)
        settled = time.perf_counter()
        session.rollback()
    return changed - started, settled - changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a SQLite file or a database URL (left unchanged)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(machine())
    engine = make_engine(database_url(args.db))
    with Session(engine) as session:
        people = session.scalar(sa.select(sa.func.count()).select_from(Person))
        print(f"{engine.dialect.name}: {people:,} people")
    for name, write in WRITES.items():
        runs = [timed(engine, write) for _ in range(args.runs)]
        change = statistics.median(run[0] for run in runs)
        upkeep = statistics.median(run[1] for run in runs)
        total = statistics.median(run[0] + run[1] for run in runs)
        print(f"{name:>13}: change {change:.2f} s, upkeep {upkeep:.2f} s, together {total:.2f} s")


if __name__ == "__main__":
    main()
