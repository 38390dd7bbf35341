"""A participant's own evaluation through a form link: anonymous, every question optional, stored as a response
of the module's evaluation form (source "online"), so it counts on the dashboard as soon as it is sent."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from sqlmodel import Session

from programme.evaluations.forms import form_questions
from programme.models import Answer, FormKind, Question, QuestionKind, Response, ResponseSource
from programme.models.base import utcnow
from programme.people.names import without_bidi_controls
from programme.selfservice import submissions
from programme.selfservice.labels import text
from programme.selfservice.links import UNAVAILABLE, FormUnavailable, find_open_link


def _without_controls(text: str) -> str:
    """Return text without control characters but line breaks and tabs (a pasted NUL: PostgreSQL refuses it)."""
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def submit_evaluation(
    session: Session,
    token: object,
    answers: Mapping[int, object],
    *,
    browser: str,
    client: str | None,
) -> int:
    """Store one evaluation ({question id: rating on its question's scale, or text}, blanks left out); return the
    submission's id.

    The form may have been edited while the participant filled it in (form_editing.py): an answer to a question
    removed since is left out (the rest is stored); a question taken off the form since still takes the answer given
    to it, as it keeps its other answers."""
    link = find_open_link(session, token)
    if link.kind != FormKind.EVALUATION or link.evaluation_form_id is None:
        raise FormUnavailable(UNAVAILABLE)
    keys = submissions.check_allowed(session, link, browser=browser, client=client)
    questions = {question.id: question for question in form_questions(session, link.evaluation_form_id)}
    rows: list[Answer] = []
    for question_id, value in answers.items():
        question = questions.get(question_id)
        if question is None:
            if not isinstance(question_id, int) or session.get(Question, question_id) is not None:
                raise FormUnavailable(UNAVAILABLE)  # a question of another form: a forged submission
            continue  # removed from the form while the page was open
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if question.kind == QuestionKind.RATING:
            low, high = question.scale_min, question.scale_max  # 1-5, or 0-10
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise submissions.SubmissionRefused(f"{question.position}: {low}-{high}.")
            rows.append(Answer(question_id=question_id, rating=value))
        else:
            answer = _without_controls(without_bidi_controls(str(value))).strip()
            submissions.check_length(link.language, str(question.position), answer, submissions.TEXT_ANSWER_MAX)
            rows.append(Answer(question_id=question_id, text=answer))
    if not rows:
        raise submissions.SubmissionRefused(text(link.language, "nothing_answered"))
    response = Response(form_id=link.evaluation_form_id, submitted_at=utcnow(), source=ResponseSource.ONLINE)
    session.add(response)
    session.flush()
    for answer in rows:
        answer.response_id = response.id
    session.add_all(rows)
    session.flush()
    submission = submissions.record(session, link, keys, outcome="answered", response_id=response.id)
    return submission.id
