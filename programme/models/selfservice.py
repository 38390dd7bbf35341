"""Forms participants fill in themselves: links, submissions, consent records and the review queue."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import enum_field, utcnow
from .enums import ConsentKind, FormKind, ReviewStatus


class FormLink(SQLModel, table=True):
    """A module's form opened for participants: reachable without signing in, only with its token."""

    __tablename__ = "form_link"
    __table_args__ = (sa.CheckConstraint("closes_on IS NULL OR closes_on >= opens_on", name="ck_form_link_dates"),)

    id: int | None = Field(default=None, primary_key=True)
    module_id: int = Field(foreign_key="module.id", index=True, ondelete="CASCADE")
    kind: FormKind = enum_field(FormKind, default=FormKind.REGISTRATION)
    # secrets.token_urlsafe(24): kept so that the facilitator can show the link and QR code again; looked up by
    # its SHA-256 digest and then compared in constant time.
    token: str = Field(max_length=64)
    token_digest: str = Field(max_length=64, unique=True)
    evaluation_form_id: int | None = Field(default=None, foreign_key="evaluation_form.id", ondelete="CASCADE")
    opens_on: date
    closes_on: date | None = None
    closed_at: datetime | None = None
    allow_multiple: bool = False
    language: str = Field(default="en", max_length=8)
    base_url: str | None = Field(default=None, max_length=300)
    created_by: str | None = Field(default=None, max_length=80)
    created_at: datetime = Field(default_factory=utcnow)


class FormSubmission(SQLModel, table=True):
    """One form sent by a participant: when, which link, from which browser session; voided by a facilitator."""

    __tablename__ = "form_submission"
    __table_args__ = (sa.Index("ix_form_submission_link_browser", "link_id", "browser_key"),)

    id: int | None = Field(default=None, primary_key=True)
    link_id: int = Field(foreign_key="form_link.id", index=True, ondelete="CASCADE")
    submitted_at: datetime = Field(default_factory=utcnow, index=True)
    # SHA-256 digests: which browser session and which client sent it (one per session, a rate per client).
    browser_key: str = Field(max_length=64)
    client_key: str = Field(max_length=64, index=True)
    # created, updated, queued (registrations) or answered (evaluations).
    outcome: str = Field(max_length=20)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True, ondelete="SET NULL")
    person_created: bool = False
    response_id: int | None = Field(default=None, foreign_key="evaluation_response.id", ondelete="SET NULL")
    voided: bool = False
    voided_at: datetime | None = None
    voided_by: str | None = Field(default=None, max_length=80)
    # What a registration changed, as JSON (programme/selfservice/undo.py): personal data, cleared when the
    # submission is voided or the person erased (migration 0018).
    changes: str | None = None


class ConsentRecord(SQLModel, table=True):
    """A consent given or refused on a form: the exact wording shown, its version and language, and the date."""

    __tablename__ = "consent_record"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="form_submission.id", index=True, ondelete="CASCADE")
    # None while the registration waits in the review queue.
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True, ondelete="CASCADE")
    consent: ConsentKind = enum_field(ConsentKind, default=ConsentKind.LISTED, index=False)
    given: bool
    wording: str
    wording_version: str = Field(max_length=40)
    language: str = Field(max_length=8)
    recorded_on: date


class RegistrationReview(SQLModel, table=True):
    """A registration that probably is someone already recorded: a facilitator merges it or creates a person."""

    __tablename__ = "registration_review"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="form_submission.id", unique=True, ondelete="CASCADE")
    candidate_id: int | None = Field(default=None, foreign_key="person.id", index=True, ondelete="SET NULL")
    score: float = 0.0
    reason: str = Field(max_length=100)
    # The submitted values, normalised, as JSON (personal data: shown to facilitators only, cleared once decided).
    values: str | None = None
    status: ReviewStatus = enum_field(ReviewStatus, default=ReviewStatus.PENDING)
    decided_at: datetime | None = None
    decided_by: str | None = Field(default=None, max_length=80)


class CheckinCode(SQLModel, table=True):
    """A participant's personal code for the daily check-in, given at registration; stored as a digest only."""

    __tablename__ = "checkin_code"
    __table_args__ = (sa.UniqueConstraint("module_id", "code_digest", name="uq_checkin_code_module_code"),)

    participation_id: int = Field(foreign_key="participation.id", primary_key=True, ondelete="CASCADE")
    module_id: int = Field(foreign_key="module.id", index=True, ondelete="CASCADE")
    code_digest: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
