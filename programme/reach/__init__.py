"""Reach: who we reached and where — headline totals, and figures under a filter for dashboards and reports."""

from programme.reach.filters import (
    NOT_RECORDED,
    TOOK_PART,
    UNKNOWN,
    CountryBasis,
    ReachFilter,
    filter_options,
    participations,
)
from programme.reach.queries import (
    ORG_TYPE_SHARE_NOTE,
    STACKS,
    all_tables,
    by_country,
    by_gender,
    by_org_type,
    by_year,
    corridors,
    growth,
    headline_figures,
    registrations,
    repeat_participation,
)
from programme.reach.totals import headline, registration_totals, stats

__all__ = [
    "NOT_RECORDED",
    "ORG_TYPE_SHARE_NOTE",
    "STACKS",
    "TOOK_PART",
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
    "registration_totals",
    "registrations",
    "repeat_participation",
    "stats",
]
