"""submission changes: what a self-service registration changed, so that voiding it undoes exactly that

Revision ID: 0018_submission_changes
Revises: 0015_rating_ranges
Create Date: 2026-12-04 18:20:00

`form_submission.changes`: JSON written with a registration that created or updated a person: each field of the
person it changed (before and after), the organisation it created or renamed, whether it created the participation
or marked it registered, and the check-in code it replaced. Personal data: cleared when the submission is voided
and when the person is erased (programme/selfservice/undo.py, programme/access/erasure.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0018_submission_changes"
down_revision: str | None = "0015_rating_ranges"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("form_submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("changes", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("form_submission", schema=None) as batch_op:
        batch_op.drop_column("changes")
