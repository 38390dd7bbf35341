"""The everyday-writes benchmark (benchmarks/writes.py) makes each change and its upkeep, and leaves the database
as it was (it may be pointed at a shared scale database)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from benchmarks import writes as benchmark
from programme import summaries
from programme.core.db import make_engine
from programme.models import DataVersion, Participation, Person, ReachPersonYear, ReachYear

KEPT = (Person, Participation, ReachYear, ReachPersonYear, DataVersion)


def contents(session: Session) -> dict[str, list[tuple]]:
    return {model.__tablename__: sorted(map(tuple, session.execute(sa.select(model.__table__)))) for model in KEPT}


@pytest.mark.parametrize("name", list(benchmark.WRITES))
def test_each_write_moves_figures_and_the_database_is_left_as_it_was(demo_sqlite_url: str, name: str) -> None:
    engine = make_engine(demo_sqlite_url)
    write = benchmark.WRITES[name]
    with Session(engine) as session:
        before = contents(session)
        write(session)
        session.flush()
        summaries.settle(session)
        # Inside the transaction the change and its upkeep are there: some data version moved.
        assert contents(session)["data_version"] != before["data_version"]
        session.rollback()
    change, upkeep = benchmark.timed(engine, write)
    assert change >= 0 and upkeep >= 0
    with Session(engine) as session:
        assert contents(session) == before
        assert summaries.check(session) == {"evaluations": [], "reach": []}
