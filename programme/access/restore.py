"""Restores that cannot destroy: the backup is checked and upgraded apart, and replaces the database only whole.

SQLite: the backup is copied into a new file next to the database (programme-restore-*.db), checked
(integrity, Programme Manager's tables, a schema revision this version knows) and upgraded there; only then
does it replace the database file in one atomic rename. PostgreSQL: a scratch database is given this version's
own schema at the backup's revision, and only the dump's rows are read into it (never the dump's SQL: a hostile
file's functions, triggers or indexes would run with the database account's rights); it is checked and upgraded
there, dumped again, and loaded into the database in one transaction that also clears the old schema, so a
failure rolls everything back. Until that last step the database is not
touched; on any failure it is exactly as it was. Temporary files and the scratch database are removed
whatever happens.

A backup of the other kind of database (a laptop's SQLite file given to a team's PostgreSQL installation, or a team's
dump given to a laptop) is carried over row by row by carry.py, with the same checks and the same promise.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from programme.access import audit
from programme.access.backup import PG_DUMP_MAGIC, SQLITE_MAGIC, run_pg
from programme.access.erasure_register import erase_again, erased_again, unwritten_sentence
from programme.core import schema
from programme.core.db import is_sqlite, make_engine, session_scope
from programme.core.errors import ProgrammeError
from programme.core.words import counted
from programme.demo import holds_data
from programme.models import Course, Module, Person

# The tables of the first migration, which a Programme Manager database has at every schema revision: a
# SQLite file without them is some other program's, and restoring it would wipe every account.
CORE_TABLES = frozenset(
    ["alembic_version", "app_setting", "app_user", "audit_entry", "course", "module", "person", "participation"]
    + ["organisation", "agenda_session", "evaluation_form", "evaluation_response", "import_batch"]
)
UNCHANGED = "the database was left as it was"
TEMP_PREFIX = "programme-restore-"


class Journey(NamedTuple):
    """A backup of the other kind of database, carried over row by row (carry.py): what is said before and after."""

    before: str
    after: str


# A laptop's backup (SQLite) restored into a team's database (PostgreSQL), and the other way, for a trip.
CARRYING = Journey(
    "A laptop's backup (SQLite) is being carried into this team's database (PostgreSQL): it is checked and upgraded "
    "apart, then its records are copied in one transaction; if anything fails, the database stays as it was.",
    "The laptop's records were carried into this team's database (PostgreSQL).",
)
TAKING = Journey(
    "A team's backup (PostgreSQL) is being taken into this laptop's database (SQLite): its records are read into a new "
    "file, checked and upgraded there; the database file is replaced only once all is well.",
    "The team's records were taken into this laptop's database (SQLite).",
)


def head_of(source: Path) -> bytes:
    """Return the first bytes of a file, which say what kind of backup it is (empty when there is no such file)."""
    try:
        with Path(source).open("rb") as file:
            return file.read(16)
    except OSError:
        return b""


def what_happens(engine: Engine, head: bytes) -> Journey | None:
    """Return what is said before and after a restore of a file beginning with head, when it is a backup of the
    other kind of database (carried over row by row); None for the ordinary restore."""
    if is_sqlite(engine):
        return TAKING if head.startswith(PG_DUMP_MAGIC) else None
    return CARRYING if head.startswith(SQLITE_MAGIC) else None


def restore(engine: Engine, source: Path, *, by: str | None = None, name: str | None = None) -> int:
    """Restore a backup into an empty database at the newest schema; on any failure change nothing. Return how many
    records the register of erasures says were erased since the backup was made: they are erased again.

    The audit trail says who restored which file when: in the restored database once it is in place, and, for a
    refused attempt on a database holding data, in that database. name: the file's name as the user gave it.
    """
    source = Path(source)
    name = name or source.name
    if not source.is_file():
        raise ProgrammeError(f"There is no backup file at {source}.")
    with session_scope(engine) as session:
        if schema.current_revision(engine) is not None and holds_data(session):
            refused = True
            audit.record(
                session, action="restore", username=by, summary=f"restore of '{name}' refused: the database holds data"
            )
        else:
            refused = False
    if refused:
        raise ProgrammeError("The database already holds data; restore only into an empty database.")
    head = head_of(source)
    if is_sqlite(engine):
        if head.startswith(PG_DUMP_MAGIC):
            from programme.access.carry import carry_postgres_into_sqlite

            carry_postgres_into_sqlite(engine, source)
        elif head != SQLITE_MAGIC:
            raise ProgrammeError(
                "This file is not a backup of Programme Manager: neither a SQLite backup nor a team's PostgreSQL "
                "backup (pg_dump custom format)."
            )
        else:
            _sqlite_restore(engine, source)
    else:
        if head == SQLITE_MAGIC:
            from programme.access.carry import carry_sqlite_into_postgres

            carry_sqlite_into_postgres(engine, source)
        elif not head.startswith(PG_DUMP_MAGIC):
            raise ProgrammeError(
                "This file is not a backup of Programme Manager: neither a PostgreSQL backup (pg_dump custom format) "
                "nor a laptop's SQLite backup."
            )
        else:
            _postgres_restore(engine, source)
    # Through an engine of its own, closed after (the restore replaced the database under the caller's engine).
    with _disposing(make_engine(engine.url.render_as_string(hide_password=False))) as restored:
        with session_scope(restored) as session:
            audit.record(session, action="restore", username=by, summary=f"backup '{name}' restored")
        # Its own transaction: the backup stays restored if this fails, and the failure says what was not erased.
        with session_scope(restored) as session:
            return erase_again(session, by=by)


def restore_bytes(engine: Engine, data: bytes, *, by: str | None = None, name: str | None = None) -> int:
    """Restore a backup handed over as bytes (an upload), through a temporary file removed afterwards; return what
    restore returns."""
    with tempfile.TemporaryDirectory(prefix="programme-restore-") as folder:
        source = Path(folder) / "backup"
        source.write_bytes(data)
        return restore(engine, source, by=by, name=name or "an uploaded file")


def restore_refusal(session: Session) -> str | None:
    """Return why a restore cannot run into this database now (it holds courses or people: nothing is overwritten),
    in a sentence saying what to do instead; None when it is empty and a backup can be restored into it."""
    if not sa.inspect(session.connection()).has_table(Course.__tablename__):
        return None  # no schema yet: nothing in it (on the session's own connection: SQLite's write lock is its)
    courses = int(session.scalar(sa.select(sa.func.count()).select_from(Course)) or 0)
    people = int(session.scalar(sa.select(sa.func.count()).select_from(Person)) or 0)
    if not courses and not people:
        return None
    held = " and ".join(
        counted(n, one, many) for n, one, many in ((courses, "course", "courses"), (people, "person", "people")) if n
    )
    return (
        f"This database already holds {held}, so a backup cannot be restored into it: a restore never overwrites "
        "anything. To restore, start the app on a new, empty database (another SQLite file, or a new PostgreSQL "
        "database) and restore there."
    )


def restored_sentence(engine: Engine, erased: int, *, journey: Journey | None = None) -> str:
    """Return what the page says after a restore: what the database holds now, the records erased again, and that the
    backup's accounts replaced this installation's (everyone signs in again with one of them). journey: the backup
    was of the other kind of database (what_happens), carried over."""
    with _disposing(make_engine(engine.url.render_as_string(hide_password=False))) as restored:
        with session_scope(restored) as session:
            counts = [
                counted(int(session.scalar(sa.select(sa.func.count()).select_from(table)) or 0), one, many)
                for table, one, many in ((Course, "course", "courses"), (Module, "module", "modules"),
                                         (Person, "person", "people"))
            ]  # fmt: skip
            unwritten = unwritten_sentence(session)
    said = f"Backup restored: the database now holds {counts[0]}, {counts[1]} and {counts[2]}."
    if journey:
        said = f"{journey.after} {said}"
    if erased:
        said += " " + erased_again(erased)
    if unwritten:
        said += " " + unwritten
    return (
        said + " Its accounts replaced this installation's: sign in with an account from the backup, with the password "
        "it had when the backup was made."
    )


def check_backup(engine: Engine) -> None:
    """Refuse a restored copy that is not Programme Manager's or comes from a newer version."""
    tables = set(sa.inspect(engine).get_table_names())
    missing = sorted(CORE_TABLES - tables)
    if missing:
        raise ProgrammeError(
            f"This file is not a backup of Programme Manager (it has no table {missing[0]}); {UNCHANGED}."
        )
    with engine.connect() as connection:
        revisions = list(connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars())
    _known_revision(revisions)


def _known_revision(revisions: list[str]) -> str:
    """Return the backup's one schema revision, when this version knows it; else refuse the backup."""
    if len(revisions) != 1:
        raise ProgrammeError(f"The backup does not say which schema version it has; {UNCHANGED}.")
    try:
        known = ScriptDirectory.from_config(schema.alembic_config()).get_revision(revisions[0])
    except CommandError:
        known = None
    if known is None:
        raise ProgrammeError(
            f"The backup comes from a newer version of Programme Manager (schema {revisions[0][:40]}); "
            f"update the app before restoring it; {UNCHANGED}."
        )
    return revisions[0]


def _upgrade(engine: Engine) -> None:
    try:
        schema.upgrade(engine)
    except Exception:  # noqa: BLE001 - any failure of the migrations: the original is untouched
        raise ProgrammeError(f"The backup could not be upgraded to this version's schema; {UNCHANGED}.") from None


def _remove(*paths: Path) -> None:
    for path in paths:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


@contextlib.contextmanager
def _disposing(engine: Engine) -> Iterator[Engine]:
    try:
        yield engine
    finally:
        engine.dispose()


def _sqlite_restore(engine: Engine, source: Path) -> None:
    database = engine.url.database
    if not database or database == ":memory:":
        raise ProgrammeError("Restore needs a database file; an in-memory database cannot be replaced.")
    target = Path(database).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".db", dir=target.parent)
    os.close(handle)
    copy = Path(name)
    try:
        _sqlite_copy(source, copy)
        with _disposing(make_engine(f"sqlite:///{copy}")) as restored:
            check_backup(restored)
            _sqlite_check_objects(copy, sqlite_revision(copy))  # before the upgrade's writes could run a trigger
            _upgrade(restored)
        _sqlite_check_objects(copy)
        _sqlite_check_integrity(copy)
        _sqlite_switch(engine, copy, target)
    finally:
        _remove(copy)


def _sqlite_copy(source: Path, copy: Path, *, rules: bool = True) -> None:
    """Copy the backup page by page into copy, then refuse it unless SQLite finds it whole (rules: see
    _sqlite_check_integrity)."""
    try:
        origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            target = sqlite3.connect(copy)
            try:
                origin.backup(target)
            finally:
                target.close()
        finally:
            origin.close()
    except sqlite3.Error:
        raise ProgrammeError(f"The backup is damaged: SQLite cannot read it; {UNCHANGED}.") from None
    _sqlite_check_integrity(copy, rules=rules)


def _sqlite_objects(path: Path) -> dict[tuple[str, str], str]:
    """Return {(type, name): SQL, whitespace aside} of the triggers and views in a SQLite file."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        rows = connection.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'view')")
        return {(kind, name): " ".join((sql or "").split()) for kind, name, sql in rows}


@functools.lru_cache(maxsize=4)
def _own_sqlite_objects(revision: str = "head") -> dict[tuple[str, str], str]:
    """Return the triggers and views this version's migrations make in a new SQLite database at revision (made once
    per revision)."""
    with tempfile.TemporaryDirectory(prefix=TEMP_PREFIX) as folder:
        path = Path(folder) / "reference.db"
        with _disposing(make_engine(f"sqlite:///{path}")) as reference:
            schema.upgrade(reference, revision)
        return _sqlite_objects(path)


def sqlite_revision(path: Path) -> str:
    """Return the schema revision a SQLite file says it has (check_backup has refused one it does not say)."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return str(connection.execute("SELECT version_num FROM alembic_version").fetchone()[0])


# Shown at most this many of the triggers and views found, and of each name this many characters.
_OBJECTS_SHOWN = 5
_NAME_SHOWN = 60
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _sqlite_check_objects(copy: Path, revision: str = "head") -> None:
    """Refuse a backup holding a trigger or a view the app does not make (at the file's schema revision), or one of
    its own changed: it would run on the restored rows (a trigger that lists everyone in the directory as they are
    added, say), run on the upgrade's own writes, and stay. Called before the upgrade, at the file's revision, and
    after it, at the newest."""
    own = _own_sqlite_objects(revision)
    found = sorted(key for key, sql in _sqlite_objects(copy).items() if own.get(key) != sql)
    if found:
        raise ProgrammeError(foreign_objects_refusal([(kind, name, (kind, name) in own) for kind, name in found]))


def _quoted(name: str) -> str:
    """A name as it is written in a DROP statement (double quotes unless plain), cut to what is shown."""
    name = name[:_NAME_SHOWN]
    return name if _PLAIN_NAME.fullmatch(name) else '"' + name.replace('"', '""') + '"'


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def foreign_objects_refusal(found: list[tuple[str, str, bool]]) -> str:
    """Say which triggers and views refused a SQLite file and what to do: found holds (kind, name, whether the app
    makes one of that name, changed in this file)."""
    added = [(kind, name) for kind, name, ours in found if not ours]
    changed = [(kind, name) for kind, name, ours in found if ours]
    parts = []
    if added:
        listed = [f"a {kind} {_quoted(name)}" for kind, name in added[:_OBJECTS_SHOWN]]
        if len(added) > _OBJECTS_SHOWN:
            listed.append(counted(len(added) - _OBJECTS_SHOWN, "other"))
        parts.append(f"{_listing(listed)} that Programme Manager does not make")
    if changed:
        listed = [f"{kind} {_quoted(name)}" for kind, name in changed[:_OBJECTS_SHOWN]]
        parts.append(f"Programme Manager's own {_listing(listed)} changed")
    said = (
        f"The backup holds {', and '.join(parts)}; {UNCHANGED}. A trigger or a view in the file would run on the "
        "restored records, so such a file is refused."
    )
    if added:
        drops = " ".join(f"DROP {kind.upper()} {_quoted(name)};" for kind, name in added[:_OBJECTS_SHOWN])
        said += (
            f" If you or a colleague added {'it' if len(added) == 1 else 'them'} (a view for a report made with DB Browser for SQLite, say), open a copy "
            f"of the backup with the sqlite3 tool, run {drops} and restore that copy."
        )
    said += " If no one did, the file may have been changed by someone: restore another backup."
    return said


# What SQLite's integrity check says of a row that breaks a rule of its table (a CHECK constraint, NOT NULL), as
# against damage to the file's pages and indexes.
_BROKEN_RULE = re.compile(r"(CHECK constraint failed in|NULL value in) \S+")


def _sqlite_check_integrity(path: Path, *, rules: bool = True) -> None:
    """Refuse a file SQLite does not find whole. rules=False: rows breaking a rule of their table (a CHECK
    constraint, NOT NULL) pass here; the caller checks every row itself and names the record (carry.py)."""
    try:
        connection = sqlite3.connect(path)
        try:
            verdict = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        finally:
            connection.close()
    except sqlite3.Error:
        verdict = []
    if not rules and verdict:
        verdict = [line for line in verdict if not _BROKEN_RULE.fullmatch(line)] or ["ok"]
    if verdict != ["ok"]:
        raise ProgrammeError(f"The backup is damaged: it fails SQLite's integrity check; {UNCHANGED}.")


# Said when a course or a person reached the database after the restore's first check (seconds or minutes earlier,
# before the backup was read): it stops, and they stay.
WRITTEN_MEANWHILE = (
    "Someone added courses or people to the database while the backup was being read, so the restore stopped "
    f"and {UNCHANGED}: what they added is kept. Restore into an empty database that no one is using."
)


def _sqlite_switch(engine: Engine, copy: Path, target: Path) -> None:
    """Replace target by copy in one rename, once no one has the database open mid-transaction and while it still
    holds no course and no person (checked again just before the rename: the first check ran before the backup was
    read, which can take minutes)."""
    engine.dispose()
    if target.exists():
        connection = sqlite3.connect(target)
        try:
            busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            written = any(
                connection.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone()  # noqa: S608 - our own names
                for table in ("course", "person")
                if table in tables
            )
        finally:
            connection.close()
        if busy:
            raise ProgrammeError(f"The database is in use by another program; close it and try again; {UNCHANGED}.")
        if written:
            raise ProgrammeError(WRITTEN_MEANWHILE)
    # Nothing is left in the old write-ahead log (checkpointed above), so no page of it can reach the new file.
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(copy, target)


def _postgres_restore(engine: Engine, source: Path) -> None:
    listing = _pg_output(["pg_restore", "--list", str(source)], f"The backup is damaged or not a dump; {UNCHANGED}.")
    in_dump = _dumped_tables(listing)
    missing = sorted(CORE_TABLES - in_dump)
    if missing:
        raise ProgrammeError(
            f"This file is not a backup of Programme Manager (it has no table {missing[0]}); {UNCHANGED}."
        )
    revision = _dumped_revision(source)
    url = make_url(engine.url)
    scratch_name = f"{url.database}_restore_{secrets.token_hex(4)}"[-63:]
    scratch_url = url.set(database=scratch_name).render_as_string(hide_password=False)
    _create_database(engine, scratch_name)
    handle, dump_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".dump")
    os.close(handle)
    dump = Path(dump_name)
    try:
        with _disposing(make_engine(scratch_url)) as scratch:
            # The schema is this version's own, at the backup's revision; only the backup's rows are read from the
            # file, and written by COPY statements of ours: none of the file's SQL (functions, triggers, indexes a
            # hostile dump could hold, which would run with this database account's rights) is ever run.
            try:
                schema.upgrade(scratch, revision)
            except Exception:  # noqa: BLE001 - a migration failing on an empty database: not this backup's fault
                raise ProgrammeError(f"The schema of the backup's version could not be made; {UNCHANGED}.") from None
            _load_rows(scratch, source, listing, in_dump)
            check_backup(scratch)
            _upgrade(scratch)
            dump.unlink()
            run_pg(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump)], scratch)
        engine.dispose()
        script = _restore_script(dump)
        try:
            run_pg(
                ["psql", "--quiet", "--no-psqlrc", "--single-transaction", "--set", "ON_ERROR_STOP=1"]
                + ["--command", _STILL_EMPTY, "--command", "DROP SCHEMA public CASCADE"]
                + ["--command", "CREATE SCHEMA public", "--file", str(script)],
                engine,
                database_flag=True,
                failure=f"The backup could not be loaded into the database; {UNCHANGED}.",
            )
        except ProgrammeError:
            with session_scope(engine) as session:
                if schema.current_revision(engine) is not None and holds_data(session):
                    raise ProgrammeError(WRITTEN_MEANWHILE) from None
            raise
    finally:
        _remove(dump, Path(f"{dump}.sql"))
        _drop_database(engine, scratch_name)
    engine.dispose()


# Run in the transaction that replaces the schema, before it drops the old one: the database must still hold no
# course and no person (the restore's first check ran before the backup was read), and from here its writers wait.
_STILL_EMPTY = """DO $$ BEGIN
IF to_regclass('public.course') IS NOT NULL AND to_regclass('public.person') IS NOT NULL THEN
  LOCK TABLE public.course, public.person IN SHARE ROW EXCLUSIVE MODE;
  IF EXISTS (SELECT 1 FROM public.course) OR EXISTS (SELECT 1 FROM public.person) THEN
    RAISE EXCEPTION 'the database received courses or people during the restore';
  END IF;
END IF; END $$"""
# Tables the database's own triggers fill as the rows they are made from are written (migrations 0002, 0003).
TRIGGER_FILLED = frozenset({schema.SEARCH_INDEX_TABLE, schema.DIRECTORY_TABLE})
# A table's rows in pg_restore's output: the one statement of it that is read, and the line that ends them.
_COPY_LINE = re.compile(r"COPY public\.([a-z_][a-z0-9_]*) \(([^()]*)\) FROM stdin;")
_IDENTIFIER = re.compile(r'"?([a-z_][a-z0-9_]*)"?')
_END_OF_ROWS = "\\.\n"
# Lines of rows written to the database at once.
_COPY_BATCH_LINES = 5_000


def _pg_output(command: list[str], failure: str) -> str:
    """Return what a PostgreSQL client tool reading only a file prints (pg_restore --list...)."""
    if shutil.which(command[0]) is None:
        raise ProgrammeError(f"{command[0]} is not installed; install the PostgreSQL client tools.")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ProgrammeError(failure)
    return done.stdout


def _dumped_tables(listing: str) -> set[str]:
    """Return the tables of schema public whose rows the dump holds (its table of contents' TABLE DATA entries)."""
    found = set()
    for line in listing.splitlines():
        # "216; 0 16390 TABLE DATA public person programme"
        parts = line.split()
        if not line.startswith(";") and parts[3:6] == ["TABLE", "DATA", "public"] and len(parts) > 6:
            found.add(parts[6])
    return found


def _dumped_revision(source: Path) -> str:
    """Return the schema revision the backup says it has, one this version knows; else refuse it."""
    return _known_revision([row[0] for row in _rows_of(source, "alembic_version", ["version_num"])])


def _rows_of(source: Path, table: str, columns: list[str]) -> list[list[str]]:
    """Return the text of a small table's rows in the dump (each row's columns, as COPY's text format writes them)."""
    lines: list[list[str]] = []
    for _columns, batch in _row_lines(source, table, set(columns)):
        lines += [line.rstrip("\n").split("\t") for line in batch]
    return lines


def _row_lines(source: Path, table: str, allowed: set[str]) -> Iterator[tuple[list[str], list[str]]]:
    """Yield (the columns, a batch of row lines) of one table's rows in the dump, read from pg_restore's output.

    Only the COPY line naming this table, with columns among allowed, and the rows after it are read: any other
    statement in the output is ignored, never run. A COPY line of another shape refuses the backup.
    """
    command = ["pg_restore", "--data-only", "--schema=public", f"--table={table}", "--file=-", str(source)]
    for _table, columns, batch in _copy_rows(command, lambda named: allowed if named == table else None):
        yield columns, batch


def _tables_rows(
    source: Path, listing: str, tables: list[tuple[str, set[str]]]
) -> Iterator[tuple[str, list[str], list[str]]]:
    """Yield (a table, the columns, a batch of row lines) of these tables' rows in the dump (each with the columns it
    allows), table after table in this order, from one run of pg_restore: its list file (--use-list) names the
    tables' entries of the dump's table of contents (its listing, pg_restore --list) in this order, which pg_restore
    follows. One run for each table took 0.12 s each on a loaded machine, 56 of them a restore (6.6 s; one run for
    all the tables: 0.1 s).

    As in _row_lines: only COPY lines naming these tables in this order, with columns among each one's allowed, and the
    rows after them are read; any other statement in the output is ignored, never run. A COPY line of another shape,
    or of a table out of this order, refuses the backup.
    """
    entries: dict[str, list[str]] = {}
    for line in listing.splitlines():
        # "216; 0 16390 TABLE DATA public person programme", as _dumped_tables reads it
        parts = line.split()
        if not line.startswith(";") and parts[3:6] == ["TABLE", "DATA", "public"] and len(parts) > 6:
            entries.setdefault(parts[6], []).append(line)
    order = [(table, allowed) for table, allowed in tables for _entry in entries.get(table, [])]
    if not order:
        return
    handle, list_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".list")
    with os.fdopen(handle, "w") as listed:
        listed.write("".join(f"{line}\n" for table, _allowed in tables for line in entries.get(table, [])))
    position = 0

    def next_in_order(named: str) -> set[str] | None:
        """The columns the table named may have if it comes next in the order (later tables' entries may have no
        rows to print); None when it does not."""
        nonlocal position
        while position < len(order) and order[position][0] != named:
            position += 1
        if position == len(order):
            return None
        position += 1
        return order[position - 1][1]

    command = ["pg_restore", "--data-only", "--schema=public", f"--use-list={list_name}", "--file=-", str(source)]
    try:
        yield from _copy_rows(command, next_in_order)
    finally:
        _remove(Path(list_name))


def _copy_rows(
    command: list[str], allowed_of: Callable[[str], set[str] | None]
) -> Iterator[tuple[str, list[str], list[str]]]:
    """Yield (the table, the columns, a batch of row lines) of the tables' rows pg_restore's command prints: a COPY
    line, its rows, the line that ends them. allowed_of(table) gives the columns the table named by a COPY line may
    have, or None when that COPY line should not be there: it refuses the backup, as does a COPY line of another shape
    and a column not allowed. Any other statement in the output is ignored, never run."""
    if shutil.which("pg_restore") is None:
        raise ProgrammeError("pg_restore is not installed; install the PostgreSQL client tools.")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    damaged = ProgrammeError(f"The backup could not be restored: the file is damaged or incomplete; {UNCHANGED}.")
    finished = False
    try:
        table = ""
        columns: list[str] | None = None
        batch: list[str] = []
        for line in process.stdout:
            if columns is None:
                if not line.startswith("COPY "):
                    continue  # comments and settings of pg_restore's own
                found = _COPY_LINE.fullmatch(line.rstrip("\n"))
                names = [_IDENTIFIER.fullmatch(name.strip()) for name in found.group(2).split(",")] if found else []
                allowed = allowed_of(found.group(1)) if found else None
                if found is None or allowed is None or not all(names):
                    raise damaged
                table = found.group(1)
                columns = [name.group(1) for name in names if name]
                unknown = sorted(set(columns) - allowed)
                if unknown:
                    raise ProgrammeError(
                        f"The backup's table {table} has a column {unknown[0]} that its schema version does not "
                        f"have; {UNCHANGED}."
                    )
            elif line == _END_OF_ROWS:
                yield table, columns, batch
                columns, batch = None, []
            else:
                batch.append(line)
                if len(batch) >= _COPY_BATCH_LINES:
                    yield table, columns, batch
                    batch = []
        if columns is not None:  # rows that never ended: a file cut off
            raise damaged
        finished = True
    finally:
        process.stdout.close()
        if not finished:  # stopped early (a refused row, a refused column): its own sentence says why
            process.kill()
        if process.wait() != 0 and finished:
            raise damaged


def _load_rows(scratch: Engine, source: Path, listing: str, in_dump: set[str]) -> None:
    """Write the dump's rows into the scratch database's own tables, parents before children, then set each table's
    id sequence past its rows. Tables the triggers fill are filled by them; a table the dump has and this schema
    version does not is not Programme Manager's, and is left out."""
    metadata = sa.MetaData()
    metadata.reflect(scratch)
    loaded = [
        table
        for table in metadata.sorted_tables
        if table.name not in TRIGGER_FILLED and table.name != "alembic_version" and table.name in in_dump
    ]
    raw = scratch.raw_connection()
    try:
        with raw.cursor() as cursor:  # type: ignore[attr-defined]
            wanted = [(table.name, {column.name for column in table.columns}) for table in loaded]
            for name, columns, lines in _tables_rows(source, listing, wanted):
                quoted = ", ".join(f'"{column}"' for column in columns)
                with cursor.copy(f'COPY public."{name}" ({quoted}) FROM STDIN') as copy:
                    copy.write("".join(lines))
            for table in loaded:
                if "id" in table.columns:  # the names are this schema's own, read from the scratch database
                    named = f'public."{table.name}"'
                    sequence = f"pg_get_serial_sequence('{named}', 'id')"
                    cursor.execute(
                        f"SELECT setval({sequence}, coalesce(max(id), 1), max(id) IS NOT NULL) "  # noqa: S608
                        f"FROM {named} WHERE {sequence} IS NOT NULL"
                    )
        raw.commit()
    except ProgrammeError:
        raise
    except Exception:  # noqa: BLE001 - rows the schema refuses (a key, a type): the file is not a sound backup
        raise ProgrammeError(
            f"The backup's rows do not fit its schema version: the file is damaged or was changed; {UNCHANGED}."
        ) from None
    finally:
        raw.close()


def _restore_script(dump: Path) -> Path:
    script = Path(f"{dump}.sql")
    run_pg(["pg_restore", "--no-owner", "--file", str(script), str(dump)], None)
    return script


def _create_database(engine: Engine, name: str) -> None:
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.DBAPIError:
        raise ProgrammeError(
            "Restore checks the backup in a scratch database first, and this account may not create one "
            f"(grant it CREATEDB); {UNCHANGED}."
        ) from None


def _drop_database(engine: Engine, name: str) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
