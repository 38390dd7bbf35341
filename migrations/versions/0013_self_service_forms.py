"""self-service forms: participants register and evaluate through a link, without signing in

Revision ID: 0013_self_service_forms
Revises: 0012_grants
Create Date: 2026-12-04 15:48:13

`form_link`: a module's registration or evaluation form opened for participants (token, dates, language,
one or several submissions per browser session). `form_submission`: each form sent (when, from which
browser session and client, as digests; voided by a facilitator). `consent_record`: each consent given or
refused with the exact wording shown, its version and language. `registration_review`: registrations that
probably match someone already recorded, waiting for a facilitator. `checkin_code`: each registered
participant's personal code for the optional daily check-in (a digest), given at registration. See programme/selfservice/.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = "0013_self_service_forms"
down_revision: str | None = "0012_grants"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "form_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "registration", "evaluation", "checkin", name="ck_formkind", native_enum=False, create_constraint=True, length=40
            ),
            nullable=False,
        ),
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("token_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("evaluation_form_id", sa.Integer(), nullable=True),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("allow_multiple", sa.Boolean(), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("base_url", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("closes_on IS NULL OR closes_on >= opens_on", name="ck_form_link_dates"),
        sa.ForeignKeyConstraint(["evaluation_form_id"], ["evaluation_form.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["module_id"], ["module.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_digest"),
    )
    with op.batch_alter_table("form_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_form_link_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_form_link_module_id"), ["module_id"], unique=False)

    op.create_table(
        "form_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("browser_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("client_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("person_created", sa.Boolean(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=True),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.Column("voided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("voided_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.ForeignKeyConstraint(["link_id"], ["form_link.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["response_id"], ["evaluation_response.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("form_submission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_form_submission_client_key"), ["client_key"], unique=False)
        batch_op.create_index("ix_form_submission_link_browser", ["link_id", "browser_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_form_submission_link_id"), ["link_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_form_submission_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_form_submission_submitted_at"), ["submitted_at"], unique=False)

    op.create_table(
        "consent_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column(
            "consent",
            sa.Enum(
                "listed",
                "email",
                "phone",
                "organisation",
                "photo",
                name="ck_consentkind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("given", sa.Boolean(), nullable=False),
        sa.Column("wording", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("wording_version", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["submission_id"], ["form_submission.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("consent_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_record_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consent_record_submission_id"), ["submission_id"], unique=False)

    op.create_table(
        "registration_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("values", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "merged",
                "created",
                "discarded",
                name="ck_reviewstatus",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.ForeignKeyConstraint(["candidate_id"], ["person.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["submission_id"], ["form_submission.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("submission_id"),
    )
    with op.batch_alter_table("registration_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registration_review_candidate_id"), ["candidate_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_registration_review_status"), ["status"], unique=False)


    op.create_table(
        "checkin_code",
        sa.Column("participation_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("code_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["module_id"], ["module.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participation_id"], ["participation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("participation_id"),
        sa.UniqueConstraint("module_id", "code_digest", name="uq_checkin_code_module_code"),
    )
    with op.batch_alter_table("checkin_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checkin_code_module_id"), ["module_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("checkin_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkin_code_module_id"))
    op.drop_table("checkin_code")
    with op.batch_alter_table("registration_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_review_status"))
        batch_op.drop_index(batch_op.f("ix_registration_review_candidate_id"))

    op.drop_table("registration_review")
    with op.batch_alter_table("consent_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_record_submission_id"))
        batch_op.drop_index(batch_op.f("ix_consent_record_person_id"))

    op.drop_table("consent_record")
    with op.batch_alter_table("form_submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_submission_submitted_at"))
        batch_op.drop_index(batch_op.f("ix_form_submission_person_id"))
        batch_op.drop_index(batch_op.f("ix_form_submission_link_id"))
        batch_op.drop_index("ix_form_submission_link_browser")
        batch_op.drop_index(batch_op.f("ix_form_submission_client_key"))

    op.drop_table("form_submission")
    with op.batch_alter_table("form_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_link_module_id"))
        batch_op.drop_index(batch_op.f("ix_form_link_kind"))

    op.drop_table("form_link")
