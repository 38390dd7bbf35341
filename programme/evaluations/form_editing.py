"""Editing a module's evaluation form: add, reword, reorder, take off or remove questions, set a question's kind,
scale, topic-backlog flag and agenda session (copying an earlier module's form: form_copy.py, through the same save).

The answers already collected are figures, so a question that has answers
- is never removed (that would delete them) and never changes kind or scale (a 4 out of 5 is no 4 out of 10, and a
  rating no comment): the save is refused with the sentence that says so and what to do instead, which is to add a
  new question and take this one off the form (`asked` false: the paper-entry and online forms no longer ask it, its
  answers stay in every figure);
- is reworded, or tied to another agenda session, only when the user confirms the sentence that says what it does
  (the answers were given to the old wording; its ratings move to the other session's figures). A reworded
  question keeps the wordings its answers were given to (`earlier_texts`), shown beside it and still recognised by
  the evaluation import, whose later exports name the column as before.

Every change goes through one save (`save_rows`), whatever asks for it: the editor's grid, or the functions for
one change (`add_form_question`, `reword_question`, `move_question`, `remove_question`, `set_asked`,
`set_question`, `link_session`). The grid's save applies the user's own cells to the questions as saved now, in its
transaction (core/edits.grid_onto_now): a cell a colleague changed meanwhile to another value is refused, naming
them. Each change leaves an audit entry (the question's before and after), and the form one naming the save.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access import audit
from programme.access.accounts import SignedIn
from programme.core import edits
from programme.core.errors import NotFound, PermissionDenied, ProgrammeError
from programme.core.words import agreeing, counted
from programme.evaluations.forms import (
    METHODS_NOT_RATED,
    QUESTION_TEXT_MAX,
    SESSION_QUESTION,
    form_questions,
    module_sessions,
)
from programme.evaluations.scales import STANDARD_RANGE, scale_text
from programme.models import AgendaSession, Answer, EvaluationForm, Question, QuestionKind
from programme.models.evaluations import SCALE_RANGES
from programme.people.names import clean_text

CANNOT_EDIT = "Only facilitators and administrators can change evaluation forms."
# The editor's columns: the question's id, then what the user edits, then what is shown beside it.
EDITOR_COLUMNS = ["id", "position", "text", "kind", "scale", "feeds_backlog", "session", "asked", "answers", "earlier"]
# The columns a save compares with what is saved now, in the words of a refusal.
EDITED = {
    "position": "Number",
    "text": "Question",
    "kind": "Kind",
    "scale": "Scale",
    "feeds_backlog": "Feeds the topic backlog",
    "session": "Agenda session",
    "asked": "Asked",
}
SCALES = {scale_text(scale): scale for scale in SCALE_RANGES}
KINDS = tuple(kind.value for kind in QuestionKind)


def check_can_edit(by: SignedIn) -> None:
    """Refuse a viewer (PermissionDenied): only facilitators and administrators change evaluation forms."""
    if not by.can_edit:
        raise PermissionDenied(CANNOT_EDIT)


# --- What the editor shows --------------------------------------------------------------------------------------


def session_label(agenda_session: AgendaSession) -> str:
    """Return how the editor names an agenda session: "Day 1, 09:00 · CEDAW and migrant women"."""
    return f"Day {agenda_session.day}, {agenda_session.start_time:%H:%M} · {agenda_session.title}"


def session_choices(session: Session, module_id: int) -> dict[str, int]:
    """Return {label: session id} of the module's agenda sessions, in agenda order (the editor's Session options); two
    sessions that read alike (same day, time and title) are told apart by a number after the second."""
    choices: dict[str, int] = {}
    for agenda_session in module_sessions(session, module_id):
        label, n = session_label(agenda_session), 1
        while label in choices:
            n += 1
            label = f"{session_label(agenda_session)} ({n})"
        choices[label] = int(agenda_session.id)
    return choices


def answer_counts(session: Session, form_id: int) -> dict[int, int]:
    """Return {question id: answers given} for a form's questions that have any (a rating or a text)."""
    query = (
        sa.select(Answer.question_id, sa.func.count())
        .join(Question, Question.id == Answer.question_id)
        .where(Question.form_id == form_id, sa.or_(Answer.rating.is_not(None), Answer.text.is_not(None)))
        .group_by(Answer.question_id)
    )
    return {int(question_id): int(n) for question_id, n in session.execute(query)}


def earlier_texts(question: Question) -> list[str]:
    """Return the wordings a question's answers were given to before its present one, oldest first."""
    return list(json.loads(question.earlier_texts)) if question.earlier_texts else []


def editor_table(session: Session, form_id: int) -> pd.DataFrame:
    """Return a form's questions as the editor shows them (EDITOR_COLUMNS), in their order: id, position, text, kind
    ("rating" or "text"), scale ("1-5" or "0-10"; none for a text question), feeds_backlog, session (its label, or
    none), asked (on the form for new responses), answers (how many so far) and earlier (the wordings its answers
    were given to before, quoted, or blank)."""
    form = session.get(EvaluationForm, form_id)
    if form is None:
        raise NotFound("That evaluation form does not exist.")
    labels = {s_id: label for label, s_id in session_choices(session, form.module_id).items()}
    answers = answer_counts(session, form_id)
    rows = [
        {
            "id": question.id,
            "position": question.position,
            "text": question.text,
            "kind": question.kind.value,
            "scale": _scale_cell(question),
            "feeds_backlog": bool(question.feeds_backlog),
            "session": labels.get(question.session_id) if question.session_id is not None else None,
            "asked": bool(question.asked),
            "answers": answers.get(question.id, 0),
            "earlier": "; ".join(f"“{text}”" for text in earlier_texts(question)),
        }
        for question in form_questions(session, form_id)
    ]
    frame = pd.DataFrame(rows, columns=EDITOR_COLUMNS)
    return frame.astype({"id": "Int64", "position": "Int64", "answers": "Int64", "feeds_backlog": bool, "asked": bool})


def _scale_cell(question: Question) -> str | None:
    return scale_text((question.scale_min, question.scale_max)) if question.kind == QuestionKind.RATING else None


# --- One save for every change ----------------------------------------------------------------------------------


@dataclass
class QuestionRow:
    """One question as a save wants it (id None: a new one; position None: at the end)."""

    id: int | None
    position: int | None
    text: str
    kind: QuestionKind
    scale: tuple[int, int] = STANDARD_RANGE
    feeds_backlog: bool = False
    session_id: int | None = None
    asked: bool = True
    named: str = ""  # how a sentence names it


@dataclass
class QuestionReview:
    """What a save of a form's questions does, or would do.

    problems: why it cannot be saved (nothing is); to_confirm: {question id: the sentence the user confirms before a
    question with answers is reworded or tied to another session}; changes: the changes in words; the counts."""

    problems: list[str] = field(default_factory=list)
    to_confirm: dict[int, str] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)
    added: int = 0
    changed: int = 0
    removed: int = 0
    reordered: bool = False

    @property
    def anything(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.reordered)

    def sentence(self) -> str:
        """Return what the save did, in one sentence ("Saved: 1 question added, 2 changed, order changed.")."""
        if not self.anything:
            return "Nothing to save: the questions are as they were."
        parts = [
            *([counted(self.added, "question") + " added"] if self.added else []),
            *([f"{self.changed:,} changed"] if self.changed else []),
            *([f"{self.removed:,} removed"] if self.removed else []),
            *(["order changed"] if self.reordered else []),
        ]
        return "Saved: " + ", ".join(parts) + "."


def _named(question: Question) -> str:
    return f"Question {question.position} (“{question.text}”)"


def _kind_words(kind: QuestionKind, scale: tuple[int, int]) -> str:
    return "an open question" if kind == QuestionKind.TEXT else f"a rating from {scale[0]} to {scale[1]}"


def _number(value: object) -> int | None:
    """Return a cell's whole number, None for a blank one; raise ValueError for anything else."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value == "":
        return None
    number = float(value)
    if not number.is_integer() or number < 1:
        raise ValueError(value)
    return int(number)


def _blank(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def rows_from_frame(
    frame: pd.DataFrame, sessions: Mapping[str, int], current: Mapping[int, Question]
) -> tuple[list[QuestionRow], list[str]]:
    """Read the editor's rows (EDITOR_COLUMNS' edited ones) as questions; return them and the problems found
    (sessions: {label: id}; current: the form's questions by id, to name a row in a sentence)."""
    rows: list[QuestionRow] = []
    problems: list[str] = []
    for record in frame.to_dict("records"):
        identity = None if _blank(record.get("id")) else int(record["id"])
        text = clean_text(record.get("text"))
        saved = current.get(identity) if identity is not None else None
        if saved is not None and text == clean_text(saved.text):
            text = saved.text  # as stored (an export's header may hold what cleaning would change): not reworded
        named = _named(saved) if saved is not None else (f"The new question “{text}”" if text else "A new row")
        if not text and identity is None and all(_blank(record.get(c)) for c in ("kind", "scale", "session")):
            continue  # an empty row the grid added: nothing typed in it
        # A cell that cannot be read is a problem, and the question stays as saved (not taken for removed).
        kind_cell = "" if _blank(record.get("kind")) else str(record.get("kind")).strip().lower()
        kind = saved.kind if saved is not None else QuestionKind.RATING
        if kind_cell in KINDS:
            kind = QuestionKind(kind_cell)
        elif kind_cell:
            problems.append(f"{named}: its kind is “rating” or “text”, not “{record.get('kind')}”.")
        scale = (saved.scale_min, saved.scale_max) if saved is not None else STANDARD_RANGE
        scale_cell = "" if _blank(record.get("scale")) else str(record.get("scale")).strip().replace("–", "-")
        if kind == QuestionKind.RATING and scale_cell.replace(" ", "") in SCALES:
            scale = SCALES[scale_cell.replace(" ", "")]
        elif kind == QuestionKind.RATING and scale_cell:
            problems.append(f"{named}: a rating is on a scale from 1 to 5 or from 0 to 10, not “{scale_cell}”.")
        elif kind == QuestionKind.RATING and (saved is None or saved.kind != QuestionKind.RATING):
            scale = STANDARD_RANGE  # a new rating, or an open question made a rating, without a scale chosen
        feeds = bool(record.get("feeds_backlog")) if not _blank(record.get("feeds_backlog")) else False
        session_id = None
        if not _blank(record.get("session")):
            session_id = sessions.get(str(record["session"]))
            if session_id is None:
                problems.append(f"{named}: “{record['session']}” is not a session on this module's agenda.")
        try:
            position = _number(record.get("position"))
        except (TypeError, ValueError):
            problems.append(f"{named}: its number is a whole number from 1, not “{record.get('position')}”.")
            position = None
        asked = True if _blank(record.get("asked")) else bool(record.get("asked"))
        rows.append(QuestionRow(identity, position, text, kind, scale, feeds, session_id, asked, named))
    return rows, problems


def _check_row(row: QuestionRow) -> list[str]:
    """Return what is wrong with a wanted question in itself (no text, too long, a rating feeding the backlog)."""
    if not row.text:
        return [f"{row.named}: a question needs some text."]
    problems = []
    if len(row.text) > QUESTION_TEXT_MAX:
        problems.append(f"{row.named}: a question is at most {QUESTION_TEXT_MAX} characters (it has {len(row.text)}).")
    if row.feeds_backlog and row.kind != QuestionKind.TEXT:
        problems.append(
            f"{row.named}: only an open (text) question feeds the topic backlog; a rating's answers are numbers."
        )
    return problems


def _session_words(session: Session, session_id: int | None) -> str:
    agenda_session = session.get(AgendaSession, session_id) if session_id is not None else None
    return f"“{agenda_session.title}”" if agenda_session is not None else "no session"


def _relink_sentence(session: Session, question: Question, session_id: int | None, answers: int) -> str:
    """Say what tying a question with answers to another session (or to none) does to the figures."""
    then, now = _session_words(session, question.session_id), _session_words(session, session_id)
    if question.kind != QuestionKind.RATING and session_id is None:
        effect = f"its {counted(answers, 'answer')} {agreeing(answers, 'is', 'are')} no longer read as about {then}"
    elif question.kind != QuestionKind.RATING:
        effect = f"its {counted(answers, 'answer')} {agreeing(answers, 'is', 'are')} read as about {now}"
        effect += f", no longer about {then}" if question.session_id is not None else ""
    elif question.session_id is None:
        effect = (
            f"its {counted(answers, 'rating')} {agreeing(answers, 'counts', 'count')} for {now} and its facilitators"
        )
    elif session_id is None:
        effect = f"its {counted(answers, 'rating')} {agreeing(answers, 'leaves', 'leave')} the figures of {then} and its facilitators"
    else:
        effect = (
            f"its {counted(answers, 'rating')} {agreeing(answers, 'moves', 'move')} from the figures of {then} and "
            f"its facilitators to those of {now} and its"
        )
    return f"{_named(question)}: tied to {now} instead of {then}, {effect}."


def _review(
    session: Session, form: EvaluationForm, rows: Sequence[QuestionRow], problems: Iterable[str] = ()
) -> QuestionReview:
    """Compare the wanted questions with the form's as saved now: what changes, what cannot, what to confirm."""
    review = QuestionReview(problems=list(problems))
    current = {int(q.id): q for q in form_questions(session, form.id)}
    answers = answer_counts(session, form.id)
    wanted = {row.id for row in rows if row.id is not None}
    if wanted - set(current):
        review.problems.append("A question in the grid is no longer on this form; reload the page and try again.")
    for identity, question in current.items():
        if identity in wanted:
            continue
        if answers.get(identity):
            review.problems.append(
                f"{_named(question)} has {counted(answers[identity], 'answer')}: removing it would delete "
                f"{agreeing(answers[identity], 'it', 'them')} and change the module's figures. Take it off the form "
                "instead (untick “Asked”): new forms no longer ask it, and its answers stay."
            )
        else:
            review.removed += 1
            review.changes.append(f"{_named(question)} is removed.")
    order = _order(current, rows)
    number = {id(row): place for place, row in enumerate(order, start=1)}
    for row in rows:
        review.problems.extend(_check_row(row))
        question = current.get(row.id) if row.id is not None else None
        if question is None:
            if row.id is None:
                review.added += 1
                review.changes.append(f"“{row.text}” is added as question {number[id(row)]}.")
            continue
        if row.position not in (None, question.position) and number[id(row)] != question.position:
            review.changes.append(f"{_named(question)} moves to number {number[id(row)]}.")
        n = answers.get(int(question.id), 0)
        before = (question.kind, (question.scale_min, question.scale_max))
        if (row.kind, row.scale if row.kind == QuestionKind.RATING else STANDARD_RANGE) != (
            before[0],
            before[1] if before[0] == QuestionKind.RATING else STANDARD_RANGE,
        ):
            if n:
                review.problems.append(
                    f"{_named(question)} has {counted(n, 'answer')} given as {_kind_words(*before)}: it cannot become "
                    f"{_kind_words(row.kind, row.scale)}, which would change what {agreeing(n, 'it means', 'they mean')} "
                    "and the figures with it. Add a new question instead, and take this one off the form (untick "
                    "“Asked”)."
                )
                continue
        if row.text != question.text and n:
            review.to_confirm[int(question.id)] = (
                f"{_named(question)} has {counted(n, 'answer')}, given to its present wording. Reworded as "
                f"“{row.text}”, the dashboard and reports show {agreeing(n, 'it', 'them')} under the new wording; the "
                f"figures stay as they are, and “{question.text}” is kept beside it as the wording "
                f"{agreeing(n, 'it was', 'they were')} given to. For a different question, add a new one instead."
            )
        if row.session_id != question.session_id and n:
            sentence = _relink_sentence(session, question, row.session_id, n)
            previous = review.to_confirm.get(int(question.id))
            review.to_confirm[int(question.id)] = f"{previous} {sentence}" if previous else sentence
        if _differs(question, row):
            review.changed += 1
            review.changes.append(f"{_named(question)}: {', '.join(_differences(question, row))}.")
    kept_order = [i for i in sorted(current, key=lambda i: current[i].position) if i in wanted]
    review.reordered = [row.id for row in order if row.id in current] != kept_order
    return review


def _fields(question: Question) -> dict[str, Any]:
    return {
        "text": question.text,
        "kind": question.kind.value,
        "scale": scale_text((question.scale_min, question.scale_max)),
        "feeds_backlog": bool(question.feeds_backlog),
        "session_id": question.session_id,
        "asked": bool(question.asked),
    }


def _row_fields(row: QuestionRow, question: Question | None = None) -> dict[str, Any]:
    # A text question keeps the scale it had (none is shown for it): only a rating's scale is the user's.
    scale = (
        row.scale if row.kind == QuestionKind.RATING or question is None else (question.scale_min, question.scale_max)
    )
    return {
        "text": row.text,
        "kind": row.kind.value,
        "scale": scale_text(scale),
        "feeds_backlog": row.feeds_backlog,
        "session_id": row.session_id,
        "asked": row.asked,
    }


def _differences(question: Question, row: QuestionRow) -> list[str]:
    before, after = _fields(question), _row_fields(row, question)
    words = {
        "text": "reworded",
        "kind": f"now {_kind_words(row.kind, row.scale)}",
        "scale": f"now {_kind_words(row.kind, row.scale)}",
        "feeds_backlog": "feeds the topic backlog" if row.feeds_backlog else "no longer feeds the topic backlog",
        "session_id": "tied to another session" if row.session_id is not None else "tied to no session",
        "asked": "asked again on new forms" if row.asked else "taken off the form (its answers stay)",
    }
    said = [words[name] for name in before if before[name] != after[name]]
    return list(dict.fromkeys(said))  # a kind and a scale changed together: said once


def _differs(question: Question, row: QuestionRow) -> bool:
    return _fields(question) != _row_fields(row, question)


def _order(current: Mapping[int, Question], rows: Sequence[QuestionRow]) -> list[QuestionRow]:
    """Return the rows in their new order: by the number each shows; a question moved up goes before the one that
    held its new number, one moved down after it; new rows without a number at the end, as typed."""

    def key(item: tuple[int, QuestionRow]) -> tuple[float, int, int]:
        seq, row = item
        saved = current.get(row.id) if row.id is not None else None
        if row.position is None:
            return (math.inf, 1, seq) if saved is None else (saved.position, 1, seq)
        if saved is None or row.position == saved.position:
            return (row.position, 0 if saved is None else 1, seq)
        return (row.position, 0 if row.position < saved.position else 2, seq)

    return [row for _, row in sorted(enumerate(rows), key=key)]


def _renumber(session: Session, questions: Sequence[Question]) -> None:
    """Give the questions the positions 1, 2, ... in this order (through negative ones: a position is unique on its
    form, and each UPDATE is checked on its own)."""
    if [q.position for q in questions] == list(range(1, len(questions) + 1)):
        return
    for index, question in enumerate(questions, start=1):
        question.position = -index
    session.flush()
    for index, question in enumerate(questions, start=1):
        question.position = index
    session.flush()


def _audit_question(session: Session, by: SignedIn, action: str, question: Question, **values: Any) -> None:
    audit.record(
        session,
        action=action,
        username=by.username,
        entity="evaluation_question",
        entity_id=question.id,
        summary=f"evaluation form {question.form_id}, question {question.position}: {question.text}"[:500],
        **values,
    )


def save_rows(
    session: Session,
    form: EvaluationForm,
    rows: Sequence[QuestionRow],
    *,
    by: SignedIn,
    confirmed: Collection[int] = (),
    problems: Iterable[str] = (),
) -> QuestionReview:
    """Make the form's questions the rows (every question of the form: one missing is removed), in one transaction;
    refuse with every problem at once, and when a change to a question with answers was not confirmed."""
    review = _review(session, form, rows, problems)
    if review.problems:
        raise ProgrammeError("Nothing was saved. " + " ".join(dict.fromkeys(review.problems)))
    unconfirmed = [sentence for identity, sentence in review.to_confirm.items() if identity not in confirmed]
    if unconfirmed:
        raise ProgrammeError("Nothing was saved: confirm first. " + " ".join(unconfirmed))
    current = {int(q.id): q for q in form_questions(session, form.id)}
    answers = answer_counts(session, form.id)
    wanted = {row.id for row in rows if row.id is not None}
    for identity, question in current.items():
        if identity not in wanted:
            _audit_question(session, by, "delete", question, before=_fields(question))
            session.delete(question)
    session.flush()
    last = max((q.position for q in current.values()), default=0)
    placed: dict[int, Question] = {}  # by id(row): two new rows may read alike
    for row in rows:
        question = current.get(row.id) if row.id is not None else None
        if question is None:
            last += 1
            question = Question(form_id=form.id, position=last, text=row.text)
            session.add(question)
            _apply_row(question, row, answered=False)
            session.flush()
            _audit_question(session, by, "create", question, after=_fields(question))
        elif _differs(question, row):
            before = _fields(question)
            _apply_row(question, row, answered=bool(answers.get(int(question.id))))
            after = _fields(question)
            changed = {name for name in before if before[name] != after[name]}
            _audit_question(
                session,
                by,
                "update",
                question,
                before={name: before[name] for name in changed},
                after={name: after[name] for name in changed},
            )
        placed[id(row)] = question
    session.flush()
    ordered = [placed[id(row)] for row in _order(current, rows)]
    _renumber(session, ordered)
    if review.anything:
        audit.record(
            session,
            action="update",
            username=by.username,
            entity="evaluation_form",
            entity_id=form.id,
            summary=f"evaluation form {form.id} (module {form.module_id}): {review.sentence()}"[:500],
        )
    return review


def _apply_row(question: Question, row: QuestionRow, *, answered: bool) -> None:
    if row.text != question.text and answered and question.text:
        kept = earlier_texts(question)
        if question.text not in kept:
            kept.append(question.text)
        question.earlier_texts = json.dumps(kept, ensure_ascii=False)
    question.text = row.text
    if row.kind != question.kind or (
        row.kind == QuestionKind.RATING and row.scale != (question.scale_min, question.scale_max)
    ):
        # Only a question without answers gets here (_review refuses the others): typed and online forms offer the
        # form's words on 1-5.
        question.uses_form_labels = True
    question.kind = row.kind
    if row.kind == QuestionKind.RATING:
        question.scale_min, question.scale_max = row.scale
    question.feeds_backlog = row.feeds_backlog
    if row.session_id is None and question.session_id is not None:
        question.untied = True  # on purpose: an agenda change does not tie it again (forms.link_questions)
    elif row.session_id is not None:
        question.untied = False
    question.session_id = row.session_id
    question.asked = row.asked


def _form(session: Session, form_id: int) -> EvaluationForm:
    form = session.get(EvaluationForm, form_id)
    if form is None:
        raise NotFound("That evaluation form does not exist.")
    return form


def _read_cell(column: str, value: Any) -> Any:
    """A grid cell as compared with what is saved: text cleaned, a number whole, a blank scale or session none."""
    if column == "text":
        return clean_text(value)
    if column == "position":
        try:
            return _number(value)
        except (TypeError, ValueError):
            return value
    if column in ("scale", "session", "kind"):
        return None if _blank(value) else str(value)
    if column in ("feeds_backlog", "asked"):
        return bool(value)
    return value


def review_questions(session: Session, *, form_id: int, frame: pd.DataFrame) -> QuestionReview:
    """Return what saving the editor's rows (frame: EDITOR_COLUMNS) would do to the form as saved now, writing
    nothing: the problems that stop it, the changes to questions with answers the user must confirm, the changes."""
    form = _form(session, form_id)
    current = {int(q.id): q for q in form_questions(session, form_id)}
    rows, problems = rows_from_frame(frame, session_choices(session, form.module_id), current)
    return _review(session, form, rows, problems)


def save_questions(
    session: Session,
    *,
    form_id: int,
    frame: pd.DataFrame,
    by: SignedIn,
    opened: pd.DataFrame | None = None,
    confirmed: Collection[int] = (),
) -> QuestionReview:
    """Save the editor's rows (frame: EDITOR_COLUMNS) as the form's questions and return what changed.

    opened: the rows as the editor showed them when it was drawn. Then only the user's own changes are applied, in
    this transaction, to the questions as saved now (a colleague's cells, questions added and removed meanwhile
    stay), and a cell someone else also changed since, to another value, saves nothing (GridConflict names them).
    Without it, frame is the whole form (a question missing from it is removed).
    confirmed: the ids of the questions with answers whose rewording or new session the user confirmed
    (review_questions' to_confirm); another such change refuses the save.
    """
    check_can_edit(by)
    form = _form(session, form_id)
    if opened is not None:
        grid = edits.GridEdits(session)
        frame = edits.grid_onto_now(
            grid,
            opened=opened,
            typed=frame,
            now=editor_table(session, form_id),
            id_column="id",
            what=lambda row: f"question {row.get('position')} (“{row.get('text') or ''}”)",
            entity="evaluation_form",
            entity_id=lambda _row: form.id,
            labels=EDITED,
            read=_read_cell,
        )
        grid.check()
    current = {int(q.id): q for q in form_questions(session, form_id)}
    rows, problems = rows_from_frame(frame, session_choices(session, form.module_id), current)
    return save_rows(session, form, rows, by=by, confirmed=confirmed, problems=problems)


# --- One change at a time ---------------------------------------------------------------------------------------


def form_rows(session: Session, form_id: int) -> list[QuestionRow]:
    return [
        QuestionRow(
            id=int(q.id),
            position=q.position,
            text=q.text,
            kind=q.kind,
            scale=(q.scale_min, q.scale_max),
            feeds_backlog=bool(q.feeds_backlog),
            session_id=q.session_id,
            asked=bool(q.asked),
            named=_named(q),
        )
        for q in form_questions(session, form_id)
    ]


def _question(session: Session, question_id: int) -> Question:
    question = session.get(Question, question_id)
    if question is None:
        raise NotFound("That question does not exist (a colleague may have removed it).")
    return question


def _change(session: Session, question_id: int, by: SignedIn, confirmed: bool = False, **values: Any) -> QuestionReview:
    check_can_edit(by)
    question = _question(session, question_id)
    rows = form_rows(session, question.form_id)
    for row in rows:
        if row.id == question_id:
            for name, value in values.items():
                setattr(row, name, value)
    return save_rows(
        session, _form(session, question.form_id), rows, by=by, confirmed={question_id} if confirmed else ()
    )


def add_form_question(
    session: Session,
    *,
    form_id: int,
    text: str,
    by: SignedIn,
    kind: QuestionKind | str = QuestionKind.RATING,
    scale: tuple[int, int] = STANDARD_RANGE,
    feeds_backlog: bool = False,
    session_id: int | None = None,
    position: int | None = None,
) -> Question:
    """Add a question to a form (at `position`, or at the end) and return it: "How will you use what you learned in
    your work?" as an open question, a 0-10 rating, a question about one agenda session."""
    check_can_edit(by)
    form = _form(session, form_id)
    if session_id is not None and session_id not in session_choices(session, form.module_id).values():
        raise ProgrammeError("That session is not on this module's agenda.")
    try:
        kind = QuestionKind(kind)
    except ValueError:
        raise ProgrammeError(f"A question's kind is “rating” or “text”, not “{kind}”.") from None
    if kind == QuestionKind.RATING and tuple(scale) not in SCALE_RANGES:
        raise ProgrammeError(f"A rating is on a scale from 1 to 5 or from 0 to 10, not {scale_text(scale)}.")
    row = QuestionRow(None, position, clean_text(text), kind, tuple(scale), feeds_backlog, session_id, True, "")
    row.named = f"The new question “{row.text}”" if row.text else "The new question"
    before = {int(q.id) for q in form_questions(session, form_id)}
    save_rows(session, form, [*form_rows(session, form_id), row], by=by)
    return next(q for q in form_questions(session, form_id) if q.id not in before)


def reword_question(
    session: Session, *, question_id: int, text: str, by: SignedIn, confirmed: bool = False
) -> QuestionReview:
    """Reword a question. One with answers is reworded only when confirmed (they were given to the old wording,
    which is kept beside it); without confirmation the refusal says what rewording would do."""
    return _change(session, question_id, by, confirmed, text=clean_text(text))


def move_question(session: Session, *, question_id: int, position: int, by: SignedIn) -> QuestionReview:
    """Move a question to the place `position` (1 is the first); the others keep their order."""
    if position < 1:
        raise ProgrammeError("A question's number is a whole number from 1.")
    return _change(session, question_id, by, position=position)


def remove_question(session: Session, *, question_id: int, by: SignedIn) -> QuestionReview:
    """Remove a question that has no answers; one with answers is refused (take it off the form instead)."""
    check_can_edit(by)
    question = _question(session, question_id)
    rows = [row for row in form_rows(session, question.form_id) if row.id != question_id]
    return save_rows(session, _form(session, question.form_id), rows, by=by)


def set_asked(session: Session, *, question_id: int, asked: bool, by: SignedIn) -> QuestionReview:
    """Take a question off the form (asked false: the paper-entry and online forms no longer ask it; its answers
    stay in every figure), or put it back."""
    return _change(session, question_id, by, asked=asked)


def set_question(
    session: Session,
    *,
    question_id: int,
    by: SignedIn,
    kind: QuestionKind | str | None = None,
    scale: tuple[int, int] | None = None,
    feeds_backlog: bool | None = None,
) -> QuestionReview:
    """Change a question's kind, its rating scale ((1, 5) or (0, 10)) or whether its answers feed the topic backlog;
    a question with answers keeps its kind and scale (refused: add a new question instead)."""
    values: dict[str, Any] = {}
    if kind is not None:
        try:
            values["kind"] = QuestionKind(kind)
        except ValueError:
            raise ProgrammeError(f"A question's kind is “rating” or “text”, not “{kind}”.") from None
    if scale is not None:
        if tuple(scale) not in SCALE_RANGES:
            raise ProgrammeError(f"A rating is on a scale from 1 to 5 or from 0 to 10, not {scale_text(scale)}.")
        values["scale"] = tuple(scale)
    if feeds_backlog is not None:
        values["feeds_backlog"] = feeds_backlog
    return _change(session, question_id, by, **values)


def link_session(
    session: Session, *, question_id: int, session_id: int | None, by: SignedIn, confirmed: bool = False
) -> QuestionReview:
    """Tie a question to one of its module's agenda sessions (None: to none). A question with answers is tied
    elsewhere only when confirmed: its ratings move to the other session's figures and its facilitators'."""
    question = _question(session, question_id)
    form = _form(session, question.form_id)
    if session_id is not None and session_id not in session_choices(session, form.module_id).values():
        raise ProgrammeError("That session is not on this module's agenda.")
    return _change(session, question_id, by, confirmed, session_id=session_id)


def sessions_without_question(session: Session, form_id: int) -> list[AgendaSession]:
    """Return the module's sessions to rate (not breaks, meals or the evaluation itself) that no question of the form
    is about, asked or not (one taken off the form was taken off on purpose), in agenda order."""
    form = _form(session, form_id)
    covered = {q.session_id for q in form_questions(session, form_id) if q.session_id is not None}
    return [
        s for s in module_sessions(session, form.module_id) if s.id not in covered and s.method not in METHODS_NOT_RATED
    ]


def add_session_questions(session: Session, *, form_id: int, by: SignedIn) -> list[str]:
    """Add the standard question ("How useful was the session: ...?") for each session to rate that has none (the
    agenda grew after the form was made), after the last question about a session, in agenda order; return the
    sessions' titles."""
    check_can_edit(by)
    form = _form(session, form_id)
    missing = sessions_without_question(session, form_id)
    if not missing:
        return []
    rows = form_rows(session, form_id)
    after = max((row.position or 0 for row in rows if row.session_id is not None), default=0)
    new = [
        QuestionRow(None, after + 1, SESSION_QUESTION.format(title=s.title), QuestionKind.RATING, session_id=s.id)
        for s in missing
    ]
    # Placed after the last session question: the questions after it move down (none is moved up before it).
    for row in rows:
        if row.position is not None and row.position > after:
            row.position += len(new)
    for index, row in enumerate(new):
        row.position = after + 1 + index
    save_rows(session, form, [*rows, *new], by=by)
    return [s.title for s in missing]
