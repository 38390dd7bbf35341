"""Import batches as the pages list them: the newest of one kind, with their module and recorded counts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from programme.models import Course, ImportBatch, ImportKind, Module


@dataclass(frozen=True)
class BatchRow:
    """One import, newest first in lists: what, when, by whom, into which module, with its counts."""

    id: int
    created_at: datetime
    file_name: str
    course: str | None
    module: int | None
    username: str | None
    counts: dict[str, Any]
    undone_at: datetime | None


def newest_batches(
    session: Session, kind: ImportKind, *, module_id: int | None = None, limit: int = 200
) -> list[BatchRow]:
    """Return the newest `limit` imports of a kind (into one module, when given), newest first."""
    query = (
        sa.select(
            ImportBatch.id,
            ImportBatch.created_at,
            ImportBatch.file_name,
            Course.code,
            Module.number,
            ImportBatch.username,
            ImportBatch.counts,
            ImportBatch.undone_at,
        )
        .outerjoin(Module, Module.id == ImportBatch.module_id)
        .outerjoin(Course, Course.id == Module.course_id)
        .where(ImportBatch.kind == kind)
        .order_by(ImportBatch.id.desc())
        .limit(limit)
    )
    if module_id is not None:
        query = query.where(ImportBatch.module_id == module_id)
    return [
        BatchRow(row[0], row[1], row[2], row[3], row[4], row[5], json.loads(row[6]) if row[6] else {}, row[7])
        for row in session.execute(query)
    ]


def imported_elsewhere(session: Session, kind: ImportKind, file_hash: str, module_id: int) -> str | None:
    """Return "EV1 module 1 (import 4)" when the same file was imported (not undone) into another module, the
    latest such import; else None: a file imported twice, into two modules, is most often the wrong module chosen."""
    found = session.execute(
        sa.select(ImportBatch.id, Course.code, Module.number)
        .join(Module, Module.id == ImportBatch.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(
            ImportBatch.file_hash == file_hash,
            ImportBatch.kind == kind,
            ImportBatch.undone_at.is_(None),
            ImportBatch.module_id != module_id,
        )
        .order_by(ImportBatch.id.desc())
        .limit(1)
    ).first()
    return None if found is None else f"{found.code} module {found.number} (import {found.id})"
