"""Reach figures read from the kept summaries (programme/summaries/reach.py) instead of the raw rows.

What the summaries answer exactly (`selection`): a filter with no course, module, scope, role, funder or grant,
narrowed at most by the person's own country, gender or organisation type (conditions on reach_person) and by a
year range. Over every year, reach_person's whole-programme columns answer; within a year range, each person's
reach_person_year rows of those years (a person's participations per year, role and scope: added up, the modules
they took part in within the range; the least, their first year in it), joined to reach_person for the person's
attributes, so that people are still counted once.

Under a year range that leaves out some module's year, these figures are read from the summaries: the headline
(individuals, participations, countries, women, civil society, and the modules and courses from reach_module's
years, unless two person attributes narrow at once), by country, gender and organisation type, by year (reach_year,
or reach_person_year under a person filter), growth, repeat participation, corridors, organisations and their count,
and Completion per module (reach_module's stage rows, or reach_module_stage, of the range's modules); the
registrations (people on a registration list and whether they came) and the Completion funnel (its people: listed,
attended or completed at least once within the range) from each person's reach_person_stage rows of the range, a
flag held when any of those years holds it (its participations from reach_module's stage rows, or
reach_module_stage, of the range's modules). Any other filter is answered from the raw rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session

from programme.models import (
    CIVIL_SOCIETY,
    Course,
    Gender,
    Module,
    OrgType,
    ReachModule,
    ReachModuleStage,
    ReachPerson,
    ReachPersonStage,
    ReachPersonYear,
    ReachYear,
)
from programme.reach.filters import MISSING, CountryBasis, ReachFilter, among
from programme.summaries.reach import current

PERSON = ReachPerson.__table__
MODULE = ReachModule.__table__
YEAR = ReachYear.__table__
PERSON_YEAR = ReachPersonYear.__table__
STAGE = ReachModuleStage.__table__
PERSON_STAGE = ReachPersonStage.__table__
# People who took part in at least one module: those reach counts.
TOOK_PART = PERSON.c.modules > 0
# Filters on the modules (or on the participation's role): the summaries hold every module, so the raw rows answer.
_MODULE_FILTERS = ("courses", "module_ids", "scopes", "roles", "funders", "grants")
# Filters on the person's own attributes, which reach_person holds: the summaries answer the figures about people.
_PERSON_FILTERS = ("countries", "genders", "org_types")


# A year range: the first and the last year (either None: open), both included.
Years = tuple[int | None, int | None]


@dataclass(frozen=True)
class Selection:
    """How the kept summaries answer a filter: the conditions on reach_person that select its people ([] for
    everyone) and its year range (None: every module's year)."""

    where: list[Any] = field(default_factory=list)
    years: Years | None = None


def covers_everything(session: Session, reach_filter: ReachFilter | None) -> bool:
    """Whether the filter selects every participation (then the kept summaries answer it)."""
    return selection(session, reach_filter) == Selection()


def selection(session: Session, reach_filter: ReachFilter | None) -> Selection | None:
    """What selects the filter's people and years in the kept summaries, when they answer it exactly: no course,
    module, scope, role, funder or grant; narrowed, if at all, by the person's own country, gender or organisation
    type, and by a year range (kept as None when it covers every module's year). None when the raw rows answer."""
    f = reach_filter or ReachFilter()
    if any(getattr(f, name) for name in _MODULE_FILTERS) or not current(session):
        return None
    years: Years | None = None
    if f.year_from is not None or f.year_to is not None:
        first, last = session.execute(sa.select(sa.func.min(Module.start_date), sa.func.max(Module.start_date))).one()
        if first is not None and not (
            (f.year_from is None or f.year_from <= first.year) and (f.year_to is None or f.year_to >= last.year)
        ):
            years = (f.year_from, f.year_to)
    conditions: list[Any] = []
    if f.countries:
        conditions.append(among(_country(f.country_basis), f.countries))
    if f.genders:
        conditions.append(PERSON.c.gender.in_([Gender(g).value for g in f.genders]))
    if f.org_types:
        conditions.append(among(PERSON.c.org_type, f.org_types, lambda value: OrgType(value).value))
    return Selection(conditions, years)


def _within(column: Any, years: Years | None) -> list[Any]:
    """The conditions that keep a year column within the range (none for every year)."""
    if years is None:
        return []
    first, last = years
    return [*([column >= first] if first is not None else []), *([column <= last] if last is not None else [])]


class People(NamedTuple):
    """The people the figures count: the FROM clause, each person's modules and first year (of the range), and the
    condition that they took part (in the range)."""

    source: Any
    modules: Any
    first_year: Any
    took_part: Any


def _people(years: Years | None) -> People:
    """reach_person over every year; within a year range, each person's reach_person_year rows of those years added
    up (one participation per person and module: their sum is the modules taken part in), joined to reach_person for
    the person's attributes (one row per person: counted once)."""
    if years is None:
        return People(PERSON, PERSON.c.modules, PERSON.c.first_year, TOOK_PART)
    within = (
        sa.select(
            PERSON_YEAR.c.person_id,
            sa.func.sum(PERSON_YEAR.c.participations).label("modules"),
            sa.func.min(PERSON_YEAR.c.year).label("first_year"),
        )
        .where(*_within(PERSON_YEAR.c.year, years))
        .group_by(PERSON_YEAR.c.person_id)
        .subquery("within_years")
    )
    source = within.join(PERSON, PERSON.c.person_id == within.c.person_id)
    return People(source, within.c.modules, within.c.first_year, sa.true())


def _module_dimension(f: ReachFilter) -> tuple[str, list[str]] | None:
    """The reach_module dimension and values that select the modules of the filter's people, when the filter narrows
    by one person attribute only (modules with someone of two attributes at once are not kept); None otherwise."""
    narrowing = [name for name in _PERSON_FILTERS if getattr(f, name)]
    if len(narrowing) != 1:
        return None
    # The kept rows hold "" for a value not on record (programme/summaries/reach._text).
    if f.countries:
        dimension = (
            "country_of_work" if CountryBasis(f.country_basis) == CountryBasis.COUNTRY_OF_WORK else "nationality"
        )
        return dimension, [("" if value in MISSING else value) for value in f.countries]
    if f.genders:
        return "gender", [Gender(g).value for g in f.genders]
    return "org_type", [("" if value in MISSING else OrgType(value).value) for value in f.org_types]


def _value(value: Any) -> Any:
    return None if value == "" else value


def _country(basis: CountryBasis | str) -> Any:
    return PERSON.c.country_of_work if CountryBasis(basis) == CountryBasis.COUNTRY_OF_WORK else PERSON.c.nationality


def _module_counts(
    session: Session, where: Sequence[Any], reach_filter: ReachFilter | None, years: Years | None
) -> tuple[int, int] | None:
    """(courses, modules) with someone of the people `where` selects (by the filter's one person attribute), within
    the years; None when the modules of the filter's people are not kept (two person attributes at once)."""
    if where:
        dimension = _module_dimension(reach_filter or ReachFilter())
        if dimension is None:
            return None
        name, values = dimension
        modules = sa.and_(MODULE.c.dimension == name, MODULE.c.value.in_(values), MODULE.c.people > 0)
    else:
        modules = MODULE.c.dimension == "all"
    chosen = sa.select(MODULE.c.module_id).where(modules, *_within(MODULE.c.year, years)).distinct()
    courses = session.scalar(sa.select(sa.func.count(sa.distinct(Module.course_id))).where(Module.id.in_(chosen)))
    module_count = session.scalar(sa.select(sa.func.count()).select_from(chosen.subquery()))
    return int(courses or 0), int(module_count or 0)


def headline_row(
    session: Session,
    basis: CountryBasis | str,
    where: Sequence[Any] = (),
    reach_filter: ReachFilter | None = None,
    years: Years | None = None,
) -> tuple[int, ...] | None:
    """courses, modules, individuals, participations, countries, women, civil society, org type recorded (of the
    people `where` selects, by the filter's one person attribute, within the years); None when the modules of the
    filter's people are not kept (two person attributes at once)."""
    modules = _module_counts(session, where, reach_filter, years)
    if modules is None:
        return None
    people = _people(years)
    row = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(people.modules), 0),
            sa.func.count(sa.distinct(_country(basis))),
            sa.func.count(sa.case((PERSON.c.gender == Gender.FEMALE.value, 1))),
            sa.func.count(sa.case((PERSON.c.org_type.in_([o.value for o in CIVIL_SOCIETY]), 1))),
            sa.func.count(PERSON.c.org_type),
        )
        .select_from(people.source)
        .where(people.took_part, *where)
    ).one()
    return (*modules, *(int(v) for v in row))


class PeopleFigures(NamedTuple):
    """What `people_figures` reads in one pass: headline_row's figures (None when the modules of the filter's people
    are not kept), dimension_rows by country and organisation_count."""

    headline: tuple[int, ...] | None
    by_country: list[tuple[Any, int, int]]
    organisations: int


def people_figures(
    session: Session,
    erased: Any,
    basis: CountryBasis | str,
    where: Sequence[Any] = (),
    reach_filter: ReachFilter | None = None,
    years: Years | None = None,
) -> PeopleFigures:
    """headline_row, dimension_rows by country and organisation_count at once, equal to theirs: the people who took
    part (of those `where` selects; within a year range each person's reach_person_year rows of the range added up
    and joined to reach_person) are read once, into a CTE that SQLite computes once (MATERIALIZED; PostgreSQL
    does for a CTE read twice), grouped by country (the headline's people figures are the groups' sums: each person
    is in one group) beside their distinct organisations (the erasure placeholders, `erased`, left out). Under a
    year range this is one pass over the range's rows of every person instead of three."""
    people = _people(years)
    real = sa.case((PERSON.c.organisation_id.in_(erased), None), else_=PERSON.c.organisation_id)
    chosen = (
        sa.select(
            _country(basis).label("country"),
            PERSON.c.gender,
            PERSON.c.org_type,
            real.label("organisation"),
            people.modules.label("modules"),
        )
        .select_from(people.source)
        .where(people.took_part, *where)
        .cte("selected_people")
        .prefix_with("MATERIALIZED", dialect="sqlite")
    )
    organisations = sa.select(sa.func.count(sa.distinct(chosen.c.organisation))).scalar_subquery()
    rows = session.execute(
        sa.select(
            chosen.c.country,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(chosen.c.modules), 0),
            sa.func.count(sa.case((chosen.c.gender == Gender.FEMALE.value, 1))),
            sa.func.count(sa.case((chosen.c.org_type.in_([o.value for o in CIVIL_SOCIETY]), 1))),
            sa.func.count(chosen.c.org_type),
            organisations,
        ).group_by(chosen.c.country)
    ).all()
    by_country = [(country, int(n), int(count)) for country, n, count, *_ in rows]
    totals = [sum(int(row[i]) for row in rows) for i in range(1, 6)]
    individuals, participations, women, civil_society, typed = totals
    countries = sum(1 for row in rows if row[0] is not None)
    modules = _module_counts(session, where, reach_filter, years)
    headline = (
        None if modules is None else (*modules, individuals, participations, countries, women, civil_society, typed)
    )
    return PeopleFigures(headline, by_country, int(rows[0][6]) if rows else 0)


def dimension_rows(
    session: Session,
    column_name: str,
    basis: CountryBasis | str,
    where: Sequence[Any] = (),
    years: Years | None = None,
) -> list[tuple[Any, int, int]]:
    """(value, individuals, participations) by gender, org_type or country (of the basis), within the years."""
    column = _country(basis) if column_name == "country" else PERSON.c[column_name]
    people = _people(years)
    rows = session.execute(
        sa.select(column, sa.func.count(), sa.func.sum(people.modules))
        .select_from(people.source)
        .where(people.took_part, *where)
        .group_by(column)
    ).all()
    return [(key, int(people), int(count)) for key, people, count in rows]


def year_rows(
    session: Session, dimension: str, where: Sequence[Any] = (), years: Years | None = None
) -> list[tuple[int, Any, int, int]]:
    """(year, value, individuals counted once in the year, participations) by a dimension ("all": everyone; gender,
    org_type, scope, role), within the years: reach_year's rows, or, of the people `where` selects, their
    reach_person_year rows counted (a person counted once in a year and value)."""
    if where:
        value = sa.literal("") if dimension == "all" else PERSON_YEAR.c[dimension]
        statement = (
            sa.select(
                PERSON_YEAR.c.year,
                value,
                sa.func.count(sa.distinct(PERSON_YEAR.c.person_id)),
                sa.func.sum(PERSON_YEAR.c.participations),
            )
            .select_from(PERSON_YEAR.join(PERSON, PERSON.c.person_id == PERSON_YEAR.c.person_id))
            .where(*where, *_within(PERSON_YEAR.c.year, years))
            .group_by(PERSON_YEAR.c.year, value)
            .order_by(PERSON_YEAR.c.year)
        )
    else:
        statement = (
            sa.select(YEAR.c.year, YEAR.c.value, YEAR.c.individuals, YEAR.c.participations)
            .where(YEAR.c.dimension == dimension, *_within(YEAR.c.year, years))
            .order_by(YEAR.c.year)
        )
    rows = session.execute(statement).all()
    return [(int(year), _value(value), int(people), int(count)) for year, value, people, count in rows]


def first_years(session: Session, where: Sequence[Any] = (), years: Years | None = None) -> list[tuple[int, int]]:
    """(year, people whose first module (within the years) was that year), by year."""
    people = _people(years)
    rows = session.execute(
        sa.select(people.first_year, sa.func.count())
        .select_from(people.source)
        .where(people.took_part, people.first_year.is_not(None), *where)  # no year: none of their modules has a date
        .group_by(people.first_year)
        .order_by(people.first_year)
    ).all()
    return [(int(year), int(count)) for year, count in rows]


def last_year(session: Session, where: Sequence[Any] = (), years: Years | None = None) -> int | None:
    """The latest year (within the years) in which any of these people took part (None: nobody did, or no module
    has a date)."""
    if not where:
        query = sa.select(sa.func.max(YEAR.c.year)).where(
            YEAR.c.dimension == "all", YEAR.c.individuals > 0, *_within(YEAR.c.year, years)
        )
    else:
        query = (
            sa.select(sa.func.max(PERSON_YEAR.c.year))
            .select_from(PERSON_YEAR.join(PERSON, PERSON.c.person_id == PERSON_YEAR.c.person_id))
            .where(*where, *_within(PERSON_YEAR.c.year, years))
        )
    year = session.scalar(query)
    return None if year is None else int(year)


def modules_per_person(
    session: Session, top: int, where: Sequence[Any] = (), years: Years | None = None
) -> dict[int, int]:
    """How many people took part in 1, 2, ... modules (within the years; top and more together, under top)."""
    people = _people(years)
    bucket = sa.case((people.modules >= top, top), else_=people.modules)
    statement = (
        sa.select(bucket, sa.func.count()).select_from(people.source).where(people.took_part, *where).group_by(bucket)
    )
    return {int(k): int(n) for k, n in session.execute(statement)}


def corridor_rows(
    session: Session, where: Sequence[Any] = (), years: Years | None = None
) -> list[tuple[str, str, int]]:
    """(nationality, country of work, individuals) of people who took part (within the years), both countries on
    record."""
    nationality, work = PERSON.c.nationality, PERSON.c.country_of_work
    people = _people(years)
    statement = (
        sa.select(nationality, work, sa.func.count())
        .select_from(people.source)
        .where(people.took_part, nationality.is_not(None), work.is_not(None), *where)
        .group_by(nationality, work)
    )
    return [(a, b, int(n)) for a, b, n in session.execute(statement)]


def _flags(names: Sequence[str], where: Sequence[Any], years: Years | None) -> tuple[Any, dict[str, Any]]:
    """The FROM clause and the condition that a person holds each named flag: reach_person's over every year; within
    a year range, each person's reach_person_stage rows of those years (a flag held when any of them holds it),
    joined to reach_person when `where` selects people by their attributes."""
    if years is None:
        return PERSON, {name: PERSON.c[name].is_(True) for name in names}
    within = (
        sa.select(
            PERSON_STAGE.c.person_id,
            *(sa.func.max(sa.cast(PERSON_STAGE.c[name], sa.Integer)).label(name) for name in names),
        )
        .where(*_within(PERSON_STAGE.c.year, years))
        .group_by(PERSON_STAGE.c.person_id)
        .subquery("stages_within_years")
    )
    source = within.join(PERSON, PERSON.c.person_id == within.c.person_id) if where else within
    return source, {name: within.c[name] == 1 for name in names}


def registration_counts(session: Session, where: Sequence[Any] = (), years: Years | None = None) -> dict[str, int]:
    """registered, registered_took_part, registered_only, took_part_unregistered: people counted once (of those
    `where` selects, within the years)."""
    keys = ("registered", "registered_took_part", "registered_only", "took_part_unregistered")
    source, flags = _flags(keys, where, years)
    counts = (sa.func.count(sa.case((flags[key], 1))) for key in keys)
    row = session.execute(sa.select(*counts).select_from(source).where(*where)).one()
    return dict(zip(keys, (int(value) for value in row), strict=True))


def funnel_counts(
    session: Session, where: Sequence[Any] = (), reach_filter: ReachFilter | None = None, years: Years | None = None
) -> tuple[list[int], list[int]] | None:
    """Participants' funnel: (people registered, attended, completed), (participations at each stage), of the
    people `where` selects (by the filter's one person attribute), within the years; None when their participations
    are not kept by stage (two person attributes at once)."""
    dimension = _module_dimension(reach_filter or ReachFilter()) if where else None
    if where and dimension is None:
        return None
    source, flags = _flags(("participant", "participant_attended", "alumnus"), where, years)
    people = session.execute(
        sa.select(*(sa.func.count(sa.case((flag, 1))) for flag in flags.values())).select_from(source).where(*where)
    ).one()
    if dimension is not None:
        name, values = dimension
        row = session.execute(
            sa.select(*(sa.func.sum(STAGE.c[stage]) for stage in _STAGES)).where(
                STAGE.c.dimension == name, STAGE.c.value.in_(values), *_modules_within(STAGE.c.module_id, years)
            )
        ).one()
        return [int(v) for v in people], [int(v or 0) for v in row]
    stages = dict(
        session.execute(
            sa.select(MODULE.c.value, sa.func.sum(MODULE.c.people))
            .where(MODULE.c.dimension == "stage", *_within(MODULE.c.year, years))
            .group_by(MODULE.c.value)
        ).all()
    )
    rows = [int(stages.get(stage) or 0) for stage in _STAGES]
    return [int(v) for v in people], rows


_STAGES = ("registered", "attended", "completed")


def funnel_module_rows(
    session: Session,
    *,
    latest: int | None = None,
    reach_filter: ReachFilter | None = None,
    years: Years | None = None,
) -> tuple[list[tuple], int] | None:
    """(module id, code, number, start, city, registered, attended, completed) per module with participants (the
    latest `latest` of them, by date; of the years' modules only), and how many modules have participants; of the
    people of the filter's one person attribute when it narrows by one (None when it narrows by two at once: not
    kept)."""
    f = reach_filter or ReachFilter()
    if any(getattr(f, name) for name in _PERSON_FILTERS):
        dimension = _module_dimension(f)
        if dimension is None:
            return None
        name, values = dimension
        counts = (
            sa.select(STAGE.c.module_id, *(sa.func.sum(STAGE.c[stage]).label(stage) for stage in _STAGES))
            .where(STAGE.c.dimension == name, STAGE.c.value.in_(values), *_modules_within(STAGE.c.module_id, years))
            .group_by(STAGE.c.module_id)
            .subquery()
        )
        return stages_by_module(session, counts, latest=latest)
    stage = MODULE.c.dimension == "stage"
    counts = (
        sa.select(
            MODULE.c.module_id,
            *(sa.func.sum(sa.case((MODULE.c.value == name, MODULE.c.people), else_=0)).label(name) for name in _STAGES),
        )
        .where(stage, *_within(MODULE.c.year, years))
        .group_by(MODULE.c.module_id)
        .subquery()
    )
    return stages_by_module(session, counts, latest=latest)


def _modules_within(column: Any, years: Years | None) -> list[Any]:
    """The condition that a module id column is of a module within the years (none for every year)."""
    if years is None:
        return []
    year = sa.cast(sa.extract("year", Module.start_date), sa.Integer)
    return [column.in_(sa.select(Module.id).where(*_within(year, years)))]


def stages_by_module(session: Session, counts: sa.Subquery, *, latest: int | None = None) -> tuple[list[tuple], int]:
    """Each module's label columns with its registered, attended and completed counts (a subquery by module_id), by
    date (only the latest `latest` modules), and how many modules the counts hold."""
    order = (Module.start_date, Course.code, Module.number)
    statement = (
        sa.select(
            Module.id, Course.code, Module.number, Module.start_date, Module.city,
            counts.c.registered, counts.c.attended, counts.c.completed,
        )
        .join(counts, counts.c.module_id == Module.id)
        .join(Course, Course.id == Module.course_id)
    )  # fmt: skip
    if latest is None:
        rows = session.execute(statement.order_by(*order)).all()
        return rows, len(rows)
    rows = session.execute(statement.order_by(*(column.desc() for column in order)).limit(latest)).all()
    total = session.scalar(sa.select(sa.func.count()).select_from(counts))
    return rows[::-1], int(total or 0)


def organisation_rows(
    session: Session, erased: Any, where: Sequence[Any] = (), years: Years | None = None
) -> list[tuple]:
    """(org type, organisation country, organisations, individuals) of the people who took part (within the years);
    the erasure placeholders (`erased`) are no organisation, though their people count among the individuals."""
    real = sa.case((PERSON.c.organisation_id.in_(erased), None), else_=PERSON.c.organisation_id)
    people = _people(years)
    statement = (
        sa.select(
            PERSON.c.org_type, PERSON.c.org_country, sa.func.count(sa.distinct(real)), sa.func.count(),
        )
        .select_from(people.source)
        .where(people.took_part, PERSON.c.organisation_id.is_not(None), *where)
        .group_by(PERSON.c.org_type, PERSON.c.org_country)
    )  # fmt: skip
    return list(session.execute(statement).all())


def organisation_count(session: Session, erased: Any, where: Sequence[Any] = (), years: Years | None = None) -> int:
    """Distinct organisations of the people who took part (within the years), the erasure placeholders (`erased`)
    left out."""
    real = sa.case((PERSON.c.organisation_id.in_(erased), None), else_=PERSON.c.organisation_id)
    people = _people(years)
    statement = sa.select(sa.func.count(sa.distinct(real))).select_from(people.source).where(people.took_part, *where)
    return int(session.scalar(statement) or 0)


def headline(session: Session) -> dict[str, int]:
    """The headline reach (programme/reach/totals.headline) from the summaries."""
    row = session.execute(
        sa.select(
            sa.func.count(), sa.func.coalesce(sa.func.sum(PERSON.c.modules), 0),
            sa.func.count(sa.distinct(PERSON.c.nationality)),
        ).where(TOOK_PART)
    ).one()  # fmt: skip
    return {
        "courses": int(session.scalar(sa.select(sa.func.count(Course.id))) or 0),
        "modules": int(session.scalar(sa.select(sa.func.count(Module.id))) or 0),
        "individuals": int(row[0]),
        "participations": int(row[1]),
        "countries": int(row[2]),
    }


def individuals_by(session: Session, column_name: str, unknown: str) -> dict[str, int]:
    """People who took part by nationality, gender or org_type (missing as `unknown`), sorted by label."""
    column = PERSON.c[column_name]
    result: dict[str, int] = {}
    for key, count in session.execute(sa.select(column, sa.func.count()).where(TOOK_PART).group_by(column)):
        label = unknown if key is None else str(key)
        result[label] = result.get(label, 0) + int(count)
    return dict(sorted(result.items()))


def participations_by_year(session: Session) -> dict[str, int]:
    """Participations (of people who took part) by the module's year."""
    return {str(year): count for year, _, _, count in year_rows(session, "all")}


def alumni_corridor_rows(session: Session) -> list[dict[str, Any]]:
    """Alumni (not erased) by nationality -> country of work where the two differ: origin, destination, count."""
    nationality, work = PERSON.c.nationality, PERSON.c.country_of_work
    statement = (
        sa.select(nationality.label("origin"), work.label("destination"), sa.func.count().label("migrant_alumni"))
        .where(
            PERSON.c.alumnus.is_(True), PERSON.c.erased.is_(False), nationality.is_not(None), work.is_not(None),
            nationality != work,
        )
        .group_by(nationality, work)
    )  # fmt: skip
    return [dict(row) for row in session.execute(statement).mappings()]


def listed_alumni_by_country(session: Session) -> dict[str, int]:
    """Listed alumni (consent, not erased) counted by the country where they work."""
    work = PERSON.c.country_of_work
    statement = (
        sa.select(work, sa.func.count())
        .where(PERSON.c.alumnus.is_(True), PERSON.c.listed.is_(True), work.is_not(None))
        .group_by(work)
    )
    return {country: int(count) for country, count in session.execute(statement).all()}
