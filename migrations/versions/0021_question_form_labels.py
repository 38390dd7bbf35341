"""a question answered with the form's labels, or with numbers or other words

Revision ID: 0021_question_form_labels
Revises: 0020_reach_module_stages
Create Date: 2026-12-05 10:00:00

`evaluation_question.uses_form_labels`: whether the form's scale labels ("Not at all useful" ... "Extremely useful")
are the words its answers were given in. An export whose sessions were rated with words and whose "Overall rating
(1-5)" with numbers kept the words for the form, and the dashboard's legend gave them to the overall rating too. True
for every existing question (as they were shown until now) and for questions of forms typed or filled online, which
show the labels; the evaluation import sets it false for a column answered with numbers alone or another scale's words.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_question_form_labels"
down_revision: str | None = "0020_reach_module_stages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ADD COLUMN in place on SQLite too: recreating evaluation_question would drop its answers (ON DELETE CASCADE).
    op.add_column(
        "evaluation_question", sa.Column("uses_form_labels", sa.Boolean(), nullable=False, server_default=sa.true())
    )


def downgrade() -> None:
    with op.batch_alter_table("evaluation_question", recreate="never") as batch_op:
        batch_op.drop_column("uses_form_labels")
