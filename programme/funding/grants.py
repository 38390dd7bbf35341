"""Funders and grants: the operations that record them and link a grant to the courses and modules it funds."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from sqlmodel import Session

from programme.access import audit
from programme.core.errors import NotFound, ProgrammeError
from programme.courses.catalogue import course_code_of, get_course, get_module_by_id, read_country
from programme.models import Funder, Grant, GrantCourse, GrantModule
from programme.people.names import clean_text

CURRENCY = re.compile(r"^[A-Z]{3}$")


def get_funder(session: Session, name: str) -> Funder:
    """Return the funder of this name (case-insensitive), or raise NotFound."""
    funder = session.scalar(sa.select(Funder).where(sa.func.lower(Funder.name) == name.strip().lower()))
    if funder is None:
        raise NotFound(f"No funder is called '{name.strip()}'.")
    return funder


def get_grant(session: Session, reference: str) -> Grant:
    """Return the grant with this reference (case-insensitive), or raise NotFound."""
    grant = session.scalar(sa.select(Grant).where(sa.func.lower(Grant.reference) == reference.strip().lower()))
    if grant is None:
        raise NotFound(f"No grant has the reference '{reference.strip()}'.")
    return grant


def add_funder(
    session: Session, *, name: str, country: str | None = None, notes: str | None = None, by: str | None
) -> Funder:
    """Record a funder; refuse a name already in use (ignoring case)."""
    name = clean_text(name or "")
    if not name:
        raise ProgrammeError("A funder needs a name.")
    if session.scalar(sa.select(Funder.id).where(sa.func.lower(Funder.name) == name.lower())):
        raise ProgrammeError(f"A funder called '{name}' already exists.")
    funder = Funder(name=name, country=read_country(country), notes=clean_text(notes or "") or None)
    session.add(funder)
    session.flush()
    audit.record(session, action="create", username=by, entity="funder", entity_id=funder.id, summary=f"funder {name}")
    return funder


def read_amount(amount: str | float | Decimal | None, currency: str | None) -> tuple[Decimal | None, str | None]:
    """Return a grant's amount and ISO 4217 currency as given, or raise a clear error; both optional together."""
    text = "" if amount is None else str(amount).strip().replace(",", "")
    code = (currency or "").strip().upper() or None
    if code is not None and not CURRENCY.match(code):
        raise ProgrammeError(f"'{currency}' is not a currency code: use three letters, e.g. EUR, USD or AUD.")
    if not text:
        return None, code
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ProgrammeError(f"'{amount}' is not an amount: write a number such as 120000 or 95000.50.") from None
    if value < 0 or not value.is_finite():
        raise ProgrammeError("A grant's amount cannot be negative.")
    if code is None:
        raise ProgrammeError(
            "Give the currency of the amount (e.g. EUR): amounts in different currencies never add up."
        )
    return value.quantize(Decimal("0.01")), code


def add_grant(
    session: Session,
    *,
    funder: str,
    reference: str,
    title: str | None = None,
    start: date | None = None,
    end: date | None = None,
    amount: str | float | Decimal | None = None,
    currency: str | None = None,
    by: str | None,
) -> Grant:
    """Record a grant of an existing funder; the reference is unique (ignoring case)."""
    owner = get_funder(session, funder)
    reference = clean_text(reference or "")
    if not reference:
        raise ProgrammeError("A grant needs its reference (the funder's number for it, e.g. NRF-2016-014).")
    if session.scalar(sa.select(Grant.id).where(sa.func.lower(Grant.reference) == reference.lower())):
        raise ProgrammeError(f"A grant with the reference '{reference}' already exists.")
    if start and end and end < start:
        raise ProgrammeError("The grant's period ends before it starts; check the dates.")
    value, code = read_amount(amount, currency)
    grant = Grant(
        funder_id=owner.id,
        reference=reference,
        title=clean_text(title or "") or None,
        start_date=start,
        end_date=end,
        amount=value,
        currency=code,
    )
    session.add(grant)
    session.flush()
    audit.record(
        session,
        action="create",
        username=by,
        entity="grant",
        entity_id=grant.id,
        summary=f"grant {reference} of {owner.name}",
    )
    return grant


def link_course(session: Session, *, reference: str, course_code: str, by: str | None) -> GrantCourse:
    """Record that a grant funds a course (all its modules); refuse a link already there."""
    grant, course = get_grant(session, reference), get_course(session, course_code)
    if session.get(GrantCourse, (grant.id, course.id)) is not None:
        raise ProgrammeError(f"Grant {grant.reference} already funds {course.code}.")
    link = GrantCourse(grant_id=grant.id, course_id=course.id)
    session.add(link)
    session.flush()
    audit.record(
        session, action="create", username=by, entity="grant", entity_id=grant.id,
        summary=f"grant {grant.reference} funds course {course.code}",
    )  # fmt: skip
    return link


def link_module(session: Session, *, reference: str, module_id: int, by: str | None) -> GrantModule:
    """Record that a grant funds one module of a course; refuse a link already there."""
    grant, module = get_grant(session, reference), get_module_by_id(session, module_id)
    number, course_code = module.number, course_code_of(session, module)
    if session.get(GrantModule, (grant.id, module.id)) is not None:
        raise ProgrammeError(f"Grant {grant.reference} already funds module {number} of {course_code}.")
    link = GrantModule(grant_id=grant.id, module_id=module.id)
    session.add(link)
    session.flush()
    audit.record(
        session, action="create", username=by, entity="grant", entity_id=grant.id,
        summary=f"grant {grant.reference} funds module {number} of {course_code}",
    )  # fmt: skip
    return link


def unlink(session: Session, *, reference: str, course_id: int | None = None, module_id: int | None = None,
           by: str | None) -> None:  # fmt: skip
    """Remove a grant's link to a course or to a module."""
    grant = get_grant(session, reference)
    link = (
        session.get(GrantCourse, (grant.id, course_id))
        if course_id is not None
        else session.get(GrantModule, (grant.id, module_id))
    )
    if link is None:
        raise NotFound(f"Grant {grant.reference} does not fund that course or module.")
    session.delete(link)
    session.flush()
    what = f"course {course_id}" if course_id is not None else f"module {module_id}"
    audit.record(
        session, action="delete", username=by, entity="grant", entity_id=grant.id,
        summary=f"grant {grant.reference} no longer funds {what}",
    )  # fmt: skip
