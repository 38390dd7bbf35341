"""reach module stages by person attribute: Completion under a filter on gender, country or organisation type

Revision ID: 0020_reach_module_stages
Revises: 0019_reach_person_year
Create Date: 2026-12-04 23:55:00

`reach_module_stage` (a module's participants registered, attended and completed, by gender, nationality, country of
work or organisation type): kept by programme/summaries/reach.py. Filled after the upgrade by
`summaries.ensure_current` (the reach summary's format changed: it alone is rebuilt).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0020_reach_module_stages"
down_revision: str | None = "0019_reach_person_year"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The reach summary's format as ensure_current keeps it: forgotten, so that the table made (or dropped) is filled by
# a rebuild of the reach summary after the upgrade (or after a later upgrade again).
FORGET_FORMAT = "DELETE FROM data_version WHERE scope = 'summaries-format:reach'"


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.execute(FORGET_FORMAT)
    op.create_table(
        "reach_module_stage",
        sa.Column("module_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("dimension", _text(20), nullable=False),
        sa.Column("value", _text(40), nullable=False),
        sa.Column("registered", sa.Integer(), nullable=False),
        sa.Column("attended", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("module_id", "dimension", "value"),
    )
    op.create_index(
        "ix_reach_module_stage_dimension", "reach_module_stage", ["dimension", "value", "module_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_reach_module_stage_dimension", table_name="reach_module_stage")
    op.drop_table("reach_module_stage")
    op.execute(FORGET_FORMAT)
