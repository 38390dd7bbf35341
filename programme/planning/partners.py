"""A course's partners: organisations with their part (organiser, co-organiser, host, funder)."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access import audit
from programme.core.errors import NotFound, ProgrammeError
from programme.courses.catalogue import get_course, read_country
from programme.models import CoursePartner, Organisation, PartnerRole
from programme.people.names import clean_text, fold


def partners_table(session: Session, course_code: str) -> pd.DataFrame:
    """Return a course's partners (organisation, country, role), organisers first."""
    course = get_course(session, course_code)
    query = (
        sa.select(Organisation.id.label("organisation_id"), Organisation.name, Organisation.country, CoursePartner.role)
        .join(CoursePartner, CoursePartner.organisation_id == Organisation.id)
        .where(CoursePartner.course_id == course.id)
    )
    frame = pd.DataFrame(
        session.execute(query).mappings().all(), columns=["organisation_id", "name", "country", "role"]
    )
    frame["role"] = frame["role"].map(lambda value: getattr(value, "value", value))
    order = {role.value: index for index, role in enumerate(PartnerRole)}
    return frame.sort_values(["role", "name"], key=lambda c: c.map(order) if c.name == "role" else c).reset_index(
        drop=True
    )


def add_partner(
    session: Session,
    *,
    course_code: str,
    organisation: str,
    role: PartnerRole | str,
    country: str | None = None,
    by: str | None,
) -> CoursePartner:
    """Add an organisation (found by name and country, or created) to a course in a role, and return the link."""
    course = get_course(session, course_code)
    name = clean_text(organisation)
    if not name:
        raise ProgrammeError("Give the partner organisation's name.")
    try:
        role = PartnerRole(role)
    except ValueError:
        raise ProgrammeError("The role must be organiser, co-organiser, host or funder.") from None
    code = read_country(country)
    same_country = Organisation.country.is_(None) if code is None else Organisation.country == code
    found = session.scalar(sa.select(Organisation).where(Organisation.name_key == fold(name), same_country))
    if found is None:
        found = Organisation(name=name[:300], name_key=fold(name)[:300], country=code)
        session.add(found)
        session.flush()
    if session.get(CoursePartner, (course.id, found.id, role)):
        raise ProgrammeError(f"{found.name} is already a {role.value} of {course.code}.")
    link = CoursePartner(course_id=course.id, organisation_id=found.id, role=role)
    session.add(link)
    session.flush()
    audit.record(
        session,
        action="create",
        username=by,
        entity="course_partner",
        entity_id=course.id,
        summary=f"organisation {found.id} as {role.value} of {course.code}",
    )
    return link


def remove_partner(
    session: Session, *, course_code: str, organisation_id: int, role: PartnerRole | str, by: str | None
) -> None:
    """Remove an organisation's role in a course (the organisation itself stays)."""
    course = get_course(session, course_code)
    link = session.get(CoursePartner, (course.id, organisation_id, PartnerRole(role)))
    if link is None:
        raise NotFound("That partner is no longer listed for this course.")
    session.delete(link)
    session.flush()
    audit.record(
        session,
        action="delete",
        username=by,
        entity="course_partner",
        entity_id=course.id,
        summary=f"organisation {organisation_id} no longer {PartnerRole(role).value} of {course.code}",
    )
