"""Courses and modules: look-ups and the operations that create and change them."""

from __future__ import annotations

from datetime import date

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme import audit
from programme.countries import match_country
from programme.errors import NotFound, ProgrammeError
from programme.models import Course, Module, ModuleStatus, Scope


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
    code, title = code.strip(), title.strip()
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
        description=description,
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
        title=title.strip() or f"Module {number}",
        start_date=start,
        end_date=end,
        city=city,
        country=read_country(country),
        venue=venue,
        focus=focus,
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


def modules_table(session: Session) -> pd.DataFrame:
    """Return every module with its course, newest first, as a table."""
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
    frame = pd.DataFrame(session.execute(query).mappings().all())
    if frame.empty:
        return pd.DataFrame(columns=[c.name for c in query.selected_columns])
    for column in ("scope", "status"):
        frame[column] = frame[column].map(lambda value: getattr(value, "value", value))
    return frame


def module_label(course_code: str, number: int, start: date, city: str | None) -> str:
    """Return "CODE · Module 4 · Dec 2017, Kuala Lumpur" for pickers."""
    where = f", {city}" if city else ""
    return f"{course_code} · Module {number} · {start:%b %Y}{where}"
