"""The directory's indexes drop the optional marks (Arabic harakat, Hebrew points...) as the names' keys do

Revision ID: 0031_search_unmarked
Revises: 0030_sqlite_search_letter_marks
Create Date: 2026-12-06 18:00:00

Names are stored as typed: "مُحَمَّد" (Muhammad with damma, fatha and shadda) and "محمد" (the same name without them)
had the same name key (programme.people.names.fold drops every combining mark but the letter marks of the Brahmic
scripts and Thai, Myanmar, Khmer...: migration 0029), but both search indexes held the marks, so each was found only
when typed as it was stored. Both indexes now drop the same marks (names.without_optional_marks: NFKD, then every
combining mark but the letter marks), and so do a query's words (programme.alumni.fulltext.words_of): "कमला" (Kamala)
still does not find "कमल" (Kamal).

SQLite: FTS5's tokenizer cannot drop a mark that is a character of a word (it drops Latin accents only), so the text
is given to it without them by the SQL function programme_unmarked, which programme.core.db registers on every
connection (and this migration on its own, spelled out as of this revision). The four triggers of migration 0002
that write the index call it, and the index is made again (with its own tokenizer, read from the schema) and filled
from the people. PostgreSQL: programme_fold (migration 0005: NFKD, Latin combining marks removed, lower case) removes
every mark of the set; the documents holding text that is not ASCII are made again. A database not in UTF8 keeps
0005's translate() fold (normalize() needs UTF8), and its documents.

At 500,000 people (a copy of the `/work/scale` SQLite file at 0030, 6 December 2026, load 11 on 2 cores with other
work beside it) `programme init` took 40 s wall, 14 s CPU. Filling the index alone: 6.7 s CPU with the texts as they
are, 7.9 s through programme_unmarked (the same +1.2 s per 500,000 people falls on an import's index entries). On
PostgreSQL the new fold costs about as much as 0005's (200,000 texts: 5.3-5.6 s against 4.0-5.2 s, under load).

A connection without programme_unmarked (the sqlite3 shell, DB Browser) can still read, delete people and change the
columns the index does not hold, but not insert a person nor change a name, organisation, position, expertise or notes
("no such function": the triggers that call it are compiled for those statements only).
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Sequence

from alembic import op

revision: str = "0031_search_unmarked"
down_revision: str | None = "0030_sqlite_search_letter_marks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# programme.people.names.LETTER_MARK_RANGES as of this revision: their marks stay.
_RANGES = (
    (0x0900, 0x0DFF),
    (0x0E00, 0x0FFF),
    (0x1000, 0x109F),
    (0x1700, 0x17FF),
    (0x1900, 0x1AAF),
    (0x1B00, 0x1C4F),
    (0xA800, 0xA82F),
    (0xA880, 0xA8FF),
    (0xA900, 0xAAFF),
    (0xABC0, 0xABFF),
    (0x11000, 0x11FFF),
)


def _dropped() -> list[int]:
    """Return the code points names.without_optional_marks drops: combining marks (a combining class) outside
    _RANGES' blocks (their marks, all of them, stay)."""
    return [
        code
        for code in range(0x20000)
        if unicodedata.combining(chr(code)) and not any(first <= code <= last for first, last in _RANGES)
    ]


def _unmarked_function() -> object:
    table = dict.fromkeys(_dropped())

    def unmarked(value: object) -> object:
        if not isinstance(value, str) or value.isascii():
            return value
        return unicodedata.normalize("NFC", unicodedata.normalize("NFKD", value).translate(table))

    return unmarked


# --- SQLite ---------------------------------------------------------------------------------------

_WATCHED = "full_name, organisation_id, position, expertise, notes, consent_organisation"
_INSERT = "INSERT INTO person_search(rowid, name, organisation, position, expertise, notes)"
_ORGANISATION = "CASE WHEN p.consent_organisation THEN o.name END"
_TEXTS = ("p.full_name", _ORGANISATION, "p.position", "p.expertise", "p.notes")
_FROM = "FROM person AS p LEFT JOIN organisation AS o ON o.id = p.organisation_id"


def _unmarked(text: str) -> str:
    """A text through programme_unmarked when it holds a character outside printable ASCII (GLOB's class), else as it
    is: no call into Python for a NULL or an ASCII text (the function returns those unchanged), which were most of its
    cost in an import (250,000 calls for 50,000 people, 0.1-0.25 s)."""
    return f"CASE WHEN {text} GLOB '*[^ -~]*' THEN programme_unmarked({text}) ELSE {text} END"


def _entry(unmarked: bool) -> str:
    texts = ", ".join(_unmarked(text) if unmarked else text for text in _TEXTS)
    return f"{_INSERT} SELECT p.id, {texts} {_FROM}"


def _sqlite(unmarked: bool) -> None:
    connection = op.get_bind()
    raw = connection.connection.dbapi_connection
    assert isinstance(raw, sqlite3.Connection)
    raw.create_function("programme_unmarked", 1, _unmarked_function(), deterministic=True)
    entry = _entry(unmarked)
    for trigger in ("person_search_ai", "person_search_au", "person_search_org_au"):
        op.execute(f"DROP TRIGGER {trigger}")
    # The triggers of migration 0002, each text through programme_unmarked (or back without it).
    op.execute(
        "CREATE TRIGGER person_search_ai AFTER INSERT ON person BEGIN "  # noqa: S608 - our own SQL
        f"DELETE FROM person_search WHERE rowid = new.id; {entry} WHERE p.id = new.id; END"
    )
    op.execute(
        f"CREATE TRIGGER person_search_au AFTER UPDATE OF id, {_WATCHED} ON person BEGIN "  # noqa: S608 - our own SQL
        f"DELETE FROM person_search WHERE rowid = old.id; {entry} WHERE p.id = new.id; END"
    )
    op.execute(
        "CREATE TRIGGER person_search_org_au AFTER UPDATE OF name ON organisation BEGIN "  # noqa: S608 - our own SQL
        "DELETE FROM person_search WHERE rowid IN (SELECT id FROM person WHERE organisation_id = new.id); "
        f"{entry} WHERE p.organisation_id = new.id; END"
    )
    # The index made again as it is (its tokenizer: 0002's, or 0030's), and filled; its vocabulary (0003) over it.
    made = connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'person_search'").scalar()
    op.execute("DROP TABLE IF EXISTS person_search_vocab")
    op.execute("DROP TABLE person_search")
    op.execute(made)
    op.execute(f"{entry} ORDER BY p.id")
    op.execute("CREATE VIRTUAL TABLE person_search_vocab USING fts5vocab(person_search, 'row')")


# --- PostgreSQL -----------------------------------------------------------------------------------

_FOLD = "CREATE OR REPLACE FUNCTION programme_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
# Migration 0005's class: combining marks of the Latin script (diacritics, their extensions and supplements, marks for
# symbols, half marks).
_LATIN_COMBINING = r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"


def _class(codes: list[int]) -> str:
    """Return codes as a regular expression's class for PostgreSQL, in ranges (\\uXXXX, \\UXXXXXXXX escapes)."""
    runs: list[list[int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])

    def escape(code: int) -> str:
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"

    return "[" + "".join(escape(a) + (f"-{escape(b)}" if b > a else "") for a, b in runs) + "]"


_DOCUMENT = (
    "to_tsvector('simple', programme_fold(concat_ws(' ', p.full_name, CASE WHEN p.consent_organisation THEN o.name "
    "END, p.position, p.expertise, p.notes)))"
)
_TEXT = "concat_ws(' ', p.full_name, o.name, p.position, p.expertise, p.notes)"


def _postgresql(combining: str) -> None:
    if op.get_bind().exec_driver_sql("SHOW server_encoding").scalar() != "UTF8":
        return
    # The class is ours (computed above), never user input, and holds no quote.
    op.execute(f"{_FOLD}$$ SELECT lower(regexp_replace(normalize(value, NFKD), '{combining}', '', 'g')) $$")
    # Only a text that is not ASCII has marks to drop: only those documents change.
    op.execute(
        f"UPDATE person_search AS s SET document = {_DOCUMENT} {_FROM} "  # noqa: S608 - our own SQL
        f"WHERE s.person_id = p.id AND octet_length({_TEXT}) <> char_length({_TEXT})"
    )


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite(unmarked=True)
    elif dialect == "postgresql":
        _postgresql(_class(_dropped()))


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite(unmarked=False)
    elif dialect == "postgresql":
        _postgresql(_LATIN_COMBINING)
