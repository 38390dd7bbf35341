"""Import batches as the pages list them: the newest of one kind, with their module and recorded counts.

An import is named to the user by its number among the imports of its kind ("import 1" is the first participant
list, or the first evaluation export, each on its own page), never by its row id, which every kind shares: the first
participant list imported after an agenda would have been "import 2". The number is the count of the kind's imports
up to it, so it never changes (an undone import keeps its row and its number).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from programme.core.errors import NotFound, ProgrammeError
from programme.models import Course, ImportBatch, ImportKind, Module


@dataclass(frozen=True)
class BatchRow:
    """One import, newest first in lists: what, when, by whom, into which module, with its counts."""

    id: int
    number: int
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
            _number(ImportBatch),
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
        BatchRow(*row[:7], json.loads(row[7]) if row[7] else {}, row[8])  # type: ignore[arg-type]
        for row in session.execute(query)
    ]


def _number(batch: Any) -> Any:
    """The import's number among the imports of its kind (1 for the first), as a scalar subquery."""
    earlier = aliased(ImportBatch)
    return (
        sa.select(sa.func.count())
        .select_from(earlier)
        .where(earlier.kind == batch.kind, earlier.id <= batch.id)
        .scalar_subquery()
    )


def import_numbers(session: Session, batch_ids: Iterable[int]) -> dict[int, int]:
    """Return {batch id: its number among the imports of its kind}: what the user knows each import by."""
    ids = sorted(set(batch_ids))
    if not ids:
        return {}
    rows = session.execute(sa.select(ImportBatch.id, _number(ImportBatch)).where(ImportBatch.id.in_(ids)))
    return {int(batch_id): int(number) for batch_id, number in rows}


def import_number(session: Session, batch_id: int) -> int:
    """Return the import's number among the imports of its kind (as listed under Past imports)."""
    return import_numbers(session, [batch_id])[batch_id]


def imported_elsewhere(session: Session, kind: ImportKind, file_hash: str, module_id: int) -> str | None:
    """Return "EV1 module 1 (import 4)" when the same file was imported (not undone) into another module, the
    latest such import (by its number among its kind's); else None: a file imported twice, into two modules, is most
    often the wrong module chosen."""
    found = session.execute(
        sa.select(_number(ImportBatch).label("import_number"), Course.code, Module.number)
        .select_from(ImportBatch)
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
    return None if found is None else f"{found.code} module {found.number} (import {found.import_number})"


@dataclass(frozen=True)
class EarlierImport:
    """An earlier import of the same file into the same module: its number as Past imports lists it, when, by whom."""

    number: int
    created_at: datetime
    username: str | None

    def sentence(self) -> str:
        """Return "import 3, on 06 Dec 2026 at 20:05 UTC by amira" (account names are staff's, not personal data)."""
        if self.username == "command line":
            who = " from the command line"
        else:
            who = f" by {self.username}" if self.username else ""
        return f"import {self.number}, on {self.created_at:%d %b %Y at %H:%M} UTC{who}"


def imported_here(session: Session, kind: ImportKind, file_hash: str, module_id: int) -> EarlierImport | None:
    """Return the latest import (not undone) of the same file into this module, else None."""
    found = session.execute(
        sa.select(_number(ImportBatch).label("import_number"), ImportBatch.created_at, ImportBatch.username)
        .where(
            ImportBatch.file_hash == file_hash,
            ImportBatch.kind == kind,
            ImportBatch.undone_at.is_(None),
            ImportBatch.module_id == module_id,
        )
        .order_by(ImportBatch.id.desc())
        .limit(1)
    ).first()
    return None if found is None else EarlierImport(int(found.import_number), found.created_at, found.username)


def batch_to_undo(session: Session, batch_id: int, kind: ImportKind, missing: str) -> tuple[ImportBatch, int]:
    """Return an import of this kind that can still be undone, with its number as Past imports lists it; refuse one
    that does not exist (missing: the sentence) or was already undone."""
    batch = session.get(ImportBatch, batch_id)
    if batch is None or batch.kind != kind:
        raise NotFound(missing)
    number = import_number(session, batch_id)
    if batch.undone_at is not None:
        raise ProgrammeError(f"Import {number} was already undone.")
    return batch, number
