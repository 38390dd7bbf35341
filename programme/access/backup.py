"""Backups that never lose a record: SQLite's online backup API, pg_dump/pg_restore on PostgreSQL."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import Engine, make_url

from programme.core import schema
from programme.core.db import is_sqlite, session_scope
from programme.core.errors import ProgrammeError
from programme.demo import holds_data

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# Pages copied per step of SQLite's online backup: small steps let the app keep writing meanwhile.
BACKUP_PAGES_PER_STEP = 1024


def backup(engine: Engine, out: Path) -> Path:
    """Write a consistent copy of the database to out, while the app may be running; return out."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        raise ProgrammeError(f"{out.name} already exists; choose a new file name so no backup is overwritten.")
    if is_sqlite(engine):
        _sqlite_backup(engine, out)
    else:
        _run_pg(["pg_dump", "--format=custom", "--no-owner", "--file", str(out)], engine)
    return out


def restore(engine: Engine, source: Path) -> None:
    """Restore a backup into an empty database, then upgrade it to the newest schema."""
    source = Path(source)
    if not source.is_file():
        raise ProgrammeError(f"There is no backup file at {source}.")
    with session_scope(engine) as session:
        if schema.current_revision(engine) is not None and holds_data(session):
            raise ProgrammeError("The database already holds data; restore only into an empty database.")
    head = source.read_bytes()[:16]
    if is_sqlite(engine):
        if head != SQLITE_MAGIC:
            raise ProgrammeError("This file is not a SQLite backup of Programme Manager.")
        _sqlite_restore(engine, source)
    else:
        if not head.startswith(PG_DUMP_MAGIC):
            raise ProgrammeError("This file is not a PostgreSQL backup (pg_dump custom format).")
        _reset_pg_schema(engine)
        _run_pg(
            ["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", str(source)],
            engine,
            database_flag=True,
        )
    schema.upgrade(engine)


def _sqlite_backup(engine: Engine, out: Path) -> None:
    raw = engine.raw_connection()
    try:
        target = sqlite3.connect(out)
        try:
            raw.driver_connection.backup(target, pages=BACKUP_PAGES_PER_STEP)
        finally:
            target.close()
    finally:
        raw.close()


def _sqlite_restore(engine: Engine, source: Path) -> None:
    engine.dispose()
    origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    raw = engine.raw_connection()
    try:
        origin.backup(raw.driver_connection)
    finally:
        raw.close()
        origin.close()
    engine.dispose()


def _reset_pg_schema(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")


def _run_pg(command: list[str], engine: Engine, *, database_flag: bool = False) -> None:
    if shutil.which(command[0]) is None:
        raise ProgrammeError(f"{command[0]} is not installed; install the PostgreSQL client tools.")
    url = make_url(engine.url)
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    target = ["--host", url.host or "localhost", "--port", str(url.port or 5432), "--username", url.username or ""]
    database = url.database or ""
    args = [*command[:1], *target, *command[1:]]
    args += ["--dbname", database] if database_flag else [database]
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        # pg tools' messages can hold connection details: say what failed, not the raw output.
        raise ProgrammeError(f"{command[0]} failed (exit {done.returncode}); check the database and the file.")
