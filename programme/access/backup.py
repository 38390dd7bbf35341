"""Backups that never lose a record: SQLite's online backup API, pg_dump on PostgreSQL (restore: restore.py).

Every backup carries the register of erasures (erasure_register.py), and is audited wherever it is made (the Backup page, `python -m programme backup`): a backup is a copy
of every person's data leaving the database.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine, make_url

from programme.access import audit
from programme.access.erasure_register import merged
from programme.core.db import is_sqlite, session_scope
from programme.core.errors import ProgrammeError

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# Pages copied per step of SQLite's online backup: small steps let the app keep writing meanwhile.
BACKUP_PAGES_PER_STEP = 1024


def backup(engine: Engine, out: Path, *, by: str | None) -> Path:
    """Write a consistent copy of the database to out, while the app may be running, audited; return out.

    The audit entry (action export, entity backup, naming `by`) is written once the copy is whole; if it cannot be
    written, the copy is removed, so no backup exists that the audit trail does not show.
    """
    with session_scope(engine) as session:
        # The backup carries the whole register of erasures, and the file beside the database is completed from the
        # database's lines (a restore that could not write it, erasure_register.unwritten_sentence).
        merged(session)
    out = copy_database(engine, out)
    try:
        with session_scope(engine) as session:
            audit.record(
                session, action="export", username=by, entity="backup", summary=f"database backup made ({out.name})"
            )
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return out


def backup_file(engine: Engine, *, by: str) -> tuple[bytes, str]:
    """Return a backup's bytes and a file name stamped with the time, for a download; no copy stays on disk."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = Path(tempfile.mkdtemp(prefix="programme-backup-"))
    try:
        path = backup(engine, folder / f"programme-{stamp}.{'db' if is_sqlite(engine) else 'dump'}", by=by)
        return path.read_bytes(), path.name
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def copy_database(engine: Engine, out: Path) -> Path:
    """Write a consistent copy of the database to out, unaudited (backup() audits it); return out.

    For backup() and for copying databases that are not the app's (restore's checks and their tests).
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        raise ProgrammeError(f"{out.name} already exists; choose a new file name so no backup is overwritten.")
    try:
        if is_sqlite(engine):
            _sqlite_backup(engine, out)
        else:
            run_pg(["pg_dump", "--format=custom", "--no-owner", "--file", str(out)], engine)
    except BaseException:
        out.unlink(missing_ok=True)  # never leave half a backup that looks like a whole one
        raise
    return out


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


def run_pg(
    command: list[str],
    engine: Engine | None,
    *,
    database_flag: bool = False,
    failure: str | None = None,
) -> None:
    """Run a PostgreSQL client tool on engine's database (none: a tool reading only a file).

    failure is the sentence raised when it fails; the tools' own messages can hold connection details.
    """
    if shutil.which(command[0]) is None:
        raise ProgrammeError(f"{command[0]} is not installed; install the PostgreSQL client tools.")
    env = dict(os.environ)
    args = list(command)
    if engine is not None:
        url = make_url(engine.url)
        env["PGPASSWORD"] = url.password or ""
        target = ["--host", url.host or "localhost", "--port", str(url.port or 5432), "--username", url.username or ""]
        database = url.database or ""
        args = [*command[:1], *target, *command[1:]]
        args += ["--dbname", database] if database_flag else [database]
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ProgrammeError(
            failure or f"{command[0]} failed (exit {done.returncode}); check the database and the file."
        )


def __getattr__(name: str) -> object:
    """restore and restore_bytes, kept importable from here; looked up at first use, since restore.py builds on this
    module (importing programme.access.restore first failed: a circular import)."""
    if name in ("restore", "restore_bytes"):
        from programme.access import restore as restoring

        return getattr(restoring, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["backup", "backup_file", "copy_database", "run_pg"]
