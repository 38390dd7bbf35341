"""Follow-up outcomes under a filter: course, module, year reported, country, kind, funder and grant.

An outcome is tied to the module that preceded it (outcome.module_id, migration 0012); course filters match
the outcome's course, module and funding filters the module it followed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access.accounts import SignedIn
from programme.alumni.common import IS_LISTED, person
from programme.courses.catalogue import module_label
from programme.funding.queries import funded_module_ids
from programme.models import Course, Module, Outcome, OutcomeKind, Participation
from programme.reach.filters import among

NOT_LISTED = "(not listed)"
# What the Outcomes tab says when no outcome is shown (no_outcomes_note).
NO_MATCH = "No outcomes match. Widen the filters"
WHAT_OUTCOMES_ARE = (
    "An outcome is what an alum did after a module: a shadow report submitted, a case taken to a UN mechanism, a "
    "policy change, a network or campaign started."
)
COLUMNS = ["id", "reported_on", "kind", "description", "course", "module", "country", "alum"]


@dataclass(frozen=True)
class OutcomeFilter:
    """What the outcomes are restricted to; empty means no restriction.

    years: the year the outcome was reported; countries: the alum's country of work (ISO alpha-3, or
    reach.NOT_RECORDED for the alumni whose country of work is not on record).
    """

    courses: tuple[str, ...] = ()
    module_ids: tuple[int, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    countries: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    funders: tuple[str, ...] = ()
    grants: tuple[str, ...] = ()


def _conditions(f: OutcomeFilter) -> list:
    year = sa.extract("year", Outcome.reported_on)
    conditions: list = []
    if f.courses:
        conditions.append(Outcome.course_id.in_(sa.select(Course.id).where(Course.code.in_(f.courses))))
    if f.module_ids:
        conditions.append(Outcome.module_id.in_(f.module_ids))
    if f.year_from is not None:
        conditions.append(year >= f.year_from)
    if f.year_to is not None:
        conditions.append(year <= f.year_to)
    if f.countries:  # NOT_RECORDED among them: the alumni whose country of work is not on record, as on Reach
        conditions.append(
            Outcome.person_id.in_(sa.select(person.c.id).where(among(person.c.country_of_work, f.countries)))
        )
    if f.kinds:
        conditions.append(Outcome.kind.in_([OutcomeKind(kind) for kind in f.kinds]))
    if f.funders or f.grants:
        conditions.append(Outcome.module_id.in_(funded_module_ids(f.funders, f.grants)))
    return conditions


def outcome_kind_counts(session: Session, outcome_filter: OutcomeFilter | None = None) -> dict[str, int]:
    """Return how many outcomes of each kind match (every kind, zero included)."""
    query = sa.select(Outcome.kind, sa.func.count()).where(*_conditions(outcome_filter or OutcomeFilter()))
    counts = dict(session.execute(query.group_by(Outcome.kind)).all())
    return {kind.value: int(counts.get(kind, 0)) for kind in OutcomeKind}


def no_outcomes_note(session: Session) -> str:
    """Return what the Outcomes tab says when no outcome matches its filters.

    With outcomes recorded, the filters hide them: widen them. With none recorded at all, no filter helps: say what an
    outcome is and how one is recorded (the tab's "Record an outcome" form, for an alum found by name; people come
    from a module's participant list)."""
    if session.scalar(sa.select(Outcome.id).limit(1)) is not None:
        return f"{NO_MATCH}, or record an outcome below."
    if session.scalar(sa.select(Participation.id).limit(1)) is None:
        return (
            f"No outcomes are recorded yet. {WHAT_OUTCOMES_ARE} Outcomes are recorded for people who took part: "
            "import a module's participant list first (**People › Import participants**), then find the alum under "
            "**Record an outcome** below."
        )
    return (
        f"No outcomes are recorded yet. {WHAT_OUTCOMES_ARE} When an alum reports one, find them by name under "
        "**Record an outcome** below and record what happened, when it was reported and the module it followed; "
        "outcomes then show here and in the funders' reports."
    )


def filtered_outcomes(
    session: Session, outcome_filter: OutcomeFilter | None = None, *, user: SignedIn | None
) -> pd.DataFrame:
    """Return the matching outcomes, newest first: id, reported_on, kind, description, course, module (the one it
    followed), country (the alum's country of work) and alum (the name only where listed and the user may see names)."""
    show_names = user is not None and user.can_see_names
    query = (
        sa.select(
            Outcome.id, Outcome.reported_on, Outcome.kind, Outcome.description, Course.code,
            Module.number, Module.start_date, Module.city, sa.literal_column("module_course.code"),
            person.c.country_of_work, person.c.full_name, IS_LISTED.label("listed"),
        )
        .join(person, person.c.id == Outcome.person_id)
        .outerjoin(Course, Course.id == Outcome.course_id)
        .outerjoin(Module, Module.id == Outcome.module_id)
        .outerjoin(Course.__table__.alias("module_course"), sa.literal_column("module_course.id") == Module.course_id)
        .where(*_conditions(outcome_filter or OutcomeFilter()))
        .order_by(Outcome.reported_on.desc(), Outcome.id.desc())
    )  # fmt: skip
    rows = []
    for oid, on, kind, text, course, number, start, city, module_course, country, name, listed in session.execute(
        query
    ):
        module = module_label(module_course, number, start, city) if number is not None else None
        alum = name if show_names and listed else NOT_LISTED
        rows.append((oid, on, getattr(kind, "value", kind), text, course or module_course, module, country, alum))
    return pd.DataFrame(rows, columns=COLUMNS)


def filtered_by_year(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the outcomes of a filtered_outcomes table counted by year reported and kind (for the chart)."""
    if frame.empty:
        return pd.DataFrame(columns=["year", "kind", "outcomes"])
    years = pd.to_datetime(frame["reported_on"]).dt.year
    return frame.assign(year=years).groupby(["year", "kind"]).size().rename("outcomes").reset_index()
