"""What the words of a directory search reach besides a profile's own words.

A word of a search finds a person when it is in their profile (name, organisation where shared, position,
expertise, notes: the full-text index of migration 0002), and also:

- when it is in the agenda of a module they took part in (attended): a session's title, a topic of one of
  its sessions, or the module's title or focus. "lobbying" finds the alumni of every module with a session
  on lobbying. Agendas are few (a module has tens of sessions, a programme some hundreds of modules, however
  many people it trains), so the words are matched against the distinct agenda texts in Python, with the
  index's rules (accents and capitals aside, every word a prefix), and become a list of module ids;
- when the words are a country's name ("Cambodia", "Viet Nam", "Sri Lanka"), or a word is a country's ISO 3166
  alpha-3 code typed in capitals, as the records hold it ("THA", "MYS"): the people whose nationality or country of
  work is that country. Only in capitals: in lower case many codes are words or names ("ben" is Benin, "ken"
  Kenya, "and" Andorra, "can" Canada), and two-letter codes ("in", "my", "to") never count. As with a name, the
  word is still searched in profiles too: "MYS" also finds a "Mysha", "Jordan" a Jordan Lee;
- when the words name a type of organisation as the import reads one ("trade union", "lawyers", "faith based",
  "migrant association": programme.importing.normalise.ORG_TYPE_WORDS, words of two letters aside): the people
  whose organisation is of that type, where they share their organisation (as the type's facet).

Topics are matched at search time, not written into the full-text index: a person's document would change
with every participation and every edit of an agenda (thousands of people for one topic added to a
module), and on SQLite each of those re-indexings is a delete and an insert in the full-text table.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from programme.alumni.fulltext import MAX_QUERY_WORDS, words_of
from programme.importing.normalise import ORG_TYPE_WORDS
from programme.models import AgendaSession, Module, SessionTopic, Topic
from programme.people.countries import country_name, country_named, known_code
from programme.people.names import fold_words

agenda_session = AgendaSession.__table__
session_topic = SessionTopic.__table__
topic = Topic.__table__
module = Module.__table__

# The longest country name a search looks for, in words ("Saint Vincent and the Grenadines" is five).
LONGEST_COUNTRY_NAME = 5


@dataclass(frozen=True)
class Term:
    """One part of a search: words that must all be in the profile, or what else they stand for."""

    # The query's words (lower case), all required in the profile's indexed text.
    words: tuple[str, ...]
    # The alpha-3 code when the words are a country's name.
    country: str | None = None
    # The organisation type (its stored value) when the words name one.
    org_type: str | None = None
    # The modules whose agenda holds every word (sessions' titles and topics, the module's title and focus).
    modules: tuple[int, ...] = ()

    @property
    def plain(self) -> bool:
        """Whether the term reaches only the profile's words."""
        return self.country is None and self.org_type is None and not self.modules


def codes_typed(text: str) -> frozenset[str]:
    """Return the words of a query typed as a country's code: three capital letters ASCII, an ISO 3166 alpha-3 code
    ("THA"), lower-cased as the query's words are ("tha"); "Tha", "tha" and "TH" are words, not codes."""
    # The query's words as fulltext.query_words reads them, capitals kept, to count the same eight.
    words = words_of(text)[:MAX_QUERY_WORDS]
    return frozenset(
        word.lower() for word in words if len(word) == 3 and word.isascii() and word.isupper() and known_code(word)
    )


def search_terms(session: Session, words: list[str], *, codes: frozenset[str] = frozenset()) -> list[Term]:
    """Return the terms of a query's words: a country's name or an organisation type's (of one or more words) is
    one term, each other word its own; a word of codes (codes_typed: "tha" typed "THA") is its country's term; each
    with the modules whose agenda holds it."""
    if not words:
        return []
    grouped: list[tuple[tuple[str, ...], str | None, str | None]] = []
    index = 0
    while index < len(words):
        for length in range(min(LONGEST_COUNTRY_NAME, len(words) - index), 0, -1):
            phrase = " ".join(words[index : index + length])
            code, kind = country_named(phrase), org_type_named(phrase)
            if code is None and length == 1 and phrase in codes:
                code = phrase.upper()
            if code is not None or kind is not None:
                grouped.append((tuple(words[index : index + length]), code, kind))
                index += length
                break
        else:
            grouped.append(((words[index],), None, None))
            index += 1
    texts = agenda_texts(session)
    return [
        Term(words=group, country=code, org_type=kind, modules=modules_teaching(session, group, texts))
        for group, code, kind in grouped
    ]


def org_type_named(phrase: str) -> str | None:
    """Return the organisation type (its stored value) the words name as an import reads them ("trade union",
    "Lawyers", "faith-based"), None otherwise; words of two letters ("un", "tu") name none here, too short to mean
    it in a search."""
    folded = " ".join(fold_words(phrase))
    if len(folded) < 3:
        return None
    found = ORG_TYPE_WORDS.get(folded)
    return None if found is None else found.value


def agenda_texts(session: Session) -> list[str]:
    """Return the distinct texts of every agenda: sessions' titles, topics used in sessions, modules' titles
    and focus."""
    used_topics = sa.select(topic.c.name).where(topic.c.id.in_(sa.select(session_topic.c.topic_id)))
    statement = sa.union(
        sa.select(agenda_session.c.title),
        used_topics,
        sa.select(module.c.title),
        sa.select(module.c.focus).where(module.c.focus.is_not(None)),
    )
    return [text for text in session.scalars(statement) if text]


def matches(words: tuple[str, ...], text: str) -> bool:
    """Return whether every word starts a word of text, accents and capitals aside (as the index matches)."""
    tokens = fold_words(text)
    return all(any(token.startswith(word) for token in tokens) for word in _folded(words))


def _folded(words: tuple[str, ...]) -> list[str]:
    return [" ".join(fold_words(word)) for word in words]


def modules_teaching(session: Session, words: tuple[str, ...], texts: list[str] | None = None) -> tuple[int, ...]:
    """Return the ids of the modules whose agenda holds every word in one text, ascending."""
    found = [text for text in (agenda_texts(session) if texts is None else texts) if matches(words, text)]
    if not found:
        return ()
    statement = sa.union(
        sa.select(agenda_session.c.module_id).where(agenda_session.c.title.in_(found)),
        sa.select(agenda_session.c.module_id)
        .join(session_topic, session_topic.c.session_id == agenda_session.c.id)
        .join(topic, topic.c.id == session_topic.c.topic_id)
        .where(topic.c.name.in_(found)),
        sa.select(module.c.id).where(sa.or_(module.c.title.in_(found), module.c.focus.in_(found))),
    )
    return tuple(sorted(session.scalars(statement)))


def reading(terms: list[Term]) -> str | None:
    """Return how a search's words were read, for the words that reach beyond a profile's own (an organisation type,
    a country, what people were trained on), or None when every word is read as itself:

    "Each part must match. “trade union”: an organisation of the type trade union (where the alum shares their
    organisation), or these words in a profile. “Malaysia”: from or working in Malaysia, or this word in a profile."
    """
    parts = []
    for term in terms:
        if term.plain:
            continue
        ways = []
        if term.org_type is not None:
            ways.append(f"an organisation of the type {term.org_type} (where the alum shares their organisation)")
        if term.country is not None:
            ways.append(f"from or working in {country_name(term.country)}")
        if term.modules:
            ways.append(counted_modules(len(term.modules)))
        ways.append(f"{'these words' if len(term.words) > 1 else 'this word'} in a profile")
        named = country_name(term.country) if term.country is not None else " ".join(term.words)  # "viet nam": Vietnam
        parts.append(f"“{named}”: {', '.join(ways[:-1])}, or {ways[-1]}.")
    if not parts:
        return None
    return " ".join((["Each part must match."] if len(terms) > 1 else []) + parts)


def counted_modules(modules: int) -> str:
    """Return "trained on it (attended one of the 3 modules whose agenda has it)". The count is of the modules whose
    agenda has the words, not of those each alum attended: "in the agenda of 2 modules they attended" was said of
    alumni who had attended one of them (the other, still to come, had the word in its title)."""
    if modules == 1:
        return "trained on it (attended the module whose agenda has it)"
    return f"trained on it (attended one of the {modules:,} modules whose agenda has it)"
