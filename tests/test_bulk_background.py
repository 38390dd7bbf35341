"""Bulk writes on a second thread (programme.core.bulk.background_writes): in order, seen by the reads that follow,
and a failed write fails the block and writes nothing, on each backend."""

from __future__ import annotations

import sys

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from programme.core.bulk import WRITING_SWITCH_SECONDS, background_writes, execute_in_order, write_columns
from programme.core.db import session_scope
from programme.models import OrgType, Topic


def topics(engine: Engine) -> list[tuple[int, str]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.select(Topic.id, Topic.name).order_by(Topic.id))]


def test_writes_run_in_order_and_a_read_in_the_block_sees_them(engine: Engine) -> None:
    with session_scope(engine) as session, background_writes(session):
        write_columns(session, "topic", {"id": list(range(1, 3001)), "name": [f"t{i}" for i in range(1, 3001)]})
        execute_in_order(session, "UPDATE topic SET name = 'renamed' WHERE id = :id", {"id": 2})
        write_columns(session, "topic", {"id": [3001], "name": ["last"]})
        # A read waits for the writes queued before it.
        assert session.scalar(sa.select(sa.func.count()).select_from(Topic)) == 3001
        assert session.scalar(sa.select(Topic.name).where(Topic.id == 2)) == "renamed"
    stored = topics(engine)
    assert (
        len(stored) == 3001 and stored[0] == (1, "t1") and stored[1] == (2, "renamed") and stored[-1] == (3001, "last")
    )


def test_a_failed_write_fails_the_block_skips_the_later_writes_and_the_transaction_writes_nothing(
    engine: Engine,
) -> None:
    with pytest.raises(Exception) as raised, session_scope(engine) as session, background_writes(session):
        write_columns(session, "topic", {"id": [1, 2], "name": ["a", "b"]})
        write_columns(session, "topic", {"id": [2], "name": ["the same id again"]})  # fails on the other thread
        write_columns(session, "topic", {"id": [3], "name": ["after the failure"]})
    assert "unique" in str(raised.value).lower() or "duplicate" in str(raised.value).lower()
    assert topics(engine) == []


def test_a_failed_write_is_raised_by_the_next_read_in_the_block(engine: Engine) -> None:
    with session_scope(engine) as session:
        with pytest.raises(Exception, match="(?i)unique|duplicate"), background_writes(session):
            write_columns(session, "topic", {"id": [1, 1], "name": ["a", "b"]})
            session.scalar(sa.select(sa.func.count()).select_from(Topic))
            pytest.fail("the read ran after a failed write")  # pragma: no cover
        session.rollback()
    assert topics(engine) == []


def test_the_switch_interval_is_short_while_writing_and_restored_after(engine: Engine) -> None:
    """The writing thread takes Python's lock back sooner (bulk.WRITING_SWITCH_SECONDS) while it runs; the interval
    the process had comes back at the block's end, after a failed block, and only when the last of two blocks ends
    (two imports at once on a server's threads)."""
    before = sys.getswitchinterval()
    assert before > WRITING_SWITCH_SECONDS  # Python's default, 5 ms
    other = sa.create_engine("sqlite://")  # another database: a second import writing at the same time
    with session_scope(engine) as first, Session(other) as second:
        with background_writes(first):
            assert sys.getswitchinterval() == WRITING_SWITCH_SECONDS
            with background_writes(second):
                assert sys.getswitchinterval() == WRITING_SWITCH_SECONDS
            assert sys.getswitchinterval() == WRITING_SWITCH_SECONDS  # the first block still writes
        first.rollback()
    other.dispose()
    assert sys.getswitchinterval() == before
    with pytest.raises(RuntimeError), session_scope(engine) as session, background_writes(session):
        raise RuntimeError("the block failed")
    assert sys.getswitchinterval() == before


def test_columns_of_one_value_and_a_single_row_are_written_as_given(engine: Engine) -> None:
    """A column whose values are one object throughout is bound once a statement on SQLite (bulk._same_throughout):
    the rows read back as given (an enum as its value, None as NULL), a single row (every column one value) too."""
    with session_scope(engine) as session:
        write_columns(
            session, "organisation", {"id": [7], "name": ["Alone"], "name_key": ["alone"], "org_type": [OrgType.NGO]}
        )
        write_columns(
            session,
            "organisation",
            {
                "id": list(range(10, 4010)),
                "name": ["Centre"] * 4000,
                "name_key": [f"centre {i}" for i in range(10, 4010)],
                "org_type": [OrgType.TRADE_UNION] * 4000,
                "country": [None] * 4000,
            },
        )
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT id, name, name_key, org_type, country FROM organisation")).all()
    expected = [(7, "Alone", "alone", OrgType.NGO.value, None)]
    expected += [(i, "Centre", f"centre {i}", OrgType.TRADE_UNION.value, None) for i in range(10, 4010)]
    assert sorted(stored) == expected


def test_only_values_that_are_one_object_are_taken_as_one() -> None:
    """Equal values of different types (1, True and 1.0; a text and an enum member equal to it) stay per row, as
    they are stored differently; a column of one object becomes a Constant, and one column always stays a list."""
    from programme.core.bulk import Constant, _same_throughout
    from programme.models import Gender

    columns = _same_throughout(
        {"a": [1, True, 1.0], "b": [None, None, None], "c": [Gender.FEMALE, "female", Gender.FEMALE], "d": [2] * 3}
    )
    assert columns["a"] == [1, True, 1.0] and columns["c"] == [Gender.FEMALE, "female", Gender.FEMALE]
    assert isinstance(columns["b"], Constant) and columns["b"].value is None
    assert isinstance(columns["d"], Constant) and columns["d"].value == 2
    alone = _same_throughout({"x": [3], "y": ["z"], "w": Constant(1)})
    assert alone["x"] == [3] and isinstance(alone["y"], Constant) and isinstance(alone["w"], Constant)


def test_a_statements_parameters_are_its_rows_cells_in_order() -> None:
    from programme.core.bulk import _parameters

    columns = [[1, 2, 3, 4], ["a", "b", "c", "d"], [None, True, 2.5, "x"]]
    assert _parameters(["p"], columns, 1, 3) == ["p", 2, "b", True, 3, "c", 2.5]
    assert _parameters([], columns, 0, 4) == [1, "a", None, 2, "b", True, 3, "c", 2.5, 4, "d", "x"]
