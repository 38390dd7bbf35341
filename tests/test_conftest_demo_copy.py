"""The suite's own PostgreSQL fixtures: the demo copied back after a test is the demo, whatever the test changed, and
an emptied database is empty with its ids restarted (tests/conftest.py copies back only the tables a test changed)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.conftest import DEMO_SNAPSHOT, POSTGRES_URL, load_demo_copy, truncate_all

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set: PostgreSQL tests skipped")


def _differences(connection: sa.Connection) -> dict[str, int]:
    """Each public table's rows missing from the snapshot or from the table (bare SQL, EXCEPT ALL both ways)."""
    tables = connection.exec_driver_sql(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = %(s)s ORDER BY table_name",
        {"s": DEMO_SNAPSHOT},
    ).scalars()
    found = {}
    for table in [name for name in tables if name != "sequence_positions"]:
        columns = ", ".join(
            f'"{name}"'
            for name in connection.exec_driver_sql(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = %(s)s AND table_name = %(t)s",
                {"s": DEMO_SNAPSHOT, "t": table},
            ).scalars()
        )
        count = connection.exec_driver_sql(
            f'SELECT (SELECT count(*) FROM (SELECT {columns} FROM public."{table}" EXCEPT ALL '
            f'SELECT {columns} FROM {DEMO_SNAPSHOT}."{table}") AS extra) + '
            f'(SELECT count(*) FROM (SELECT {columns} FROM {DEMO_SNAPSHOT}."{table}" EXCEPT ALL '
            f'SELECT {columns} FROM public."{table}") AS missing)'
        ).scalar_one()
        if count:
            found[table] = count
    return found


def _next_ids(connection: sa.Connection) -> dict[str, int]:
    """The id each sequence gives next, read without taking one (pg_sequence_last_value is NULL before the first)."""
    rows = connection.exec_driver_sql(
        "SELECT sequencename, last_value, start_value FROM pg_sequences WHERE schemaname = 'public'"
    ).all()
    return {name: (last + 1 if last is not None else start) for name, last, start in rows}


CHANGES = {
    # A row changed in place: as many rows as before.
    "a leaf's row updated": [
        "UPDATE evaluation_answer SET text = 'changed' WHERE (response_id, question_id) = "
        "(SELECT response_id, question_id FROM evaluation_answer ORDER BY 1, 2 LIMIT 1)"
    ],
    # A row of a table others refer to, deleted with the triggers off: its referrers' rows, unchanged, point at
    # nothing, and the table cannot be emptied without them.
    "a person deleted": [
        "SET LOCAL session_replication_role = replica",
        "DELETE FROM person WHERE id = (SELECT min(id) FROM person)",
    ],
    "a row added": ["INSERT INTO app_setting (key, value) VALUES ('fixture-check', 'x')"],
    "a sequence moved on": ["SELECT nextval('person_id_seq')"],
    # As many rows as before, one of them new.
    "a row deleted and one added": [
        "DELETE FROM session_topic WHERE (session_id, topic_id) = "
        "(SELECT session_id, topic_id FROM session_topic ORDER BY 1, 2 LIMIT 1)",
        "INSERT INTO session_topic (session_id, topic_id) SELECT s.id, t.id FROM agenda_session s CROSS JOIN topic t "
        "WHERE (s.id, t.id) NOT IN (SELECT session_id, topic_id FROM session_topic) ORDER BY 1, 2 LIMIT 1",
    ],
}


@pytest.mark.parametrize("change", list(CHANGES))
@pytest.mark.parametrize("demo_engine", ["postgresql"], indirect=True)
def test_the_demo_copied_back_after_a_change_is_the_demo(demo_engine: Engine, change: str) -> None:
    load_demo_copy(demo_engine)  # every table copied back at least once in this process: the shortcut applies
    with demo_engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM person").scalar_one() > 0
        assert _differences(connection) == {}
        before = _next_ids(connection)
    with demo_engine.begin() as connection:
        for statement in CHANGES[change]:
            connection.exec_driver_sql(statement)
    with demo_engine.connect() as connection:
        assert _differences(connection) != {} or _next_ids(connection) != before  # the change is there

    load_demo_copy(demo_engine)
    with demo_engine.connect() as connection:
        assert _differences(connection) == {}
        assert _next_ids(connection) == before
        dangling = connection.exec_driver_sql(
            "SELECT count(*) FROM participation WHERE person_id NOT IN (SELECT id FROM person)"
        ).scalar_one()
    assert dangling == 0


@pytest.mark.parametrize("demo_engine", ["postgresql"], indirect=True)
def test_an_emptied_database_holds_no_row_and_gives_its_first_ids_again(demo_engine: Engine) -> None:
    truncate_all(demo_engine)
    with demo_engine.connect() as connection:
        tables = connection.exec_driver_sql(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE' AND table_name <> 'alembic_version'"
        ).scalars()
        counts = {
            table: connection.exec_driver_sql(f'SELECT count(*) FROM public."{table}"').scalar_one() for table in tables
        }
        assert set(counts.values()) == {0}
        next_ids = _next_ids(connection)
    assert next_ids and set(next_ids.values()) == {1}
