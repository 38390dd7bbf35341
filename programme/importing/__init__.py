"""Participant spreadsheets in: read, map columns, normalise, validate, match, plan, write, undo.

The pipeline, each step a module: columns (synonyms, day columns) -> validate (normalise each cell,
errors by row and column) -> matching (certain and probable matches in the database) -> plan (what
would be written, nothing written) -> write (one transaction, bulk inserts, an import batch) -> undo.
"""

from programme.importing.columns import (
    FIELD_LABELS,
    PARTICIPANT_SYNONYMS,
    ColumnMapping,
    detect_columns,
    detect_mapping,
    read_participant_sheet,
)
from programme.importing.plan import ImportPlan, PlannedRow, RowStatus, build_plan, file_hash
from programme.importing.undo import batches_table, undo_batch
from programme.importing.write import ImportHasErrors, ImportResult, apply_plan

__all__ = [
    "FIELD_LABELS",
    "PARTICIPANT_SYNONYMS",
    "ColumnMapping",
    "ImportHasErrors",
    "ImportPlan",
    "ImportResult",
    "PlannedRow",
    "RowStatus",
    "apply_plan",
    "batches_table",
    "build_plan",
    "detect_columns",
    "detect_mapping",
    "file_hash",
    "read_participant_sheet",
    "undo_batch",
]
