"""An insert trigger's work done once for a range of new rows, on PostgreSQL (migration 0026).

The search index's and the alumni directory's insert trigger functions return at once while a transaction-local
setting names them. Around a block that writes a known, consecutive range of new rows the setting is turned on (in
this transaction only: other writers, and this one's later writes, keep their triggers), and after the block the
trigger's statements run once for the whole range. This is done only when the function is exactly the one whose
work the statements repeat; any other (a later migration's) is left to do the work itself. The statements run in
order after the block's bulk writes (programme.core.bulk), in the caller's transaction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from programme.core.bulk import execute_in_order


@dataclass(frozen=True)
class GuardedFunction:
    """A trigger function that returns at once while `setting` is on, and the statements doing its work for the
    rows whose ids lie from :first to :last."""

    function: str
    setting: str
    body: str  # the function's body after its guard, whitespace aside (as migration 0026 leaves it)
    for_range: tuple[str, ...]

    @property
    def expected(self) -> str:
        return f"BEGIN IF current_setting('{self.setting}', true) = 'on' THEN RETURN NULL; END IF; {self.body}"


def replaceable(session: Session, guarded: GuardedFunction) -> bool:
    """Return True when the session is on PostgreSQL and the function is exactly the one guarded describes."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return False
    source = connection.execute(
        sa.text("SELECT prosrc FROM pg_proc WHERE proname = :name"), {"name": guarded.function}
    ).scalar()
    return source is not None and " ".join(source.split()) == guarded.expected


def _switch(session: Session, setting: str, value: str) -> None:
    execute_in_order(session, "SELECT set_config(:setting, :value, true)", {"setting": setting, "value": value})


@contextmanager
def together(session: Session, guarded: GuardedFunction, ids: Sequence[int]) -> Iterator[bool]:
    """Write the new rows ids (consecutive, ascending) in the block; the function's work is done for them after it.

    Yields whether the work is deferred (else the trigger does it row by row, as outside an import).
    """
    consecutive = bool(ids) and list(ids) == list(range(ids[0], ids[-1] + 1))
    if not (consecutive and replaceable(session, guarded)):
        yield False
        return
    _switch(session, guarded.setting, "on")
    try:
        yield True
    except BaseException:
        # The transaction is to be rolled back (which forgets the setting); if it cannot run this, no matter.
        with contextlib.suppress(Exception):
            _switch(session, guarded.setting, "off")
        raise
    # The caller's later writes in this transaction are the trigger's again.
    _switch(session, guarded.setting, "off")
    bounds = {"first": ids[0], "last": ids[-1]}
    for statement in guarded.for_range:
        execute_in_order(session, statement, bounds)
