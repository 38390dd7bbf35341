"""What every alumni view shares: who is an alum, who is listed, and the consent-aware person columns."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from programme.access.accounts import SignedIn
from programme.access.privacy import CONTACT_CONSENT, PERSONAL_COLUMNS, mask_people
from programme.models import Organisation, Participation, ParticipationRole, Person

person = Person.__table__
organisation = Organisation.__table__
participation = Participation.__table__

# An alum completed at least one module as a participant (the rule shared with planning).
IS_ALUMNUS: ColumnElement[bool] = sa.exists().where(
    participation.c.person_id == person.c.id,
    participation.c.role == ParticipationRole.PARTICIPANT,
    participation.c.completed.is_(True),
)
# The people in the directory (listed, not erased, alumni), one row each with the columns its facets filter
# on; organisation_id only where the organisation is shared. Kept by triggers (migration 0003), not a model.
directory = sa.table(
    "alumni_directory",
    sa.column("person_id", sa.Integer),
    sa.column("full_name", sa.String),
    sa.column("gender", sa.String),
    sa.column("nationality", sa.String),
    sa.column("country_of_work", sa.String),
    sa.column("languages", sa.String),
    sa.column("organisation_id", sa.Integer),
)
# Shown in the directory: agreed to be listed, and not erased. Written as a CASE so that no database
# starts a search from the consent index: most people agree, so that index narrows nothing (without
# statistics SQLite would assume it does, and scan 80% of the people for a search by network).
IS_LISTED: ColumnElement[bool] = sa.and_(
    sa.case((person.c.consent_listed.is_(True), 1), else_=0) == 1, person.c.erased_at.is_(None)
)


def _consented(flag: sa.Column, value: ColumnElement) -> ColumnElement:
    # Hidden fields never leave the database: the mask below is a second, role-aware line of defence.
    return sa.case((flag.is_(True), value), else_=None)


def person_columns() -> list[ColumnElement]:
    """Return the directory's person columns, with contact fields NULL where consent is missing."""
    return [
        person.c.id.label("person_id"),
        person.c.full_name.label("name"),
        person.c.gender,
        person.c.nationality,
        person.c.country_of_work,
        _consented(person.c.consent_organisation, organisation.c.name).label("organisation"),
        _consented(person.c.consent_organisation, organisation.c.org_type).label("org_type"),
        person.c.position,
        _consented(person.c.consent_email, person.c.email).label("email"),
        _consented(person.c.consent_phone, person.c.phone).label("phone"),
        person.c.languages,
        person.c.expertise,
        person.c.consent_email,
        person.c.consent_phone,
        person.c.consent_organisation,
    ]


def people_from() -> sa.FromClause:
    """Return person joined to their organisation (outer: many have none)."""
    return person.outerjoin(organisation, organisation.c.id == person.c.organisation_id)


def masked(frame: pd.DataFrame, user: SignedIn | None) -> pd.DataFrame:
    """Return frame through programme.access.privacy.mask_people, hidden contact fields as None (not "")."""
    shown = mask_people(frame, user)
    for column in ("email", "phone", "organisation", "org_type"):
        if column in shown.columns:
            # A list comprehension: DataFrame.replace costs milliseconds on every search.
            shown[column] = [None if value == "" else value for value in shown[column]]
    if "org_type" in shown.columns and "organisation" not in shown.columns:
        shown = shown.drop(columns=["org_type"])
    return shown


def masked_records(records: list[dict], user: SignedIn | None) -> list[dict]:
    """Return records under mask_people's rule, without building DataFrames (a search must be fast).

    The same rule as programme.access.privacy.mask_people (tests check they agree): viewers get no personal or
    contact fields; a contact field is None unless its consent flag is set; the flags are dropped.
    """
    see_names = user is not None and user.can_see_names
    hidden = set() if see_names else set(PERSONAL_COLUMNS) | set(CONTACT_CONSENT) | {"org_type"}
    shown = []
    for record in records:
        row = {key: value for key, value in record.items() if key not in hidden and key not in _FLAGS}
        for column, flag in CONTACT_CONSENT.items():
            if column in row and not record.get(flag):
                row[column] = None
        if "org_type" in row and not record.get("consent_organisation"):
            row["org_type"] = None
        shown.append(row)
    return shown


_FLAGS = frozenset(CONTACT_CONSENT.values())
