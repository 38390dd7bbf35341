"""reach summaries: people reached, kept per person, per module and per year

Revision ID: 0016_reach_summaries
Revises: 0017_evaluation_summaries
Create Date: 2026-12-04 18:00:00

`reach_person` (one row per person with a participation), `reach_module` (people who took part in a module by
dimension, and its participants by stage) and `reach_year` (people counted once in a year, by dimension): kept in
the same transaction as every write by programme/summaries/reach.py, filled after the upgrade by
`summaries.ensure_current` (the set of kept summaries changed).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0016_reach_summaries"
down_revision: str | None = "0017_evaluation_summaries"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    flags = (
        "registered",
        "registered_took_part",
        "registered_only",
        "took_part_unregistered",
        "participant",
        "participant_attended",
        "alumnus",
        "listed",
        "erased",
    )
    op.create_table(
        "reach_person",
        sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("gender", _text(40), nullable=True),
        sa.Column("nationality", _text(3), nullable=True),
        sa.Column("country_of_work", _text(3), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("org_type", _text(40), nullable=True),
        sa.Column("org_country", _text(3), nullable=True),
        sa.Column("modules", sa.Integer(), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=True),
        *(sa.Column(flag, sa.Boolean(), nullable=False) for flag in flags),
        sa.PrimaryKeyConstraint("person_id"),
    )
    op.create_table(
        "reach_module",
        sa.Column("module_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("dimension", _text(20), nullable=False),
        sa.Column("value", _text(40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("module_id", "dimension", "value"),
    )
    op.create_index("ix_reach_module_dimension", "reach_module", ["dimension", "module_id", "value", "people"])
    op.create_table(
        "reach_year",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("dimension", _text(20), nullable=False),
        sa.Column("value", _text(40), nullable=False),
        sa.Column("individuals", sa.Integer(), nullable=False),
        sa.Column("participations", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", "dimension", "value"),
    )


def downgrade() -> None:
    op.drop_table("reach_year")
    op.drop_index("ix_reach_module_dimension", table_name="reach_module")
    op.drop_table("reach_module")
    op.drop_table("reach_person")
