"""Consent for many people at once: a selection, or everyone in a module's list; one audit entry per batch."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from programme import summaries
from programme.access import audit
from programme.access.accounts import SignedIn
from programme.alumni.profile import CONSENT_FLAGS
from programme.core.errors import PermissionDenied, ProgrammeError
from programme.models import Course, Participation, Person
from programme.models.base import utcnow
from programme.planning.agenda import get_module_by_id


def module_people(session: Session, module_id: int) -> list[int]:
    """Return the ids of everyone (not erased) in a module's list, whatever their role."""
    query = (
        sa.select(Participation.person_id)
        .join(Person, Person.id == Participation.person_id)
        .where(Participation.module_id == module_id, Person.erased_at.is_(None))
        .order_by(Participation.person_id)
    )
    return [int(person_id) for person_id in session.scalars(query)]


def set_consent_many(
    session: Session,
    *,
    person_ids: Iterable[int],
    flags: dict[str, bool],
    source: str,
    on: date | None = None,
    by: SignedIn,
    module_id: int | None = None,
) -> int:
    """Set the given consent flags (others left as they are) for each person; return how many were changed.

    module_id says the people are that module's list (it is named in the audit entry). One audit entry for
    the batch: how many people, which flags, the module and the source; no names.
    """
    if not by.can_edit:
        raise PermissionDenied("Only facilitators and administrators can record consent.")
    unknown = set(flags) - set(CONSENT_FLAGS)
    if unknown:
        raise ProgrammeError(f"Unknown consent: {', '.join(sorted(unknown))}.")
    if not flags:
        raise ProgrammeError("Choose at least one consent to set.")
    source = source.strip()
    if not source:
        raise ProgrammeError("Say where the consent comes from (e.g. 'signed forms, Module 4').")
    ids = sorted({int(person_id) for person_id in person_ids})
    if not ids:
        raise ProgrammeError("Choose the people first.")
    found = set(session.scalars(sa.select(Person.id).where(Person.id.in_(ids), Person.erased_at.is_(None))))
    missing = [person_id for person_id in ids if person_id not in found]
    if missing:
        raise ProgrammeError(f"There is no person with id {missing[0]} (or their record was erased).")
    values = {name: bool(value) for name, value in flags.items()}
    summaries.touch(session, participants=ids)  # consent moves who is listed (person-level figures), not modules
    changed = 0
    for start in range(0, len(ids), 1000):  # IN lists of a bounded size on every database
        chunk = ids[start : start + 1000]
        changed += session.execute(
            sa.update(Person)
            .where(Person.id.in_(chunk))
            .values(**values, consent_date=on or date.today(), consent_source=source[:200], updated_at=utcnow())
        ).rowcount
    summaries.touch(session, people=ids)  # a bulk update: who is listed in the alumni figures
    where = ""
    if module_id is not None:
        module = get_module_by_id(session, module_id)
        course = session.get(Course, module.course_id)
        where = f" of course {course.code} module {module.number}"
    set_to = ", ".join(f"{flag} {'yes' if value else 'no'}" for flag, value in sorted(values.items()))
    audit.record(
        session,
        action="update",
        username=by.username,
        entity="person",
        summary=f"consent set for {changed} people{where}: {set_to}",
        after={"people": changed, "module_id": module_id, **values, "source": source[:200]},
    )
    return changed
