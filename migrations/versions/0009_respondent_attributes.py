"""evaluation respondent attributes: facts about who answered, kept apart from the comments

Revision ID: 0009_respondent_attributes
Revises: 0005_person_search_statement
Create Date: 2026-12-04 14:50:00

An evaluation export's columns about the respondent (country, nationality, organisation type, gender, age,
role) were imported as open questions, so "Respondent country" was counted among the comments. They are now
stored per response in `evaluation_respondent_attribute` (one row per response and attribute, the value as
the export gave it). Names and e-mails are never stored there. Responses imported earlier are unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0009_respondent_attributes"
down_revision: str | None = "0007_registration_lists"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evaluation_respondent_attribute",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column(
            "attribute",
            sa.Enum(
                "country",
                "nationality",
                "organisation type",
                "gender",
                "age",
                "role",
                name="ck_respondentattributekind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(["response_id"], ["evaluation_response.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("response_id", "attribute"),
    )


def downgrade() -> None:
    op.drop_table("evaluation_respondent_attribute")
