"""A module's evaluation in figures: responses, each question's n and mean, and suggestions for the backlog."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access.privacy import module_course, people_of_courses, redact
from programme.core.freshness import depends_on
from programme.core.rounding import percent, rounded
from programme.evaluations.means import module_mean
from programme.evaluations.scales import STANDARD_RANGE, scale_text
from programme.evaluations.wording import earlier_wordings
from programme.models import (
    AgendaSession,
    Answer,
    EvaluationForm,
    Question,
    QuestionKind,
    RespondentAttribute,
    Response,
)
from programme.people.names import clean_text, fold
from programme.summaries import settle
from programme.summaries.evaluations import QUESTIONS

MEAN_DECIMALS = 2


def response_count(session: Session, module_id: int) -> int:
    """Return how many filled-in forms a module has."""
    query = (
        sa.select(sa.func.count(Response.id))
        .join(EvaluationForm, EvaluationForm.id == Response.form_id)
        .where(EvaluationForm.module_id == module_id)
    )
    return int(session.scalar(query) or 0)


RATE_HELP = "Responses divided by the participants who attended."
# Beside a response rate over 100%: the figure is kept as computed, and marked as pointing to the warning below it.
OVER_FULL_MARK = "⚠"


# A module under way: its attendance is still coming in, so its rate is "so far", and one over 100% is not a rate.
UNDER_WAY = "under way"
SO_FAR_HELP = (
    "Responses divided by the participants recorded present so far: the module is under way, and its attendance is "
    "still coming in (check-ins, the attendance sheets)."
)


def rate_shown(rate: float | None, *, under_way: bool = False) -> str:
    """Return a response rate as shown beside a module: "" without one, "80%", over 100% "1267% ⚠"; for a module
    under way "80% so far", and "under way" where more answered than are recorded present so far (a figure over 100%
    would read as an error while it is only attendance not yet recorded)."""
    if rate is None or pd.isna(rate):
        return UNDER_WAY if under_way else ""
    if under_way:
        return UNDER_WAY if rate > 1 else f"{percent(rate)} so far"
    return f"{percent(rate)} {OVER_FULL_MARK}" if rate > 1 else percent(rate)


def under_way_note(responses: int, attended: int) -> str:
    """Return what the dashboard says instead of a rate for a module under way with more responses than participants
    recorded present so far: both counts, and when the rate is shown."""
    return (
        f"The module is under way: {responses:,} {'response' if responses == 1 else 'responses'} so far, and "
        f"{attended:,} {'participant' if attended == 1 else 'participants'} recorded present so far. The response "
        "rate is shown once attendance catches up (check-ins, or the attendance sheets on Plan › Agenda › Attendance)."
    )


def response_rate_headline(rate: float | None, *, under_way: bool = False) -> tuple[str, str]:
    """Return the dashboard's Response rate figure and its help: "—" without a rate; over 100% (more responses than
    participants who attended) the true figure with a mark, "1267% ⚠", and a help naming the warning below, so that the
    headline is not read as a plain figure while the explanation sits further down. A module under way (its
    attendance still coming in): "80% so far", or "under way" where more answered than are recorded present yet."""
    if under_way:
        shown = rate_shown(rate, under_way=True)
        if shown == UNDER_WAY:
            return shown, f"{SO_FAR_HELP} More have answered than are recorded present yet: the note below says so."
        return shown, SO_FAR_HELP
    if rate is None or pd.isna(rate):
        return "—", RATE_HELP
    if rate > 1:
        return f"{percent(rate)} {OVER_FULL_MARK}", (
            f"{RATE_HELP} More responses than participants who attended: the warning below the figures says what may "
            "have happened and where to put it right."
        )
    return percent(rate), RATE_HELP


def too_many_responses(responses: int, attended: int) -> str | None:
    """Return the dashboard's warning when a module has more responses than participants who attended, else None:
    what may have happened, and where each is put right."""
    if responses <= attended:
        return None
    return (
        f"More responses ({responses:,}) than participants who attended ({attended:,}): an export of another module "
        "may have been imported here (the import shows when a file was already imported elsewhere, or was answered "
        "outside the module's dates), some may be duplicates (a phone form sent again after a reload, an export "
        "imported with the paper forms typed too), or attendance is not all recorded. An import is undone on "
        "Evaluate › Forms and entry › Import an export; a phone answer sent twice is voided on People › Forms for "
        "participants › Submissions; attendance is recorded on Plan › Agenda › Attendance."
    )


@depends_on(module="module_id")
def module_summary(session: Session, module_id: int) -> dict[str, Any]:
    """Return {responses, ratings, mean, mean_scale, questions: [{text, kind, session, n, mean, scale, earlier}]} for a
    module's evaluation forms (earlier: the wordings a reworded question was asked in before, oldest first: some of
    its answers were given to them).

    ratings and mean: the module average (means.module_mean), the figure the dashboard's header shows: over the
    1-5 questions only (mean_scale "1-5"). Each rating question has its own n and mean on its own scale ("1-5" or
    "0-10"); a 0-10 question's mean is never part of the module's.
    """
    # Each question's answers are kept in summary_eval_question (programme/summaries/evaluations.py).
    settle(session)
    query = (
        sa.select(
            Question.text,
            Question.kind,
            Question.scale_min,
            Question.scale_max,
            AgendaSession.title.label("session"),
            sa.func.coalesce(QUESTIONS.c.answered, 0).label("n"),
            QUESTIONS.c.ratings,
            QUESTIONS.c.rating_total,
            Question.earlier_texts,
        )
        .join(EvaluationForm, EvaluationForm.id == Question.form_id)
        .outerjoin(AgendaSession, AgendaSession.id == Question.session_id)
        .outerjoin(QUESTIONS, QUESTIONS.c.question_id == Question.id)
        .where(EvaluationForm.module_id == module_id)
        .order_by(EvaluationForm.id, Question.position)
    )
    questions = []
    for text, kind, low, high, title, n, ratings, total, earlier in session.execute(query):
        is_rating = QuestionKind(kind) == QuestionKind.RATING
        mean = int(total) / int(ratings) if ratings else None
        questions.append(
            {
                "text": text,
                "kind": QuestionKind(kind).value,
                "session": title,
                "n": int(n),
                "mean": rounded(mean, MEAN_DECIMALS) if is_rating and mean is not None else None,
                "scale": scale_text((low, high)) if is_rating else None,
                "earlier": earlier_wordings(earlier, text),
            }
        )
    average = module_mean(session, module_id)
    return {
        "responses": response_count(session, module_id),
        "ratings": average.n,
        "mean": rounded(average.mean, MEAN_DECIMALS) if average.mean is not None else None,
        "mean_scale": scale_text(STANDARD_RANGE),
        "questions": questions,
    }


# Several topics in one answer: "CEDAW; lobbying" or one per line.
_ANSWER_SEPARATORS = re.compile(r"\s*(?:;|\n)\s*")


@depends_on(module="module_id", when={"without_personal_data": "whole_course"})
def suggestions(session: Session, module_id: int, without_personal_data: bool = False) -> pd.DataFrame:
    """Return the module's suggestions for the next module with how often each was made: [text, times].

    Answers to questions marked feeds_backlog, split on semicolons and new lines (one answer often lists
    several topics); the same words in another case, accents or spacing count as one suggestion, shown as
    most people wrote it. Most frequent first. The planning area's topic backlog takes them from here.
    without_personal_data: as viewers read them (privacy.redact, with the names of the module's course).
    """
    query = (
        sa.select(Answer.text)
        .join(Question, Question.id == Answer.question_id)
        .join(EvaluationForm, EvaluationForm.id == Question.form_id)
        .where(EvaluationForm.module_id == module_id, Question.feeds_backlog.is_(True), Answer.text.is_not(None))
        # In the order the responses came: of spellings written equally often, the first is shown (PostgreSQL gave
        # the rows in another order from one run to the next, and so another spelling).
        .order_by(Answer.response_id, Answer.question_id)
    )
    spellings: dict[str, Counter] = {}
    texts = session.scalars(query).all()
    if without_personal_data and texts:
        people = people_of_courses(session, [module_course(session, module_id)])
        texts = [redact(text, next(iter(people.values()))) for text in texts]
    for text in texts:
        # Split before cleaning: cleaning folds the new lines that separate topics into spaces.
        for piece in _ANSWER_SEPARATORS.split(text):
            part = clean_text(piece).strip(" .")
            if part:
                spellings.setdefault(fold(part), Counter())[part] += 1
    rows = [{"text": counter.most_common(1)[0][0], "times": sum(counter.values())} for counter in spellings.values()]
    frame = pd.DataFrame(rows, columns=["text", "times"]).astype({"text": object, "times": int})
    return frame.sort_values(["times", "text"], ascending=[False, True]).reset_index(drop=True)


@depends_on(module="module_id")
def respondent_profile(session: Session, module_id: int) -> pd.DataFrame:
    """Return who answered, in counts: [attribute, value, responses], as the export gave each value.

    From the export's columns about the respondent (country, organisation type, gender...): counts only,
    never one response's facts beside its answers.
    """
    query = (
        sa.select(RespondentAttribute.attribute, RespondentAttribute.value, sa.func.count().label("responses"))
        .join(Response, Response.id == RespondentAttribute.response_id)
        .join(EvaluationForm, EvaluationForm.id == Response.form_id)
        .where(EvaluationForm.module_id == module_id)
        .group_by(RespondentAttribute.attribute, RespondentAttribute.value)
    )
    rows = [(getattr(kind, "value", kind), value, int(n)) for kind, value, n in session.execute(query)]
    frame = pd.DataFrame(rows, columns=["attribute", "value", "responses"])
    return frame.sort_values(["attribute", "responses", "value"], ascending=[True, False, True]).reset_index(drop=True)


def profile_by_attribute(profile: pd.DataFrame) -> list[pd.DataFrame]:
    """Return who answered (respondent_profile's frame, small groups merged or not) as one table per attribute, in
    its order: the answers in a column headed by the attribute ("Country": Nepal, Philippines...) and the responses
    beside them. One table of [attribute, value, responses] repeated "country" on every row of its About column."""
    return [
        part[["value", "responses"]]
        .rename(columns={"value": str(attribute)[:1].upper() + str(attribute)[1:]})
        .reset_index(drop=True)
        for attribute, part in profile.groupby("attribute", sort=False)
    ]
