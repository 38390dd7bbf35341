"""The reach summaries: people reached, kept per person (reach_person), per module (reach_module) and per year
(reach_year), refreshed at each commit for what the transaction touched (see upkeep.py) and checked against the raw
rows (participation, person, organisation, module, course).

Rebuild (`changes.everything`): one INSERT ... SELECT per table and dimension. Otherwise the touched modules' rows
and the rows of the touched people and of everyone in the touched modules are recomputed; a year's rows (people
counted once in the year) are recomputed only when a module of that year or one of its people's rows changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from programme.models import (
    Course,
    Module,
    Organisation,
    Participation,
    ParticipationRole,
    Person,
    ReachModule,
    ReachPerson,
    ReachYear,
)
from programme.summaries.ids import Chunk, chunks
from programme.summaries.upkeep import _PENDING, Changes, register

NAME = "reach"
# Rows inserted per statement.
_BATCH = 5000

PARTICIPATION = Participation.__table__
PERSON = Person.__table__
MODULE = Module.__table__
ORGANISATION = Organisation.__table__
COURSE = Course.__table__
REACH_PERSON = ReachPerson.__table__
REACH_MODULE = ReachModule.__table__
REACH_YEAR = ReachYear.__table__

YEAR = sa.cast(sa.extract("year", MODULE.c.start_date), sa.Integer)
# As reach counts it (programme/reach/filters.TOOK_PART): at least one day, or on a participant list.
TOOK_PART = PARTICIPATION.c.attended.is_(True)
_REGISTERED = PARTICIPATION.c.registered.is_(True)
_PARTICIPANT = PARTICIPATION.c.role == ParticipationRole.PARTICIPANT

# The dimensions kept per module and per year, and the column each one counts by (None: everyone).
MODULE_DIMENSIONS: dict[str, Any] = {
    "all": None,
    "gender": PERSON.c.gender,
    "nationality": PERSON.c.nationality,
    "country_of_work": PERSON.c.country_of_work,
    "org_type": ORGANISATION.c.org_type,
    "role": PARTICIPATION.c.role,
    "scope": COURSE.c.scope,
}
YEAR_DIMENSIONS: dict[str, Any] = {
    "all": None,
    "gender": PERSON.c.gender,
    "org_type": ORGANISATION.c.org_type,
    "scope": COURSE.c.scope,
    "role": PARTICIPATION.c.role,
}
# A module's participants at each stage of the funnel (programme/reach/funnel.py): listed, took part, completed.
STAGES: dict[str, Any] = {
    "registered": None,
    "attended": TOOK_PART,
    "completed": PARTICIPATION.c.completed.is_(True),
}


def _text(column: Any) -> Any:
    """The column as stored text, "" for not recorded (a key column cannot hold NULL)."""
    if column is None:
        return sa.literal("")
    return sa.func.coalesce(sa.type_coerce(column, sa.String), "")


def _any(condition: Any) -> Any:
    return sa.func.max(sa.case((condition, 1), else_=0)) == 1


def person_rows(people: Chunk | list[int] | None = None) -> sa.Select:
    """The reach_person rows computed from the raw rows (of these people only, when given)."""
    per_person = sa.select(
        PARTICIPATION.c.person_id.label("person_id"),
        sa.func.count(sa.case((TOOK_PART, 1))).label("modules"),
        sa.func.min(sa.case((TOOK_PART, YEAR))).label("first_year"),
        _any(_REGISTERED).label("registered"),
        _any(sa.and_(_REGISTERED, TOOK_PART)).label("registered_took_part"),
        _any(sa.and_(_REGISTERED, PARTICIPATION.c.attended.is_(None))).label("registered_only"),
        _any(sa.and_(sa.not_(_REGISTERED), TOOK_PART)).label("took_part_unregistered"),
        _any(_PARTICIPANT).label("participant"),
        _any(sa.and_(_PARTICIPANT, TOOK_PART)).label("participant_attended"),
        _any(sa.and_(_PARTICIPANT, PARTICIPATION.c.completed.is_(True))).label("alumnus"),
    ).select_from(PARTICIPATION.join(MODULE, MODULE.c.id == PARTICIPATION.c.module_id))
    if people is not None:
        per_person = per_person.where(_among(PARTICIPATION.c.person_id, people))
    agg = per_person.group_by(PARTICIPATION.c.person_id).subquery()
    return sa.select(
        agg.c.person_id,
        sa.type_coerce(PERSON.c.gender, sa.String).label("gender"),
        PERSON.c.nationality,
        PERSON.c.country_of_work,
        PERSON.c.organisation_id,
        sa.type_coerce(ORGANISATION.c.org_type, sa.String).label("org_type"),
        ORGANISATION.c.country.label("org_country"),
        agg.c.modules,
        agg.c.first_year,
        agg.c.registered,
        agg.c.registered_took_part,
        agg.c.registered_only,
        agg.c.took_part_unregistered,
        agg.c.participant,
        agg.c.participant_attended,
        agg.c.alumnus,
        sa.and_(PERSON.c.consent_listed.is_(True), PERSON.c.erased_at.is_(None)).label("listed"),
        PERSON.c.erased_at.is_not(None).label("erased"),
    ).select_from(
        agg.join(PERSON, PERSON.c.id == agg.c.person_id).outerjoin(
            ORGANISATION, ORGANISATION.c.id == PERSON.c.organisation_id
        )
    )


def _joined(columns: Iterable[Any]) -> Any:
    """Participation joined to what the columns need (its module always: the year)."""
    tables = {column.table for column in columns if column is not None}
    joined: Any = PARTICIPATION.join(MODULE, MODULE.c.id == PARTICIPATION.c.module_id)
    if tables & {PERSON, ORGANISATION}:
        joined = joined.join(PERSON, PERSON.c.id == PARTICIPATION.c.person_id)
    if ORGANISATION in tables:
        joined = joined.outerjoin(ORGANISATION, ORGANISATION.c.id == PERSON.c.organisation_id)
    if COURSE in tables:
        joined = joined.join(COURSE, COURSE.c.id == MODULE.c.course_id)
    return joined


def module_rows(modules: Chunk | list[int] | None = None) -> list[sa.Select]:
    """The reach_module rows computed from the raw rows (of these modules only, when given), one query each."""
    selects = []
    for dimension, column in MODULE_DIMENSIONS.items():
        selects.append((dimension, column, [TOOK_PART]))
    for stage, condition in STAGES.items():
        conditions = [_PARTICIPANT] + ([condition] if condition is not None else [])
        # As CASE: no database starts from the role or completion index (most rows are participants), which would
        # read every participant's row to refresh a few modules.
        selects.append(("stage", sa.literal(stage), [sa.case((sa.and_(*conditions), 1), else_=0) == 1]))
    queries = []
    for dimension, column, conditions in selects:
        value = _text(column) if dimension != "stage" else column
        where = list(conditions)
        if modules is not None:
            where.append(_among(PARTICIPATION.c.module_id, modules))
        used = column if dimension != "stage" else None
        queries.append(
            sa.select(
                PARTICIPATION.c.module_id.label("module_id"),
                sa.literal(dimension).label("dimension"),
                value.label("value"),
                sa.func.min(YEAR).label("year"),
                sa.func.count().label("people"),
            )
            .select_from(_joined([used]))
            .where(*where)
            .group_by(PARTICIPATION.c.module_id, value)
        )
    return queries


def _in_years(years: Iterable[int]) -> Any:
    return sa.or_(
        *(sa.and_(MODULE.c.start_date >= date(y, 1, 1), MODULE.c.start_date < date(y + 1, 1, 1)) for y in years)
    )


def year_rows(years: Iterable[int] | None = None) -> list[sa.Select]:
    """The reach_year rows computed from the raw rows (of these years only, when given), one query per dimension."""
    queries = []
    for dimension, column in YEAR_DIMENSIONS.items():
        value = _text(column)
        where = [TOOK_PART]
        if years is not None:
            where.append(_in_years(years))
        queries.append(
            sa.select(
                YEAR.label("year"),
                sa.literal(dimension).label("dimension"),
                value.label("value"),
                sa.func.count(sa.distinct(PARTICIPATION.c.person_id)).label("individuals"),
                sa.func.count(PARTICIPATION.c.id).label("participations"),
            )
            .select_from(_joined([column]))
            .where(*where)
            .group_by(YEAR, value)
        )
    return queries


def _insert(session: Session, table: sa.Table, select: sa.Select) -> None:
    session.execute(sa.insert(table).from_select([c.name for c in select.selected_columns], select))


def _among(column: Any, ids: Chunk | list[int]) -> Any:
    return ids.where(column) if isinstance(ids, Chunk) else column.in_(ids)


def _stored(session: Session, table: sa.Table, key: Any, ids: Chunk) -> set[tuple]:
    return {tuple(row) for row in session.execute(sa.select(table).where(ids.where(key)))}


def _replace(
    session: Session,
    table: sa.Table,
    key: Any,
    ids: set[int],
    selects: Callable[[Chunk], list[sa.Select]],
    *,
    new_rows: bool = True,
) -> set[tuple]:
    """Recompute the rows of these ids (in chunks); return the rows that changed (as they were, and as they are).

    new_rows=False: rows of ids that had none before are not returned (nor read back): for people, a row that
    appears is someone's first participation, whose module's rows changed with it (and say its year)."""
    changed: set[tuple] = set()
    for chunk in chunks(ids):
        before = _stored(session, table, key, chunk)
        session.execute(sa.delete(table).where(chunk.where(key)))
        for select in selects(chunk):
            _insert(session, table, select)
        if new_rows:
            changed |= before ^ _stored(session, table, key, chunk)
            continue
        for had in chunks({row[0] for row in before}):
            changed |= {row for row in before if had.holds(row[0])} ^ _stored(session, table, key, had)
    return changed


def ready(session: Session) -> bool:
    """Whether the database holds the reach summaries (from migration 0016_reach_summaries on; a database at an
    older migration answers from its raw rows). Asked each time: a test or a restore may move the schema back."""
    return sa.inspect(session.connection()).has_table(REACH_PERSON.name)


def current(session: Session) -> bool:
    """Whether the reach summaries answer for this session: the database holds them and the session has no change
    of its own still waiting for its commit (its figures are read from the raw rows until then)."""
    if session.info.get(_PENDING) or session.new or session.dirty or session.deleted:
        return False
    return ready(session)


def refresh(session: Session, changes: Changes) -> None:
    """Bring the reach summaries up to date with what the transaction touched."""
    if not ready(session):
        return  # a database at an older migration: filled when it is upgraded (upkeep.ensure_current)
    if changes.everything:
        for table in (REACH_PERSON, REACH_MODULE, REACH_YEAR):
            session.execute(sa.delete(table))
        _insert(session, REACH_PERSON, person_rows())
        for select in module_rows():
            _insert(session, REACH_MODULE, select)
        for select in year_rows():
            _insert(session, REACH_YEAR, select)
        return
    people = set(changes.people)
    for chunk in chunks(changes.modules):
        query = sa.select(PARTICIPATION.c.person_id).where(chunk.where(PARTICIPATION.c.module_id))
        people.update(session.scalars(query))
    module_changes = _replace(session, REACH_MODULE, REACH_MODULE.c.module_id, changes.modules, module_rows)
    person_changes = _replace(
        session, REACH_PERSON, REACH_PERSON.c.person_id, people, lambda ids: [person_rows(ids)], new_rows=False
    )
    # A year's people counted once move when one of its modules' rows moved (its year before and after the change
    # are in the rows) or when a person of its modules changed (their gender or organisation, say).
    years = {int(row[3]) for row in module_changes}
    years |= _years_of(session, _counted_differently(person_changes))
    if years:
        session.execute(sa.delete(REACH_YEAR).where(REACH_YEAR.c.year.in_(sorted(years))))
        rows = _counted_years(session, sorted(years))
        for start in range(0, len(rows), _BATCH):
            session.execute(sa.insert(REACH_YEAR), rows[start : start + _BATCH])


def _counted_years(session: Session, years: list[int]) -> list[dict[str, Any]]:
    """The reach_year rows of these years, counted in one pass over their participations (year_rows, the same
    figures per dimension in SQL, is what a rebuild and the check use)."""
    # The people's gender and organisation type from reach_person (refreshed first): a small table, read faster.
    kept = {"gender": REACH_PERSON.c.gender, "org_type": REACH_PERSON.c.org_type}
    dimensions = [name for name in YEAR_DIMENSIONS if name != "all"]
    columns = [kept.get(name, YEAR_DIMENSIONS[name]) for name in dimensions]
    query = (
        sa.select(YEAR, PARTICIPATION.c.person_id, *(_text(column) for column in columns))
        .select_from(_joined(columns).join(REACH_PERSON, REACH_PERSON.c.person_id == PARTICIPATION.c.person_id))
        .where(TOOK_PART, _in_years(years))
    )
    people: dict[tuple, set[int]] = {}
    participations: dict[tuple, int] = {}
    for year, person, *values in session.execute(query):
        for key in [(int(year), "all", ""), *((int(year), d, v) for d, v in zip(dimensions, values, strict=True))]:
            people.setdefault(key, set()).add(person)
            participations[key] = participations.get(key, 0) + 1
    return [
        {"year": year, "dimension": dimension, "value": value, "individuals": len(found),
         "participations": participations[(year, dimension, value)]}
        for (year, dimension, value), found in people.items()
    ]  # fmt: skip


# What of a reach_person row the years' figures depend on: gender, org_type, modules, first_year.
_YEAR_COLUMNS = (1, 5, 7, 8)


def _counted_differently(changed_rows: set[tuple]) -> set[int]:
    """The people whose rows changed in what the years count (a consent or a country alone moves no year)."""
    rows_by_person: dict[int, list[tuple]] = {}
    for row in changed_rows:
        rows_by_person.setdefault(int(row[0]), []).append(row)
    return {
        person
        for person, rows in rows_by_person.items()
        # One row: the person was added or removed; two: their row as it was and as it is.
        if len(rows) == 1 or len({tuple(row[i] for i in _YEAR_COLUMNS) for row in rows}) > 1
    }


def _years_of(session: Session, people: set[int]) -> set[int]:
    """The years of the modules these people took part in."""
    years: set[int] = set()
    for chunk in chunks(people):
        query = (
            sa.select(YEAR)
            .select_from(PARTICIPATION.join(MODULE, MODULE.c.id == PARTICIPATION.c.module_id))
            .where(chunk.where(PARTICIPATION.c.person_id), TOOK_PART)
            .distinct()
        )
        years.update(int(y) for y in session.scalars(query))
    return years


# At most this many differing rows are listed per table (then how many more).
_SHOWN = 20


def _differences(name: str, stored: set[tuple], raw: set[tuple], key_width: int) -> list[str]:
    lines = []
    stored_by_key = {row[:key_width]: row for row in stored}
    raw_by_key = {row[:key_width]: row for row in raw}
    for key in sorted(set(stored_by_key) | set(raw_by_key), key=repr):
        held, computed = stored_by_key.get(key), raw_by_key.get(key)
        if held != computed:
            lines.append(f"{name} {key}: summary {held[key_width:] if held else 'missing'}, "
                         f"raw rows {computed[key_width:] if computed else 'none'}")  # fmt: skip
    if len(lines) > _SHOWN:
        lines = [*lines[:_SHOWN], f"{name}: {len(lines) - _SHOWN} more differences"]
    return lines


def check(session: Session) -> list[str]:
    """Every reach summary row that differs from the same figure computed from the raw rows (empty: all true)."""
    tables = (
        ("reach_person", REACH_PERSON, [person_rows()], 1),
        ("reach_module", REACH_MODULE, module_rows(), 3),
        ("reach_year", REACH_YEAR, year_rows(), 3),
    )
    lines: list[str] = []
    for name, table, selects, key_width in tables:
        stored = {_normal(row) for row in session.execute(sa.select(table))}
        raw = {_normal(row) for select in selects for row in session.execute(select)}
        lines += _differences(name, stored, raw, key_width)
    return lines


def _normal(row: Iterable[Any]) -> tuple:
    # SQLite returns the computed flags as 0/1, the stored ones as booleans.
    return tuple(bool(v) if isinstance(v, bool) else (int(v) if isinstance(v, int) else v) for v in row)


register(NAME, refresh, check)
