"""The Reach page's headline and its first tab at once: the headline figures, the registrations, the organisations'
count and the people by country, each equal to its own function's (queries.headline_figures, queries.registrations,
funnel.organisation_count, queries.by_country).

When the kept summaries answer the filter (programme/reach/kept.selection), the people are read once for the
headline, the organisations and the countries (kept.people_figures): under a year range that is one pass over the
range's rows of every person instead of three (500,000 people: about 0.3 s of CPU each on SQLite). The figures are
cached together (`ui.cached_query`), under the same versions as each of them.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
from sqlmodel import Session

from programme.core.freshness import depends_on
from programme.reach import kept
from programme.reach.filters import REACH_FILTER_WIDER, ReachFilter
from programme.reach.funnel import _ERASED, organisation_count
from programme.reach.queries import country_frame, headline_figures, headline_frame, registrations


class Overview(NamedTuple):
    """headline_figures, registrations, organisation_count and by_country under one filter; by_country None when the
    raw rows answer the filter (then it costs a figure of its own: the Map tab computes it when open)."""

    figures: pd.DataFrame
    registrations: dict[str, int]
    organisation_count: int
    by_country: pd.DataFrame | None


@depends_on(every_module=True, people=True, when=REACH_FILTER_WIDER)
def overview(session: Session, reach_filter: ReachFilter | None = None) -> Overview:
    """Return the headline figures, the registrations, the organisations' count and (from the kept summaries) the
    people by country under the filter."""
    chosen = kept.selection(session, reach_filter)
    if chosen is None:
        return Overview(
            headline_figures(session, reach_filter),
            registrations(session, reach_filter),
            organisation_count(session, reach_filter),
            None,
        )
    basis = (reach_filter or ReachFilter()).country_basis
    people = kept.people_figures(session, _ERASED, basis, chosen.where, reach_filter, chosen.years)
    # Two person attributes at once: the modules of such people are not kept, the headline reads the raw rows.
    figures = headline_figures(session, reach_filter) if people.headline is None else headline_frame(people.headline)
    return Overview(
        figures,
        kept.registration_counts(session, chosen.where, chosen.years),
        people.organisations,
        country_frame(people.by_country),
    )
