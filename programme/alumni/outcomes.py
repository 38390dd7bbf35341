"""Follow-up (Kirkpatrick level 3): outcomes alumni report after a course, and their counts."""

from __future__ import annotations

from datetime import date

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access import audit
from programme.access.accounts import SignedIn
from programme.alumni.common import IS_LISTED, person
from programme.core.errors import NotFound, PermissionDenied, ProgrammeError
from programme.courses.catalogue import module_label
from programme.models import Course, Module, Outcome, OutcomeKind, Participation, Person
from programme.people.names import clean_text

# Shown instead of the name of someone who did not agree to be listed.
NOT_LISTED = "(not listed)"


def record_outcome(
    session: Session,
    *,
    person_id: int,
    kind: OutcomeKind | str,
    description: str,
    reported_on: date,
    course_id: int | None = None,
    module_id: int | None = None,
    by: SignedIn,
) -> Outcome:
    """Record an outcome an alum reported, dated and linked to the person, course and module; audited.

    module_id: the module it followed (its course is then the outcome's course). With a course and no module,
    the module is the person's last module of that course that started on or before the date (none if they
    took part in none). With neither, the outcome is tied to nothing.
    """
    if not by.can_edit:
        raise PermissionDenied("Only facilitators and administrators can record outcomes.")
    alum = session.get(Person, person_id)
    if alum is None or alum.erased_at is not None:
        raise NotFound("No such person (or their record was erased).")
    if module_id is not None:
        module = session.get(Module, module_id)
        if module is None:
            raise NotFound("No such module.")
        if course_id is not None and module.course_id != course_id:
            raise ProgrammeError("That module belongs to another course; choose the module or the course again.")
        course_id = module.course_id
    if course_id is not None and session.get(Course, course_id) is None:
        raise NotFound("No such course.")
    description = clean_text(description)
    if not description:
        raise ProgrammeError("Describe the outcome in a few words (what was done, where).")
    if reported_on > date.today():
        raise ProgrammeError("An outcome cannot be reported in the future; check the date.")
    if module_id is None and course_id is not None:
        module_id = preceding_module(session, person_id=person_id, course_id=course_id, on=reported_on)
    outcome = Outcome(
        person_id=person_id,
        course_id=course_id,
        module_id=module_id,
        kind=OutcomeKind(kind),
        description=description,
        reported_on=reported_on,
    )
    session.add(outcome)
    session.flush()
    audit.record(
        session,
        action="create",
        username=by.username,
        entity="outcome",
        entity_id=outcome.id,
        summary=f"outcome '{outcome.kind.value}' for person {person_id}",
    )
    return outcome


def preceding_module(session: Session, *, person_id: int, course_id: int, on: date) -> int | None:
    """Return the person's last module of the course that started on or before a date (None if none)."""
    return session.scalar(
        sa.select(Module.id)
        .join(Participation, Participation.module_id == Module.id)
        .where(Participation.person_id == person_id, Module.course_id == course_id, Module.start_date <= on)
        .order_by(Module.start_date.desc(), Module.number.desc())
        .limit(1)
    )


def person_modules(session: Session, person_id: int) -> dict[int, str]:
    """Return the modules a person took part in, newest first, as {module id: label} (the outcome form's choices)."""
    rows = session.execute(
        sa.select(Module.id, Course.code, Module.number, Module.start_date, Module.city)
        .join(Course, Course.id == Module.course_id)
        .join(Participation, Participation.module_id == Module.id)
        .where(Participation.person_id == person_id)
        .order_by(Module.start_date.desc())
    ).all()
    return {mid: module_label(code, number, start, city) for mid, code, number, start, city in rows}


def person_courses(session: Session, person_id: int) -> dict[int, str]:
    """Return the courses of the modules a person took part in, newest first, as {course id: "code · title"} (the
    outcome form's choices: every course, 18,000 at scale, was too many to send)."""
    rows = session.execute(
        sa.select(Course.id, Course.code, Course.title, sa.func.max(Module.start_date).label("latest"))
        .join(Module, Module.course_id == Course.id)
        .join(Participation, Participation.module_id == Module.id)
        .where(Participation.person_id == person_id)
        .group_by(Course.id, Course.code, Course.title)
        .order_by(sa.desc("latest"), Course.code)
    ).all()
    return {course_id: f"{code} · {title}" for course_id, code, title, _ in rows}


def outcome_counts(session: Session) -> dict[str, int]:
    """Return how many outcomes of each kind were reported (every kind, zero included), for dashboards."""
    counts = dict(session.execute(sa.select(Outcome.kind, sa.func.count()).group_by(Outcome.kind)).all())
    return {kind.value: int(counts.get(kind, 0)) for kind in OutcomeKind}


def outcomes_by_year(session: Session) -> pd.DataFrame:
    """Return outcomes counted by year reported and kind."""
    frame = pd.DataFrame(session.execute(sa.select(Outcome.reported_on, Outcome.kind)).all(), columns=["on", "kind"])
    if frame.empty:
        return pd.DataFrame(columns=["year", "kind", "outcomes"])
    frame["year"] = pd.to_datetime(frame["on"]).dt.year
    frame["kind"] = frame["kind"].map(lambda kind: getattr(kind, "value", kind))
    return frame.groupby(["year", "kind"]).size().rename("outcomes").reset_index()


def outcomes_table(session: Session, *, user: SignedIn | None) -> pd.DataFrame:
    """Return every outcome, newest first; the alum's name only where listed and the user may see names."""
    show_names = user is not None and user.can_see_names
    statement = (
        sa.select(
            Outcome.id,
            Outcome.reported_on,
            Outcome.kind,
            Outcome.description,
            Course.code.label("course"),
            person.c.full_name,
            IS_LISTED.label("listed"),
        )
        .join(person, person.c.id == Outcome.person_id)
        .outerjoin(Course, Course.id == Outcome.course_id)
        .order_by(Outcome.reported_on.desc(), Outcome.id.desc())
    )
    frame = pd.DataFrame(session.execute(statement).mappings().all())
    if frame.empty:
        return pd.DataFrame(columns=["id", "reported_on", "kind", "description", "course", "alum"])
    frame["kind"] = frame["kind"].map(lambda kind: getattr(kind, "value", kind))
    frame["alum"] = [
        name if show_names and listed else NOT_LISTED
        for name, listed in zip(frame["full_name"], frame["listed"], strict=True)
    ]
    return frame.drop(columns=["full_name", "listed"])
