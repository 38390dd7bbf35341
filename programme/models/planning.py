"""Next steps agreed at a module's end, and the topic backlog for the next module."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from .base import enum_field, utcnow
from .enums import ActionStatus


class ActionItem(SQLModel, table=True):
    """A next step: "case submission to the UN Working Group — X follows up"."""

    __tablename__ = "action_item"

    id: int | None = Field(default=None, primary_key=True)
    module_id: int = Field(foreign_key="module.id", index=True, ondelete="CASCADE")
    text: str
    due_date: date | None = Field(default=None, index=True)
    status: ActionStatus = enum_field(ActionStatus, default=ActionStatus.OPEN)
    created_at: datetime = Field(default_factory=utcnow)


class ActionFocalPoint(SQLModel, table=True):
    __tablename__ = "action_focal_point"

    action_item_id: int = Field(foreign_key="action_item.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", primary_key=True, index=True, ondelete="CASCADE")


class TopicSuggestion(SQLModel, table=True):
    """A topic participants asked for in the next module, with who asked and how often."""

    __tablename__ = "topic_suggestion"

    id: int | None = Field(default=None, primary_key=True)
    module_id: int = Field(foreign_key="module.id", index=True, ondelete="CASCADE")
    text: str = Field(max_length=300)
    requested_by: str | None = Field(default=None, max_length=300)
    times_asked: int = 1
    source: str = Field(default="typed", max_length=30)
    # The module whose agenda took the topic up, once a planner pulled it in.
    planned_module_id: int | None = Field(default=None, foreign_key="module.id", index=True)
