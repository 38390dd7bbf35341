"""An import sets the alumni directory's and the search index's insert triggers aside and does their work for its rows
at once (programme.importing.triggers, programme.core.search_index; on PostgreSQL programme.core.trigger_ranges): the
directory and the index end as the triggers would have left them, and the triggers stay for every other write."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from programme.core import search_index, trigger_ranges
from programme.core.db import session_scope
from programme.courses.catalogue import add_module, get_module
from programme.importing import apply_plan, build_plan, detect_mapping, file_hash, read_participant_sheet, triggers
from programme.models import Participation, Person
from tests.test_importing import both_engine, run_import, sqlite_engine  # noqa: F401 - fixtures

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


# ---------------------------------------------------------------- both databases (PostgreSQL: migration 0026)

# The search index's documents by bare SQL over the raw rows (migrations 0002 and 0005's definition), PostgreSQL.
SEARCH_DOCUMENTS = sa.text(
    "SELECT p.id, to_tsvector('simple', programme_fold(concat_ws(' ', p.full_name, CASE WHEN p.consent_organisation "
    "THEN o.name END, p.position, p.expertise, p.notes)))::text FROM person AS p "
    "LEFT JOIN organisation AS o ON o.id = p.organisation_id ORDER BY p.id"
)
SEARCH_ENTRIES = sa.text(  # SQLite: the FTS5 columns
    "SELECT p.id, p.full_name, CASE WHEN p.consent_organisation THEN o.name END, p.position, p.expertise, p.notes "
    "FROM person AS p LEFT JOIN organisation AS o ON o.id = p.organisation_id ORDER BY p.id"
)


def _indexed(engine: Engine) -> list[tuple]:
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            return connection.execute(
                sa.text("SELECT person_id, document::text FROM person_search ORDER BY person_id")
            ).all()
        return connection.exec_driver_sql(
            "SELECT rowid, name, organisation, position, expertise, notes FROM person_search ORDER BY rowid"
        ).all()


def _defined(engine: Engine) -> list[tuple]:
    with engine.connect() as connection:
        return connection.execute(SEARCH_DOCUMENTS if engine.dialect.name == "postgresql" else SEARCH_ENTRIES).all()


def _replayed(engine: Engine) -> list[bool]:
    """Whether the person insert triggers' work (search index, directory) is done for the import's range."""
    with session_scope(engine) as session:
        if engine.dialect.name == "postgresql":
            # The participations' trigger stays on PostgreSQL (programme.importing.triggers).
            guarded = (search_index.POSTGRESQL, triggers.PERSON.postgresql)
            return [trigger_ranges.replaceable(session, function) for function in guarded]  # type: ignore[arg-type]
        return [
            search_index.replaceable_trigger(session) is not None,
            triggers.replaceable(session, triggers.PERSON) is not None,
        ]


def test_after_imports_the_directory_and_the_search_index_equal_their_definitions(both_engine: Engine) -> None:  # noqa: F811
    assert _replayed(both_engine) == [True, True]  # at head, on each database, the import takes that path
    _two_imports(both_engine)
    assert _directory(both_engine) == ["Ana Lim", "Sita Gurung", "Kamal Hossain", "Dewi Sari"]  # by hand, as above
    with both_engine.connect() as connection:
        assert _directory(both_engine) == list(connection.scalars(DIRECTORY))
    indexed = _indexed(both_engine)
    assert len(indexed) == 7 and indexed == _defined(both_engine)  # 5 + 2 new people
    assert _replayed(both_engine) == [True, True]  # the triggers (functions) are as they were


def test_a_replay_that_misses_rows_is_seen(both_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    if both_engine.dialect.name != "postgresql":
        pytest.skip("SQLite's replay: test_a_replay_missing_its_participations_statement_would_be_seen")
    # The search index's statement one person short: the import's trigger returns at once, so the person the replay
    # misses stays missing, and the comparison above sees it.
    short = search_index.POSTGRESQL.for_range[0].replace("BETWEEN :first AND :last", "BETWEEN :first AND :last - 1")
    monkeypatch.setattr(search_index, "POSTGRESQL", dataclasses.replace(search_index.POSTGRESQL, for_range=(short,)))
    run_import(both_engine, FIRST.encode(), "first.csv")
    defined = _defined(both_engine)
    assert len(defined) == 5 and _indexed(both_engine) == defined[:4]


def _alum(session: Session, name: str) -> None:
    person = Person(full_name=name, name_key=name.lower(), consent_listed=True)
    session.add(person)
    session.flush()
    module_id = session.scalar(sa.text("SELECT id FROM module WHERE number = 1"))
    session.add(Participation(person_id=person.id, module_id=module_id, completed=True))
    session.flush()


def _plan_first(session: Session):
    table = read_participant_sheet(FIRST.encode(), "first.csv")
    return build_plan(session, table=table, mapping=detect_mapping(table.columns),
                      module=get_module(session, "BKK", 1), file_name="first.csv",
                      file_hash=file_hash(FIRST.encode()))  # fmt: skip


def test_a_single_write_outside_an_import_still_updates_them(both_engine: Engine) -> None:  # noqa: F811
    with session_scope(both_engine) as session:
        apply_plan(session, plan=_plan_first(session), username="tester")
        _alum(session, "Zed Quinn")  # in the import's own transaction, after it: the triggers are back
    with session_scope(both_engine) as session:
        _alum(session, "Yan Moe")  # another transaction
    assert _directory(both_engine) == ["Ana Lim", "Kamal Hossain", "Zed Quinn", "Yan Moe"]
    indexed = _indexed(both_engine)
    assert len(indexed) == 7 and indexed == _defined(both_engine)


class _Broken(Exception):
    """A Python error raised inside the import's guarded block, after its people were written."""


def _break_after_the_people(monkeypatch: pytest.MonkeyPatch) -> None:
    from programme.importing import write

    real = write._insert_people

    def insert_then_fail(*args, **kwargs):
        real(*args, **kwargs)
        raise _Broken

    monkeypatch.setattr(write, "_insert_people", insert_then_fail)


def test_an_error_inside_the_guarded_block_leaves_the_triggers_on_for_the_next_transaction(
    both_engine: Engine,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The import fails after writing its people while the triggers are set aside: the rollback leaves nothing, and the
    next transaction's single write (the pool's same connection) is indexed and listed by the triggers."""
    assert _replayed(both_engine) == [True, True]
    _break_after_the_people(monkeypatch)
    with pytest.raises(_Broken), session_scope(both_engine) as session:
        apply_plan(session, plan=_plan_first(session), username="tester")
    monkeypatch.undo()
    with both_engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT count(*) FROM person")) == 0
    with session_scope(both_engine) as session:
        if both_engine.dialect.name == "postgresql":
            settings = ("programme.bulk_person_search", "programme.bulk_alumni_person")
            assert [session.scalar(sa.text(f"SELECT current_setting('{s}', true)")) for s in settings] != ["on", "on"]
        _alum(session, "Zed Quinn")
    assert _directory(both_engine) == ["Zed Quinn"]
    assert len(_indexed(both_engine)) == 1 and _indexed(both_engine) == _defined(both_engine)


def test_an_error_inside_the_guarded_block_caught_in_the_transaction_leaves_the_triggers_on(
    both_engine: Engine,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same failure caught by a caller who writes on in the same transaction (with or without a savepoint): its
    later write is the triggers' again, not left out of the search index and the directory."""
    _break_after_the_people(monkeypatch)
    for savepoint in (True, False):
        with session_scope(both_engine) as session:
            plan = _plan_first(session)
            nested = session.begin_nested() if savepoint else None
            with pytest.raises(_Broken):
                apply_plan(session, plan=plan, username="tester")
            if nested is not None:
                nested.rollback()
            _alum(session, "Yan Moe")
            yan = session.scalar(sa.text("SELECT id FROM person WHERE full_name = 'Yan Moe'"))
            listed = session.scalars(sa.text("SELECT person_id FROM alumni_directory")).all()
            if both_engine.dialect.name == "postgresql":
                indexed = session.scalars(sa.text("SELECT person_id FROM person_search")).all()
            else:
                indexed = session.scalars(sa.text("SELECT rowid FROM person_search")).all()
            assert yan in listed and yan in indexed, savepoint
            session.rollback()
