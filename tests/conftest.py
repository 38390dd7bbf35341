"""Shared fixtures: empty and demo databases on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from programme.core import schema
from programme.core.db import make_engine, normalise_url, session_scope
from programme.demo import load_demo

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
# With pytest-xdist (the README's command runs the suite on every core), each worker empties a database of its own:
# TEST_DATABASE_URL's name with the worker's id after it, made on first use.
WORKER = os.environ.get("PYTEST_XDIST_WORKER")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set: PostgreSQL tests skipped"),
    ),
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under xdist, the browser tests all run in one worker (one app server, one Chromium), one after another."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(autouse=True)
def erasure_register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's register of erasures in its own folder (programme/access/erasure_register.py): a test on
    PostgreSQL would otherwise note its erasures in the installation's data/erasures.jsonl."""
    path = tmp_path / "erasures.jsonl"
    monkeypatch.setenv("PROGRAMME_ERASURE_REGISTER", str(path))
    return path


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Return SQLite files at head, empty and with the demo, built once and copied per test."""
    folder = tmp_path_factory.mktemp("templates")
    empty, demo = folder / "empty.db", folder / "demo.db"
    for path, with_demo in ((empty, False), (demo, True)):
        engine = make_engine(f"sqlite:///{path}")
        schema.upgrade(engine)
        if with_demo:
            with session_scope(engine) as session:
                load_demo(session)
        engine.dispose()
        with sqlite3.connect(path) as connection:  # fold the WAL into the file before it is copied
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {"empty": empty, "demo": demo}


# A schema the suite makes in its PostgreSQL database, so that it knows the database for a throwaway one next time.
SUITE_MARKER = "programme_test_suite"


def worker_database_url() -> str:
    """The PostgreSQL database this process empties: TEST_DATABASE_URL's, or its worker's own under xdist."""
    assert POSTGRES_URL
    url = sa.engine.make_url(normalise_url(POSTGRES_URL))
    if not WORKER:
        return url.render_as_string(hide_password=False)
    own = url.set(database=f"{url.database}_{WORKER}")
    server = make_engine(url.set(database="postgres").render_as_string(hide_password=False))
    with server.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        exists = connection.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
        ).first()
        if not exists:
            # The name is TEST_DATABASE_URL's own plus the worker's id (gw0, gw1...): no user input beyond it.
            connection.exec_driver_sql(f'CREATE DATABASE "{own.database}"')
    server.dispose()
    return own.render_as_string(hide_password=False)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Stop before emptying a database that holds tables but was never the suite's (a real one named by mistake)."""
    if not POSTGRES_URL:
        return
    engine = make_engine(worker_database_url())
    with engine.connect() as connection:
        schemas = set(connection.exec_driver_sql("SELECT nspname FROM pg_namespace").scalars())
        tables = connection.exec_driver_sql(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).scalar_one()
    if tables and SUITE_MARKER not in schemas:
        pytest.exit(
            f"TEST_DATABASE_URL names the database '{engine.url.database}', which holds tables the test suite did "
            "not make. The suite empties its database: point TEST_DATABASE_URL at an empty throwaway database "
            "(for example: createdb programme_test).",
            returncode=2,
        )
    engine.dispose()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A worker's own database goes with the worker: nothing is left behind on the server."""
    if not (POSTGRES_URL and WORKER):
        return
    url = sa.engine.make_url(worker_database_url())
    server = make_engine(url.set(database="postgres").render_as_string(hide_password=False))
    with server.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
    server.dispose()


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    """Return an engine on TEST_DATABASE_URL with the schema at head."""
    engine = make_engine(worker_database_url())
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {SUITE_MARKER}")
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    schema.upgrade(engine)
    yield engine
    engine.dispose()


def truncate_all(engine: Engine) -> None:
    """Empty every table of a PostgreSQL test database and restart its ids."""
    names = ", ".join(f'"{table.name}"' for table in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def _engine_for(request: pytest.FixtureRequest, tmp_path: Path, kind: str) -> Engine:
    if request.param == "sqlite":
        templates = request.getfixturevalue("sqlite_templates")
        path = tmp_path / f"{kind}.db"
        shutil.copy(templates[kind], path)
        return make_engine(f"sqlite:///{path}")
    engine = request.getfixturevalue("postgres_engine")
    truncate_all(engine)
    if kind == "demo":
        load_demo_copy(engine)
    return engine


# The demo as loaded once per process on PostgreSQL, copied table by table into a schema of its own: loading the demo
# takes seconds (a third of the suite's PostgreSQL time went to it), copying it back a fraction of one.
DEMO_SNAPSHOT = "programme_test_demo"
_demo_snapshots: set[str] = set()


def _public_tables(connection: sa.Connection) -> list[str]:
    return list(
        connection.exec_driver_sql(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE' AND table_name <> 'alembic_version' ORDER BY table_name"
        ).scalars()
    )


def _stored_columns(connection: sa.Connection, table: str) -> str:
    """The table's columns that a row stores (a generated column is computed, not inserted), quoted, in order."""
    names = connection.exec_driver_sql(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %(t)s "
        "AND is_generated = 'NEVER' ORDER BY ordinal_position",
        {"t": table},
    ).scalars()
    return ", ".join(f'"{name}"' for name in names)


def load_demo_copy(engine: Engine) -> None:
    """Put the demo into the emptied PostgreSQL database: loaded (and kept in DEMO_SNAPSHOT, with its sequences) the
    first time in this process, copied back from there after that, every table (the search index's too) and every
    sequence's position as the load left them; triggers are off while the rows go back (the rows are the load's own,
    index entries included), which takes a superuser role (as CI's is); under another role the demo is loaded each
    time."""
    key = engine.url.render_as_string(hide_password=False)
    if key not in _demo_snapshots:
        with session_scope(engine) as session:
            load_demo(session)
        with engine.connect() as connection:
            superuser = connection.exec_driver_sql(
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
            ).scalar()
        if not superuser:
            return  # triggers cannot be set aside for the copy: the demo is loaded each time
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {DEMO_SNAPSHOT} CASCADE")
            connection.exec_driver_sql(f"CREATE SCHEMA {DEMO_SNAPSHOT}")
            for table in _public_tables(connection):
                columns = _stored_columns(connection, table)
                connection.exec_driver_sql(
                    f'CREATE TABLE {DEMO_SNAPSHOT}."{table}" AS SELECT {columns} FROM public."{table}"'
                )
            # Each sequence as the load left it (the demo sets some with is_called false: pg_sequences shows none).
            sequences = connection.exec_driver_sql(
                "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
            ).scalars()
            positions = " UNION ALL ".join(
                f"SELECT '{name}' AS name, last_value, is_called FROM public.\"{name}\"" for name in sequences
            )
            connection.exec_driver_sql(f"CREATE TABLE {DEMO_SNAPSHOT}.sequence_positions AS {positions}")
        _demo_snapshots.add(key)
        return
    with engine.begin() as connection:
        tables = _public_tables(connection)
        names = ", ".join(f'public."{table}"' for table in tables)
        connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for table in tables:
            columns = _stored_columns(connection, table)
            connection.exec_driver_sql(
                f'INSERT INTO public."{table}" ({columns}) OVERRIDING SYSTEM VALUE '
                f'SELECT {columns} FROM {DEMO_SNAPSHOT}."{table}"'
            )
        connection.exec_driver_sql(
            f"SELECT setval(format('public.%%I', name), last_value, is_called) FROM {DEMO_SNAPSHOT}.sequence_positions"
        )


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    """An empty database at head, on each backend."""
    return _engine_for(request, tmp_path, "empty")


@pytest.fixture(params=BACKENDS)
def demo_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    """A database holding the demo programme, on each backend."""
    return _engine_for(request, tmp_path, "demo")


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the empty database; the test commits what it needs."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_templates: dict[str, Path]) -> str:
    """A DATABASE_URL for an empty SQLite file at head (for CLI and app tests)."""
    path = tmp_path / "cli.db"
    shutil.copy(sqlite_templates["empty"], path)
    return f"sqlite:///{path}"


@pytest.fixture
def demo_sqlite_url(tmp_path: Path, sqlite_templates: dict[str, Path]) -> str:
    """A DATABASE_URL for a SQLite file holding the demo."""
    path = tmp_path / "demo.db"
    shutil.copy(sqlite_templates["demo"], path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def live_db_url(tmp_path_factory: pytest.TempPathFactory, sqlite_templates: dict[str, Path]) -> str:
    """The DATABASE_URL of the live app's database: a copy of the demo with an admin and a viewer account."""
    from programme.access.accounts import add_user
    from programme.models import UserRole
    from tests.browser_support import ADMIN

    path = tmp_path_factory.mktemp("live") / "demo.db"
    shutil.copy(sqlite_templates["demo"], path)
    url = f"sqlite:///{path}"
    with session_scope(make_engine(url)) as session:
        add_user(session, username=ADMIN[0], password=ADMIN[1], role=UserRole.ADMIN, by=None)
        add_user(session, username="viewer", password=ADMIN[1], role=UserRole.VIEWER, by=None)
    return url


@pytest.fixture(scope="session")
def live_app(live_db_url: str) -> Iterator[str]:
    """A running app on a copy of the demo with one admin account; yields its base URL."""
    from tests.browser_support import streamlit_server

    with streamlit_server(live_db_url) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Chromium from Debian's package (no browser download: the network is closed)."""
    from tests.browser_support import CHROMIUM, CHROMIUM_FLAGS

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed: browser tests skipped (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()
