"""The reach filter, and the one SQL selection of participations every reach figure aggregates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from programme.core.distinct import distinct_values
from programme.core.freshness import depends_on
from programme.funding.queries import funded_module_ids, funding_options
from programme.models import (
    Course,
    Gender,
    Module,
    Organisation,
    OrgType,
    Participation,
    ParticipationRole,
    Person,
    Scope,
)
from programme.people.countries import country_name

# A participation counted in reach: the person took part (at least one day, or on a participant list).
TOOK_PART = Participation.attended.is_(True)
# `stats --json`'s key for a missing gender, nationality or organisation type (a stable contract), and an older word
# the organisation type filter still accepts for NOT_RECORDED. The dashboard and reports never show it.
UNKNOWN = "unknown"
# Shown for any value not on record: a nationality or country of work (a row of the country tables), and an
# organisation's type (or no organisation on record): a category of its own, left out of the shares' denominators,
# never counted as "other". The Country and Organisation type filters offer it (a gender is never missing: a gender
# not given is stored as "undisclosed", which the Gender filter offers).
NOT_RECORDED = "not recorded"
# The Gender filter's help: where the people whose gender is not recorded are.
GENDER_FILTER_HELP = "A gender not recorded (or not given) is counted under undisclosed."
# The words a filter reads as "not on record" (NULL): NOT_RECORDED, and UNKNOWN, still accepted.
MISSING = frozenset({UNKNOWN, NOT_RECORDED})


class CountryBasis(StrEnum):
    """Which of a person's countries the reach by country counts."""

    NATIONALITY = "nationality"
    COUNTRY_OF_WORK = "country of work"


# A funder or grant filter reads the funding tables, which the summaries' upkeep does not notice: figures under
# it are kept only until anything changes (programme/core/freshness.py).
REACH_FILTER_WIDER = {"reach_filter.funders": "general", "reach_filter.grants": "general"}


@dataclass(frozen=True)
class ReachFilter:
    """What the reach figures are restricted to; an empty tuple or None means no restriction.

    `countries` are ISO alpha-3 codes compared with the person's nationality or country of work,
    as `country_basis` says (the same basis the reach by country counts).
    """

    courses: tuple[str, ...] = ()
    module_ids: tuple[int, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    scopes: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    genders: tuple[str, ...] = ()
    org_types: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    country_basis: CountryBasis = CountryBasis.NATIONALITY
    # Funders by name and grants by reference: the modules their grants fund (a course's grant funds all of its).
    funders: tuple[str, ...] = ()
    grants: tuple[str, ...] = ()

    def country_column(self) -> Any:
        """Return the person column the country figures and filter use."""
        if CountryBasis(self.country_basis) == CountryBasis.COUNTRY_OF_WORK:
            return Person.country_of_work
        return Person.nationality


def participations(
    reach_filter: ReachFilter | None = None,
    columns: Iterable[str] | None = None,
    *,
    took_part: bool = True,
    materialized: bool = True,
) -> sa.CTE:
    """Return the filtered participations, one row each, with the person's and module's attributes.

    Only participations of people who took part count (took_part=False adds the registered who did not, and
    those recorded absent: for comparing registrations with participation).

    Every reach figure aggregates this subquery, so joins and filters live in one place. `columns` names
    the columns a figure needs (default: all of them); only the tables those columns and the filter use
    are joined, since a join costs a lookup per participation. Every participation has its person, module
    and course (foreign keys), so leaving an unused one out never changes which participations count.
    """
    f = reach_filter or ReachFilter()
    year = sa.cast(sa.extract("year", Module.start_date), sa.Integer)
    available = {
        "participation_id": Participation.id,
        "person_id": Participation.person_id,
        "module_id": Participation.module_id,
        "role": Participation.role,
        "course_id": Module.course_id,
        "year": year,
        "scope": Course.scope,
        "gender": Person.gender,
        "nationality": Person.nationality,
        "country_of_work": Person.country_of_work,
        "country": f.country_column(),
        "org_type": Organisation.org_type,
        "organisation_id": Person.organisation_id,
        "org_country": Organisation.country,
        "attended": Participation.attended,
        "registered": Participation.registered,
        "completed": Participation.completed,
    }
    selected = [available[name].label(name) for name in (columns or available)]
    conditions = _conditions(f, year, took_part=took_part)
    used = set(sa.select(*selected).where(*conditions).get_final_froms())
    person, module, course, organisation = (model.__table__ for model in (Person, Module, Course, Organisation))
    joined: Any = Participation.__table__
    if used & {person, organisation}:
        joined = joined.join(person, Person.id == Participation.person_id)
    if used & {module, course}:
        joined = joined.join(module, Module.id == Participation.module_id)
    if course in used:
        joined = joined.join(course, Course.id == Module.course_id)
    if organisation in used:
        joined = joined.outerjoin(organisation, Organisation.id == Person.organisation_id)
    # A CTE that SQLite computes first (MATERIALIZED): otherwise it may fold the selection into the figure's query and,
    # to group without sorting, walk every person by nationality before it meets the filter's few modules (a
    # course's reach at 500,000 people: 6 s against 0.01 s). Elsewhere a plain CTE, which PostgreSQL folds in.
    # materialized=False for a caller whose own joins are the narrow part (a grant's few modules).
    selection = sa.select(*selected).select_from(joined).where(*conditions).cte("reach")
    return selection.prefix_with("MATERIALIZED", dialect="sqlite") if materialized else selection


def _conditions(f: ReachFilter, year: Any, *, took_part: bool = True) -> list[Any]:
    # Reach counts people who took part: not those only registered (attendance not recorded) or recorded absent.
    conditions: list[Any] = [TOOK_PART] if took_part else []
    if f.courses:
        codes = [code.lower() for code in f.courses]
        conditions.append(sa.func.lower(Course.code).in_(codes))
    if f.module_ids:
        conditions.append(Module.id.in_(f.module_ids))
    if f.year_from is not None:
        conditions.append(year >= f.year_from)
    if f.year_to is not None:
        conditions.append(year <= f.year_to)
    if f.scopes:
        conditions.append(Course.scope.in_([Scope(s) for s in f.scopes]))
    if f.countries:
        conditions.append(among(f.country_column(), f.countries))
    if f.genders:
        conditions.append(Person.gender.in_([Gender(g) for g in f.genders]))
    if f.org_types:
        conditions.append(among(Organisation.org_type, f.org_types, OrgType))
    if f.roles:
        # As CASE: no database starts from the role index (most rows are participants; SQLite's sampled statistics
        # do not show it), which would read every participant's row to find a course's few.
        roles = [ParticipationRole(r) for r in f.roles]
        conditions.append(sa.case((Participation.role.in_(roles), 1), else_=0) == 1)
    if f.funders or f.grants:
        conditions.append(Participation.module_id.in_(funded_module_ids(f.funders, f.grants)))
    return conditions


def among(column: Any, values: Iterable[str], read: Any = str) -> Any:
    """The condition that `column` holds one of the chosen values (each as `read` makes it: an enum, a code), or
    nothing on record when NOT_RECORDED (or UNKNOWN) is among them. The raw rows' filter and the kept summaries'
    (programme/reach/kept.selection) both select with it."""
    chosen = set(values)
    known = [read(value) for value in sorted(chosen - MISSING)]
    condition = column.in_(known) if known else sa.false()
    return sa.or_(condition, column.is_(None)) if chosen & MISSING else condition


@depends_on(every_module=True, people=True)
def filter_options(session: Session) -> dict[str, Any]:
    """Return what the filter widgets offer: years, scopes, countries, genders, org types, roles, funders and
    grants. The courses and modules are not among them: the page offers the newest courses with a find box
    (`ui.course_filter`) and a course's modules with `courses.search.module_choices` (18,684 courses' labels were
    read on every cold Reach page at scale, 57,000 modules' cost a second). The countries are read one index look-up
    each (`core.distinct`), not from every person."""
    first, last = session.execute(sa.select(sa.func.min(Module.start_date), sa.func.max(Module.start_date))).one()
    person = Person.__table__
    countries = {
        code for column in (person.c.nationality, person.c.country_of_work) for code in distinct_values(session, column)
    }
    return {
        "years": (first.year, last.year) if first else None,
        "scopes": [s.value for s in Scope],
        # Last, as the Country tab shows it: the people whose country (of the basis counted) is not on record.
        "countries": {
            **dict(sorted(((code, country_name(code)) for code in countries), key=lambda item: item[1])),
            NOT_RECORDED: NOT_RECORDED,
        },
        "genders": [g.value for g in Gender],
        "org_types": [o.value for o in OrgType] + [NOT_RECORDED],
        "roles": [r.value for r in ParticipationRole],
        **funding_options(session),
    }
