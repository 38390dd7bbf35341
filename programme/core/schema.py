"""Create or upgrade the database schema with Alembic; used by `init`, the app and tests."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from programme.core.db import REPO_ROOT, keep_statistics


def alembic_config() -> Config:
    """Return the project's Alembic configuration."""
    return Config(str(REPO_ROOT / "alembic.ini"))


def head_revision() -> str:
    """Return the newest migration's revision id."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations found"
    return head


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to revision (default: head); a no-op when already there."""
    with engine.begin() as connection:
        upgrade_connection(connection, revision)
    if revision == "head":
        # Summary tables made or changed by this upgrade are filled from the raw rows (programme/summaries/).
        from programme.summaries.upkeep import ensure_current

        ensure_current(engine)


def upgrade_connection(connection: Connection, revision: str = "head") -> None:
    """Run the migrations up to revision on connection, inside its transaction (the caller commits); the summary
    tables are not filled (upgrade() does it after its commit; a restore rebuilds them in its own transaction)."""
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
    keep_statistics(connection)


def is_up_to_date(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()


# Database objects that are not SQLModel tables: the alumni full-text index (migration 0002) and, on
# SQLite, the shadow tables FTS5 keeps for it and its vocabulary; the alumni directory table kept by
# triggers (migration 0003). Autogenerate must neither drop nor compare them.
SEARCH_INDEX_TABLE = "person_search"
DIRECTORY_TABLE = "alumni_directory"
_SEARCH_TABLES = frozenset(
    [SEARCH_INDEX_TABLE, f"{SEARCH_INDEX_TABLE}_vocab", DIRECTORY_TABLE]
    + [f"{SEARCH_INDEX_TABLE}_{shadow}" for shadow in ("data", "idx", "content", "docsize", "config")]
)


def include_object(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    """Return False for objects made by raw SQL in migrations, which the models do not describe."""
    # Excluding the table also keeps its indexes (the GIN index on PostgreSQL) out of the comparison.
    is_search_table = type_ == "table" and name is not None and name in _SEARCH_TABLES
    return not is_search_table
