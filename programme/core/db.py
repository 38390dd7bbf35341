"""Engines, sessions and schema upgrades for SQLite (embedded) and PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from programme import models  # noqa: F401 - registers every table on the metadata
from programme.core import lengths
from programme.people.names import without_optional_marks

lengths.install()  # every ORM write: a text longer than its column is refused with a sentence, on both databases

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE_PATH = REPO_ROOT / "data" / "programme.db"
# How long a writer waits for another writer's lock before SQLite gives up (milliseconds).
SQLITE_BUSY_TIMEOUT_MS = 15_000


def database_url() -> str:
    """Return DATABASE_URL, or the embedded SQLite file under data/."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return normalise_url(url)
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def normalise_url(url: str) -> str:
    """Return a SQLAlchemy URL that uses psycopg 3 for plain postgres:// addresses."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def sqlite_path(url: str) -> Path | None:
    """Return the file of a SQLite URL (None for another database, or SQLite in memory)."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[-1].split("?", 1)[0]
    return Path(path) if path and path != ":memory:" else None


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


# The SQL function the directory's index triggers call on SQLite (migration 0031): a text without its optional marks.
SQLITE_UNMARKED = "programme_unmarked"


def _unmarked(value: object) -> object:
    return without_optional_marks(value) if isinstance(value, str) else value


def register_functions(dbapi_connection: sqlite3.Connection) -> None:
    """Give a SQLite connection the functions the schema's triggers call (programme_unmarked: the search index's text
    without Arabic harakat, Hebrew points and the other marks names.without_optional_marks drops). A connection made
    otherwise (the sqlite3 shell) cannot write people: "no such function"."""
    dbapi_connection.create_function(SQLITE_UNMARKED, 1, _unmarked, deterministic=True)


def _on_sqlite_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    register_functions(dbapi_connection)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# The tables whose planner statistics SQLite keeps (small: courses and modules): they tell it that a filter on a
# course or a year narrows to a few modules, to start from. Statistics of the large tables (people,
# participations) are left out: ANALYZE samples their indexes, and a sample of an index of few values (a role, a
# nationality) misleads the planner into index scans that read every row (the Participants page: 0.1 s -> 1 s).
ANALYSED_TABLES = ("course", "module")


def keep_statistics(connection: sa.Connection) -> None:
    """Keep SQLite's planner statistics of courses and modules near the data: without them, a Reach filter on
    one course joins millions of participations before it finds the course's few (5 s at 500,000 people; 0.01 s
    with them). Analysed when never done, or when the modules have more than doubled since. PostgreSQL keeps its
    own (autovacuum)."""
    if connection.dialect.name != "sqlite":
        return
    has_statistics = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
    ).scalar()
    kept = None
    if has_statistics:
        kept = connection.exec_driver_sql("SELECT stat FROM sqlite_stat1 WHERE tbl = 'module' LIMIT 1").scalar()
    modules = connection.exec_driver_sql("SELECT count(*) FROM module").scalar() or 0
    if modules and (kept is None or modules > 2 * int(str(kept).split()[0])):
        for table in ANALYSED_TABLES:
            connection.exec_driver_sql(f"ANALYZE {table}")


def make_engine(url: str | None = None) -> Engine:
    """Return an engine for url (default: database_url()), configured for safe concurrent use."""
    url = normalise_url(url) if url else database_url()
    # Every session's writes keep the summary tables true (the one upward import of core: the listeners must be
    # in place wherever an engine is made, whichever area then writes).
    import programme.summaries  # noqa: F401

    # hide_parameters: a failed statement's message (which Streamlit writes to the server's log) never carries the
    # values it was given: names, e-mail addresses, phone numbers, comments.
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            url,
            hide_parameters=True,
            connect_args={
                "check_same_thread": False,
                "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
            },
        )
        sa.event.listen(engine, "connect", _on_sqlite_connect)
        # pysqlite's implicit transactions are replaced by BEGIN IMMEDIATE: a transaction takes the write
        # lock up front and waits (busy timeout) behind another writer, instead of failing with
        # "database is locked" when it later upgrades a read lock. WAL keeps readers of other
        # processes unblocked.
        # Sessions opened by read_scope() say so and start a plain (deferred) transaction: reading
        # dashboards then never queue behind a writer or hold others back.
        sa.event.listen(
            engine,
            "begin",
            lambda conn: conn.exec_driver_sql(
                "BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE"
            ),
        )
        sa.event.listen(engine, "connect", _disable_pysqlite_transactions, insert=True)
        _MADE.add(engine)
        return engine
    engine = sa.create_engine(url, pool_pre_ping=True, hide_parameters=True)
    _MADE.add(engine)
    return engine


# Every engine make_engine made and that is still in use somewhere (held weakly: never kept alive by this set).
_MADE: weakref.WeakSet[Engine] = weakref.WeakSet()


@contextmanager
def engines_closed_after() -> Iterator[None]:
    """Dispose, on leaving, of every engine made inside: their pooled connections are closed then, not whenever the
    engines are collected. A command line run ends its process anyway; a long-lived caller running many commands
    (the test suite, a notebook) kept each command's connections open, and PostgreSQL refused new clients once its
    100 were taken ("sorry, too many clients already")."""
    before = set(_MADE)
    try:
        yield
    finally:
        for engine in list(_MADE):
            if engine not in before:
                engine.dispose()


def _disable_pysqlite_transactions(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    dbapi_connection.isolation_level = None


READ_ONLY = "programme_read_only"


@contextmanager
def read_scope(engine: Engine) -> Iterator[Session]:
    """Yield a session for reading only: on SQLite it does not take the write lock (rolled back at the end)."""
    session = Session(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)
    try:
        yield session
    finally:
        session.rollback()
        session.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Yield a session that commits on success and rolls back on any error."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
