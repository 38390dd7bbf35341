"""Courses and modules: look-ups and the operations that create and change them."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access import audit
from programme.core.errors import NotFound, ProgrammeError
from programme.models import Course, Delivery, Module, ModuleStatus, Scope
from programme.people.countries import match_country
from programme.people.names import clean_text, without_bidi_controls


def read_country(value: str | None, *, what: str = "country") -> str | None:
    """Return the alpha-3 code for a country the user typed, or raise a clear error."""
    if value is None or not str(value).strip():
        return None
    found = match_country(value)
    if found.code:
        return found.code
    hint = f" Did you mean {found.suggestion}?" if found.suggestion else ""
    raise ProgrammeError(f"'{value}' is not a {what} we recognise.{hint}")


def get_course(session: Session, code: str) -> Course:
    """Return the course with this code (case-insensitive), or raise NotFound."""
    course = session.scalar(sa.select(Course).where(sa.func.lower(Course.code) == code.strip().lower()))
    if course is None:
        raise NotFound(f"There is no course with the code '{code}'.")
    return course


def get_module(session: Session, course_code: str, number: int) -> Module:
    """Return module number N of a course, or raise NotFound."""
    course = get_course(session, course_code)
    module = session.scalar(sa.select(Module).where(Module.course_id == course.id, Module.number == number))
    if module is None:
        raise NotFound(f"Course '{course.code}' has no module {number}.")
    return module


def get_module_by_id(session: Session, module_id: int) -> Module:
    """Return the module with this id, or raise NotFound."""
    module = session.get(Module, module_id)
    if module is None:
        raise NotFound("That module no longer exists; pick another one.")
    return module


def course_code_of(session: Session, module: Module) -> str:
    """Return the code of the module's course (for messages that name a module as users do)."""
    return session.scalar(sa.select(Course.code).where(Course.id == module.course_id))


def add_course(
    session: Session,
    *,
    code: str,
    title: str,
    scope: str = Scope.REGIONAL.value,
    country: str | None = None,
    start_year: int | None = None,
    end_year: int | None = None,
    description: str | None = None,
    by: str | None = None,
) -> Course:
    """Create a course and return it; refuse a code already in use."""
    code, title = clean_text(code), clean_text(title)
    if not code or not title:
        raise ProgrammeError("A course needs a code and a title.")
    try:
        scope_value = Scope(scope)
    except ValueError:
        allowed = ", ".join(s.value for s in Scope)
        raise ProgrammeError(f"The scope must be one of: {allowed}.") from None
    if session.scalar(sa.select(Course.id).where(sa.func.lower(Course.code) == code.lower())):
        raise ProgrammeError(f"A course with the code '{code}' already exists.")
    course = Course(
        code=code,
        title=title,
        scope=scope_value,
        host_country=read_country(country),
        start_year=start_year,
        end_year=end_year,
        description=without_bidi_controls(description) if description else description,
    )
    session.add(course)
    session.flush()
    audit.record(
        session,
        action="create",
        username=by,
        entity="course",
        entity_id=course.id,
        summary=f"course {code}",
        after={"code": code, "title": title},
    )
    return course


def add_module(
    session: Session,
    *,
    course_code: str,
    number: int,
    title: str,
    start: date,
    end: date,
    city: str | None = None,
    country: str | None = None,
    venue: str | None = None,
    focus: str | None = None,
    by: str | None = None,
) -> Module:
    """Create module N of a course and return it; dates must be in order, numbers unique."""
    course = get_course(session, course_code)
    if number < 1:
        raise ProgrammeError("A module number starts at 1.")
    if end < start:
        raise ProgrammeError("The module's end date is before its start date.")
    if session.scalar(sa.select(Module.id).where(Module.course_id == course.id, Module.number == number)):
        raise ProgrammeError(f"Course '{course.code}' already has a module {number}.")
    module = Module(
        course_id=course.id,
        number=number,
        title=clean_text(title) or f"Module {number}",
        start_date=start,
        end_date=end,
        city=clean_text(city) or None,
        country=read_country(country),
        venue=clean_text(venue) or None,
        focus=without_bidi_controls(focus) if focus else focus,
        status=ModuleStatus.PLANNED if start > date.today() else ModuleStatus.DELIVERED,
    )
    session.add(module)
    session.flush()
    if course.start_year is None or start.year < course.start_year:
        course.start_year = start.year
    if course.end_year is None or end.year > course.end_year:
        course.end_year = end.year
    audit.record(
        session,
        action="create",
        username=by,
        entity="module",
        entity_id=module.id,
        summary=f"{course.code} module {number}",
    )
    return module


def modules_table(
    session: Session,
    *,
    year: int | None = None,
    country: str | None = None,
    scope: str | None = None,
    status: str | None = None,
    course_code: str | None = None,
    search: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Return the modules matching the filters (all by default) with their course, newest first, as a table.

    search keeps the modules whose course code or title, module title or city contains it; limit keeps
    the newest that many (see count_modules for how many match).
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
    query = _module_filters(
        session, query, year=year, country=country, scope=scope, status=status, course_code=course_code, search=search
    )
    if limit is not None:
        query = query.limit(limit)
    frame = pd.DataFrame(session.execute(query).mappings().all())
    if frame.empty:
        return pd.DataFrame(columns=[c.name for c in query.selected_columns])
    for column in ("scope", "status"):
        frame[column] = frame[column].map(lambda value: getattr(value, "value", value))
    return frame


def count_modules(
    session: Session,
    *,
    year: int | None = None,
    country: str | None = None,
    scope: str | None = None,
    status: str | None = None,
    search: str | None = None,
) -> tuple[int, int]:
    """Return how many modules match modules_table's filters, and of how many courses."""
    query = sa.select(sa.func.count(Module.id), sa.func.count(sa.distinct(Module.course_id))).join(
        Course, Course.id == Module.course_id
    )
    query = _module_filters(session, query, year=year, country=country, scope=scope, status=status, search=search)
    modules, course_count = session.execute(query).one()
    return int(modules), int(course_count)


def _module_filters(
    session: Session,
    query: sa.Select,
    *,
    year: int | None = None,
    country: str | None = None,
    scope: str | None = None,
    status: str | None = None,
    course_code: str | None = None,
    search: str | None = None,
) -> sa.Select:
    """Return query (over Module joined to Course) narrowed to the modules matching the filters."""
    if year is not None:
        # A module counts in every year it touches (one may run over New Year).
        query = query.where(Module.start_date <= date(year, 12, 31), Module.end_date >= date(year, 1, 1))
    if country:
        query = query.where(Module.country == read_country(country))
    if scope:
        query = query.where(Course.scope == _enum(Scope, scope, "scope"))
    if status:
        query = query.where(Module.status == _enum(ModuleStatus, status, "status"))
    if course_code:
        query = query.where(Course.id == get_course(session, course_code).id)
    if search and search.strip():
        pattern = f"%{search.strip().lower()}%"
        columns = (Course.code, Course.title, Module.title, Module.city)
        query = query.where(sa.or_(*(sa.func.lower(column).like(pattern) for column in columns)))
    return query


def module_filter_options(session: Session) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """Return the years the modules touch (newest first) and their countries' codes, for filter lists."""
    first, last = session.execute(sa.select(sa.func.min(Module.start_date), sa.func.max(Module.end_date))).one()
    years = tuple(range(last.year, first.year - 1, -1)) if first and last else ()
    found = session.scalars(sa.select(Module.country).where(Module.country.is_not(None)).distinct())
    return years, tuple(sorted(found))


def _enum(enum_cls: type[StrEnum], value: str, what: str) -> StrEnum:
    try:
        return enum_cls(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum_cls)
        raise ProgrammeError(f"The {what} must be one of: {allowed}.") from None


def courses_table(
    session: Session,
    *,
    year: int | None = None,
    country: str | None = None,
    scope: str | None = None,
    search: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Return the courses matching the filters with their number of modules and first/last dates, newest first.

    search keeps the courses whose code or title contains it; limit keeps the newest that many (see
    count_courses for how many match).
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
    query = _course_filters(query, year=year, country=country, scope=scope, search=search)
    if limit is not None:
        query = query.limit(limit)
    columns = [c.name for c in query.selected_columns]
    frame = pd.DataFrame(session.execute(query).mappings().all(), columns=columns)
    frame["scope"] = frame["scope"].map(lambda value: getattr(value, "value", value))
    return frame


def count_courses(
    session: Session,
    *,
    year: int | None = None,
    country: str | None = None,
    scope: str | None = None,
    search: str | None = None,
) -> int:
    """Return how many courses match courses_table's filters."""
    query = _course_filters(sa.select(sa.func.count(Course.id)), year=year, country=country, scope=scope, search=search)
    return int(session.scalar(query))


def _course_filters(
    query: sa.Select,
    *,
    year: int | None = None,
    country: str | None = None,
    scope: str | None = None,
    search: str | None = None,
) -> sa.Select:
    if year is not None:
        last_year = sa.func.coalesce(Course.end_year, Course.start_year)
        query = query.where(Course.start_year <= year, last_year >= year)
    if country:
        code = read_country(country)
        in_module = sa.select(Module.id).where(Module.course_id == Course.id, Module.country == code).exists()
        query = query.where(sa.or_(Course.host_country == code, in_module))
    if scope:
        query = query.where(Course.scope == _enum(Scope, scope, "scope"))
    if search and search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(sa.or_(sa.func.lower(Course.code).like(pattern), sa.func.lower(Course.title).like(pattern)))
    return query


def update_course(
    session: Session,
    *,
    code: str,
    title: str | None = None,
    scope: str | None = None,
    country: str | None = None,
    start_year: int | None = None,
    end_year: int | None = None,
    description: str | None = None,
    by: str | None = None,
) -> Course:
    """Change a course's details (None leaves a field as it is) and return it."""
    course = get_course(session, code)
    before = _course_values(course)
    if title is not None:
        if not clean_text(title):
            raise ProgrammeError("A course needs a title.")
        course.title = clean_text(title)
    if scope is not None:
        course.scope = _enum(Scope, scope, "scope")
    if country is not None:
        course.host_country = read_country(country)
    if start_year is not None:
        course.start_year = start_year
    if end_year is not None:
        course.end_year = end_year
    if description is not None:
        course.description = without_bidi_controls(description).strip() or None
    if course.end_year is not None and course.start_year is not None and course.end_year < course.start_year:
        raise ProgrammeError("The course's last year is before its first year.")
    session.flush()
    after = _course_values(course)
    audit.record(
        session,
        action="update",
        username=by,
        entity="course",
        entity_id=course.id,
        summary=f"course {course.code}",
        before=before,
        after=after,
    )
    return course


def _course_values(course: Course) -> dict:
    return {
        "title": course.title,
        "scope": getattr(course.scope, "value", course.scope),
        "host_country": course.host_country,
        "start_year": course.start_year,
        "end_year": course.end_year,
        "description": course.description,
    }


# The module fields a planner may change, and how each is read from what they typed.
MODULE_TEXT_FIELDS = ("title", "focus", "objectives", "venue", "city")


def update_module(session: Session, *, module_id: int, changes: dict, by: str | None = None) -> Module:
    """Apply changes ({field: value}) to a module and return it; dates stay in order, numbers unique."""
    module = session.get(Module, module_id)
    if module is None:
        raise NotFound("That module no longer exists.")
    before = module.model_dump(mode="json")
    for name, value in changes.items():
        if name in MODULE_TEXT_FIELDS:
            # Title, venue and city are one line; focus and objectives keep their line breaks.
            one_line = name in ("title", "venue", "city")
            text = clean_text(value) if one_line else without_bidi_controls(value or "").strip()
            if name == "title" and not text:
                raise ProgrammeError("A module needs a title.")
            setattr(module, name, text or None)
        elif name in ("start_date", "end_date"):
            setattr(module, name, value)
        elif name == "country":
            module.country = read_country(value)
        elif name == "status":
            module.status = _enum(ModuleStatus, value, "status")
        elif name == "delivery":
            module.delivery = _enum(Delivery, value, "delivery")
        elif name == "number":
            _renumber(session, module, int(value))
        else:
            raise ProgrammeError(f"A module has no field '{name}' that can be changed here.")
    if module.end_date < module.start_date:
        raise ProgrammeError("The module's end date is before its start date.")
    session.flush()
    course = session.get(Course, module.course_id)
    course.start_year = min(course.start_year or module.start_date.year, module.start_date.year)
    course.end_year = max(course.end_year or module.end_date.year, module.end_date.year)
    audit.record(
        session,
        action="update",
        username=by,
        entity="module",
        entity_id=module.id,
        summary=f"module {module.number} of course {course.code}",
        before=before,
        after=module.model_dump(mode="json"),
    )
    return module


def _renumber(session: Session, module: Module, number: int) -> None:
    if number < 1:
        raise ProgrammeError("A module number starts at 1.")
    clash = session.scalar(
        sa.select(Module.id).where(
            Module.course_id == module.course_id, Module.number == number, Module.id != module.id
        )
    )
    if clash:
        raise ProgrammeError(f"This course already has a module {number}.")
    module.number = number


def module_label(course_code: str, number: int, start: date, city: str | None) -> str:
    """Return "CODE · Module 4 · Dec 2017, Kuala Lumpur" for pickers."""
    where = f", {city}" if isinstance(city, str) and city else ""  # pandas gives NaN for a missing city
    return f"{course_code} · Module {number} · {start:%b %Y}{where}"
