"""What a viewer sees of Reach's figures in an order of their own (access/small_counts.py): per year (By year,
Growth) and by how many modules people attended (Repeat participation), with neighbouring years or counts pooled
so that no cell holds fewer than N people. Facilitators and administrators (threshold None) see them unchanged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access.small_counts import at_least, merge_small, pool_in_order, year_span
from programme.core.freshness import depends_on
from programme.reach.filters import REACH_FILTER_WIDER, ReachFilter, participations
from programme.reach.queries import STACKS, _label, by_year


def growth_shown(frame: pd.DataFrame, threshold: int | None) -> pd.DataFrame:
    """growth()'s table with the years of fewer than threshold new people pooled with the next ones ("2005–2007":
    the new people of those years, the total at the end of the last); the total so far stays exact."""
    return pool_in_order(
        frame, "year", threshold=threshold, count="new_individuals", label=year_span, last=["cumulative_individuals"]
    )


def repeat_shown(frame: pd.DataFrame, threshold: int | None) -> pd.DataFrame:
    """repeat_participation()'s table with counts of fewer than threshold people pooled with their neighbours
    ("2" and "3+": "2+")."""
    return pool_in_order(frame, "modules", threshold=threshold, count="individuals", label=at_least)


def year_periods(people: dict[int, int], threshold: int, over: Callable[[int, int], int]) -> list[tuple[int, int]]:
    """The years (people in each, in order) pooled into periods (first, last) of at least threshold people, as
    pool_in_order pools rows: a year of fewer joins the next ones until the period holds threshold people, counted
    once over it by over(first, last) (one person in two years is one); a last period of fewer joins the one before.
    """
    periods: list[tuple[int, int]] = []
    start: int | None = None
    for year, n in people.items():
        if start is None and (n >= threshold or n == 0):
            periods.append((year, year))
        elif start is None:
            start = year
        elif over(start, year) >= threshold:
            periods.append((start, year))
            start = None
    if start is not None:
        last = max(people)
        first = periods.pop()[0] if periods else start
        periods.append((first, last))
    return periods


def _people(session: Session, within: ReachFilter, first: int, last: int) -> int:
    """The people in the selection over the years first to last, each counted once."""
    p = participations(replace(within, year_from=first, year_to=last), ["person_id"])
    return int(session.scalar(sa.select(sa.func.count(sa.distinct(p.c.person_id)))) or 0)


@depends_on(every_module=True, people=True, when=REACH_FILTER_WIDER)
def by_year_shown(
    session: Session, reach_filter: ReachFilter | None, *, stack: str, threshold: int | None
) -> pd.DataFrame:
    """by_year()'s table as a viewer sees it: a year of fewer than threshold people in the selection is pooled with
    the next years ("2005–2007", its people counted once over the period, read again for it), then each year's or
    period's groups of fewer than threshold people are merged (merge_small, within the year)."""
    frame = by_year(session, reach_filter, stack=stack)
    if threshold is None or frame.empty:
        return frame
    # One gender a person: a year's genders add up to its people, counted once.
    genders = frame if stack == "gender" else by_year(session, reach_filter, stack="gender")
    people = {int(y): int(n) for y, n in genders.groupby("year")["individuals"].sum().items()}
    base = reach_filter or ReachFilter()
    periods = year_periods(people, threshold, lambda first, last: _people(session, base, first, last))
    if any(first != last for first, last in periods):
        column = STACKS[stack]
        parts = []
        for first, last in periods:
            if first == last:
                parts.append(frame[frame["year"] == first].assign(year=str(first)))
                continue
            within = replace(base, year_from=first, year_to=last)
            parts.append(_period(session, within, column, stack).assign(year=year_span(str(first), str(last))))
        frame = pd.concat(parts, ignore_index=True)[["year", stack, "individuals", "participations"]]
    return merge_small(frame, stack, threshold=threshold, within="year")


def _period(session: Session, within: ReachFilter, column: str, stack: str) -> pd.DataFrame:
    """The stack's categories over a period (the filter's years): people counted once over it, participations."""
    p = participations(within, [column, "person_id", "participation_id"])
    rows = session.execute(
        sa.select(p.c[column], sa.func.count(sa.distinct(p.c.person_id)), sa.func.count(p.c.participation_id)).group_by(
            p.c[column]
        )
    ).all()
    frame = pd.DataFrame(
        [(_label(key), int(people), int(count)) for key, people, count in rows],
        columns=[stack, "individuals", "participations"],
    )
    frame = frame.groupby(stack, as_index=False, sort=False).sum()
    return frame.sort_values(["individuals", stack], ascending=[False, True], ignore_index=True)
