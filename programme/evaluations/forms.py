"""Evaluation forms: the standard template from a module's agenda, questions, and paper entry."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access import audit
from programme.core.errors import NotFound, ProgrammeError
from programme.evaluations.columns import linked_session
from programme.evaluations.scales import (
    STANDARD_RANGE,
    UnknownAnswer,
    form_labels,
    is_blank,
    parse_labels,
    read_rating,
    scale_text,
)
from programme.models import (
    AgendaSession,
    Answer,
    EvaluationForm,
    Method,
    Module,
    Participation,
    Person,
    Question,
    QuestionKind,
    Response,
    ResponseSource,
)
from programme.models.evaluations import SCALE_RANGES
from programme.people.names import clean_text

STANDARD_TITLE = "End of module evaluation"
SESSION_QUESTION = "How useful was the session: {title}?"
# The standard questions after the sessions': (text, kind, feeds the topic backlog).
STANDARD_QUESTIONS: tuple[tuple[str, QuestionKind, bool], ...] = (
    ("Overall relevance of the module to your work", QuestionKind.RATING, False),
    ("Quality of facilitation", QuestionKind.RATING, False),
    ("Logistics and venue", QuestionKind.RATING, False),
    ("What was most useful?", QuestionKind.TEXT, False),
    ("Suggestions for the next module", QuestionKind.TEXT, True),
)
# The evaluation session itself is where the form is filled in; rating it on the form says little. Breaks
# and meals are not sessions to rate.
METHODS_NOT_RATED = frozenset({Method.EVALUATION, Method.BREAK, Method.MEAL})
QUESTION_TEXT_MAX = 500


def module_forms(session: Session, module_id: int) -> list[EvaluationForm]:
    """Return a module's evaluation forms, oldest first."""
    query = sa.select(EvaluationForm).where(EvaluationForm.module_id == module_id).order_by(EvaluationForm.id)
    return list(session.scalars(query))


def module_form(session: Session, module_id: int) -> EvaluationForm | None:
    """Return the module's (first) evaluation form, or None when it has none yet."""
    forms = module_forms(session, module_id)
    return forms[0] if forms else None


def form_questions(session: Session, form_id: int, *, asked_only: bool = False) -> list[Question]:
    """Return a form's questions in their order; asked_only: those new forms ask (not those taken off the form, whose
    answers stay in the figures: form_editing.py)."""
    query = sa.select(Question).where(Question.form_id == form_id).order_by(Question.position)
    if asked_only:
        query = query.where(Question.asked.is_(True))
    return list(session.scalars(query))


def asked_numbers(questions: Iterable[Question]) -> dict[int, int]:
    """Return {question id: its number on the paper-entry and online forms} for questions in their order: the asked
    ones numbered 1, 2, 3… (a question taken off the form leaves no gap, and has no number); the stored positions,
    which order the questions, are left as they are."""
    asked = [question for question in questions if question.asked]
    return {int(question.id): number for number, question in enumerate(asked, start=1)}


def module_sessions(session: Session, module_id: int) -> list[AgendaSession]:
    """Return a module's agenda sessions in agenda order."""
    query = (
        sa.select(AgendaSession)
        .where(AgendaSession.module_id == module_id)
        .order_by(AgendaSession.day, AgendaSession.start_time, AgendaSession.position, AgendaSession.id)
    )
    return list(session.scalars(query))


def link_questions(session: Session, module_id: int) -> int:
    """Tie the module's evaluation questions that name one of its agenda sessions, and are tied to none, to that
    session (as an import does when the agenda comes first); return how many. Called after every change to an
    agenda: an evaluation imported before its agenda gets its session ratings once the agenda is typed or
    imported. A question already tied to a session is left as it is, and so is one a user untied in the question
    editor (Question.untied): tying it again would move its ratings into a session's figures unasked."""
    sessions = module_sessions(session, module_id)
    if not sessions:
        return 0
    linked = 0
    for form in module_forms(session, module_id):
        for question in form_questions(session, form.id):
            if question.session_id is not None or question.untied:
                continue
            match = linked_session(question.text, sessions)
            if match is not None:
                question.session_id = match.id
                linked += 1
    if linked:
        session.flush()  # the questions' form is noticed: its module's evaluation figures are refreshed at commit
    return linked


def create_form(
    session: Session,
    *,
    module_id: int,
    title: str = STANDARD_TITLE,
    asks_name: bool = False,
    scale_labels: Sequence[str] | str | None = None,
    by: str | None = None,
) -> EvaluationForm:
    """Create an empty evaluation form for a module and return it."""
    if session.get(Module, module_id) is None:
        raise NotFound("That module does not exist.")
    labels = parse_labels(scale_labels)
    form = EvaluationForm(
        module_id=module_id,
        title=clean_text(title) or STANDARD_TITLE,
        asks_name=asks_name,
        scale_labels=json.dumps(labels, ensure_ascii=False) if labels else None,
    )
    session.add(form)
    session.flush()
    audit.record(session, action="create", username=by, entity="evaluation_form", entity_id=form.id, summary=title)
    return form


def add_question(
    session: Session,
    *,
    form_id: int,
    text: str,
    kind: QuestionKind | str = QuestionKind.RATING,
    session_id: int | None = None,
    feeds_backlog: bool = False,
    scale: tuple[int, int] = STANDARD_RANGE,
    uses_form_labels: bool = True,
) -> Question:
    """Add a question at the end of a form and return it; scale: its ratings' range, (1, 5) or (0, 10);
    uses_form_labels: whether its answers are the form's scale labels (false: numbers, or another scale's words)."""
    text = clean_text(text)[:QUESTION_TEXT_MAX]
    if not text:
        raise ProgrammeError("A question needs some text.")
    if tuple(scale) not in SCALE_RANGES:
        raise ProgrammeError(f"A rating question is on a scale from 1 to 5 or from 0 to 10, not {scale_text(scale)}.")
    last = session.scalar(sa.select(sa.func.max(Question.position)).where(Question.form_id == form_id)) or 0
    question = Question(
        form_id=form_id,
        position=last + 1,
        text=text,
        kind=QuestionKind(kind),
        session_id=session_id,
        feeds_backlog=feeds_backlog,
        scale_min=scale[0],
        scale_max=scale[1],
        uses_form_labels=uses_form_labels,
    )
    session.add(question)
    session.flush()
    return question


def create_standard_form(
    session: Session,
    *,
    module_id: int,
    asks_name: bool = False,
    by: str | None = None,
) -> EvaluationForm:
    """Create the standard form (each session's usefulness, overall questions, suggestions) and return it."""
    if module_form(session, module_id) is not None:
        raise ProgrammeError("This module already has an evaluation form.")
    form = create_form(session, module_id=module_id, asks_name=asks_name, by=by)
    for agenda_session in module_sessions(session, module_id):
        if agenda_session.method not in METHODS_NOT_RATED:
            add_question(
                session,
                form_id=form.id,
                text=SESSION_QUESTION.format(title=agenda_session.title),
                session_id=agenda_session.id,
            )
    for text, kind, feeds in STANDARD_QUESTIONS:
        add_question(session, form_id=form.id, text=text, kind=kind, feeds_backlog=feeds)
    return form


def questions_table(session: Session, form_id: int, *, asked_only: bool = False) -> pd.DataFrame:
    """Return a form's questions as a table: position, text, kind, session, feeds backlog, scale_min, scale_max,
    uses_form_labels (whether a rating is answered with the form's word labels, not numbers), number (its number on
    the paper-entry and online forms: asked_numbers; none for a question taken off); asked_only: the questions new
    forms ask (the paper-entry form), not those taken off the form."""
    query = (
        sa.select(
            Question.id,
            Question.position,
            Question.asked,
            Question.text,
            Question.kind,
            AgendaSession.title.label("session"),
            Question.feeds_backlog,
            Question.scale_min,
            Question.scale_max,
            Question.uses_form_labels,
        )
        .outerjoin(AgendaSession, AgendaSession.id == Question.session_id)
        .where(Question.form_id == form_id, *([Question.asked.is_(True)] if asked_only else []))
        .order_by(Question.position)
    )
    frame = pd.DataFrame(session.execute(query).mappings().all(), columns=[c.name for c in query.selected_columns])
    frame["kind"] = frame["kind"].map(lambda kind: getattr(kind, "value", kind))
    frame["session"] = frame["session"].fillna("")
    asked = frame["asked"].astype(bool)
    frame["number"] = pd.Series(asked.cumsum(), dtype="Int64").where(asked)
    return frame.drop(columns="asked")


def add_paper_response(
    session: Session,
    *,
    form_id: int,
    answers: Mapping[int, object],
    person_id: int | None = None,
    by: str | None = None,
) -> Response:
    """Save one typed-in paper form and return it; ratings may be numbers or the scale's labels."""
    form = session.get(EvaluationForm, form_id)
    if form is None:
        raise NotFound("That evaluation form does not exist.")
    if person_id is not None and not form.asks_name:
        raise ProgrammeError("This form is anonymous; a response cannot name a person.")
    questions = {question.id: question for question in form_questions(session, form_id)}
    labels = form_labels(form.scale_labels)
    rows = []
    for question_id, value in answers.items():
        question = questions.get(question_id)
        if question is None:
            raise ProgrammeError("An answer belongs to a question that is not on this form.")
        if is_blank(value):
            continue
        if question.kind == QuestionKind.RATING:
            try:
                scale = (question.scale_min, question.scale_max)
                rating = read_rating(value, labels if scale == STANDARD_RANGE else None, scale=scale)
                rows.append(Answer(question_id=question_id, rating=rating))
            except UnknownAnswer as error:
                raise ProgrammeError(f"Question {question.position}: {error}") from None
        else:
            rows.append(Answer(question_id=question_id, text=clean_text(value)))
    if not rows:
        raise ProgrammeError("The form is empty: answer at least one question.")
    response = Response(form_id=form_id, person_id=person_id, source=ResponseSource.PAPER)
    session.add(response)
    session.flush()
    for answer in rows:
        answer.response_id = response.id
    session.add_all(rows)
    session.flush()
    audit.record(
        session,
        action="create",
        username=by,
        entity="evaluation_response",
        entity_id=response.id,
        summary=f"paper evaluation form {form_id}: {len(rows)} answers",
    )
    return response


def module_participants(session: Session, module_id: int) -> dict[int, str]:
    """Return {person id: name} of a module's participants, for forms that ask who answered."""
    query = (
        sa.select(Person.id, Person.full_name)
        .join(Participation, Participation.person_id == Person.id)
        .where(Participation.module_id == module_id)
        .order_by(Person.sort_name)
    )
    return dict(session.execute(query).tuples().all())
