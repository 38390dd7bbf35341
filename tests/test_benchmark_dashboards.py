"""The dashboards benchmark compares like with like: each bare SQL computes its function's figures."""

from __future__ import annotations

import dataclasses

from sqlalchemy.engine import Engine
from sqlmodel import Session

from benchmarks import dashboards
from programme import reach
from programme.reach import kept
from tests.test_reach_year_ranges import some_absent_or_only_registered


def test_every_bare_sql_computes_the_same_figures_as_its_function(demo_engine: Engine) -> None:
    assert dashboards.check(demo_engine) == []


def test_the_check_notices_a_bare_sql_that_counts_something_else(demo_engine: Engine) -> None:
    query = next(query for query in dashboards.QUERIES if query.name == "reach.by_gender")
    wrong = dataclasses.replace(query, bare_sql=[query.bare_sql[0].replace("COUNT(*)", "COUNT(*) + 1")])
    failures = dashboards.check(demo_engine, [wrong])
    assert len(failures) == 1 and failures[0].startswith("reach.by_gender: the function's figures differ")


# The Reach figures the kept summaries answer under a year range (programme/reach/kept.py): all thirteen.
FROM_SUMMARIES_UNDER_A_RANGE = (
    "headline_figures",
    "by_country",
    "by_gender",
    "by_org_type",
    "by_year",
    "growth",
    "repeat_participation",
    "corridors",
    "organisations",
    "organisation_count",
    "funnel_by_module",
    "registrations",
    "funnel",
)


def test_each_figure_read_from_the_summaries_under_a_year_range_is_checked_under_one(demo_engine: Engine) -> None:
    names = {query.name for query in dashboards.QUERIES}
    for figure in FROM_SUMMARIES_UNDER_A_RANGE:
        assert {f"reach.{figure} (years)", f"reach.{figure} (filtered)"} <= names
    # On the demo (2004-2019) both ranges leave years out, and the summaries answer them.
    with Session(demo_engine) as session:
        for reach_filter in (dashboards.YEAR_RANGE, dashboards.REACH_FILTER):
            selection = kept.selection(session, reach_filter)
            assert selection is not None and selection.years == (reach_filter.year_from, reach_filter.year_to)


def test_the_check_notices_a_year_range_ignored(demo_engine: Engine) -> None:
    # The figures under the range against bare SQL over every year: each differs, so a figure that ignored the range
    # would fail the check as well.
    ignored = dashboards.reach_queries(" (range ignored)", dashboards.YEAR_RANGE, dashboards.WHOLE_DATABASE)
    failures = dashboards.check(demo_engine, ignored)
    assert len(failures) == len(ignored) == len(FROM_SUMMARIES_UNDER_A_RANGE)
    assert all("the function's figures differ" in failure for failure in failures)


def test_the_registrations_and_the_funnel_agree_with_their_bare_sql_with_registrations_and_absences(
    demo_engine: Engine,
) -> None:
    # The demo has no registration list and nobody absent: some participations recorded absent, some registered only
    # (attendance not recorded), some registered who came. The other figures' bare SQL counts every participation
    # (the demo's all took part), so only these three, which tell the stages apart, are compared here.
    some_absent_or_only_registered(demo_engine)
    names = ("reach.registrations", "reach.funnel", "reach.funnel_by_module")
    queries = [query for query in dashboards.QUERIES if query.name.split(" ")[0] in names]
    assert len(queries) == 9
    assert dashboards.check(demo_engine, queries) == []
    with Session(demo_engine) as session:
        for reach_filter in (None, dashboards.YEAR_RANGE, dashboards.REACH_FILTER):
            counts = reach.registrations(session, reach_filter)
            assert min(counts.values()) > 0, (reach_filter, counts)
