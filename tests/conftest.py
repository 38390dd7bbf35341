"""Shared fixtures: empty and demo databases on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from sqlalchemy.engine import Engine
from sqlmodel import Session

from programme.core import schema
from programme.core.db import make_engine, normalise_url, session_scope
from programme.demo import load_demo

# Hypothesis's timing checks off for every property test: its deadline (200 ms an example) and its "too slow" health
# check measure the machine, not the code. The floors' suite runs at nice 19 beside the main one (.ci/run); starved
# there, test_names_folding's first non-ASCII example took 557 ms and failed with DeadlineExceeded (reproduced with two
# busy processes beside it). Speed is measured by the benchmarks.
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")

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


BROWSER_GROUP = "browser"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under xdist, the browser tests all run in one worker (one app server, one Chromium), one after another: they
    are one xdist group, which `--dist loadgroup` (pyproject.toml) sends to one worker.
    First among the hooks: xdist's own (registered in each worker after this file) reads the group marks; run after
    it, the marks came too late. And xdist 3.8 names a test's group by appending `@group` to `item._nodeid`, which
    pytest 9 no longer reads (its node ids are structured: pytest-dev/pytest-xdist#1386): there the group is appended
    here, to the id pytest 9 reads. Without both, the browser tests went to both workers, each starting a server and
    a Chromium beside the other's (checked in pytest_runtest_setup below)."""
    grouping = bool(config.getoption("loadgroup", default=False))  # set in xdist's workers under --dist loadgroup
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group(BROWSER_GROUP))
            if grouping:
                _name_group(item, BROWSER_GROUP)


def _name_group(item: pytest.Item, group: str) -> None:
    """Append `@group` to the item's id where pytest 9 keeps it (`_id`, a structured id); on pytest 8 (the floors)
    xdist's own hook does it, through `_nodeid`."""
    try:
        from _pytest.nodeid import coerce_node_id  # pytest 9
    except ImportError:
        return
    item._id = coerce_node_id(f"{item.nodeid}@{group}")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Fail a browser test, rather than run it in every worker unnoticed, when its group did not reach its id."""
    if (
        item.config.getoption("loadgroup", default=False)
        and item.get_closest_marker("browser")
        and "@" not in item.nodeid
    ):
        pytest.fail(
            "this browser test's xdist group is not in its id: pytest and pytest-xdist no longer agree on where a "
            "test's group is written, and the browser tests would run in every worker (tests/conftest.py)",
            pytrace=False,
        )


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
    """A worker's own database goes with the worker, and so do the databases it kept for restores (empty_database):
    nothing is left behind on the server."""
    if not POSTGRES_URL:
        return
    names = sorted(_kept_databases) + ([sa.engine.make_url(worker_database_url()).database] if WORKER else [])
    if not names:
        return
    url = sa.engine.make_url(normalise_url(POSTGRES_URL))
    server = make_engine(url.set(database="postgres").render_as_string(hide_password=False))
    with server.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for name in names:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    server.dispose()


# The databases beside the worker's own that tests restore or copy into (an empty target, a second computer, a
# backup's source), by name: made once in this process and emptied for each test that asks for one, dropped when the
# process ends. Made and dropped for each test, they cost a checkpoint each: PostgreSQL 15's DROP DATABASE waits for
# an immediate checkpoint (every dirty buffer on the server written and synced: 8 s measured beside the suite, 13,275
# buffers in 2,994 files), and a restore test dropped two to four of them.
_kept_databases: set[str] = set()


def empty_database(engine: Engine, label: str) -> Engine:
    """Return an engine on an empty PostgreSQL database named after engine's with `_label` after it, on its server,
    as CREATE DATABASE leaves one (a schema public and nothing in it): made on first use in this process; after that
    its connections are closed and every schema of its own dropped, public made again as PostgreSQL 15 makes it."""
    url = engine.url.set(database=f"{engine.url.database}_{label}")
    name = url.database
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        exists = connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first()
        if exists:  # the previous test's connections (a restore's, a failed test's) closed, as WITH (FORCE) would
            connection.execute(
                sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                {"name": name},
            )
        else:  # the name is the test database's own plus the test's label: no user input beyond it
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    _kept_databases.add(name)
    made = make_engine(url.render_as_string(hide_password=False))
    if exists:
        with made.begin() as connection:
            schemas = connection.exec_driver_sql(
                "SELECT nspname FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema'"
            ).scalars()
            for schema_name in list(schemas):
                connection.exec_driver_sql(f'DROP SCHEMA "{schema_name}" CASCADE')
            connection.exec_driver_sql("CREATE SCHEMA public AUTHORIZATION pg_database_owner")
            connection.exec_driver_sql("GRANT USAGE ON SCHEMA public TO PUBLIC")
        made.dispose()
    return made


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
    """Empty every table of a PostgreSQL test database and restart its ids: the tables that hold rows are emptied,
    the empty ones left as they are, and every sequence goes back to its start.
    Under a superuser role (CI's) the filled tables are emptied by DELETE with the triggers (foreign keys' checks
    included) off: a TRUNCATE makes new files for each table and index it empties, with every table that refers to
    them, and took 0.3-1 s after a demo test where the DELETEs take a tenth of it; under another role, TRUNCATE."""
    with engine.begin() as connection:
        filled = _filled_tables(connection, _public_tables(connection))
        if filled and _superuser(connection):
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            for table in filled:
                connection.exec_driver_sql(f'DELETE FROM public."{table}"')
        elif filled:
            names = ", ".join(f'public."{table}"' for table in filled)
            connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        _restart_sequences(connection)


_superusers: dict[str, bool] = {}


def _superuser(connection: sa.Connection) -> bool:
    """Whether the connection's role is a superuser (it may set session_replication_role), asked once a database."""
    key = connection.engine.url.render_as_string(hide_password=False)
    if key not in _superusers:
        _superusers[key] = bool(
            connection.exec_driver_sql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").scalar()
        )
    return _superusers[key]


def _filled_tables(connection: sa.Connection, tables: list[str]) -> list[str]:
    """The tables among these that hold at least one row, in one statement."""
    probe = " UNION ALL ".join(f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM public.\"{table}\")" for table in tables)
    return list(connection.exec_driver_sql(probe).scalars()) if tables else []


def _restart_sequences(connection: sa.Connection) -> None:
    """Every sequence of the public schema back at its start, as TRUNCATE ... RESTART IDENTITY leaves it (each is a
    table's identity or serial column: none stands alone)."""
    connection.exec_driver_sql(
        "SELECT setval(format('public.%%I', sequencename), start_value, false) FROM pg_sequences "
        "WHERE schemaname = 'public'"
    )


def _engine_for(request: pytest.FixtureRequest, tmp_path: Path, kind: str) -> Engine:
    if request.param == "sqlite":
        templates = request.getfixturevalue("sqlite_templates")
        path = tmp_path / f"{kind}.db"
        shutil.copy(templates[kind], path)
        return make_engine(f"sqlite:///{path}")
    engine = request.getfixturevalue("postgres_engine")
    if kind == "demo":
        load_demo_copy(engine)
    else:
        truncate_all(engine)
    return engine


# The demo as loaded once per process on PostgreSQL, copied table by table into a schema of its own: loading the demo
# takes seconds (a third of the suite's PostgreSQL time went to it), copying it back a fraction of one.
DEMO_SNAPSHOT = "programme_test_demo"
_demo_snapshots: set[str] = set()
# For each database: each public table's row count in the demo, and the transaction (its 32-bit id, as xmin shows it)
# that last copied the table back. A table whose rows still all carry that transaction's id, as many as the demo's,
# is the demo's as copied (an insert or an update gives a row a newer id, a delete lowers the count).
_demo_counts: dict[str, dict[str, int]] = {}
_demo_copied_by: dict[str, dict[str, str]] = {}
# Each demo table's stored columns, read once when the snapshot is made (the schema stays at head).
_demo_columns: dict[str, dict[str, str]] = {}


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


def _changed_since_copy(connection: sa.Connection, key: str) -> list[str]:
    """The demo's tables not as the last copy left them (all of them when none was copied yet)."""
    copied_by = _demo_copied_by.get(key, {})
    counts = _demo_counts[key]
    unknown = [table for table in counts if table not in copied_by]
    known = [table for table in counts if table in copied_by]
    probe = " UNION ALL ".join(
        f"SELECT '{table}' FROM public.\"{table}\" "
        f"HAVING count(*) <> {counts[table]} OR bool_or(xmin::text <> '{copied_by[table]}')"
        for table in known
    )
    changed = set(unknown) | (set(connection.exec_driver_sql(probe).scalars()) if known else set())
    return [table for table in counts if table in changed]


def load_demo_copy(engine: Engine) -> None:
    """Put the demo into the PostgreSQL database, whatever the last test left there: loaded (and kept in
    DEMO_SNAPSHOT, with its sequences) the first time in this process, copied back from there after that, every table
    (the search index's too) that a test changed since the last copy and every sequence's position as the load left
    them; triggers are off while the rows go back (the rows are the load's own, index entries included), which takes
    a superuser role (as CI's is); under another role the demo is loaded each time."""
    key = engine.url.render_as_string(hide_password=False)
    if key not in _demo_snapshots:
        truncate_all(engine)
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
            counts, stored = {}, {}
            for table in _public_tables(connection):
                columns = stored[table] = _stored_columns(connection, table)
                connection.exec_driver_sql(
                    f'CREATE TABLE {DEMO_SNAPSHOT}."{table}" AS SELECT {columns} FROM public."{table}"'
                )
                counts[table] = connection.exec_driver_sql(
                    f'SELECT count(*) FROM {DEMO_SNAPSHOT}."{table}"'
                ).scalar_one()
            # Each sequence as the load left it (the demo sets some with is_called false: pg_sequences shows none).
            sequences = connection.exec_driver_sql(
                "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
            ).scalars()
            positions = " UNION ALL ".join(
                f"SELECT '{name}' AS name, last_value, is_called FROM public.\"{name}\"" for name in sequences
            )
            connection.exec_driver_sql(f"CREATE TABLE {DEMO_SNAPSHOT}.sequence_positions AS {positions}")
        _demo_counts[key] = counts
        _demo_columns[key] = stored
        _demo_snapshots.add(key)
        return
    with engine.begin() as connection:
        stale = _changed_since_copy(connection, key)
        if stale:
            # Each changed table emptied and filled again from the snapshot, with the triggers (foreign keys' checks
            # included) off: a table that refers to it keeps its rows, which refer to the same ids as before. A
            # DELETE, not a TRUNCATE: a TRUNCATE must take every table that refers to the one emptied with it (a
            # changed module took a second a test, most of the demo copied back), and makes new files for each.
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            for table in stale:
                columns = _demo_columns[key][table]
                connection.exec_driver_sql(f'DELETE FROM public."{table}"')
                connection.exec_driver_sql(
                    f'INSERT INTO public."{table}" ({columns}) OVERRIDING SYSTEM VALUE '
                    f'SELECT {columns} FROM {DEMO_SNAPSHOT}."{table}"'
                )
            copy = connection.exec_driver_sql(
                "SELECT (pg_current_xact_id()::text::bigint %% 4294967296)::text"
            ).scalar()
        connection.exec_driver_sql(
            f"SELECT setval(format('public.%%I', name), last_value, is_called) FROM {DEMO_SNAPSHOT}.sequence_positions"
        )
    if stale:
        _demo_copied_by.setdefault(key, {}).update(dict.fromkeys(stale, copy))


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
    """Headless Chromium from Debian's packages (browser_support.browser_executable; no browser download: the network
    is closed)."""
    from tests.browser_support import CHROMIUM_FLAGS, browser_executable

    executable = browser_executable()
    if not os.path.exists(executable):
        pytest.skip(
            f"{executable} is not installed: browser tests skipped (apt-get install chromium-headless-shell, or chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def private_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folder restores and carries write to, empty and this test's own (tests/test_restore.py,
    tests/test_carry.py)."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder
