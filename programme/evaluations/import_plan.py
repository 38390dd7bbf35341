"""An evaluation import's plan: what the export would add (nothing written), in the shared intake report's shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from programme.evaluations.columns import ColumnPlan, plans_table
from programme.intake.report import IntakeReport
from programme.models import RespondentAttributeKind


@dataclass
class ParsedRow:
    row: int
    external_id: str
    submitted_at: datetime | None
    identity: str | None
    answers: list[tuple[int, int | None, str | None]]  # (plan index, rating, text)
    attributes: dict[RespondentAttributeKind, str] = field(default_factory=dict)  # facts about who answered


@dataclass
class EvaluationImport(IntakeReport):
    """What an import would do (the plan) or did: the shared intake report and the evaluation's counts.

    plan_evaluations fills it and writes nothing; apply_evaluations writes it in one transaction.
    """

    created: int = 0
    skipped: int = 0
    questions_added: int = 0
    form_id: int | None = None
    plans: list[ColumnPlan] = field(default_factory=list)
    # Rating columns whose labels fit no scale we know: {column: its labels}, for the page's order picker.
    unknown_labels: dict[str, list[str]] = field(default_factory=dict)
    # Submission dates that read two ways (04/05) and are not stored unless the order is given: for the page's picker.
    two_way_dates: int = 0
    # What apply_evaluations needs: the rows not yet imported, the file, the labels given, the module.
    fresh: list[ParsedRow] = field(default_factory=list, repr=False)
    module_id: int | None = None
    file_name: str = ""
    file_hash: str = ""
    custom_labels: list[str] | None = None
    asks_name: bool = False
    # The same export's import into this module ("import 3, on 06 Dec 2026 at 20:05 UTC by amira"), when there is one.
    imported_before: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the CLI's JSON: rows, created, skipped, questions_added, errors, warnings, written, dry_run...

        created and questions_added count what was written: 0 on a dry run or a run refused for errors (written
        False); would_create and would_add_questions count what the export holds (the same figures once written).
        skipped counts the rows already imported or repeated in the file, written or not.
        """
        written = self.written
        return {
            "rows": self.rows,
            "created": self.created if written else 0,
            "skipped": self.skipped,
            "questions_added": self.questions_added if written else 0,
            "would_create": self.created,
            "would_add_questions": self.questions_added,
            **self.intake_json(),
            "dry_run": self.dry_run,
            "form_id": self.form_id,
            "imported_before": self.imported_before,
        }

    def columns_table(self) -> pd.DataFrame:
        """Return the column plan for the preview (the submission time and the response's id named as such)."""
        table = plans_table(self.plans)
        kept = {"submitted": "the submission time (kept, in UTC)", "response id": "the response's id (kept)"}
        roles = {item["header"]: kept[item["role"]] for item in self.columns if item["role"] in kept}
        pairs = zip(table["column"], table["becomes"], strict=True)
        table["becomes"] = [roles.get(column, becomes) for column, becomes in pairs]
        return table
