"""account security: sign-in delays per username and client replace the fixed lockout

Revision ID: 0010_account_security
Revises: 0005_person_search_statement
Create Date: 2026-12-04 15:00:00

The fixed 15-minute lock (app_user.failed_logins, app_user.locked_until) told which usernames exist and let
anyone who knew a username keep that account locked. `login_throttle` counts failed sign-ins per (username,
client) and per client, each row with the time before which the next attempt is refused; usernames and
client addresses are stored as SHA-256 digests. See programme/access/throttle.py.

Bidirectional controls (programme/people/names.py BIDI_CONTROLS) are now removed from single-line text at import
and entry; this migration removes them from the names and one-line fields already stored. Unique columns
(course codes, e-mails, usernames) are left as they are: two values could become equal.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010_account_security"
down_revision: str | None = "0009_respondent_attributes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same characters as programme.people.names.BIDI_CONTROLS, spelled out: a migration must not change with the code.
_BIDI = ("\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c")
_ONE_LINE = {
    "person": ("full_name", "given_name", "family_name", "position", "languages"),
    "organisation": ("name",),
    "course": ("title",),
    "module": ("title", "venue", "city"),
    "agenda_session": ("title", "room"),
}


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("client_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("wait_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account_key", "client_key", name="uq_login_throttle_account_client"),
    )
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_throttle_account_key"), ["account_key"], unique=False)
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")
    for table, columns in _ONE_LINE.items():
        for column in columns:
            stripped = column
            for char in _BIDI:
                stripped = f"replace({stripped}, '{char}', '')"
            op.execute(f"UPDATE {table} SET {column} = {stripped} WHERE {column} <> {stripped}")


def downgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("locked_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_throttle_account_key"))
    op.drop_table("login_throttle")
