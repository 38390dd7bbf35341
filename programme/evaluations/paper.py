"""Typing paper forms while a colleague edits the form: no answer typed is dropped unseen.

The paper-entry page keys each answer's widget by its question's kind and scale (paper_key), so that a question
changed on the Form tab while a facilitator types is drawn afresh, and the answer typed to its old shape is still
found at the save (typed_answers). save_paper_form keeps what it can, as the participants' online form does
(selfservice/evaluation.py): an answer to a question removed meanwhile is not saved and the page says so; one to a
question taken off the form is saved (its answers stay in the figures); one to a question changed in kind or scale is
not saved on the new one: nothing is saved, and the refusal names the question to type again (or leave blank); one to
a question reworded meanwhile is saved to it, and the page says under which wording.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlmodel import Session

from programme.core.errors import ProgrammeError
from programme.evaluations.forms import add_paper_response, asked_numbers, form_questions
from programme.evaluations.scales import is_blank
from programme.models import Question, QuestionKind, Response

# A paper answer's widget key: "q12 rating 1-5", with the generation ui.form_keys adds after a save ("~3").
_PAPER_KEY = re.compile(r"^q(\d+) (\w+ \d+-\d+)(?:~\d+)?$")


def shape(question: Question) -> str:
    """Return how the paper form asks a question: its kind and scale, "rating 1-5", "rating 0-10" or "text 1-5"."""
    return f"{question.kind.value} {question.scale_min}-{question.scale_max}"


def paper_key(question_id: int, kind: str, scale_min: int, scale_max: int) -> str:
    """Return the name of a question's widget on the paper form (before ui.form_keys' generation): "q12 rating 1-5"."""
    return f"q{question_id} {kind} {scale_min}-{scale_max}"


@dataclass(frozen=True)
class Drawn:
    """A question as the paper form showed it: its number (1, 2, 3... of the asked ones), wording and shape."""

    number: int
    text: str
    shape: str


def drawn_questions(questions: Iterable[Question]) -> dict[int, Drawn]:
    """Return {question id: Drawn} of the questions the paper form asks (those taken off are not drawn)."""
    questions = list(questions)
    numbers = asked_numbers(questions)
    return {int(q.id): Drawn(numbers[int(q.id)], q.text, shape(q)) for q in questions if int(q.id) in numbers}


def typed_answers(state: Mapping[str, object]) -> dict[int, tuple[str, object]]:
    """Return {question id: (the shape it was asked in, the answer typed)} from the page's widget values, those of
    questions no longer drawn included (removed, taken off or changed while the facilitator typed). A question drawn
    twice (its kind or scale changed meanwhile) keeps the answer typed, not the new widget's blank."""
    typed: dict[int, tuple[str, object]] = {}
    for key, value in state.items():
        match = _PAPER_KEY.match(key) if isinstance(key, str) else None
        if match is None:
            continue
        question_id = int(match.group(1))
        if question_id in typed and is_blank(value):
            continue
        typed[question_id] = (match.group(2), value)
    return typed


def _shape_words(shape_name: str) -> str:
    kind, scale = shape_name.split(" ", 1)
    return "an open question" if kind == QuestionKind.TEXT.value else f"a rating from {scale.replace('-', ' to ')}"


def _named(question_id: int, drawn: Mapping[int, Drawn], fallback: Question | None) -> str:
    """Return "Question 4 (“Logistics and venue”)" as the facilitator saw it (else as it is now)."""
    seen = drawn.get(question_id)
    if seen is not None:
        return f"Question {seen.number} (“{seen.text}”)"
    if fallback is not None:
        return f"The question “{fallback.text}”"
    return "A question"


def _lower(name: str) -> str:
    return f"q{name[1:]}" if name.startswith("Question ") else name


def _joined(names: list[str]) -> str:
    """Return "Question 4 (…), question 5 (…) and question 9 (…)"."""
    names = [names[0], *map(_lower, names[1:])]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(frozen=True)
class PaperSaved:
    """A paper form saved, and what the page tells the facilitator about answers to questions changed meanwhile."""

    response: Response
    notes: list[str] = field(default_factory=list)


def save_paper_form(
    session: Session,
    *,
    form_id: int,
    typed: Mapping[int, tuple[str, object]],
    drawn: Mapping[int, Drawn],
    person_id: int | None = None,
    by: str | None = None,
) -> PaperSaved:
    """Save one typed paper form ({question id: (shape asked in, answer)}, typed_answers) and return it with notes.

    drawn: the questions as the page showed them while the facilitator typed (their numbers and wordings name them).
    A question removed meanwhile: its answer is not saved, a note says so (when nothing else was typed, nothing is
    saved and the refusal says why). A question since changed in kind or scale and still asked: nothing is saved, the
    refusal names it (its widget is drawn afresh, blank: type the answer again, or leave it blank, and save); taken
    off and changed, it cannot be typed again: not saved, with a note. A question taken off the form meanwhile keeps
    the answer (as its earlier answers are kept), and one reworded meanwhile takes it under its new wording: a note
    says so for each."""
    questions = {int(q.id): q for q in form_questions(session, form_id)}
    answers: dict[int, object] = {}
    removed: list[str] = []
    changed: list[str] = []
    not_saved: list[str] = []
    notes: list[str] = []
    for question_id, (asked_as, value) in typed.items():
        if is_blank(value):
            continue
        question = questions.get(question_id)
        if question is None:
            if session.get(Question, question_id) is not None:
                raise ProgrammeError("An answer belongs to a question that is not on this form.")
            removed.append(_named(question_id, drawn, None))
            continue
        named = _named(question_id, drawn, question)
        if asked_as != shape(question):
            now = _shape_words(shape(question))
            if question.asked:
                changed.append(f"{_lower(named)} is now {now}")
            else:
                not_saved.append(f"{named} was taken off the form and changed to {now} while you typed: its answer "
                                 "was not saved.")  # fmt: skip
            continue
        answers[question_id] = value
        if not question.asked:
            notes.append(f"{named} was taken off the form while you typed: its answer was saved all the same, as "
                         "its earlier answers are kept.")  # fmt: skip
        seen = drawn.get(question_id)
        if seen is not None and seen.text != question.text:
            notes.append(f"{named} was reworded while you typed: its answer was saved to it as it now reads, "
                         f"“{question.text}”.")  # fmt: skip
    if removed:
        one = len(removed) == 1
        not_saved.insert(0, f"{_joined(removed)} {'was' if one else 'were'} removed from the form while you typed: "
                            f"{'its answer was' if one else 'their answers were'} not saved.")  # fmt: skip
    if changed:
        one = len(changed) == 1
        it = "it" if one else "them"
        sentence = (
            f"Changed while you typed: {_joined(changed)}. The {'answer' if one else 'answers'} typed to {it} before "
            f"the change {'was' if one else 'were'} not saved, and nothing is saved yet: type {it} again as the form "
            f"now asks (or leave {it} blank), then save."
        )
        raise ProgrammeError(" ".join([sentence, *not_saved]))
    if not answers and not_saved:
        raise ProgrammeError(" ".join([*not_saved, "Nothing else was typed, so nothing was saved."]))
    response = add_paper_response(session, form_id=form_id, answers=answers, person_id=person_id, by=by)
    return PaperSaved(response, not_saved + notes)


def changed_since(before: Mapping[int, Drawn], questions: Iterable[Question]) -> list[str]:
    """Return sentences naming the questions the page drew before (before) that were since removed, taken off or
    changed in kind or scale, by a colleague on the Form tab: their widgets are gone or drawn afresh, blank, so an
    answer typed to them is no longer on the page (the page redrew them when something else was clicked)."""
    now = {int(q.id): q for q in questions}
    sentences = []
    for question_id, seen in before.items():
        question = now.get(question_id)
        named = f"Question {seen.number} (“{seen.text}”)"
        if question is None:
            sentences.append(f"{named} was removed from the form while this page was open: an answer typed to it is "
                             "no longer on the page and will not be saved.")  # fmt: skip
        elif not question.asked:
            sentences.append(f"{named} was taken off the form while this page was open: an answer typed to it is "
                             "no longer on the page and will not be saved.")  # fmt: skip
        elif shape(question) != seen.shape:
            sentences.append(f"{named} was changed to {_shape_words(shape(question))} while this page was open: an "
                             "answer typed to it before was cleared; type it again as the form now asks.")  # fmt: skip
    return sentences
