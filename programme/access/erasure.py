"""The right to be forgotten: a person's personal data goes, their place in the aggregate figures stays."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from sqlmodel import Session, SQLModel
from sqlmodel.sql.sqltypes import AutoString

from programme.access import audit
from programme.access.erasure_register import note_erasure
from programme.access.privacy import PeopleToHide, redact
from programme.core.errors import NotFound, ProgrammeError
from programme.core.words import counted
from programme.models import (
    AuditEntry,
    GroupMember,
    ImportUpdate,
    NetworkMember,
    Organisation,
    OrgType,
    Outcome,
    Person,
    Response,
)
from programme.models.base import utcnow
from programme.people.names import fold
from programme.selfservice.forget import forget_registrations

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


def forget_person(session: Session, *, person_id: int, by: str | None, note: bool = True) -> Person:
    """Remove a person's personal data, keeping an anonymous record for aggregates; return it.

    note: write the erasure in the register of erasures (programme/access/erasure_register.py) once committed, so
    that a restore of an older backup erases the record again (false when that restore is what erases it)."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"There is no person with id {person_id}.")
    if person.erased_at is not None:
        raise ProgrammeError("This person's data was already erased.")
    email = person.email
    traces = PeopleToHide.of(
        [(person.full_name, person.given_name, person.family_name, person.phone)],
        [person.email] if person.email else [],
    )
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
    # Belonging to a network or a working group is theirs too ("Erased person #5" stayed a network's focal point and
    # on the printed group lists); figures do not count either. Deleted one by one: the pages' caches notice.
    for membership in session.scalars(sa.select(NetworkMember).where(NetworkMember.person_id == person_id)):
        session.delete(membership)
    for membership in session.scalars(sa.select(GroupMember).where(GroupMember.person_id == person_id)):
        session.delete(membership)
    # Their own forms: the values registrations kept, a registration waiting that may be theirs, check-in codes.
    discarded = forget_registrations(session, person_id, email, by)
    # Earlier audit entries about this person may hold their old values: keep who/when/what, drop the values.
    session.execute(
        sa.update(AuditEntry)
        .where(AuditEntry.entity == "person", AuditEntry.entity_id == person_id)
        .values(before=None, after=None, summary="(details removed on erasure)")
    )
    cleaned = clean_traces(session, traces)
    audit.record(
        session,
        action="erase",
        username=by,
        entity="person",
        entity_id=person_id,
        summary="personal data erased; anonymous record kept for aggregate figures"
        + (f"; their name or contacts removed from {counted(cleaned, 'other text')}" if cleaned else "")
        + (
            f"; {counted(discarded, 'registration')} waiting for review that may be theirs discarded"
            if discarded
            else ""
        ),
    )
    session.flush()
    _compact_search_index(session)
    if note:
        note_erasure(session, person)
    return person


# Text columns never swept: identifiers, codes, hashes, accounts, and the names of other people and
# organisations (a namesake keeps their name). Enum columns, country codes and unique columns are skipped too.
_NOT_SWEPT = {
    "person": {"given_name", "family_name", "full_name", "name_key", "email", "phone"},
    "organisation": {"name", "name_key"},
    "app_user": None,  # None: the whole table
    "app_setting": {"key"},
    "audit_entry": {"username", "action", "entity"},
    "import_batch": {"file_hash", "username", "kind"},
    "import_update": {"field"},
}
# Rows read at once while sweeping a column.
_SWEEP_BATCH = 5_000


def _swept_columns() -> Iterator[tuple[sa.Table, sa.Column]]:
    for table in SQLModel.metadata.sorted_tables:
        skipped = _NOT_SWEPT.get(table.name, set())
        if skipped is None:
            continue
        unique = {c.name for constraint in table.constraints if isinstance(constraint, sa.UniqueConstraint)
                  for c in constraint.columns}  # fmt: skip
        for column in table.columns:
            if (
                isinstance(column.type, sa.String | AutoString)
                and not isinstance(column.type, sa.Enum)
                and column.type.length != 3  # country codes
                and not column.primary_key
                and not column.unique
                and column.name not in unique
                and column.name not in skipped
            ):
                yield table, column


def _like_patterns(traces: PeopleToHide) -> list[str]:
    """Return lower-case LIKE patterns that every text holding the person's name, e-mail or phone matches."""
    words = {part for part in traces.parts if len(part) > 1}
    for name in traces.full_names:
        words.update(name.split())
    # Accented letters may be written without their accent: any single character matches them.
    patterns = {"%" + "".join(c if c.isascii() else "_" for c in word) + "%" for word in words}
    patterns |= {f"%{email}%" for email in traces.emails}
    patterns |= {f"%{phone[-4:]}%" for phone in traces.phones}  # written with spaces or dashes: last group
    return sorted(patterns)


def clean_traces(session: Session, traces: PeopleToHide) -> int:
    """Replace the person's name, e-mail and phone in every free-text column (comments, next steps, import file
    names, audit summaries...) by [name], [e-mail], [phone]; return how many values changed.

    A LIKE on the words of the name narrows each column in SQL; privacy.redact decides. Other people's e-mails
    and phone numbers stay (any_contact=False). The person's own row is cleared by forget_person.
    """
    patterns = _like_patterns(traces)
    if not patterns:
        return 0
    changed = 0
    for table, column in _swept_columns():
        keys = list(table.primary_key.columns)
        where = sa.or_(*(sa.func.lower(column).like(pattern) for pattern in patterns))
        rows = session.execute(sa.select(*keys, column).where(where)).all()
        for row in rows:
            *key, text = row
            cleaned = redact(text, traces, any_contact=False)
            if cleaned != text:
                condition = sa.and_(*(k == value for k, value in zip(keys, key, strict=True)))
                session.execute(sa.update(table).where(condition).values({column.name: cleaned}))
                changed += 1
    return changed


def _compact_search_index(session: Session) -> None:
    """SQLite's full-text index keeps deleted words in its segments until they are merged: merge them now, so
    that the erased name is gone from the index too (PostgreSQL rewrites the row's tsvector)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sa.text("INSERT INTO person_search(person_search) VALUES ('optimize')"))


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
