"""Reach: who we reached and where — headline totals, and figures under a filter for dashboards and reports."""

from programme.reach.filters import UNKNOWN, CountryBasis, ReachFilter, filter_options, participations
from programme.reach.funnel import (
    STAGES,
    funnel,
    funnel_by_module,
    organisation_count,
    organisations,
    organisations_by_type,
)
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
from programme.reach.totals import headline, reach_stats, stats

__all__ = [
    "STACKS",
    "STAGES",
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
    "funnel",
    "funnel_by_module",
    "growth",
    "headline",
    "headline_figures",
    "organisation_count",
    "organisations",
    "organisations_by_type",
    "participations",
    "reach_stats",
    "repeat_participation",
    "stats",
]
