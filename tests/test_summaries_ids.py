"""Id sets in the summaries' statements (programme/summaries/ids.py): runs as BETWEEN, the rest as IN, in chunks."""

from __future__ import annotations

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from programme.summaries import ids as id_sets

IDS = st.sets(st.integers(min_value=1, max_value=30_000), max_size=12_000)


@given(IDS)
@settings(max_examples=60, deadline=None)
def test_chunks_hold_every_id_once_within_their_limits(chosen: set[int]) -> None:
    chunks = id_sets.chunks(chosen)
    held = [i for chunk in chunks for i in chunk]
    assert held == sorted(chosen)
    assert all(chunk.holds(i) for chunk in chunks for i in chunk)
    assert not any(chunk.holds(i) for chunk in chunks for i in (0, 30_001, *(set(range(1, 200)) - chosen)))
    for chunk in chunks:
        spans = [run for run in chunk.runs if run[0] != run[1]]
        assert len(spans) <= id_sets._SPANS
        assert 2 * len(spans) + (len(chunk.runs) - len(spans)) <= id_sets._CHUNK


def test_a_chunk_selects_exactly_its_ids_in_sqlite() -> None:
    engine = sa.create_engine("sqlite://")
    table = sa.Table("t", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True))
    table.metadata.create_all(engine)
    chosen = {*range(10, 5_000), 7, 5_002, *range(6_000, 6_003), 9_999}
    with engine.begin() as connection:
        connection.execute(sa.insert(table), [{"id": i} for i in range(1, 10_001)])
        found = []
        for chunk in id_sets.chunks(chosen):
            found += connection.scalars(sa.select(table.c.id).where(chunk.where(table.c.id))).all()
    assert sorted(found) == sorted(chosen)
    # One run of 4,990 ids is one BETWEEN, whatever the run's length.
    assert [len(chunk.runs) for chunk in id_sets.chunks(chosen)] == [5]
