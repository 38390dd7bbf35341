"""The alumni outcome charts count whole outcomes: a small count axis ticks at each whole number, never at halves."""

from __future__ import annotations

import pandas as pd

from programme.charts.alumni import outcome_kinds_chart, outcomes_by_year_chart


def test_few_outcomes_by_kind_tick_at_each_whole_number() -> None:
    # Seen on a first module's Outcomes tab: plotly's own steps for counts of 1 and 2 are 0.5, which ",d" labelled
    # "0, 1, 1, 2" (two ticks named 1).
    figure = outcome_kinds_chart({"Shadow report submitted": 2, "Policy change": 1})
    assert figure.layout.xaxis.dtick == 1 and figure.layout.xaxis.tickformat == ",d"


def test_few_outcomes_by_year_tick_at_each_whole_number_of_the_stacked_bars() -> None:
    # 2024 stacks 3 + 4 = 7 outcomes (at most 10: a tick at each whole number); 2025 has 2.
    frame = pd.DataFrame(
        {"year": [2024, 2024, 2025], "kind": ["Policy change", "Shadow report submitted", "Policy change"],
         "outcomes": [3, 4, 2]}
    )  # fmt: skip
    figure = outcomes_by_year_chart(frame)
    assert figure.layout.yaxis.dtick == 1 and figure.layout.yaxis.tickformat == ",d"
    assert figure.layout.xaxis.dtick == 1


def test_many_outcomes_keep_plotlys_own_steps() -> None:
    # 2024 stacks 6 + 6 = 12 outcomes, over ten: a tick at each of them would crowd the axis; plotly's steps are whole.
    frame = pd.DataFrame(
        {"year": [2024, 2024], "kind": ["Policy change", "Shadow report submitted"], "outcomes": [6, 6]}
    )
    assert outcomes_by_year_chart(frame).layout.yaxis.dtick is None
    assert outcome_kinds_chart({"Policy change": 12}).layout.xaxis.dtick is None


def test_no_outcome_draws_an_empty_chart_without_error() -> None:
    frame = pd.DataFrame({"year": pd.Series([], dtype="int64"), "kind": pd.Series([], dtype=object),
                          "outcomes": pd.Series([], dtype="int64")})  # fmt: skip
    assert outcomes_by_year_chart(frame).layout.yaxis.dtick == 1
    assert outcome_kinds_chart({}).layout.xaxis.dtick == 1
