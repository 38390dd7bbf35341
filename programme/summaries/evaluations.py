"""The evaluation summaries: answers per question, rating counts, and module, session and facilitator figures.

Refreshed per touched module (and per touched person, for the facilitator rows) at commit, or all at once on a
rebuild, from the raw rows; read by the evaluation dashboards (programme/evaluations/) and the trainer pool.

- summary_eval_question: per question, answers with a rating or a text (answered), ratings and their sum;
- summary_eval_rating: per (question, rating value), how many gave it: a 0-10 question has up to 11 rows;
- summary_eval_module: per module, responses, the ratings its mean averages (means.module_ratings: 1-5 questions
  only), participants who attended, and the pre/post-test sums of those with both scores;
- summary_eval_session: per (agenda session, module of the form), the ratings of the questions about it;
- summary_eval_facilitator: per (person, module), the rated sessions they led, those sessions' ratings and sum.

Sessions, facilitators and modules average the questions means.ON_STANDARD_SCALE selects; questions keep every
rating on their own scale.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlmodel import Session

from programme.models import (
    Answer,
    EvaluationFacilitatorSummary,
    EvaluationForm,
    EvaluationModuleSummary,
    EvaluationQuestionSummary,
    EvaluationRatingCount,
    EvaluationSessionSummary,
    Module,
    Participation,
    ParticipationRole,
    Question,
    Response,
    SessionFacilitator,
)
from programme.summaries.ids import chunks
from programme.summaries.upkeep import Changes, register

NAME = "evaluations"
QUESTIONS = EvaluationQuestionSummary.__table__
RATINGS = EvaluationRatingCount.__table__
MODULES = EvaluationModuleSummary.__table__
SESSIONS = EvaluationSessionSummary.__table__
FACILITATORS = EvaluationFacilitatorSummary.__table__
# Beyond this many differences in one table, the check says how many more there are.
_SHOWN = 20


def _standard_scale() -> sa.ColumnElement[bool]:
    from programme.evaluations.means import ON_STANDARD_SCALE  # imported late: evaluations imports summaries

    return ON_STANDARD_SCALE


Scope = Callable[[sa.ColumnElement], sa.ColumnElement[bool]]


def _everywhere(_column: sa.ColumnElement) -> sa.ColumnElement[bool]:
    return sa.true()


# The raw figures, as SELECTs over the raw rows (scope: a condition on a module id column); the refresh inserts
# them and the check compares the tables with them.


def _raw_questions(scope: Scope) -> sa.Select:
    answered = sa.func.count(sa.case((Answer.rating.is_not(None), 1), (Answer.text.is_not(None), 1)))
    return (
        sa.select(
            Answer.question_id,
            EvaluationForm.module_id,
            answered.label("answered"),
            sa.func.count(Answer.rating).label("ratings"),
            sa.func.coalesce(sa.func.sum(Answer.rating), 0).label("rating_total"),
        )
        .join(Question, Question.id == Answer.question_id)
        .join(EvaluationForm, EvaluationForm.id == Question.form_id)
        .where(scope(EvaluationForm.module_id))
        .group_by(Answer.question_id, EvaluationForm.module_id)
    )


def _raw_ratings(scope: Scope) -> sa.Select:
    return (
        sa.select(Answer.question_id, Answer.rating, EvaluationForm.module_id, sa.func.count().label("count"))
        .join(Question, Question.id == Answer.question_id)
        .join(EvaluationForm, EvaluationForm.id == Question.form_id)
        .where(Answer.rating.is_not(None), scope(EvaluationForm.module_id))
        .group_by(Answer.question_id, Answer.rating, EvaluationForm.module_id)
    )


def _participation_figures(scope: Scope) -> sa.Subquery:
    both = sa.and_(Participation.pre_test_score.is_not(None), Participation.post_test_score.is_not(None))
    attended = sa.and_(Participation.attended.is_(True), Participation.role == ParticipationRole.PARTICIPANT)
    gain = Participation.post_test_score - Participation.pre_test_score
    return (
        sa.select(
            Participation.module_id,
            sa.func.count(sa.case((attended, Participation.id))).label("attended"),
            sa.func.count(sa.case((both, Participation.id))).label("tested"),
            sa.func.sum(sa.case((both, Participation.pre_test_score))).label("pre_total"),
            sa.func.sum(sa.case((both, Participation.post_test_score))).label("post_total"),
            sa.func.sum(sa.case((both, gain))).label("gain_total"),
            sa.func.sum(sa.case((both, gain * gain))).label("gain_squares"),
        )
        .where(scope(Participation.module_id))
        .group_by(Participation.module_id)
        .subquery()
    )


def _raw_modules(scope: Scope, module_ratings: sa.Subquery) -> sa.Select:
    """Per module: responses, ratings and their sum (module_ratings: module_id, ratings, rating_total), attended,
    tested and the test sums; modules with none of these are left out."""
    responses = (
        sa.select(EvaluationForm.module_id, sa.func.count(Response.id).label("responses"))
        .join(Response, Response.form_id == EvaluationForm.id)
        .where(scope(EvaluationForm.module_id))
        .group_by(EvaluationForm.module_id)
        .subquery()
    )
    people = _participation_figures(scope)
    zero = sa.literal(0)
    return (
        sa.select(
            Module.id.label("module_id"),
            sa.func.coalesce(responses.c.responses, zero).label("responses"),
            sa.func.coalesce(module_ratings.c.ratings, zero).label("ratings"),
            sa.func.coalesce(module_ratings.c.rating_total, zero).label("rating_total"),
            sa.func.coalesce(people.c.attended, zero).label("attended"),
            sa.func.coalesce(people.c.tested, zero).label("tested"),
            sa.func.coalesce(people.c.pre_total, 0.0).label("pre_total"),
            sa.func.coalesce(people.c.post_total, 0.0).label("post_total"),
            sa.func.coalesce(people.c.gain_total, 0.0).label("gain_total"),
            sa.func.coalesce(people.c.gain_squares, 0.0).label("gain_squares"),
        )
        .outerjoin(responses, responses.c.module_id == Module.id)
        .outerjoin(module_ratings, module_ratings.c.module_id == Module.id)
        .outerjoin(people, people.c.module_id == Module.id)
        .where(
            scope(Module.id),
            sa.or_(
                responses.c.responses > 0,
                module_ratings.c.ratings > 0,
                people.c.attended > 0,
                people.c.tested > 0,
            ),
        )
    )


def _module_ratings_from_questions(scope: Scope) -> sa.Subquery:
    """The ratings a module's mean averages, summed from the question rows (the refresh's source)."""
    return (
        sa.select(
            QUESTIONS.c.module_id,
            sa.func.sum(QUESTIONS.c.ratings).label("ratings"),
            sa.func.sum(QUESTIONS.c.rating_total).label("rating_total"),
        )
        .join(Question, Question.id == QUESTIONS.c.question_id)
        .where(scope(QUESTIONS.c.module_id), _standard_scale())
        .group_by(QUESTIONS.c.module_id)
        .subquery()
    )


def _module_ratings_from_answers(scope: Scope) -> sa.Subquery:
    """The ratings a module's mean averages, from the raw answers as means.module_ratings selects them (the check)."""
    from programme.evaluations.means import module_ratings

    ratings = module_ratings().subquery()
    return (
        sa.select(
            ratings.c.module_id,
            sa.func.count(ratings.c.rating).label("ratings"),
            sa.func.coalesce(sa.func.sum(ratings.c.rating), 0).label("rating_total"),
        )
        .where(scope(ratings.c.module_id))
        .group_by(ratings.c.module_id)
        .subquery()
    )


def _sessions_from_questions(scope: Scope) -> sa.Select:
    return (
        sa.select(
            Question.session_id,
            QUESTIONS.c.module_id,
            sa.func.sum(QUESTIONS.c.ratings).label("ratings"),
            sa.func.sum(QUESTIONS.c.rating_total).label("rating_total"),
        )
        .join(Question, Question.id == QUESTIONS.c.question_id)
        .where(scope(QUESTIONS.c.module_id), Question.session_id.is_not(None), QUESTIONS.c.ratings > 0)
        .where(_standard_scale())
        .group_by(Question.session_id, QUESTIONS.c.module_id)
    )


def _raw_sessions(scope: Scope) -> sa.Select:
    return (
        sa.select(
            Question.session_id,
            EvaluationForm.module_id,
            sa.func.count(Answer.rating).label("ratings"),
            sa.func.sum(Answer.rating).label("rating_total"),
        )
        .join(Question, Question.id == Answer.question_id)
        .join(EvaluationForm, EvaluationForm.id == Question.form_id)
        .where(scope(EvaluationForm.module_id), Question.session_id.is_not(None), Answer.rating.is_not(None))
        .where(_standard_scale())
        .group_by(Question.session_id, EvaluationForm.module_id)
    )


def _facilitators_from_sessions(condition: sa.ColumnElement[bool]) -> sa.Select:
    return (
        sa.select(
            SessionFacilitator.person_id,
            SESSIONS.c.module_id,
            sa.func.count(SESSIONS.c.session_id).label("sessions"),
            sa.func.sum(SESSIONS.c.ratings).label("ratings"),
            sa.func.sum(SESSIONS.c.rating_total).label("rating_total"),
        )
        .join(SessionFacilitator, SessionFacilitator.session_id == SESSIONS.c.session_id)
        .where(condition)
        .group_by(SessionFacilitator.person_id, SESSIONS.c.module_id)
    )


def _raw_facilitators() -> sa.Select:
    ratings = _raw_sessions(_everywhere).subquery()
    return (
        sa.select(
            SessionFacilitator.person_id,
            ratings.c.module_id,
            sa.func.count(sa.distinct(ratings.c.session_id)).label("sessions"),
            sa.func.sum(ratings.c.ratings).label("ratings"),
            sa.func.sum(ratings.c.rating_total).label("rating_total"),
        )
        .join(ratings, ratings.c.session_id == SessionFacilitator.session_id)
        .group_by(SessionFacilitator.person_id, ratings.c.module_id)
    )


def _insert(session: Session, table: sa.Table, select: sa.Select) -> None:
    session.execute(sa.insert(table).from_select([c.name for c in select.selected_columns], select))


def _fill(session: Session, scope: Scope) -> None:
    """Insert the rows of the modules in scope (their old rows already deleted), question rows first."""
    _insert(session, QUESTIONS, _raw_questions(scope))
    _insert(session, RATINGS, _raw_ratings(scope))
    _insert(session, MODULES, _raw_modules(scope, _module_ratings_from_questions(scope)))
    _insert(session, SESSIONS, _sessions_from_questions(scope))
    _insert(session, FACILITATORS, _facilitators_from_sessions(scope(SESSIONS.c.module_id)))


_TABLES = (QUESTIONS, RATINGS, MODULES, SESSIONS, FACILITATORS)


def refresh(session: Session, changes: Changes) -> None:
    """Recompute the touched modules' rows (all rows on a rebuild), then the touched people's facilitator rows."""
    if changes.everything:
        for table in _TABLES:
            session.execute(sa.delete(table))
        _fill(session, _everywhere)
        return
    for chunk in chunks(changes.modules):
        for table in _TABLES:
            session.execute(sa.delete(table).where(chunk.where(table.c.module_id)))
        _fill(session, lambda column, chunk=chunk: chunk.where(column))
    # A person's sessions may be in modules they took no part in (a merge moves them): their rows, everywhere.
    for chunk in chunks(changes.people):
        session.execute(sa.delete(FACILITATORS).where(chunk.where(FACILITATORS.c.person_id)))
        _insert(session, FACILITATORS, _facilitators_from_sessions(chunk.where(SessionFacilitator.person_id)))


def _differences(session: Session, label: str, keys: tuple[str, ...], summary: sa.Select, raw: sa.Select) -> list[str]:
    """Compare two queries' rows by key: one line per key whose figures differ (or that only one of them has)."""
    columns = [c.name for c in raw.selected_columns]
    values = [c for c in columns if c not in keys]

    def rows(query: sa.Select) -> dict[tuple, dict]:
        found = {}
        for row in session.execute(query).mappings():
            found[tuple(row[k] for k in keys)] = {c: row[c] for c in values}
        return found

    kept, computed = rows(summary), rows(raw)
    lines = []
    for key in sorted(set(kept) | set(computed), key=lambda k: tuple(-1 if v is None else v for v in k)):
        named = ", ".join(f"{k} {v}" for k, v in zip(keys, key, strict=True))
        mine, theirs = kept.get(key), computed.get(key)
        if mine is None or theirs is None:
            where = "the raw rows only" if mine is None else "the summary only"
            lines.append(f"{label} {named}: in {where}")
            continue
        for column in values:
            a, b = mine[column], theirs[column]
            same = (
                a == b
                if isinstance(a, int) and isinstance(b, int)
                else abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(b)))
            )
            if not same:
                lines.append(f"{label} {named}: {column} {a} in the summary, {b} from the raw rows")
    if len(lines) > _SHOWN:
        lines = [*lines[:_SHOWN], f"{label}: and {len(lines) - _SHOWN} more differences"]
    return lines


def _table(table: sa.Table) -> sa.Select:
    return sa.select(*table.c)


def check(session: Session) -> list[str]:
    """Every evaluation summary row against the same figures computed from the raw rows (empty: they agree)."""
    return [
        *_differences(session, "question", ("question_id",), _table(QUESTIONS), _raw_questions(_everywhere)),
        *_differences(session, "rating", ("question_id", "rating"), _table(RATINGS), _raw_ratings(_everywhere)),
        *_differences(
            session,
            "module",
            ("module_id",),
            _table(MODULES),
            _raw_modules(_everywhere, _module_ratings_from_answers(_everywhere)),
        ),
        *_differences(session, "session", ("session_id", "module_id"), _table(SESSIONS), _raw_sessions(_everywhere)),
        *_differences(session, "facilitator", ("person_id", "module_id"), _table(FACILITATORS), _raw_facilitators()),
    ]


register(NAME, refresh, check, tables=[table.name for table in _TABLES])
