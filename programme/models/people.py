"""Organisations, people (one row per individual across all courses) and participations."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from programme.people.names import SORT_NAME_LENGTH, sort_name

from .base import country_field, enum_field, utcnow
from .enums import Gender, OrgType, ParticipationRole


class Organisation(SQLModel, table=True):
    """An organisation people work for, or a partner of a course."""

    __table_args__ = (sa.UniqueConstraint("name_key", "country", name="uq_organisation_name_country"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300)
    # Lower-cased, accent- and punctuation-free name: the key used to avoid duplicates.
    # Looked up by the unique (name_key, country) index (migration 0026 dropped one of name_key alone).
    name_key: str = Field(max_length=300)
    # None: the type is not recorded (a list without a type column); counted apart, never as "other".
    # Neither indexed (migration 0027): organisations are found by name_key and country, and few enough to read.
    org_type: OrgType | None = enum_field(OrgType, default=None, nullable=True, index=False)
    country: str | None = country_field(index=False)


class Person(SQLModel, table=True):
    """One individual, counted once however many modules they attended."""

    __table_args__ = (
        sa.Index("ix_person_name_key_nationality", "name_key", "nationality"),
        # Lists of people are read in this order, a page at a time (participants: 500,000 people at scale).
        sa.Index("ix_person_sort_name", "sort_name", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    given_name: str | None = Field(default=None, max_length=150)
    family_name: str | None = Field(default=None, max_length=150)
    full_name: str = Field(max_length=300)
    # Case-, accent-, punctuation- and order-insensitive form of the name, for de-duplication.
    name_key: str = Field(max_length=300)
    # The order lists of people are read in: programme.people.names.sort_name(full_name), kept by the ORM (below)
    # and by every bulk insert (the import's, the demo's). Byte order on both databases (COLLATE "C" on PostgreSQL):
    # the database's collation would otherwise put "ángela" among the A's on one installation, after Z on another.
    sort_name: str = Field(
        sa_column=sa.Column(
            sa.String(SORT_NAME_LENGTH).with_variant(sa.String(SORT_NAME_LENGTH, collation="C"), "postgresql"),
            nullable=False,
        )
    )
    gender: Gender = enum_field(Gender, default=Gender.UNDISCLOSED)
    nationality: str | None = country_field()
    country_of_work: str | None = country_field()
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    position: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254, unique=True)
    phone: str | None = Field(default=None, max_length=40)
    languages: str | None = Field(default=None, max_length=300)
    expertise: str | None = None
    notes: str | None = None
    # Consent, per use: listed in the alumni directory, and each contact field shareable.
    # Not indexed (migration 0027): most people agree, so an index narrows nothing (alumni.common.IS_LISTED).
    consent_listed: bool = False
    consent_email: bool = False
    consent_phone: bool = False
    consent_organisation: bool = False
    consent_photo: bool = False
    consent_date: date | None = None
    consent_source: str | None = Field(default=None, max_length=200)
    # Set when the person asked to be forgotten: personal fields are cleared, aggregates kept.
    erased_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    import_batch_id: int | None = Field(default=None, foreign_key="import_batch.id", index=True)


@sa.event.listens_for(Person, "before_insert")
def _sort_name_of_new_person(mapper: object, connection: object, target: Person) -> None:
    """Give a person the ORM inserts their sort_name."""
    target.sort_name = sort_name(target.full_name)


@sa.event.listens_for(Person, "before_update")
def _sort_name_of_renamed_person(mapper: object, connection: object, target: Person) -> None:
    """Keep sort_name with full_name when the ORM changes a person's name (an edit, an erasure)."""
    if sa.inspect(target).attrs.full_name.history.has_changes():
        target.sort_name = sort_name(target.full_name)


class Participation(SQLModel, table=True):
    """A person in a module, with a role and attendance."""

    __table_args__ = (
        sa.UniqueConstraint("person_id", "module_id", name="uq_participation_person_module"),
        sa.CheckConstraint("days_attended IS NULL OR days_attended >= 0", name="ck_participation_days"),
        # Indexes that answer from the index alone (migrations 0003, 0004): "is this person an alum", "which modules,
        # in which role"; "who took part in these modules"; "who served in this role".
        sa.Index("ix_participation_person_role", "person_id", "role", "completed", "module_id"),
        sa.Index("ix_participation_module_person", "module_id", "person_id"),
        sa.Index("ix_participation_role_person", "role", "person_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Looked up by the unique (person_id, module_id) index (migration 0026 dropped one of person_id alone).
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE")
    module_id: int = Field(foreign_key="module.id", ondelete="CASCADE")
    role: ParticipationRole = enum_field(ParticipationRole, default=ParticipationRole.PARTICIPANT, index=False)
    # None: not recorded (only a registration is known). True: took part, at least one day. False: did not come.
    # No column default: the ORM would write a default in place of an explicit None (not recorded).
    attended: bool | None = Field(default=True, sa_column=sa.Column(sa.Boolean, nullable=True))
    # On a registration list for the module (whether or not they then took part).
    # (No column default of its own: rows written without it, such as the demo's, take the database's.)
    registered: bool = Field(default=False, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.false()))
    # Not indexed (migration 0027): most participations are completed; ix_participation_person_role holds it.
    completed: bool = False
    days_attended: int | None = None
    pre_test_score: float | None = None
    post_test_score: float | None = None
    import_batch_id: int | None = Field(default=None, foreign_key="import_batch.id", index=True)


class AttendanceDay(SQLModel, table=True):
    """Presence on one day of a module, where the attendance sheet has Day columns."""

    __tablename__ = "attendance_day"
    __table_args__ = (sa.CheckConstraint("day >= 1", name="ck_attendance_day"),)

    participation_id: int = Field(foreign_key="participation.id", primary_key=True, ondelete="CASCADE")
    day: int = Field(primary_key=True)
    present: bool = True
