"""The data fingerprint behind cached figures moves with every change the figures could see."""

from __future__ import annotations

from sqlmodel import Session

from programme.access import audit
from programme.access.erasure import forget_person
from programme.core.freshness import data_version
from programme.models import Person


def test_data_version_moves_on_new_rows_and_audited_changes(engine) -> None:
    with Session(engine) as session:
        empty = data_version(session)
        assert empty == (0, 0, 0, 0, 0)
        person = Person(full_name="Ana Lim", name_key="ana lim")
        session.add(person)
        session.commit()
        added = data_version(session)
        assert added != empty
        assert data_version(session) == added  # reading does not move it
        forget_person(session, person_id=person.id, by="admin")  # an update, audited
        session.commit()
        assert data_version(session) != added
        before = data_version(session)
        audit.record(session, action="update", username="admin", summary="something else")
        session.commit()
        assert data_version(session) != before


def test_a_cached_query_is_recomputed_after_the_data_changes(monkeypatch, sqlite_url: str) -> None:
    from streamlit.testing.v1 import AppTest

    from programme.core.db import make_engine, session_scope
    from programme.models import Course

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    script = (
        "import streamlit as st\n"
        "from programme.web import ui\n"
        "from programme.reach import headline\n"
        "st.markdown(f\"courses={ui.cached_query(headline)['courses']}\")\n"
    )
    app = AppTest.from_string(script, default_timeout=60).run()
    assert app.markdown[0].value == "courses=0"
    assert app.run().markdown[0].value == "courses=0"
    with session_scope(make_engine(sqlite_url)) as session:
        session.add(Course(code="RC2020", title="Regional course 2020"))
    assert app.run().markdown[0].value == "courses=1"


def test_a_read_scope_reads_while_a_writer_holds_the_lock(sqlite_url: str) -> None:
    import sqlalchemy as sa

    from programme.core.db import make_engine, read_scope, session_scope
    from programme.models import Course

    engine = make_engine(sqlite_url)
    with session_scope(engine) as writer:
        writer.add(Course(code="RC2020", title="Regional course 2020"))
        writer.flush()  # the writer's transaction (BEGIN IMMEDIATE) holds the write lock from here
        reader_engine = make_engine(sqlite_url)
        with read_scope(reader_engine) as reader:  # would wait and fail with "database is locked" if it locked
            assert reader.scalar(sa.select(sa.func.count()).select_from(Course)) == 0  # not yet committed
    with read_scope(engine) as reader:
        assert reader.scalar(sa.select(sa.func.count()).select_from(Course)) == 1
