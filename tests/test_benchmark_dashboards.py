"""The dashboards benchmark compares like with like: each bare SQL computes its function's figures."""

from __future__ import annotations

import dataclasses

from sqlalchemy.engine import Engine

from benchmarks import dashboards


def test_every_bare_sql_computes_the_same_figures_as_its_function(demo_engine: Engine) -> None:
    assert dashboards.check(demo_engine) == []


def test_the_check_notices_a_bare_sql_that_counts_something_else(demo_engine: Engine) -> None:
    query = next(query for query in dashboards.QUERIES if query.name == "reach.by_gender")
    wrong = dataclasses.replace(query, bare_sql=[query.bare_sql[0].replace("COUNT(*)", "COUNT(*) + 1")])
    failures = dashboards.check(demo_engine, [wrong])
    assert len(failures) == 1 and failures[0].startswith("reach.by_gender: the function's figures differ")
