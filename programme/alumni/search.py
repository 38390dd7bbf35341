"""The alumni directory: free-text search and facets over listed alumni, consent-aware."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement, UnaryExpression
from sqlalchemy.sql.operators import custom_op
from sqlmodel import Session

from programme.access.accounts import SignedIn
from programme.alumni.common import (
    directory,
    masked_records,
    organisation,
    participation,
    people_from,
    person,
    person_columns,
)
from programme.alumni.fulltext import query_words, sqlite_match, text_ids
from programme.alumni.terms import Term, codes_typed, search_terms
from programme.models import Course, Module, Network, NetworkMember, ParticipationRole
from programme.people.names import by_name, sort_name

course = Course.__table__
module = Module.__table__
network_member = NetworkMember.__table__

# Results shown at once in the app; the CLI and exports ask for all.
PAGE_SIZE = 50
# A page counts matches up to this many: counting and sorting 10,000s of people for a screen that shows
# 50 would cost hundreds of milliseconds on a large database. The CLI and exports (no limit) count all.
COUNT_CAP = 1_000
# Of several lists of people that may drive a search on SQLite (a network's members, a course's
# participants), one at most this long is preferred: counting that far costs little.
SHORT_LIST = 2_000
# A word that reaches modules' agendas or a country (a list of people) drives a search on SQLite when its
# list holds at most this many: reading a list costs about as much per person as checking a candidate, and
# the table read in order finds COUNT_CAP matches of a longer list (one person in 25 at 500,000) in no
# more rows than that.
TERM_LIST_DRIVES = 20_000
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
    # The search's words, with the modules' agendas and the country they also reached.
    terms: tuple[Term, ...] = ()


@dataclass
class _Facets:
    """A query's conditions on the directory table, sorted by what they can do in a search plan."""

    # Nationality and country of work, as they are (the table's indexes list their people) and, on SQLite,
    # behind a unary + (no index may serve them: another side drives).
    countries: list[ColumnElement[bool]] = field(default_factory=list)
    unindexed_countries: list[ColumnElement[bool]] = field(default_factory=list)
    # Gender, languages, type of organisation: checked on each candidate's row.
    checks: list[ColumnElement[bool]] = field(default_factory=list)
    # SELECTs of person ids (a network's members; who took part in a course, years or role) and the same
    # as a check of one candidate (a correlated EXISTS, or a look-up in the list read once), for when
    # another side drives.
    lists: list[sa.Select] = field(default_factory=list)
    per_person: list[ColumnElement[bool]] = field(default_factory=list)
    # Whether each list may drive (a network, a course, a role other than participant); the people of some
    # years, or of the participant role, can be most of the table.
    may_be_short: list[bool] = field(default_factory=list)


def _country_conditions(query: DirectoryQuery, nationality: ColumnElement, work: ColumnElement) -> list:
    conditions: list[ColumnElement[bool]] = []
    if query.nationalities:
        conditions.append(nationality.in_(query.nationalities))
    if query.countries_of_work:
        conditions.append(work.in_(query.countries_of_work))
    if query.countries:
        conditions.append(sa.or_(nationality.in_(query.countries), work.in_(query.countries)))
    return conditions


def _unindexed(column: ColumnElement) -> ColumnElement:
    # SQLite's documented way to keep an index from serving a condition: a unary + on the column.
    return UnaryExpression(column, operator=custom_op("+"), type_=column.type)


def _facets(query: DirectoryQuery, *, sqlite: bool) -> _Facets:
    nationality, work = directory.c.nationality, directory.c.country_of_work
    facets = _Facets(countries=_country_conditions(query, nationality, work))
    facets.unindexed_countries = (
        _country_conditions(query, _unindexed(nationality), _unindexed(work)) if sqlite else facets.countries
    )
    if query.org_types:
        # The type of organisation is part of the organisation: the table has it only where that is shared.
        facets.checks.append(
            directory.c.organisation_id.in_(
                sa.select(organisation.c.id).where(organisation.c.org_type.in_(query.org_types))
            )
        )
    if query.genders:
        facets.checks.append(directory.c.gender.in_(query.genders))
    if query.languages:
        languages = sa.func.lower(directory.c.languages)
        facets.checks.append(
            sa.or_(*(languages.contains(language.lower(), autoescape=True) for language in query.languages))
        )
    if query.network_ids:
        members = sa.select(network_member.c.person_id).where(network_member.c.network_id.in_(query.network_ids))
        facets.lists.append(members)
        facets.per_person.append(members.where(network_member.c.person_id == directory.c.person_id).exists())
        facets.may_be_short.append(True)
    taken_part = _took_part(query, sqlite=sqlite)
    if taken_part is not None:
        people, check = taken_part
        facets.lists.append(people)
        facets.per_person.append(check)
        by_role = (
            query.year_from is None and query.year_to is None and ParticipationRole.PARTICIPANT.value not in query.roles
        )
        facets.may_be_short.append(bool(query.course_ids) or by_role)
    return facets


def _took_part(query: DirectoryQuery, *, sqlite: bool) -> tuple[sa.Select, ColumnElement[bool]] | None:
    """Return the people with one participation matching course, years and role (None without them).

    Two forms: the list (a SELECT of person ids, read from the indexes on (module, person) and (role,
    person)) and the check of one candidate of the directory table. Modules are chosen first, once per
    search (a few thousand ids at most), so that a check reads only the candidate's participations in the
    index on (person, role, completed, module); on SQLite the check's module condition sits behind a unary
    +, or SQLite would look up every chosen module in turn. A role alone other than participant (the many)
    is checked in its list, read once: facilitators and resource persons are a small share.
    """
    # Course, years and role describe one participation: "facilitated in course X between 2012 and 2015".
    conditions: list[ColumnElement[bool]] = []
    if query.course_ids:
        conditions.append(module.c.course_id.in_(query.course_ids))
    if query.year_from is not None:
        conditions.append(module.c.start_date >= date(query.year_from, 1, 1))
    if query.year_to is not None:
        conditions.append(module.c.start_date <= date(query.year_to, 12, 31))
    roles = [participation.c.role.in_(query.roles)] if query.roles else []
    if not conditions and not roles:
        return None
    candidate = participation.c.person_id == directory.c.person_id
    people = sa.select(participation.c.person_id).where(*roles)
    if not conditions:
        if ParticipationRole.PARTICIPANT.value in query.roles:
            return people, people.where(candidate).exists()
        return people, (_unindexed(directory.c.person_id) if sqlite else directory.c.person_id).in_(people)
    modules = sa.select(module.c.id).where(*conditions)
    module_id = participation.c.module_id
    # The list starts from the chosen modules, not from everyone in a role (most are participants).
    listed = sa.select(participation.c.person_id).where(module_id.in_(modules))
    if query.roles:
        role = _unindexed(participation.c.role) if sqlite else participation.c.role
        listed = listed.where(role.in_(query.roles))
    checked = _unindexed(module_id) if sqlite else module_id
    return listed, people.where(checked.in_(modules), candidate).exists()


def _is_short(session: Session, people: sa.Select) -> bool:
    """Return whether people (a SELECT of person ids) holds at most SHORT_LIST rows, reading no more."""
    probe = people.with_only_columns(sa.literal(1)).limit(SHORT_LIST + 1).subquery()
    return session.execute(sa.select(sa.func.count()).select_from(probe)).scalar_one() <= SHORT_LIST


def _term_people(session: Session, term: Term) -> sa.Select:
    """Return a SELECT of the ids of people a term finds (with repeats): its words in their profile, in the
    agenda of a module they attended, or the country it names as their nationality or country of work."""
    parts: list[sa.Select] = [sa.select(text_ids(session, list(term.words)).subquery().c.id)]
    if term.modules:
        parts.append(
            sa.select(participation.c.person_id).where(
                participation.c.module_id.in_(term.modules), participation.c.attended.is_(True)
            )
        )
    if term.country:
        # Two lists, each read from one of the table's indexes.
        parts.append(sa.select(directory.c.person_id).where(directory.c.nationality == term.country))
        parts.append(sa.select(directory.c.person_id).where(directory.c.country_of_work == term.country))
    if term.org_type:
        parts.append(sa.select(directory.c.person_id).where(directory.c.organisation_id.in_(_of_type(term.org_type))))
    return sa.union_all(*parts) if len(parts) > 1 else parts[0]


def _of_type(org_type: str) -> sa.Select:
    """The organisations of a type: the directory table holds a person's organisation only where it is shared."""
    return sa.select(organisation.c.id).where(organisation.c.org_type == org_type)


def _term_check(session: Session, term: Term) -> ColumnElement[bool]:
    """Return the check of one candidate of the directory table against a term, no index driving (SQLite)."""
    # The profile's matches are read once (an IN list), the candidate's participations from its index.
    found = [_unindexed(directory.c.person_id).in_(text_ids(session, list(term.words)))]
    if term.modules:
        found.append(
            sa.select(participation.c.person_id)
            .where(
                participation.c.person_id == directory.c.person_id,
                _unindexed(participation.c.module_id).in_(term.modules),
                participation.c.attended.is_(True),
            )
            .exists()
        )
    if term.country:
        found += [_unindexed(directory.c.nationality) == term.country]
        found += [_unindexed(directory.c.country_of_work) == term.country]
    if term.org_type:
        found += [_unindexed(directory.c.organisation_id).in_(_of_type(term.org_type))]
    return sa.or_(*found)


def _is_shorter_than(session: Session, people: sa.Select, most: int) -> bool:
    probe = sa.select(sa.literal(1)).select_from(people.subquery()).limit(most + 1).subquery()
    return session.execute(sa.select(sa.func.count()).select_from(probe)).scalar_one() <= most


def matching_statement(session: Session, query: DirectoryQuery, terms: list[Term] | None = None) -> sa.Select:
    """Return the SELECT of (person_id, name) of listed alumni matching query, in no particular order.

    The listed alumni are the rows of the table `alumni_directory` (migration 0003), which triggers keep in
    step with people and participations. On SQLite, which has no statistics to plan with, the statement
    says which side drives, in this order: the full-text index (it streams matches, so that a cap stops it
    early; looking words up person by person would cost milliseconds each), a list of people (a network,
    a course, a role other than participant), the countries (indexes of the table), and otherwise the
    table itself in order. Every other condition is checked on each candidate.

    Words that also reach the agenda of modules or a country (programme.alumni.terms) are each a list of
    people (profile, attendees, country); on SQLite the full-text index of the other words drives, else
    the shortest such list when it is short (TERM_LIST_DRIVES), else the rest of the query as without them.
    """
    sqlite = session.get_bind().dialect.name == "sqlite"
    terms = search_terms(session, query_words(query.text), codes=codes_typed(query.text)) if terms is None else terms
    words = [word for term in terms if term.plain for word in term.words]
    wider = [term for term in terms if not term.plain]
    facets = _facets(query, sqlite=sqlite)
    statement = sa.select(directory.c.person_id, directory.c.full_name)

    def where(first: list, countries: list, per_person: list) -> sa.Select:
        # SQLite checks conditions in the order written: the cheap and narrowing ones before the pattern
        # matching of languages and the lookups of EXISTS.
        return statement.where(*first, *countries, *facets.checks, *per_person)

    if not sqlite:
        text = [directory.c.person_id.in_(text_ids(session, words))] if words else []
        text += [directory.c.person_id.in_(_term_people(session, term)) for term in wider]
        return where(text, facets.countries, [directory.c.person_id.in_(people) for people in facets.lists])
    checks = [_term_check(session, term) for term in wider]
    if words:
        index = sa.table("person_search", sa.column("rowid", sa.Integer))
        match = sa.text("person_search MATCH :words").bindparams(words=sqlite_match(session, words))
        statement = statement.select_from(index.join(directory, directory.c.person_id == index.c.rowid))
        return where([match], facets.unindexed_countries, facets.per_person + checks)
    for index, term in enumerate(wider):
        people = _term_people(session, term)
        if _is_shorter_than(session, people, TERM_LIST_DRIVES):
            others = checks[:index] + checks[index + 1 :]
            return where([directory.c.person_id.in_(people)], facets.unindexed_countries, facets.per_person + others)
    # A network's members, a course's participants or the holders of a role other than participant drive
    # before the countries, even when long: at the benchmark's own 500,000 people, a role's 60,000
    # participations looked up one by one cost 24 ms, the 57,000 people of a country (nationality or work)
    # checked against them 34 ms. With more than one such list, a short one (counted up to SHORT_LIST) wins.
    lists = [i for i, may_be_short in enumerate(facets.may_be_short) if may_be_short]
    if len(lists) > 1:
        lists.sort(key=lambda i: not _is_short(session, facets.lists[i]))
    if lists:
        others = [check for i, check in enumerate(facets.per_person) if i != lists[0]]
        return where([directory.c.person_id.in_(facets.lists[lists[0]])], facets.unindexed_countries, others + checks)
    if facets.countries:
        return where([], facets.countries, facets.per_person + checks)
    # People of some years, or of the participant role, can be most of the table: it drives, in order.
    return where([], [], facets.per_person + checks)


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
    terms = search_terms(session, query_words(query.text), codes=codes_typed(query.text))
    found = matching_people(session, query, cap=None if cap is None else cap + 1, terms=terms)
    capped = cap is not None and len(found) > cap
    total = len(found)
    # Sorted here, not in SQL: without ORDER BY the database stops as soon as it has cap + 1 people.
    # By sort_name, as every list of people ("ángela" among the A's, not after Z).
    found = sorted(found[:cap] if capped else found, key=lambda match: (sort_name(match[1]), match[0]))
    page = found[offset:] if limit is None else found[offset : offset + limit]
    records = directory_records(session, [person_id for person_id, _name in page])
    frame = directory_frame(masked_records(records, user))
    return DirectoryResult(total=total, results=frame, capped=capped, terms=tuple(terms))


def matching_people(
    session: Session, query: DirectoryQuery, *, cap: int | None = None, terms: list[Term] | None = None
) -> list[tuple[int, str]]:
    """Return (person_id, name) of listed alumni matching query, at most cap of them, in no order."""
    statement = matching_statement(session, query, terms)
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
        for row in session.execute(_PEOPLE, {"ids": chunk}).mappings():
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


# The statements a page of results runs, built once: building them anew costs more than running them.
_IDS = sa.bindparam("ids", expanding=True)
_PEOPLE = sa.select(*person_columns()).select_from(people_from()).where(person.c.id.in_(_IDS))
_HISTORY = (
    # The year and the role's value as the database holds them: no date or enum conversion per row.
    sa.select(
        participation.c.person_id,
        course.c.code,
        sa.cast(sa.extract("year", module.c.start_date), sa.Integer),
        sa.type_coerce(participation.c.role, sa.String),
    )
    .join(module, module.c.id == participation.c.module_id)
    .join(course, course.c.id == module.c.course_id)
    .where(participation.c.person_id.in_(_IDS))
    .order_by(participation.c.person_id, module.c.start_date)
)
_NETWORKS = (
    sa.select(network_member.c.person_id, Network.name)
    .join(Network, Network.id == network_member.c.network_id)
    .where(network_member.c.person_id.in_(_IDS))
)


def _history(session: Session, person_ids: list[int]) -> dict[int, tuple[list[str], list[int], list[str]]]:
    found: dict[int, tuple[list[str], list[int], list[str]]] = {}
    for chunk in _chunks(person_ids):
        for person_id, code, year, role in session.execute(_HISTORY, {"ids": chunk}):
            courses, years, roles = found.setdefault(person_id, ([], [], []))
            if code not in courses:
                courses.append(code)
            years.append(year)
            if role not in roles:
                roles.append(role)
    return found


def _networks(session: Session, person_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for chunk in _chunks(person_ids):
        for person_id, name in session.execute(_NETWORKS, {"ids": chunk}):
            found.setdefault(person_id, []).append(name)
    return {person_id: by_name(names) for person_id, names in found.items()}
