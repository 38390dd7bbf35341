"""registration lists: "registered" on a participation, attendance and organisation type may be not recorded

Revision ID: 0007_registration_lists
Revises: 0005_person_search_statement
Create Date: 2026-12-04 16:00:00

A registration list makes people registered for a module, without saying whether they came: the new
`participation.registered` flag says a person was on a registration list, and `participation.attended` may now
be NULL ("not recorded") where only the registration is known. `organisation.org_type` may be NULL too: a list
without a type column no longer files every organisation under "other".

SQLite cannot drop a NOT NULL constraint in place, and rebuilding the two tables would fire the foreign keys'
cascades (attendance days) and drop the search triggers. SQLite's own procedure for removing a NOT NULL
constraint (https://www.sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema Changes") edits the
table's definition in sqlite_master instead, which leaves the rows, indexes and triggers as they are.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_registration_lists"
down_revision: str | None = "0006_agenda_methods"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, its type as the table's SQL on SQLite writes it)
_NULLABLE = (("participation", "attended", "BOOLEAN"), ("organisation", "org_type", "VARCHAR(40)"))


def upgrade() -> None:
    op.add_column("participation", sa.Column("registered", sa.Boolean(), nullable=False, server_default=sa.false()))
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_not_null(nullable=True)
    else:
        for table, column, _type in _NULLABLE:
            op.alter_column(table, column, nullable=True)


def downgrade() -> None:
    op.execute("UPDATE participation SET attended = false WHERE attended IS NULL")
    op.execute("UPDATE organisation SET org_type = 'other' WHERE org_type IS NULL")
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_not_null(nullable=False)
    else:
        for table, column, _type in _NULLABLE:
            op.alter_column(table, column, nullable=False)
    with op.batch_alter_table("participation", recreate="never") as batch:
        batch.drop_column("registered")


def _sqlite_not_null(*, nullable: bool) -> None:
    """Remove (or put back) the NOT NULL of each column in _NULLABLE by editing the table's definition."""
    connection = op.get_bind()
    version = connection.exec_driver_sql("PRAGMA schema_version").scalar()
    connection.exec_driver_sql("PRAGMA writable_schema=ON")
    for table, column, type_ in _NULLABLE:
        strict, loose = f"\t{column} {type_} NOT NULL, ", f"\t{column} {type_}, "
        old, new = (strict, loose) if nullable else (loose, strict)
        sql = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).scalar()
        if old not in sql:
            raise RuntimeError(f"The definition of {table}.{column} is not the one this migration expects.")
        connection.exec_driver_sql(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (sql.replace(old, new, 1), table)
        )
    connection.exec_driver_sql(f"PRAGMA schema_version={int(version) + 1}")
    connection.exec_driver_sql("PRAGMA writable_schema=OFF")
    problems = connection.exec_driver_sql("PRAGMA integrity_check").scalars().all()
    if problems != ["ok"]:
        raise RuntimeError(f"The database's integrity check failed after the change: {problems[:3]}")
