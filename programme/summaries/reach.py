"""The reach summaries: people reached, kept per person (reach_person), per module (reach_module) and per year
(reach_year), and a person's participations per year (reach_person_year: took part; reach_person_stage: registered,
listed, completed), refreshed at each commit for what the transaction touched (see upkeep.py) and checked against
the raw rows (participation, person, organisation, module, course).

Rebuild (`changes.everything`): one INSERT ... SELECT per table and dimension. Otherwise the touched modules' rows
and the rows of the touched people and of everyone in the touched modules are recomputed; the years' rows (people
counted once in a year) move by the difference between those people's reach_person_year rows before and after: no
year is recounted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from programme.models import (
    Course,
    Module,
    Organisation,
    Participation,
    ParticipationRole,
    Person,
    ReachModule,
    ReachModuleStage,
    ReachPerson,
    ReachPersonStage,
    ReachPersonYear,
    ReachYear,
)
from programme.summaries.ids import Chunk, chunks
from programme.summaries.upkeep import _PENDING, Changes, register

NAME = "reach"

PARTICIPATION = Participation.__table__
PERSON = Person.__table__
MODULE = Module.__table__
ORGANISATION = Organisation.__table__
COURSE = Course.__table__
REACH_PERSON = ReachPerson.__table__
REACH_MODULE = ReachModule.__table__
REACH_YEAR = ReachYear.__table__
REACH_PERSON_YEAR = ReachPersonYear.__table__
REACH_MODULE_STAGE = ReachModuleStage.__table__
REACH_PERSON_STAGE = ReachPersonStage.__table__

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


# A person's flags (reach_person over all their modules; reach_person_stage per year): whether any of their
# participations is of each kind.
FLAGS: dict[str, Any] = {
    "registered": _REGISTERED,
    "registered_took_part": sa.and_(_REGISTERED, TOOK_PART),
    "registered_only": sa.and_(_REGISTERED, PARTICIPATION.c.attended.is_(None)),
    "took_part_unregistered": sa.and_(sa.not_(_REGISTERED), TOOK_PART),
    "participant": _PARTICIPANT,
    "participant_attended": sa.and_(_PARTICIPANT, TOOK_PART),
    "alumnus": sa.and_(_PARTICIPANT, PARTICIPATION.c.completed.is_(True)),
}


def person_rows(people: Chunk | list[int] | None = None) -> sa.Select:
    """The reach_person rows computed from the raw rows (of these people only, when given)."""
    per_person = sa.select(
        PARTICIPATION.c.person_id.label("person_id"),
        sa.func.count(sa.case((TOOK_PART, 1))).label("modules"),
        sa.func.min(sa.case((TOOK_PART, YEAR))).label("first_year"),
        *(_any(condition).label(name) for name, condition in FLAGS.items()),
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
        *(agg.c[name] for name in FLAGS),
        sa.and_(PERSON.c.consent_listed.is_(True), PERSON.c.erased_at.is_(None)).label("listed"),
        PERSON.c.erased_at.is_not(None).label("erased"),
    ).select_from(
        agg.join(PERSON, PERSON.c.id == agg.c.person_id).outerjoin(
            ORGANISATION, ORGANISATION.c.id == PERSON.c.organisation_id
        )
    )


def person_stage_rows(people: Chunk | list[int] | None = None) -> sa.Select:
    """The reach_person_stage rows computed from the raw rows (of these people only, when given): reach_person's
    flags per person and module year."""
    query = (
        sa.select(
            PARTICIPATION.c.person_id.label("person_id"),
            YEAR.label("year"),
            *(_any(condition).label(name) for name, condition in FLAGS.items()),
        )
        .select_from(PARTICIPATION.join(MODULE, MODULE.c.id == PARTICIPATION.c.module_id))
        .group_by(PARTICIPATION.c.person_id, YEAR)
    )
    return query if people is None else query.where(_among(PARTICIPATION.c.person_id, people))


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


# The person attributes a module's funnel is kept by (reach_module_stage), and the column of each.
STAGE_DIMENSIONS: dict[str, Any] = {
    "gender": PERSON.c.gender,
    "nationality": PERSON.c.nationality,
    "country_of_work": PERSON.c.country_of_work,
    "org_type": ORGANISATION.c.org_type,
}


def stage_rows(modules: Chunk | list[int] | None = None) -> list[sa.Select]:
    """The reach_module_stage rows computed from the raw rows (of these modules only, when given), one query per
    attribute: participants registered (every row), attended (took part) and completed, by the attribute's value."""
    queries = []
    for dimension, column in STAGE_DIMENSIONS.items():
        value = _text(column)
        # The role as CASE, as in module_rows: no database starts from the role index to refresh a few modules.
        participant = sa.case((_PARTICIPANT, 1), else_=0) == 1
        query = (
            sa.select(
                PARTICIPATION.c.module_id.label("module_id"),
                sa.literal(dimension).label("dimension"),
                value.label("value"),
                sa.func.count().label("registered"),
                sa.func.count(sa.case((TOOK_PART, 1))).label("attended"),
                sa.func.count(sa.case((PARTICIPATION.c.completed.is_(True), 1))).label("completed"),
            )
            .select_from(_joined([column]))
            .where(participant)
            .group_by(PARTICIPATION.c.module_id, value)
        )
        if modules is not None:
            query = query.where(_among(PARTICIPATION.c.module_id, modules))
        queries.append(query)
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
    session: Session, table: sa.Table, key: Any, ids: set[int], selects: Callable[[Chunk], list[sa.Select]]
) -> None:
    """Recompute the rows of these ids from the raw rows, in chunks."""
    for chunk in chunks(ids):
        session.execute(sa.delete(table).where(chunk.where(key)))
        for select in selects(chunk):
            _insert(session, table, select)


def ready(session: Session) -> bool:
    """Whether the database holds the reach summaries, all of them (its newest table, reach_person_stage, from
    migration 0025_reach_registrations on; a database at an older migration answers from its raw rows). Asked each
    time: a test or a restore may move the schema back."""
    return sa.inspect(session.connection()).has_table(REACH_PERSON_STAGE.name)


def current(session: Session) -> bool:
    """Whether the reach summaries answer for this session: the database holds them and the session has no change
    of its own still waiting for its commit (its figures are read from the raw rows until then)."""
    if session.info.get(_PENDING) or session.new or session.dirty or session.deleted:
        return False
    return ready(session)


# The tables the reach summary keeps.
TABLES = (REACH_PERSON, REACH_MODULE, REACH_YEAR, REACH_PERSON_YEAR, REACH_MODULE_STAGE, REACH_PERSON_STAGE)


def refresh(session: Session, changes: Changes) -> None:
    """Bring the reach summaries up to date with what the transaction touched."""
    if not ready(session):
        return  # a database at an older migration: filled when it is upgraded (upkeep.ensure_current)
    if changes.everything:
        for table in TABLES:
            session.execute(sa.delete(table))
        for select in stage_rows():
            _insert(session, REACH_MODULE_STAGE, select)
        _insert(session, REACH_PERSON, person_rows())
        _insert(session, REACH_PERSON_YEAR, person_year_rows())
        _insert(session, REACH_PERSON_STAGE, person_stage_rows())
        for select in module_rows():
            _insert(session, REACH_MODULE, select)
        for select in year_rows():
            _insert(session, REACH_YEAR, select)
        return
    people = set(changes.people)
    # A module only moved (its new participations' figures handed over: new_people.py) keeps its other rows.
    recomputed = changes.modules - changes.moved
    for chunk in chunks(recomputed):
        query = sa.select(PARTICIPATION.c.person_id).where(chunk.where(PARTICIPATION.c.module_id))
        people.update(session.execute(query).scalars().all())  # all at once: a module may hold 50,000 rows
    # People whose rows the transaction wrote itself (an import's new people: new_people.py) keep them.
    people -= changes.current
    _replace_modules(session, recomputed)
    _move_modules(session, changes.module_moves, changes.stage_moves)
    _replace(session, REACH_PERSON, REACH_PERSON.c.person_id, people, lambda ids: [person_rows(ids)])
    _replace(session, REACH_PERSON_STAGE, REACH_PERSON_STAGE.c.person_id, people, lambda ids: [person_stage_rows(ids)])
    # Everyone whose participation, module (its year, its course's scope) or attributes changed is among `people`
    # (upkeep.resolve): the years move by their rows' difference, and by the rows written for `current`.
    moves = _person_years(session, people)
    for key, (individuals, participations) in changes.year_moves.items():
        move = moves.setdefault(key, [0, 0])
        move[0] += individuals
        move[1] += participations
    _move_years(session, moves)


# The columns a module's participations are counted by, in one grouped query (_module_counts): every dimension
# of reach_module and reach_module_stage, and the conditions their rows count.
_COUNTED: dict[str, Any] = {
    **{name: _text(column) for name, column in MODULE_DIMENSIONS.items() if column is not None},
    **{name: _text(column) for name, column in STAGE_DIMENSIONS.items() if name not in MODULE_DIMENSIONS},
    "took_part": sa.case((TOOK_PART, 1), else_=0),
    "completed": sa.case((PARTICIPATION.c.completed.is_(True), 1), else_=0),
    "participant": sa.case((_PARTICIPANT, 1), else_=0),
}


def _module_counts(session: Session, modules: Chunk) -> list[sa.Row]:
    """These modules' participations counted by every combination of the counted columns (a few thousand rows
    for a module of 50,000), with the module's year: one pass over the rows and their joins, instead of one a
    dimension."""
    columns = [column.label(name) for name, column in _COUNTED.items()]
    query = (
        sa.select(
            PARTICIPATION.c.module_id.label("module_id"), YEAR.label("year"), *columns, sa.func.count().label("n")
        )
        .select_from(_joined([PERSON.c.gender, ORGANISATION.c.org_type, COURSE.c.scope]))
        .where(modules.where(PARTICIPATION.c.module_id))
        .group_by(PARTICIPATION.c.module_id, YEAR, *columns)
    )
    return list(session.execute(query))


def _module_figures(counts: list[sa.Row]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return the reach_module and reach_module_stage rows the counts make: what module_rows and stage_rows compute
    from the raw rows, added up in Python from _module_counts (the check compares them with those queries)."""
    people: dict[tuple[int, str, str], list[int]] = {}  # (module, dimension, value): [year, people]
    stages: dict[tuple[int, str, str], list[int]] = {}  # (module, dimension, value): [registered, attended, completed]

    def add(key: tuple[int, str, str], year: int, count: int) -> None:
        row = people.setdefault(key, [year, 0])
        row[0], row[1] = min(row[0], year), row[1] + count

    for row in counts:
        module, year, count, values = row.module_id, int(row.year), int(row.n), row._mapping
        participant, took_part, completed = values["participant"], values["took_part"], values["completed"]
        if took_part:
            for dimension in MODULE_DIMENSIONS:
                add((module, dimension, "" if dimension == "all" else values[dimension]), year, count)
        if participant:
            add((module, "stage", "registered"), year, count)
            if took_part:
                add((module, "stage", "attended"), year, count)
            if completed:
                add((module, "stage", "completed"), year, count)
            for dimension in STAGE_DIMENSIONS:
                stage = stages.setdefault((module, dimension, values[dimension]), [0, 0, 0])
                stage[0] += count
                stage[1] += count if took_part else 0
                stage[2] += count if completed else 0
    by_dimension = [
        {"module_id": m, "dimension": d, "value": v, "year": year, "people": n}
        for (m, d, v), (year, n) in people.items()
    ]
    by_stage = [
        {"module_id": m, "dimension": d, "value": v, "registered": r, "attended": a, "completed": c}
        for (m, d, v), (r, a, c) in stages.items()
    ]
    return by_dimension, by_stage


def _replace_modules(session: Session, modules: set[int]) -> None:
    """Recompute these modules' reach_module and reach_module_stage rows from their raw rows, in chunks."""
    for chunk in chunks(modules):
        session.execute(sa.delete(REACH_MODULE).where(chunk.where(REACH_MODULE.c.module_id)))
        session.execute(sa.delete(REACH_MODULE_STAGE).where(chunk.where(REACH_MODULE_STAGE.c.module_id)))
        by_dimension, by_stage = _module_figures(_module_counts(session, chunk))
        for table, rows in ((REACH_MODULE, by_dimension), (REACH_MODULE_STAGE, by_stage)):
            for start in range(0, len(rows), 1000):
                session.execute(sa.insert(table), rows[start : start + 1000])


def _move_modules(session: Session, module_moves: dict[Key, list[int]], stage_moves: dict[Key, list[int]]) -> None:
    """Add new participations' figures to their modules' reach_module ((module, dimension, value) → [year, people])
    and reach_module_stage (→ [registered, attended, completed]) rows, made when new."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    keys = ("module_id", "dimension", "value")
    people = [
        {**dict(zip(keys, key, strict=True)), "year": year, "people": n} for key, (year, n) in module_moves.items()
    ]
    stages = [
        {**dict(zip(keys, key, strict=True)), "registered": r, "attended": a, "completed": c}
        for key, (r, a, c) in stage_moves.items()
    ]
    for table, rows, added in (
        (REACH_MODULE, people, ("people",)),
        (REACH_MODULE_STAGE, stages, ("registered", "attended", "completed")),
    ):
        for start in range(0, len(rows), 1000):
            statement = insert(table).values(rows[start : start + 1000])
            statement = statement.on_conflict_do_update(
                index_elements=[table.c.module_id, table.c.dimension, table.c.value],
                set_={name: table.c[name] + statement.excluded[name] for name in added},
            )
            session.execute(statement)


def person_year_rows(people: Chunk | list[int] | None = None) -> sa.Select:
    """The reach_person_year rows computed from the raw rows (of these people only, when given)."""
    role, scope = _text(PARTICIPATION.c.role), _text(COURSE.c.scope)
    gender, org_type = _text(PERSON.c.gender), _text(ORGANISATION.c.org_type)
    query = (
        sa.select(
            PARTICIPATION.c.person_id.label("person_id"),
            YEAR.label("year"),
            role.label("role"),
            scope.label("scope"),
            gender.label("gender"),
            org_type.label("org_type"),
            sa.func.count().label("participations"),
        )
        .select_from(_joined([PERSON.c.gender, ORGANISATION.c.org_type, COURSE.c.scope]))
        .where(TOOK_PART)
        .group_by(PARTICIPATION.c.person_id, YEAR, role, scope, gender, org_type)
    )
    return query if people is None else query.where(_among(PARTICIPATION.c.person_id, people))


Key = tuple[int, str, str]  # (year, dimension, value): a reach_year row


def _person_years(session: Session, people: set[int]) -> dict[Key, list[int]]:
    """Recompute these people's reach_person_year rows; return how each reach_year row moves with them:
    {(year, dimension, value): [individuals, participations]}.

    The same people before and after: a year's row moves by how many of them it counts after, less how many before
    (and their participations likewise), whatever the rest of the year holds."""
    moves: dict[Key, list[int]] = {}
    for chunk in chunks(people):
        for key, (individuals, participations) in _counts(session, chunk).items():
            moves.setdefault(key, [0, 0])
            moves[key][0] -= individuals
            moves[key][1] -= participations
        session.execute(sa.delete(REACH_PERSON_YEAR).where(chunk.where(REACH_PERSON_YEAR.c.person_id)))
        _insert(session, REACH_PERSON_YEAR, person_year_rows(chunk))
        for key, (individuals, participations) in _counts(session, chunk).items():
            moves.setdefault(key, [0, 0])
            moves[key][0] += individuals
            moves[key][1] += participations
    return moves


def _counts(session: Session, people: Chunk) -> dict[Key, tuple[int, int]]:
    """What these people's reach_person_year rows count in reach_year: {key: (individuals, participations)}."""
    table = REACH_PERSON_YEAR
    selects = [
        sa.select(
            table.c.year,
            sa.literal(dimension).label("dimension"),
            (sa.literal("") if column is None else column).label("value"),
            sa.func.count(sa.distinct(table.c.person_id)),
            sa.func.sum(table.c.participations),
        )
        .where(people.where(table.c.person_id))
        .group_by(table.c.year, *([] if column is None else [column]))
        for dimension, column in (
            ("all", None),
            ("gender", table.c.gender),
            ("org_type", table.c.org_type),
            ("role", table.c.role),
            ("scope", table.c.scope),
        )
    ]
    rows = session.execute(sa.union_all(*selects))
    return {(int(year), dimension, value): (int(found), int(count)) for year, dimension, value, found, count in rows}


def _move_years(session: Session, moves: dict[Key, list[int]]) -> None:
    """Add the moves to the reach_year rows (made when new); drop the rows nobody is counted in any more."""
    rows = [
        {"year": year, "dimension": dimension, "value": value, "individuals": people, "participations": count}
        for (year, dimension, value), (people, count) in sorted(moves.items())
        if people or count
    ]
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for start in range(0, len(rows), 1000):
        statement = insert(REACH_YEAR).values(rows[start : start + 1000])
        statement = statement.on_conflict_do_update(
            index_elements=[REACH_YEAR.c.year, REACH_YEAR.c.dimension, REACH_YEAR.c.value],
            set_={
                "individuals": REACH_YEAR.c.individuals + statement.excluded.individuals,
                "participations": REACH_YEAR.c.participations + statement.excluded.participations,
            },
        )
        session.execute(statement)
    years = sorted({row["year"] for row in rows})
    session.execute(sa.delete(REACH_YEAR).where(REACH_YEAR.c.year.in_(years), REACH_YEAR.c.individuals == 0))


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
        ("reach_person_year", REACH_PERSON_YEAR, [person_year_rows()], 4),
        ("reach_module_stage", REACH_MODULE_STAGE, stage_rows(), 3),
        ("reach_person_stage", REACH_PERSON_STAGE, [person_stage_rows()], 2),
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


# Format 2: reach_person_year, from which the years move (format 1 recounted a year's participations); 3:
# reach_module_stage; 4: reach_person_stage.
register(NAME, refresh, check, form=4, tables=[t.name for t in TABLES])
