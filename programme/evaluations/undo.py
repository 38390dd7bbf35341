"""Undoing an evaluation import: its responses removed, and the questions or form it added when nothing else uses them."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme import summaries
from programme.access import audit
from programme.core.words import counted
from programme.importing.batches import batch_to_undo, newest_batches
from programme.models import Answer, EvaluationForm, ImportKind, Question, RespondentAttribute, Response
from programme.models.base import utcnow

COLUMNS = [
    "batch",
    "import",
    "imported at",
    "file",
    "course",
    "module",
    "by",
    "responses",
    "questions added",
    "undone at",
]


def evaluation_imports(session: Session, *, module_id: int | None = None, limit: int = 200) -> pd.DataFrame:
    """Return the newest evaluation imports (of one module, when given) with their counts, as a table: "batch" is the
    row's id (what an undo is given), "import" its number among the evaluation imports (what the user knows it by)."""
    rows = [
        [
            *(batch.id, batch.number, batch.created_at, batch.file_name, batch.course, batch.module, batch.username),
            *(batch.counts.get(name, 0) for name in ("created", "questions_added")),
            batch.undone_at,
        ]
        for batch in newest_batches(session, ImportKind.EVALUATIONS, module_id=module_id, limit=limit)
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def undo_evaluation_import(session: Session, *, batch_id: int, username: str | None) -> dict[str, int]:
    """Take back an evaluation import and return what was removed.

    Its responses (with their answers) go. The questions it added go unless answers from elsewhere (paper
    forms, another import) now use them; the form it created goes when nothing is left in it; labels it set
    on an existing form are cleared unless someone has changed them since.
    """
    batch, number = batch_to_undo(session, batch_id, ImportKind.EVALUATIONS, "There is no such evaluation import.")
    recorded: dict[str, Any] = json.loads(batch.counts) if batch.counts else {}
    responses = sa.select(Response.id).where(Response.import_batch_id == batch_id)
    # The deletes below are bulk statements, not noticed by the summaries' upkeep: say which module they change.
    form_module = session.scalar(
        sa.select(EvaluationForm.module_id).where(EvaluationForm.id == recorded.get("form_id"))
    )
    summaries.touch(session, modules=[batch.module_id, form_module])
    answers_removed = session.execute(sa.delete(Answer).where(Answer.response_id.in_(responses))).rowcount
    session.execute(sa.delete(RespondentAttribute).where(RespondentAttribute.response_id.in_(responses)))
    responses_removed = session.execute(sa.delete(Response).where(Response.import_batch_id == batch_id)).rowcount
    added = recorded.get("question_ids")
    answered = sa.exists().where(Answer.question_id == Question.id)
    questions_removed = 0
    if added:
        questions_removed = session.execute(sa.delete(Question).where(Question.id.in_(added), ~answered)).rowcount
    # Imports recorded before undo existed did not list their questions: those stay.
    questions_kept = int(recorded.get("questions_added", 0)) - questions_removed
    form_removed = labels_cleared = 0
    form = session.get(EvaluationForm, recorded["form_id"]) if recorded.get("form_id") else None
    if form is not None and recorded.get("form_created") and _is_empty(session, form.id):
        session.delete(form)
        form_removed = 1
    elif form is not None and recorded.get("labels_set") and form.scale_labels == recorded["labels_set"]:
        form.scale_labels = None
        labels_cleared = 1
    batch.undone_at = utcnow()
    result = {
        "responses_removed": responses_removed,
        "answers_removed": answers_removed,
        "questions_removed": questions_removed,
        "questions_kept": questions_kept,
        "form_removed": form_removed,
        "labels_cleared": labels_cleared,
    }
    audit.record(
        session,
        action="undo",
        username=username,
        entity="import_batch",
        entity_id=batch_id,
        summary=(
            f"undid evaluation import {number}: {responses_removed} responses and {questions_removed} questions "
            f"removed{', the form removed' if form_removed else ''}"
        ),
        after=result,
    )
    session.flush()
    return result


def _is_empty(session: Session, form_id: int) -> bool:
    """Whether the form has no questions and no responses left."""
    questions = sa.select(Question.id).where(Question.form_id == form_id).limit(1)
    responses = sa.select(Response.id).where(Response.form_id == form_id).limit(1)
    return session.scalar(questions) is None and session.scalar(responses) is None


def undo_summary(batch_id: int, undone: dict[str, int]) -> str:
    """Return the sentence that says what undoing an import removed and kept (undone: undo_evaluation_import's)."""
    removed = f"Import {batch_id} undone: {counted(undone['responses_removed'], 'response')} removed"
    if undone["questions_removed"]:
        removed += f", {counted(undone['questions_removed'], 'question')} removed"
    if undone["questions_kept"]:
        removed += f", {undone['questions_kept']} of its questions kept (other answers use them)"
    if undone["form_removed"]:
        removed += ", and the form it created"
    return removed + "."
