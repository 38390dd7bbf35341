"""A cheap fingerprint of the data, so that cached figures are recomputed only after something changed."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from programme.models import AuditEntry, Course, Module, Participation, Person

# Every change the app makes leaves an audit entry or a new row (deletions, such as an undone import or an
# erasure, are audited), so the newest id of each of these tables moves whenever the figures could.
_TABLES = (AuditEntry, Person, Participation, Module, Course)


def data_version(session: Session) -> tuple[int, ...]:
    """Return the newest id of the audit trail and the tables behind the headline figures (index look-ups)."""
    newest = (sa.select(sa.func.coalesce(sa.func.max(table.id), 0)).scalar_subquery() for table in _TABLES)
    row = session.execute(sa.select(*newest)).one()
    return tuple(int(value) for value in row)
