"""Restores that cannot destroy: a bad backup leaves the database exactly as it was, on both databases."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from programme.access import accounts
from programme.access.backup import copy_database
from programme.cli import main
from programme.core import schema
from programme.core.db import is_sqlite, make_engine, session_scope
from programme.core.errors import ProgrammeError
from programme.models import Person
from tests.conftest import empty_database

PASSWORD = "correct horse battery"
OLDER_REVISION = "0004_participation_lists"
FUTURE_REVISION = "9999_from_a_newer_version"


def _snapshot(engine: Engine) -> dict:
    """What a failed restore must not change: accounts, settings, the schema revision and the tables."""
    with engine.connect() as connection:
        rows = {
            "users": connection.execute(
                sa.text("SELECT username, role, password_hash FROM app_user ORDER BY id")
            ).all(),
            "settings": connection.execute(sa.text("SELECT key, value FROM app_setting ORDER BY key")).all(),
            "audit": connection.execute(sa.text("SELECT count(*) FROM audit_entry")).scalar(),
        }
    return {**rows, "revision": schema.current_revision(engine), "tables": sorted(sa.inspect(engine).get_table_names())}


def _target_with_an_account(engine: Engine) -> dict:
    with session_scope(engine) as session:
        accounts.add_user(session, username="root", password=PASSWORD, role="admin", by=None)
    return _snapshot(engine)


def _source_engine(engine: Engine, tmp_path: Path) -> Engine:
    """An empty database beside the target, on the same backend, for making backups to restore."""
    if is_sqlite(engine):
        return make_engine(f"sqlite:///{tmp_path / 'source.db'}")
    return empty_database(engine, "source")  # kept for the next test, emptied then (tests/conftest.py)


def _backup_of(engine: Engine, tmp_path: Path, prepare: Callable[[Engine], None]) -> Path:
    source = _source_engine(engine, tmp_path)
    try:
        prepare(source)
        # An unaudited copy: some sources are not the app's databases (a foreign schema, a newer one).
        return copy_database(source, tmp_path / ("backup.db" if is_sqlite(engine) else "backup.dump"))
    finally:
        source.dispose()


def _with_people(revision: str = "head") -> Callable[[Engine], None]:
    def prepare(source: Engine) -> None:
        schema.upgrade(source, revision)
        with source.begin() as connection:
            now = {"now": datetime(2024, 5, 1, tzinfo=UTC)}
            # Revisions from 0028 keep the order people are listed in.
            sort = "sort_name" in {column["name"] for column in sa.inspect(connection).get_columns("person")}
            sort_column, sort_value = ("sort_name, ", "'ana tan', ") if sort else ("", "")
            connection.execute(
                sa.text(
                    f"INSERT INTO person (full_name, name_key, {sort_column}gender, consent_listed, "
                    "consent_email, consent_phone, consent_organisation, consent_photo, created_at, updated_at) "
                    f"VALUES ('Ana Tan', 'ana tan', {sort_value}'female', false, false, false, false, "
                    "false, :now, :now)"
                ),
                now,
            )
            # Revisions before 0010 count failed sign-ins on the account; later ones keep them apart.
            old = "failed_logins" in {column["name"] for column in sa.inspect(connection).get_columns("app_user")}
            connection.execute(
                sa.text(
                    f"INSERT INTO app_user (username, password_hash, role, active, {'failed_logins, ' * old}created_at) "
                    f"VALUES ('keeper', 'x', 'admin', true, {'0, ' * old}:now)"
                ),
                now,
            )

    return prepare


def _newer_schema(source: Engine) -> None:
    _with_people()(source)
    with source.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": FUTURE_REVISION})


def _foreign(source: Engine) -> None:
    with source.begin() as connection:
        connection.execute(sa.text("CREATE TABLE notes (id integer primary key, body text)"))
        connection.execute(sa.text("INSERT INTO notes (id, body) VALUES (1, 'shopping list')"))


def _damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    if data.startswith(b"SQLite format 3"):
        page = int.from_bytes(data[16:18], "big")
        for start in range(page, len(data), page):  # every page after the first: headers and cells garbled
            data[start : start + 64] = b"\xa5" * 64
    else:
        del data[len(data) * 2 // 3 :]  # a dump cut off in transfer
    path.write_bytes(data)


def _restore_with_cli(engine: Engine, path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    return main(["restore", str(path)])


def _leftovers(engine: Engine, temp: Path) -> list[str]:
    places = [temp] + ([Path(engine.url.database).parent] if is_sqlite(engine) else [])
    return sorted(path.name for place in places for path in place.glob("programme-*"))


@pytest.mark.parametrize(
    ("case", "prepare", "message"),
    [
        ("damaged", _with_people(), "damaged"),
        ("foreign", _foreign, "not a backup of Programme Manager"),
        ("newer schema", _newer_schema, "newer version"),
    ],
)
def test_a_bad_backup_changes_nothing(
    engine: Engine,
    tmp_path: Path,
    private_temp: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    case: str,
    prepare: Callable[[Engine], None],
    message: str,
) -> None:
    before = _target_with_an_account(engine)
    path = _backup_of(engine, tmp_path, prepare)
    if case == "damaged":
        _damage(path)
    code = _restore_with_cli(engine, path, monkeypatch)
    error = capsys.readouterr().err
    assert code != 0
    assert message in error and "left as it was" in error and len(error.strip().splitlines()) == 1
    engine.dispose()
    assert _snapshot(engine) == before
    assert [user[0] for user in before["users"]] == ["root"]  # the account survived: no "Create administrator"
    assert _leftovers(engine, private_temp) == []
    if is_sqlite(engine):
        with sqlite3.connect(engine.url.database) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_an_older_backup_is_restored_upgraded_and_leaves_no_temporary_files(
    engine: Engine, tmp_path: Path, private_temp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _target_with_an_account(engine)
    path = _backup_of(engine, tmp_path, _with_people(OLDER_REVISION))
    assert _restore_with_cli(engine, path, monkeypatch) == 0
    engine.dispose()
    assert schema.current_revision(engine) == schema.head_revision()
    with session_scope(engine) as session:
        assert session.scalars(sa.select(Person.full_name)).all() == ["Ana Tan"]
        assert session.scalars(sa.text("SELECT username FROM app_user")).all() == ["keeper"]  # the backup's
    assert _leftovers(engine, private_temp) == []
    if is_sqlite(engine):
        assert not Path(f"{engine.url.database}-wal").exists() or Path(f"{engine.url.database}-wal").stat().st_size == 0
        with sqlite3.connect(engine.url.database) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    else:
        with engine.connect() as connection:
            scratch = connection.execute(
                sa.text("SELECT datname FROM pg_database WHERE datname LIKE :pattern"),
                {"pattern": f"{engine.url.database}_restore_%"},
            ).all()
        assert scratch == []


def _hostile(source: Engine) -> None:
    """A backup of the app's schema into which someone put SQL of their own: a function that raises when it runs
    (as a stand-in for one that runs a program or rewrites rows), an index and a trigger that call it."""
    _with_people()(source)
    with source.begin() as connection:
        connection.execute(
            sa.text(
                "CREATE FUNCTION public.from_the_file(integer) RETURNS integer LANGUAGE plpgsql IMMUTABLE "
                "AS $$ BEGIN RAISE EXCEPTION 'code from the backup ran'; END $$"
            )
        )
        connection.execute(sa.text("CREATE INDEX from_the_file_index ON course (public.from_the_file(id))"))
        connection.execute(
            sa.text(
                "CREATE FUNCTION public.from_the_file_trigger() RETURNS trigger LANGUAGE plpgsql "
                "AS $$ BEGIN RAISE EXCEPTION 'code from the backup ran'; END $$"
            )
        )
        connection.execute(
            sa.text(
                "CREATE TRIGGER from_the_file BEFORE INSERT ON person "
                "FOR EACH ROW EXECUTE FUNCTION public.from_the_file_trigger()"
            )
        )


def test_a_backup_s_own_sql_is_never_run_only_its_rows_are_read(
    engine: Engine, tmp_path: Path, private_temp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seen by an attacker: a dump's functions, triggers and indexes were restored (run with the database account's
    rights, and a superuser's COPY ... TO PROGRAM ran a command on the server), and stayed to run on every new row.
    Now only the rows are read, into this version's own schema, and nothing of the file's SQL is in the database."""
    if is_sqlite(engine):
        pytest.skip("a PostgreSQL dump's SQL; SQLite's triggers: the next test")
    _target_with_an_account(engine)
    path = _backup_of(engine, tmp_path, _hostile)
    assert _restore_with_cli(engine, path, monkeypatch) == 0
    engine.dispose()
    with engine.connect() as connection:
        functions = connection.execute(sa.text("SELECT proname FROM pg_proc WHERE proname LIKE 'from_the_file%'"))
        indexes = connection.execute(sa.text("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'from_the%'"))
        triggers = connection.execute(sa.text("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'from_the%'"))
        assert (functions.all(), indexes.all(), triggers.all()) == ([], [], [])
    with session_scope(engine) as session:  # the rows are there, and a new one is written as any other
        assert session.scalars(sa.select(Person.full_name)).all() == ["Ana Tan"]
        session.add(Person(full_name="Ram Rai", name_key="rai ram"))
        session.flush()
        assert session.scalar(sa.text("SELECT count(*) FROM person_search")) == 2  # the index's own trigger
    assert _leftovers(engine, private_temp) == []


def _sqlite_with_a_trigger(source: Engine) -> None:
    _with_people()(source)
    with source.begin() as connection:
        connection.execute(
            sa.text(
                "CREATE TRIGGER listed_anyway AFTER INSERT ON person BEGIN "
                "UPDATE person SET consent_listed = 1, consent_email = 1 WHERE id = new.id; END"
            )
        )


def test_a_sqlite_backup_with_a_trigger_the_app_does_not_make_is_refused(
    engine: Engine,
    tmp_path: Path,
    private_temp: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    """A SQLite file is used as it is: a trigger someone added (here, one listing everyone added in the directory
    with their e-mail shared, whatever they consented to) would stay and run on every new person."""
    if not is_sqlite(engine):
        pytest.skip("SQLite's file; a PostgreSQL dump's SQL: the test above")
    before = _target_with_an_account(engine)
    path = _backup_of(engine, tmp_path, _sqlite_with_a_trigger)
    assert _restore_with_cli(engine, path, monkeypatch) != 0
    error = capsys.readouterr().err
    assert "holds a trigger listed_anyway that Programme Manager does not make" in error and "left as it was" in error
    engine.dispose()
    assert _snapshot(engine) == before
    assert _leftovers(engine, private_temp) == []


def test_a_course_added_while_the_backup_is_read_stops_the_restore_and_stays(
    engine: Engine, tmp_path: Path, private_temp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The restore checks the database is empty, then reads the backup (minutes for a large one): a colleague who adds
    a course meanwhile must not lose it to the restore's replacement of the database."""
    from programme.access import restore as restore_module
    from programme.courses.catalogue import add_course

    _target_with_an_account(engine)
    path = _backup_of(engine, tmp_path, _with_people())
    url = engine.url.render_as_string(hide_password=False)

    def a_colleague_adds_a_course() -> None:
        colleague = make_engine(url)
        with session_scope(colleague) as session:
            add_course(session, code="NP-2026", title="Added during the restore")
        colleague.dispose()

    # The last step before the database is replaced: the backup is read and checked by then.
    last_step = "_sqlite_check_integrity" if is_sqlite(engine) else "_restore_script"
    original = getattr(restore_module, last_step)

    def then_a_colleague_writes(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = original(*args, **kwargs)
        if not written:
            a_colleague_adds_a_course()
            written.append(True)
        return result

    written: list[bool] = []

    monkeypatch.setattr(restore_module, last_step, then_a_colleague_writes)
    with pytest.raises(ProgrammeError, match="while the backup was being read") as refused:
        restore_module.restore(engine, path, by="root")
    assert "left as it was" in str(refused.value)
    engine.dispose()
    with session_scope(engine) as session:
        assert session.scalars(sa.text("SELECT code FROM course")).all() == ["NP-2026"]
        assert session.scalars(sa.select(Person.full_name)).all() == []  # the backup's person did not come in
        assert session.scalars(sa.text("SELECT username FROM app_user")).all() == ["root"]
    assert _leftovers(engine, private_temp) == []


def test_a_broken_backup_of_the_other_kind_of_database_changes_nothing(
    engine: Engine, tmp_path: Path, private_temp: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    # A backup of the other kind of database is carried over row by row (tests/test_carry.py: a laptop's SQLite
    # backup into a team's PostgreSQL database, a team's dump onto a laptop); one that is broken or not the app's is
    # refused before anything is touched.
    before = _target_with_an_account(engine)
    path = tmp_path / "other-kind.backup"
    if is_sqlite(engine):
        path.write_bytes(b"PGDMP" + bytes(range(1, 200)))  # the head of a pg_dump custom-format file, then garbage
        said = ["The backup is damaged or not a dump", "left as it was"]
    else:
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TABLE course (id INTEGER PRIMARY KEY)")
        said = ["This file is not a backup of Programme Manager (it has no table agenda_session)", "left as it was"]
    assert _restore_with_cli(engine, path, monkeypatch) != 0
    error = capsys.readouterr().err
    assert all(words in error for words in said), error
    engine.dispose()
    assert _snapshot(engine) == before
    assert _leftovers(engine, private_temp) == []


def _older_with_a_view_and_a_trigger(source: Engine) -> None:
    """An older version's file (schema 0004) to which someone added a view for a report (as DB Browser for SQLite
    lets anyone) and a trigger: the upgrade's rebuilt tables trip over the view, and the trigger would run on the
    upgrade's own writes."""
    _with_people(OLDER_REVISION)(source)
    with source.begin() as connection:
        connection.execute(sa.text("CREATE VIEW my_contacts AS SELECT full_name, email FROM person"))
        connection.execute(
            sa.text(
                "CREATE TRIGGER listed_anyway AFTER UPDATE ON person BEGIN "
                "UPDATE person SET consent_listed = 1 WHERE id = new.id; END"
            )
        )


def test_an_older_sqlite_backup_with_a_view_and_a_trigger_of_someone_s_is_refused_naming_both(
    engine: Engine,
    tmp_path: Path,
    private_temp: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    """Refused before anything of the file runs (the upgrade would run the trigger), with what was found and what to
    do, no traceback; on PostgreSQL the same file is carried in (carry.py) and refused the same way."""
    if is_sqlite(engine):
        before = _target_with_an_account(engine)
        path = _backup_of(engine, tmp_path, _older_with_a_view_and_a_trigger)
    else:
        before = _target_with_an_account(engine)
        source = make_engine(f"sqlite:///{tmp_path / 'laptop.db'}")
        _older_with_a_view_and_a_trigger(source)
        path = copy_database(source, tmp_path / "laptop-backup.db")
        source.dispose()
    assert _restore_with_cli(engine, path, monkeypatch) != 0
    said = capsys.readouterr()
    error = said.err + said.out
    assert "Traceback" not in error
    assert "trigger listed_anyway" in error and "view my_contacts" in error
    assert "DROP TRIGGER listed_anyway" in error and "DROP VIEW my_contacts" in error
    assert "left as it was" in error
    engine.dispose()
    assert _snapshot(engine) == before
    assert _leftovers(engine, private_temp) == []


def test_the_restore_module_can_be_imported_first() -> None:
    # restore.py builds on backup.py, which offers restore too: importing restore first was a circular import.
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", "import programme.access.restore; from programme.access.backup import restore_bytes"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-500:]
