"""Facilitators and topics named in an agenda: matched to the registry by name, or created."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session

from programme.models import Person, SessionFacilitator, Topic
from programme.people.names import clean_text, display_name, fold, name_key, split_name


@dataclass
class PeopleFinder:
    """Finds people by name_key once per name; remembers who it created so counts can be reported."""

    session: Session
    created: list[Person] = field(default_factory=list)
    matched: set[int] = field(default_factory=set)
    _cache: dict[str, Person | None] = field(default_factory=dict)

    def find(self, name: str) -> Person | None:
        """Return the person with this name, preferring one who has led sessions before; None if unknown."""
        key = name_key(name)
        if key not in self._cache:
            self._cache[key] = _best_match(self.session, key)
        return self._cache[key]

    def find_or_create(self, name: str, *, import_batch_id: int | None = None) -> Person:
        """Return the person with this name, creating them (name only) when nobody matches."""
        person = self.find(name)
        if person is not None:
            self.matched.add(person.id)
            return person
        full_name = display_name(name)
        given, family = split_name(full_name)
        person = Person(
            full_name=full_name,
            given_name=given or None,
            family_name=family or None,
            name_key=name_key(full_name),
            import_batch_id=import_batch_id,
        )
        self.session.add(person)
        self.session.flush()
        self._cache[person.name_key] = person
        self.created.append(person)
        return person


def _best_match(session: Session, key: str) -> Person | None:
    if not key:
        return None
    # Two people can share a name: the one already leading sessions is the likelier facilitator.
    has_led = (
        sa.select(sa.func.count())
        .select_from(SessionFacilitator)
        .where(SessionFacilitator.person_id == Person.id)
        .scalar_subquery()
    )
    query = (
        sa.select(Person)
        .where(Person.name_key == key, Person.erased_at.is_(None))
        .order_by(has_led.desc(), Person.id)
        .limit(1)
    )
    return session.scalar(query)


def topic_names(text: object) -> list[str]:
    """Return the topics in "CEDAW; Lobbying" (semicolons or commas), cleaned, without repeats."""
    seen: dict[str, str] = {}
    for part in clean_text(text).replace(";", ",").split(","):
        name = part.strip()
        if name and fold(name) not in seen:
            seen[fold(name)] = name
    return list(seen.values())


def topics_by_name(session: Session, names: list[str]) -> list[Topic]:
    """Return the Topic rows for these names (matched without case or accents), creating new ones."""
    existing = {fold(topic.name): topic for topic in session.scalars(sa.select(Topic))}
    result = []
    for name in names:
        topic = existing.get(fold(name))
        if topic is None:
            topic = Topic(name=name[:120])
            session.add(topic)
            session.flush()
            existing[fold(name)] = topic
        result.append(topic)
    return result
