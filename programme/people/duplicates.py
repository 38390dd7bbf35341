"""Possible duplicates of one person: the import's probable-match rule, run later from the person's page.

A probable match turned down at import (the row became a new person) shows up here, with a merge button on
the page. The rule is the import's (programme.importing.matching): names at least PROBABLE_CUTOFF similar
(rapidfuzz ratio, or by words for names of two words or more), and nationalities that do not differ.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from rapidfuzz import fuzz, process
from sqlmodel import Session

from programme.core.errors import NotFound
from programme.importing.matching import PROBABLE_CUTOFF
from programme.models import Organisation, Participation, Person
from programme.people.likeness import likeness

DUPLICATE_COLUMNS = [
    "person_id", "full_name", "nationality", "organisation", "email", "modules", "score", "reason", "why",
]  # fmt: skip
# Possible duplicates shown at once, best first.
DUPLICATE_LIMIT = 10


def _several_words(key: str) -> bool:
    return len(set(key.split())) >= 2


def possible_duplicates(session: Session, person_id: int, *, limit: int = DUPLICATE_LIMIT) -> pd.DataFrame:
    """Return the people (not erased) who may be the same as person_id, best first, with score and reason, and what
    is alike and what differs in words ("why": likeness)."""
    person = session.get(Person, person_id)
    if person is None or person.erased_at is not None:
        raise NotFound(f"There is no person with id {person_id} (or their record was erased).")
    pool = sa.select(Person.id, Person.name_key, Person.nationality).where(
        Person.erased_at.is_(None), Person.id != person_id
    )
    if person.nationality is not None:  # a nationality on both sides that differs rules a match out
        pool = pool.where(sa.or_(Person.nationality == person.nationality, Person.nationality.is_(None)))
    rows = session.execute(pool).all()
    keys = [row.name_key for row in rows]
    scores: dict[int, tuple[float, str]] = {}
    for _, score, position in process.extract(
        person.name_key, keys, scorer=fuzz.ratio, score_cutoff=PROBABLE_CUTOFF, limit=None
    ):
        row = rows[position]
        same = row.name_key == person.name_key
        reason = "same name" + (" and nationality" if same and row.nationality == person.nationality else "")
        scores[row.id] = (round(float(score), 1), reason if same else "similar name")
    if _several_words(person.name_key):
        several = [position for position, key in enumerate(keys) if _several_words(key)]
        for _, score, position in process.extract(
            person.name_key,
            [keys[p] for p in several],
            scorer=fuzz.token_set_ratio,
            score_cutoff=PROBABLE_CUTOFF,
            limit=None,
        ):
            row = rows[several[position]]
            if row.id not in scores:
                scores[row.id] = (round(float(score), 1), "similar name (the same words)")
    best = sorted(scores.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    if not best:
        return pd.DataFrame(columns=DUPLICATE_COLUMNS)
    modules = (
        sa.select(sa.func.count(Participation.id))
        .where(Participation.person_id == Person.id)
        .correlate(Person)
        .scalar_subquery()
    )
    details = {
        row.person_id: row
        for row in session.execute(
            sa.select(
                Person.id.label("person_id"),
                Person.full_name,
                Person.nationality,
                Organisation.name.label("organisation"),
                Person.email,
                modules.label("modules"),
            )
            .outerjoin(Organisation, Organisation.id == Person.organisation_id)
            .where(Person.id.in_([person_id for person_id, _ in best]))
        )
    }
    organisation = session.get(Organisation, person.organisation_id) if person.organisation_id is not None else None
    own = {"full_name": person.full_name, "nationality": person.nationality, "email": person.email,
           "organisation": organisation.name if organisation else None}  # fmt: skip
    records = [
        {
            **details[found]._asdict(),
            "score": score,
            "reason": reason,
            # What is alike and what differs, in words: the score alone told nobody what 92 meant.
            "why": likeness(own, details[found]._asdict(), sides=("on this record", "on the other")),
        }
        for found, (score, reason) in best
    ]
    return pd.DataFrame(records, columns=DUPLICATE_COLUMNS)
