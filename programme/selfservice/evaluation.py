"""A participant's own evaluation through a form link: anonymous, every question optional, stored as a response
of the module's evaluation form (source "online"), so it counts on the dashboard as soon as it is sent."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session

from programme.evaluations.forms import asked_numbers, form_questions
from programme.models import Answer, FormKind, Question, QuestionKind, Response, ResponseSource
from programme.models.base import utcnow
from programme.people.names import without_bidi_controls
from programme.selfservice import submissions
from programme.selfservice.labels import text
from programme.selfservice.links import UNAVAILABLE, FormUnavailable, find_open_link, shown_kind


def _without_controls(text: str) -> str:
    """Return text without control characters but line breaks and tabs (a pasted NUL: PostgreSQL refuses it)."""
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


# How the public page keys an answer's widget: the question and how it was offered (links.shown_kind), so that a
# question whose kind or scale changed while the page was open is drawn afresh, and its old answer recognised.
_ANSWER_KEY = re.compile(r"^q(\d+) (.+)$")


def answer_key(question_id: int, kind: str) -> str:
    """Return the widget key of a question's answer on the public page: "q12 rating 0-10"."""
    return f"q{question_id} {kind}"


def is_answer_key(key: object) -> bool:
    """Return whether a widget key is an answer's (answer_key)."""
    return isinstance(key, str) and _ANSWER_KEY.match(key) is not None


def answers_given(state: Mapping[str, object]) -> tuple[dict[int, object], dict[int, str]]:
    """Return ({question id: answer}, {question id: how it was offered}) from the page's widget values (answer_key),
    those of questions no longer drawn included: taken off, removed, or changed while the page was open. A question
    offered twice (its kind changed meanwhile) keeps the answer given, not the new widget's blank."""
    answers: dict[int, object] = {}
    offered: dict[int, str] = {}
    for key, value in state.items():
        match = _ANSWER_KEY.match(key) if isinstance(key, str) else None
        if match is None:
            continue
        question_id = int(match.group(1))
        if question_id in answers and _blank(value):
            continue
        answers[question_id], offered[question_id] = value, match.group(2)
    return answers, offered


@dataclass(frozen=True)
class SentEvaluation:
    """An evaluation stored: its submission, and how many of the answers given were not kept because their questions
    were removed from the form while the participant's page was open (the page tells them)."""

    submission_id: int
    removed: int = 0


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def removed_sentence(language: str, removed: int) -> str:
    """Return the sentence telling a participant that answers of theirs were not kept (removed questions), or ""."""
    if not removed:
        return ""
    return text(language, "removed_one") if removed == 1 else text(language, "removed_many", count=removed)


def submit_evaluation(
    session: Session,
    token: object,
    answers: Mapping[int, object],
    *,
    browser: str,
    client: str | None,
    offered: Mapping[int, str] | None = None,
) -> SentEvaluation:
    """Store one evaluation ({question id: rating on its question's scale, or text}, blanks left out); return the
    submission's id and how many answers were not kept.

    The form may have been edited while the participant filled it in (form_editing.py): an answer to a question
    removed since is not kept (the rest is stored, and the count returned for the page to say so; when nothing else
    was answered, nothing is stored and the refusal says why); a question taken off the form since still takes the
    answer given to it, as it keeps its other answers. offered: how the page offered each question (links.shown_kind);
    a question since changed to another kind or scale is not stored on the new one: the whole submission is refused,
    naming the questions (by their numbers on the form) to answer again, so that no answer given is lost unseen."""
    link = find_open_link(session, token)
    if link.kind != FormKind.EVALUATION or link.evaluation_form_id is None:
        raise FormUnavailable(UNAVAILABLE)
    keys = submissions.check_allowed(session, link, browser=browser, client=client)
    questions = {question.id: question for question in form_questions(session, link.evaluation_form_id)}
    numbers = asked_numbers(questions.values())
    rows: list[Answer] = []
    removed = 0
    changed: list[int] = []
    for question_id, value in answers.items():
        question = questions.get(question_id)
        if question is None:
            if not isinstance(question_id, int) or session.get(Question, question_id) is not None:
                raise FormUnavailable(UNAVAILABLE)  # a question of another form: a forged submission
            removed += not _blank(value)  # removed from the form while the page was open
            continue
        if _blank(value):
            continue
        if offered is not None and question_id in offered and offered[question_id] != shown_kind(question):
            if question_id in numbers:
                changed.append(numbers[question_id])  # asked again, on its new scale: the page shows it afresh
            else:
                removed += 1  # taken off and changed: it cannot be answered again
            continue
        number = str(numbers.get(question_id, question.position))
        if question.kind == QuestionKind.RATING:
            low, high = question.scale_min, question.scale_max  # 1-5, or 0-10
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise submissions.SubmissionRefused(f"{number}: {low}-{high}.")
            rows.append(Answer(question_id=question_id, rating=value))
        else:
            answer = _without_controls(without_bidi_controls(str(value))).strip()
            submissions.check_length(link.language, number, answer, submissions.TEXT_ANSWER_MAX)
            rows.append(Answer(question_id=question_id, text=answer))
    if changed:
        listed = ", ".join(str(number) for number in sorted(changed))
        sentence = text(link.language, "changed_one" if len(changed) == 1 else "changed_many", numbers=listed)
        raise submissions.SubmissionRefused(
            " ".join(filter(None, [sentence, removed_sentence(link.language, removed)]))
        )
    if not rows:
        raise submissions.SubmissionRefused(text(link.language, "removed_all" if removed else "nothing_answered"))
    response = Response(form_id=link.evaluation_form_id, submitted_at=utcnow(), source=ResponseSource.ONLINE)
    session.add(response)
    session.flush()
    for answer in rows:
        answer.response_id = response.id
    session.add_all(rows)
    session.flush()
    submission = submissions.record(session, link, keys, outcome="answered", response_id=response.id)
    return SentEvaluation(submission_id=submission.id, removed=removed)
