"""The alumni search index (migration 0002) kept current for many new people at once.

SQLite's trigger indexes each new person by itself: for an import of thousands of people that is most
of the time spent writing them. While a block writes a known range of new people, the trigger is set
aside and, after the block, the same entries are written for the whole range in one statement. This
is done only when the trigger is exactly the one this module replays; any other trigger (a later
migration's) stays in place and does the work itself. The drop, the entries and the re-creation are
part of the caller's transaction; the trigger is re-created even when the block fails.

On PostgreSQL a statement trigger indexes each statement's new people (migration 0005); an import writes them in
several statements, each joined with the whole person table. There the trigger function is told to return at once
for this transaction's block (migration 0026, programme.core.trigger_ranges) and the range is indexed after it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from sqlmodel import Session

from programme.core import trigger_ranges
from programme.core.bulk import execute_in_order

TRIGGER = "person_search_ai"
# A person's entry: each text without its optional marks (migration 0031, the function programme.core.db registers).
# A text holding a character outside printable ASCII goes through the function; a NULL or an ASCII text, which it
# returns unchanged, does not call into Python (most of the function's cost in an import).
_UNMARKED = "CASE WHEN {0} GLOB '*[^ -~]*' THEN programme_unmarked({0}) ELSE {0} END"
_ENTRY = (
    "INSERT INTO person_search(rowid, name, organisation, position, expertise, notes) SELECT p.id, "  # noqa: S608
    + ", ".join(
        _UNMARKED.format(text)
        for text in (
            "p.full_name",
            "CASE WHEN p.consent_organisation THEN o.name END",
            "p.position",
            "p.expertise",
            "p.notes",
        )
    )  # fmt: skip
    + " FROM person AS p LEFT JOIN organisation AS o ON o.id = p.organisation_id"
)
# The trigger as migration 0031 creates it, whitespace aside.
EXPECTED_TRIGGER = (
    "CREATE TRIGGER person_search_ai AFTER INSERT ON person BEGIN DELETE FROM person_search WHERE rowid = new.id; "  # noqa: S608
    f"{_ENTRY} WHERE p.id = new.id; END"
)
# What the trigger does for each person of the range, for all of them at once.
REMOVE_RANGE = "DELETE FROM person_search WHERE rowid BETWEEN :first AND :last"
ENTRIES_RANGE = f"{_ENTRY} WHERE p.id BETWEEN :first AND :last ORDER BY p.id"

# PostgreSQL: the statement trigger's function (migrations 0005, 0026) and its work for a range of new people.
_DOCUMENT = (
    "SELECT p.id, to_tsvector('simple', programme_fold(concat_ws(' ', p.full_name, "
    "CASE WHEN p.consent_organisation THEN o.name END, p.position, p.expertise, p.notes))) "
    "FROM person AS p LEFT JOIN organisation AS o ON o.id = p.organisation_id"
)
_UPSERT = "ON CONFLICT (person_id) DO UPDATE SET document = EXCLUDED.document"
POSTGRESQL = trigger_ranges.GuardedFunction(
    function="person_search_from_new_people",
    setting="programme.bulk_person_search",
    body=(
        f"INSERT INTO person_search(person_id, document) {_DOCUMENT} JOIN new_people AS n ON n.id = p.id {_UPSERT}; "
        "RETURN NULL; END"
    ),
    for_range=(
        f"INSERT INTO person_search(person_id, document) {_DOCUMENT} WHERE p.id BETWEEN :first AND :last {_UPSERT}",
    ),
)


def replaceable_trigger(session: Session) -> str | None:
    """Return the SQL of the insert trigger when this module can do its work in bulk, else None."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return None
    sql = connection.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"), {"name": TRIGGER}
    ).scalar()
    if sql is None or " ".join(sql.split()) != EXPECTED_TRIGGER:
        return None
    return sql


@contextmanager
def indexed_together(
    session: Session, person_ids: Sequence[int], *, growing: bool = False
) -> Iterator[Callable[[], None]]:
    """Write the new people person_ids (consecutive, ascending) in the block; they are indexed after it.

    growing: person_ids is a list the block adds the ids to as it writes the people (consecutive, or the block
    fails); the function the block is given indexes the people written so far and empties the list. On PostgreSQL
    a growing list's people are indexed by the trigger as they are written (migration 0026's setting is for a range
    known before the block).
    """
    if session.connection().dialect.name == "postgresql":
        if growing:
            yield lambda: None
            return
        with trigger_ranges.together(session, POSTGRESQL, person_ids):
            yield lambda: None
        return
    sql = replaceable_trigger(session) if growing or _consecutive(person_ids) else None
    if sql is None:
        yield lambda: None
        return

    def index_written() -> None:
        if not person_ids:
            return
        if not _consecutive(person_ids):
            raise ValueError("the people written without the search index's trigger are not one range of ids")
        bounds = {"first": person_ids[0], "last": person_ids[-1]}
        # In order after the people's writes (which may still be running: programme.core.bulk.background_writes).
        execute_in_order(session, REMOVE_RANGE, bounds)
        execute_in_order(session, ENTRIES_RANGE, bounds)
        if growing:
            person_ids.clear()  # type: ignore[attr-defined]

    connection = session.connection()
    connection.exec_driver_sql(f'DROP TRIGGER "{TRIGGER}"')
    try:
        yield index_written if growing else lambda: None
        index_written()
    finally:
        execute_in_order(session, sql)


def _consecutive(ids: Sequence[int]) -> bool:
    return bool(ids) and list(ids) == list(range(ids[0], ids[-1] + 1))
