"""reach per person and year: what the year's people counted once are kept from, so that no change recounts a year

Revision ID: 0019_reach_person_year
Revises: 0016_reach_summaries
Create Date: 2026-12-04 23:00:00

`reach_person_year` (a person's participations in a year's modules by role and course scope, with their gender and
organisation type): kept by programme/summaries/reach.py; `reach_year` moves by the difference of the touched
people's rows. Filled after the upgrade by `summaries.ensure_current` (the reach summary's format changed: it alone
is rebuilt).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0019_reach_person_year"
down_revision: str | None = "0016_reach_summaries"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


# The reach summary's format as ensure_current keeps it: forgotten here, so that the table made (or dropped) is
# filled by a rebuild of the reach summary after the upgrade (or after a later upgrade again).
FORGET_FORMAT = "DELETE FROM data_version WHERE scope = 'summaries-format:reach'"


def upgrade() -> None:
    op.execute(FORGET_FORMAT)
    op.create_table(
        "reach_person_year",
        sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("role", _text(40), nullable=False),
        sa.Column("scope", _text(40), nullable=False),
        sa.Column("gender", _text(40), nullable=False),
        sa.Column("org_type", _text(40), nullable=False),
        sa.Column("participations", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "year", "role", "scope"),
    )


def downgrade() -> None:
    op.drop_table("reach_person_year")
    op.execute(FORGET_FORMAT)
