"""an import of pre- or post-test scores is an import batch, so that it can be undone

Revision ID: 0022_test_score_imports
Revises: 0021_question_form_labels
Create Date: 2026-12-05 12:00:00

`import_batch.kind` gains "test scores": an import of a quiz's scores (programme/evaluations/test_scores.py) records
each score it wrote and the one it replaced, and its undo puts back the scores nobody has changed since. The kind's
CHECK is widened; nothing stored changes. SQLite: the table's definition is edited in place, as migration 0006 does
(rebuilding import_batch would drop it, and import_update's rows with it: ON DELETE CASCADE). The downgrade removes
the test-score batches (they hold only what their undo needs; the scores stay) before narrowing the CHECK again.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0022_test_score_imports"
down_revision: str | None = "0021_question_form_labels"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD = ("participants", "agenda", "evaluations")
_NEW = (*_OLD, "test scores")


def _check(kinds: Sequence[str]) -> str:
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def _sqlite_rewrite(old: Sequence[str], new: Sequence[str]) -> None:
    """Replace import_batch's CHECK in its CREATE statement (https://www.sqlite.org/lang_altertable.html, "making
    other kinds of table schema changes": a CHECK changed so that every stored row still passes it)."""
    connection = op.get_bind()
    sql = connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'import_batch'")
    sql = sql.scalar()
    written = f"CONSTRAINT ck_importkind CHECK ({_check(old)})"
    if sql.count(written) != 1:
        raise RuntimeError("The definition of import_batch is not the one this migration expects.")
    changed = sql.replace(written, f"CONSTRAINT ck_importkind CHECK ({_check(new)})")
    version = connection.exec_driver_sql("PRAGMA schema_version").scalar()
    connection.exec_driver_sql("PRAGMA writable_schema=ON")
    connection.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'import_batch'",
                               (changed,))  # fmt: skip
    connection.exec_driver_sql(f"PRAGMA schema_version={int(version) + 1}")
    connection.exec_driver_sql("PRAGMA writable_schema=OFF")
    problems = connection.exec_driver_sql("PRAGMA integrity_check('import_batch')").scalars().all()
    if problems != ["ok"]:
        raise RuntimeError(f"import_batch failed SQLite's integrity check after the change: {problems[:3]}")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_rewrite(_OLD, _NEW)
    else:
        op.drop_constraint("ck_importkind", "import_batch", type_="check")
        op.create_check_constraint("ck_importkind", "import_batch", _check(_NEW))


def downgrade() -> None:
    op.execute("DELETE FROM import_batch WHERE kind = 'test scores'")
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_rewrite(_NEW, _OLD)
    else:
        op.drop_constraint("ck_importkind", "import_batch", type_="check")
        op.create_check_constraint("ck_importkind", "import_batch", _check(_OLD))
