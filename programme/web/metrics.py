"""Rows of headline figures (st.metric) that stay readable at any size."""

from __future__ import annotations

import math
from collections.abc import Sequence

import streamlit as st

# A figure longer than this (as shown: "500,060", "1,998,765") no longer fits a column of a row of eight on a
# laptop screen: Streamlit cuts it ("500,…"). Such rows are split in two.
LONGEST_IN_ONE_ROW = 6


def metric_rows(metrics: Sequence[tuple[str, str] | tuple[str, str, str]]) -> None:
    """Show (label, value) figures side by side, or (label, value, help): one row, or two when a value is too long for
    a row of them all."""
    if not metrics:
        return
    longest = max(len(metric[1]) for metric in metrics)
    per_row = len(metrics) if longest <= LONGEST_IN_ONE_ROW else math.ceil(len(metrics) / 2)
    for start in range(0, len(metrics), per_row):
        row = metrics[start : start + per_row]
        for column, (label, value, *help_text) in zip(st.columns(per_row), row, strict=False):
            column.metric(label, value, help=help_text[0] if help_text else None)
