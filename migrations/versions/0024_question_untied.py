"""a question untied from its agenda session on purpose

Revision ID: 0024_question_untied
Revises: 0023_question_editing
Create Date: 2026-12-05 15:00:00

After every change to an agenda, the module's evaluation questions that name one of its sessions and are tied to none
are tied to it (programme/evaluations/forms.link_questions: an evaluation imported before its agenda gets its session
ratings). A question the user untied in the question editor was tied again by the next agenda save, and its ratings
moved back into that session's figures without a word. `evaluation_question.untied`: true once a user has set the
question to no session; such a question is never tied by an agenda change. False for every existing question (none
was untied on purpose that can be told apart now).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_question_untied"
down_revision: str | None = "0023_question_editing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ADD COLUMN in place on SQLite too: recreating evaluation_question would drop its answers (ON DELETE CASCADE).
    op.add_column("evaluation_question", sa.Column("untied", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("evaluation_question", recreate="never") as batch_op:
        batch_op.drop_column("untied")
