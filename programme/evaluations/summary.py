"""A module's evaluation in figures: responses, each question's n and mean, and suggestions for the backlog."""

from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.models import Answer, EvaluationForm, Question, QuestionKind, Response
from programme.models import Session as AgendaSession
from programme.names import clean_text, fold

MEAN_DECIMALS = 2


def response_count(session: Session, module_id: int) -> int:
    """Return how many filled-in forms a module has."""
    query = (
        sa.select(sa.func.count(Response.id))
        .join(EvaluationForm, EvaluationForm.id == Response.form_id)
        .where(EvaluationForm.module_id == module_id)
    )
    return int(session.scalar(query) or 0)


def module_summary(session: Session, module_id: int) -> dict[str, Any]:
    """Return {responses, questions: [{text, kind, session, n, mean}]} for a module's evaluation forms."""
    answered = sa.func.count(sa.case((Answer.rating.is_not(None), 1), (Answer.text.is_not(None), 1)))
    query = (
        sa.select(
            Question.text,
            Question.kind,
            AgendaSession.title.label("session"),
            answered.label("n"),
            sa.func.avg(Answer.rating).label("mean"),
        )
        .join(EvaluationForm, EvaluationForm.id == Question.form_id)
        .outerjoin(AgendaSession, AgendaSession.id == Question.session_id)
        .outerjoin(Answer, Answer.question_id == Question.id)
        .where(EvaluationForm.module_id == module_id)
        .group_by(Question.id, Question.text, Question.kind, AgendaSession.title, EvaluationForm.id, Question.position)
        .order_by(EvaluationForm.id, Question.position)
    )
    questions = []
    for text, kind, title, n, mean in session.execute(query):
        is_rating = QuestionKind(kind) == QuestionKind.RATING
        questions.append(
            {
                "text": text,
                "kind": QuestionKind(kind).value,
                "session": title,
                "n": int(n),
                "mean": round(float(mean), MEAN_DECIMALS) if is_rating and mean is not None else None,
            }
        )
    return {"responses": response_count(session, module_id), "questions": questions}


def suggestions(session: Session, module_id: int) -> pd.DataFrame:
    """Return the module's suggestions for the next module with how often each was made: [text, times].

    Answers to questions marked feeds_backlog; the same words in another case or spacing count as one
    suggestion, shown as most people wrote it. Most frequent first.
    """
    query = (
        sa.select(Answer.text)
        .join(Question, Question.id == Answer.question_id)
        .join(EvaluationForm, EvaluationForm.id == Question.form_id)
        .where(EvaluationForm.module_id == module_id, Question.feeds_backlog.is_(True), Answer.text.is_not(None))
    )
    texts = [clean_text(text) for text in session.scalars(query)]
    frame = pd.DataFrame({"text": [t for t in texts if t]}, dtype=object)
    if frame.empty:
        return pd.DataFrame({"text": pd.Series(dtype=object), "times": pd.Series(dtype=int)})
    frame["key"] = frame["text"].map(fold)
    grouped = frame.groupby("key").agg(text=("text", lambda s: s.value_counts().index[0]), times=("text", "size"))
    return grouped.sort_values(["times", "text"], ascending=[False, True]).reset_index(drop=True)
