"""Undoing an import of pre- or post-test scores: each score it wrote goes back to what it replaced, unless someone
changed it since (typed in the grid, or a later import of the same test): that one stays, and the result counts it."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access import audit
from programme.core.errors import ProgrammeError
from programme.core.words import agreeing, counted
from programme.evaluations.test_scores import FIELDS, STAGE_WORDS
from programme.importing.batches import batch_to_undo, newest_batches
from programme.models import ImportBatch, ImportKind, Participation
from programme.models.base import utcnow

COLUMNS = ["batch", "import", "imported at", "file", "test", "by", "scores written", "undone at"]


def test_score_imports(session: Session, *, module_id: int, limit: int = 200) -> pd.DataFrame:
    """Return the module's newest imports of test scores (batch: the row's id, what an undo is given; import: its number
    among the imports of test scores, what the user knows it by; imported at, file, test, by, scores written, undone
    at)."""
    rows = [
        [batch.id, batch.number, batch.created_at, batch.file_name, STAGE_WORDS.get(batch.counts.get("stage"), ""), batch.username,
         int(batch.counts.get("written", 0)), batch.undone_at]
        for batch in newest_batches(session, ImportKind.TEST_SCORES, module_id=module_id, limit=limit)
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS)


def _same(left: Any, right: Any) -> bool:
    if left is None or right is None:
        return left is None and right is None
    return abs(float(left) - float(right)) < 1e-9


def _later_imports(session: Session, batch: ImportBatch, stage: str) -> set[int]:
    """The participations a later import of the same test into the module (not undone) wrote: theirs now."""
    later = session.scalars(
        sa.select(ImportBatch.counts).where(
            ImportBatch.kind == ImportKind.TEST_SCORES,
            ImportBatch.module_id == batch.module_id,
            ImportBatch.id > batch.id,
            ImportBatch.undone_at.is_(None),
        )
    )
    owned: set[int] = set()
    for counts in later:
        recorded = json.loads(counts) if counts else {}
        if recorded.get("stage") == stage:
            owned.update(int(key) for key in recorded.get("after", {}))
    return owned


def undo_test_score_import(session: Session, *, batch_id: int, username: str | None) -> dict[str, Any]:
    """Take back an import of test scores; return {"test", "restored", "cleared", "kept", "gone"}.

    test: "pre-test" or "post-test". restored: scores put back to what the import replaced, of which cleared: those
    that were none before it (removed). kept: scores changed since the import (typed, or imported again and still in
    place), left as they are. gone: people no longer on the module's list. Changed through the ORM: the Learning
    figures follow at commit."""
    batch, number = batch_to_undo(session, batch_id, ImportKind.TEST_SCORES, "There is no such import of test scores.")
    recorded: dict[str, Any] = json.loads(batch.counts) if batch.counts else {}
    stage = recorded.get("stage")
    if stage not in FIELDS:
        raise ProgrammeError(f"Import {number} does not say which test it was; it cannot be undone.")
    attribute = FIELDS[stage]
    owned = _later_imports(session, batch, stage)
    before: dict[str, Any] = recorded.get("before", {})
    restored = kept = gone = 0
    put_back: dict[str, Any] = {}
    for key, wrote in recorded.get("after", {}).items():
        participation = session.get(Participation, int(key))
        if participation is None or participation.module_id != batch.module_id:
            gone += 1
        elif int(key) in owned or not _same(getattr(participation, attribute), wrote):
            kept += 1
        else:
            setattr(participation, attribute, before.get(key))
            put_back[key] = before.get(key)
            restored += 1
    batch.undone_at = utcnow()
    cleared = sum(1 for value in put_back.values() if value is None)
    result = {"test": STAGE_WORDS[stage], "restored": restored, "cleared": cleared, "kept": kept, "gone": gone}
    audit.record(
        session,
        action="undo",
        username=username,
        entity="import_batch",
        entity_id=batch_id,
        summary=f"undid the {STAGE_WORDS[stage]} scores of import {number}: {restored} put back, {kept} kept",
        before={key: recorded["after"][key] for key in put_back},
        after=put_back,
    )
    session.flush()
    return result


def undo_summary(number: int, undone: dict[str, Any]) -> str:
    """Say what undoing an import of test scores removed, put back and kept, in one sentence (number: the import's, as
    Past imports lists it): "Import 1 undone: 3 pre-test scores removed (none was recorded before it)."."""
    test = undone.get("test", "test")
    cleared = undone.get("cleared", 0)
    back = undone["restored"] - cleared
    parts = []
    if cleared:
        parts.append(f"{counted(cleared, f'{test} score')} removed (none was recorded before it)")
    if back:
        parts.append(
            f"{counted(back, f'{test} score')} put back to what {agreeing(back, 'it was', 'they were')} before it"
        )
    if undone["kept"]:
        parts.append(
            f"{counted(undone['kept'], f'{test} score')} changed since (typed, or imported again) kept as "
            f"{agreeing(undone['kept'], 'it is', 'they are')}"
        )
    if undone["gone"]:
        parts.append(f"{counted(undone['gone'], 'person', 'people')} no longer on the module's list")
    return f"Import {number} undone: " + ("; ".join(parts) if parts else "it had written no score") + "."
