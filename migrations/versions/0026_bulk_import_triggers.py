"""an import's insert triggers done once for its id range on PostgreSQL; two indexes that repeat a unique one dropped

Revision ID: 0026_bulk_import_triggers
Revises: 0025_reach_registrations
Create Date: 2026-12-05 21:00:00

On PostgreSQL the search index (migration 0005) and the alumni directory (0003) are kept by statement triggers over
the inserted rows' transition table. An import writes its people in several COPY statements, and each ran the
search trigger's join of its rows with the whole person and organisation tables (a merge join reading every person
before the new ones, a hash of every organisation): at 500,000 people that is the tables read once per COPY. The
two insert trigger functions on person now return at once when a transaction-local setting names them
(`SET LOCAL programme.bulk_person_search = 'on'`, and `programme.bulk_alumni_person`): the import sets them only inside its own transaction, for the rows it
writes, and then runs the same statements once for its consecutive id range (programme.core.search_index,
programme.importing.triggers). Any other writer, and any write outside an import, leaves the settings unset: the
triggers work as before. Updates and deletes are unchanged.

On both databases `ix_participation_person_id` (person_id) and `ix_organisation_name_key` (name_key) are dropped:
each is the first column of a unique constraint's index (`uq_participation_person_module` (person_id, module_id),
`uq_organisation_name_country` (name_key, country)), which answers the same lookups and the foreign keys' cascades.
Each cost every inserted participation or organisation an index entry.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0026_bulk_import_triggers"
down_revision: str | None = "0025_reach_registrations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Trigger function -> the transaction-local setting that makes it return at once.
GUARDED = {
    "person_search_from_new_people": "programme.bulk_person_search",
    "alumni_directory_person_inserted": "programme.bulk_alumni_person",
}
# Index -> (table, column): each the leading column of a unique constraint's index.
REPEATED = {
    "ix_participation_person_id": ("participation", "person_id"),
    "ix_organisation_name_key": ("organisation", "name_key"),
}


def guard(setting: str) -> str:
    """The statement put first in a guarded function's body (programme.importing.triggers compares it)."""
    return f"IF current_setting('{setting}', true) = 'on' THEN RETURN NULL; END IF; "


def _source(function: str) -> str:
    return op.get_bind().exec_driver_sql(f"SELECT prosrc FROM pg_proc WHERE proname = '{function}'").scalar_one()


def _replace(function: str, body: str) -> None:
    op.execute(f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $${body}$$")


def upgrade() -> None:
    for name in REPEATED:
        op.execute(f"DROP INDEX {name}")
    if op.get_bind().dialect.name != "postgresql":
        return
    for function, setting in GUARDED.items():
        body = _source(function)
        start = body.index("BEGIN ") + len("BEGIN ")
        _replace(function, body[:start] + guard(setting) + body[start:])


def downgrade() -> None:
    for name, (table, column) in REPEATED.items():
        op.execute(f"CREATE INDEX {name} ON {table} ({column})")
    if op.get_bind().dialect.name != "postgresql":
        return
    for function, setting in GUARDED.items():
        _replace(function, _source(function).replace(guard(setting), "", 1))
