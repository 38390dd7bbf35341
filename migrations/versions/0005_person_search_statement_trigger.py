"""person search on PostgreSQL: new people indexed once a statement, not once a row; a faster fold

Revision ID: 0005_person_search_statement
Revises: 0004_participation_lists
Create Date: 2026-11-23 15:20:00

Migration 0002 keeps `person_search` (a tsvector per person) with a row trigger on person: a bulk load
(COPY of 50,000 imported people) ran the trigger function 50,000 times, each with its own INSERT. New
people are now indexed by a statement trigger over the transition table of the inserted rows, in one
INSERT ... SELECT per statement. Updates keep their row trigger (PostgreSQL allows no transition table on a
trigger with a column list, and updates come a few rows at a time).

`programme_fold` (accents off, lower case) becomes normalize(NFKD) without combining marks, as
programme.people.names.fold does in Python: 0002's translate() over several hundred accented letters cost 46 µs a
call (2.3 s of a 50,000-person import), this 3 µs. normalize() needs a UTF8 database; any other keeps
translate(). Every document is rebuilt with the new fold.

SQLite is unchanged: there the import sets the FTS5 trigger aside and indexes its people together
(programme/core/search_index.py), and FTS5's unicode61 tokenizer folds accents.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0005_person_search_statement"
down_revision: str | None = "0004_participation_lists"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The person columns the search document is made of (as in 0002).
_WATCHED = "full_name, organisation_id, position, expertise, notes, consent_organisation"
_ENTRY = """
    SELECT p.id, to_tsvector('simple', programme_fold(concat_ws(' ', p.full_name,
        CASE WHEN p.consent_organisation THEN o.name END, p.position, p.expertise, p.notes)))
    FROM person AS p LEFT JOIN organisation AS o ON o.id = p.organisation_id
"""
_UPSERT = "ON CONFLICT (person_id) DO UPDATE SET document = EXCLUDED.document"
# Combining marks left by NFKD (diacritics, their extensions and supplements, marks for symbols, half marks).
_COMBINING = r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
_FOLD = "CREATE OR REPLACE FUNCTION programme_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "


def _utf8() -> bool:
    return op.get_bind().exec_driver_sql("SHOW server_encoding").scalar() == "UTF8"


def _refold(body: str) -> None:
    op.execute(f"{_FOLD}$$ {body} $$")
    op.execute(f"INSERT INTO person_search(person_id, document) {_ENTRY} {_UPSERT}")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION person_search_from_new_people() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"INSERT INTO person_search(person_id, document) {_ENTRY} JOIN new_people AS n ON n.id = p.id {_UPSERT}; "
        "RETURN NULL; END $$"
    )
    op.execute("DROP TRIGGER person_search_person ON person")
    op.execute(
        "CREATE TRIGGER person_search_new_people AFTER INSERT ON person REFERENCING NEW TABLE AS new_people "
        "FOR EACH STATEMENT EXECUTE FUNCTION person_search_from_new_people()"
    )
    op.execute(
        f"CREATE TRIGGER person_search_person AFTER UPDATE OF {_WATCHED} ON person "
        "FOR EACH ROW EXECUTE FUNCTION person_search_from_person()"
    )
    if _utf8():
        _refold(f"SELECT lower(regexp_replace(normalize(value, NFKD), '{_COMBINING}', '', 'g'))")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER person_search_new_people ON person")
    op.execute("DROP TRIGGER person_search_person ON person")
    op.execute("DROP FUNCTION person_search_from_new_people()")
    if _utf8():
        # 0002's translate() table of accented Latin letters, computed by 0002 itself.
        spec = importlib.util.spec_from_file_location("alumni_search_0002", Path(__file__).with_name("0002_alumni_search.py"))
        first = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(first)  # type: ignore[union-attr]
        source, target = first._fold_table()
        _refold(f"SELECT lower(translate(value, '{source}', '{target}'))")
    op.execute(
        f"CREATE TRIGGER person_search_person AFTER INSERT OR UPDATE OF {_WATCHED} ON person "
        "FOR EACH ROW EXECUTE FUNCTION person_search_from_person()"
    )
