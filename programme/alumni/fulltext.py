"""The full-text index of people (migration 0002): the words of a query and the ids of the people holding them."""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from programme.alumni.common import person
from programme.core.errors import ProgrammeError
from programme.people.names import without_optional_marks

# More words than this in a query are ignored: nobody types them, and each costs an index lookup.
MAX_QUERY_WORDS = 8
# A word of a query: letters, digits and combining marks, as both indexes read a word ("सीता" whole, its vowel signs
# in it): PostgreSQL's 'simple' parser, and SQLite's tokenizer since migration 0030 (categories L*, N*, Co, Mc, Mn).
# The optional marks (Latin accents, Arabic harakat, Hebrew points: names.without_optional_marks) are dropped from the
# indexed text since migration 0031, and from the query's words here: "محمد" finds "مُحَمَّد", and the reverse.
_NOT_WORD = re.compile(r"[\W_]")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
# A longer word is searched as the index terms it is a prefix of, when there are at most this many.
MAX_EXTENSIONS = 16


def query_words(text: str) -> list[str]:
    """Return the words of a query, lower-cased; accents are folded by the database's index."""
    return words_of(text.lower())[:MAX_QUERY_WORDS]


def words_of(text: str) -> list[str]:
    """Return text's words as the search indexes read them: runs of letters, digits and combining marks (NFC), the
    optional marks dropped (names.without_optional_marks)."""
    text = without_optional_marks(text)
    if text.isascii():
        return re.findall(r"[^\W_]+", text)
    # A typed query is short: each character looked at once.
    words, word = [], []
    for character in text:
        if not _NOT_WORD.match(character) or unicodedata.category(character)[0] == "M":
            word.append(character)
        elif word:
            words.append("".join(word))
            word = []
    if word:
        words.append("".join(word))
    return words


def text_condition(session: Session, text: str) -> ColumnElement[bool] | None:
    """Return "the person's indexed fields hold every word of text" (None for no words), for person rows."""
    words = query_words(text)
    return None if not words else person.c.id.in_(text_ids(session, words))


def text_ids(session: Session, words: list[str]) -> sa.TextualSelect:
    """Return a SELECT of the ids (column "id") of people whose indexed fields hold every word (as a prefix)."""
    dialect = session.get_bind().dialect.name
    # Every word is a prefix ("jos" finds José); words hold letters and digits only, so they are safe.
    if dialect == "sqlite":
        found = sa.text("SELECT rowid AS id FROM person_search WHERE person_search MATCH :words")
    elif dialect == "postgresql":
        found = sa.text(
            "SELECT person_id AS id FROM person_search WHERE document @@ to_tsquery('simple', programme_fold(:words))"
        )
    else:
        raise ProgrammeError(f"Directory search is not available on {dialect} databases.")
    match = sqlite_match(session, words) if dialect == "sqlite" else " & ".join(f"{word}:*" for word in words)
    # A parameter of its own: one statement may hold several of these SELECTs.
    return found.bindparams(sa.bindparam("words", match, unique=True)).columns(sa.column("id", sa.Integer))


def sqlite_match(session: Session, words: list[str]) -> str:
    """Return the FTS5 query for words, every word a prefix ("jos" finds José), all of them required.

    FTS5 answers a prefix of two or three letters from its prefix indexes, as a stream. A longer prefix
    ("domestic"*) it first merges into one list of every matching row, 10 ms and more for a common word,
    before the first row comes out; an exact term streams, so that a capped search stops early. So a
    longer plain word is written as the terms it is a prefix of, from the index's vocabulary (migration
    0003): "domestic" alone when no longer term starts with it, or ("wija" OR "wijaya" OR "wijayanti").
    Words hold letters and digits only, and so do the index's terms, so quoting them is safe.
    """
    terms = []
    for word in words:
        longer = _longer_terms(session, word)
        if longer is None:
            terms.append(f'"{word}"*')
        else:
            terms.append("(" + " OR ".join(f'"{term}"' for term in [word, *longer]) + ")")
    return " AND ".join(terms)


def _longer_terms(session: Session, word: str) -> list[str] | None:
    """Return the index's terms that start with word and are longer, or None to search word as a prefix."""
    # Only plain ASCII words are their own index term (others are folded by the tokenizer: é is e).
    if len(word) <= 3 or not _ASCII_WORD.fullmatch(word):
        return None
    # Terms hold letters and digits: every longer term starting with word sorts from word + "0" up to the
    # word with its last letter incremented ("domestid"), excluded.
    bounds = {"low": word + "0", "high": word[:-1] + chr(ord(word[-1]) + 1), "limit": MAX_EXTENSIONS + 1}
    longer = session.execute(_LONGER_TERMS, bounds).scalars().all()
    return None if len(longer) > MAX_EXTENSIONS else list(longer)


_LONGER_TERMS = sa.text("SELECT term FROM person_search_vocab WHERE term >= :low AND term < :high LIMIT :limit")
