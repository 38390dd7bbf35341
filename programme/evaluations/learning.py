"""Learning gain (Kirkpatrick level 2) across modules, courses, years or the whole programme, with n and a 95% CI.

The gain of a person in a module is their post-test score minus their pre-test score; only participations with
both scores count. A group's gain is the mean of its people's gains, with a 95% confidence interval from the
t distribution over those paired differences (none with fewer than two).
"""

from __future__ import annotations

import math

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.core.freshness import depends_on
from programme.courses.catalogue import module_label
from programme.funding.queries import funded_module_ids
from programme.models import Course, Module
from programme.summaries import settle
from programme.summaries.evaluations import MODULES

GROUPINGS = ("programme", "year", "course", "module")
COLUMNS = ["group", "n", "pre", "post", "gain", "ci_low", "ci_high"]
CONFIDENCE = 0.95


def interval(n: int, total: float, squares: float) -> tuple[float | None, float | None]:
    """Return the 95% t confidence interval of a mean from n values, their sum and their sum of squares."""
    if n < 2:
        return None, None
    # Imported here: scipy.stats takes about a second to import, which every page importing this module (Reports,
    # Evaluation) paid on its first visit, whether or not it showed an interval.
    from scipy import stats as scipy_stats

    mean = total / n
    variance = max(0.0, (squares - n * mean * mean) / (n - 1))
    half = scipy_stats.t.ppf((1 + CONFIDENCE) / 2, n - 1) * math.sqrt(variance / n)
    return mean - half, mean + half


def _label(by: str, key: list) -> str:
    if by == "programme":
        return "Whole programme"
    if by == "year":
        return str(int(key[0]))
    if by == "course":
        return str(key[0])
    return module_label(key[1], key[2], key[3], key[4])


@depends_on(every_module=True, when={"funders": "general", "grants": "general"})
def learning_gain(
    session: Session,
    *,
    by: str = "programme",
    course_codes: tuple[str, ...] = (),
    module_ids: tuple[int, ...] = (),
    year_from: int | None = None,
    year_to: int | None = None,
    funders: tuple[str, ...] = (),
    grants: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Return the learning gain by `by` (programme, year, course or module): group, n, pre, post, gain, ci_low, ci_high.

    n: participations with both a pre- and a post-test score; pre, post, gain: their means. Groups in date order.
    """
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {GROUPINGS}")
    year = sa.cast(sa.extract("year", Module.start_date), sa.Integer)
    keys = {
        "programme": [],
        "year": [year.label("year")],
        "course": [Course.code.label("course")],
        "module": [Module.id.label("module_id"), Course.code, Module.number, Module.start_date, Module.city],
    }[by]
    # Summed over the modules' kept sums of the scores of those with both (summary_eval_module).
    settle(session)
    query = (
        sa.select(
            *keys,
            sa.func.sum(MODULES.c.tested),
            sa.func.sum(MODULES.c.pre_total),
            sa.func.sum(MODULES.c.post_total),
            sa.func.sum(MODULES.c.gain_total),
            sa.func.sum(MODULES.c.gain_squares),
            sa.func.min(Module.start_date),
        )
        .select_from(MODULES)
        .join(Module, Module.id == MODULES.c.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(MODULES.c.tested > 0)
    )
    if keys:
        query = query.group_by(*keys)
    if course_codes:
        query = query.where(Course.code.in_(course_codes))
    if module_ids:
        query = query.where(Module.id.in_(module_ids))
    if year_from is not None:
        query = query.where(year >= year_from)
    if year_to is not None:
        query = query.where(year <= year_to)
    if funders or grants:
        query = query.where(Module.id.in_(funded_module_ids(funders, grants)))
    rows = []
    for row in session.execute(query).all():
        *key, n, pre, post, total, squares, first = row
        n = int(n or 0)
        if n == 0:
            continue
        pre, post = float(pre) / n, float(post) / n
        label = _label(by, key)
        low, high = interval(n, float(total), float(squares))
        rows.append((first, label, n, float(pre), float(post), float(total) / n, low, high))
    rows.sort(key=lambda r: (r[0], r[1]))
    return pd.DataFrame([r[1:] for r in rows], columns=COLUMNS)
