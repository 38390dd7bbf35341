"""Reach figures: courses, modules, individuals counted once, participations, countries."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from programme.core.freshness import depends_on
from programme.funding.queries import individuals_by_funder
from programme.models import (
    AgendaSession,
    Course,
    Group,
    Module,
    Network,
    Organisation,
    Participation,
    Person,
    Response,
)
from programme.reach import kept
from programme.reach.filters import TOOK_PART, UNKNOWN
from programme.reach.funnel import funnel, organisation_count


def _count(session: Session, column: Any, *, distinct: bool = False, where: Any = None) -> int:
    expression = sa.func.count(sa.distinct(column)) if distinct else sa.func.count(column)
    query = sa.select(expression)
    if where is not None:
        query = query.where(where)
    return int(session.scalar(query) or 0)


@depends_on(every_module=True, people=True)
def headline(session: Session) -> dict[str, int]:
    """Return the headline reach: courses, modules, individuals, participations, countries.

    Individuals and participations are of people who took part (not those only registered).
    """
    if kept.current(session):
        return kept.headline(session)
    individuals = sa.select(Participation.person_id).where(TOOK_PART).distinct().subquery()
    countries = session.scalar(
        sa.select(sa.func.count(sa.distinct(Person.nationality))).where(Person.id.in_(sa.select(individuals)))
    )
    return {
        "courses": _count(session, Course.id),
        "modules": _count(session, Module.id),
        "individuals": _count(session, Participation.person_id, distinct=True, where=TOOK_PART),
        "participations": _count(session, Participation.id, where=TOOK_PART),
        "countries": int(countries or 0),
    }


def _individuals_by(session: Session, column: Any, *, join_org: bool = False) -> dict[str, int]:
    if kept.current(session):
        return kept.individuals_by(session, column.key, UNKNOWN)
    query = (
        sa.select(column, sa.func.count(sa.distinct(Person.id)))
        .join(Participation, Participation.person_id == Person.id)
        .where(TOOK_PART)
    )
    if join_org:
        query = query.outerjoin(Organisation, Organisation.id == Person.organisation_id)
    rows = session.execute(query.group_by(column)).all()
    result: dict[str, int] = {}
    for key, count in rows:
        label = getattr(key, "value", key) if key is not None else UNKNOWN
        result[str(label)] = result.get(str(label), 0) + int(count)
    return dict(sorted(result.items()))


def reach_stats(session: Session) -> dict[str, Any]:
    """Return the figures of `stats --json` that need no funding tables (a database at any migration has them)."""
    if kept.current(session):
        by_year = kept.participations_by_year(session)
    else:
        year = sa.extract("year", Module.start_date)
        rows = session.execute(
            sa.select(year, sa.func.count(Participation.id))
            .join(Module, Module.id == Participation.module_id)
            .where(TOOK_PART)
            .group_by(year)
            .order_by(year)
        ).all()
        by_year = {str(int(y)): int(n) for y, n in rows}
    steps = funnel(session)
    by_country = _individuals_by(session, Person.nationality)
    by_country.pop(UNKNOWN, None)  # keys are ISO codes; people without a nationality are counted elsewhere
    return {
        **headline(session),
        "sessions": _count(session, AgendaSession.id),
        "groups": _count(session, Group.id),
        "evaluation_responses": _count(session, Response.id),
        "alumni_networks": _count(session, Network.id),
        "by_country": by_country,
        "by_gender": _individuals_by(session, Person.gender),
        "by_org_type": _individuals_by(session, Organisation.org_type, join_org=True),
        "by_year": by_year,
        "organisations": organisation_count(session),
        # Participants registered (every participation row) and those who completed at least one module.
        **{stage: int(n) for stage, n in zip(steps["stage"], steps["individuals"], strict=True) if stage != "attended"},
    }


def registration_totals(session: Session) -> dict[str, int]:
    """Return how registration lists compare with participation, over everything: registered (people on a
    registration list) and registered_took_part (of them, people who took part in a module they registered for)."""
    if kept.current(session):
        counts = kept.registration_counts(session)
        return {key: counts[key] for key in ("registered", "registered_took_part")}
    registered = Participation.registered.is_(True)
    return {
        "registered": _count(session, Participation.person_id, distinct=True, where=registered),
        "registered_took_part": _count(
            session, Participation.person_id, distinct=True, where=sa.and_(registered, TOOK_PART)
        ),
    }


def stats(session: Session) -> dict[str, Any]:
    """Return every figure of `python -m programme stats --json`, by_funder (funder → individuals) included."""
    return {**reach_stats(session), "by_funder": individuals_by_funder(session)}


def civil_society_basis(typed: int, individuals: int, *, fewer_than: int | None = None) -> str:
    """Return what the civil-society share is of, as the end of a sentence: every individual, some of them (the others
    left out), or, when no organisation type is recorded at all, that there is no share yet ("of the 0" said nothing).

    fewer_than: N for a viewer (access/small_counts.py): when the people whose type is recorded, or the others, are 1
    to N-1, neither count is given (the other would give it by subtraction from the individuals)."""
    untyped = individuals - typed
    if fewer_than is not None and typed and untyped and (typed < fewer_than or untyped < fewer_than):
        some = f"fewer than {fewer_than}" if typed < fewer_than else f"all but fewer than {fewer_than}"
        return (
            f"individuals whose organisation type is recorded: {some} of the {individuals:,} (the others are left out "
            "of the share)."
        )
    if not typed and individuals:
        people = "individual" if individuals == 1 else "individuals"
        return (
            f"individuals whose organisation type is recorded. No organisation type is recorded yet for the "
            f"{individuals:,} {people} in this selection, so there is no civil-society share."
        )
    if typed == individuals:
        return "individuals whose organisation type is recorded."
    return (
        f"{typed:,} of the {individuals:,} individuals whose organisation type is recorded (the other "
        f"{individuals - typed:,} are left out of the share)."
    )
