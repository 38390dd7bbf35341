"""De-duplication: who in the database a sheet's row is, certainly or probably."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import sqlalchemy as sa
from rapidfuzz import fuzz, process
from sqlmodel import Session

from programme.importing.validate import PersonRow
from programme.models import Participation

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


class KnownPeople(Mapping[int, KnownPerson]):
    """The known people by id, held as the database's rows (id, full name, name key, nationality, e-mail,
    organisation): a KnownPerson is made when one is asked for, not for each of 500,000 people loaded."""

    def __init__(self) -> None:
        self.rows: dict[int, tuple] = {}

    def __getitem__(self, person_id: int) -> KnownPerson:
        return KnownPerson(*self.rows[person_id])

    def __iter__(self) -> Iterator[int]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class PeopleIndex:
    """The database's people, indexed by e-mail, by name key (and nationality), for one module."""

    people: KnownPeople = field(default_factory=KnownPeople)
    by_email: dict[str, int] = field(default_factory=dict)
    by_key: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    in_module: set[int] = field(default_factory=set)

    def add(self, person: KnownPerson) -> None:
        self.add_row((person.id, person.full_name, person.name_key, person.nationality, person.email,
                      person.organisation))  # fmt: skip

    def add_row(self, row: tuple) -> None:
        """Add a person as (id, full name, name key, nationality, e-mail, organisation)."""
        person_id, _, name_key, _, email, _ = row
        self.people.rows[person_id] = row
        if email:
            self.by_email[email.casefold()] = person_id
        if name_key:
            self.by_key[name_key].append(person_id)


@dataclass(frozen=True)
class Match:
    """A person a row is (certain) or may be (probable), with the score and the reason."""

    person_id: int
    certain: bool
    score: float
    reason: str


# Every person not erased, as the index holds them (our own statement, no input in it; the same on both databases),
# by id: the order decides between equal similarity scores (the first in it wins), the same on every database.
_PEOPLE_SQL = (
    "SELECT person.id, person.full_name, person.name_key, person.nationality, person.email, organisation.name "
    "FROM person LEFT OUTER JOIN organisation ON organisation.id = person.organisation_id "
    "WHERE person.erased_at IS NULL"
)
# Lists of at most this many rows are matched against the people they could be only (load_index_for).
TARGETED_ROWS = 2_000


def load_index(session: Session, module_id: int | None) -> PeopleIndex:
    """Return every person not erased, in one query, and who already takes part in the module."""
    return _index(session, module_id, _PEOPLE_SQL + " ORDER BY person.id", {})


def load_index_for(session: Session, module_id: int | None, rows: list[PersonRow]) -> PeopleIndex | None:
    """Return the people these (validated) rows could be, as load_index would hold them for matching the rows: the
    same e-mail, the same name key, or the same nationality or none (whom a similar name is compared with). None
    when a valid row has no nationality (it is compared with everyone): load_index then.

    E-mails are compared as stored: every way a person's e-mail is written (import, the person's page, a
    self-service form) keeps it in lower case, as the rows' are read (normalise.email).
    """
    valid = [row for row in rows if row.valid]
    if any(not row.nationality for row in valid):
        return None
    could_be, parameters = _same_as(valid, ("name_key", "email", "nationality"))
    sql = f"{_PEOPLE_SQL} AND ({' OR '.join(['person.nationality IS NULL', *could_be])}) ORDER BY person.id"
    return _index(session, module_id, sql, parameters)


def _same_as(rows: list[PersonRow], columns: tuple[str, ...]) -> tuple[list[str], dict[str, str]]:
    """Return the conditions "person.COLUMN IN (the rows' values)" for the columns the rows have values in, and their
    parameters (the values, never in the statement's text)."""
    could_be: list[str] = []
    parameters: dict[str, str] = {}
    for column in columns:
        values = sorted({getattr(row, column) for row in rows if getattr(row, column)})
        if values:
            names = [f"{column}_{i}" for i in range(len(values))]
            parameters.update(zip(names, values, strict=True))
            could_be.append(f"person.{column} IN ({', '.join(':' + name for name in names)})")
    return could_be, parameters


# Everyone's id, name key and nationality, in _PEOPLE_SQL's order: all probable_matches reads of a person.
_NAMES_SQL = (
    "SELECT person.id, NULL, person.name_key, person.nationality, NULL, NULL FROM person "
    "WHERE person.erased_at IS NULL ORDER BY person.id"
)


def load_index_by_name(session: Session, module_id: int | None, rows: list[PersonRow]) -> PeopleIndex:
    """Return an index that matches these few (validated) rows as load_index's would, for rows one of which has no
    nationality (compared by name with everyone), without reading everyone's whole record.

    It holds everyone's id, name key and nationality (what probable_matches compares), and the whole record of the
    people the rows could certainly be: the same e-mail or name key (what certain_match reads). A self-service
    registration without a nationality read all 500,000 records, with their organisations, in 3-5 s. A probable
    match's name, e-mail and organisation are not in it: whoever shows one reads the person.
    """
    index = _index(session, module_id, _NAMES_SQL, {}, keyed=False)
    could_be, parameters = _same_as([row for row in rows if row.valid], ("name_key", "email"))
    if could_be:
        sql = f"{_PEOPLE_SQL} AND ({' OR '.join(could_be)}) ORDER BY person.id"
        whole = session.connection().execute(sa.text(sql), parameters).all()
        index.people.rows.update((row[0], tuple(row)) for row in whole)  # in place: the order stays the ids'
        index.by_email.update((row[4].casefold(), row[0]) for row in whole if row[4])
        for row in whole:  # everyone with the rows' name keys, in the ids' order, as load_index's by_key lists them
            if row[2]:
                index.by_key[row[2]].append(row[0])
    return index


def _index(
    session: Session, module_id: int | None, sql: str, parameters: dict[str, str], *, keyed: bool = True
) -> PeopleIndex:
    """Return the index of the people sql reads; keyed=False leaves by_key empty (the caller fills it)."""
    index = PeopleIndex()
    # What the session holds unwritten is written first, as the session's own query would. Then the rows as plain
    # tuples, fetched at once (SQLAlchemy's handling of each of 500,000 rows, and a call per row to add it, were
    # most of an import's time at scale).
    session.flush()
    result = session.connection().execute(sa.text(sql), parameters)
    rows = [tuple(row) for row in result.cursor.fetchall()] if result.cursor is not None else []
    result.close()
    index.people.rows = {row[0]: row for row in rows}
    # As add_row, row by row: a later person with the same e-mail (case aside) takes its place.
    index.by_email.update((row[4].casefold(), row[0]) for row in rows if row[4])
    by_key = index.by_key
    for row in rows if keyed else ():
        if row[2]:
            by_key[row[2]].append(row[0])
    if module_id is not None:
        index.in_module = set(
            session.scalars(sa.select(Participation.person_id).where(Participation.module_id == module_id))
        )
    return index


def certain_match(index: PeopleIndex, person: PersonRow) -> Match | None:
    """Return the person with the same e-mail, or the same name and nationality (or already in the module).

    A person found by name whose recorded e-mail is another than the row's is not certain: two advocates of one
    country may share a name. They are returned as a probable match (certain False), for someone to decide.
    """
    if person.email and person.email in index.by_email:
        return Match(index.by_email[person.email], True, 100.0, "same e-mail")
    candidates = index.by_key.get(person.name_key, [])
    other_email: Match | None = None
    for person_id in candidates:
        known = index.people[person_id]
        if person.nationality and known.nationality == person.nationality:
            if _other_email(person, known):
                other_email = other_email or Match(person_id, False, 100.0, "same name and nationality, another e-mail")
                continue
            return Match(person_id, True, 100.0, "same name and nationality")
    for person_id in candidates:
        known = index.people[person_id]
        # The same name already listed in this module is the same person (a re-imported sheet).
        if person_id in index.in_module and (not person.nationality or not known.nationality):
            if _other_email(person, known):
                other_email = other_email or Match(person_id, False, 100.0, "same name in this module, another e-mail")
                continue
            return Match(person_id, True, 100.0, "same name, already in this module")
    return other_email


def _other_email(person: PersonRow, known: KnownPerson) -> bool:
    """Whether the row and the recorded person each have an e-mail, and they differ."""
    return bool(person.email and known.email and known.email.casefold() != person.email.casefold())


def probable_matches(index: PeopleIndex, rows: list[PersonRow]) -> dict[int, Match]:
    """Return {row index: best probable match} for rows whose name is close to someone of their nationality."""
    groups: dict[str | None, list[tuple[str, int]]] = defaultdict(list)
    for person_id, _, name_key, nationality, _, _ in index.people.rows.values():
        groups[nationality].append((name_key, person_id))
    everyone = [entry for entries in groups.values() for entry in entries]
    # Rows of one nationality are compared with the same people: all of them at once.
    by_nationality: dict[str | None, list[PersonRow]] = defaultdict(list)
    for person in rows:
        by_nationality[person.nationality].append(person)
    best: dict[int, Match] = {}
    for nationality, people in by_nationality.items():
        # Same nationality, or a side without one: a nationality on both sides that differs rules it out.
        pool = everyone if nationality is None else groups.get(nationality, []) + groups.get(None, [])
        if pool:
            best.update(_best([person.index for person in people], [person.name_key for person in people], pool))
    return {person.index: best[person.index] for person in rows if person.index in best}


# Scores computed at once, at most (rows x people); larger sets are compared a slice of rows at a time.
MATRIX_CELLS = 4_000_000
# Names scoring this close to the cutoff by ratio are compared by words too, whatever words they share
# (a margin far wider than the rounding that separates the two scorers' arithmetic).
_NEAR_CUTOFF = PROBABLE_CUTOFF - 1


def _best(indexes: list[int], keys: list[str], pool: list[tuple[str, int]]) -> dict[int, Match]:
    """Return {row index: the pool's first best-scoring person} for keys scoring at least PROBABLE_CUTOFF.

    The same choice as process.extractOne on each key (the first of equal best scores) by ratio, and
    for a key of two different words or more with no such name, by token_set_ratio among names of two
    different words or more (one word shared is not enough: "Vu Vu" is not "Duyen Vu"). Ratios are scored by rapidfuzz's cdist, many keys at once in compiled code.
    """
    names = [entry[0] for entry in pool]
    found: dict[int, Match] = {}
    by_words: _WordIndex | None = None  # built when a key first needs it
    step = max(1, MATRIX_CELLS // len(names))
    for start in range(0, len(keys), step):
        chunk = keys[start : start + step]
        matrix = process.cdist(chunk, names, scorer=fuzz.ratio, score_cutoff=_NEAR_CUTOFF, dtype=np.float64)
        positions = matrix.argmax(axis=1)  # the first of equal maxima, as extractOne keeps the first
        for i, (key, position) in enumerate(zip(chunk, positions.tolist(), strict=True)):
            score, person_id = float(matrix[i, position]), pool[position][1]
            if score < PROBABLE_CUTOFF:
                if len(set(key.split())) < 2:  # one word (even twice, as in "Vu Vu") is too little
                    continue
                by_words = by_words or _WordIndex(names)
                near = np.flatnonzero(matrix[i]).tolist()  # ratios within _NEAR_CUTOFF of the cutoff
                candidates = by_words.candidates(key, near)
                hit = process.extractOne(
                    key, [names[c] for c in candidates], scorer=fuzz.token_set_ratio, score_cutoff=PROBABLE_CUTOFF
                )
                if hit is None:
                    continue
                score, person_id = hit[1], pool[candidates[hit[2]]][1]
            found[indexes[start + i]] = Match(person_id, False, round(float(score), 1), "similar name")
    return found


class _WordIndex:
    """Names of two different words or more by word: a key is compared by words only with names that can reach the cutoff.

    ("Maria Santos" and "Maria dos Santos": one name's words all in the other's.) token_set_ratio compares two names by the words they share; between two names that share none,
    each already single-spaced distinct words in sorted order (as name keys are), it is their ratio. For a
    key scoring below the cutoff by ratio with every name, only names that share a word with it, names
    not in that form, and names whose ratio came near the cutoff can reach the cutoff by words: the
    others are left out, and the pool's order (which decides between equal scores) is kept.
    """

    def __init__(self, names: list[str]) -> None:
        self.several = [len(set(name.split())) >= 2 for name in names]
        self.positions: dict[str, list[int]] = defaultdict(list)
        self.unusual: list[int] = []  # of several words, not in name-key form: always compared
        for position, name in enumerate(names):
            if not self.several[position]:
                continue
            words = name.split()
            if not _is_key_form(name, words):
                self.unusual.append(position)
            for word in set(words):
                self.positions[word].append(position)

    def candidates(self, key: str, near: list[int]) -> list[int]:
        """Return the positions (ascending) of the names of several words the key could reach the cutoff with."""
        words = key.split()
        if not _is_key_form(key, words):
            return [position for position, several in enumerate(self.several) if several]
        chosen = set(self.unusual).union(*(self.positions.get(word, ()) for word in words))
        chosen.update(position for position in near if self.several[position])
        return sorted(chosen)


def _is_key_form(name: str, words: list[str]) -> bool:
    # Distinct words of letters and digits (no scorer can split them differently), single-spaced, sorted.
    return all(word.isalnum() for word in words) and name == " ".join(sorted(set(words)))
