"""The evaluation dashboards' tables: response rates, Likert counts, sessions, facilitators, modules, years."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access.privacy import CourseRedactor
from programme.core.freshness import depends_on
from programme.core.local_time import local_today
from programme.courses.catalogue import module_label
from programme.evaluations.means import module_mean
from programme.evaluations.wording import earlier_wordings, quoted_wordings
from programme.funding.queries import funded_module_ids
from programme.models import (
    AgendaSession,
    Answer,
    Course,
    EvaluationForm,
    Module,
    Person,
    Question,
    QuestionKind,
    SessionFacilitator,
)
from programme.people.names import fold
from programme.summaries import settle
from programme.summaries.evaluations import FACILITATORS, MODULES, RATINGS, SESSIONS

# A session is "weak" when its mean is below this on the 1-5 scale ("useful" is 3, "very useful" 4) ...
WEAK_MEAN = 3.5
# ... or this far below the module's average (means.module_mean): weak for this group, even if fine overall.
WEAK_GAP = 0.5
# Fewer ratings than this say too little about a session to flag it.
MIN_RATINGS_TO_FLAG = 3
ORGANISATION_AVERAGE = "Organisation average"


def _frame(session: Session, query: sa.Select) -> pd.DataFrame:
    settle(session)  # the summary tables include what this transaction wrote
    columns = [column.name for column in query.selected_columns]
    # Through the connection (these queries select columns, never ORM entities) and built column by column:
    # at hundreds of thousands of rows, the ORM's row handling and pandas reading row mappings cost seconds.
    rows = session.connection().execute(query).all()
    return pd.DataFrame(dict(zip(columns, zip(*rows, strict=True), strict=True)) if rows else [], columns=columns)


def _with_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """Add "module" ("CODE · Module 4 · Dec 2017, Kuala Lumpur") and "short" ("Module 4 · Dec 2017") labels."""
    frame = frame.copy()
    # Labelled once per module, not per row: the comments of every module run to hundreds of thousands of rows.
    cities = [city if isinstance(city, str) else None for city in frame["city"].tolist()]  # NaN for a missing one
    modules = list(
        zip(frame["course"].tolist(), frame["number"].tolist(), frame["start_date"].tolist(), cities, strict=True)
    )
    labels = {
        (code, number, start, city): (f"Module {number} · {start:%b %Y}", module_label(code, number, start, city))
        for code, number, start, city in set(modules)
    }
    frame["short"] = [labels[module][0] for module in modules]
    frame["module"] = [labels[module][1] for module in modules]
    return frame


_MODULE_COLUMNS = (Course.code.label("course"), Module.number, Module.start_date, Module.city)


def evaluated_modules(session: Session) -> pd.DataFrame:
    """Return the modules that have evaluation responses, newest first: module_id, module, course, responses."""
    # Read from the module summaries (programme/summaries/evaluations.py), not counted over every response.
    query = (
        sa.select(Module.id.label("module_id"), Module.course_id, *_MODULE_COLUMNS, MODULES.c.responses)
        .join(MODULES, MODULES.c.module_id == Module.id)
        .join(Course, Course.id == Module.course_id)
        .where(MODULES.c.responses > 0)
        .order_by(Module.start_date.desc(), Course.code)
    )  # fmt: skip
    return _with_labels(_frame(session, query))


@depends_on(course="course_id")
def response_rates(session: Session, *, course_id: int | None = None) -> pd.DataFrame:
    """Return per module: participants who attended, responses, and the response rate (0-1, None without attendance)."""
    # Both counts are kept per module (summary_eval_module: participants who attended, responses).
    query = (
        sa.select(
            Module.id.label("module_id"),
            *_MODULE_COLUMNS,
            Module.end_date,
            Module.country,
            MODULES.c.attended,
            MODULES.c.responses,
        )  # fmt: skip
        .join(MODULES, MODULES.c.module_id == Module.id)
        .join(Course, Course.id == Module.course_id)
        .where(sa.or_(MODULES.c.attended > 0, MODULES.c.responses > 0))
        .order_by(Module.start_date, Course.code, Module.number)
    )
    if course_id is not None:
        query = query.where(Module.course_id == course_id)
    frame = _with_labels(_frame(session, query))
    frame["rate"] = [r / a if a else None for r, a in zip(frame["responses"], frame["attended"], strict=True)]
    return frame


def under_way(rates: pd.DataFrame, at: datetime | None = None) -> list[bool]:
    """Return, for each module of response_rates' frame, whether it runs today where it is held (local_today of its
    country, from its start date to its end date): its attendance is still coming in (a day's check-ins, the sheets
    typed at the end), so its rate counts the participants recorded present so far. Computed when asked, not kept
    with the cached frame: a module is under way on its days only."""
    return [
        bool(start <= local_today(country, at) <= end)
        for start, end, country in zip(rates["start_date"], rates["end_date"], rates["country"], strict=True)
    ]


@depends_on(module="module_id")
def likert_counts(session: Session, module_id: int, *, without_personal_data: bool = False) -> pd.DataFrame:
    """Return how many gave each rating to each rating question of a module.

    Columns: question_id, position, question, scale_min, scale_max (the question's range: 1-5 or 0-10),
    uses_form_labels (whether its answers are the form's scale labels, not numbers or other words), rating, count,
    earlier (the wordings the question was asked in before it was reworded, quoted: “…”; “…”; or None).
    without_personal_data: the questions' words without the names of the course's people (for viewers and funders:
    "How useful was Maria Santos's testimony?" is a rating of her).
    """
    query = (
        sa.select(
            Question.id.label("question_id"),
            Question.position,
            Question.text.label("question"),
            Question.scale_min,
            Question.scale_max,
            Question.uses_form_labels,
            RATINGS.c.rating,
            RATINGS.c.count,
            Question.earlier_texts.label("earlier"),
        )
        .join(RATINGS, RATINGS.c.question_id == Question.id)
        .join(EvaluationForm, EvaluationForm.id == Question.form_id)
        .where(RATINGS.c.module_id == module_id)
        .order_by(EvaluationForm.id, Question.position, RATINGS.c.rating)
    )
    frame = _with_earlier(_frame(session, query))
    if without_personal_data and not frame.empty:
        frame["question"] = _without_names(session, module_id, frame["question"])
        frame["earlier"] = _without_names(session, module_id, frame["earlier"])
    return frame


def _with_earlier(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the frame with its earlier column (each question's earlier_texts as stored) as quoted wordings."""
    frame["earlier"] = pd.Series(
        [quoted_wordings(earlier_wordings(s, t)) for s, t in zip(frame["earlier"], frame["question"], strict=True)],
        index=frame.index,
        dtype=object,
    )
    return frame


@depends_on(course="course_id")
def question_ratings(session: Session, *, course_id: int | None = None, latest: int | None = None) -> pd.DataFrame:
    """Return how many gave each rating to each rating question of every evaluated module (or one course's), as
    likert_counts gives one module's, without the names of the course's people (for funders: the summary workbook).

    Columns: module_id, course_id, module (its label), question_id, position, question, session (the agenda session
    it rates, or None), scale_min, scale_max, rating, count, earlier (its earlier wordings, quoted, or None); modules
    by date, questions in their form's order.
    latest: only the latest this many evaluated modules (a programme of 57,000 modules has millions of such rows).
    """
    query = (
        sa.select(
            Module.id.label("module_id"), Module.course_id, *_MODULE_COLUMNS, Question.id.label("question_id"),
            Question.position, Question.text.label("question"), AgendaSession.title.label("session"),
            Question.scale_min, Question.scale_max, RATINGS.c.rating, RATINGS.c.count,
            Question.earlier_texts.label("earlier"),
        )
        .select_from(Question)
        .join(RATINGS, RATINGS.c.question_id == Question.id)
        .join(EvaluationForm, EvaluationForm.id == Question.form_id)
        .join(Module, Module.id == RATINGS.c.module_id)
        .join(Course, Course.id == Module.course_id)
        .outerjoin(AgendaSession, AgendaSession.id == Question.session_id)
        .where(RATINGS.c.count > 0)
        .order_by(Module.start_date, Course.code, Module.number, EvaluationForm.id, Question.position, RATINGS.c.rating)
    )  # fmt: skip
    if course_id is not None:
        query = query.where(Module.course_id == course_id)
    if latest is not None:
        newest = (
            sa.select(MODULES.c.module_id)
            .join(Module, Module.id == MODULES.c.module_id)
            .where(MODULES.c.responses > 0, *([Module.course_id == course_id] if course_id is not None else []))
            .order_by(Module.start_date.desc(), Module.id.desc())
            .limit(latest)
        )
        query = query.where(Module.id.in_(newest))
    frame = _with_earlier(_frame(session, query))
    if frame.empty:
        return frame.assign(module=pd.Series(dtype=object))
    redactor = CourseRedactor(session)
    frame["question"] = redactor.column(frame["course_id"], frame["question"])
    frame["earlier"] = redactor.column(frame["course_id"], frame["earlier"])
    titles = [title if isinstance(title, str) else None for title in frame["session"]]
    frame["session"] = redactor.column(frame["course_id"], titles)
    return _with_labels(frame)


def _without_names(session: Session, module_id: int, texts: pd.Series) -> list[str | None]:
    """Return texts of a module (session titles, questions) without the names of its course's people or contacts."""
    course_id = session.scalar(sa.select(Module.course_id).where(Module.id == module_id))
    redactor = CourseRedactor(session)
    return redactor.column([course_id] * len(texts), texts.tolist())


def _facilitator_names(session: Session, session_ids: list[int]) -> dict[int, str]:
    query = (
        sa.select(SessionFacilitator.session_id, Person.full_name)
        .join(Person, Person.id == SessionFacilitator.person_id)
        .where(SessionFacilitator.session_id.in_(session_ids))
        .order_by(Person.sort_name)
    )
    names: dict[int, list[str]] = {}
    for session_id, name in session.execute(query):
        names.setdefault(session_id, []).append(name)
    return {session_id: ", ".join(people) for session_id, people in names.items()}


@depends_on(module="module_id")
def session_ratings(
    session: Session, module_id: int, *, with_facilitators: bool = False, without_personal_data: bool = False
) -> pd.DataFrame:
    """Return the module's sessions ranked by mean rating: session, day, n, mean, module_mean, weak.

    module_mean: the module's average, means.module_mean (the header's figure and the chart's dotted line).
    weak: at least MIN_RATINGS_TO_FLAG ratings and a mean below WEAK_MEAN or WEAK_GAP below module_mean.
    With with_facilitators, a facilitators column names who led each session. without_personal_data: the titles
    without the names of the course's people ("Testimony by Maria Santos" would show her rating to a viewer, whom
    the Facilitators tab does not show ratings by name).
    """
    query = (
        sa.select(
            AgendaSession.id.label("session_id"),
            AgendaSession.title.label("session"),
            AgendaSession.day,
            SESSIONS.c.ratings.label("n"),
            SESSIONS.c.rating_total,
        )
        .join(SESSIONS, SESSIONS.c.session_id == AgendaSession.id)
        .where(SESSIONS.c.module_id == module_id)
    )
    frame = _frame(session, query)
    if frame.empty:
        frame = frame.drop(columns="rating_total").assign(mean=pd.Series(dtype=float))
        return frame.assign(module_mean=pd.Series(dtype=float), weak=pd.Series(dtype=bool))
    frame["mean"] = [total / n for total, n in zip(frame.pop("rating_total"), frame["n"], strict=True)]
    average = module_mean(session, module_id).mean
    frame["module_mean"] = average
    frame["weak"] = (frame["n"] >= MIN_RATINGS_TO_FLAG) & (
        (frame["mean"] < WEAK_MEAN) | (frame["mean"] <= average - WEAK_GAP)
    )
    if with_facilitators:
        names = _facilitator_names(session, frame["session_id"].tolist())
        frame["facilitators"] = frame["session_id"].map(lambda sid: names.get(sid, ""))
    if without_personal_data:
        frame["session"] = _without_names(session, module_id, frame["session"])
    frame = frame.sort_values(["mean", "n"], ascending=[False, False])
    return frame.reset_index(drop=True)


@depends_on(module="module_id")
def facilitator_ratings(
    session: Session, *, facilitators: tuple[str, ...] | None = None, module_id: int | None = None
) -> pd.DataFrame:
    """Return each facilitator's session ratings per module they led: person_id, facilitator, module, sessions, n, mean.

    facilitators: only these people (by name); module_id: only that module's rows.
    """
    # Kept per (person, module) in summary_eval_facilitator: the rated sessions they led and those ratings.
    query = (
        sa.select(
            Person.id.label("person_id"),
            Person.full_name.label("facilitator"),
            Module.id.label("module_id"),
            *_MODULE_COLUMNS,
            FACILITATORS.c.sessions,
            FACILITATORS.c.ratings.label("n"),
            FACILITATORS.c.rating_total,
        )
        .join(FACILITATORS, FACILITATORS.c.person_id == Person.id)
        .join(Module, Module.id == FACILITATORS.c.module_id)
        .join(Course, Course.id == Module.course_id)
        .order_by(Person.sort_name, Module.start_date)
    )
    if module_id is not None:
        query = query.where(FACILITATORS.c.module_id == module_id)
    if facilitators is not None:
        query = query.where(Person.full_name.in_(facilitators))
    frame = _with_labels(_frame(session, query))
    frame["mean"] = pd.Series(
        [total / n for total, n in zip(frame.pop("rating_total"), frame["n"], strict=True)],
        index=frame.index,
        dtype=float,
    )
    return frame


@depends_on(every_module=True)
def module_comparison(session: Session, module_id: int) -> pd.DataFrame:
    """Return the module's mean rating beside its course's earlier modules and the organisation's average.

    Columns: label ("Module 3 · Mar 2017", or ORGANISATION_AVERAGE), kind ("this module", "earlier module", "organisation"), n, mean; earlier modules in date order.
    """
    module = session.get(Module, module_id)
    if module is None:
        return pd.DataFrame(columns=["label", "kind", "n", "mean"])
    # Each module's mean as means.module_mean defines it, kept in summary_eval_module.
    query = (
        sa.select(Module.id.label("module_id"), *_MODULE_COLUMNS, MODULES.c.ratings.label("n"), MODULES.c.rating_total)
        .join(MODULES, MODULES.c.module_id == Module.id)
        .join(Course, Course.id == Module.course_id)
        .where(Module.course_id == module.course_id, Module.start_date <= module.start_date, MODULES.c.ratings > 0)
        .order_by(Module.start_date, Module.number)
    )
    frame = _with_labels(_frame(session, query))
    frame["mean"] = [total / n for total, n in zip(frame["rating_total"], frame["n"], strict=True)]
    frame["kind"] = ["this module" if mid == module_id else "earlier module" for mid in frame["module_id"]]
    # The organisation's ratings: the sum over the modules' kept counts.
    n, total = session.execute(sa.select(sa.func.sum(MODULES.c.ratings), sa.func.sum(MODULES.c.rating_total))).one()
    overall = (int(n or 0), int(total) / int(n) if n else None)
    rows: list[dict[str, Any]] = [
        {"label": label, "kind": kind, "n": int(n), "mean": float(mean)}
        for label, kind, n, mean in zip(frame["short"], frame["kind"], frame["n"], frame["mean"], strict=True)
    ]
    if overall[0]:
        rows.append(
            {"label": ORGANISATION_AVERAGE, "kind": "organisation", "n": int(overall[0]), "mean": float(overall[1])}
        )
    return pd.DataFrame(rows, columns=["label", "kind", "n", "mean"])


@depends_on(every_module=True, when={"funders": "general", "grants": "general"})
def yearly_trend(session: Session, *, funders: tuple[str, ...] = (), grants: tuple[str, ...] = ()) -> pd.DataFrame:
    """Return per year: modules evaluated, responses, ratings (n) and their mean; funders, grants: their modules only."""
    year = sa.extract("year", Module.start_date)
    # Sums over the modules' kept figures (summary_eval_module).
    query = (
        sa.select(
            year.label("year"),
            sa.func.count(sa.case((MODULES.c.responses > 0, Module.id))).label("modules"),
            sa.func.sum(MODULES.c.responses).label("responses"),
            sa.func.sum(MODULES.c.ratings).label("n"),
            sa.func.sum(MODULES.c.rating_total).label("total"),
        )
        .join(MODULES, MODULES.c.module_id == Module.id)
        .where(sa.or_(MODULES.c.responses > 0, MODULES.c.ratings > 0))
        .group_by(year)
    )
    if funders or grants:
        query = query.where(Module.id.in_(funded_module_ids(funders, grants)))
    frame = _frame(session, query)
    if frame.empty:
        return pd.DataFrame(columns=["year", "modules", "responses", "n", "mean"])
    frame["year"] = frame["year"].astype(int)
    frame["mean"] = [int(total) / int(n) if n else None for total, n in zip(frame["total"], frame["n"], strict=True)]
    frame["mean"] = frame["mean"].astype(float)
    frame[["modules", "responses", "n"]] = frame[["modules", "responses", "n"]].fillna(0).astype(int)
    return frame[["year", "modules", "responses", "n", "mean"]].sort_values("year").reset_index(drop=True)


@depends_on(course="course_id")
def learning_gains(session: Session, *, course_id: int | None = None) -> pd.DataFrame:
    """Return per module the mean pre- and post-test scores of those with both, and the gain (Kirkpatrick level 2)."""
    # The sums of the scores of those with both are kept per module (summary_eval_module).
    query = (
        sa.select(
            Module.id.label("module_id"),
            *_MODULE_COLUMNS,
            MODULES.c.tested.label("people"),
            MODULES.c.pre_total,
            MODULES.c.post_total,
        )
        .join(MODULES, MODULES.c.module_id == Module.id)
        .join(Course, Course.id == Module.course_id)
        .where(MODULES.c.tested > 0)
        .order_by(Module.start_date, Course.code, Module.number)
    )
    if course_id is not None:
        query = query.where(Module.course_id == course_id)
    frame = _with_labels(_frame(session, query))
    frame["pre"] = (frame.pop("pre_total").astype(float) / frame["people"]).astype(float)
    frame["post"] = (frame.pop("post_total").astype(float) / frame["people"]).astype(float)
    frame["gain"] = frame["post"] - frame["pre"]
    return frame


@depends_on(every_module=True)
def facilitator_names(session: Session) -> list[str]:
    """Return the names of everyone who led a session, for the facilitator filter."""
    query = (
        sa.select(Person.full_name, Person.sort_name)
        .where(Person.id.in_(sa.select(SessionFacilitator.person_id)))
        .distinct()
        .order_by(Person.sort_name, Person.full_name)
    )
    return [name for name, _ in session.execute(query)]


@depends_on(every_module=True)
def comment_questions(session: Session) -> list[str]:
    """Return the distinct texts of open questions, for the comments filter."""
    query = sa.select(Question.text).where(Question.kind == QuestionKind.TEXT).distinct().order_by(Question.text)
    return list(session.scalars(query))


def comments(
    session: Session,
    *,
    module_id: int | None = None,
    question: str | None = None,
    search: str | None = None,
    limit: int | None = None,
    without_personal_data: bool = False,
) -> pd.DataFrame:
    """Return open-text answers: module, question, comment; never who wrote them.

    Sorted by module, question and comment text rather than by response, so that one person's answers
    to several questions cannot be read side by side. limit: at most that many (the first in that order).
    without_personal_data: comments as viewers read them (privacy.redact: names of the course's people, e-mail
    addresses and phone numbers replaced); the search then looks in what they read.
    """
    query = (
        sa.select(*_MODULE_COLUMNS, Module.course_id, Question.text.label("question"), Answer.text.label("comment"))
        .join(Question, Question.id == Answer.question_id)
        .join(EvaluationForm, EvaluationForm.id == Question.form_id)
        .join(Module, Module.id == EvaluationForm.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(Answer.text.is_not(None), Answer.text != "")
    )
    if module_id is not None:
        query = query.where(EvaluationForm.module_id == module_id)
    if question:
        query = query.where(Question.text == question)
    query = query.order_by(Module.start_date.desc(), Course.code, Module.number, Module.id, Question.text, Answer.text)
    needle = fold(search) if search and search.strip() else None
    hide = CourseRedactor(session) if without_personal_data else None
    if needle is None:
        # SQL limits and orders; the frame is built column by column (_frame), not from row mappings.
        frame = _frame(session, query if limit is None else query.limit(limit))
        if hide is not None:
            frame["comment"] = hide.column(frame["course_id"], frame["comment"])
    else:
        columns = [column.name for column in query.selected_columns]
        at, course_at = columns.index("comment"), columns.index("course_id")
        rows = []
        for row in session.connection().execute(query.execution_options(yield_per=5_000)):
            row = tuple(row)
            if hide is not None:
                row = (*row[:at], hide(row[course_at], row[at]), *row[at + 1 :])
            if needle in fold(row[at]):
                rows.append(row)
                if limit is not None and len(rows) >= limit:
                    break
        frame = pd.DataFrame(rows, columns=columns)
    # The SQL order (newest module first, then question and comment text) is kept.
    frame = _with_labels(frame)
    return frame[["module", "question", "comment"]].reset_index(drop=True)
