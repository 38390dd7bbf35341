"""Courses, their partners, modules and the sessions on a module's agenda."""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import country_field, enum_field, utcnow
from .enums import Delivery, Method, ModuleStatus, PartnerRole, Scope, SessionPersonRole

# The longest method name: a standard method (Method) or one of the organisation's own.
METHOD_LENGTH = 60


class Course(SQLModel, table=True):
    """One capacity-building course, regional or national, over one or several years."""

    __table_args__ = (sa.CheckConstraint("end_year IS NULL OR end_year >= start_year", name="ck_course_years"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    title: str = Field(max_length=300)
    scope: Scope = enum_field(Scope, default=Scope.REGIONAL)
    host_country: str | None = country_field()
    start_year: int | None = Field(default=None, index=True)
    end_year: int | None = None
    description: str | None = None


class CoursePartner(SQLModel, table=True):
    """An organisation's part in a course: organiser, co-organiser, host or funder."""

    __tablename__ = "course_partner"

    course_id: int = Field(foreign_key="course.id", primary_key=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True, index=True)
    role: PartnerRole = Field(
        sa_column=sa.Column(
            sa.Enum(
                PartnerRole,
                native_enum=False,
                create_constraint=True,
                length=40,
                values_callable=lambda members: [m.value for m in members],
                name="ck_partnerrole",
            ),
            primary_key=True,
        )
    )


class Module(SQLModel, table=True):
    """One delivered block of a course: "Module 4, 2–5 December 2017, Kuala Lumpur"."""

    __table_args__ = (
        sa.UniqueConstraint("course_id", "number", name="uq_module_course_number"),
        sa.CheckConstraint("end_date >= start_date", name="ck_module_dates"),
        sa.CheckConstraint("number >= 1", name="ck_module_number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="course.id", index=True, ondelete="CASCADE")
    number: int
    title: str = Field(max_length=300)
    focus: str | None = None
    objectives: str | None = None
    start_date: date = Field(index=True)
    end_date: date
    venue: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=120)
    country: str | None = country_field()
    delivery: Delivery = enum_field(Delivery, default=Delivery.IN_PERSON)
    status: ModuleStatus = enum_field(ModuleStatus, default=ModuleStatus.PLANNED)


class Topic(SQLModel, table=True):
    """A controlled vocabulary of session topics: UN treaty bodies, CEDAW, ASEAN, GCM..."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)


class AgendaSession(SQLModel, table=True):
    """An item on a module's agenda: a day, a time slot, a title and a method."""

    __tablename__ = "agenda_session"
    __table_args__ = (
        sa.CheckConstraint("end_time > start_time", name="ck_session_times"),
        sa.CheckConstraint("day >= 1", name="ck_session_day"),
        sa.Index("ix_agenda_session_module_day", "module_id", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    module_id: int = Field(foreign_key="module.id", ondelete="CASCADE")
    day: int = 1
    start_time: time
    end_time: time
    title: str = Field(max_length=300)
    # A standard method (Method's values) or one of the organisation's own (AgendaMethod): free text.
    method: str = Field(default=Method.PRESENTATION.value, max_length=METHOD_LENGTH, index=True)
    room: str | None = Field(default=None, max_length=120)
    notes: str | None = None
    materials_url: str | None = Field(default=None, max_length=500)
    position: int = 0


class SessionTopic(SQLModel, table=True):
    __tablename__ = "session_topic"

    session_id: int = Field(foreign_key="agenda_session.id", primary_key=True, ondelete="CASCADE")
    topic_id: int = Field(foreign_key="topic.id", primary_key=True, index=True)


class SessionFacilitator(SQLModel, table=True):
    """A facilitator or resource person leading a session."""

    __tablename__ = "session_facilitator"

    session_id: int = Field(foreign_key="agenda_session.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", primary_key=True, index=True, ondelete="CASCADE")
    role: SessionPersonRole = enum_field(SessionPersonRole, default=SessionPersonRole.FACILITATOR)


class SessionDesign(SQLModel, table=True):
    """A reusable session design in the planners' library."""

    __tablename__ = "session_design"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=300, unique=True)
    method: str = Field(default=Method.PRESENTATION.value, max_length=METHOD_LENGTH, index=True)
    duration_minutes: int = 90
    objectives: str | None = None
    topics: str | None = None


class AgendaMethod(SQLModel, table=True):
    """A method of the organisation's own ("lecture", "field visit"), offered on every agenda after the standard ones."""

    __tablename__ = "agenda_method"

    name: str = Field(primary_key=True, max_length=METHOD_LENGTH)
    added_at: datetime = Field(default_factory=utcnow)
