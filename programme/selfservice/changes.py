"""What a self-service registration changed, kept as JSON with its submission (`form_submission.changes`) so that
voiding it undoes exactly that (undo.py): each field of the person it changed (before and after; for a person it
created, only the consents), every field it wrote, the organisation it created or whose spelling or type it changed,
whether it created the participation or marked it registered, and the check-in code it gave and the one it replaced.
Personal data: cleared when the submission is voided, reduced to the participation when the person is erased.
"""

from __future__ import annotations

import enum
import json
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from programme.models import FormSubmission, Gender, Organisation, Participation, Person

# The person's fields a registration may write, with the words the void's message names them by (the consents'
# within "consent (...)": named()).
LABELS = {
    "nationality": "nationality",
    "country_of_work": "country of work",
    "email": "e-mail",
    "phone": "phone",
    "position": "position",
    "languages": "languages",
    "gender": "gender",
    "organisation_id": "organisation",
    "consent_listed": "listed",
    "consent_email": "sharing e-mail",
    "consent_phone": "sharing phone",
    "consent_organisation": "sharing organisation",
    "consent_photo": "photos",
    "consent_date": "date",
    "consent_source": "source",
}
CONSENT = tuple(name for name in LABELS if name.startswith("consent_"))


def named(names: list[str]) -> str:
    """Return the fields as the void's message names them: "phone, position, consent (listed, photos, date)"."""
    words = [LABELS[name] for name in names if name not in CONSENT]
    consent = [LABELS[name] for name in names if name in CONSENT]
    return ", ".join(words + ([f"consent ({', '.join(consent)})"] if consent else []))


def plain(value: Any) -> Any:
    """Return a value as JSON keeps it: enums by value, dates as ISO text."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


def typed(name: str, value: Any) -> Any:
    """Return a value read back from JSON as the person's field holds it."""
    if value is None:
        return None
    if name == "gender":
        return Gender(value)
    if name == "consent_date":
        return date.fromisoformat(value)
    return value


def person_before(person: Person | None) -> dict[str, Any]:
    """Return the fields a registration may write, as they are before it (a new person: nothing recorded)."""
    if person is None:  # as a new record starts: nothing recorded, no consent, gender undisclosed
        return {**dict.fromkeys(LABELS), **dict.fromkeys(CONSENT[:5], False), "gender": Gender.UNDISCLOSED.value}
    return {name: plain(getattr(person, name)) for name in LABELS}


def organisations_before(session: Session, person: Person | None, name_key: str | None) -> dict[int, list[Any]]:
    """Return (name, type) of every organisation the registration's organisation answer may rename or retype: the
    person's own and those of that name, in any country."""
    wanted = [Organisation.name_key == name_key] if name_key else []
    if person is not None and person.organisation_id is not None:
        wanted.append(Organisation.id == person.organisation_id)
    if not wanted:
        return {}
    rows = session.execute(sa.select(Organisation.id, Organisation.name, Organisation.org_type).where(sa.or_(*wanted)))
    return {row.id: [row.name, plain(row.org_type)] for row in rows}


def describe(
    session: Session,
    person: Person,
    before: dict[str, Any],
    written: list[str],
    organisations: dict[int, list[Any]],
    participation: Participation,
    *,
    person_created: bool,
    participation_created: bool,
    registered_before: bool,
) -> dict[str, Any]:
    """Return what a registration just did to the person, their organisation and their participation (for a person
    it created, only the consents: a void removes the person or, kept for other modules, withdraws those)."""
    after = person_before(person)
    fields = CONSENT if person_created else tuple(LABELS)
    changes: dict[str, Any] = {
        "person": {name: [before[name], after[name]] for name in fields if before[name] != after[name]},
        "written": written,
        "participation": {"id": participation.id, "created": participation_created, "registered": registered_before},
    }
    if person.organisation_id is not None and "organisation_id" in written:
        organisation = session.get(Organisation, person.organisation_id)
        now = [organisation.name, plain(organisation.org_type)]
        was = organisations.get(organisation.id)
        changes["organisation"] = {
            "id": organisation.id,
            "created": was is None,
            "name": None if was is None or was[0] == now[0] else [was[0], now[0]],
            "org_type": None if was is None or was[1] == now[1] else [was[1], now[1]],
        }
    return changes


def store(submission: FormSubmission, changes: dict[str, Any], *, code_given: str | None = None,
          code_before: str | None = None) -> None:  # fmt: skip
    """Keep what the registration changed with its submission; code_given: the digest of the check-in code it gave
    the participation, replacing code_before (None: the participation had none)."""
    if code_given:
        changes = {**changes, "checkin": {"given": code_given, "before": code_before}}
    submission.changes = json.dumps(changes, ensure_ascii=False, sort_keys=True)
