"""The right to be forgotten: a person's personal data goes, their place in the aggregate figures stays."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from programme.access import audit
from programme.core.errors import NotFound, ProgrammeError
from programme.models import (
    AuditEntry,
    ImportUpdate,
    Organisation,
    OrgType,
    Outcome,
    Person,
    Response,
)
from programme.models.base import utcnow
from programme.people.names import fold

# Kept: gender, nationality, country of work and the organisation's type, so that counts by country,
# gender, organisation type and year stay right. Everything else that could identify the person goes.
ERASED_FIELDS = (
    "given_name",
    "family_name",
    "email",
    "phone",
    "position",
    "languages",
    "expertise",
    "notes",
    "consent_date",
    "consent_source",
)
CONSENT_FIELDS = ("consent_listed", "consent_email", "consent_phone", "consent_organisation", "consent_photo")


def erased_name(person_id: int) -> str:
    """Return the display name of an erased person."""
    return f"Erased person #{person_id}"


def forget_person(session: Session, *, person_id: int, by: str | None) -> Person:
    """Remove a person's personal data, keeping an anonymous record for aggregates; return it."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"There is no person with id {person_id}.")
    if person.erased_at is not None:
        raise ProgrammeError("This person's data was already erased.")
    org_type = None
    if person.organisation_id is not None:
        organisation = session.get(Organisation, person.organisation_id)
        org_type = organisation.org_type if organisation else None
    for field in ERASED_FIELDS:
        setattr(person, field, None)
    for field in CONSENT_FIELDS:
        setattr(person, field, False)
    person.full_name = erased_name(person_id)
    person.name_key = fold(person.full_name)
    # A small organisation plus a nationality could point at one person: link to a placeholder of the same type.
    person.organisation_id = _placeholder_organisation(session, org_type) if org_type else None
    person.erased_at = person.updated_at = utcnow()
    session.execute(sa.update(Response).where(Response.person_id == person_id).values(person_id=None))
    session.execute(sa.update(Outcome).where(Outcome.person_id == person_id).values(description="(erased)"))
    session.execute(sa.delete(ImportUpdate).where(ImportUpdate.person_id == person_id))
    # Earlier audit entries about this person may hold their old values: keep who/when/what, drop the values.
    session.execute(
        sa.update(AuditEntry)
        .where(AuditEntry.entity == "person", AuditEntry.entity_id == person_id)
        .values(before=None, after=None, summary="(details removed on erasure)")
    )
    audit.record(
        session,
        action="erase",
        username=by,
        entity="person",
        entity_id=person_id,
        summary="personal data erased; anonymous record kept for aggregate figures",
    )
    session.flush()
    return person


def _placeholder_organisation(session: Session, org_type: OrgType) -> int:
    name = f"(erased) {org_type.value}"
    key = fold(name)
    existing = session.scalar(
        sa.select(Organisation.id).where(Organisation.name_key == key, Organisation.country.is_(None))
    )
    if existing is not None:
        return existing
    organisation = Organisation(name=name, name_key=key, org_type=org_type, country=None)
    session.add(organisation)
    session.flush()
    return organisation.id
