"""Courses and modules: look-ups and the operations that create and change them (lists: courses/queries.py)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session

from programme import summaries
from programme.access import audit
from programme.core import edits
from programme.core.errors import NotFound, ProgrammeError
from programme.models import Course, Delivery, Module, ModuleStatus, Scope
from programme.people.countries import country_name, match_country
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


def _fitting(model: type, field: str, value: str | None, what: str) -> str | None:
    """Return value when it fits its column, or refuse it naming the field: PostgreSQL refused a longer one with an
    error nobody could act on ("something unexpected went wrong"), and SQLite stored it whole."""
    limit = model.__table__.c[field].type.length
    if value and limit and len(value) > limit:
        raise ProgrammeError(f"The {what} is longer than {limit:,} characters ({len(value):,} typed): shorten it.")
    return value


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


def next_module_number(session: Session, course_code: str | None) -> int:
    """Return the number after the course's highest module number (1 for a course without modules, or none)."""
    if not course_code:
        return 1
    highest = session.scalar(
        sa.select(sa.func.max(Module.number))
        .join(Course, Course.id == Module.course_id)
        .where(Course.code == course_code)
    )
    return (highest or 0) + 1


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
    _fitting(Course, "code", code, "course's code")
    _fitting(Course, "title", title, "course's title")
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
        title=_fitting(Module, "title", clean_text(title), "module's title") or f"Module {number}",
        start_date=start,
        end_date=end,
        city=_fitting(Module, "city", clean_text(city), "module's city") or None,
        country=read_country(country),
        venue=_fitting(Module, "venue", clean_text(venue), "module's venue") or None,
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


def checked_enum(enum_cls: type[StrEnum], value: str, what: str) -> StrEnum:
    """Return value as a member of enum_cls, or raise an error listing the values allowed."""
    try:
        return enum_cls(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum_cls)
        raise ProgrammeError(f"The {what} must be one of: {allowed}.") from None


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
    opened: dict | None = None,
) -> Course:
    """Change a course's details (None leaves a field as it is) and return it.

    opened: the course as the form showed it when it opened (course_fields): a field left as it was then stays as
    saved now (a colleague's change meanwhile is kept); one changed both in the form and by someone else since, to
    another value, saves nothing (EditConflict, core/edits.py)."""
    course = get_course(session, code)
    before = course_fields(course)
    values: dict = {}
    if title is not None:
        if not clean_text(title):
            raise ProgrammeError("A course needs a title.")
        values["title"] = _fitting(Course, "title", clean_text(title), "course's title")
    if scope is not None:
        values["scope"] = checked_enum(Scope, scope, "scope")
    if country is not None:
        values["host_country"] = read_country(country)
    if start_year is not None:
        values["start_year"] = start_year
    if end_year is not None:
        values["end_year"] = end_year
    if description is not None:
        values["description"] = without_bidi_controls(description).strip() or None
    if opened is not None:
        values = edits.own_changes(
            session,
            opened=opened,
            values=values,
            now=before,
            what="this course",
            entity="course",
            entity_id=course.id,
            shows={"host_country": country_name},
        )
    for name, value in values.items():
        setattr(course, name, value)
    if "scope" in values:
        # Courses are not summarised themselves: their modules' figures by scope move.
        modules = session.scalars(sa.select(Module.id).where(Module.course_id == course.id))
        summaries.touch(session, modules=modules, catalogue=True)
    if course.end_year is not None and course.start_year is not None and course.end_year < course.start_year:
        raise ProgrammeError("The course's last year is before its first year.")
    session.flush()
    after = course_fields(course)
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


def course_fields(course: Course) -> dict:
    """Return the course fields a planner may change, as stored (codes, enums' values): what a form opens with."""
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


def module_fields(module: Module) -> dict:
    """Return the module fields a planner may change, as stored (codes, enums' values): what a form opens with."""
    return {
        name: getattr(getattr(module, name), "value", getattr(module, name))
        for name in ("title", "number", "start_date", "end_date", "city", "country", "venue", "delivery", "status")
        + ("focus", "objectives")
    }


def _module_value(name: str, value: object) -> object:
    """Return a typed module field as it is stored (enums as enums); a value that cannot be stored is refused."""
    if name in MODULE_TEXT_FIELDS:
        # Title, venue and city are one line; focus and objectives keep their line breaks.
        one_line = name in ("title", "venue", "city")
        text = clean_text(value) if one_line else without_bidi_controls(value or "").strip()
        if name == "title" and not text:
            raise ProgrammeError("A module needs a title.")
        if one_line:
            _fitting(Module, name, text, f"module's {name}")
        return text or None
    if name in ("start_date", "end_date"):
        return value
    if name == "country":
        return read_country(value)
    if name == "status":
        return checked_enum(ModuleStatus, value, "status")
    if name == "delivery":
        return checked_enum(Delivery, value, "delivery")
    if name == "number":
        return int(value)
    raise ProgrammeError(f"A module has no field '{name}' that can be changed here.")


def update_module(
    session: Session, *, module_id: int, changes: dict, by: str | None = None, opened: dict | None = None
) -> Module:
    """Apply changes ({field: value}) to a module and return it; dates stay in order, numbers unique.

    opened: the module as the form showed it when it opened (module_fields): a field left as it was then stays as
    saved now (a colleague's change meanwhile is kept); one changed both in the form and by someone else since, to
    another value, saves nothing (EditConflict, core/edits.py)."""
    module = session.get(Module, module_id)
    if module is None:
        raise NotFound("That module no longer exists.")
    before = module.model_dump(mode="json")
    values = {name: _module_value(name, value) for name, value in changes.items()}
    if opened is not None:
        values = edits.own_changes(
            session,
            opened=opened,
            values=values,
            now=module_fields(module),
            what="this module",
            entity="module",
            entity_id=module_id,
            shows={"country": country_name},
        )
    for name, value in values.items():
        if name == "number":
            _renumber(session, module, value)
        else:
            setattr(module, name, value)
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
