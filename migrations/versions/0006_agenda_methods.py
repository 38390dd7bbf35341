"""agenda methods: a session's method is free text (standard or the organisation's own); breaks and meals

Revision ID: 0006_agenda_methods
Revises: 0005_person_search_statement
Create Date: 2026-12-01 10:00:00

A session's method was one of a fixed list (a CHECK constraint on agenda_session.method and
session_design.method), so an organisation's own methods ("lecture", "field visit") could not be kept, and
a break or a meal could not be an agenda row. The CHECK goes and the column becomes VARCHAR(60): the
standard methods (programme.models.Method, now with "break" and "meal") stay the values the app offers
first, and `agenda_method` remembers the organisation's own methods to offer them on every agenda. Every
existing value is a standard method, so existing rows stay valid unchanged. The downgrade turns methods
that are not on the old list into "other" before putting the CHECK back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006_agenda_methods"
down_revision: str | None = "0005_person_search_statement"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("agenda_session", "session_design")
_OLD_METHODS = ("presentation", "panel", "working group", "role play", "visit", "plenary", "evaluation", "other")


# The CHECK of the old list as migration 0001 wrote it into SQLite's CREATE TABLE statements.
_SQLITE_CHECK = re.compile(r",\s*CONSTRAINT ck_method CHECK \(method IN \([^)]*\)\)")
_SQLITE_COLUMN = ("method VARCHAR(40) NOT NULL", "method VARCHAR(60) NOT NULL")


def _old_list() -> str:
    return ", ".join(f"'{method}'" for method in _OLD_METHODS)


def _sqlite_rewrite(table: str, change: Callable[[str], str]) -> None:
    """Change a table's CREATE statement in place, as SQLite documents for dropping or adding a CHECK.

    Rebuilding the table (Alembic's batch mode) would drop and re-create it, and dropping a table that
    other tables reference ON DELETE CASCADE deletes their rows (a session's topics and facilitators)
    while foreign keys are on, which they are inside this transaction. Removing a CHECK and widening a
    VARCHAR change nothing stored, so SQLite allows the definition to be edited instead
    (https://www.sqlite.org/lang_altertable.html, "making other kinds of table schema changes").
    """
    bind = op.get_bind()
    sql = bind.exec_driver_sql(f"SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{table}'").scalar()
    changed = change(sql)
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.execute(
        sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :name"),
        {"sql": changed, "name": table},
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    problems = bind.exec_driver_sql(f"PRAGMA integrity_check('{table}')").scalars().all()
    if problems != ["ok"]:
        raise RuntimeError(f"{table} failed SQLite's integrity check after the change: {problems}")


def _without_check(sql: str) -> str:
    changed, found = _SQLITE_CHECK.subn("", sql)
    if found != 1 or _SQLITE_COLUMN[0] not in changed:
        raise RuntimeError("The method column is not as migration 0001 made it; this migration cannot relax it.")
    return changed.replace(*_SQLITE_COLUMN)


def _with_check(sql: str) -> str:
    changed = sql.replace(_SQLITE_COLUMN[1], _SQLITE_COLUMN[0])
    closing = changed.rstrip().rindex(")")
    return f"{changed[:closing].rstrip()}, \n\tCONSTRAINT ck_method CHECK (method IN ({_old_list()}))\n)"


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in _TABLES:
        if sqlite:
            _sqlite_rewrite(table, _without_check)
        else:
            op.drop_constraint("ck_method", table, type_="check")
            op.alter_column(
                table,
                "method",
                existing_type=sa.String(length=40),
                type_=sqlmodel.sql.sqltypes.AutoString(length=60),
                existing_nullable=False,
            )
    op.create_table(
        "agenda_method",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("added_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("agenda_method")
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in _TABLES:
        op.execute(f"UPDATE {table} SET method = 'other' WHERE method NOT IN ({_old_list()})")  # noqa: S608
        if sqlite:
            _sqlite_rewrite(table, _with_check)
        else:
            op.alter_column(
                table,
                "method",
                existing_type=sqlmodel.sql.sqltypes.AutoString(length=60),
                type_=sa.String(length=40),
                existing_nullable=False,
            )
            op.create_check_constraint("ck_method", table, f"method IN ({_old_list()})")
