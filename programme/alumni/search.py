"""The alumni directory: free-text search and facets over listed alumni, consent-aware."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from programme.accounts import SignedIn
from programme.alumni.common import (
    IS_ALUMNUS,
    IS_LISTED,
    masked_records,
    organisation,
    participation,
    people_from,
    person,
    person_columns,
)
from programme.errors import ProgrammeError
from programme.models import Course, Module, Network, NetworkMember

course = Course.__table__
module = Module.__table__
network_member = NetworkMember.__table__

# Results shown at once in the app; the CLI and exports ask for all.
PAGE_SIZE = 50
# A page counts matches up to this many: counting and sorting 10,000s of people for a screen that shows
# 50 would cost hundreds of milliseconds on a large database. The CLI and exports (no limit) count all.
COUNT_CAP = 1_000
# More words than this in a query are ignored: nobody types them, and each costs an index lookup.
MAX_QUERY_WORDS = 8
_WORD = re.compile(r"[^\W_]+")
# The directory's columns, in order; a viewer's results lack the personal ones.
DIRECTORY_COLUMNS = [c.name for c in person_columns() if not c.name.startswith("consent_")] + [
    "courses",
    "years",
    "roles",
    "networks",
]


@dataclass(frozen=True)
class DirectoryQuery:
    """What a facilitator asks the directory: words and facets (empty means any)."""

    text: str = ""
    nationalities: tuple[str, ...] = ()
    countries_of_work: tuple[str, ...] = ()
    # Either nationality or country of work (the CLI's --country).
    countries: tuple[str, ...] = ()
    org_types: tuple[str, ...] = ()
    course_ids: tuple[int, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    languages: tuple[str, ...] = ()
    network_ids: tuple[int, ...] = ()
    genders: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()


@dataclass
class DirectoryResult:
    """One page of the directory: how many match in all, and the rows shown.

    When a page is asked for and more than COUNT_CAP people match, total is COUNT_CAP + 1 and capped is
    True: the page shows "more than 1,000" and the first 1,000 found, by name (add words or filters).
    """

    total: int
    results: pd.DataFrame = field(default_factory=pd.DataFrame)
    capped: bool = False


def query_words(text: str) -> list[str]:
    """Return the words of a query, lower-cased; accents are folded by the database's index."""
    return _WORD.findall(text.lower())[:MAX_QUERY_WORDS]


def text_condition(session: Session, text: str) -> ColumnElement[bool] | None:
    words = query_words(text)
    if not words:
        return None
    dialect = session.get_bind().dialect.name
    # Every word is a prefix ("jos" finds José); words hold letters and digits only, so they are safe.
    if dialect == "sqlite":
        match = " ".join(f'"{word}"*' for word in words)
        found = sa.text("SELECT rowid FROM person_search WHERE person_search MATCH :words")
    elif dialect == "postgresql":
        match = " & ".join(f"{word}:*" for word in words)
        found = sa.text(
            "SELECT person_id FROM person_search WHERE document @@ to_tsquery('simple', programme_fold(:words))"
        )
    else:
        raise ProgrammeError(f"Directory search is not available on {dialect} databases.")
    return person.c.id.in_(found.bindparams(words=match).columns(sa.column("id", sa.Integer)))


def _participation_condition(query: DirectoryQuery) -> ColumnElement[bool] | None:
    # Course, years and role describe one participation: "facilitated in course X between 2012 and 2015".
    conditions: list[ColumnElement[bool]] = []
    if query.course_ids:
        conditions.append(module.c.course_id.in_(query.course_ids))
    if query.year_from is not None:
        conditions.append(module.c.start_date >= date(query.year_from, 1, 1))
    if query.year_to is not None:
        conditions.append(module.c.start_date <= date(query.year_to, 12, 31))
    if query.roles:
        conditions.append(participation.c.role.in_(query.roles))
    if not conditions:
        return None
    taken_part = sa.select(participation.c.person_id).where(*conditions)
    by_module = bool(query.course_ids) or query.year_from is not None or query.year_to is not None
    if by_module:
        taken_part = taken_part.join(module, module.c.id == participation.c.module_id)
    # Which side should drive: alone, the (short) list of people who took part; next to words, countries or
    # a network (which narrow faster), a per-person check, so that a course's or years' 100,000s of
    # participations are never listed in full.
    narrower = query.text.strip() or query.network_ids or query.countries or query.nationalities
    if by_module and (narrower or query.countries_of_work):
        return taken_part.where(participation.c.person_id == person.c.id).exists()
    return person.c.id.in_(taken_part)


def directory_conditions(
    session: Session, query: DirectoryQuery, *, with_text: bool = True
) -> list[ColumnElement[bool]]:
    """Return the WHERE conditions for query: listed alumni, the words (unless with_text is False), each facet."""
    conditions = [IS_LISTED, IS_ALUMNUS]
    text = text_condition(session, query.text) if with_text else None
    if text is not None:
        conditions.append(text)
    if query.nationalities:
        conditions.append(person.c.nationality.in_(query.nationalities))
    if query.countries_of_work:
        conditions.append(person.c.country_of_work.in_(query.countries_of_work))
    if query.countries:
        conditions.append(
            sa.or_(person.c.nationality.in_(query.countries), person.c.country_of_work.in_(query.countries))
        )
    if query.org_types:
        # The type of organisation is part of the organisation: it filters only where that is shared.
        conditions.append(person.c.consent_organisation.is_(True))
        conditions.append(
            person.c.organisation_id.in_(
                sa.select(organisation.c.id).where(organisation.c.org_type.in_(query.org_types))
            )
        )
    if query.genders:
        conditions.append(person.c.gender.in_(query.genders))
    if query.languages:
        conditions.append(
            sa.or_(
                *(sa.func.lower(person.c.languages).contains(lang.lower(), autoescape=True) for lang in query.languages)
            )
        )
    if query.network_ids:
        conditions.append(
            person.c.id.in_(
                sa.select(network_member.c.person_id).where(network_member.c.network_id.in_(query.network_ids))
            )
        )
    taken_part = _participation_condition(query)
    if taken_part is not None:
        conditions.append(taken_part)
    return conditions


def search_directory(
    session: Session,
    query: DirectoryQuery,
    *,
    user: SignedIn | None,
    limit: int | None = PAGE_SIZE,
    offset: int = 0,
) -> DirectoryResult:
    """Return the listed alumni matching query, by name, with contact fields only where consented."""
    # Queries on tables (not ORM entities) do not autoflush: pending edits must reach the index first.
    session.flush()
    cap = None if limit is None else COUNT_CAP
    found = matching_people(session, query, cap=None if cap is None else cap + 1)
    capped = cap is not None and len(found) > cap
    total = len(found)
    # Sorted here, not in SQL: without ORDER BY the database stops as soon as it has cap + 1 people.
    found = sorted(found[:cap] if capped else found, key=lambda match: (match[1].casefold(), match[0]))
    page = found[offset:] if limit is None else found[offset : offset + limit]
    records = directory_records(session, [person_id for person_id, _name in page])
    return DirectoryResult(total=total, results=directory_frame(masked_records(records, user)), capped=capped)


def matching_people(session: Session, query: DirectoryQuery, *, cap: int | None = None) -> list[tuple[int, str]]:
    """Return (person_id, name) of listed alumni matching query, at most cap of them, in no order."""
    statement = sa.select(person.c.id, person.c.full_name).where(*directory_conditions(session, query, with_text=False))
    words = query_words(query.text)
    if words:
        # The full-text index drives the search (a join, not IN): it streams matches, so a cap stops it early.
        dialect = session.get_bind().dialect.name
        if dialect == "sqlite":
            index = sa.table("person_search", sa.column("rowid"))
            statement = statement.select_from(index.join(person, person.c.id == index.c.rowid)).where(
                sa.text("person_search MATCH :words").bindparams(words=" ".join(f'"{word}"*' for word in words))
            )
        else:
            statement = statement.where(text_condition(session, query.text))
    if cap is not None:
        statement = statement.limit(cap)
    return [(person_id, name) for person_id, name in session.execute(statement)]


def directory_frame(records: list[dict]) -> pd.DataFrame:
    """Return records as a table with the directory's columns (those the role may see)."""
    columns = [c for c in DIRECTORY_COLUMNS if not records or c in records[0]]
    return pd.DataFrame.from_records(records, columns=columns)


def directory_records(session: Session, person_ids: list[int]) -> list[dict]:
    """Return directory rows (consent-filtered, not yet masked by role) for person_ids, in that order."""
    if not person_ids:
        return []
    rows: dict[int, dict] = {}
    for chunk in _chunks(person_ids):
        statement = sa.select(*person_columns()).select_from(people_from()).where(person.c.id.in_(chunk))
        for row in session.execute(statement).mappings():
            rows[row["person_id"]] = dict(row)
    history = _history(session, person_ids)
    networks = _networks(session, person_ids)
    records = []
    for person_id in person_ids:
        row = rows[person_id]
        row["org_type"] = getattr(row["org_type"], "value", row["org_type"])
        row["gender"] = getattr(row["gender"], "value", row["gender"])
        courses, years, roles = history.get(person_id, ([], [], []))
        row["courses"] = ", ".join(courses)
        row["years"] = f"{min(years)}–{max(years)}" if len(set(years)) > 1 else (str(years[0]) if years else "")
        row["roles"] = ", ".join(roles)
        row["networks"] = ", ".join(networks.get(person_id, []))
        records.append(row)
    return records


def _chunks(ids: list[int], size: int = 900) -> list[list[int]]:
    # SQLite allows ~32k bound parameters; chunks keep any export of the whole directory within that.
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def _history(session: Session, person_ids: list[int]) -> dict[int, tuple[list[str], list[int], list[str]]]:
    found: dict[int, tuple[list[str], list[int], list[str]]] = {}
    for chunk in _chunks(person_ids):
        statement = (
            sa.select(participation.c.person_id, course.c.code, module.c.start_date, participation.c.role)
            .join(module, module.c.id == participation.c.module_id)
            .join(course, course.c.id == module.c.course_id)
            .where(participation.c.person_id.in_(chunk))
            .order_by(participation.c.person_id, module.c.start_date)
        )
        for person_id, code, start, role in session.execute(statement):
            courses, years, roles = found.setdefault(person_id, ([], [], []))
            if code not in courses:
                courses.append(code)
            years.append(start.year)
            role_name = getattr(role, "value", role)
            if role_name not in roles:
                roles.append(role_name)
    return found


def _networks(session: Session, person_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for chunk in _chunks(person_ids):
        statement = (
            sa.select(network_member.c.person_id, Network.name)
            .join(Network, Network.id == network_member.c.network_id)
            .where(network_member.c.person_id.in_(chunk))
            .order_by(Network.name)
        )
        for person_id, name in session.execute(statement):
            found.setdefault(person_id, []).append(name)
    return found
