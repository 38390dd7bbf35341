"""SQLite's directory index keeps the vowel signs of the scripts written with them in their word

Revision ID: 0030_sqlite_search_letter_marks
Revises: 0029_names_keep_letter_marks
Create Date: 2026-12-06 15:00:00

The full-text index of people on SQLite (migration 0002, FTS5's unicode61 tokenizer) took only letters and digits
as the characters of a word, so a combining mark was a break between words: "कमला" (Kamala) was indexed as "कमल"
(Kamal), its vowel sign dropped, and a search for Kamala also found every Kamal; "सीता" (Sita) was cut into "स" and
"त". Migration 0029 made the names' own keys keep these marks; this one makes SQLite's index do the same, with the
tokenizer's `categories` option: marks (Mn, Mc) are characters of a word. Latin accents are still folded away
(`remove_diacritics 2` drops them, precomposed or not). Arabic harakat and Hebrew points, which the names' keys drop,
are now kept in the indexed word as PostgreSQL's index keeps them (they cut the word into single letters before).

FTS5 cannot change a table's tokenizer, so the index is made again and filled from the people, as 0002 filled it;
its vocabulary table (0003) is made again over it. The triggers that keep it current name the table and are not
touched. An SQLite older than 3.36 (no `categories`) keeps the old index. PostgreSQL's index holds these marks
already (its programme_fold folds Latin letters only): nothing to do there.

At 500,000 people (`/work/scale` copy, 6 December 2026, load 8 with other work beside it) `programme init` from
0028 took 35 s wall, 9 s CPU, for 0029 and this migration together.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030_sqlite_search_letter_marks"
down_revision: str | None = "0029_names_keep_letter_marks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = "name, organisation, position, expertise, notes"
_OLD_TOKENIZER = "unicode61 remove_diacritics 2"
_NEW_TOKENIZER = "unicode61 remove_diacritics 2 categories ''L* N* Co Mc Mn''"
_ENTRIES = (
    f"INSERT INTO person_search(rowid, {_COLUMNS}) "
    "SELECT p.id, p.full_name, CASE WHEN p.consent_organisation THEN o.name END, p.position, p.expertise, p.notes "
    "FROM person AS p LEFT JOIN organisation AS o ON o.id = p.organisation_id"
)


def _tokenizer_known(tokenizer: str) -> bool:
    """Return whether this SQLite's FTS5 accepts the tokenizer, quoted for SQL (`categories` came with 3.36)."""
    connection = op.get_bind()
    try:
        connection.exec_driver_sql("SAVEPOINT tokenizer_check")
        connection.exec_driver_sql(f"CREATE VIRTUAL TABLE temp.tokenizer_check USING fts5(x, tokenize = '{tokenizer}')")
    except sa.exc.OperationalError:
        connection.exec_driver_sql("ROLLBACK TO tokenizer_check")
        connection.exec_driver_sql("RELEASE tokenizer_check")
        return False
    connection.exec_driver_sql("DROP TABLE temp.tokenizer_check")
    connection.exec_driver_sql("RELEASE tokenizer_check")
    return True


def _remake(tokenizer: str) -> None:
    op.execute("DROP TABLE IF EXISTS person_search_vocab")
    op.execute("DROP TABLE person_search")
    # prefix='2 3' as in 0002: partial words of two and three letters are looked up in their own index.
    op.execute(f"CREATE VIRTUAL TABLE person_search USING fts5({_COLUMNS}, tokenize = '{tokenizer}', prefix = '2 3')")
    op.execute(f"{_ENTRIES} ORDER BY p.id")
    op.execute("CREATE VIRTUAL TABLE person_search_vocab USING fts5vocab(person_search, 'row')")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite" or not _tokenizer_known(_NEW_TOKENIZER):
        return
    _remake(_NEW_TOKENIZER)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    sql = op.get_bind().exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'person_search'").scalar() or ""
    if "categories" in sql:
        _remake(_OLD_TOKENIZER)
