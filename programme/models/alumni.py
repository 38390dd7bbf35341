"""Alumni networks and their members, and outcomes alumni report after a course."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel

from .base import country_field, enum_field
from .enums import NetworkKind, NetworkRole, OutcomeKind


class Network(SQLModel, table=True):
    """A national alumni association or a sub-regional platform."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    kind: NetworkKind = enum_field(NetworkKind, default=NetworkKind.ALUMNI_ASSOCIATION)
    country: str | None = country_field()
    founded: int | None = None
    description: str | None = None
    activities: str | None = None


class NetworkMember(SQLModel, table=True):
    __tablename__ = "network_member"

    network_id: int = Field(foreign_key="network.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", primary_key=True, index=True, ondelete="CASCADE")
    role: NetworkRole = enum_field(NetworkRole, default=NetworkRole.MEMBER)
    joined_on: date | None = None


class Outcome(SQLModel, table=True):
    """A result an alum reports after a course (Kirkpatrick level 3)."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    course_id: int | None = Field(default=None, foreign_key="course.id", index=True, ondelete="SET NULL")
    # The module that preceded the outcome (migration 0012): the person's last module of the course before it.
    module_id: int | None = Field(default=None, foreign_key="module.id", index=True, ondelete="SET NULL")
    kind: OutcomeKind = enum_field(OutcomeKind, default=OutcomeKind.OTHER)
    description: str
    reported_on: date = Field(index=True)
