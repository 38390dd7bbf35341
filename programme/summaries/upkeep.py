"""Figures kept as the data changes: what a write touched is refreshed in the same transaction, at commit.

A write says what it changed with `touch(session, modules=..., people=...)`; ORM objects added, changed or
deleted through the session are noticed on their own (participations, responses, answers, people, organisations,
agenda sessions, modules). At commit, every registered refresher recomputes its summary rows for the touched
modules and people from their raw rows, and each touched scope's `data_version` moves, so that only the cached
figures about what changed are recomputed. A rollback forgets the touches with the rest of the transaction.

Bulk writes (Core `insert`/`update`/`delete` executed on the session) are not noticed: they must call touch().
`python -m programme rebuild-summaries` recomputes everything from raw rows.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from programme.core.collector import collector_paused
from programme.core.freshness import ANY_MODULE_SCOPE, CATALOGUE_SCOPE, EVERYTHING_SCOPE, PEOPLE_SCOPE, module_scope
from programme.models import (
    AgendaSession,
    Answer,
    Course,
    DataVersion,
    EvaluationForm,
    Module,
    Organisation,
    Participation,
    Person,
    Question,
    Response,
    SessionFacilitator,
)
from programme.summaries.ids import Chunk, chunks

_PENDING = "programme.summaries.pending"
# The scopes cached figures are keyed on (programme/core/freshness.py); "any-module" moves with every module's, so
# that a figure over all modules reads one version, not one per module.


@dataclass
class Changes:
    """What a transaction touched: the modules whose figures and the people whose person-level rows may move.

    people: people whose own attributes changed (every module they took part in moves); participants: people
    whose participation, response or facilitation changed (their person-level rows move, their other modules
    not). Resolved, `people` holds both.

    current: people whose person-level reach rows the transaction wrote itself, exactly (an import's new people:
    summaries/new_people.py), and year_moves the reach_year moves those rows make; the upkeep adds the moves and
    leaves those people's rows as written, unless they were touched otherwise too (then they are recomputed).
    module_moves and stage_moves: what such people add to their module's reach_module rows ((module, dimension,
    value) → [year, people]) and reach_module_stage rows (→ [registered, attended, completed]); a module touched
    otherwise too is recomputed from its raw rows instead. Resolved, `modules` holds their modules and `moved` those
    of them to move only.
    """

    modules: set[int] = field(default_factory=set)
    people: set[int] = field(default_factory=set)
    participants: set[int] = field(default_factory=set)
    forms: set[int] = field(default_factory=set)
    responses: set[int] = field(default_factory=set)
    organisations: set[int] = field(default_factory=set)
    agenda_sessions: set[int] = field(default_factory=set)
    catalogue: bool = False
    everything: bool = False
    current: set[int] = field(default_factory=set)
    year_moves: dict[tuple[int, str, str], list[int]] = field(default_factory=dict)
    module_moves: dict[tuple[int, str, str], list[int]] = field(default_factory=dict)
    stage_moves: dict[tuple[int, str, str], list[int]] = field(default_factory=dict)
    moved: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(
            self.current
            or self.year_moves
            or self.module_moves
            or self.stage_moves
            or self.modules
            or self.people
            or self.participants
            or self.forms
            or self.responses
            or self.organisations
            or self.agenda_sessions
            or self.catalogue
            or self.everything
        )


Refresher = Callable[[Session, Changes], None]
# A check compares every figure its summary tables hold with the same figure computed from the raw rows and returns
# one line per difference (empty: they agree).
Checker = Callable[[Session], list[str]]
_REFRESHERS: dict[str, Refresher] = {}
_CHECKERS: dict[str, Checker] = {}
_FORMATS: dict[str, int] = {}
_TABLES: dict[str, tuple[str, ...]] = {}


def register(name: str, refresher: Refresher, checker: Checker, *, form: int = 1, tables: Iterable[str] = ()) -> None:
    """Add (or replace) a summary: its refresher is called at commit with the resolved Changes (modules and people
    complete; `everything` set for a rebuild), its checker by `check()`. form: the number of the summary's tables'
    format, raised by a release that changes what they hold (ensure_current then rebuilds that summary); tables: the
    tables it keeps (their planner statistics are renewed after a rebuild)."""
    _REFRESHERS[name] = refresher
    _CHECKERS[name] = checker
    _FORMATS[name] = form
    _TABLES[name] = tuple(tables)


def registered() -> list[str]:
    """The names of the summaries kept."""
    return sorted(_REFRESHERS)


def check(session: Session) -> dict[str, list[str]]:
    """Every summary's differences from its raw rows, by summary name (all lists empty: the summaries are true)."""
    return {name: checker(session) for name, checker in sorted(_CHECKERS.items())}


def pending(session: Session) -> Changes:
    """The changes noted so far in this session's transaction."""
    changes = session.info.get(_PENDING)
    if changes is None:
        changes = session.info[_PENDING] = Changes()
    return changes


def touch(
    session: Session,
    modules: Iterable[int] = (),
    people: Iterable[int] = (),
    *,
    forms: Iterable[int] = (),
    catalogue: bool = False,
    participants: Iterable[int] = (),
) -> None:
    """Note that this transaction changed these modules' figures / these people's rows (refreshed at commit).

    people: their attributes changed (every module they took part in moves); participants: only their taking part
    in the modules touched (a new participation, a response), so their other modules keep their figures.
    """
    session.connection()  # begin the transaction now, so that its rollback forgets the touch
    changes = pending(session)
    changes.modules.update(int(m) for m in modules if m is not None)
    changes.people.update(int(p) for p in people if p is not None)
    changes.participants.update(int(p) for p in participants if p is not None)
    changes.forms.update(int(f) for f in forms if f is not None)
    changes.catalogue = changes.catalogue or catalogue


Moves = dict[tuple[int, str, str], list[int]]


def mark_current(
    session: Session,
    people: Iterable[int],
    year_moves: Moves,
    module_moves: Moves | None = None,
    stage_moves: Moves | None = None,
) -> None:
    """Note people whose reach_person and reach_person_year rows this transaction wrote itself, as the raw rows give
    them, with the reach_year moves (year, dimension, value) → [individuals, participations] those rows make, and
    what their participations add to their modules' rows (see Changes)."""
    session.connection()
    changes = pending(session)
    changes.current.update(int(p) for p in people)
    _add_moves(changes.year_moves, year_moves)
    _add_moves(changes.stage_moves, stage_moves or {})
    for key, (year, count) in (module_moves or {}).items():
        move = changes.module_moves.setdefault(key, [year, 0])
        move[0], move[1] = min(move[0], year), move[1] + count


def _add_moves(into: Moves, moves: Moves) -> None:
    for key, values in moves.items():
        held = into.setdefault(key, [0] * len(values))
        for position, value in enumerate(values):
            held[position] += value


def touch_everything(session: Session) -> None:
    """Note that every figure may have moved (a restore, the demo, a rebuild)."""
    session.connection()
    pending(session).everything = True


def _note_object(changes: Changes, obj: object) -> None:
    if isinstance(obj, Participation):
        changes.modules.add(obj.module_id)
        changes.participants.add(obj.person_id)
    elif isinstance(obj, Person):
        if obj.id is not None:
            changes.people.add(obj.id)
    elif isinstance(obj, Response):
        changes.forms.add(obj.form_id)
        if obj.person_id is not None:
            changes.participants.add(obj.person_id)
    elif isinstance(obj, Answer):
        changes.responses.add(obj.response_id)
    elif isinstance(obj, (Question, EvaluationForm)):
        changes.forms.add(obj.id if isinstance(obj, EvaluationForm) else obj.form_id)
    elif isinstance(obj, Organisation):
        if obj.id is not None:
            changes.organisations.add(obj.id)
    elif isinstance(obj, AgendaSession):
        changes.modules.add(obj.module_id)
    elif isinstance(obj, SessionFacilitator):
        changes.agenda_sessions.add(obj.session_id)
        changes.participants.add(obj.person_id)
    elif isinstance(obj, Module):
        changes.catalogue = True
        if obj.id is not None:
            changes.modules.add(obj.id)
    elif isinstance(obj, Course):
        changes.catalogue = True


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    objects = [*session.new, *session.dirty, *session.deleted]
    if not objects:
        return
    changes = pending(session)
    for obj in objects:
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        _note_object(changes, obj)


def _after_flush(session: Session, _context: object) -> None:
    # New rows have their ids (and their foreign keys, when set through a relationship) only after the flush.
    changes = session.info.get(_PENDING)
    if changes is None:
        return
    for obj in session.new:
        _note_object(changes, obj)


def _in_chunks(session: Session, select: Callable[[Chunk], sa.Select], ids: set[int]) -> set:
    """Run a look-up over many ids in chunks (SQLite and PostgreSQL bound the number of parameters)."""
    found: set = set()
    for chunk in chunks(i for i in ids if i is not None):
        found.update(session.execute(select(chunk)).all())
    return found


def resolve(session: Session, changes: Changes) -> Changes:
    """Complete the touched modules and people: forms, responses, sessions and organisations lead to modules;
    people lead to the modules they took part in or led sessions of (their attributes and names feed those modules'
    figures); participants
    (people whose taking part changed) only to their person-level rows: they are added to `people`."""
    modules, people, participants = set(changes.modules), set(changes.people), set(changes.participants)
    if changes.everything:
        modules.update(session.scalars(sa.select(Module.id)))
    forms = set(changes.forms)
    if changes.responses:
        rows = _in_chunks(
            session,
            lambda ids: sa.select(Response.form_id, Response.person_id).where(ids.where(Response.id)),
            changes.responses,
        )
        forms.update(row[0] for row in rows)
        participants.update(row[1] for row in rows if row[1] is not None)
    if forms:
        rows = _in_chunks(
            session, lambda ids: sa.select(EvaluationForm.module_id).where(ids.where(EvaluationForm.id)), forms
        )
        modules.update(row[0] for row in rows)
    if changes.agenda_sessions:
        rows = _in_chunks(
            session,
            lambda ids: sa.select(AgendaSession.module_id).where(ids.where(AgendaSession.id)),
            changes.agenda_sessions,
        )
        modules.update(row[0] for row in rows)
    if changes.organisations:
        rows = _in_chunks(
            session, lambda ids: sa.select(Person.id).where(ids.where(Person.organisation_id)), changes.organisations
        )
        people.update(row[0] for row in rows)
    if people:
        rows = _in_chunks(
            session,
            lambda ids: sa.select(Participation.module_id).where(ids.where(Participation.person_id)).distinct(),
            people,
        )
        modules.update(row[0] for row in rows)
        # Facilitators' names show on the modules whose sessions they led, with or without a participation there.
        rows = _in_chunks(
            session,
            lambda ids: (
                sa.select(AgendaSession.module_id)
                .join(SessionFacilitator, SessionFacilitator.session_id == AgendaSession.id)
                .where(ids.where(SessionFacilitator.person_id))
                .distinct()
            ),
            people,
        )
        modules.update(row[0] for row in rows)
    participants.discard(None)
    people.update(participants)
    modules.discard(None)
    people.discard(None)
    forms.discard(None)
    # Modules whose new participations' figures were handed over (module_moves): moved by them, unless the
    # transaction touched the module otherwise too (then recomputed from its raw rows, the new ones included).
    handed = {key[0] for key in changes.module_moves} | {key[0] for key in changes.stage_moves}
    moved = handed - modules
    modules.update(handed)
    return Changes(
        # Written exactly, unless the transaction touched them otherwise too: then recomputed with the others.
        current=set(changes.current) - people,
        year_moves={key: list(move) for key, move in changes.year_moves.items()},
        module_moves={key: list(move) for key, move in changes.module_moves.items() if key[0] in moved},
        stage_moves={key: list(move) for key, move in changes.stage_moves.items() if key[0] in moved},
        moved=moved,
        modules=modules,
        people=people,
        participants=participants,
        forms=forms,
        responses=set(changes.responses),
        organisations=set(changes.organisations),
        agenda_sessions=set(changes.agenda_sessions),
        catalogue=changes.catalogue,
        everything=changes.everything,
    )


@collector_paused()
def apply(session: Session, changes: Changes, names: Iterable[str] | None = None) -> Changes:
    """Refresh every summary (or those named) for these changes and move their data versions (inside the caller's
    transaction)."""
    _one_at_a_time(session)
    resolved = resolve(session, changes)
    chosen = set(_REFRESHERS if names is None else names)
    for name, refresher in _REFRESHERS.items():
        if name in chosen:
            refresher(session, resolved)
    scopes = [module_scope(m) for m in sorted(resolved.modules)]
    if scopes:
        scopes.append(ANY_MODULE_SCOPE)
    if resolved.people or resolved.current or resolved.everything:
        scopes.append(PEOPLE_SCOPE)
    if resolved.catalogue or resolved.everything:
        scopes.append(CATALOGUE_SCOPE)
    if resolved.everything:
        scopes.append(EVERYTHING_SCOPE)
    bump(session, scopes)
    return resolved


# PostgreSQL advisory lock taken by every transaction's upkeep until its commit ("SUMM").
UPKEEP_LOCK = 0x53554D4D


def _one_at_a_time(session: Session) -> None:
    """On PostgreSQL, wait for any other transaction's upkeep to commit before this one's starts.

    Two transactions touching the same module (two facilitators saving attendance, a registration arriving) would
    otherwise each delete and insert its summary rows: the second's insert met the first's committed rows (a
    duplicate key: the save failed), and its years' moves would be counted from rows the first was replacing.
    Waiting, the second reads what the first committed (each statement sees the latest commits). SQLite has one
    writer at a time already: a transaction that wrote holds the database until its commit.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPKEEP_LOCK})


def bump(session: Session, scopes: Iterable[str]) -> None:
    """Move each scope's data version by one (made at its first change)."""
    scopes = sorted(set(scopes))
    if not scopes:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = DataVersion.__table__
    for start in range(0, len(scopes), 500):
        chunk = scopes[start : start + 500]
        statement = insert(table).values([{"scope": scope, "version": 1} for scope in chunk])
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.scope], set_={"version": table.c.version + 1}
        )
        session.execute(statement)


@functools.cache
def _head() -> str:
    from programme.core.schema import head_revision

    return head_revision()


def _at_head(session: Session) -> bool:
    """Whether the database is at the newest schema: one at an older revision (being migrated, or in the
    migration tests) has no summaries to keep yet; the upgrade to head rebuilds them (ensure_current)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        present = connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).first()
    else:
        present = connection.exec_driver_sql("SELECT to_regclass('alembic_version')").scalar()
    if not present:
        return False
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == _head()


def _before_commit(session: Session) -> None:
    # The commit flushes after this hook: flush first, so that what is still pending is noted too.
    if session.new or session.dirty or session.deleted:
        session.flush()
    changes = session.info.pop(_PENDING, None)
    if changes and not _at_head(session):
        return
    if changes:
        with session.no_autoflush:
            apply(session, changes)
        session.flush()
        session.info.pop(_PENDING, None)


def _after_soft_rollback(session: Session, _previous_transaction: object) -> None:
    session.info.pop(_PENDING, None)


_LISTENERS = (
    ("before_flush", _before_flush),
    ("after_flush", _after_flush),
    ("before_commit", _before_commit),
    ("after_soft_rollback", _after_soft_rollback),
)


def install() -> None:
    """Listen on every ORM session (idempotent)."""
    for name, listener in _LISTENERS:
        if not sa.event.contains(OrmSession, name, listener):
            sa.event.listen(OrmSession, name, listener)


# The set of kept summaries (its format_version), and each one's format ("summaries-format:<name>"). A database from
# before the formats were kept per summary holds the first only: its summaries are at format 1.
FORMAT_SCOPE = "summaries-format"


def format_version() -> int:
    """A number that changes whenever the set of kept summaries changes (a release adding one)."""
    return zlib.crc32(",".join(registered()).encode()) & 0x7FFFFFFF


def _format_scope(name: str) -> str:
    return f"{FORMAT_SCOPE}:{name}"


def stale(session: Session) -> list[str]:
    """The summaries whose tables were filled by a release keeping them otherwise (or not at all)."""
    stored = {
        row.scope: row.version
        for row in session.scalars(sa.select(DataVersion).where(DataVersion.scope.startswith(FORMAT_SCOPE)))
    }
    same_set = stored.get(FORMAT_SCOPE) == format_version()
    return [name for name in registered() if stored.get(_format_scope(name), 1 if same_set else None) != _FORMATS[name]]


def summary_tables() -> dict[str, tuple[str, ...]]:
    """The tables each summary keeps, by summary name (a restore carrying rows over rebuilds them instead)."""
    return dict(_TABLES)


def mark_formats(session: Session) -> None:
    """Note that every summary's tables are at this release's format (after they were rebuilt)."""
    formats = {FORMAT_SCOPE: format_version(), **{_format_scope(name): _FORMATS[name] for name in registered()}}
    for scope, version in formats.items():
        stored = session.get(DataVersion, scope) or DataVersion(scope=scope)
        stored.version = version
        session.add(stored)


def ensure_current(engine: Engine) -> bool:
    """Rebuild the summaries whose format changed since the database's were made (every one when the set of kept
    summaries changed, or on an upgrade from before summaries existed); return whether it rebuilt. Called after each
    upgrade to the newest schema."""
    with Session(engine, expire_on_commit=False) as session:
        names = stale(session)
        if not names:
            return False
        rebuild(session, names)
        mark_formats(session)
        session.commit()
    return True


def settle(session: Session) -> None:
    """Bring the summaries up to this transaction's changes so far: a read of summary tables inside a transaction
    that wrote (a test, an import that shows its result) sees what it wrote, as a read of the raw rows would."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    changes = session.info.pop(_PENDING, None)
    if changes and _at_head(session):
        with session.no_autoflush:
            apply(session, changes)
        session.flush()


def rebuild(session: Session, names: Iterable[str] | None = None) -> Changes:
    """Recompute every summary (or those named) from the raw rows (after a restore, or to repair); returns what was
    refreshed."""
    session.info.pop(_PENDING, None)
    changes = apply(session, Changes(everything=True), names)
    if session.get_bind().dialect.name == "postgresql":
        # Every row of these tables is new: PostgreSQL's planner would otherwise guess at them until autovacuum's
        # next visit (seconds to minutes), and the next commits' upkeep with them.
        session.flush()
        for name in _REFRESHERS if names is None else names:
            for table in _TABLES[name]:
                session.execute(sa.text(f'ANALYZE "{table}"'))  # our own table names, no input
    return changes
