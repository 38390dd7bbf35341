"""alumni search: a full-text index of people, kept in sync by triggers

Revision ID: 0002_alumni_search
Revises: 0001_initial
Create Date: 2026-11-24 10:00:00

SQLite: an FTS5 table `person_search` (rowid = person.id) with the unicode61 tokenizer removing
diacritics, and prefix indexes for partial words. PostgreSQL: a table `person_search` (person_id,
a 'simple' tsvector over accent-folded text) with a GIN index; accents are folded by an IMMUTABLE SQL
function `programme_fold` (translate + lower) so that no extension (unaccent needs CREATE privileges
and is not IMMUTABLE) is required.

On both, triggers on person and organisation keep the index current whoever writes people (imports,
edits, the demo, erasure), and the upgrade fills it from the rows already there. The organisation's name
is indexed only where the person agreed to share their organisation, so that searching for an
organisation never reveals who works there without consent.

These objects are not SQLModel tables: programme.core.schema.include_object keeps them out of autogenerate.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from alembic import op

revision: str = "0002_alumni_search"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The person columns the index reads: a change to any of them refreshes the person's entry.
_WATCHED = "full_name, organisation_id, position, expertise, notes, consent_organisation"
# Unicode blocks of accented Latin letters folded on PostgreSQL (SQLite's unicode61 folds Latin script too).
_LATIN_RANGES = ((0x00C0, 0x024F), (0x1E00, 0x1EFF))


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _upgrade_sqlite()
    elif dialect == "postgresql":
        _upgrade_postgresql()
    # Any other database simply has no index: search falls back to LIKE (see programme.alumni.search).


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("person_search_ai", "person_search_au", "person_search_ad", "person_search_org_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS person_search")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS person_search_person ON person")
        op.execute("DROP TRIGGER IF EXISTS person_search_organisation ON organisation")
        op.execute("DROP FUNCTION IF EXISTS person_search_from_person()")
        op.execute("DROP FUNCTION IF EXISTS person_search_from_organisation()")
        op.execute("DROP TABLE IF EXISTS person_search")
        op.execute("DROP FUNCTION IF EXISTS programme_fold(text)")


# --- SQLite ---------------------------------------------------------------------------------------

_SQLITE_ENTRY = """
    SELECT p.id, p.full_name, CASE WHEN p.consent_organisation THEN o.name END, p.position, p.expertise, p.notes
    FROM person AS p LEFT JOIN organisation AS o ON o.id = p.organisation_id
"""


def _upgrade_sqlite() -> None:
    # prefix='2 3': partial words of two and three letters are looked up in their own index (fast).
    op.execute(
        "CREATE VIRTUAL TABLE person_search USING fts5("
        "name, organisation, position, expertise, notes, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
    )
    insert = "INSERT INTO person_search(rowid, name, organisation, position, expertise, notes)"
    op.execute(f"{insert} {_SQLITE_ENTRY}")
    op.execute(
        # The DELETE first: a row re-inserted with the same id (INSERT OR REPLACE) must not be indexed twice.
        f"CREATE TRIGGER person_search_ai AFTER INSERT ON person BEGIN "
        f"DELETE FROM person_search WHERE rowid = new.id; "
        f"{insert} {_SQLITE_ENTRY} WHERE p.id = new.id; END"
    )
    op.execute(
        f"CREATE TRIGGER person_search_au AFTER UPDATE OF id, {_WATCHED} ON person BEGIN "
        f"DELETE FROM person_search WHERE rowid = old.id; "
        f"{insert} {_SQLITE_ENTRY} WHERE p.id = new.id; END"
    )
    op.execute(
        "CREATE TRIGGER person_search_ad AFTER DELETE ON person BEGIN "
        "DELETE FROM person_search WHERE rowid = old.id; END"
    )
    op.execute(
        f"CREATE TRIGGER person_search_org_au AFTER UPDATE OF name ON organisation BEGIN "
        f"DELETE FROM person_search WHERE rowid IN (SELECT id FROM person WHERE organisation_id = new.id); "
        f"{insert} {_SQLITE_ENTRY} WHERE p.organisation_id = new.id; END"
    )


# --- PostgreSQL -----------------------------------------------------------------------------------


def _fold_table() -> tuple[str, str]:
    """Return (from, to) strings for translate(): accented Latin letters and their plain letter."""
    source, target = [], []
    for start, end in _LATIN_RANGES:
        for code in range(start, end + 1):
            char = chr(code)
            base = unicodedata.normalize("NFKD", char)[:1]
            if base != char and base.isascii() and base.isalpha():
                source.append(char)
                target.append(base)
    return "".join(source), "".join(target)


_PG_DOCUMENT = """
    to_tsvector('simple', programme_fold(concat_ws(' ', p.full_name,
        CASE WHEN p.consent_organisation THEN o.name END, p.position, p.expertise, p.notes)))
"""
_PG_ENTRY = f"""
    SELECT p.id, {_PG_DOCUMENT} FROM person AS p LEFT JOIN organisation AS o ON o.id = p.organisation_id
"""
_PG_UPSERT = "ON CONFLICT (person_id) DO UPDATE SET document = EXCLUDED.document"


def _upgrade_postgresql() -> None:
    source, target = _fold_table()
    # The letters are ours (computed above), never user input; quotes cannot occur in them.
    op.execute(
        "CREATE FUNCTION programme_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE "
        f"AS $$ SELECT lower(translate(value, '{source}', '{target}')) $$"
    )
    op.execute(
        "CREATE TABLE person_search ("
        "person_id integer PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE, "
        "document tsvector NOT NULL)"
    )
    op.execute("CREATE INDEX ix_person_search_document ON person_search USING gin (document)")
    op.execute(f"INSERT INTO person_search(person_id, document) {_PG_ENTRY}")
    op.execute(
        "CREATE FUNCTION person_search_from_person() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"INSERT INTO person_search(person_id, document) {_PG_ENTRY} WHERE p.id = NEW.id {_PG_UPSERT}; "
        "RETURN NULL; END $$"
    )
    op.execute(
        "CREATE FUNCTION person_search_from_organisation() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"INSERT INTO person_search(person_id, document) {_PG_ENTRY} WHERE p.organisation_id = NEW.id "
        f"{_PG_UPSERT}; RETURN NULL; END $$"
    )
    # Deleting a person needs no trigger: the foreign key cascades.
    op.execute(
        f"CREATE TRIGGER person_search_person AFTER INSERT OR UPDATE OF {_WATCHED} ON person "
        "FOR EACH ROW EXECUTE FUNCTION person_search_from_person()"
    )
    op.execute(
        "CREATE TRIGGER person_search_organisation AFTER UPDATE OF name ON organisation "
        "FOR EACH ROW EXECUTE FUNCTION person_search_from_organisation()"
    )
