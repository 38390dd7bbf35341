"""An alum's profile (courses, modules, roles over time, groups, networks, outcomes) and their consent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access import audit
from programme.access.accounts import SignedIn
from programme.alumni.common import IS_ALUMNUS, IS_LISTED, masked, participation, people_from, person, person_columns
from programme.alumni.fulltext import text_condition
from programme.core import edits
from programme.core.errors import NotFound, PermissionDenied, ProgrammeError
from programme.courses.catalogue import module_label
from programme.models import Course, Group, GroupMember, Module, Network, NetworkMember, Outcome, Person
from programme.models.base import utcnow
from programme.people.countries import country_name
from programme.people.names import by_name

# The consent flags a facilitator can change, in the order the page shows them.
CONSENT_FLAGS = {
    "consent_listed": "listed in the alumni directory",
    "consent_email": "e-mail may be shared",
    "consent_phone": "phone may be shared",
    "consent_organisation": "organisation may be shared",
    "consent_photo": "photo may be shared",
}
# People offered in the consent editor's picker at once.
CONSENT_PICKER_LIMIT = 50


@dataclass
class AlumProfile:
    """What the directory shows about one listed alum."""

    person: dict
    history: pd.DataFrame
    roles: pd.DataFrame
    groups: pd.DataFrame
    networks: pd.DataFrame
    outcomes: pd.DataFrame


def profile_facts(person: dict) -> dict[str, str]:
    """Return the facts a profile lists first, by label, leaving out what is not recorded; what the person did not
    agree to share reads "not shared" (masked fields come as None)."""
    facts = {
        "Nationality": country_name(person.get("nationality")),
        "Works in": country_name(person.get("country_of_work")),
        "Organisation": person.get("organisation") or "not shared",
        "Position": person.get("position"),
        "E-mail": person.get("email") or "not shared",
        "Phone": person.get("phone") or "not shared",
        "Languages": person.get("languages"),
        "Expertise": person.get("expertise"),
    }
    return {label: value for label, value in facts.items() if value}


def alumni_profile(session: Session, person_id: int, *, user: SignedIn) -> AlumProfile:
    """Return a listed alum's profile; NotFound for anyone not listed, erased or not an alum."""
    statement = (
        sa.select(*person_columns()).select_from(people_from()).where(person.c.id == person_id, IS_LISTED, IS_ALUMNUS)
    )
    row = session.execute(statement).mappings().first()
    if row is None:
        raise NotFound("This person is not in the alumni directory (not an alum, or not agreeing to be listed).")
    shown = masked(pd.DataFrame([dict(row)]), user).iloc[0].to_dict()
    for key in ("gender", "org_type"):
        if key in shown:
            shown[key] = getattr(shown[key], "value", shown[key])
    history = _history(session, person_id)
    return AlumProfile(
        person=shown,
        history=history,
        roles=roles_over_time(history),
        groups=_groups(session, person_id),
        networks=_networks(session, person_id),
        outcomes=_outcomes(session, person_id),
    )


def _history(session: Session, person_id: int) -> pd.DataFrame:
    statement = (
        sa.select(
            Course.code.label("course"),
            Module.number.label("module"),
            Module.title.label("title"),
            Module.start_date.label("start"),
            Module.end_date.label("end"),
            Module.city.label("city"),
            Module.country.label("country"),
            participation.c.role,
            participation.c.completed,
        )
        .join(Module, Module.id == participation.c.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(participation.c.person_id == person_id)
        .order_by(Module.start_date)
    )
    frame = pd.DataFrame(session.execute(statement).mappings().all())
    if frame.empty:
        return pd.DataFrame(
            columns=["course", "module", "title", "start", "end", "city", "country", "role", "completed"]
        )
    frame["role"] = frame["role"].map(lambda role: getattr(role, "value", role))
    return frame


def roles_over_time(history: pd.DataFrame) -> pd.DataFrame:
    """Return each role a person held with its first and last year and module count, first role first."""
    if history.empty:
        return pd.DataFrame(columns=["role", "first_year", "last_year", "modules"])
    years = pd.to_datetime(history["start"]).dt.year
    table = (
        history.assign(year=years)
        .groupby("role", sort=False)
        .agg(first_year=("year", "min"), last_year=("year", "max"), modules=("year", "size"))
        .reset_index()
        .sort_values(["first_year", "last_year"])
    )
    return table.reset_index(drop=True)


def _groups(session: Session, person_id: int) -> pd.DataFrame:
    statement = (
        sa.select(
            Course.code.label("course"),
            Module.number.label("module"),
            Group.name.label("group"),
            Group.exercise,
            GroupMember.role,
        )
        .join(Group, Group.id == GroupMember.group_id)
        .join(Module, Module.id == Group.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(GroupMember.person_id == person_id)
        .order_by(Module.start_date)
    )
    frame = pd.DataFrame(session.execute(statement).mappings().all())
    if not frame.empty:
        frame["role"] = frame["role"].map(lambda role: getattr(role, "value", role))
    return frame


def _networks(session: Session, person_id: int) -> pd.DataFrame:
    statement = (
        sa.select(Network.name.label("network"), NetworkMember.role, NetworkMember.joined_on)
        .join(Network, Network.id == NetworkMember.network_id)
        .where(NetworkMember.person_id == person_id)
    )
    frame = pd.DataFrame(by_name(session.execute(statement).mappings().all(), lambda row: row["network"]))
    if not frame.empty:
        frame["role"] = frame["role"].map(lambda role: getattr(role, "value", role))
    return frame


def _outcomes(session: Session, person_id: int) -> pd.DataFrame:
    """Return the person's outcomes, oldest first: reported_on, kind, description, course and module (the one it
    followed, migration 0012)."""
    module_course = Course.__table__.alias("module_course")
    statement = (
        sa.select(
            Outcome.reported_on, Outcome.kind, Outcome.description, Course.code, module_course.c.code,
            Module.number, Module.start_date, Module.city,
        )
        .outerjoin(Course, Course.id == Outcome.course_id)
        .outerjoin(Module, Module.id == Outcome.module_id)
        .outerjoin(module_course, module_course.c.id == Module.course_id)
        .where(Outcome.person_id == person_id)
        .order_by(Outcome.reported_on)
    )  # fmt: skip
    rows = [
        (on, getattr(kind, "value", kind), text, course or of_module,
         module_label(of_module, number, start, city) if number is not None else None)
        for on, kind, text, course, of_module, number, start, city in session.execute(statement)
    ]  # fmt: skip
    if not rows:
        return pd.DataFrame()
    return pd.DataFrame(rows, columns=["reported_on", "kind", "description", "course", "module"])


# --- Consent ---------------------------------------------------------------------------------------


def people_for_consent(session: Session, text: str, *, user: SignedIn) -> pd.DataFrame:
    """Return people (listed or not, never erased) whose name etc. match text, for the consent editor."""
    if not user.can_edit:
        raise PermissionDenied("Only facilitators and administrators can record consent.")
    condition = text_condition(session, text)
    if condition is None:
        return pd.DataFrame(columns=["person_id", "name", "nationality", "consent_listed"])
    statement = (
        sa.select(
            person.c.id.label("person_id"),
            person.c.full_name.label("name"),
            person.c.nationality,
            person.c.consent_listed,
        )
        .where(person.c.erased_at.is_(None), condition)
        # By sort_name, as an expression: read in ix_person_sort_name's order PostgreSQL would check the words of
        # a common name person by person (0.11 s at 200,000 people); the matches sorted take 0.02 s.
        .order_by(person.c.sort_name.concat(""), person.c.id)
        .limit(CONSENT_PICKER_LIMIT)
    )
    return pd.DataFrame(session.execute(statement).mappings().all())


def consent_of(session: Session, person_id: int) -> dict:
    """Return a person's consent flags, date and source."""
    found = session.get(Person, person_id)
    if found is None or found.erased_at is not None:
        raise NotFound("No such person (or their record was erased).")
    return {
        **{flag: bool(getattr(found, flag)) for flag in CONSENT_FLAGS},
        "consent_date": found.consent_date,
        "consent_source": found.consent_source,
    }


def set_consent(
    session: Session,
    *,
    person_id: int,
    flags: dict[str, bool],
    source: str,
    on: date | None = None,
    by: SignedIn,
    opened: dict | None = None,
) -> dict:
    """Change a person's consent, dated and with its source, audited before/after; return the new consent.

    opened: the consent as the form showed it when it opened (consent_of). A flag left as it was then stays as saved
    now (a colleague's change meanwhile, a withdrawal above all, is not put back); a flag changed both in the form
    and by someone else since, to the other value, saves nothing (EditConflict, core/edits.py)."""
    if not by.can_edit:
        raise PermissionDenied("Only facilitators and administrators can record consent.")
    unknown = set(flags) - set(CONSENT_FLAGS)
    if unknown:
        raise ProgrammeError(f"Unknown consent: {', '.join(sorted(unknown))}.")
    source = source.strip()
    if not source:
        raise ProgrammeError("Say where the consent comes from (e.g. 'signed form, Module 4').")
    before = consent_of(session, person_id)
    if opened is not None:
        flags = edits.own_changes(
            session,
            opened=opened,
            values={flag: bool(value) for flag, value in flags.items()},
            now=before,
            what="this person's consent",
            entity="person",
            entity_id=person_id,
            labels={flag: label.capitalize() for flag, label in CONSENT_FLAGS.items()},
        )
    found = session.get(Person, person_id)
    for flag, value in flags.items():
        setattr(found, flag, bool(value))
    found.consent_date = on or date.today()
    found.consent_source = source[:200]
    found.updated_at = utcnow()
    session.add(found)
    session.flush()
    after = consent_of(session, person_id)
    changed = sorted(flag for flag in CONSENT_FLAGS if before[flag] != after[flag])
    audit.record(
        session,
        action="update",
        username=by.username,
        entity="person",
        entity_id=person_id,
        summary=f"consent changed ({', '.join(changed) or 'confirmed, no flag changed'})",
        before=before,
        after=after,
    )
    return after
