"""Query functions that count their calls, for the tests of cached figures (tests/test_figure_cache.py).

ui.cached_query finds a function again by its module and name, so these live in a module of their own.
"""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from sqlmodel import Session

from programme.core.freshness import depends_on
from programme.models import Module, Participation

CALLS: Counter = Counter()


def _participations(session: Session, *conditions: sa.ColumnElement) -> int:
    return int(session.scalar(sa.select(sa.func.count(Participation.id)).where(*conditions)) or 0)


@depends_on(module="module_id")
def module_figure(session: Session, module_id: int) -> int:
    """Participations of one module."""
    CALLS["module", module_id] += 1
    return _participations(session, Participation.module_id == module_id)


@depends_on(course="course_id")
def course_figure(session: Session, *, course_id: int) -> int:
    """Participations of one course's modules."""
    CALLS["course", course_id] += 1
    modules = sa.select(Module.id).where(Module.course_id == course_id)
    return _participations(session, Participation.module_id.in_(modules))


@depends_on(every_module=True, people=True)
def programme_figure(session: Session) -> int:
    """Participations of the whole programme."""
    CALLS["programme"] += 1
    return _participations(session)


@depends_on(module="module_id", when={"wide": "general"})
def widened_figure(session: Session, module_id: int, *, wide: bool = False) -> int:
    """Participations of one module, declared to read anything when `wide` is set."""
    CALLS["widened", module_id, wide] += 1
    return _participations(session, Participation.module_id == module_id)


def undeclared_figure(session: Session) -> int:
    """Participations of the whole programme, with no declaration (the general version)."""
    CALLS["undeclared"] += 1
    return _participations(session)
