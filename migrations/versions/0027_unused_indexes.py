"""five indexes no query uses dropped: each cost every inserted person, participation or organisation an entry

Revision ID: 0027_unused_indexes
Revises: 0026_bulk_import_triggers
Create Date: 2026-12-06 01:40:00

Found unused at 500,000 people: after pg_stat_reset(), every page and tab of `benchmarks/pages.py` (cold and warm)
scanned none of them (pg_stat_user_indexes.idx_scan 0), no plan of the statements those pages ran on SQLite
(EXPLAIN QUERY PLAN) named them, and no query of the code filters or sorts on their column alone:

- `ix_person_consent_listed`, `ix_participation_completed`: booleans most rows share. The directory's filter is
  written so that no database starts from the consent index (programme.alumni.common.IS_LISTED); the alumni test
  (completed participant) is answered by `ix_participation_person_role` (person_id, role, completed, module_id).
- `ix_person_gender`: four values; the figures by gender come from the summary tables (reach_person, reach_module).
- `ix_organisation_country`, `ix_organisation_org_type`: organisations are looked up by the unique (name_key, country)
  index; a filter by organisation type reads the organisations (tens of thousands at scale) once.

None is a foreign key's column: cascades and undo (import_batch_id) keep their indexes.
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
    "ix_person_gender": ("person", "gender"),
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
