"""Reach: who we reached and where — headline totals, and figures under a filter for dashboards and reports."""

from programme.reach.filters import UNKNOWN, CountryBasis, ReachFilter, filter_options, participations
from programme.reach.queries import (
    STACKS,
    all_tables,
    by_country,
    by_gender,
    by_org_type,
    by_year,
    corridors,
    growth,
    headline_figures,
    repeat_participation,
)
from programme.reach.totals import headline, stats

__all__ = [
    "STACKS",
    "UNKNOWN",
    "CountryBasis",
    "ReachFilter",
    "all_tables",
    "by_country",
    "by_gender",
    "by_org_type",
    "by_year",
    "corridors",
    "filter_options",
    "growth",
    "headline",
    "headline_figures",
    "participations",
    "repeat_participation",
    "stats",
]
