"""The synthetic demo programme: built deterministically, loaded with bulk inserts."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from programme.access import audit
from programme.core.db import is_sqlite
from programme.core.errors import PermissionDenied, ProgrammeError
from programme.core.settings import DEMO_MARKER, set_setting
from programme.demo.generator import DEMO_SEED, build_demo
from programme.models import Course, Person
from programme.summaries import touch_everything

if TYPE_CHECKING:
    from programme.access.accounts import SignedIn

# Parents before children, so that every foreign key points at a row already there.
LOAD_ORDER = [
    "organisation",
    "course",
    "course_partner",
    "topic",
    "session_design",
    "module",
    "funder",
    "funding_grant",
    "grant_course",
    "grant_module",
    "person",
    "participation",
    "agenda_session",
    "session_topic",
    "session_facilitator",
    "work_group",
    "group_member",
    "evaluation_form",
    "evaluation_question",
    "evaluation_response",
    "evaluation_answer",
    "action_item",
    "action_focal_point",
    "topic_suggestion",
    "network",
    "network_member",
    "outcome",
]
# Rows sent to the database in one statement: large enough to be fast, small enough for PostgreSQL's
# 65,535 bind-parameter limit at ~25 columns a row.
CHUNK_ROWS = 2_000


def holds_data(session: Session) -> bool:
    """Return whether the database already has courses or people."""
    return bool(session.scalar(sa.select(Course.id).limit(1)) or session.scalar(sa.select(Person.id).limit(1)))


def load_demo(
    session: Session,
    *,
    seed: int = DEMO_SEED,
    progress: Callable[[float, str], None] | None = None,
) -> dict[str, int]:
    """Load the demo into an empty database; return rows written per table."""
    if holds_data(session):
        raise ProgrammeError("The database already holds data; the demo loads only into an empty database.")
    plan = build_demo(seed)
    tables = SQLModel.metadata.tables
    # A database at an older migration (the migration tests load the demo there) lacks newer tables and columns:
    # only what it has is written.
    inspector = sa.inspect(session.connection())
    present = set(inspector.get_table_names())
    counts: dict[str, int] = {}
    for index, name in enumerate(LOAD_ORDER):
        if name not in present:
            continue
        columns = {column["name"] for column in inspector.get_columns(name)}
        rows = [
            {k: v for k, v in row.items() if not k.startswith("_") and k in columns} for row in plan.rows.get(name, [])
        ]
        for start in range(0, len(rows), CHUNK_ROWS):
            session.execute(sa.insert(tables[name]), rows[start : start + CHUNK_ROWS])
        counts[name] = len(rows)
        if progress:
            progress((index + 1) / len(LOAD_ORDER), name)
    reset_sequences(session)
    set_setting(session, DEMO_MARKER, "yes")
    if "data_version" in present:  # a database at an older migration has no summaries to keep
        touch_everything(session)
    session.flush()
    return counts


# Synthetic people in a real organisation's database: an administrator's decision, refused to anyone else in the app
# (the command line, `python -m programme demo`, is the machine owner's and calls load_demo).
ADMIN_ONLY = "Only an administrator can load the demo data: it adds synthetic people to this database."


def load_demo_as(
    session: Session, *, by: SignedIn, progress: Callable[[float, str], None] | None = None
) -> dict[str, int]:
    """Load the demo from the app for the signed-in account (PermissionDenied unless an administrator); audited."""
    if not by.is_admin:
        raise PermissionDenied(ADMIN_ONLY)
    counts = load_demo(session, progress=progress)
    audit.record(
        session,
        action="create",
        username=by.username,
        summary=f"demo data loaded: {counts['person']:,} synthetic people",
    )
    return counts


def reset_sequences(session: Session) -> None:
    """Move PostgreSQL's id sequences past rows inserted with explicit ids (SQLite needs nothing)."""
    if is_sqlite(session.get_bind()):
        return
    for table in SQLModel.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key and isinstance(table.c.id.type, sa.Integer):
            # Table names come from our own metadata, never from input.
            statement = (
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            )
            session.execute(sa.text(statement))
