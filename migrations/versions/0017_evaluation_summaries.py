"""evaluation summaries: answers per question, rating counts, module, session and facilitator figures

Revision ID: 0017_evaluation_summaries
Revises: 0018_submission_changes
Create Date: 2026-12-04 18:00:00

Kept as the data changes (programme/summaries/evaluations.py) and read by the evaluation dashboards and the trainer
pool. Empty here: `summaries.ensure_current` fills them after the upgrade (a new set of summaries is rebuilt).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_evaluation_summaries"
down_revision: str | None = "0018_submission_changes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _count(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=False)


def _total(name: str) -> sa.Column:
    return sa.Column(name, sa.Float(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "summary_eval_question",
        _count("question_id"),
        _count("module_id"),
        _count("answered"),
        _count("ratings"),
        _count("rating_total"),
        sa.PrimaryKeyConstraint("question_id"),
    )
    op.create_index("ix_summary_eval_question_module_id", "summary_eval_question", ["module_id"])
    op.create_table(
        "summary_eval_rating",
        _count("question_id"),
        _count("rating"),
        _count("module_id"),
        _count("count"),
        sa.PrimaryKeyConstraint("question_id", "rating"),
    )
    op.create_index("ix_summary_eval_rating_module_id", "summary_eval_rating", ["module_id"])
    op.create_table(
        "summary_eval_module",
        _count("module_id"),
        _count("responses"),
        _count("ratings"),
        _count("rating_total"),
        _count("attended"),
        _count("tested"),
        _total("pre_total"),
        _total("post_total"),
        _total("gain_total"),
        _total("gain_squares"),
        sa.PrimaryKeyConstraint("module_id"),
    )
    op.create_table(
        "summary_eval_session",
        _count("session_id"),
        _count("module_id"),
        _count("ratings"),
        _count("rating_total"),
        sa.PrimaryKeyConstraint("session_id", "module_id"),
    )
    op.create_index("ix_summary_eval_session_module_id", "summary_eval_session", ["module_id"])
    op.create_table(
        "summary_eval_facilitator",
        _count("person_id"),
        _count("module_id"),
        _count("sessions"),
        _count("ratings"),
        _count("rating_total"),
        sa.PrimaryKeyConstraint("person_id", "module_id"),
    )
    op.create_index("ix_summary_eval_facilitator_module_id", "summary_eval_facilitator", ["module_id"])


def downgrade() -> None:
    for table in ("summary_eval_facilitator", "summary_eval_session", "summary_eval_rating", "summary_eval_question"):
        op.drop_index(f"ix_{table}_module_id", table_name=table)
        op.drop_table(table)
    op.drop_table("summary_eval_module")
