"""Shared column helpers for the SQLModel tables."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field


def utcnow() -> datetime:
    """Return the current time, aware, in UTC (SQLModel stores datetimes as UTC)."""
    return datetime.now(UTC)


def enum_field(enum_cls: type[enum.Enum], *, default: Any = None, nullable: bool = False, index: bool = True) -> Any:
    """Return a Field stored as VARCHAR with a CHECK constraint on the enum's values.

    Native PostgreSQL enums are avoided on purpose: adding a value to a controlled list
    would need an ALTER TYPE migration, while a CHECK is the same on SQLite and PostgreSQL.
    """
    column = sa.Column(
        sa.Enum(
            enum_cls,
            native_enum=False,
            create_constraint=True,
            length=40,
            values_callable=lambda members: [m.value for m in members],
            validate_strings=True,
            name=f"ck_{enum_cls.__name__.lower()}",
        ),
        nullable=nullable,
        index=index,
    )
    return Field(default=default, sa_column=column)


def country_field(*, nullable: bool = True, index: bool = True) -> Any:
    """Return a Field for an ISO 3166-1 alpha-3 country code."""
    return Field(default=None, max_length=3, nullable=nullable, index=index)
