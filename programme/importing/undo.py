"""Undoing an import batch: its new people and participations removed, the blanks it filled cleared."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from programme import summaries
from programme.access import audit
from programme.core.errors import ProgrammeError
from programme.core.words import agreeing, counted
from programme.importing.batches import batch_to_undo, import_numbers, newest_batches
from programme.importing.columns import CONSENT_FIELDS
from programme.importing.write import ATTENDANCE_FIELD, PARTICIPATION, PERSON, REGISTERED_FIELD
from programme.models import AttendanceDay, AuditEntry, ImportBatch, ImportKind, ImportUpdate, Organisation
from programme.models.base import utcnow

# Tables whose rows an undo itself removes or rewrites, so their references do not block it.
_UNDONE_WITH_THE_BATCH = {"participation", "import_update", "attendance_day"}


def batches_table(session: Session, *, module_id: int | None = None, limit: int = 200) -> pd.DataFrame:
    """Return the newest participant import batches (into one module, when given) with their module and counts:
    "batch" is the row's id (what an undo is given), "import" its number among the participant imports (what the
    user knows it by, programme/importing/batches.py)."""
    columns = ["batch", "import", "imported at", "file", "course", "module", "by", "new people", "matched"]
    columns.append("participations")
    rows = [
        [
            *(batch.id, batch.number, batch.created_at, batch.file_name, batch.course, batch.module, batch.username),
            *(batch.counts.get(name, 0) for name in ("created", "matched", "participations", "skipped_rows")),
            batch.undone_at,
        ]
        for batch in newest_batches(session, ImportKind.PARTICIPANTS, module_id=module_id, limit=limit)
    ]
    return pd.DataFrame(rows, columns=[*columns, "rows skipped", "undone at"])


def undo_batch(session: Session, *, batch_id: int, username: str | None) -> dict[str, int]:
    """Take back an import batch and return what was removed; refuse when later work depends on its people."""
    batch, number = batch_to_undo(session, batch_id, ImportKind.PARTICIPANTS, "There is no such participant import.")
    people = sa.select(PERSON.c.id).where(PERSON.c.import_batch_id == batch_id)
    in_use = _people_in_use(session, people, batch_id)
    if in_use:
        raise ProgrammeError(
            f"{counted(in_use, 'person', 'people')} added by import {number} {agreeing(in_use, 'has', 'have')} since "
            "been added to other modules, groups, networks or forms; undo or remove those first."
        )
    later = _later_batches_using(session, people, batch_id)
    if later:
        numbers = ", ".join(str(shown) for shown in sorted(import_numbers(session, later).values()))
        matched = len(set().union(*later.values()))
        raise ProgrammeError(
            f"{counted(matched, 'person', 'people')} added by import {number} {agreeing(matched, 'was', 'were')} "
            f"matched by a later import ({numbers}) that recorded their attendance or filled in their details; undoing "
            f"this import would remove that too. Undo import {numbers} first."
        )
    # The summaries (and cached figures): the module; people whose fields are reverted in every module they took part
    # in; those whose participation goes only here.
    filled = sa.select(ImportUpdate.person_id).where(
        ImportUpdate.batch_id == batch_id, ImportUpdate.field.not_in([ATTENDANCE_FIELD, REGISTERED_FIELD])
    )
    leaving = sa.select(PARTICIPATION.c.person_id).where(PARTICIPATION.c.import_batch_id == batch_id)
    summaries.touch(
        session,
        modules=[batch.module_id],
        people=session.scalars(filled.distinct()),
        participants=session.scalars(leaving),
    )
    reverted, kept = _revert_updates(session, batch_id)
    removed_participations = session.execute(
        sa.delete(PARTICIPATION).where(PARTICIPATION.c.import_batch_id == batch_id)
    ).rowcount
    removed_people = session.execute(sa.delete(PERSON).where(PERSON.c.import_batch_id == batch_id)).rowcount
    counts = json.loads(batch.counts) if batch.counts else {}
    removed_orgs = _remove_unused_organisations(session, counts.get("organisation_ids", []))
    batch.undone_at = utcnow()
    result = {
        "people_removed": removed_people,
        "participations_removed": removed_participations,
        "fields_reverted": reverted,
        "organisations_removed": removed_orgs,
        "fields_kept": kept,
    }
    audit.record(
        session,
        action="undo",
        username=username,
        entity="import_batch",
        entity_id=batch_id,
        summary=(
            f"undid participant import {number}: {removed_people} people and {removed_participations} "
            f"participations removed, {reverted} fields reverted"
            + (f", {kept} fields kept (their people's records were changed since)" if kept else "")
        ),
        after=result,
    )
    session.flush()
    return result


def _people_in_use(session: Session, people: sa.Select, batch_id: int) -> int:
    """Return how many of the batch's people other rows refer to (besides what the undo removes)."""
    used: set[int] = set()
    for table, column in _references_to("person"):
        if table.name in _UNDONE_WITH_THE_BATCH and table.name != "participation":
            continue
        query = sa.select(column).where(column.in_(people)).distinct()
        if table.name == "participation":
            query = query.where(sa.or_(table.c.import_batch_id.is_(None), table.c.import_batch_id != batch_id))
        used.update(session.scalars(query))
    return len(used)


def _later_batches_using(session: Session, people: sa.Select, batch_id: int) -> dict[int, set[int]]:
    """Return {other batch: its people of this batch} for the batches, not undone, that changed this batch's people
    (attendance recorded, registration noted, blanks filled): deleting the people would take their changes away."""
    rows = session.execute(
        sa.select(ImportUpdate.batch_id, ImportUpdate.person_id)
        .join(ImportBatch, ImportBatch.id == ImportUpdate.batch_id)
        .where(
            ImportUpdate.batch_id != batch_id,
            ImportBatch.undone_at.is_(None),
            ImportUpdate.person_id.in_(people),
        )
    )
    found: dict[int, set[int]] = {}
    for other, person_id in rows:
        found.setdefault(other, set()).add(person_id)
    return found


def _references_to(target: str) -> list[tuple[sa.Table, sa.Column]]:
    found = []
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if any(key.column.table.name == target for key in column.foreign_keys):
                found.append((table, column))
    return found


def _revert_updates(session: Session, batch_id: int) -> tuple[int, int]:
    """Put back what the batch changed on records it did not create; return (changes reverted, fields kept).

    A blank the import filled is cleared again, unless the person's record was changed after the import (someone
    corrected it on their page, or recorded their consent): the field is then kept as it is now, since clearing it
    could throw away that correction."""
    updates = list(session.scalars(sa.select(ImportUpdate).where(ImportUpdate.batch_id == batch_id)))
    changed_since = _changed_since_the_import(
        session, batch_id, {u.person_id for u in updates if u.field not in (ATTENDANCE_FIELD, REGISTERED_FIELD)}
    )
    kept = 0
    for update in updates:
        if update.field not in (ATTENDANCE_FIELD, REGISTERED_FIELD) and update.person_id in changed_since:
            kept += 1
            continue
        if update.field == ATTENDANCE_FIELD:
            old = json.loads(update.old_value or "{}")
            # The days the import added: all of them, or (for days added to recorded ones) those it lists.
            days = sa.delete(AttendanceDay.__table__).where(AttendanceDay.participation_id == old["id"])
            if "added_days" in old:
                days = days.where(AttendanceDay.day.in_(old["added_days"]))
            session.execute(days)
            session.execute(
                sa.update(PARTICIPATION)
                .where(PARTICIPATION.c.id == old["id"])
                .values(attended=old["attended"], completed=old["completed"], days_attended=old.get("days_attended"))
            )
        elif update.field == REGISTERED_FIELD:
            old = json.loads(update.old_value or "{}")
            session.execute(sa.update(PARTICIPATION).where(PARTICIPATION.c.id == old["id"]).values(registered=False))
        else:
            session.execute(
                sa.update(PERSON)
                .where(PERSON.c.id == update.person_id)
                .values({update.field: _typed(update.field, update.old_value), "updated_at": utcnow()})
            )
    return len(updates) - kept, kept


def _changed_since_the_import(session: Session, batch_id: int, people: set[int]) -> set[int]:
    """Return those of people whose record was changed after the import was written (its audit entry's time)."""
    imported_at = session.scalar(
        sa.select(AuditEntry.at)
        .where(AuditEntry.action == "import", AuditEntry.entity == "import_batch", AuditEntry.entity_id == batch_id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    if imported_at is None or not people:
        return set()
    ordered = sorted(people)
    changed: set[int] = set()
    for start in range(0, len(ordered), 1000):  # IN lists of a bounded size on every database
        chunk = ordered[start : start + 1000]
        changed.update(
            session.scalars(sa.select(PERSON.c.id).where(PERSON.c.id.in_(chunk), PERSON.c.updated_at > imported_at))
        )
    return changed


def _typed(field: str, value: str | None) -> Any:
    if field in CONSENT_FIELDS:
        return value == "True"  # the consent flags are never NULL: a missing old value was False
    if value is None:
        return None
    if field == "consent_date":
        return date.fromisoformat(value)
    return int(value) if field == "organisation_id" else value


def _remove_unused_organisations(session: Session, organisation_ids: list[int]) -> int:
    """Remove the organisations the batch created that nothing refers to any more."""
    if not organisation_ids:
        return 0
    used: set[int] = set()
    for _table, column in _references_to("organisation"):
        used.update(session.scalars(sa.select(column).where(column.in_(organisation_ids)).distinct()))
    unused = [org_id for org_id in organisation_ids if org_id not in used]
    if not unused:
        return 0
    return session.execute(sa.delete(Organisation.__table__).where(Organisation.__table__.c.id.in_(unused))).rowcount
