"""The alumni directory's insert triggers set aside while an import writes a range of new rows.

Migration 0003 keeps `alumni_directory` current with row triggers: each new person and each new participation
runs its own statements (a delete and an insert for a person, an insert for a completed participation). For an
import of thousands of rows that is a tenth of the writes' time. While a block writes a known, consecutive range of
new rows, the trigger is set aside and, after the block, the same statements run once for the whole range, in the
rows' order. As for the search index (programme.core.search_index), this is done only when the trigger is exactly
the one replayed here; any other (a later migration's) stays and does the work itself. The drop, the statements and
the re-creation are part of the caller's transaction, and the trigger is re-created even when the block fails.

On PostgreSQL the directory is kept by statement triggers (migration 0003); the person trigger's function is told to
return at once for this transaction's block (migration 0026, programme.core.trigger_ranges) and its statements run for
the range after it. The participation trigger's stays: its statement per COPY is cheap, and its range statement was
slower (0.06-0.17 s for 50,000 participations, the trigger's a few milliseconds).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from programme.core import trigger_ranges
from programme.core.bulk import execute_in_order

_COLUMNS = "person_id, full_name, gender, nationality, country_of_work, languages, organisation_id"
_ENTRY = (
    "SELECT p.id, p.full_name, p.gender, p.nationality, p.country_of_work, p.languages, "
    "CASE WHEN p.consent_organisation THEN p.organisation_id END"
)
_ALUMNUS = (
    "EXISTS (SELECT 1 FROM participation AS pa WHERE pa.person_id = p.id AND pa.role = 'participant' AND pa.completed)"
)


@dataclass(frozen=True)
class RangeTrigger:
    """A row trigger and the statements doing its work for the rows whose ids lie from :first to :last."""

    name: str
    expected: str  # the trigger as its migration creates it, whitespace aside
    for_range: tuple[str, ...]
    postgresql: trigger_ranges.GuardedFunction | None = None


PERSON = RangeTrigger(
    name="alumni_directory_person_ai",
    expected=(
        "CREATE TRIGGER alumni_directory_person_ai AFTER INSERT ON person BEGIN "  # noqa: S608 - our own constants
        "DELETE FROM alumni_directory WHERE person_id = new.id; "
        f"INSERT INTO alumni_directory ({_COLUMNS}) {_ENTRY} FROM person AS p WHERE p.consent_listed AND "
        f"p.erased_at IS NULL AND p.id = new.id AND {_ALUMNUS}; END"
    ),
    for_range=(
        "DELETE FROM alumni_directory WHERE person_id BETWEEN :first AND :last",
        f"INSERT INTO alumni_directory ({_COLUMNS}) {_ENTRY} FROM person AS p WHERE p.consent_listed AND "
        f"p.erased_at IS NULL AND p.id BETWEEN :first AND :last AND {_ALUMNUS} ORDER BY p.id",
    ),
    postgresql=trigger_ranges.GuardedFunction(
        function="alumni_directory_person_inserted",
        setting="programme.bulk_alumni_person",
        body=(
            "DELETE FROM alumni_directory WHERE person_id IN (SELECT id FROM new_rows); "  # noqa: S608 - our constants
            f"INSERT INTO alumni_directory ({_COLUMNS}) {_ENTRY} FROM person AS p WHERE p.consent_listed AND "
            f"p.erased_at IS NULL AND p.id IN (SELECT id FROM new_rows) AND {_ALUMNUS}; RETURN NULL; END"
        ),
        for_range=(
            "DELETE FROM alumni_directory WHERE person_id BETWEEN :first AND :last",
            f"INSERT INTO alumni_directory ({_COLUMNS}) {_ENTRY} FROM person AS p WHERE p.consent_listed AND "
            f"p.erased_at IS NULL AND p.id BETWEEN :first AND :last AND {_ALUMNUS}",
        ),
    ),
)
PARTICIPATION = RangeTrigger(
    name="alumni_directory_participation_ai",
    expected=(
        "CREATE TRIGGER alumni_directory_participation_ai AFTER INSERT ON participation "
        "WHEN new.role = 'participant' AND new.completed BEGIN "
        f"INSERT OR IGNORE INTO alumni_directory ({_COLUMNS}) {_ENTRY} FROM person AS p WHERE p.consent_listed AND "
        "p.erased_at IS NULL AND p.id = new.person_id; END"
    ),
    # In the participations' order, as the trigger ran: the first of a person's rows is the one kept.
    for_range=(
        f"INSERT OR IGNORE INTO alumni_directory ({_COLUMNS}) {_ENTRY} "
        "FROM participation AS pa JOIN person AS p ON p.id = pa.person_id "
        "WHERE pa.id BETWEEN :first AND :last AND pa.role = 'participant' AND pa.completed "
        "AND p.consent_listed AND p.erased_at IS NULL ORDER BY pa.id",
    ),
)


def replaceable(session: Session, trigger: RangeTrigger) -> str | None:
    """Return the trigger's SQL when for_range does its work (SQLite, the trigger as expected), else None."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return None
    sql = connection.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"), {"name": trigger.name}
    ).scalar()
    if sql is None or " ".join(sql.split()) != trigger.expected:
        return None
    return sql


@contextmanager
def together(
    session: Session, trigger: RangeTrigger, ids: Sequence[int], *, growing: bool = False
) -> Iterator[Callable[[], None]]:
    """Write the new rows ids (consecutive, ascending) in the block; the trigger's work is done for them after it.

    growing: ids is a list the block adds the ids to as it writes their rows (consecutive, or the block fails); the
    function the block is given does the trigger's work for the rows written so far and empties the list (the
    caller writes nothing more into that range). On PostgreSQL a growing list's rows are left to the trigger
    (migration 0026's setting is for a range known before the block).
    """
    if trigger.postgresql is not None and session.connection().dialect.name == "postgresql":
        if growing:
            yield lambda: None
            return
        with trigger_ranges.together(session, trigger.postgresql, ids):
            yield lambda: None
        return
    sql = replaceable(session, trigger) if growing or _consecutive(ids) else None
    if sql is None:
        yield lambda: None
        return

    def replay() -> None:
        if not ids:
            return
        if not _consecutive(ids):
            raise ValueError(f"the rows written without {trigger.name} are not one range of ids")
        bounds = {"first": ids[0], "last": ids[-1]}
        for statement in trigger.for_range:  # in order after the block's writes (programme.core.bulk)
            execute_in_order(session, statement, bounds)
        if growing:
            ids.clear()  # type: ignore[attr-defined]

    session.connection().exec_driver_sql(f'DROP TRIGGER "{trigger.name}"')
    try:
        yield replay if growing else lambda: None
        replay()
    finally:
        execute_in_order(session, sql)


def _consecutive(ids: Sequence[int]) -> bool:
    return bool(ids) and list(ids) == list(range(ids[0], ids[-1] + 1))
