"""The choices each directory facet offers: only values that listed alumni actually have."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlmodel import Session

from programme.alumni.common import directory
from programme.core.distinct import distinct_values
from programme.core.freshness import depends_on
from programme.models import Gender, Module, Network, OrgType, ParticipationRole
from programme.people.countries import country_name
from programme.people.names import by_name

# Languages are typed as a list: "English, Nepali / Hindi; Arabic".
_LANGUAGE_SEPARATORS = re.compile(r"[,;/]| and ")


def facet_options(session: Session) -> dict[str, dict]:
    """Return, per facet, {value: label} in display order; the Course facet's are not among them: the newest courses
    with a find box (`ui.course_filter`; 18,684 courses' labels were read on every cold directory at scale)."""
    return {
        "nationalities": _countries(session, directory.c.nationality),
        "countries_of_work": _countries(session, directory.c.country_of_work),
        "org_types": {kind.value: kind.value for kind in OrgType},
        "languages": {language: language for language in languages(session)},
        "network_ids": dict(by_name(session.execute(sa.select(Network.id, Network.name)).all(), lambda row: row[1])),
        "genders": {gender.value: gender.value for gender in Gender},
        "roles": {role.value: role.value for role in ParticipationRole},
    }


def _countries(session: Session, column: sa.ColumnClause) -> dict[str, str]:
    # The directory table (listed alumni only) has an index on each country column: its distinct values, one
    # index look-up each.
    codes = distinct_values(session, column)
    return dict(sorted(((code, country_name(code)) for code in codes), key=lambda item: item[1]))


def languages(session: Session) -> list[str]:
    """Return the languages listed alumni speak, as written (first spelling wins), alphabetically."""
    found: dict[str, str] = {}
    for text in session.scalars(sa.select(directory.c.languages).distinct()):
        for part in _LANGUAGE_SEPARATORS.split(text or ""):
            name = part.strip()
            if name:
                found.setdefault(name.casefold(), name)
    return sorted(found.values(), key=str.casefold)


@depends_on()
def year_bounds(session: Session) -> tuple[int, int] | None:
    """Return the first and last year of any module, or None without modules."""
    first, last = session.execute(sa.select(sa.func.min(Module.start_date), sa.func.max(Module.start_date))).one()
    return (first.year, last.year) if first and last else None
