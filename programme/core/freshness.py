"""Cheap fingerprints of the data, so that a cached figure is recomputed only after what it shows changed.

Two kinds of version:
- the general version: the newest id of the audit trail and of the tables behind the headline figures. Every
  change the app makes leaves an audit entry or a new row (deletions, such as an undone import or an erasure, are
  audited), so it moves whenever any figure could; it is what an undeclared function is keyed on.
- scoped versions: the `data_version` rows moved by the summaries' upkeep (programme/summaries/upkeep.py) in the
  same transaction as a change: "module:<id>" per module touched, "any-module" whenever one is, "people",
  "catalogue" (courses and modules themselves) and "everything" (a rebuild, the demo).

A query function declares what its figures depend on with `depends_on` (read by `ui.cached_query`): a figure
about one module is then kept while other modules change. Declare only what reads tables the upkeep notices
(participations, people, organisations, evaluations, agenda sessions and their facilitators, modules, courses);
a figure that also reads anything else (settings, groups, next steps, networks, outcomes, grants, partners,
attendance days, accounts...) stays on the general version (no declaration, or `general=True`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

from programme.models import AuditEntry, Course, Module, Participation, Person

# Every change the app makes leaves an audit entry or a new row (deletions, such as an undone import or an
# erasure, are audited), so the newest id of each of these tables moves whenever the figures could.
_TABLES = (AuditEntry, Person, Participation, Module, Course)

ANY_MODULE_SCOPE = "any-module"
PEOPLE_SCOPE = "people"
CATALOGUE_SCOPE = "catalogue"
EVERYTHING_SCOPE = "everything"
_DEPENDS = "__figures_depend_on__"

F = TypeVar("F", bound=Callable[..., Any])


def module_scope(module_id: int) -> str:
    """The data_version scope of one module's figures."""
    return f"module:{int(module_id)}"


@dataclass(frozen=True)
class Depends:
    """What a query function's figures depend on; the names are those of its parameters.

    module: the parameter holding one module id (None as its value: every module); whole_course: the module's
    whole course counts (e.g. texts redacted with the names of the course's people); modules: one holding several;
    course: one holding a course id (its modules' versions); every_module: figures over all modules; people: over
    individuals (also those in no module, and facilitators' names); general: anything (the general version);
    when: {parameter (or "parameter.attribute"): "every_module" | "people" | "general", or several}, what the
    figures also depend on when that argument is set (a funder or grant filter reads tables the upkeep does not
    notice: "general").
    """

    module: str | None = None
    whole_course: bool = False
    modules: str | None = None
    course: str | None = None
    every_module: bool = False
    people: bool = False
    general: bool = False
    when: tuple[tuple[str, str], ...] = ()


WIDER = ("whole_course", "every_module", "people", "general")


def depends_on(
    *,
    module: str | None = None,
    whole_course: bool = False,
    modules: str | None = None,
    course: str | None = None,
    every_module: bool = False,
    people: bool = False,
    general: bool = False,
    when: Mapping[str, str | tuple[str, ...]] | None = None,
) -> Callable[[F], F]:
    """Declare what a query function's cached figures depend on (see Depends); "catalogue" and "everything"
    always count. Undeclared functions are keyed on the general version."""
    wider = tuple(
        sorted(
            (name, kind) for name, what in (when or {}).items() for kind in ((what,) if isinstance(what, str) else what)
        )
    )
    if any(kind not in WIDER for _, kind in wider):
        raise ValueError(f"when: each value is one of {', '.join(WIDER)}")
    depends = Depends(module, whole_course, modules, course, every_module, people, general, wider)

    def declare(function: F) -> F:
        setattr(function, _DEPENDS, depends)
        return function

    return declare


def declared(function: Callable[..., Any]) -> Depends | None:
    """What the function was declared to depend on (None: undeclared)."""
    return getattr(function, _DEPENDS, None)


def data_version(session: Session) -> tuple[int, ...]:
    """Return the general version: the newest id of the audit trail and the tables behind the headline figures."""
    row = session.execute(_GENERAL).one()
    return tuple(int(value) for value in row)


# Plain SQL, the same on SQLite and PostgreSQL, built once: it is read on every cached call, so SQLAlchemy's building
# of a statement would cost more than the database's few index look-ups.
_MAX_IDS = ", ".join(f"(SELECT coalesce(max(id), 0) FROM {table.__tablename__})" for table in _TABLES)  # noqa: S608
_GENERAL = sa.text(f"SELECT {_MAX_IDS}")
# Versions only grow, so the sum of several moves whenever one of them does.
_SCOPES = "SELECT (SELECT coalesce(sum(version), 0) FROM data_version WHERE scope IN :scopes)"
_COURSE = (
    ", (SELECT coalesce(sum(v.version), 0) FROM module AS m JOIN data_version AS v"
    " ON v.scope = 'module:' || CAST(m.id AS VARCHAR(20)) WHERE m.course_id = {course})"
)
_EXPANDING = sa.bindparam("scopes", expanding=True)
_VERSIONS = {
    None: sa.text(_SCOPES).bindparams(_EXPANDING),
    "course": sa.text(_SCOPES + _COURSE.format(course=":course")).bindparams(_EXPANDING),
    "module": sa.text(_SCOPES + _COURSE.format(course="(SELECT course_id FROM module WHERE id = :module)")).bindparams(
        _EXPANDING
    ),
}


def _arguments(function: Callable[..., Any], args: tuple, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    try:
        bound = inspect.signature(function).bind(None, *args, **kwargs)
    except TypeError:  # the call itself will say what is wrong
        return dict(kwargs)
    bound.apply_defaults()
    return dict(bound.arguments)


def _value(given: Mapping[str, Any], name: str) -> Any:
    """The argument `name`, or an attribute of one ("reach_filter.grants")."""
    first, *rest = name.split(".")
    value = given.get(first)
    for attribute in rest:
        value = getattr(value, attribute, None)
    return value


def figures_version(
    session: Session, function: Callable[..., Any], args: tuple = (), kwargs: Mapping[str, Any] | None = None
) -> tuple:
    """Return the version that function(session, *args, **kwargs)'s figures are kept under, in one query of
    index look-ups: it moves when something the function declared it depends on changed (see depends_on)."""
    depends = declared(function)
    given = _arguments(function, args, kwargs or {}) if depends is not None else {}
    wider = {what for name, what in (depends.when if depends else ()) if _value(given, name)}
    if depends is None or depends.general or "general" in wider:
        return ("general", *data_version(session))
    scopes = [CATALOGUE_SCOPE, EVERYTHING_SCOPE]
    course: dict[str, int] = {}
    every_module = depends.every_module or "every_module" in wider
    if depends.module is not None:
        chosen = given.get(depends.module)
        every_module = every_module or chosen is None
        if chosen is not None and (depends.whole_course or "whole_course" in wider):
            course["module"] = int(chosen)
        elif chosen is not None:
            scopes.append(module_scope(chosen))
    if depends.modules is not None:
        chosen = given.get(depends.modules)
        every_module = every_module or chosen is None
        scopes.extend(module_scope(m) for m in chosen or ())
    if depends.course is not None:
        chosen = given.get(depends.course)
        every_module = every_module or chosen is None
        if chosen is not None and not course:
            course["course"] = int(chosen)
        elif chosen is not None:  # one course per statement: two are answered by every module's version
            every_module = True
    if every_module:
        scopes.append(ANY_MODULE_SCOPE)
    if depends.people or "people" in wider:
        scopes.append(PEOPLE_SCOPE)
    statement = _VERSIONS[next(iter(course), None)]
    row = session.execute(statement, {"scopes": sorted(set(scopes)), **course}).one()
    return ("scoped", *(int(value) for value in row))
