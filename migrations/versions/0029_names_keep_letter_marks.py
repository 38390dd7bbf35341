"""Name keys keep the vowel signs of Devanagari, Bengali, Sinhala, Thai, Myanmar, Khmer...: stored keys recomputed

Revision ID: 0029_names_keep_letter_marks
Revises: 0028_person_sort_name
Create Date: 2026-12-06 13:00:00

programme.people.names.fold dropped every combining mark and made every other character that is not a letter or digit
a space. In the Brahmic scripts (and Thai, Lao, Tibetan, Myanmar, Khmer) vowel signs, viramas and tone marks are
marks: "कमला" (Kamala) and "कमल" (Kamal) had the same key, so the import and the registration form took one for the
other, and "सीता थापा" (Sita Thapa) became the key "त थ प स". fold now keeps those blocks' marks in their word
(names.LETTER_MARK_RANGES); every other combining mark (Latin accents, Arabic harakat, Hebrew points) is dropped as
before.

This upgrade recomputes the stored values made by fold for the rows whose text is not ASCII (ASCII text folds as
before): person.name_key, person.sort_name and organisation.name_key, 5,000 rows at a time in Python. A value is
recomputed only where it is what the old fold makes of the row's text (a value written otherwise is left as it is),
and kept when the new one would not fit its 300 characters (a decomposed character may take two). 100,000 people, half
of them not ASCII: 1.4 s on SQLite, 3 s on PostgreSQL (one UPDATE a batch there; measured 6 December 2026, a 2-core
machine under load).

organisation.name_key is unique with country. The new key cannot collide where the old did not: the old fold of a
text is a function of its new fold (drop the kept marks with a combining class, make the other kept marks spaces, and
split again), so two names with different old keys have different new keys. Only the cut to 300 characters could
break that (a function of the whole new key, not of its first 300 characters): an organisation whose new key another
already holds in its country keeps its old key.

The search index is not touched: SQLite's FTS5 tokenizer and PostgreSQL's programme_fold fold in the database, not
with this function.

Values kept elsewhere by fold (the value mappings of an import, in the settings, keyed by the folded text) cannot be
recomputed without the text they were made from: a mapping saved for a text in those scripts is looked up by the old
fold when the new one misses (importing/value_mappings.fold_before_0029). SQLite's search index: migration 0030.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029_names_keep_letter_marks"
down_revision: str | None = "0028_person_sort_name"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHUNK = 5_000
_LENGTH = 300

# programme.people.names as of this revision, spelled out: a migration must not change with the code.
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
_OLD_NOT_ALNUM = re.compile(r"[\W_]+")


def _letter_marks() -> frozenset[str]:
    return frozenset(
        chr(code)
        for first, last in _RANGES
        for code in range(first, last + 1)
        if unicodedata.category(chr(code)).startswith("M")
    )


def _old_words(text: str) -> list[str]:
    # The fold of migration 0028 (and of every key written before this revision).
    if text.isascii():
        return _OLD_NOT_ALNUM.sub(" ", text.lower()).split()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _OLD_NOT_ALNUM.sub(" ", text.casefold()).split()


def _new_words(text: str, marks: frozenset[str]) -> list[str]:
    if text.isascii():
        return _OLD_NOT_ALNUM.sub(" ", text.lower()).split()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if ch in marks or not unicodedata.combining(ch)).casefold()
    return "".join(ch if ch.isalnum() or ch in marks else " " for ch in text).split()


# The rows whose text is not ASCII: more bytes than characters in UTF-8 (on SQLite a blob's length is its bytes').
_PEOPLE = {
    "postgresql": "SELECT id, full_name, name_key, sort_name FROM person WHERE id > :last "
    "AND octet_length(full_name) <> char_length(full_name) ORDER BY id LIMIT :size",
    "sqlite": "SELECT id, full_name, name_key, sort_name FROM person WHERE id > :last "
    "AND length(CAST(full_name AS BLOB)) <> length(full_name) ORDER BY id LIMIT :size",
}
_ORGANISATIONS = {
    "postgresql": "SELECT id, name, name_key, country FROM organisation WHERE id > :last "
    "AND octet_length(name) <> char_length(name) ORDER BY id LIMIT :size",
    "sqlite": "SELECT id, name, name_key, country FROM organisation WHERE id > :last "
    "AND length(CAST(name AS BLOB)) <> length(name) ORDER BY id LIMIT :size",
}


_UPDATE_PEOPLE_POSTGRESQL = sa.text(
    "UPDATE person SET name_key = v.key, sort_name = v.sort FROM (SELECT unnest(CAST(:id AS integer[])) AS id, "
    "unnest(CAST(:key AS text[])) AS key, unnest(CAST(:sort AS text[])) AS sort) AS v WHERE person.id = v.id"
)


def _batches(bind: sa.Connection, select: str) -> Iterator[Sequence[sa.Row]]:
    last = 0
    while True:
        rows = bind.execute(sa.text(select), {"last": last, "size": _CHUNK}).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _recompute(before: Callable[[str], list[str]], after: Callable[[str], list[str]]) -> None:
    """Write the keys folded by after where the stored key is the one folded by before, in non-ASCII rows."""
    bind = op.get_bind()
    for rows in _batches(bind, _PEOPLE[bind.dialect.name]):
        changes = []
        for person_id, full_name, name_key, sort_name in rows:
            old, new = before(full_name), after(full_name)
            new_key = " ".join(sorted(new))
            change = {"id": person_id, "key": name_key, "sort": sort_name}
            if name_key == " ".join(sorted(old)) and len(new_key) <= _LENGTH:
                change["key"] = new_key
            if sort_name == " ".join(old)[:_LENGTH]:
                change["sort"] = " ".join(new)[:_LENGTH]
            if (change["key"], change["sort"]) != (name_key, sort_name):
                changes.append(change)
        if changes and bind.dialect.name == "postgresql":  # one statement a batch (each fires the update triggers)
            columns = {name: [change[name] for change in changes] for name in ("id", "key", "sort")}
            bind.execute(_UPDATE_PEOPLE_POSTGRESQL, columns)
        elif changes:
            bind.execute(sa.text("UPDATE person SET name_key = :key, sort_name = :sort WHERE id = :id"), changes)
    taken = sa.text("SELECT 1 FROM organisation WHERE name_key = :key AND country = :country AND id <> :id")
    update = sa.text("UPDATE organisation SET name_key = :key WHERE id = :id")
    for rows in _batches(bind, _ORGANISATIONS[bind.dialect.name]):
        for organisation_id, name, name_key, country in rows:
            new_key = " ".join(after(name))[:_LENGTH]
            if name_key != " ".join(before(name))[:_LENGTH] or new_key == name_key:
                continue
            # A NULL country never collides (NULLs are distinct in a unique constraint, on both databases).
            if (
                country is not None
                and bind.execute(taken, {"key": new_key, "country": country, "id": organisation_id}).first()
            ):
                continue
            bind.execute(update, {"key": new_key, "id": organisation_id})


def upgrade() -> None:
    marks = _letter_marks()
    _recompute(_old_words, lambda text: _new_words(text, marks))


def downgrade() -> None:
    # The old keys back, where the stored key is the new one (two organisations of one country whose new keys differ
    # may share their old key: the second keeps its new key).
    marks = _letter_marks()
    _recompute(lambda text: _new_words(text, marks), _old_words)
