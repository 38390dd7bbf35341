"""funders and grants; the module an outcome followed

Revision ID: 0012_grants
Revises: 0009_respondent_attributes
Create Date: 2026-12-04 15:11:13

A funder (`funder`) has grants (`funding_grant`: reference, period, amount and currency, each optional but
the reference); a grant funds whole courses (`grant_course`) or single modules (`grant_module`). Reach and
evaluation figures filter by them.

`outcome.module_id` ties an outcome to the module that preceded it. Outcomes recorded with a course are
tied here to the person's last module of that course that started on or before the outcome's date;
outcomes without a course are left untied (nothing is guessed).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0012_grants"
down_revision: str | None = "0010_account_security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PRECEDING_MODULE = """
UPDATE outcome SET module_id = (
    SELECT m.id FROM module m JOIN participation p ON p.module_id = m.id
    WHERE p.person_id = outcome.person_id AND m.course_id = outcome.course_id
      AND m.start_date <= outcome.reported_on
    ORDER BY m.start_date DESC, m.number DESC LIMIT 1
)
WHERE course_id IS NOT NULL AND module_id IS NULL
"""


def upgrade() -> None:
    op.create_table(
        "funder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("country", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    with op.batch_alter_table("funder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_funder_country"), ["country"], unique=False)

    op.create_table(
        "funding_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("funder_id", sa.Integer(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
        sa.CheckConstraint("amount IS NULL OR amount >= 0", name="ck_grant_amount"),
        sa.CheckConstraint("amount IS NULL OR currency IS NOT NULL", name="ck_grant_currency"),
        sa.CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="ck_grant_dates"),
        sa.ForeignKeyConstraint(["funder_id"], ["funder.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
    )
    with op.batch_alter_table("funding_grant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_funding_grant_funder_id"), ["funder_id"], unique=False)

    op.create_table(
        "grant_course",
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["course_id"], ["course.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["grant_id"], ["funding_grant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("grant_id", "course_id"),
    )
    with op.batch_alter_table("grant_course", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grant_course_course_id"), ["course_id"], unique=False)

    op.create_table(
        "grant_module",
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["grant_id"], ["funding_grant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["module_id"], ["module.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("grant_id", "module_id"),
    )
    with op.batch_alter_table("grant_module", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grant_module_module_id"), ["module_id"], unique=False)

    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.add_column(sa.Column("module_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outcome_module_id"), ["module_id"], unique=False)
        batch_op.create_foreign_key("fk_outcome_module_id", "module", ["module_id"], ["id"], ondelete="SET NULL")
    op.execute(PRECEDING_MODULE)


def downgrade() -> None:
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.drop_constraint("fk_outcome_module_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_outcome_module_id"))
        batch_op.drop_column("module_id")
    for table, index in (
        ("grant_module", "ix_grant_module_module_id"),
        ("grant_course", "ix_grant_course_course_id"),
        ("funding_grant", "ix_funding_grant_funder_id"),
        ("funder", "ix_funder_country"),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(index))
        op.drop_table(table)
