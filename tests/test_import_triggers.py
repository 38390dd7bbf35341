"""An import sets the alumni directory's insert triggers aside on SQLite and does their work for its rows at once
(programme.importing.triggers): the directory ends as the triggers would have left it, and the triggers stay."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from programme.core.db import session_scope
from programme.courses.catalogue import add_module
from programme.importing import triggers
from tests.test_importing import run_import, sqlite_engine  # noqa: F401 - sqlite_engine is a fixture

LISTED = "I agree to be listed in the alumni directory"
# Module 1 has three days: all three make a participant an alum (the default rule).
FIRST = (
    f'Full name,E-mail,"{LISTED}",Role,Day 1,Day 2,Day 3\n'
    "Ana Lim,ana@x.org,Yes,,x,x,x\n"  # listed, completed: in the directory
    "Ram Rai,ram@x.org,No,,x,x,x\n"  # completed, not listed
    "Sita Gurung,sita@x.org,Yes,,x,,x\n"  # listed, not completed
    "Joy Reyes,joy@x.org,Yes,Facilitator,x,x,x\n"  # listed, completed as a facilitator: no alum
    "Kamal Hossain,kamal@x.org,Yes,,x,x,x\n"  # listed, completed: in the directory
)
# Module 2 (two days): Sita completes it now, a newcomer too; Ana again.
SECOND = (
    f'Full name,E-mail,"{LISTED}",Day 1,Day 2\n'
    "Sita Gurung,sita@x.org,Yes,x,x\n"
    "Ana Lim,ana@x.org,Yes,x,x\n"
    "Dewi Sari,dewi@x.org,Yes,x,x\n"
    "Lina Santos,lina@x.org,Yes,x,\n"
)
# What the directory holds, by bare SQL over the raw rows (migration 0003's definition of it).
DIRECTORY = sa.text(
    "SELECT p.full_name FROM person AS p WHERE p.consent_listed AND p.erased_at IS NULL AND EXISTS (SELECT 1 FROM "
    "participation AS pa WHERE pa.person_id = p.id AND pa.role = 'participant' AND pa.completed) ORDER BY p.id"
)
TRIGGERS = sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")


def _directory(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(
            connection.scalars(
                sa.text(
                    "SELECT p.full_name FROM alumni_directory AS d JOIN person AS p ON p.id = d.person_id "
                    "ORDER BY d.person_id"
                )  # fmt: skip
            )
        )


def _two_imports(engine: Engine) -> None:
    run_import(engine, FIRST.encode(), "first.csv")
    assert _directory(engine) == ["Ana Lim", "Kamal Hossain"]  # counted by hand from the list above
    with session_scope(engine) as session:
        add_module(session, course_code="BKK", number=2, title="Module 2", start=date(2019, 6, 3), end=date(2019, 6, 4))
    with engine.connect() as connection:
        module_2 = connection.scalar(sa.text("SELECT id FROM module WHERE number = 2"))
    with session_scope(engine) as session:
        from programme.importing import apply_plan, build_plan, detect_mapping, file_hash, read_participant_sheet
        from programme.models import Module

        table = read_participant_sheet(SECOND.encode(), "second.csv")
        plan = build_plan(session, table=table, mapping=detect_mapping(table.columns),
                          module=session.get(Module, module_2), file_name="second.csv",
                          file_hash=file_hash(SECOND.encode()))  # fmt: skip
        apply_plan(session, plan=plan, username="tester")


def test_the_directory_ends_as_the_triggers_would_leave_it_and_the_triggers_stay(sqlite_engine: Engine) -> None:  # noqa: F811
    with session_scope(sqlite_engine) as session:  # the triggers are the ones replayed: the test takes that path
        assert triggers.replaceable(session, triggers.PERSON) is not None
        assert triggers.replaceable(session, triggers.PARTICIPATION) is not None
    with sqlite_engine.connect() as connection:
        before = connection.execute(TRIGGERS).all()
    _two_imports(sqlite_engine)
    assert _directory(sqlite_engine) == ["Ana Lim", "Sita Gurung", "Kamal Hossain", "Dewi Sari"]
    with sqlite_engine.connect() as connection:
        assert _directory(sqlite_engine) == list(connection.scalars(DIRECTORY))
        assert connection.execute(TRIGGERS).all() == before


def test_a_replay_missing_its_participations_statement_would_be_seen(
    sqlite_engine: Engine,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The check above has teeth: without the participations' statement nobody enters the directory.
    monkeypatch.setattr(triggers, "PARTICIPATION", triggers.RangeTrigger(
        triggers.PARTICIPATION.name, triggers.PARTICIPATION.expected, ()))  # fmt: skip
    run_import(sqlite_engine, FIRST.encode(), "first.csv")
    assert _directory(sqlite_engine) == []


def test_another_trigger_of_that_name_is_left_to_do_its_own_work(sqlite_engine: Engine) -> None:  # noqa: F811
    with sqlite_engine.begin() as connection:
        sql = connection.scalar(
            sa.text("SELECT sql FROM sqlite_master WHERE name = 'alumni_directory_participation_ai'")
        )
        connection.exec_driver_sql("DROP TRIGGER alumni_directory_participation_ai")
        connection.exec_driver_sql(sql.replace("BEGIN", "BEGIN SELECT 1;", 1))  # a later migration's, say
    with session_scope(sqlite_engine) as session:
        assert triggers.replaceable(session, triggers.PARTICIPATION) is None
    run_import(sqlite_engine, FIRST.encode(), "first.csv")
    assert _directory(sqlite_engine) == ["Ana Lim", "Kamal Hossain"]
