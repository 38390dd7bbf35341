"""De-duplication: who in the database a sheet's row is, certainly or probably."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from rapidfuzz import fuzz, process
from sqlmodel import Session

from programme.importing.validate import PersonRow
from programme.models import Organisation, Participation, Person

# Names at least this similar (rapidfuzz, 0-100) with the same nationality are shown as probable matches.
PROBABLE_CUTOFF = 90


@dataclass(frozen=True)
class KnownPerson:
    """What matching and the page need to know of a person already in the database."""

    id: int
    full_name: str
    name_key: str
    nationality: str | None
    email: str | None
    organisation: str | None


@dataclass
class PeopleIndex:
    """The database's people, indexed by e-mail, by name key (and nationality), for one module."""

    people: dict[int, KnownPerson] = field(default_factory=dict)
    by_email: dict[str, int] = field(default_factory=dict)
    by_key: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    in_module: set[int] = field(default_factory=set)

    def add(self, person: KnownPerson) -> None:
        self.people[person.id] = person
        if person.email:
            self.by_email[person.email.casefold()] = person.id
        if person.name_key:
            self.by_key[person.name_key].append(person.id)


@dataclass(frozen=True)
class Match:
    """A person a row is (certain) or may be (probable), with the score and the reason."""

    person_id: int
    certain: bool
    score: float
    reason: str


def load_index(session: Session, module_id: int | None) -> PeopleIndex:
    """Return every person not erased, in one query, and who already takes part in the module."""
    query = (
        sa.select(
            Person.id,
            Person.full_name,
            Person.name_key,
            Person.nationality,
            Person.email,
            Organisation.name,
        )
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(Person.erased_at.is_(None))
    )
    index = PeopleIndex()
    for row in session.execute(query):
        index.add(KnownPerson(*row))
    if module_id is not None:
        index.in_module = set(
            session.scalars(sa.select(Participation.person_id).where(Participation.module_id == module_id))
        )
    return index


def certain_match(index: PeopleIndex, person: PersonRow) -> Match | None:
    """Return the person with the same e-mail, or the same name and nationality (or already in the module)."""
    if person.email and person.email in index.by_email:
        return Match(index.by_email[person.email], True, 100.0, "same e-mail")
    candidates = index.by_key.get(person.name_key, [])
    for person_id in candidates:
        known = index.people[person_id]
        if person.nationality and known.nationality == person.nationality:
            return Match(person_id, True, 100.0, "same name and nationality")
    for person_id in candidates:
        known = index.people[person_id]
        # The same name already listed in this module is the same person (a re-imported sheet).
        if person_id in index.in_module and (not person.nationality or not known.nationality):
            return Match(person_id, True, 100.0, "same name, already in this module")
    return None


def probable_matches(index: PeopleIndex, rows: list[PersonRow]) -> dict[int, Match]:
    """Return {row index: best probable match} for rows whose name is close to someone of their nationality."""
    groups: dict[str | None, list[tuple[str, int]]] = defaultdict(list)
    for known in index.people.values():
        groups[known.nationality].append((known.name_key, known.id))
    everyone = [entry for entries in groups.values() for entry in entries]
    found: dict[int, Match] = {}
    for person in rows:
        # Same nationality, or a side without one: a nationality on both sides that differs rules it out.
        pool = everyone if person.nationality is None else groups.get(person.nationality, []) + groups.get(None, [])
        if not pool:
            continue
        best = _best(person.name_key, pool)
        if best is not None:
            found[person.index] = best
    return found


def _best(key: str, pool: list[tuple[str, int]]) -> Match | None:
    keys = [entry[0] for entry in pool]
    hit = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=PROBABLE_CUTOFF)
    if hit is None and len(key.split()) >= 2:
        # "Maria Santos" and "Maria dos Santos": one name's words all in the other's.
        hit = process.extractOne(key, keys, scorer=_token_subset, score_cutoff=PROBABLE_CUTOFF)
    if hit is None:
        return None
    _, score, position = hit
    return Match(pool[position][1], False, round(float(score), 1), "similar name")


def _token_subset(left: str, right: str, **_: object) -> float:
    if len(right.split()) < 2:
        return 0.0
    return fuzz.token_set_ratio(left, right)
