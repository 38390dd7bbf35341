"""four indexes no query uses dropped: each cost every inserted person, participation or organisation an entry

Revision ID: 0027_unused_indexes
Revises: 0026_bulk_import_triggers
Create Date: 2026-12-06 01:40:00

Found unused at 500,000 people (copies of the scale databases): after pg_stat_reset(), every page and tab of
`benchmarks/pages.py` (cold and warm) scanned none of them (pg_stat_user_indexes.idx_scan 0), and no plan of the
statements those pages ran on SQLite (EXPLAIN QUERY PLAN) named them. The same statements' plans, and those of the
Reach figures under filters (gender, country, organisation type, role, scope, years) and of directory searches, were
compared before and after on both databases: only the directory's search by organisation type changed (below).

- `ix_person_consent_listed`, `ix_participation_completed`: booleans most rows share. The directory's filter is
  written so that no database starts from the consent index (programme.alumni.common.IS_LISTED); the alumni test
  (completed participant) is answered by `ix_participation_person_role` (person_id, role, completed, module_id).
  The alumni directory's trigger statements on PostgreSQL find their people by id with or without the consent index
  (auto_explain at scale: single-row inserts, updates and deletes, and an insert of 50,000 participations).
- `ix_organisation_country`, `ix_organisation_org_type`: organisations are looked up by the unique (name_key, country)
  index; a filter by organisation type reads the organisations (25,000 at scale) once: the directory's search by
  type took 2-5 ms with the index, 3-7 ms without.

None is a foreign key's column: cascades and undo (import_batch_id) keep their indexes. `ix_person_gender` (four
values) stays: on SQLite the Reach figures read from the raw rows under a filter on gender and scope check each
participation's person in it (the small index, not the table's wide rows): 0.50 s there, 0.60 s without it.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0027_unused_indexes"
down_revision: str | None = "0026_bulk_import_triggers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Index -> (table, column), as migration 0001 made them.
UNUSED = {
    "ix_person_consent_listed": ("person", "consent_listed"),
    "ix_participation_completed": ("participation", "completed"),
    "ix_organisation_country": ("organisation", "country"),
    "ix_organisation_org_type": ("organisation", "org_type"),
}


def upgrade() -> None:
    for name in UNUSED:
        op.execute(f"DROP INDEX {name}")


def downgrade() -> None:
    for name, (table, column) in UNUSED.items():
        op.execute(f"CREATE INDEX {name} ON {table} ({column})")
