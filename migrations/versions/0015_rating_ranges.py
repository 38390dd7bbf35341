"""rating ranges: a question keeps its own scale (1-5, or 0-10), answers from 0 to 10

Revision ID: 0015_rating_ranges
Revises: 0014_summaries
Create Date: 2026-12-04 17:50:00

`evaluation_question.scale_min` / `scale_max` (1 and 5 for every existing question; 0 and 10 for a question such
as "How likely are you to recommend...", imported from a survey tool's 0-10 or NPS scale), with a CHECK that
allows those two ranges. `evaluation_answer`'s CHECK widens from 1-5 to 0-10; each answer's range is its
question's, checked by the importer and the forms. The module's average reads 1-5 questions only.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_rating_ranges"
down_revision: str | None = "0014_summaries"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUESTION_SCALE = "(scale_min = 1 AND scale_max = 5) OR (scale_min = 0 AND scale_max = 10)"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Not a batch: recreating evaluation_question would drop it, and its answers with it (ON DELETE CASCADE).
        op.add_column("evaluation_question", sa.Column("scale_min", sa.Integer(), nullable=False, server_default="1"))
        op.add_column("evaluation_question", sa.Column("scale_max", sa.Integer(), nullable=False, server_default="5"))
        _sqlite_constraint(add=True)
    else:
        op.add_column("evaluation_question", sa.Column("scale_min", sa.Integer(), nullable=False, server_default="1"))
        op.add_column("evaluation_question", sa.Column("scale_max", sa.Integer(), nullable=False, server_default="5"))
        op.create_check_constraint("ck_question_scale", "evaluation_question", QUESTION_SCALE)
    # Nothing refers to evaluation_answer: on SQLite the batch may recreate it.
    with op.batch_alter_table("evaluation_answer", schema=None) as batch_op:
        batch_op.drop_constraint("ck_answer_rating", type_="check")
        batch_op.create_check_constraint("ck_answer_rating", "rating IS NULL OR rating BETWEEN 0 AND 10")


def downgrade() -> None:
    # Answers to 0-10 questions cannot be held by a 1-5 column: they go with their questions' range.
    op.execute(
        "DELETE FROM evaluation_answer WHERE question_id IN "
        "(SELECT id FROM evaluation_question WHERE scale_min <> 1 OR scale_max <> 5)"
    )
    with op.batch_alter_table("evaluation_answer", schema=None) as batch_op:
        batch_op.drop_constraint("ck_answer_rating", type_="check")
        batch_op.create_check_constraint("ck_answer_rating", "rating IS NULL OR rating BETWEEN 1 AND 5")
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_constraint(add=False)
    else:
        op.drop_constraint("ck_question_scale", "evaluation_question", type_="check")
    with op.batch_alter_table("evaluation_question", recreate="never") as batch_op:
        batch_op.drop_column("scale_max")
        batch_op.drop_column("scale_min")


# On its own line, as SQLAlchemy writes constraints: SQLAlchemy 2.0.36's SQLite reflection reads two CHECKs on one
# line as one (the kind's check then goes unseen). The one-line form is still recognised on the way down.
_SQLITE_CONSTRAINT = f",\n\tCONSTRAINT ck_question_scale CHECK ({QUESTION_SCALE})"
_SQLITE_CONSTRAINT_ONE_LINE = f", CONSTRAINT ck_question_scale CHECK ({QUESTION_SCALE})"


def _sqlite_constraint(*, add: bool) -> None:
    """Add (or remove) evaluation_question's CHECK by editing the table's definition, as migration 0007 does."""
    connection = op.get_bind()
    version = connection.exec_driver_sql("PRAGMA schema_version").scalar()
    sql = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'evaluation_question'"
    ).scalar()
    head, tail = sql.rstrip()[:-1].rstrip(), ")"
    if add:
        if "ck_question_scale" in sql or not sql.rstrip().endswith(")"):
            raise RuntimeError("The definition of evaluation_question is not the one this migration expects.")
        new = head + _SQLITE_CONSTRAINT + tail
    else:
        written = next((form for form in (_SQLITE_CONSTRAINT, _SQLITE_CONSTRAINT_ONE_LINE) if form in sql), None)
        if written is None:
            raise RuntimeError("The definition of evaluation_question is not the one this migration expects.")
        new = sql.replace(written, "", 1)
    connection.exec_driver_sql("PRAGMA writable_schema=ON")
    connection.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'evaluation_question'", (new,)
    )
    connection.exec_driver_sql(f"PRAGMA schema_version={int(version) + 1}")
    connection.exec_driver_sql("PRAGMA writable_schema=OFF")
    problems = connection.exec_driver_sql("PRAGMA integrity_check").scalars().all()
    if problems != ["ok"]:
        raise RuntimeError(f"The database's integrity check failed after the change: {problems[:3]}")
