"""A module's mean rating: one definition, read by the dashboard's header, its charts and the weak-session rule."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.core.freshness import depends_on
from programme.models import Answer, EvaluationForm, Question
from programme.models.evaluations import RATING_MAX, RATING_MIN

# What "the module's mean" is, in the words every place that shows it uses.
MODULE_MEAN_CAPTION = (
    f"Module average: the average of all ratings given in the module's evaluation ({RATING_MIN}–{RATING_MAX}), "
    "every rating question counted alike (sessions and overall questions); N/A and blank answers not counted."
)
MODULE_MEAN_LABEL = "module average"


@dataclass(frozen=True)
class ModuleMean:
    """The module's mean rating and how many ratings it averages (mean None without ratings)."""

    n: int
    mean: float | None


def module_ratings() -> sa.Select:
    """Return the query of every rating answer with the module its form belongs to: module_id, rating.

    The one set of ratings a module's mean averages: every answer with a rating (1-5) to any rating question
    of any of the module's forms. N/A and blank answers are stored without a rating, so they are not in it.
    """
    return (
        sa.select(EvaluationForm.module_id, Answer.rating)
        .join(Question, Question.id == Answer.question_id)
        .join(EvaluationForm, EvaluationForm.id == Question.form_id)
        .where(Answer.rating.is_not(None))
    )


@depends_on(module="module_id")
def module_mean(session: Session, module_id: int) -> ModuleMean:
    """Return the module's mean rating (MODULE_MEAN_CAPTION says what it is) and the number of ratings."""
    ratings = module_ratings().where(EvaluationForm.module_id == module_id).subquery()
    n, total = session.execute(sa.select(sa.func.count(ratings.c.rating), sa.func.sum(ratings.c.rating))).one()
    return ModuleMean(n=int(n or 0), mean=float(total) / int(n) if n else None)


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
