"""The audit trail: who created, changed, deleted, imported, exported or signed in, and when."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import Session

from programme.models import AuditEntry

if TYPE_CHECKING:  # pandas is imported where the trail is read as a table: a sign-in records here without it
    import pandas as pd


def _json(values: dict[str, Any] | None) -> str | None:
    if values is None:
        return None

    def default(value: Any) -> str:
        if isinstance(value, (date, datetime)):
            return value.isoformat()
        return str(value)

    return json.dumps(values, default=default, ensure_ascii=False, sort_keys=True)


# The audit entry's summary column (AuditEntry.summary).
SUMMARY_LENGTH = 500


def record(
    session: Session,
    *,
    action: str,
    username: str | None,
    entity: str | None = None,
    entity_id: int | None = None,
    summary: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit entry to the session (committed with the change it describes)."""
    entry = AuditEntry(
        action=action,
        username=username,
        entity=entity,
        entity_id=entity_id,
        summary=summary[:SUMMARY_LENGTH] if summary else summary,  # what a long name made longer: cut, not refused
        before=_json(before),
        after=_json(after),
    )
    session.add(entry)
    return entry


def search(
    session: Session,
    *,
    text: str | None = None,
    action: str | None = None,
    username: str | None = None,
    limit: int = 500,
) -> pd.DataFrame:
    """Return the newest audit entries matching the filters, as a table."""
    query = sa.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEntry.action == action)
    if username:
        query = query.where(AuditEntry.username == username)
    if text:
        like = f"%{text}%"
        query = query.where(sa.or_(AuditEntry.summary.ilike(like), AuditEntry.entity.ilike(like)))
    import pandas as pd

    rows = [entry.model_dump() for entry in session.scalars(query)]
    columns = [
        "id",
        "at",
        "username",
        "action",
        "entity",
        "entity_id",
        "summary",
        "before",
        "after",
    ]
    return pd.DataFrame(rows, columns=columns)
