"""summaries: the data versions that say which part of the data changed

Revision ID: 0014_summaries
Revises: 0013_self_service_forms
Create Date: 2026-12-04 17:50:00

`data_version`: one row per scope ("module:<id>", "people", "catalogue") moved in the same transaction as a
change to it (programme/summaries/upkeep.py), so that cached figures are recomputed only for what changed.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0014_summaries"
down_revision: str | None = "0013_self_service_forms"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_version",
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope"),
    )


def downgrade() -> None:
    op.drop_table("data_version")
