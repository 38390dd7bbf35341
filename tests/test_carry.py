"""A laptop's records carried to the team's server: a SQLite backup restored into an empty PostgreSQL database; and the
other way, a team's PostgreSQL backup taken onto a laptop (SQLite) for a trip.

The PostgreSQL side needs TEST_DATABASE_URL (skipped without it, as the other PostgreSQL tests are); the SQLite backups
are made by the app itself (the demo, backed up with `backup`), some then changed the way only a hand with the
sqlite3 tool (or an old version without length checks) changes them.
"""

from __future__ import annotations

import math
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from programme import summaries
from programme.access import accounts, carry
from programme.access.backup import backup
from programme.access.restore import CARRYING as CARRIED_OVER
from programme.access.restore import restore, restored_sentence
from programme.cli import main
from programme.core import schema
from programme.core.db import make_engine, register_functions, session_scope
from programme.core.errors import ProgrammeError
from programme.models import Person
from tests.conftest import POSTGRES_URL, load_demo_copy, truncate_all

needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set: PostgreSQL tests skipped")

PASSWORD = "correct horse battery"
CARRYING = "A laptop's backup (SQLite) is being carried into this team's database (PostgreSQL)"
FORMATS = "summaries-format"
TAKING = "A team's backup (PostgreSQL) is being taken into this laptop's database (SQLite)"

# Home's reach figures and a few others, in bare SQL that both databases read alike (booleans compared with true,
# which SQLite reads as 1).
FIGURES = {
    "people who attended": "SELECT count(DISTINCT person_id) FROM participation WHERE attended = true",
    "by gender": "SELECT p.gender, count(DISTINCT p.id) FROM person p JOIN participation x ON x.person_id = p.id "
    "WHERE x.attended = true GROUP BY p.gender ORDER BY p.gender",
    "nationalities": "SELECT count(DISTINCT nationality) FROM person",
    "modules by course": "SELECT c.code, count(*) FROM module m JOIN course c ON c.id = m.course_id "
    "GROUP BY c.code ORDER BY c.code",
    "modules since 2024": "SELECT count(*) FROM module WHERE start_date >= '2024-01-01'",
    "completed": "SELECT count(*) FROM participation WHERE completed = true",
    "listed in the directory": "SELECT count(*) FROM person WHERE consent_listed = true",
    "people added before 2025": "SELECT count(*) FROM person WHERE created_at < '2025-01-01'",
    "answers": "SELECT count(*), sum(question_id) FROM evaluation_answer",
}


@pytest.fixture
def target(postgres_engine: Engine) -> Engine:
    """The team's PostgreSQL database: empty, at the newest schema, with the administrator of a new installation."""
    truncate_all(postgres_engine)
    with session_scope(postgres_engine) as session:
        accounts.add_user(session, username="root", password=PASSWORD, role="admin", by=None)
    return postgres_engine


def _laptop_backup(tmp_path: Path, sqlite_templates: dict[str, Path], change: str | None = None) -> Path:
    """The demo on a laptop's SQLite file, backed up by the app (audited there), then changed by change (SQL run on
    the backup with the sqlite3 module, as a hand with the sqlite3 tool would)."""
    laptop = tmp_path / "laptop.db"
    shutil.copy(sqlite_templates["demo"], laptop)
    engine = make_engine(f"sqlite:///{laptop}")
    out = backup(engine, tmp_path / "laptop-backup.db", by="facilitator")
    engine.dispose()
    if change:
        with sqlite3.connect(out) as connection:
            # As a hand with the sqlite3 tool can: the file's own CHECK constraints set aside. The search index's
            # triggers on person call programme_unmarked (migration 0031), which the app gives its connections.
            register_functions(connection)
            connection.executescript(f"PRAGMA ignore_check_constraints = ON; {change}")
        connection.close()
    return out


def _snapshot(engine: Engine) -> dict:
    engine.dispose()
    with engine.connect() as connection:
        counts = {
            table: connection.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar()
            for table in sa.inspect(connection).get_table_names()
        }
        users = connection.exec_driver_sql("SELECT username, password_hash FROM app_user").all()
        objects = connection.exec_driver_sql(
            "SELECT c.relname, c.relkind FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace ORDER BY 1"
        ).all()
    return {"counts": counts, "users": users, "objects": objects, "revision": schema.current_revision(engine)}


def _leftovers(temp: Path) -> list[str]:
    return sorted(path.name for path in temp.glob("programme-*"))


def _figures(connection: sa.Connection) -> dict[str, list[tuple]]:
    return {name: [tuple(row) for row in connection.exec_driver_sql(sql).all()] for name, sql in FIGURES.items()}


@needs_postgres
def test_the_demo_made_on_a_laptop_is_carried_into_postgresql_whole(
    target: Engine,
    tmp_path: Path,
    private_temp: Path,
    sqlite_templates: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    """Refused before ("a backup is restored only into the kind of database it was made from"): a team moving from a
    facilitator's laptop to a server could not take its records along."""
    path = _laptop_backup(tmp_path, sqlite_templates)
    monkeypatch.setenv("DATABASE_URL", target.url.render_as_string(hide_password=False))
    assert main(["restore", str(path)]) == 0
    said = capsys.readouterr().out
    assert CARRYING in said and "carried into this team's database" in said.splitlines()[-1]
    target.dispose()

    laptop = make_engine(f"sqlite:///{path}")
    try:
        with laptop.connect() as lite, target.connect() as pg:
            # Every table holds as many rows on both (the audit trail one more: the restore's own entry).
            lite_tables = set(sa.inspect(lite).get_table_names())
            pg_tables = set(sa.inspect(pg).get_table_names())
            assert pg_tables <= lite_tables
            for table in sorted(pg_tables - {"person_search"}):
                on_laptop = lite.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar()
                on_server = pg.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar()
                assert on_server == on_laptop + (table == "audit_entry"), table
            people = lite.exec_driver_sql("SELECT count(*) FROM person").scalar()
            assert people > 100
            assert pg.exec_driver_sql("SELECT count(*) FROM person_search").scalar() == people  # its own triggers
            # Every row of every table the app reads, field by field, as each database's columns give it back.
            for table in SQLModel.metadata.sorted_tables:
                order = list(table.primary_key.columns)
                expected = lite.execute(sa.select(table).order_by(*order)).all()
                got = pg.execute(sa.select(table).order_by(*order)).all()
                if table.name == "audit_entry":
                    got = got[:-1]
                if table.name == "data_version":  # the cached figures' keys: moved on by the summaries' rebuild
                    got, expected = [row[0] for row in got], [row[0] for row in expected]
                assert got == expected, table.name
            # Home's figures and others, by bare SQL on both.
            assert _figures(pg) == _figures(lite)
            funded_lite = lite.exec_driver_sql("SELECT sum(amount) FROM funding_grant").scalar()
            funded_pg = pg.exec_driver_sql("SELECT sum(amount) FROM funding_grant").scalar()
            assert funded_lite and math.isclose(float(funded_pg), funded_lite)
            users = pg.exec_driver_sql("SELECT username FROM app_user").scalars().all()
            assert "root" not in users  # the laptop's accounts replaced the server's new one
            assert pg.exec_driver_sql("SELECT summary FROM audit_entry ORDER BY id DESC").first() == (
                "backup 'laptop-backup.db' restored",
            )
    finally:
        laptop.dispose()
    with session_scope(target) as session:
        assert summaries.check(session) == {name: [] for name in summaries.registered()}
        highest = session.scalar(sa.select(sa.func.max(Person.id)))
        added = Person(full_name="Ram Rai", name_key="rai ram")
        session.add(added)
        session.flush()
        assert added.id == highest + 1  # the id sequences were set past the carried rows
    assert _leftovers(private_temp) == []
    assert restored_sentence(target, 0, journey=CARRIED_OVER).startswith(
        "The laptop's records were carried into this team's database (PostgreSQL). Backup restored: the database now "
        "holds 30 courses"
    )


@needs_postgres
def test_the_backup_page_on_the_team_s_server_says_a_laptop_s_backup_can_be_carried_into_it(
    target: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from programme.models import UserRole
    from tests.apptest_support import run_page

    monkeypatch.setenv("DATABASE_URL", target.url.render_as_string(hide_password=False))
    app = run_page("pages/backup.py", UserRole.ADMIN)
    assert not app.exception
    captions = " ".join(caption.value for caption in app.caption)
    assert "Moving from a laptop to this team's server?" in captions


def _fail_after(table_name: str) -> Callable:
    original = carry._copy_table

    def copy_then_fail(cursor, rows, table):  # type: ignore[no-untyped-def]
        original(cursor, rows, table)
        if table.name == table_name:
            raise psycopg.OperationalError("server closed the connection unexpectedly")

    return copy_then_fail


def _rebuild_fails(session):  # type: ignore[no-untyped-def]
    session.flush()
    raise psycopg.OperationalError("server closed the connection unexpectedly")


@needs_postgres
@pytest.mark.parametrize(
    ("where", "patch"),
    [
        ("after the people and their participations are copied", ("_copy_table", _fail_after("participation"))),
        ("at the summaries' rebuild, the last step", ("summaries.rebuild", _rebuild_fails)),
    ],
)
def test_a_failure_midway_leaves_postgresql_exactly_as_it_was(
    target: Engine,
    tmp_path: Path,
    private_temp: Path,
    sqlite_templates: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    patch: tuple[str, Callable],
) -> None:
    path = _laptop_backup(tmp_path, sqlite_templates)
    before = _snapshot(target)
    name, replacement = patch
    if name == "summaries.rebuild":
        monkeypatch.setattr(carry.summaries, "rebuild", replacement)
    else:
        monkeypatch.setattr(carry, name, replacement)
    with pytest.raises(ProgrammeError, match="left as it was"):
        restore(target, path, by="root")
    after = _snapshot(target)
    assert after == before, where
    assert after["counts"]["person"] == 0 and [user[0] for user in after["users"]] == ["root"]
    assert _leftovers(private_temp) == []


# What SQLite keeps and PostgreSQL refuses, put into the laptop's backup; the words the refusal must hold.
HOSTILE = {
    "a text longer than its column": (
        "UPDATE person SET full_name = substr(hex(zeroblob(400)), 1, 301) WHERE id = 7;",
        ["table person, record 7, field full_name", "longer than 300 characters (301 in the backup)"],
    ),
    "a word in a number's column": (
        "UPDATE module SET number = 'two' WHERE id = 3;",
        ["table module, record 3, field number", "where a whole number belongs"],
    ),
    "a word in a date's column": (
        "UPDATE module SET start_date = 'next spring' WHERE id = 2;",
        ["table module, record 2, field start_date", "where a date belongs"],
    ),
    "a 7 for a yes or no": (
        "UPDATE person SET consent_listed = 7 WHERE id = 5;",
        ["table person, record 5, field consent_listed", "the number 7 where a yes or no"],
    ),
    "a choice the app does not offer": (
        "UPDATE participation SET role = 'OVERLORD' WHERE id = 4;",
        ["table participation, record 4, field role", "not one of the field's choices"],
    ),
    "a number too large for PostgreSQL": (
        "UPDATE participation SET days_attended = 3000000000 WHERE id = 6;",
        ["table participation, record 6, field days_attended", "too large for PostgreSQL's column"],
    ),
    "a module that ends before it starts": (
        "UPDATE module SET end_date = '2000-01-01' WHERE id = 2;",
        ["rows of table module break a rule of this version's schema (ck_module_dates)"],
    ),
    "a reference to a missing record": (
        "PRAGMA foreign_keys = OFF; UPDATE participation SET person_id = 999999 WHERE id = 8;",
        ["table participation, record 8, refers to a record of table person"],
    ),
}


@needs_postgres
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_what_sqlite_kept_and_postgresql_refuses_is_named_and_nothing_is_written(
    target: Engine,
    tmp_path: Path,
    private_temp: Path,
    sqlite_templates: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    case: str,
) -> None:
    change, words = HOSTILE[case]
    path = _laptop_backup(tmp_path, sqlite_templates, change)
    before = _snapshot(target)
    monkeypatch.setenv("DATABASE_URL", target.url.render_as_string(hide_password=False))
    assert main(["restore", str(path)]) != 0
    error = capsys.readouterr().err
    assert all(word in error for word in words), error
    assert "left as it was" in error and "DataError" not in error and "Traceback" not in error
    assert len(error.strip().splitlines()) == 1
    assert _snapshot(target) == before
    assert _leftovers(private_temp) == []


def test_every_column_of_the_app_has_a_check() -> None:
    """A column of a type the carry does not know would stop every carry: each model's column has a check."""
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            assert carry._checker(column) is not None, f"{table.name}.{column.name}"


@needs_postgres
def test_a_sqlite_file_that_is_not_the_app_s_is_refused_as_such(
    target: Engine, tmp_path: Path, private_temp: Path
) -> None:
    path = tmp_path / "notes.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE course (id INTEGER PRIMARY KEY)")
    connection.close()
    before = _snapshot(target)
    with pytest.raises(ProgrammeError, match="not a backup of Programme Manager"):
        restore(target, path, by="root")
    assert _snapshot(target) == before
    assert _leftovers(private_temp) == []


@pytest.fixture
def laptop(tmp_path: Path) -> Engine:
    """A laptop's new installation: an empty SQLite file at the newest schema, with its first administrator."""
    engine = make_engine(f"sqlite:///{tmp_path / 'laptop' / 'programme.db'}")
    schema.upgrade(engine)
    with session_scope(engine) as session:
        accounts.add_user(session, username="root", password=PASSWORD, role="admin", by=None)
    return engine


def _team_backup(postgres_engine: Engine, tmp_path: Path) -> Path:
    """The demo on the team's PostgreSQL database, backed up by the app (pg_dump, audited there)."""
    load_demo_copy(postgres_engine)
    return backup(postgres_engine, tmp_path / "team.dump", by="coordinator")


def _sqlite_snapshot(engine: Engine) -> dict:
    engine.dispose()
    with sqlite3.connect(engine.url.database) as connection:
        objects = connection.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        counts = {
            name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for kind, name, _ in objects
            if kind == "table"
        }
        users = connection.execute("SELECT username, password_hash FROM app_user").fetchall()
    connection.close()
    return {"objects": objects, "counts": counts, "users": users}


@needs_postgres
def test_the_team_s_demo_is_taken_onto_a_laptop_whole(
    postgres_engine: Engine,
    laptop: Engine,
    tmp_path: Path,
    private_temp: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    """Refused before ("a backup is restored only into the kind of database it was made from"): a coordinator taking
    the team's records on a trip could not."""
    path = _team_backup(postgres_engine, tmp_path)
    monkeypatch.setenv("DATABASE_URL", laptop.url.render_as_string(hide_password=False))
    assert main(["restore", str(path)]) == 0
    said = capsys.readouterr().out
    assert TAKING in said and "taken into this laptop's database" in said.splitlines()[-1]
    laptop.dispose()
    with postgres_engine.connect() as pg, laptop.connect() as lite:
        for table in SQLModel.metadata.sorted_tables:
            order = list(table.primary_key.columns)
            expected = pg.execute(sa.select(table).order_by(*order)).all()
            got = lite.execute(sa.select(table).order_by(*order)).all()
            if table.name == "audit_entry":  # the restore's own entry; the backup's, written after the dump
                got, expected = got[:-1], expected[:-1]
            if table.name == "data_version":  # the cached figures' keys: moved on by the summaries' rebuild, which
                # notes the summaries' format too (the test database's demo, copied back table by table, has none)
                got, expected = [row[0] for row in got if not row[0].startswith(FORMATS)], [row[0] for row in expected]
            assert got == expected, table.name
        for table in ("person", "alumni_directory"):  # the directory: filled by the laptop's own triggers
            count = f'SELECT count(*) FROM "{table}"'
            assert lite.exec_driver_sql(count).scalar() == pg.exec_driver_sql(count).scalar() > 100
        assert _figures(lite) == _figures(pg)
        funded_lite = lite.exec_driver_sql("SELECT sum(amount) FROM funding_grant").scalar()
        funded_pg = pg.exec_driver_sql("SELECT sum(amount) FROM funding_grant").scalar()
        assert funded_pg and math.isclose(funded_lite, float(funded_pg))
        assert "root" not in lite.exec_driver_sql("SELECT username FROM app_user").scalars().all()
        assert lite.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    with session_scope(laptop) as session:
        assert summaries.check(session) == {name: [] for name in summaries.registered()}
        found = session.execute(sa.text("SELECT rowid FROM person_search WHERE person_search MATCH 'a*' LIMIT 1"))
        assert found.first() is not None  # the search index, filled by the laptop's own triggers
    assert _leftovers(private_temp) == [] and _leftovers(Path(laptop.url.database).parent) == []


@needs_postgres
def test_a_team_backup_failing_midway_leaves_the_laptop_s_file_as_it_was(
    postgres_engine: Engine, laptop: Engine, tmp_path: Path, private_temp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _team_backup(postgres_engine, tmp_path)
    before = _sqlite_snapshot(laptop)
    original = carry._read_line

    def fails_on_participations(table, *args):  # type: ignore[no-untyped-def]
        if table.name == "participation":
            raise ProgrammeError(f"The backup could not be restored: the file is damaged; {carry.UNCHANGED}.")
        return original(table, *args)

    monkeypatch.setattr(carry, "_read_line", fails_on_participations)
    with pytest.raises(ProgrammeError, match="left as it was"):
        restore(laptop, path, by="root")
    assert _sqlite_snapshot(laptop) == before
    assert _leftovers(private_temp) == [] and _leftovers(Path(laptop.url.database).parent) == []


def test_copy_s_text_format_is_read_back_exactly() -> None:
    """pg_dump writes rows in COPY's text format: tabs, newlines and backslashes in a text escaped (PostgreSQL's
    documentation, COPY, "Text Format")."""
    assert carry._unescape(r"line one\nline two\ttabbed \\ back\\slash \x41\101") == (
        "line one\nline two\ttabbed \\ back\\slash AA"
    )
    assert carry._pg_datetime("2024-05-01 12:30:00+02") == carry.datetime(2024, 5, 1, 10, 30)
    assert carry._pg_boolean("t") is True and carry._pg_boolean("f") is False


@needs_postgres
def test_a_course_added_on_the_server_while_the_laptop_s_backup_is_read_stops_the_carry_and_stays(
    target: Engine,
    tmp_path: Path,
    private_temp: Path,
    sqlite_templates: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from programme.courses.catalogue import add_course

    path = _laptop_backup(tmp_path, sqlite_templates)
    original = carry._check_references

    def then_a_colleague_adds_a_course(rows):  # type: ignore[no-untyped-def]
        original(rows)  # the backup is read and checked by then; the server's database is written next
        colleague = make_engine(target.url.render_as_string(hide_password=False))
        with session_scope(colleague) as session:
            add_course(session, code="NP-2026", title="Added during the restore")
        colleague.dispose()

    monkeypatch.setattr(carry, "_check_references", then_a_colleague_adds_a_course)
    with pytest.raises(ProgrammeError, match="while the backup was being read"):
        restore(target, path, by="root")
    target.dispose()
    with target.connect() as connection:
        assert connection.exec_driver_sql("SELECT code FROM course").scalars().all() == ["NP-2026"]
        assert connection.exec_driver_sql("SELECT count(*) FROM person").scalar() == 0
        assert connection.exec_driver_sql("SELECT username FROM app_user").scalars().all() == ["root"]
    assert _leftovers(private_temp) == []


@needs_postgres
def test_a_person_forgotten_after_the_laptop_s_backup_is_forgotten_again_on_the_server(
    target: Engine, tmp_path: Path, private_temp: Path, sqlite_templates: dict[str, Path]
) -> None:
    """The register of erasures ties a line to its record by the creation time as stored: it must come across from
    SQLite to PostgreSQL to the microsecond, or the person comes back on the server."""
    from programme.access.erasure import forget_person

    path = _laptop_backup(tmp_path, sqlite_templates)
    laptop = make_engine(f"sqlite:///{tmp_path / 'laptop.db'}")
    with session_scope(laptop) as session:
        name = session.get(Person, 7).full_name
        forget_person(session, person_id=7, by="facilitator")
    laptop.dispose()
    assert restore(target, path, by="root") == 1
    target.dispose()
    with session_scope(target) as session:
        person = session.get(Person, 7)
        assert person.erased_at is not None and person.full_name != name
        assert session.scalar(sa.select(sa.func.count()).where(Person.full_name == name)) == 0


@needs_postgres
def test_a_team_value_a_laptop_cannot_read_is_named_and_the_laptop_s_file_is_left_as_it_was(
    postgres_engine: Engine, laptop: Engine, tmp_path: Path, private_temp: Path, capsys: pytest.CaptureFixture
) -> None:
    """PostgreSQL stores a time 'infinity' (typed by hand in psql); the app's datetimes on SQLite cannot hold it."""
    load_demo_copy(postgres_engine)
    with postgres_engine.begin() as connection:
        connection.exec_driver_sql("UPDATE person SET updated_at = 'infinity' WHERE id = 9")
    path = backup(postgres_engine, tmp_path / "team.dump", by="coordinator")
    before = _sqlite_snapshot(laptop)
    with pytest.raises(ProgrammeError) as refused:
        restore(laptop, path, by="root")
    said = str(refused.value)
    assert "table person, record 9, field updated_at" in said and "left as it was" in said, said
    assert "Exception ignored" not in capsys.readouterr().err
    assert _sqlite_snapshot(laptop) == before
    assert _leftovers(private_temp) == [] and _leftovers(Path(laptop.url.database).parent) == []


@needs_postgres
def test_an_older_laptop_backup_is_upgraded_apart_and_a_table_of_someone_else_s_is_left_behind(
    target: Engine, tmp_path: Path, private_temp: Path
) -> None:
    """A backup from an older version (schema 0004) is upgraded on its temporary copy before its rows are read; a
    table someone added to the file is not the app's, and stays behind."""
    from tests.test_restore import OLDER_REVISION, _with_people

    source = make_engine(f"sqlite:///{tmp_path / 'old-laptop.db'}")
    _with_people(OLDER_REVISION)(source)
    with source.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        connection.exec_driver_sql("INSERT INTO notes (body) VALUES ('shopping list')")
    source.dispose()
    from programme.access.backup import copy_database

    path = copy_database(make_engine(f"sqlite:///{tmp_path / 'old-laptop.db'}"), tmp_path / "old-backup.db")
    restore(target, path, by="root")
    target.dispose()
    assert schema.current_revision(target) == schema.head_revision()
    with target.connect() as connection:
        assert connection.exec_driver_sql("SELECT full_name FROM person").scalars().all() == ["Ana Tan"]
        assert connection.exec_driver_sql("SELECT username FROM app_user").scalars().all() == ["keeper"]
        assert not sa.inspect(connection).has_table("notes")
    with session_scope(target) as session:
        assert summaries.check(session) == {name: [] for name in summaries.registered()}
    assert _leftovers(private_temp) == []


def test_sqlite_s_dates_and_times_are_carried_as_the_app_reads_them(tmp_path: Path) -> None:
    """Each value as the app on the laptop reads it (SQLAlchemy's SQLite types); a value it cannot read, refused."""
    stored = {
        "created_at": ["2025-01-01 09:00:00.000000", "2025-01-01 09:00:00+02:00", "2025-01-01T09:00:00Z"],
        "consent_date": ["2024-05-01", "2024-05-01", "2024-05-01"],
    }
    path = tmp_path / "dates.db"
    engine = make_engine(f"sqlite:///{path}")
    schema.upgrade(engine)
    table = SQLModel.metadata.tables["person"]
    checks = {name: carry._checker(table.columns[name]) for name in stored}
    with engine.begin() as connection:
        for index in range(3):
            connection.exec_driver_sql(
                "INSERT INTO person (id, full_name, name_key, sort_name, gender, consent_listed, consent_email, "
                "consent_phone, consent_organisation, consent_photo, consent_date, created_at, updated_at) VALUES "
                f"({index + 1}, 'A', 'a', 'a', 'female', 0, 0, 0, 0, 0, ?, ?, ?)",
                (stored["consent_date"][index], stored["created_at"][index], stored["created_at"][index]),
            )
        as_read = connection.execute(sa.select(Person.consent_date, Person.created_at).order_by(Person.id)).all()
    engine.dispose()
    carried = [
        (checks["consent_date"](stored["consent_date"][i]), checks["created_at"](stored["created_at"][i]))
        for i in range(3)
    ]
    assert carried == [tuple(row) for row in as_read]
    assert carried[1][1].hour == 7  # 09:00 at +02:00: 07:00 in UTC
    for refused, name in (("2024-05-01 00:00:00", "consent_date"), ("soon", "created_at"), ("", "created_at")):
        with pytest.raises(carry._Refused):
            checks[name](refused)
