"""Lists of courses and modules under one filter type each (the Courses and modules page, `course list`, `module list`).

A `ModuleFilter` (or `CourseFilter`) says which rows a list keeps, as `ReachFilter` does for the reach figures:
the table and its count read the same filter, so the page's "N of M" never disagrees with the rows shown.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.core.freshness import depends_on
from programme.courses.catalogue import checked_enum, get_course, read_country
from programme.courses.overview import shown_status_is
from programme.models import Course, Module, Scope


@dataclass(frozen=True)
class CourseFilter:
    """Which courses a list keeps; None (or blank text) means no restriction.

    year: running in that year (first to last year); country: the host country or a module's country (an ISO
    code or a name); scope: a Scope value; search: words in the course code or title.
    """

    year: int | None = None
    country: str | None = None
    scope: str | None = None
    search: str | None = None

    def is_set(self) -> bool:
        """Return whether any restriction is set (with none, an empty list means nothing was added yet)."""
        return any(_given(getattr(self, field.name)) for field in fields(self))


@dataclass(frozen=True)
class ModuleFilter:
    """Which modules a list keeps; None (or blank text) means no restriction.

    year: the module touches that year (one may run over New Year); country: the module's country (an ISO code
    or a name); scope: its course's Scope; status: the module's status as the modules list says it (one of
    overview.SHOWN_STATUSES: a module marked delivered with nobody marked as having come is "under way" or "ended,
    attendance not recorded", not "delivered"); course_code: one course's modules; search: words in the course code
    or title, the module title or the city.
    """

    year: int | None = None
    country: str | None = None
    scope: str | None = None
    status: str | None = None
    course_code: str | None = None
    search: str | None = None

    def is_set(self) -> bool:
        """Return whether any restriction is set (with none, an empty list means nothing was added yet)."""
        return any(_given(getattr(self, field.name)) for field in fields(self))

    def for_courses(self) -> CourseFilter:
        """Return the same year, country, scope and search for the courses list (status is a module's alone)."""
        return CourseFilter(year=self.year, country=self.country, scope=self.scope, search=self.search)


def _given(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


# A status filter reads participations (whether anyone came): its lists follow attendance as it is recorded.
@depends_on(when={"filters.status": "every_module"})
def modules_table(
    session: Session, filters: ModuleFilter | None = None, *, limit: int | None = None, today: date | None = None
) -> pd.DataFrame:
    """Return the modules matching the filter (all by default) with their course, newest first, as a table.

    limit keeps the newest that many (see count_modules for how many match); today (default: today) is the day a
    status filter's words are said on. The status column is the module's stored status (overview.shown_statuses
    gives the words the list shows).
    """
    query = (
        sa.select(
            Module.id.label("module_id"),
            Course.code.label("course"),
            Course.title.label("course_title"),
            Course.scope,
            Module.number,
            Module.title,
            Module.start_date,
            Module.end_date,
            Module.city,
            Module.country,
            Module.status,
        )
        .join(Course, Course.id == Module.course_id)
        .order_by(Module.start_date.desc(), Course.code, Module.number)
    )
    query = _narrow_modules(session, query, filters or ModuleFilter(), today or date.today())
    if limit is not None:
        query = query.limit(limit)
    frame = pd.DataFrame(session.execute(query).mappings().all())
    if frame.empty:
        return pd.DataFrame(columns=[c.name for c in query.selected_columns])
    for column in ("scope", "status"):
        frame[column] = frame[column].map(lambda value: getattr(value, "value", value))
    return frame


@depends_on(when={"filters.status": "every_module"})
def count_modules(
    session: Session, filters: ModuleFilter | None = None, *, today: date | None = None
) -> tuple[int, int]:
    """Return how many modules match the filter (as modules_table lists them on the day today), and of how many
    courses."""
    query = sa.select(sa.func.count(Module.id), sa.func.count(sa.distinct(Module.course_id))).join(
        Course, Course.id == Module.course_id
    )
    narrowed = _narrow_modules(session, query, filters or ModuleFilter(), today or date.today())
    modules, course_count = session.execute(narrowed).one()
    return int(modules), int(course_count)


def _narrow_modules(session: Session, query: sa.Select, filters: ModuleFilter, today: date) -> sa.Select:
    """Return query (over Module joined to Course) narrowed to the modules matching the filter."""
    if filters.year is not None:
        # A module counts in every year it touches (one may run over New Year).
        year = filters.year
        query = query.where(Module.start_date <= date(year, 12, 31), Module.end_date >= date(year, 1, 1))
    if _given(filters.country):
        query = query.where(Module.country == read_country(filters.country))
    if _given(filters.scope):
        query = query.where(Course.scope == checked_enum(Scope, filters.scope, "scope"))
    if _given(filters.status):
        query = query.where(shown_status_is(filters.status.strip(), today=today))
    if _given(filters.course_code):
        query = query.where(Course.id == get_course(session, filters.course_code).id)
    if _given(filters.search):
        pattern = f"%{filters.search.strip().lower()}%"
        columns = (Course.code, Course.title, Module.title, Module.city)
        query = query.where(sa.or_(*(sa.func.lower(column).like(pattern) for column in columns)))
    return query


@depends_on()
def module_filter_options(session: Session) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """Return the years the modules touch (newest first) and their countries' codes, for filter lists."""
    first, last = session.execute(sa.select(sa.func.min(Module.start_date), sa.func.max(Module.end_date))).one()
    years = tuple(range(last.year, first.year - 1, -1)) if first and last else ()
    found = session.scalars(sa.select(Module.country).where(Module.country.is_not(None)).distinct())
    return years, tuple(sorted(found))


@depends_on()
def courses_table(session: Session, filters: CourseFilter | None = None, *, limit: int | None = None) -> pd.DataFrame:
    """Return the courses matching the filter with their number of modules and first/last dates, newest first.

    limit keeps the newest that many (see count_courses for how many match).
    """

    def of_course(value: sa.ColumnElement) -> sa.ScalarSelect:
        # Per course (an index look-up), so that a page of courses does not aggregate every module.
        return sa.select(value).where(Module.course_id == Course.id).correlate(Course).scalar_subquery()

    query = sa.select(
        Course.id.label("course_id"),
        Course.code,
        Course.title,
        Course.scope,
        Course.host_country,
        Course.start_year,
        Course.end_year,
        of_course(sa.func.count(Module.id)).label("modules"),
        of_course(sa.func.min(Module.start_date)).label("first_start"),
        of_course(sa.func.max(Module.end_date)).label("last_end"),
    ).order_by(Course.start_year.desc().nulls_last(), Course.code)
    query = _narrow_courses(query, filters or CourseFilter())
    if limit is not None:
        query = query.limit(limit)
    columns = [c.name for c in query.selected_columns]
    frame = pd.DataFrame(session.execute(query).mappings().all(), columns=columns)
    frame["scope"] = frame["scope"].map(lambda value: getattr(value, "value", value))
    return frame


@depends_on()
def count_courses(session: Session, filters: CourseFilter | None = None) -> int:
    """Return how many courses match the filter (as courses_table lists them)."""
    return int(session.scalar(_narrow_courses(sa.select(sa.func.count(Course.id)), filters or CourseFilter())))


def _narrow_courses(query: sa.Select, filters: CourseFilter) -> sa.Select:
    """Return query (over Course) narrowed to the courses matching the filter."""
    if filters.year is not None:
        last_year = sa.func.coalesce(Course.end_year, Course.start_year)
        query = query.where(Course.start_year <= filters.year, last_year >= filters.year)
    if _given(filters.country):
        code = read_country(filters.country)
        in_module = sa.select(Module.id).where(Module.course_id == Course.id, Module.country == code).exists()
        query = query.where(sa.or_(Course.host_country == code, in_module))
    if _given(filters.scope):
        query = query.where(Course.scope == checked_enum(Scope, filters.scope, "scope"))
    if _given(filters.search):
        pattern = f"%{filters.search.strip().lower()}%"
        query = query.where(sa.or_(sa.func.lower(Course.code).like(pattern), sa.func.lower(Course.title).like(pattern)))
    return query
