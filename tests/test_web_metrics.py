"""Headline figures in rows (programme/web/metrics.py): one row, or two when a figure is too long for it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _script(long: bool) -> None:
    from programme.web.metrics import metric_rows

    value = "1,998,765" if long else "48"
    metric_rows([(f"Figure {i}", value if i == 4 else "7") for i in range(9)])


def test_nine_short_figures_share_one_row_and_a_long_one_splits_them_in_two() -> None:
    short = AppTest.from_function(_script, kwargs={"long": False}).run()
    assert len(short.columns) == 9 and len(short.metric) == 9
    long = AppTest.from_function(_script, kwargs={"long": True}).run()
    # Two rows of five columns (the last one empty): every figure shown whole, in order.
    assert len(long.columns) == 10
    assert [metric.label for metric in long.metric] == [f"Figure {i}" for i in range(9)]
    assert long.metric[4].value == "1,998,765"
