"""Home's cached figures, asked for in one place: Home reads them, and the server's warm-up computes them while the
first person types their password (programme/web/warmup.py), through the same calls and so under the same cache keys.

None of them is about a person, and none depends on who asks: the headline counts, the latest modules (course,
number, dates, title, city, status), the open next steps' counts and the new individuals per year. What differs by
role (a viewer's years of fewer than N new people pooled) is applied by Home to the cached figure, after the cache.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from programme.core.db import read_scope
from programme.courses.overview import latest_modules, open_next_steps
from programme.demo import holds_data
from programme.reach import growth
from programme.web.engine import cached_headline, cached_query, engine


def headline() -> dict[str, int]:
    return cached_headline()


def modules(today: date) -> pd.DataFrame:
    return cached_query(latest_modules, today=today)


def next_steps(today: date) -> dict[str, int]:
    return cached_query(open_next_steps, today=today)


def new_individuals_by_year() -> pd.DataFrame:
    return cached_query(growth)


def warm(today: date | None = None) -> None:
    """Compute what the first Home will ask for (the headline; on a database holding data, the rest too) into the
    figures' cache. Read-only; a figure already cached is read, not computed again."""
    today = today or date.today()
    with read_scope(engine()) as session:
        has_data = holds_data(session)
    headline()
    if has_data:
        modules(today)
        next_steps(today)
        new_individuals_by_year()
