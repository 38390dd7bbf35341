"""Writing an evaluation import's plan: the form (when new), its new questions, the responses, answers and facts
about who answered, and the import batch undo reads, all in the caller's one transaction."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from programme import summaries
from programme.access import audit
from programme.core.errors import ProgrammeError
from programme.core.words import counted
from programme.evaluations.columns import ColumnPlan
from programme.evaluations.forms import add_question, create_form, module_form
from programme.evaluations.import_plan import EvaluationImport, ParsedRow
from programme.evaluations.scales import form_labels
from programme.importing.batches import import_number
from programme.models import (
    Answer,
    ImportBatch,
    ImportKind,
    Participation,
    Person,
    RespondentAttribute,
    Response,
    ResponseSource,
)
from programme.people.names import name_key


def apply_evaluations(session: Session, plan: EvaluationImport, *, by: str | None = None) -> EvaluationImport:
    """Write a plan made by plan_evaluations in the same session and return it marked written.

    Refuses a plan with errors. Everything is written in the session's one transaction: a failure leaves nothing.
    """
    if plan.errors:
        raise ProgrammeError(f"Nothing was imported: the file has {len(plan.errors)} errors to fix first.")
    if plan.module_id is None:
        raise ProgrammeError("This plan has no module.")
    form = module_form(session, plan.module_id)
    plans, custom = plan.plans, plan.custom_labels
    # What undo needs to take back besides the responses: the form or labels this import set, its new questions.
    undo: dict[str, Any] = {"form_created": form is None, "labels_set": None}
    if form is None:
        # A new form keeps the labels the export's answers used, so that paper entry and charts speak alike.
        scales = Counter(tuple(column.labels) for column in plans if column.labels)
        labels_used = custom or (list(scales.most_common(1)[0][0]) if scales else None)
        form = create_form(session, module_id=plan.module_id, scale_labels=labels_used, by=by)
        plan.form_id = form.id
    elif custom and not form.scale_labels:
        form.scale_labels = undo["labels_set"] = json.dumps(custom, ensure_ascii=False)
    new_questions = [column for column in plans if column.is_new]
    _add_new_questions(session, form.id, new_questions, form_labels(form.scale_labels))
    undo["question_ids"] = [column.question_id for column in new_questions]
    people = _participants_by_name(session, plan.module_id) if plan.asks_name else {}
    _write(session, form_id=form.id, rows=plan.fresh, plans=plans, people=people, result=plan, by=by, undo=undo)
    plan.written = True
    return plan


def _add_new_questions(session: Session, form_id: int, plans: Sequence[ColumnPlan], labels: Sequence[str]) -> None:
    """Add the plan's new questions; a rating column answered with numbers alone, or with another scale's words than
    the form's labels, is marked as not using them (its charts name its ratings by number)."""
    for plan in plans:
        if plan.is_new:
            question = add_question(
                session,
                form_id=form_id,
                text=plan.text,
                kind=plan.kind,
                session_id=plan.session_id,
                feeds_backlog=plan.feeds_backlog,
                scale=plan.scale,
                uses_form_labels=plan.labels is not None and list(plan.labels) == list(labels),
            )
            plan.question_id = question.id


def _participants_by_name(session: Session, module_id: int) -> dict[str, int]:
    """Return {name key or e-mail: person id} for the module's participants (forms that ask for a name)."""
    query = (
        sa.select(Person.id, Person.full_name, Person.email)
        .join(Participation, Participation.person_id == Person.id)
        .where(Participation.module_id == module_id)
    )
    people: dict[str, int] = {}
    for person_id, full_name, email in session.execute(query):
        people[name_key(full_name)] = person_id
        if email:
            people[email.strip().lower()] = person_id
    return people


def _write(
    session: Session,
    *,
    form_id: int,
    rows: list[ParsedRow],
    plans: Sequence[ColumnPlan],
    people: dict[str, int],
    result: EvaluationImport,
    by: str | None,
    undo: dict[str, Any],
) -> None:
    counts = {"created": result.created, "skipped": result.skipped, "questions_added": result.questions_added}
    counts_and_undo = {**counts, "form_id": form_id, **undo}
    batch = ImportBatch(
        kind=ImportKind.EVALUATIONS,
        file_name=PurePath(result.file_name).name[:300],
        file_hash=result.file_hash,
        module_id=result.module_id,
        username=by,
        counts=json.dumps(counts_and_undo),
    )
    session.add(batch)
    session.flush()
    responses = []
    for row in rows:
        person_id = None
        if people and row.identity:
            person_id = people.get(row.identity.lower()) or people.get(name_key(row.identity))
            if person_id is None:
                result.warn(f"Row {row.row}: the name matches no participant; the response has no name.")
        responses.append(
            Response(
                form_id=form_id,
                person_id=person_id,
                submitted_at=row.submitted_at,
                source=ResponseSource.IMPORT,
                external_id=row.external_id,
                import_batch_id=batch.id,
            )
        )
    session.add_all(responses)
    session.flush()
    answers = [
        {"response_id": response.id, "question_id": plans[index].question_id, "rating": rating, "text": text}
        for response, row in zip(responses, rows, strict=True)
        for index, rating, text in row.answers
    ]
    # One executemany instead of an object per answer: an export holds thousands of answers.
    if answers:
        session.execute(sa.insert(Answer), answers)
    summaries.touch(session, modules=[result.module_id], forms=[form_id])  # bulk inserts are not noticed
    # Facts about who answered, apart from the answers: never counted as comments.
    attributes = [
        {"response_id": response.id, "attribute": attribute, "value": value}
        for response, row in zip(responses, rows, strict=True)
        for attribute, value in row.attributes.items()
    ]
    if attributes:
        session.execute(sa.insert(RespondentAttribute), attributes)
    audit.record(
        session,
        action="import",
        username=by,
        entity="evaluation_form",
        entity_id=form_id,
        # Named by its number among the evaluation imports, as Past imports and its undo name it (never its row id).
        summary=f"evaluation import {import_number(session, batch.id)} into module {result.module_id}: "
        f"{counted(result.created, 'response')} added, {result.skipped} skipped",
        after=counts,
    )
