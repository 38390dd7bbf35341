"""Role-play and working groups, and their members' roles."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from .base import enum_field
from .enums import GroupRole


class Group(SQLModel, table=True):
    """A delegation or working group formed for an exercise in a module."""

    __tablename__ = "work_group"

    id: int | None = Field(default=None, primary_key=True)
    module_id: int = Field(foreign_key="module.id", index=True, ondelete="CASCADE")
    session_id: int | None = Field(default=None, foreign_key="agenda_session.id", index=True, ondelete="SET NULL")
    name: str = Field(max_length=200)
    exercise: str | None = Field(default=None, max_length=300)
    target: str | None = Field(default=None, max_length=200)
    briefing: str | None = None
    seed: int | None = None


class GroupMember(SQLModel, table=True):
    __tablename__ = "group_member"

    group_id: int = Field(foreign_key="work_group.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", primary_key=True, index=True, ondelete="CASCADE")
    role: GroupRole = enum_field(GroupRole, default=GroupRole.MEMBER)
