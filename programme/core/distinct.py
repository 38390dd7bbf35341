"""The distinct values of an indexed column, one index look-up each.

`SELECT DISTINCT nationality FROM person` reads every entry of the column's index (500,000 at scale; PostgreSQL
has no skip scan): a filter's few dozen countries cost a pass over every person on each cold page. A recursive CTE
that asks for the next value after the last one found (a "loose index scan") reads one index entry per value.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session


def distinct_values(session: Session, column: Any) -> list[Any]:
    """Return the distinct values of `column` (a table's column with an index that starts with it), NULL left out,
    in the column's order."""
    first = sa.select(column).where(column.is_not(None)).order_by(column).limit(1).scalar_subquery()
    found = sa.select(first.label("value")).cte("found", recursive=True)
    following = sa.select(column).where(column > found.c.value).order_by(column).limit(1).scalar_subquery()
    found = found.union_all(sa.select(following.label("value")).where(found.c.value.is_not(None)))
    return list(session.scalars(sa.select(found.c.value).where(found.c.value.is_not(None))))
