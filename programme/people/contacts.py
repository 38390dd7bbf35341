"""The team's contact columns for a module's people: organisation, position, e-mail and phone.

For pages the team works from (attendance); consent governs publication, not this (programme.access.privacy).
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.models import Organisation, Participation, Person

CONTACT_COLUMNS = ["participation_id", "organisation", "position", "email", "phone"]


def module_contacts(session: Session, module_id: int) -> pd.DataFrame:
    """Return organisation, position, e-mail and phone of each participation of a module, by participation id."""
    query = (
        sa.select(
            Participation.id.label("participation_id"),
            Organisation.name.label("organisation"),
            Person.position,
            Person.email,
            Person.phone,
        )
        .join(Person, Person.id == Participation.person_id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(Participation.module_id == module_id)
    )
    return pd.DataFrame(session.execute(query).mappings().all(), columns=CONTACT_COLUMNS)


def with_contacts(sheet: pd.DataFrame, contacts: pd.DataFrame, *, after: str = "nationality") -> pd.DataFrame:
    """Return sheet (with a participation_id column) with the contact columns placed after the column named."""
    joined = sheet.merge(contacts, on="participation_id", how="left")
    extra = [c for c in CONTACT_COLUMNS if c != "participation_id"]
    order = [c for c in sheet.columns]
    at = order.index(after) + 1 if after in order else len(order)
    return joined[order[:at] + extra + order[at:]]
