"""a question taken off the form, and the wordings its answers were given to

Revision ID: 0023_question_editing
Revises: 0022_test_score_imports
Create Date: 2026-12-06 10:00:00

The question editor (programme/evaluations/form_editing.py) never deletes a question that has answers, nor changes its
kind or scale: its answers are figures. `evaluation_question.asked`: false for a question taken off the form, so that
the paper-entry form and the online form no longer ask it while its answers stay in every figure; true for every
existing question (all were asked). `evaluation_question.earlier_texts`: the wordings its answers were given to before
it was reworded (a JSON list, oldest first), shown in the editor and read by the evaluation import, whose later
exports still name the column by the old wording; none for every existing question.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023_question_editing"
down_revision: str | None = "0022_test_score_imports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ADD COLUMN in place on SQLite too: recreating evaluation_question would drop its answers (ON DELETE CASCADE).
    op.add_column("evaluation_question", sa.Column("asked", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column("evaluation_question", sa.Column("earlier_texts", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("evaluation_question", recreate="never") as batch_op:
        batch_op.drop_column("earlier_texts")
        batch_op.drop_column("asked")
