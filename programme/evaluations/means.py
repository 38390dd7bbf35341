"""A module's mean rating: one definition, read by the dashboard's header, its charts and the weak-session rule."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.core.freshness import depends_on
from programme.models import Answer, EvaluationForm, EvaluationModuleSummary, Question
from programme.models.evaluations import RATING_MAX, RATING_MIN
from programme.summaries import settle

MODULE_SUMMARY = EvaluationModuleSummary.__table__

# What "the module's mean" is, in the words every place that shows it uses.
MODULE_MEAN_CAPTION = (
    f"Module average: the average of all {RATING_MIN}–{RATING_MAX} ratings given in the module's evaluation, every "
    f"{RATING_MIN}–{RATING_MAX} question counted alike (sessions and overall questions); N/A and blank answers not "
    'counted. Questions on a 0–10 scale (such as "How likely are you to recommend...") keep their own range: '
    "they are shown apart and never averaged in."
)
MODULE_MEAN_LABEL = "module average"


@dataclass(frozen=True)
class ModuleMean:
    """The module's mean rating and how many ratings it averages (mean None without ratings)."""

    n: int
    mean: float | None


# The questions whose ratings are averaged together: those on the 1-5 scale. A 0-10 question (migration 0015)
# keeps its own range; its n and mean are its own (summary.module_summary, the 0-10 Likert chart).
ON_STANDARD_SCALE: sa.ColumnElement[bool] = sa.and_(Question.scale_min == RATING_MIN, Question.scale_max == RATING_MAX)


def module_ratings() -> sa.Select:
    """Return the query of every rating answer with the module its form belongs to: module_id, rating.

    The one set of ratings a module's mean averages: every answer with a rating to any 1-5 rating question
    of any of the module's forms. N/A and blank answers are stored without a rating, so they are not in it;
    0-10 questions are not in it either (ON_STANDARD_SCALE).
    """
    return (
        sa.select(EvaluationForm.module_id, Answer.rating)
        .join(Question, Question.id == Answer.question_id)
        .join(EvaluationForm, EvaluationForm.id == Question.form_id)
        .where(Answer.rating.is_not(None), ON_STANDARD_SCALE)
    )


@depends_on(module="module_id")
def module_mean(session: Session, module_id: int) -> ModuleMean:
    """Return the module's mean rating (MODULE_MEAN_CAPTION says what it is) and the number of ratings."""
    # Read from the module's summary row (programme/summaries/evaluations.py), kept equal to module_ratings().
    settle(session)
    row = session.execute(
        sa.select(MODULE_SUMMARY.c.ratings, MODULE_SUMMARY.c.rating_total).where(
            MODULE_SUMMARY.c.module_id == module_id
        )
    ).first()
    n, total = (int(row[0]), int(row[1])) if row else (0, 0)
    return ModuleMean(n=n, mean=total / n if n else None)


def facilitator_overview(ratings: pd.DataFrame) -> pd.DataFrame:
    """Return one row per facilitator from their ratings per module (columns facilitator, module_id, n, mean):
    the modules they led sessions in, every rating of those sessions, and the mean over all of them (each module's
    mean weighed by its ratings, so that it equals the mean of the ratings themselves)."""
    if ratings.empty:
        return pd.DataFrame(columns=["facilitator", "modules", "ratings", "mean"])
    totals = ratings.assign(total=ratings["mean"] * ratings["n"]).groupby("facilitator", as_index=False)
    overview = totals.agg(modules=("module_id", "nunique"), ratings=("n", "sum"), total=("total", "sum"))
    overview["mean"] = overview["total"] / overview["ratings"]
    return overview.drop(columns="total")
