"""Correct a person's record, field by field, read with the import's normalisers and audited before/after."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from programme.access import audit
from programme.access.accounts import SignedIn
from programme.core import edits
from programme.core.errors import NotFound, PermissionDenied, ProgrammeError
from programme.importing import normalise
from programme.importing.validate import MAX_LENGTH
from programme.models import Gender, Organisation, OrgType, Person
from programme.models.base import utcnow
from programme.people.countries import country_name
from programme.people.names import fold, has_letters, name_key, split_name

# The fields a facilitator can correct, in the order the form shows them, with their labels.
EDITABLE = {
    "full_name": "Name",
    "gender": "Gender",
    "nationality": "Nationality",
    "country_of_work": "Country of work",
    "organisation": "Organisation",
    "org_type": "Organisation type",
    "position": "Position",
    "email": "E-mail",
    "phone": "Phone",
    "languages": "Languages",
    "expertise": "Expertise",
    "notes": "Notes",
}
_TEXT = ("position", "languages", "expertise", "notes")


class PersonEditError(ProgrammeError):
    """Values that cannot be saved; `problems` maps each field to what is wrong with it."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        super().__init__(" ".join(f"{EDITABLE[name]}: {message}" for name, message in problems.items()))


@dataclass
class EditResult:
    """What an edit changed: the fields, their values before and after."""

    person_id: int
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)

    @property
    def changed(self) -> list[str]:
        return list(self.after)


def person_record(session: Session, person_id: int) -> dict[str, Any]:
    """Return the editable fields of a person (not erased), as stored: codes for countries, enums as text."""
    person = session.get(Person, person_id)
    if person is None or person.erased_at is not None:
        raise NotFound(f"There is no person with id {person_id} (or their record was erased).")
    organisation = session.get(Organisation, person.organisation_id) if person.organisation_id else None
    record = {name: getattr(person, name, None) for name in EDITABLE if name not in ("organisation", "org_type")}
    record["gender"] = getattr(person.gender, "value", person.gender)
    record["organisation"] = organisation.name if organisation else None
    record["org_type"] = getattr(organisation.org_type, "value", organisation.org_type) if organisation else None
    return {name: record[name] for name in EDITABLE}


def _read(values: dict[str, Any], current: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the typed values normalised as an import reads them, and the problems found, by field."""
    read: dict[str, Any] = {}
    problems: dict[str, str] = {}

    def text(name: str) -> str:
        return normalise.clean(values[name] if name in values else current.get(name))

    for name in values:
        if name not in EDITABLE:
            raise ProgrammeError(f"'{name}' is not a field of a person's record.")
    # The name as typed (cleaned): whoever types a name here, the person themselves on the registration form or a
    # colleague correcting a record, writes it in the order they mean; "Santos, Maria" is not turned round unseen, as
    # an imported list's "Family, Given" column is (with a warning naming the rows).
    name = text("full_name")
    if not name_key(name):
        problems["full_name"] = "the name is missing."
    elif not has_letters(name):
        problems["full_name"] = f"'{name}' is not a name (it has no letters)."
    read["full_name"] = name
    readers = {
        "gender": normalise.gender,
        "nationality": normalise.country,
        "country_of_work": normalise.country,
        "email": normalise.email,
        "org_type": normalise.org_type,
    }
    for field_name, reader in readers.items():
        try:
            read[field_name] = reader(text(field_name))
        except normalise.CellError as error:
            problems[field_name] = str(error)
    read["gender"] = read.get("gender") or Gender.UNDISCLOSED
    try:
        reading = normalise.phone_reading(text("phone"))
        if reading is normalise.NEEDS_REGION:
            reading = normalise.phone_in_region(text("phone"), (read.get("country_of_work"), read.get("nationality")))
        read["phone"] = reading
    except normalise.CellError as error:
        problems["phone"] = str(error)
    organisation = text("organisation")
    read["organisation"] = None if normalise.is_blank(organisation) else organisation
    if read.get("org_type") and not read["organisation"]:
        problems["org_type"] = "an organisation type needs the organisation's name."
    for field_name in _TEXT:
        value = text(field_name)
        read[field_name] = None if normalise.is_blank(value) else value
    for field_name, limit in {**MAX_LENGTH, "organisation": 300}.items():
        value = read.get(field_name)
        if isinstance(value, str) and len(value) > limit and field_name not in problems:
            problems[field_name] = f"at most {limit} characters (this has {len(value)})."
    return read, problems


def edit_person(
    session: Session,
    *,
    person_id: int,
    values: dict[str, Any],
    by: SignedIn,
    opened: dict[str, Any] | None = None,
) -> EditResult:
    """Correct a person's record with values as typed (any subset of EDITABLE); return what changed.

    Values are read as an import reads a sheet's cells (countries by name or code, gender words, e-mail,
    phone to E.164 with the country of work or nationality). Nothing is saved when any value is wrong
    (PersonEditError names each field). The organisation is found by name and country, or created; a type
    given changes the organisation's type. One audit entry keeps the changed fields' values before and
    after (the audit trail is in the database, for administrators; erasure clears those values).

    opened: the record as the form showed it when it opened (person_record). A field typed as it read then is left as
    it is saved now (a colleague's correction, or a merge's, meanwhile stays); a field changed both in the form and
    by someone else since, to another value, saves nothing and raises EditConflict (core/edits.py). None: every
    value given is written (the command line).
    """
    if not by.can_edit:
        raise PermissionDenied("Only facilitators and administrators can correct a person's record.")
    current = person_record(session, person_id)
    read, problems = _read(values, current)
    if opened is not None:
        # What the user changed, compared as stored; the fields they did not change are read as saved now.
        mine = edits.merge(opened, {name: _stored(read, name) for name in values if name not in problems}, current)
        values = {name: value for name, value in values.items() if name in mine.changed or name in problems}
        if mine.clashes:
            raise edits.EditConflict(
                what="this person's record",
                who=edits.last_saved_by(session, entity="person", entity_id=person_id),
                clashes=mine.clashes,
                labels=EDITABLE,
                now=current,
                changed=mine.changed,
                shows={"nationality": country_name, "country_of_work": country_name},
            )
        read, problems = _read(values, current)
    person = session.get(Person, person_id)
    if read.get("email") and "email" not in problems:
        other = session.scalar(sa.select(Person.id).where(Person.email == read["email"], Person.id != person_id))
        if other is not None:
            problems["email"] = (
                f"another record (number {other}) has this e-mail; if it is the same person, merge the two records."
            )
    if problems:
        raise PersonEditError(problems)
    after = {**read, "gender": read["gender"].value, "org_type": read["org_type"].value if read["org_type"] else None}
    if after["organisation"] and after["org_type"] is None and current["organisation"] == after["organisation"]:
        after["org_type"] = current["org_type"]  # the type is kept unless a new one is given
    result = EditResult(person_id)
    for name in EDITABLE:
        if after[name] != current[name]:
            result.before[name], result.after[name] = current[name], after[name]
    if not result.changed:
        return result
    if "full_name" in result.after:
        person.full_name = read["full_name"]
        person.name_key = name_key(read["full_name"])
        person.given_name, person.family_name = (part or None for part in split_name(read["full_name"]))
    for name in ("nationality", "country_of_work", "email", "phone", *_TEXT):
        setattr(person, name, read[name])
    person.gender = read["gender"]
    if {"organisation", "org_type"} & set(result.after):
        person.organisation_id = _organisation_id(session, person.organisation_id, read)
    person.updated_at = utcnow()
    session.add(person)
    session.flush()
    audit.record(
        session,
        action="update",
        username=by.username,
        entity="person",
        entity_id=person_id,
        summary=f"person record corrected: {', '.join(EDITABLE[name].lower() for name in result.changed)}",
        before=result.before,
        after=result.after,
    )
    return result


def _stored(read: dict[str, Any], name: str) -> Any:
    """Return a field as read from the form, as person_record gives it (enums as their values)."""
    value = read.get(name)
    return getattr(value, "value", value)


def _organisation_id(session: Session, current_id: int | None, read: dict[str, Any]) -> int | None:
    """Return the person's organisation: the same one when only its type or spelling changed, else the one of
    that name in the person's country (as imports file them), created if new."""
    name = read["organisation"]
    if not name:
        return None
    found = session.get(Organisation, current_id) if current_id is not None else None
    if found is not None and found.name_key == fold(name):
        found.name = name  # the same organisation, its spelling corrected (capitals, accents)
    else:
        country = read["country_of_work"] or read["nationality"]
        found = session.scalar(
            sa.select(Organisation).where(
                Organisation.name_key == fold(name),
                Organisation.country.is_(None) if country is None else Organisation.country == country,
            )
        )
    org_type: OrgType | None = read["org_type"]
    if found is None:
        country = read["country_of_work"] or read["nationality"]
        # No type given: not recorded, as an import stores it (never "other", which Reach would count as a type).
        found = Organisation(name=name, name_key=fold(name), org_type=org_type, country=country)
    elif org_type is not None and found.org_type != org_type:
        found.org_type = org_type
    session.add(found)
    session.flush()
    return found.id
