"""Text longer than its column is refused before it is written, with a sentence naming the field, on both databases.

PostgreSQL refused such a value at the flush with a DataError, which reached the user as "something unexpected went
wrong" (a funder's name, a grant's reference, a course's title typed or pasted too long), while SQLite stored it
whole, so that a backup of it could not be restored on PostgreSQL. Every ORM write passes a check before its flush;
the imports write with Core statements and check their own cells (importing/validate.py, planning/validation.py).
"""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import Session as OrmSession

from programme.core.errors import ProgrammeError


@cache
def _limits(table: sa.Table) -> tuple[tuple[str, str, int], ...]:
    """Return (attribute, column, limit) for the table's text columns that have a length."""
    return tuple(
        (column.key, column.name, column.type.length)
        for column in table.columns
        if isinstance(getattr(column.type, "length", None), int)  # String, and SQLModel's AutoString (no subclass)
    )


def _words(table: str, column: str) -> str:
    """Return "the funder's name" for funder.name, "the funding grant's reference" for funding_grant.reference."""
    return f"the {table.replace('_', ' ')}'s {column.replace('_', ' ')}"


def check(obj: object) -> None:
    """Refuse obj when one of its texts is longer than its column holds, naming the field and the limit."""
    table = getattr(obj, "__table__", None)
    if not isinstance(table, sa.Table):
        return
    for attribute, column, limit in _limits(table):
        value = getattr(obj, attribute, None)
        if isinstance(value, str) and len(value) > limit:
            raise ProgrammeError(
                f"{_words(table.name, column).capitalize()} is longer than {limit:,} characters "
                f"({len(value):,} typed): shorten it."
            )


def _before_flush(session: OrmSession, _context: object, _instances: object) -> None:
    for obj in (*session.new, *session.dirty):
        check(obj)


def install() -> None:
    """Listen on every ORM session (idempotent)."""
    if not sa.event.contains(OrmSession, "before_flush", _before_flush):
        sa.event.listen(OrmSession, "before_flush", _before_flush)
